#pragma once

#include "store/StoreUrl.h"

#include <QObject>

#include <memory>

class QAction;
class QWidget;

namespace herald {

class Settings;
class SnsListener;

// Delivery ▸ Receive SES events: the SNS HTTP endpoint (SnsListener, as `heraldctl serve` runs it)
// inside the console, on the open store. Checking the action asks for the address, port, allowed
// topics and whether to confirm subscriptions (remembered in Settings), then listens; unchecking, or
// another store, stops it. Refused on a read-only store. GUI thread only.
class SnsEndpointControl : public QObject
{
    Q_OBJECT

public:
    SnsEndpointControl(Settings *settings, QWidget *dialogParent);
    ~SnsEndpointControl() override;

    QAction *action() const { return m_action; }
    void setStore(const StoreUrl &url, bool readOnly);
    // Starts without asking, with these topics on this port (0: any free one); for tests and scripts.
    Status start(quint16 port, const QStringList &topics, bool confirmSubscriptions);
    void stop();
    bool isListening() const;
    quint16 port() const;
    QString statusText() const;

Q_SIGNALS:
    void statusChanged(const QString &text);
    void eventsReceived();

private:
    void toggled(bool on);

    Settings *m_settings;
    QWidget *m_dialogParent;
    QAction *m_action;
    StoreUrl m_url;
    bool m_hasStore = false;
    bool m_readOnly = false;
    std::unique_ptr<SnsListener> m_listener;
};

} // namespace herald
