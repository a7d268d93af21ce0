#pragma once

// Internal to engine/store, and for the length of the store's split into repositories only: the
// operations of Store not yet moved to a repository of their own, over the shared StoreContext.
#include "Store.h"
#include "StoreContext.h"

namespace herald {

class StoreCore
{
public:
    explicit StoreCore(StoreContext &context) : m_ctx(context) {}

    using Statement = StoreContext::Statement;
    using WriteTransaction = StoreContext::WriteTransaction;
    using EnqueueOutcome = Store::EnqueueOutcome;
    using BulkOutcome = Store::BulkOutcome;
    using PageAnchor = Store::PageAnchor;
    using Failure = Store::Failure;
    using Completion = Store::Completion;
    using FailureReport = Store::FailureReport;
    using ClaimRequest = Store::ClaimRequest;
    using WriteBatch = Store::WriteBatch;
    using BatchResult = Store::BatchResult;
    using Backlog = Store::Backlog;
    using EngineInfo = Store::EngineInfo;
    static constexpr int kMaxStalls = Store::kMaxStalls;
    static constexpr int kMaxUncountedHandBacks = Store::kMaxUncountedHandBacks;
    static constexpr int kCleanupChunk = Store::kCleanupChunk;

    // ---- queues
    Status addQueue(const QueueConfig &c);
    Status updateQueue(const QueueConfig &c);
    Status setPaused(const QString &name, bool paused);
    Result<QueueConfig> queue(const QString &name);
    Result<QueueConfig> queueById(qint64 id);
    Result<QList<QueueConfig>> queues();
    Result<qint64> queueId(const QString &name);

    // ---- enqueue
    Result<EnqueueOutcome> enqueue(const NewMessage &message);
    Result<BulkOutcome> enqueueBulk(const QList<NewMessage> &messages, int chunkSize);
    Result<qint64> insertSyntheticMessages(const QString &queueName, qint64 count, qint64 firstRunAt, qint64 spacingMs);

    // ---- reads
    Result<Message> message(qint64 id);
    Result<QList<Attempt>> attempts(qint64 messageId);
    QString selectionWhere(const MessageSelection &sel, QVariantList &binds, qint64 queueIdValue) const;
    Result<qint64> resolveSelectionQueue(const MessageSelection &selection);
    Result<QList<Message>> listMessages(const MessagePageRequest &request);
    Result<QList<PageAnchor>> pageAnchors(const MessagePageRequest &request, int every);
    Result<qint64> countMessages(const MessageSelection &selection);
    Result<QList<qint64>> upcomingHistogram(qint64 fromMs, qint64 bucketMs, int buckets, const QString &queueName);
    Result<QList<QueueCounts>> stats();
    Result<QList<Message>> upcoming(qint64 withinMs, const QString &queueName, int limit);
    Result<QList<AuditEntry>> auditLog(int limit);
    Result<QStringList> counterMismatches();

    // ---- lifecycle
    Result<qint64> promoteDue();
    Result<QList<Message>> claim(const QString &queueName, int max, const QString &owner, qint64 leaseMs);
    Result<bool> complete(qint64 id, const QString &owner, const QString &providerMessageId);
    Status markReached(const QList<qint64> &ids, const QString &owner);
    Result<std::optional<MessageState>> fail(qint64 id, const QString &owner, const Failure &failure);
    Result<BatchResult> commitBatch(const WriteBatch &batch);
    Result<qint64> reclaimExpiredLeases();
    Result<qint64> reclaimAllLeases();
    Result<std::optional<qint64>> nextRunAt(const QStringList &queues);
    Result<Backlog> backlog(const QStringList &queues);

    // ---- engines on a shared store
    Status heartbeat(const EngineInfo &engine);
    Status unregisterEngine(const QString &id);
    Result<QList<EngineInfo>> liveEngines(qint64 withinMs);
    Result<bool> tryLead(const QString &name, const QString &holder, qint64 leaseMs);

    // ---- channels, outbox, suppressions
    Status addChannel(const ChannelConfig &c);
    Status updateChannel(const ChannelConfig &c);
    Status removeChannel(const QString &name);
    Result<ChannelConfig> channel(const QString &name);
    Result<QList<ChannelConfig>> channels();
    Status requireChannel(const QString &name);
    Result<QList<OutboxEntry>> outbox(qint64 afterId, int limit);
    Result<bool> isSuppressed(const QString &address);
    Status addSuppression(const QString &address, const QString &reason);

    // ---- operator actions
    Result<ActionPreview> previewAction(const MessageSelection &selection, const OperatorAction &action, int sampleSize);
    Result<ActionResult> apply(const MessageSelection &selection, const OperatorAction &action, const ActionProgress &progress);
    Result<ActionResult> undoLastAction(const QString &actor);
    Result<QList<AuditEntry>> auditForMessage(qint64 messageId);

    // ---- cleanup
    Result<CleanupCounts> previewCleanup(const RetentionPolicy &policy);
    Result<CleanupResult> runCleanup(const RetentionPolicy &policy, const CleanupOptions &options, const ActionProgress &progress);
    Result<CleanupScheduleSettings> cleanupSchedule();
    Status setCleanupSchedule(const CleanupScheduleSettings &settings);
    Result<qint64> beginCleanupRun(const QString &trigger);
    Status finishCleanupRun(qint64 runId, const CleanupResult &result, const QString &error);
    Result<QList<CleanupRun>> cleanupRuns(int limit, const QString &trigger);
    Result<qint64> finishSyntheticMessages(const QString &queueName, MessageState state, qint64 finishedAt, qint64 count);

private:
    struct ApplyTarget
    {
        qint64 id;
        MessageState state;
        qint64 runAt;
    };
    Status checkAction(const MessageSelection &selection, const OperatorAction &action) const;
    // Of targets read earlier, those still in the state (and for a reschedule at the run time) they were read in;
    // called inside the write transaction.
    Result<QList<ApplyTarget>> stillAsRead(const OperatorAction &action, const QList<ApplyTarget> &read);
    Status applyChunk(const OperatorAction &action, const QList<qint64> &ids, qsizetype offset, qsizetype total,
                      const QList<ApplyTarget> &part, qint64 t, ActionResult &result);
    struct CleanupTarget
    {
        qint64 queueId;
        QString queue;
        MessageState state;
        qint64 cutoff; // finished_at < cutoff
    };
    Result<QList<CleanupTarget>> cleanupTargets(const RetentionPolicy &policy);
    struct QueueDefaults
    {
        qint64 id = 0;
        QString channel;
        int maxAttempts = 0;
    };
    // Inserts messages[from, to), none with a dedupe key, with one statement; returns their ids in
    // input order.
    Result<QList<qint64>> insertRun(const QList<NewMessage> &messages, qsizetype from, qsizetype to, qint64 t,
                                    const QHash<QString, QueueDefaults> &queues);
    Result<qint64> promoteDueInTx(qint64 t);
    // On a shared store: how many messages of the queue may still be claimed now across all engines
    // (its concurrency and rate limit), with the queue's row locked until the commit.
    Result<int> globalClaimLimit(const QString &queue, qint64 t);
    Result<QList<Message>> claimInTx(const ClaimRequest &request, const QString &owner, qint64 leaseMs, qint64 t);
    Result<std::optional<MessageState>> completeInTx(const Completion &c, const QString &owner, qint64 t);
    // Completions without a provider id or an outbox rendering, set-wise; returns the ids still ours.
    Result<QSet<qint64>> completePlainInTx(const QList<Completion> &completions, const QString &owner, qint64 t);
    Result<std::optional<MessageState>> failInTx(const FailureReport &report, const QString &owner, qint64 t);
    Result<qint64> reclaimInTx(qint64 t, bool allActive);

    StoreContext &m_ctx;
};

} // namespace herald
