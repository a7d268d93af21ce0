#pragma once

#include "Backend.h"
#include "Durability.h"
#include "StoreUrl.h"
#include "model/ChannelConfig.h"
#include "model/DeliveryStats.h"
#include "model/Message.h"
#include "model/MessageSelection.h"
#include "model/QueueConfig.h"
#include "model/QueueCounts.h"
#include "model/Retention.h"
#include "model/FailureCounts.h"
#include "model/ImportedMessage.h"
#include "model/StoredPlan.h"
#include "model/Result.h"

#include <QHash>
#include <QSet>
#include <QList>
#include <QStringList>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>

#include <functional>
#include <mutex>
#include <unordered_map>
#include <memory>


namespace herald {

class Backend;
class StoreContext;

// The message store: a small facade over the repositories of engine/store (DESIGN §3.1), one per
// concern (queues, enqueue, reads, lifecycle, channels, operator actions, cleanup, engines), each
// holding its SQL as named constants; the dialects differ only in their Backend. Every SQL statement
// of Herald lives in engine/store.
//
// Threading: a Store owns one database connection, opened in the thread that calls open();
// use it only from that thread (Qt's rule for QSqlDatabase). Each thread opens its own Store.
// Writes run in write transactions (SQLite: BEGIN IMMEDIATE); a failed call changes nothing.
class Store
{
public:
    struct OpenOptions
    {
        bool readOnly = false;
        // With readOnly: reading changes no file at all, not even SQLite's -shm index (read commands, the
        // console's --read-only), so a copy of a crashed store stays byte for byte as it was.
        bool changeNothing = false;
        // Where time comes from (milliseconds since the epoch, UTC); tests set a fixed clock.
        std::function<qint64()> clock;
        // What a commit survives (see Durability.h); for the writing connection.
        Durability durability = Durability::Normal;
        // Keep prepared statements per connection (the default). Off only to measure what they buy.
        bool cacheStatements = true;
        // SQLite: the connection checkpoints the WAL itself when a commit makes it long (the default). The
        // runtime turns this off on its writer and checkpoints from a thread of its own, so the fsyncs of
        // a checkpoint never delay a claim.
        bool autoCheckpoint = true;
        // Reclaim expired leases when opening a writable store (the default); off for a connection that
        // only checkpoints.
        bool reclaimLeases = true;
        // Migrate a store at an older schema version forward (the default). Off: such a store is refused,
        // naming the command that upgrades it, and opening an existing store writes nothing (with
        // reclaimLeases off too); a new or empty one is still created.
        bool upgradeSchema = true;
    };

    static Result<std::unique_ptr<Store>> open(const StoreUrl &url, OpenOptions options);
    static Result<std::unique_ptr<Store>> open(const StoreUrl &url) { return open(url, OpenOptions{}); }
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    const StoreUrl &url() const;
    // What the store's backend can do (one engine or many, a checkpointer, LISTEN/NOTIFY …).
    BackendCapabilities capabilities() const;
    bool isReadOnly() const;
    Durability durability() const;
    int schemaVersion() const;
    qint64 now() const;
    void setClock(std::function<qint64()> clock);
    std::function<qint64()> clock() const;

    // ---- queues
    Status addQueue(const QueueConfig &config);
    Status updateQueue(const QueueConfig &config);
    Status setPaused(const QString &queue, bool paused);
    Result<QueueConfig> queue(const QString &name);
    Result<QList<QueueConfig>> queues();

    // ---- enqueue
    struct EnqueueOutcome
    {
        qint64 id = 0;
        bool duplicate = false; // the dedupe key existed: id is the existing message
    };
    struct BulkOutcome
    {
        qint64 inserted = 0;
        qint64 duplicates = 0;
        QList<EnqueueOutcome> items; // one per input, in input order
    };
    static constexpr int kDefaultChunkSize = 500;

    Result<EnqueueOutcome> enqueue(const NewMessage &message);
    // Every queue is checked before the first write; then one transaction per chunk of chunkSize
    // messages. Each message arrives exactly once; a repeated dedupe key counts as a duplicate.
    Result<BulkOutcome> enqueueBulk(const QList<NewMessage> &messages, int chunkSize = kDefaultChunkSize);

    // ---- imports of legacy queues with their history (issue 18; engine/import reads and maps the sources)
    struct ImportChunkOutcome
    {
        qint64 inserted = 0;
        qint64 duplicates = 0; // source rows imported before (their dedupe key is in the queue): unchanged
        QMap<MessageState, qint64> byState; // the inserted ones, by the state they were written in
    };
    // One transaction for the chunk, every message checked first as enqueue checks it. Each carries its
    // source identity as dedupe key; completed, failed and cancelled ones are written terminal (never
    // claimed), scheduled ones whose time has come as waiting.
    Result<ImportChunkOutcome> writeImported(const QList<ImportedMessage> &chunk);
    // What writeImported checks before writing (queues, channels, fields), for a whole import before its
    // first chunk, so that a bad row found late leaves nothing half-written. Writes nothing.
    Status checkImported(const QList<ImportedMessage> &messages);
    // The audit_log row of an import: source (no password), queue, how many rows it added, details JSON.
    Result<qint64> recordImport(const QString &source, const QString &queue, qint64 affected, const QByteArray &details,
                                const QString &actor = {});

    // ---- reads
    Result<Message> message(qint64 id);
    Result<QList<Attempt>> attempts(qint64 messageId);
    Result<QList<Message>> listMessages(const MessagePageRequest &request);
    // Where the pages of a listing start, for jumping into it without OFFSET: the (sort key, id) of
    // every `every`-th row after the request's position (rows every, 2·every, …), at most request.limit
    // of them. A page that starts after anchor k is rows k·every … of the listing. One short query;
    // call again from the last anchor to go on.
    struct PageAnchor
    {
        qint64 key = 0; // the sort value (the id when sorting by id)
        qint64 id = 0;
    };
    Result<QList<PageAnchor>> pageAnchors(const MessagePageRequest &request, int every);
    Result<QList<QueueCounts>> stats();
    // ---- the delivery dashboard (DESIGN §8): outcomes per bucket, lateness, groups, rate and backlog,
    // from the rollups every outcome adds to in its own transaction (never a scan of the attempts).
    Result<DeliveryDashboardData> deliveryDashboard(const DeliveryQuery &query);
    // Minute rollups older than two days become hour rows, and rows older than 400 days go; the
    // runtime does it every few minutes. Returns how many minute rows were folded.
    Result<qint64> foldDeliveryRollups();
    // Adds stored rollup rows (demo data and benchmarks standing for past outcomes).
    Status addDeliveryRollups(const QList<DeliveryRollupRow> &rows);
    // A store on a server: when the connection no longer answers (the server restarted, the backend
    // was killed, the network dropped), opens a new one with the same settings. Nothing to do when it
    // answers, or for a file. Fails, changing nothing, while the server cannot be reached.
    Status reconnectIfLost();
    // Whether the store is still where it was opened: a SQLite file that was moved or deleted keeps
    // answering from the old inode, which would show an operator a store that is no longer there.
    Status checkStillThere() const;
    // Writes a consistent copy of a SQLite store to path (VACUUM INTO: a snapshot, even while others
    // write), for inspecting it offline with `herald --read-only`. The file must not exist yet.
    Status backupTo(const QString &path);
    // Scheduled messages due within the window, soonest first.
    Result<QList<Message>> upcoming(qint64 withinMs, const QString &queue = {}, int limit = 1000);
    Result<QList<AuditEntry>> auditLog(int limit = 100);
    // Counter rows that differ from COUNT(*): empty when the counters are right. For tests and doctor.
    Result<QStringList> counterMismatches();
    // Failed messages counted by exact last error and queue (finished at or after finishedSince, when
    // given): what engine/failures folds into failure groups.
    Result<QList<FailedErrorCount>> failedErrorCounts(std::optional<qint64> finishedSince = std::nullopt);
    // Folds the counter deltas of a shared store into its counters (any engine may, at any time); a
    // no-op where writers update the counters themselves.
    Status foldCounters();

    // ---- lifecycle: the runtime's side (DESIGN §4)
    struct Failure
    {
        QString error;
        bool permanent = false;
        std::optional<qint64> retryAfterMs; // from the peer: wins over the back-off
        int responseCode = 0;
        bool suppressed = false;            // email to a suppressed address: cancelled, never sent
    };
    struct Completion
    {
        qint64 id = 0;
        QString providerMessageId;
        QByteArray outboxRendered; // non-empty: also store this rendering in the outbox
        // The attempt this outcome belongs to (Message::attempts as claimed); 0: any. An outcome applies only
        // while the message is still active under this owner's lease for this very attempt: one that was
        // cancelled, reclaimed or claimed again meanwhile is not overwritten by a late answer.
        int attempt = 0;
    };
    struct FailureReport
    {
        qint64 id = 0;
        Failure failure;
        int attempt = 0; // as Completion::attempt
    };
    struct ClaimRequest
    {
        QString queue;
        int max = 0;
        QStringList skipChannels; // channels paused by a peer's 429
    };
    // Everything the runtime writes in one tick, committed in one transaction (group commit).
    // Order inside: outcomes, hand-backs, lease renewals, reclaims, promotion, claims.
    struct WriteBatch
    {
        QString owner;          // lease owner: the engine instance
        qint64 leaseMs = 30'000;
        QList<Completion> completions;
        QList<FailureReport> failures;
        QList<qint64> released;    // handed back at a graceful stop: waiting again, the attempt not counted
        QList<qint64> renewLeases; // in flight: lease extended to now + leaseMs
        // In flight and left for the peer (ChannelContext::reached): the open attempt is marked, so that it
        // counts as a stall if this engine dies. An attempt never marked is handed back uncounted.
        QList<qint64> reached;
        QList<ClaimRequest> claims;
        bool promote = true;           // scheduled → waiting for due messages
        bool reclaimExpired = false;   // expired leases → waiting (stall) or failed
        bool reclaimAllActive = false; // the lock holder at start-up: every active message is a dead engine's
    };
    struct BatchResult
    {
        QList<Message> claimed;
        // New state per completion or failure; std::nullopt when the message was no longer ours.
        QHash<qint64, std::optional<MessageState>> outcomes;
        QList<qint64> lostLeases; // renewals of messages no longer ours: abort their deliveries
        qint64 reclaimed = 0;
    };
    Result<BatchResult> commitBatch(const WriteBatch &batch);

    // Copies the WAL into the database without waiting for readers or the writer (SQLite: a passive
    // checkpoint), and once the log is longer than kRestartLogPages, also makes the next commit start it
    // over (this process's writers wait at the write gate meanwhile); a no-op for stores without one.
    Status checkpoint();
    // The log's length (pages) past which checkpoint() also makes the next commit start the log over.
    static constexpr qint64 kRestartLogPages = 2048;
    // After a restart that a reader blocked, the checkpoints that only copy before the next try.
    static constexpr int kRestartsSkippedAfterBusy = 10;
    int restartsSkippedAhead() const { return m_restartsToSkip; } // those still to skip

    // Scheduled messages whose run_at has come become waiting. Returns how many.
    Result<qint64> promoteDue();
    // Claims up to max waiting messages of the queue in claim order (priority, run_at, id), after
    // promoting due ones: each becomes active under a lease of leaseMs for owner, counts an attempt
    // and gets an attempts row. A paused queue yields nothing.
    Result<QList<Message>> claim(const QString &queue, int max, const QString &owner, qint64 leaseMs);
    // False when the message is no longer active under this owner (cancelled, reclaimed): the
    // outcome is dropped, because someone else now owns the message.
    Result<bool> complete(qint64 id, const QString &owner, const QString &providerMessageId = {});
    // The deliveries of these messages (claimed by owner) have left for their peers (WriteBatch::reached).
    Status markReached(const QList<qint64> &ids, const QString &owner);
    // Retryable: back to scheduled at now + back-off (or Retry-After) while attempts remain, else
    // failed. Permanent: failed at once. Returns the new state, or std::nullopt when the lease was lost.
    Result<std::optional<MessageState>> fail(qint64 id, const QString &owner, const Failure &failure);
    // Active messages whose lease has expired go back to waiting, counted as a stall; a message out of
    // attempts or stalled kMaxStalls times fails. Returns how many were reclaimed.
    Result<qint64> reclaimExpiredLeases();
    // The same for every active message, expired or not: for the engine that holds the store's lock at
    // start-up, since any lease in the file belongs to an engine that died.
    Result<qint64> reclaimAllLeases();
    static constexpr int kMaxStalls = 3;
    // Hand-backs (a graceful stop, or a delivery that never left when its engine died) after which a
    // message's next expired lease counts as a stall anyway.
    static constexpr int kMaxUncountedHandBacks = 25;
    static constexpr int kCleanupChunk = 1000; // rows per cleanup transaction: delivery waits at most for one

    // The earliest run_at of a scheduled message (of these queues; all when empty).
    Result<std::optional<qint64>> nextRunAt(const QStringList &queues = {});
    struct Backlog
    {
        qint64 waiting = 0;
        qint64 active = 0;
        qint64 scheduled = 0;
        bool scheduledDue = false; // a scheduled message's time has come
        bool idle() const { return waiting == 0 && active == 0 && !scheduledDue; }
        bool drained() const { return waiting == 0 && active == 0 && scheduled == 0; }
    };
    Result<Backlog> backlog(const QStringList &queues = {});

    // ---- engines on a shared store (DESIGN §3.2)
    struct EngineInfo
    {
        QString id; // the lease owner
        QString host;
        qint64 pid = 0;
        QString version;
        qint64 startedAt = 0;
        qint64 heartbeatAt = 0;
        int inFlight = 0;
        QStringList queues; // the queues it delivers from; empty: all
    };
    // Registers the engine or renews its heartbeat (and how many deliveries it has in flight); forgets
    // engines silent for more than an hour.
    Status heartbeat(const EngineInfo &engine);
    Status unregisterEngine(const QString &id);
    // Engines whose heartbeat is younger than withinMs, oldest first.
    Result<QList<EngineInfo>> liveEngines(qint64 withinMs = kEngineSilenceMs);
    // Every registered engine, live or silent (until heartbeat() forgets it), oldest first: the
    // console's Engines view, which marks those silent for more than kEngineSilenceMs as stale.
    Result<QList<EngineInfo>> engines();
    static constexpr qint64 kEngineSilenceMs = 30'000;
    // Takes or renews the lease `name` (e.g. "cleanup") for holder until now + leaseMs, unless another
    // holder's lease is still running: true when holder leads now. The term grows at each change of
    // holder. On a single-writer store the one engine always leads.
    Result<bool> tryLead(const QString &name, const QString &holder, qint64 leaseMs);

    // ---- channels, outbox, suppressions
    Status addChannel(const ChannelConfig &config);
    Status updateChannel(const ChannelConfig &config);
    Status removeChannel(const QString &name);
    Result<ChannelConfig> channel(const QString &name);
    Result<QList<ChannelConfig>> channels();
    // Newest first; afterId 0 starts at the newest, else ids below it.
    Result<QList<OutboxEntry>> outbox(qint64 beforeId = 0, int limit = 100);
    Result<bool> isSuppressed(const QString &address);
    Status addSuppression(const QString &address, const QString &reason);

    // ---- event plans (DESIGN §11): definitions, validated by engine/plans before they come here
    // Adds the plan, or replaces the definition of the one of that name (audited); true when it was new.
    Result<bool> savePlan(const QString &name, const QByteArray &definition, const QString &actor = {});
    Result<QList<StoredPlan>> plans();
    // notFound, naming `heraldctl plan list`, for a plan that does not exist.
    Result<StoredPlan> plan(const QString &name);
    // The event as plans last applied it, and the messages they derived for it (engine/plans/PlanApply).
    Result<std::optional<AppliedEvent>> appliedEvent(const QString &eventId);
    Result<QList<PlanMessageRecord>> planRecords(const QString &eventId);
    // One transaction: the event's record, the messages created, the pending ones changed or cancelled
    // (compare-and-set: one taken meanwhile is left alone and named), and an audit entry.
    Result<PlanApplyResult> writePlanApply(const PlanApplyWrite &write);
    // Applied events, newest first, with their derived messages counted by state.
    Result<QList<PlanEventSummary>> planEvents();

    // ---- operator actions: each writes one audit_log row, and (but for delete and duplicate) journals
    // the messages' previous values so the last action can be undone.
    // By ids: all or nothing, in one transaction; any id that does not exist or is in the wrong state
    // refuses the whole action with the reason of each. By selection: messages in other states are left
    // alone and counted, and the work goes in chunks with progress and cancel between them.
    Result<ActionResult> apply(const MessageSelection &selection, const OperatorAction &action, const ActionProgress &progress = {});
    // What apply() would do: counts by queue and state, what it would skip, and a sample. Changes nothing.
    Result<ActionPreview> previewAction(const MessageSelection &selection, const OperatorAction &action, int sampleSize = 20);
    // Puts back the messages of the last undoable action that nothing has changed since.
    Result<ActionResult> undoLastAction(const QString &actor = {});
    // The operator actions that touched a message, oldest first.
    Result<QList<AuditEntry>> auditForMessage(qint64 messageId);

    Result<qint64> countMessages(const MessageSelection &selection);
    // For benchmarks and scale tests only: inserts count plain scheduled messages (type "synthetic",
    // priorities 1–10 in turn, run_at = firstRunAt + i·spacingMs) into the queue inside the database,
    // 100,000 per transaction, with the counters kept as for any insert. Returns how many were inserted.
    Result<qint64> insertSyntheticMessages(const QString &queue, qint64 count, qint64 firstRunAt, qint64 spacingMs);

    // ---- cleanup (issue 6): what a run would remove, and the run itself in short transactions so
    // delivery keeps going. With an archive, each chunk is written there before it is deleted; a chunk
    // that cannot be archived is not deleted.
    Result<CleanupCounts> previewCleanup(const RetentionPolicy &policy);
    Result<CleanupResult> runCleanup(const RetentionPolicy &policy, const CleanupOptions &options, const ActionProgress &progress = {});
    // The engine's cleanup schedule (settings table; defaults when never set: daily at 03:30) and the
    // record of runs (cleanup_runs), newest first; trigger filters when not empty.
    Result<CleanupScheduleSettings> cleanupSchedule();
    // Checks the ages (positive) first; stamps changedAt with now().
    Status setCleanupSchedule(const CleanupScheduleSettings &settings);
    // A run row opened before the run (so a crash leaves "started, never finished") and closed after.
    Result<qint64> beginCleanupRun(const QString &trigger);
    Status finishCleanupRun(qint64 runId, const CleanupResult &result, const QString &error);
    Result<QList<CleanupRun>> cleanupRuns(int limit = 20, const QString &trigger = {});
    // For benchmarks only: up to count scheduled "synthetic" messages of the queue (lowest ids first)
    // become terminal in `state`, finished at finishedAt, 100,000 per transaction. Returns how many.
    Result<qint64> finishSyntheticMessages(const QString &queue, MessageState state, qint64 finishedAt, qint64 count);
    // Scheduled messages per bucket of bucketMs from fromMs (the console's "upcoming" histogram).
    Result<QList<qint64>> upcomingHistogram(qint64 fromMs, qint64 bucketMs, int buckets, const QString &queue = {});

    // The connection the store's repositories share (StoreContext.h, internal to engine/store).
    StoreContext &context() const { return *m_context; }

private:
    explicit Store(std::unique_ptr<StoreContext> context);

    Status initialise();
    Status migrate();

    std::unique_ptr<StoreContext> m_context;
    int m_restartsToSkip = 0; // checkpoint(): see kRestartsSkippedAfterBusy
};

} // namespace herald
