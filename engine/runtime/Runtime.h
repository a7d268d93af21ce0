#pragma once

#include "Checkpointer.h"
#include "DeliveryRecord.h"
#include "RateLimiter.h"
#include "Worker.h"
#include "maintenance/CleanupScheduler.h"
#include "store/Store.h"
#include "store/WakeupListener.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QTimer>

#include <memory>
#include <mutex>
#include <vector>

class QThread;

namespace herald {

class EmailLinker;

struct RuntimeOptions
{
    QStringList queues;          // only these queues; empty: all
    int concurrencyOverride = 0; // > 0: replaces every queue's concurrency
    int workerThreads = 4;
    qint64 leaseMs = 30'000;
    qint64 pollMs = 1'000;         // back-stop poll for changes made by other processes
    // When the store refuses writes (a full disk, say): tried again after 100 ms, doubling to at most
    // this; a run that is to exit when idle or drained gives up with the error after giveUpAfterMs of
    // nothing but failures (a run that never exits keeps trying).
    qint64 maxRetryDelayMs = 5'000;
    qint64 giveUpAfterMs = 60'000;
    // Outcomes wait at most this long to share a transaction. 0: commit as soon as the runtime thread is
    // free; everything that arrived while the previous transaction ran shares the next one.
    qint64 groupCommitMs = 0;
    int maxClaimBatch = 200;
    int maxOutcomesPerCommit = 0; // > 0 only to measure group commit: at most this many outcomes per transaction
    bool reclaimAllAtStart = true; // we hold the store's lock: every active lease is a dead engine's
    Durability durability = Durability::Normal; // what the runtime's commits survive (Durability.h)
    bool cacheStatements = true;                // off only to measure what prepared statements buy
    // The WAL is checkpointed from a thread of its own this often; 0: by the writer when it grows long
    // (SQLite's default), inside whichever commit crosses the limit.
    qint64 checkpointMs = 200;
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
    // The records of one tick, in one signal: one cross-thread event per tick rather than per message.
    void delivered(const QList<herald::DeliveryRecord> &records);
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

    static constexpr int kWorkerFill = 16; // deliveries a worker takes before the next one is woken
    // A delivery that left for its peer is recorded with the next commit, at the latest this much later.
    static constexpr qint64 kReachedCommitMs = 250;

    void scheduleTick(qint64 delayMs);
    void heartbeat();
    void foldRollupsIfDue();
    void tick();
    void poll();
    Status reloadConfiguration();
    ChannelConfig channelConfigFor(const QString &name) const;
    void dispatch(const QList<Message> &messages);
    void takeOutcomes(); // runtime thread: the outcomes the workers queued since the last call
    void onOutcome(qint64 id, const DeliveryOutcome &outcome);
    // After a commit: links the e-mail events that name the provider ids of e-mail messages just completed.
    void linkEmailEvents(const QList<Store::Completion> &completions, const QHash<qint64, DeliveryRecord> &records,
                         const QHash<qint64, std::optional<MessageState>> &outcomes);
    void checkExit();
    void finish(const QString &error);
    void publishStatus();
    QStringList pausedChannels(qint64 now) const;

    StoreUrl m_url;
    RuntimeOptions m_options;
    QString m_owner;
    Store::EngineInfo m_engineInfo; // shared stores: this engine's row in `engines`
    std::unique_ptr<WakeupListener> m_listener; // stores that push wake-ups (LISTEN/NOTIFY)
    std::unique_ptr<Store> m_store;
    std::unique_ptr<Checkpointer> m_checkpointer;
    std::unique_ptr<EmailLinker> m_emailLinker; // on m_store: links e-mail events to the messages completed

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

    // Outcomes reported by the worker threads, taken by the runtime thread: one queued call wakes the
    // runtime for however many outcomes arrive before it runs.
    std::mutex m_outcomesMutex;
    std::vector<std::pair<qint64, DeliveryOutcome>> m_outcomes; // guarded by m_outcomesMutex
    bool m_outcomesPosted = false;                              // guarded by m_outcomesMutex
    std::vector<qint64> m_reached;                              // guarded by m_outcomesMutex: deliveries that left for their peer

    QTimer m_tickTimer;  // group commit and the precise wake-up at the next run_at or rate-limit start
    QTimer m_pollTimer;  // back-stop
    QTimer m_leaseTimer; // renews the leases of deliveries in flight
    QTimer m_stopTimer;  // graceful stop deadline
    static constexpr qint64 kRollupFoldEveryMs = 10 * 60'000;
    qint64 m_nextRollupFoldAt = 0; // store time of the next fold of the delivery rollups
    qint64 m_tickAt = 0;
    bool m_paused = false;
    bool m_stopping = false;
    qint64 m_stopDeadline = 0;        // m_stopping: after this, a store that still refuses the hand-back is left to the lease
    int m_commitFailures = 0;         // in a row
    qint64 m_firstCommitFailureAt = 0;
    bool m_finished = false;
    bool m_renewDue = false;
    ExitWhen m_exitWhen = ExitWhen::Never;
    EngineStatus m_lastStatus;
};

} // namespace herald
