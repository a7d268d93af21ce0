#pragma once

#include <QWidget>

class QLabel;

namespace herald {

class DeliveryController;

// The delivery part of the status bar (DESIGN §8): what the engine does (delivering, paused, attached,
// read-only, stopped), how many deliveries are in flight, which queues wait for their rate limit and
// which channels a peer paused with a 429. Parts with nothing to say are hidden.
// The controller is not owned and must outlive the widget.
class DeliveryStatusWidget : public QWidget
{
    Q_OBJECT

public:
    explicit DeliveryStatusWidget(DeliveryController *controller, QWidget *parent = nullptr);
    ~DeliveryStatusWidget() override;

    // The visible parts, joined with " | ", for tests and the window's statusText().
    QString text() const;

private:
    void showState();

    DeliveryController *m_controller;
    QLabel *m_state;
    QLabel *m_inFlight;
    QLabel *m_rateLimited;
    QLabel *m_pausedChannels;
};

} // namespace herald
