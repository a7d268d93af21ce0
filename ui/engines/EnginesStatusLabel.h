#pragma once

#include <QLabel>
#include <QPointer>
#include <QTimer>

namespace herald {

class StoreThread;

// The status bar's "3 engines delivering" on a shared store (PostgreSQL): how many engines — `heraldctl
// work` processes and consoles — have a fresh heartbeat in the store, each named in the tooltip with its
// host, pid, version and deliveries in flight. Hidden on a SQLite store, where the one engine is the
// delivery status's business. Read through the window's StoreThread every kRefreshMs. GUI thread only;
// the StoreThread is not owned.
class EnginesStatusLabel : public QLabel
{
    Q_OBJECT

public:
    static constexpr int kRefreshMs = 5'000;

    explicit EnginesStatusLabel(QWidget *parent = nullptr);
    void setStoreThread(StoreThread *storeThread); // nullptr: no store, the label is hidden
    void refresh();

    // The last count read; -1 before the first answer or after a failed read.
    int engineCount() const { return m_count; }

Q_SIGNALS:
    void refreshed();

private:
    QPointer<StoreThread> m_storeThread;
    QTimer m_refresh;
    quint64 m_generation = 0;
    int m_count = -1;
};

} // namespace herald
