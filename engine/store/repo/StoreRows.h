#pragma once

// Internal to engine/store: the columns and row mappings several repositories share.
#include "model/Message.h"
#include "model/QueueConfig.h"
#include "model/QueueCounts.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlQuery>
#include <QVariant>

#include <optional>

namespace herald::storerows {

inline const QString kMessageColumns = QStringLiteral(
    "m.id, q.name, m.type, m.channel, m.recipient, m.payload, m.labels, m.priority, m.state, m.run_at, m.created_at, "
    "m.updated_at, m.started_at, m.finished_at, m.attempts, m.max_attempts, m.lease_owner, m.lease_until, m.stalls, "
    "m.dedupe_key, m.provider_message_id, m.last_error");

inline const QString kMessageFrom = QStringLiteral(" FROM messages m JOIN queues q ON q.id = m.queue_id ");

inline const QString kQueueColumns = QStringLiteral(
    "id, name, concurrency, rate_max, rate_window_ms, max_attempts, backoff_kind, backoff_base_ms, backoff_cap_ms, "
    "backoff_jitter, paused, retain_completed_ms, retain_failed_ms, retain_cancelled_ms, default_channel");

// A queue's count in one state (queue_counts c): the folded value plus the deltas not folded yet
// (a shared store's writers append deltas rather than queue on the counter row; DESIGN §3.2).
inline const QString kCountValue = QStringLiteral(
    "(c.n + COALESCE((SELECT SUM(d.n) FROM queue_count_deltas d WHERE d.queue_id = c.queue_id AND d.state = c.state), 0))");

inline std::optional<qint64> optionalInt(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<qint64>(v.toLongLong());
}

inline QVariant nullable(const std::optional<qint64> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType(QMetaType::LongLong));
}

inline QVariant nullableText(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s);
}

inline QByteArray labelsJson(const Labels &labels)
{
    QJsonObject o;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        o.insert(it.key(), it.value());
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

inline Labels labelsFromJson(const QByteArray &json)
{
    Labels labels;
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    for (auto it = o.begin(); it != o.end(); ++it)
        labels.insert(it.key(), it->toString());
    return labels;
}

// An audit_log row read as "id, at, actor, action, selection, affected, details".
inline AuditEntry readAuditEntry(const QSqlQuery &q)
{
    return AuditEntry{q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(),    q.value(3).toString(),
                      q.value(4).toString(),   q.value(5).toLongLong(), q.value(6).toByteArray()};
}

inline Message readMessage(const QSqlQuery &q)
{
    Message m;
    m.id = q.value(0).toLongLong();
    m.queue = q.value(1).toString();
    m.type = q.value(2).toString();
    m.channel = q.value(3).toString();
    m.recipient = q.value(4).toString();
    m.payload = q.value(5).toByteArray();
    m.labels = labelsFromJson(q.value(6).toByteArray());
    m.priority = q.value(7).toInt();
    m.state = MessageState(q.value(8).toInt());
    m.runAt = q.value(9).toLongLong();
    m.createdAt = q.value(10).toLongLong();
    m.updatedAt = q.value(11).toLongLong();
    m.startedAt = optionalInt(q.value(12));
    m.finishedAt = optionalInt(q.value(13));
    m.attempts = q.value(14).toInt();
    m.maxAttempts = q.value(15).toInt();
    m.leaseOwner = q.value(16).toString();
    m.leaseUntil = optionalInt(q.value(17));
    m.stalls = q.value(18).toInt();
    m.dedupeKey = q.value(19).toString();
    m.providerMessageId = q.value(20).toString();
    m.lastError = q.value(21).toString();
    return m;
}

inline QueueConfig readQueue(const QSqlQuery &q)
{
    QueueConfig c;
    c.name = q.value(1).toString();
    c.concurrency = q.value(2).toInt();
    c.rate.maxStarts = q.value(3).toInt();
    c.rate.windowMs = q.value(4).toLongLong();
    c.maxAttempts = q.value(5).toInt();
    c.retry.kind = q.value(6).toString() == QLatin1String("fixed") ? RetryPolicy::Kind::Fixed : RetryPolicy::Kind::Exponential;
    c.retry.baseMs = q.value(7).toLongLong();
    c.retry.capMs = q.value(8).toLongLong();
    c.retry.jitter = q.value(9).toDouble();
    c.paused = q.value(10).toBool();
    c.retainCompletedMs = optionalInt(q.value(11));
    c.retainFailedMs = optionalInt(q.value(12));
    c.retainCancelledMs = optionalInt(q.value(13));
    c.defaultChannel = q.value(14).toString();
    return c;
}

} // namespace herald::storerows
