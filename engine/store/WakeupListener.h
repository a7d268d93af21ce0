#pragma once

#include "StoreUrl.h"
#include "model/Result.h"

#include <QObject>
#include <QSqlDatabase>

#include <memory>

namespace herald {

class Backend;

// Wake-ups pushed by the server (a backend with the listenNotify capability, DESIGN §3.2): a connection
// of its own that listens on Backend::kWakeupChannel and emits wakeup(queue) for each notification.
// Lives in the thread that calls open(), which must run an event loop (the driver watches the socket).
// The server forgets a listener whose connection it lost: call check() now and then, which notices a
// dead connection, opens a new one, listens again and emits wakeup("") for what may have been missed.
class WakeupListener : public QObject
{
    Q_OBJECT

public:
    explicit WakeupListener(StoreUrl url, QObject *parent = nullptr);
    ~WakeupListener() override;

    Status open();
    void check();
    bool isListening() const { return m_listening; }

Q_SIGNALS:
    void wakeup(const QString &queue);

private:
    void close();

    StoreUrl m_url;
    std::unique_ptr<Backend> m_backend;
    QString m_connectionName;
    QSqlDatabase m_db;
    bool m_listening = false;
};

} // namespace herald
