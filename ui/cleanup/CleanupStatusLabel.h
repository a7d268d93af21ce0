#pragma once

#include <QLabel>
#include <QPointer>
#include <QTimer>

namespace herald {

class StoreThread;

// The status bar's "Cleanup: last today 03:30, next tomorrow 03:30", read through the window's
// StoreThread when a store is attached and once a minute. GUI thread only; the StoreThread is not owned.
class CleanupStatusLabel : public QLabel
{
    Q_OBJECT

public:
    static constexpr int kRefreshMs = 60'000;

    explicit CleanupStatusLabel(QWidget *parent = nullptr);
    void setStoreThread(StoreThread *storeThread); // nullptr: no store, the label is hidden
    void refresh();

private:
    QPointer<StoreThread> m_storeThread;
    QTimer m_refresh;
    quint64 m_generation = 0;
};

} // namespace herald
