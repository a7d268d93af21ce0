#pragma once

#include "Store.h"
#include "StoreUrl.h"

#include <QObject>
#include <QThread>

#include <memory>
#include <optional>
#include <type_traits>

namespace herald {

// Carries one answer from the store thread to a context object; see StoreThread::post().
class ResultRelay : public QObject
{
    Q_OBJECT
Q_SIGNALS:
    void ready();
};

// A Store on a thread of its own (DESIGN §5: the GUI thread never runs SQL).
//
// The connection is opened in the store thread on first use and closed there. post() runs work on
// that thread and hands its result to a function run in the thread of a context object. Destroy the
// StoreThread before the contexts it serves (the destructor finishes pending work and joins).
//
// A store on a server (PostgreSQL) is a connection that can go away: after work that failed, the next
// work first checks the connection and opens a new one if it was lost; a store that could not be opened
// is tried again by each later work (the console's refresh timer keeps posting). A SQLite file is opened
// once.
class StoreThread : public QObject
{
    Q_OBJECT

public:
    explicit StoreThread(StoreUrl url, Store::OpenOptions options = {}, QObject *parent = nullptr);
    ~StoreThread() override;

    const StoreUrl &url() const { return m_url; }
    const Store::OpenOptions &options() const { return m_options; }

    // work: Result<T>(Store &), run in the store thread. done: void(Result<T>), run in context's thread,
    // and dropped when context is gone. Call from context's thread.
    template<typename Work, typename Done>
    void post(QObject *context, Work work, Done done)
    {
        using R = std::invoke_result_t<Work, Store &>;
        auto result = std::make_shared<std::optional<R>>();
        // The answer travels as a queued signal to context: Qt drops it, under its own lock, when context
        // is destroyed first, which a pointer checked from the store thread could not guarantee.
        auto *relay = new ResultRelay;
        connect(
            relay, &ResultRelay::ready, context, [result, done = std::move(done)]() mutable { done(std::move(**result)); },
            Qt::QueuedConnection);
        relay->moveToThread(&m_thread);
        QMetaObject::invokeMethod(
            m_worker,
            [this, relay, result, work = std::move(work)]() mutable {
                Store *store = storeInThread();
                result->emplace(store ? work(*store) : R(m_openError));
                if constexpr (std::is_constructible_v<bool, const R &>)
                    m_lastFailed = store && !static_cast<bool>(**result);
                Q_EMIT relay->ready();
                delete relay;
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
    bool m_lastFailed = false;          // m_thread only: the last work on the open store failed
};

} // namespace herald
