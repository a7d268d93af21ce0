#pragma once

// Reads of messages, counts and the audit log: keyset pages (never OFFSET over the table), page anchors,
// selections as WHERE clauses with bound values, and the per-state counters.
// Internal to engine/store: created over a Store's StoreContext, used in its thread, holding nothing else.
#include "store/repo/Repository.h"
#include "model/FailureCounts.h"

#include <optional>

namespace herald {

class MessageReads : public Repository
{
public:
    explicit MessageReads(StoreContext &context) : Repository(context) {}

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
    Result<QList<FailedErrorCount>> failedErrorCounts(std::optional<qint64> finishedSince);

private:
    // failedErrorCounts' part for failures stored with their group (schema 10 on), in group order.
    Status countGroupedFailures(std::optional<qint64> finishedSince, QList<FailedErrorCount> &out);
};

} // namespace herald
