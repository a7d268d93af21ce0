#pragma once

// Queues: their settings (concurrency, rate limit, attempts, back-off, retention, default channel) and pausing.
// Internal to engine/store: created over a Store's StoreContext, used in its thread, holding nothing else.
#include "store/repo/Repository.h"

namespace herald {

class QueueRepository : public Repository
{
public:
    explicit QueueRepository(StoreContext &context) : Repository(context) {}

    Status addQueue(const QueueConfig &c);
    Status updateQueue(const QueueConfig &c);
    Status setPaused(const QString &name, bool paused);
    Result<QueueConfig> queue(const QString &name);
    Result<QueueConfig> queueById(qint64 id);
    Result<QList<QueueConfig>> queues();
    Result<qint64> queueId(const QString &name);
};

} // namespace herald
