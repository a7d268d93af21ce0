#pragma once

#include "model/Result.h"
#include "model/Retention.h"
#include "store/Store.h"
#include "store/StoreUrl.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>

namespace herald {

// A cleanup run (runRecordedCleanup, recorded as "console") on a thread and a writable connection of
// its own, so the console's reads on its StoreThread and the engine's delivery go on meanwhile: the
// store deletes in short transactions. Shaped like ActionJob: start() never blocks, progressed()…,
// finished(); cancel() stops after the chunk under way and the chunks done stay done.
//
// GUI thread only. The worker thread writes only atomics that a timer here reads.
class CleanupJob : public QObject
{
    Q_OBJECT

public:
    static constexpr int kProgressPollMs = 100;

    CleanupJob(StoreUrl url, Store::OpenOptions options, RetentionPolicy policy, CleanupOptions cleanupOptions, QObject *parent = nullptr);
    ~CleanupJob() override; // cancels and waits for the chunk under way

    void start();
    void cancel();
    bool isRunning() const { return m_watcher.isRunning(); }
    bool wasCancelled() const { return m_shared->cancel.load(); }
    // After finished(): what was removed, or why the run stopped.
    const Result<CleanupResult> &result() const { return m_result; }

    // Rows per second since start and the time left at that rate; 0 / -1 until known.
    double rate() const;
    qint64 etaMs() const;

Q_SIGNALS:
    void progressed(qint64 done, qint64 total);
    void finished();

private:
    struct Shared
    {
        std::atomic<qint64> done{0};
        std::atomic<qint64> total{0};
        std::atomic_bool cancel{false};
    };
    void poll();

    StoreUrl m_url;
    Store::OpenOptions m_openOptions;
    RetentionPolicy m_policy;
    CleanupOptions m_cleanupOptions;
    std::shared_ptr<Shared> m_shared = std::make_shared<Shared>();
    QFutureWatcher<Result<CleanupResult>> m_watcher;
    QTimer m_poll;
    QElapsedTimer m_elapsed;
    Result<CleanupResult> m_result = CleanupResult{};
};

} // namespace herald
