#include "CleanupJob.h"

#include "maintenance/CleanupSchedule.h"

#include <QtConcurrent/QtConcurrentRun>

namespace herald {

CleanupJob::CleanupJob(StoreUrl url, Store::OpenOptions options, RetentionPolicy policy, CleanupOptions cleanupOptions, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_openOptions(std::move(options)), m_policy(std::move(policy)),
      m_cleanupOptions(std::move(cleanupOptions))
{
    m_poll.setInterval(kProgressPollMs);
    connect(&m_poll, &QTimer::timeout, this, &CleanupJob::poll);
    connect(&m_watcher, &QFutureWatcher<Result<CleanupResult>>::finished, this, [this] {
        m_poll.stop();
        poll();
        m_result = m_watcher.result();
        Q_EMIT finished();
    });
}

CleanupJob::~CleanupJob()
{
    // The thread holds only the shared state and its own connection: it stops after its chunk.
    m_shared->cancel = true;
    m_watcher.disconnect(this);
    m_watcher.waitForFinished();
}

void CleanupJob::start()
{
    if (isRunning())
        return;
    m_elapsed.start();
    m_watcher.setFuture(QtConcurrent::run([url = m_url, openOptions = m_openOptions, policy = m_policy, options = m_cleanupOptions,
                                           shared = m_shared]() mutable -> Result<CleanupResult> {
        openOptions.readOnly = false;
        auto store = Store::open(url, openOptions);
        if (!store)
            return store.error();
        ActionProgress progress;
        progress.cancel = &shared->cancel;
        progress.report = [shared](qint64 done, qint64 total) {
            shared->total = total;
            shared->done = done;
        };
        return runRecordedCleanup(**store, policy, options, QStringLiteral("console"), progress);
    }));
    m_poll.start();
}

void CleanupJob::cancel()
{
    m_shared->cancel = true;
}

double CleanupJob::rate() const
{
    const qint64 ms = m_elapsed.isValid() ? m_elapsed.elapsed() : 0;
    return ms > 0 ? double(m_shared->done.load()) * 1000.0 / double(ms) : 0.0;
}

qint64 CleanupJob::etaMs() const
{
    const double r = rate();
    const qint64 left = m_shared->total.load() - m_shared->done.load();
    return r > 0 && left >= 0 ? qint64(double(left) * 1000.0 / r) : -1;
}

void CleanupJob::poll()
{
    Q_EMIT progressed(m_shared->done.load(), m_shared->total.load());
}

} // namespace herald
