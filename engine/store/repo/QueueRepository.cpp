// Queues: their settings (concurrency, rate limit, attempts, back-off, retention, default channel) and pausing.
#include "store/repo/QueueRepository.h"

#include "store/repo/ChannelRepository.h"
#include "store/Backend.h"
#include "store/StoreSql.h"
#include "store/repo/StoreRows.h"
#include "email/EmailEvent.h"
#include "model/MessageJson.h"
#include "model/TextInput.h"
#include "model/TimeText.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QStorageInfo>

#include <algorithm>
#include <limits>

namespace herald {

namespace {

using storesql::exec;
using storesql::sqlError;
using namespace storerows;

// ---- SQL
const QString kQueueExists = QStringLiteral("SELECT 1 FROM queues WHERE name = ?");
const QString kInsertQueue = QStringLiteral(
    "INSERT INTO queues (name, concurrency, rate_max, rate_window_ms, max_attempts, backoff_kind, backoff_base_ms, "
    "backoff_cap_ms, backoff_jitter, paused, retain_completed_ms, retain_failed_ms, retain_cancelled_ms, default_channel, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
const QString kUpdateQueue = QStringLiteral(
    "UPDATE queues SET concurrency = ?, rate_max = ?, rate_window_ms = ?, max_attempts = ?, backoff_kind = ?, "
    "backoff_base_ms = ?, backoff_cap_ms = ?, backoff_jitter = ?, paused = ?, retain_completed_ms = ?, "
    "retain_failed_ms = ?, retain_cancelled_ms = ?, default_channel = ?, updated_at = ? WHERE name = ?");
const QString kQueueIdByName = QStringLiteral("SELECT id FROM queues WHERE name = ?");

// The settings columns of a queue, in the order of the INSERT and UPDATE statements that write them.
QVariantList queueSettings(const QueueConfig &c)
{
    return {c.concurrency,      c.rate.maxStarts, c.rate.windowMs, c.maxAttempts,
            c.retry.kind == RetryPolicy::Kind::Fixed ? QStringLiteral("fixed") : QStringLiteral("exponential"),
            c.retry.baseMs,     c.retry.capMs,    c.retry.jitter,  c.paused ? 1 : 0,
            nullable(c.retainCompletedMs), nullable(c.retainFailedMs), nullable(c.retainCancelledMs), c.defaultChannel};
}

// What adding or changing a queue checks before writing: a writable store, valid settings, a known
// default channel.
Status checkBeforeWriting(StoreContext &ctx, const QueueConfig &c)
{
    if (auto s = ctx.requireWritable(); !s)
        return s;
    if (auto s = c.validate(); !s)
        return s;
    return ChannelRepository(ctx).requireChannel(c.defaultChannel);
}

} // namespace

Status QueueRepository::addQueue(const QueueConfig &c)
{
    if (auto s = checkBeforeWriting(m_ctx, c); !s)
        return s;
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    {
        Statement exists = m_ctx.prepare(kQueueExists);
        exists.addBindValue(c.name);
        if (auto s = exec(exists, QStringLiteral("looking up queue")); !s)
            return s;
        if (exists.next())
            return Error::badInput(QStringLiteral("queue '%1' already exists; change it with `heraldctl queue set %1`").arg(c.name));
    }
    Statement q = m_ctx.prepare(kInsertQueue);
    const qint64 t = m_ctx.now();
    q.addBindValue(c.name);
    for (const QVariant &v : queueSettings(c))
        q.addBindValue(v);
    q.addBindValue(t);
    q.addBindValue(t);
    if (auto s = exec(q, QStringLiteral("adding queue '%1'").arg(c.name)); !s)
        return s;
    if (auto s = m_ctx.writeAudit(QStringLiteral("queue.add"), QStringLiteral("queue ") + c.name, 1, {}, {}); !s)
        return s.error();
    return tx.commit();
}

Status QueueRepository::updateQueue(const QueueConfig &c)
{
    if (auto s = checkBeforeWriting(m_ctx, c); !s)
        return s;
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    Statement q = m_ctx.prepare(kUpdateQueue);
    for (const QVariant &v : queueSettings(c))
        q.addBindValue(v);
    q.addBindValue(m_ctx.now());
    q.addBindValue(c.name);
    if (auto s = exec(q, QStringLiteral("updating queue '%1'").arg(c.name)); !s)
        return s;
    if (q.numRowsAffected() != 1)
        return Error::notFound(QStringLiteral("queue '%1' does not exist; see `heraldctl queue list`").arg(c.name));
    if (auto s = m_ctx.writeAudit(QStringLiteral("queue.set"), QStringLiteral("queue ") + c.name, 1, {}, {}); !s)
        return s.error();
    return tx.commit();
}

Status QueueRepository::setPaused(const QString &name, bool paused)
{
    auto c = queue(name);
    if (!c)
        return c.error();
    c->paused = paused;
    return updateQueue(*c);
}

Result<QueueConfig> QueueRepository::queue(const QString &name)
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT ") + kQueueColumns + QStringLiteral(" FROM queues WHERE name = ?"));
    q.addBindValue(name);
    if (auto s = exec(q, QStringLiteral("reading queue")); !s)
        return s.error();
    if (!q.next())
        return Error::notFound(QStringLiteral("queue '%1' does not exist; create it with `heraldctl queue add %1` or see `heraldctl queue list`")
                                   .arg(name));
    return readQueue(q);
}

Result<QueueConfig> QueueRepository::queueById(qint64 id)
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT ") + kQueueColumns + QStringLiteral(" FROM queues WHERE id = ?"));
    q.addBindValue(id);
    if (auto s = exec(q, QStringLiteral("reading queue")); !s)
        return s.error();
    if (!q.next())
        return Error::notFound(QStringLiteral("queue %1 does not exist").arg(id));
    return readQueue(q);
}

Result<QList<QueueConfig>> QueueRepository::queues()
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT ") + kQueueColumns + QStringLiteral(" FROM queues ORDER BY name"));
    if (auto s = exec(q, QStringLiteral("listing queues")); !s)
        return s.error();
    QList<QueueConfig> out;
    while (q.next())
        out << readQueue(q);
    return out;
}

Result<qint64> QueueRepository::queueId(const QString &name)
{
    Statement q = m_ctx.prepare(kQueueIdByName);
    q.addBindValue(name);
    if (auto s = exec(q, QStringLiteral("looking up queue")); !s)
        return s.error();
    if (!q.next())
        return Error::notFound(QStringLiteral("queue '%1' does not exist; create it with `heraldctl queue add %1` or see `heraldctl queue list`")
                                   .arg(name));
    return q.value(0).toLongLong();
}

} // namespace herald
