#pragma once

#include "model/Result.h"

#include <QObject>

class QSocketNotifier;

namespace herald {

// Turns SIGINT and SIGTERM into a Qt signal in the thread that installs it (the main thread), for
// the long-running commands (work, serve): the handler only writes the signal number into a socket
// pair, the event loop reads it. One watcher at a time; the destructor restores the default handlers.
class SignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

    Status install();
    // "SIGINT" or "SIGTERM", for log lines.
    static const char *name(int signal);

Q_SIGNALS:
    void received(int signal);

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace herald
