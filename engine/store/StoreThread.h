#pragma once

#include "Store.h"
#include "StoreUrl.h"

#include <QObject>
#include <QPointer>
#include <QThread>

#include <memory>
#include <type_traits>

namespace herald {

// A Store on a thread of its own (DESIGN §5: the GUI thread never runs SQL).
//
// The connection is opened in the store thread on first use and closed there. post() runs work on
// that thread and hands its result to a function run in the thread of a context object. Destroy the
// StoreThread before the contexts it serves (the destructor finishes pending work and joins).
class StoreThread : public QObject
{
    Q_OBJECT

public:
    explicit StoreThread(StoreUrl url, Store::OpenOptions options = {}, QObject *parent = nullptr);
    ~StoreThread() override;

    const StoreUrl &url() const { return m_url; }

    // work: Result<T>(Store &), run in the store thread. done: void(Result<T>), run in context's thread,
    // and dropped when context is gone.
    template<typename Work, typename Done>
    void post(QObject *context, Work work, Done done)
    {
        using R = std::invoke_result_t<Work, Store &>;
        QPointer<QObject> guard(context);
        QMetaObject::invokeMethod(
            m_worker,
            [this, guard, work = std::move(work), done = std::move(done)]() mutable {
                Store *store = storeInThread();
                R result = store ? work(*store) : R(m_openError);
                if (!guard)
                    return;
                // Runs in the context's thread.
                QMetaObject::invokeMethod(
                    guard.data(), [done = std::move(done), result = std::move(result)]() mutable { done(std::move(result)); },
                    Qt::QueuedConnection);
            },
            Qt::QueuedConnection);
    }

Q_SIGNALS:
    // Emitted once, from the store thread, after the first attempt to open the store.
    void opened(const QString &error);

private:
    Store *storeInThread(); // store thread only

    StoreUrl m_url;
    Store::OpenOptions m_options;
    QThread m_thread;
    QObject *m_worker = nullptr;        // lives in m_thread
    std::unique_ptr<Store> m_store;     // used only in m_thread
    Error m_openError;                  // written once in m_thread before any result that reads it
    bool m_triedOpen = false;           // m_thread only
};

} // namespace herald
