#pragma once

// Enqueueing: every queue and channel checked before the first write, then one transaction per chunk;
// runs without a dedupe key go in as one statement from one bound JSON array (DESIGN §1: none lost).
// Internal to engine/store: created over a Store's StoreContext, used in its thread, holding nothing else.
#include "store/repo/Repository.h"

namespace herald {

class EnqueueRepository : public Repository
{
public:
    explicit EnqueueRepository(StoreContext &context) : Repository(context) {}

    Result<EnqueueOutcome> enqueue(const NewMessage &message);
    Result<BulkOutcome> enqueueBulk(const QList<NewMessage> &messages, int chunkSize);
    Result<qint64> insertSyntheticMessages(const QString &queueName, qint64 count, qint64 firstRunAt, qint64 spacingMs);
    // Inside the caller's write transaction: messages without a dedupe key, checked as enqueueBulk checks
    // them, inserted with their labels; their ids in input order.
    Result<QList<qint64>> insertInTransaction(const QList<NewMessage> &messages, qint64 t);

    struct QueueDefaults
    {
        qint64 id = 0;
        QString channel;
        int maxAttempts = 0;
    };
    // Every queue resolved, every message's fields and channel checked; nothing written. Also what an
    // import (ImportRepository) checks before its first write.
    Result<QHash<QString, QueueDefaults>> checkBeforeWriting(const QList<NewMessage> &messages);

    // Inside the caller's write transaction: one message's labels, one row each.
    Status insertLabels(qint64 messageId, const Labels &labels);

private:
    // Inserts messages[from, to), none with a dedupe key, with one statement; returns their ids in
    // input order.
    Result<QList<qint64>> insertRun(const QList<NewMessage> &messages, qsizetype from, qsizetype to, qint64 t,
                                    const QHash<QString, QueueDefaults> &queues);
};

} // namespace herald
