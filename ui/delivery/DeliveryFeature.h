#pragma once

#include "shell/Feature.h"

namespace herald {

class DeliveryController;
class DeliveryStatusWidget;

// The in-console engine: it delivers from a writable store once it has opened (unless another process
// already does), Delivery ▸ Pause on the menu and the toolbar, its state in the status bar, and each
// delivery it makes told to the session for the live refresh. window: the parent of its message box.
// GUI thread only.
class DeliveryFeature : public Feature
{
    Q_OBJECT

public:
    explicit DeliveryFeature(QWidget *window, QObject *parent = nullptr);

    void setSession(StoreSession *session) override;
    QList<Action> actions() const override;
    QList<StatusWidget> statusWidgets() const override;

    DeliveryController *controller() const { return m_controller; }
    QAction *pauseAction() const { return m_pauseAction; }

private:
    void storeChanged();
    void stateChanged();
    void deliveryFailed(const QString &error);

    QWidget *m_window;
    StoreSession *m_session = nullptr;
    DeliveryController *m_controller;
    DeliveryStatusWidget *m_status;
    QAction *m_pauseAction;
    QAction *m_separator;
};

} // namespace herald
