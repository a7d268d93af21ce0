#pragma once

// The runtime's side of the message lifecycle (DESIGN §4): promotion, claims under leases, outcomes
// fenced by owner and attempt, hand-backs and reclaims, all of one tick in one transaction (group commit).
// Internal to engine/store: created over a Store's StoreContext, used in its thread, holding nothing else.
#include "store/repo/DeliveryRollups.h"
#include "store/repo/Repository.h"

namespace herald {

class Lifecycle : public Repository
{
public:
    explicit Lifecycle(StoreContext &context) : Repository(context) {}

    Result<qint64> promoteDue();
    Result<QList<Message>> claim(const QString &queueName, int max, const QString &owner, qint64 leaseMs);
    Result<bool> complete(qint64 id, const QString &owner, const QString &providerMessageId);
    Status markReached(const QList<qint64> &ids, const QString &owner);
    Result<std::optional<MessageState>> fail(qint64 id, const QString &owner, const Failure &failure);
    // Retried a few times on a shared store when the server chose it as a deadlock victim or a row lock
    // wait timed out: the whole transaction again, as if it had not run.
    Result<BatchResult> commitBatch(const WriteBatch &batch);
    Result<qint64> reclaimExpiredLeases();
    Result<qint64> reclaimAllLeases();
    Result<std::optional<qint64>> nextRunAt(const QStringList &queues);
    Result<Backlog> backlog(const QStringList &queues);

private:
    Result<BatchResult> commitBatchOnce(const WriteBatch &batch);
    Result<qint64> promoteDueInTx(qint64 t);
    Result<QList<Message>> claimInTx(const ClaimRequest &request, const QString &owner, qint64 leaseMs, qint64 t);
    // The same claim as one statement (capability modifyingCte), the queue's limits counted inside it.
    Result<QList<Message>> claimInOneStatement(const ClaimRequest &request, const QString &owner, qint64 leaseMs, qint64 t);
    // The same claim where a statement cannot change rows and return them (no capability updateReturning):
    // the picked rows are selected and locked (skipping rows other engines hold), then updated by id.
    Result<QList<Message>> claimLockedThenUpdated(const ClaimRequest &request, const QString &owner, qint64 leaseMs, qint64 t);
    Result<std::optional<MessageState>> completeInTx(const Completion &c, const QString &owner, qint64 t, DeliveryRollups::Tally &tally);
    // Completions without a provider id or an outbox rendering, set-wise; returns the ids still ours.
    // Each outcome (…InTx) is added to the tally, which commitBatch writes to the delivery rollups.
    Result<QSet<qint64>> completePlainInTx(const QList<Completion> &completions, const QString &owner, qint64 t, DeliveryRollups::Tally &tally);
    Result<std::optional<MessageState>> failInTx(const FailureReport &report, const QString &owner, qint64 t, DeliveryRollups::Tally &tally);
    Result<qint64> reclaimInTx(qint64 t, bool allActive, DeliveryRollups::Tally &tally);
};

} // namespace herald
