#pragma once

#include "DeliveryRecord.h"
#include "RateLimiter.h"
#include "Worker.h"
#include "maintenance/CleanupScheduler.h"
#include "store/Store.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>
#include <vector>

class QThread;

namespace herald {

struct RuntimeOptions
{
    QStringList queues;          // only these queues; empty: all
    int concurrencyOverride = 0; // > 0: replaces every queue's concurrency
    int workerThreads = 4;
    qint64 leaseMs = 30'000;
    qint64 pollMs = 1'000;         // back-stop poll for changes made by other processes
    qint64 groupCommitMs = 2;      // outcomes wait at most this long to share a transaction
    int maxClaimBatch = 200;
    bool reclaimAllAtStart = true; // we hold the store's lock: every active lease is a dead engine's
    ChannelFactory channelFactory;
    std::function<Result<QString>(const QString &)> resolveSecret;
    CleanupSchedulerOptions cleanup; // the daily cleanup, run beside the runtime by the lock holder
};

// The dispatcher and the writer (DESIGN §5), on the runtime thread: it owns the writable Store,
// commits everything of a tick in one transaction, claims up to each queue's free concurrency and
// rate-limit allowance, and hands claimed messages to the workers. Created and used in the runtime
// thread only; Engine talks to it through queued calls.
class Runtime : public QObject
{
    Q_OBJECT

public:
    Runtime(StoreUrl url, RuntimeOptions options, QString owner);
    ~Runtime() override;

    // Runtime thread. Opens the store, reclaims leases, starts the workers and the first tick.
    Status start();
    void wake();                   // something changed (enqueue, operator action): look again now
    void setPaused(bool paused);   // stop/resume claiming; deliveries in flight finish
    void stop(qint64 timeoutMs);   // graceful: finish in flight, or hand back after timeoutMs
    // Exit when nothing is due now (idle) or nothing is left at all (drained).
    enum class ExitWhen { Never, Idle, Drained };
    void setExitWhen(ExitWhen when) { m_exitWhen = when; }
    void finishWithError(const QString &error) { finish(error); }

Q_SIGNALS:
    void delivered(const herald::DeliveryRecord &record);
    void statusChanged(const herald::EngineStatus &status);
    void finished(const QString &error); // stopped, or the exit condition was met; empty error when clean

private:
    struct InFlight
    {
        Message message;
        QString channel;
        int worker = 0;
        qint64 claimedAt = 0;
        QElapsedTimer started;
    };

    void scheduleTick(qint64 delayMs);
    void tick();
    void poll();
    Status reloadConfiguration();
    ChannelConfig channelConfigFor(const QString &name) const;
    void dispatch(const Message &message);
    void onOutcome(qint64 id, const DeliveryOutcome &outcome); // runtime thread, from a worker
    void checkExit();
    void finish(const QString &error);
    void publishStatus();
    QStringList pausedChannels(qint64 now) const;

    StoreUrl m_url;
    RuntimeOptions m_options;
    QString m_owner;
    std::unique_ptr<Store> m_store;

    struct WorkerThread
    {
        QThread *thread = nullptr;
        Worker *worker = nullptr;
        int load = 0;
    };
    std::vector<WorkerThread> m_workers;

    QHash<QString, QueueConfig> m_queues;
    QHash<QString, RateLimiter> m_limiters;
    QHash<QString, ChannelConfig> m_channels;
    QHash<QString, qint64> m_channelPausedUntil;
    QHash<qint64, InFlight> m_inFlight;
    QHash<QString, int> m_inFlightPerQueue;
    Store::WriteBatch m_pending;
    QHash<qint64, DeliveryRecord> m_pendingRecords;

    QTimer m_tickTimer;  // group commit and the precise wake-up at the next run_at or rate-limit start
    QTimer m_pollTimer;  // back-stop
    QTimer m_leaseTimer; // renews the leases of deliveries in flight
    QTimer m_stopTimer;  // graceful stop deadline
    qint64 m_tickAt = 0;
    bool m_paused = false;
    bool m_stopping = false;
    bool m_finished = false;
    bool m_renewDue = false;
    ExitWhen m_exitWhen = ExitWhen::Never;
    EngineStatus m_lastStatus;
};

} // namespace herald
