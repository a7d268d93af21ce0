// The operations of Store not yet moved to a repository of their own (StoreCore.h).
#include "StoreCore.h"

#include "Backend.h"
#include "StoreSql.h"
#include "email/EmailEvent.h"
#include "model/MessageJson.h"
#include "model/TextInput.h"
#include "model/TimeText.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QScopeGuard>
#include <QStorageInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

#include <algorithm>
#include <limits>

namespace herald {

namespace {

constexpr int kIdChunk = 5000; // ids per UPDATE … WHERE id IN (…) in bulk actions

const QString kMessageColumns = QStringLiteral(
    "m.id, q.name, m.type, m.channel, m.recipient, m.payload, m.labels, m.priority, m.state, m.run_at, m.created_at, "
    "m.updated_at, m.started_at, m.finished_at, m.attempts, m.max_attempts, m.lease_owner, m.lease_until, m.stalls, "
    "m.dedupe_key, m.provider_message_id, m.last_error");
const QString kMessageFrom = QStringLiteral(" FROM messages m JOIN queues q ON q.id = m.queue_id ");

const QString kQueueColumns = QStringLiteral(
    "id, name, concurrency, rate_max, rate_window_ms, max_attempts, backoff_kind, backoff_base_ms, backoff_cap_ms, "
    "backoff_jitter, paused, retain_completed_ms, retain_failed_ms, retain_cancelled_ms, default_channel");

using storesql::exec;
using storesql::sqlError;

// A queue's count in one state (queue_counts c): the folded value plus the deltas not folded yet
// (a shared store's writers append deltas rather than queue on the counter row; DESIGN §3.2).
const QString kCountValue = QStringLiteral(
    "(c.n + COALESCE((SELECT SUM(d.n) FROM queue_count_deltas d WHERE d.queue_id = c.queue_id AND d.state = c.state), 0))");

std::optional<qint64> optionalInt(const QVariant &v)
{
    return v.isNull() ? std::nullopt : std::optional<qint64>(v.toLongLong());
}

QVariant nullable(const std::optional<qint64> &v)
{
    return v ? QVariant(*v) : QVariant(QMetaType(QMetaType::LongLong));
}

QVariant nullableText(const QString &s)
{
    return s.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(s);
}

QByteArray labelsJson(const Labels &labels)
{
    QJsonObject o;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        o.insert(it.key(), it.value());
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Labels labelsFromJson(const QByteArray &json)
{
    Labels labels;
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    for (auto it = o.begin(); it != o.end(); ++it)
        labels.insert(it.key(), it->toString());
    return labels;
}

Message readMessage(const QSqlQuery &q)
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

QueueConfig readQueue(const QSqlQuery &q)
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

// The settings columns of a queue, in the order of the INSERT and UPDATE statements that write them.
QVariantList queueSettings(const QueueConfig &c)
{
    return {c.concurrency,      c.rate.maxStarts, c.rate.windowMs, c.maxAttempts,
            c.retry.kind == RetryPolicy::Kind::Fixed ? QStringLiteral("fixed") : QStringLiteral("exponential"),
            c.retry.baseMs,     c.retry.capMs,    c.retry.jitter,  c.paused ? 1 : 0,
            nullable(c.retainCompletedMs), nullable(c.retainFailedMs), nullable(c.retainCancelledMs), c.defaultChannel};
}

QVariantList channelSettings(const ChannelConfig &c)
{
    return {ChannelConfig::kindName(c.kind), c.url, c.timeoutMs, c.secretRef,
            QString::fromUtf8(QJsonDocument(c.options).toJson(QJsonDocument::Compact))};
}

QString refusal(ActionKind kind, qint64 id, MessageState state)
{
    const QString head = QStringLiteral("message %1 is %2").arg(id).arg(stateName(state));
    switch (kind) {
    case ActionKind::Cancel: return head + QStringLiteral("; only scheduled, waiting or active messages can be cancelled");
    case ActionKind::Reschedule:
        if (state == MessageState::Failed)
            return head + QStringLiteral("; use retry to send it again");
        if (state == MessageState::Cancelled)
            return head + QStringLiteral("; use restore to bring it back first");
        return head + QStringLiteral("; only scheduled or waiting messages can be rescheduled");
    case ActionKind::Retry:
        if (state == MessageState::Cancelled)
            return head + QStringLiteral("; use restore for cancelled messages");
        return head + QStringLiteral("; only failed messages can be retried");
    case ActionKind::Promote:
        if (state == MessageState::Waiting)
            return head + QStringLiteral(" already: it runs as soon as a worker is free");
        return head + QStringLiteral("; only scheduled messages can be promoted");
    case ActionKind::SetPriority: return head + QStringLiteral("; only scheduled or waiting messages can change priority");
    case ActionKind::Restore:
        if (state == MessageState::Failed)
            return head + QStringLiteral("; use retry for failed messages");
        return head + QStringLiteral("; only cancelled messages can be restored");
    case ActionKind::EditPayload: return head + QStringLiteral("; only scheduled, waiting or failed messages can be edited");
    case ActionKind::Duplicate: return head;
    case ActionKind::Delete: return head + QStringLiteral("; only completed, failed or cancelled messages can be deleted (cancel it first)");
    }
    return head;
}

QString sortColumn(MessageSort sort)
{
    switch (sort) {
    case MessageSort::Id: return QStringLiteral("m.id");
    case MessageSort::RunAt: return QStringLiteral("m.run_at");
    case MessageSort::Priority: return QStringLiteral("m.priority");
    case MessageSort::CreatedAt: return QStringLiteral("m.created_at");
    }
    return QStringLiteral("m.id");
}

QString likePattern(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('%'), QStringLiteral("\\%")).replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}


} // namespace
namespace {

using storesql::exec;

const QString kDailyAt = QStringLiteral("cleanup.daily_at");
const QString kOutbox = QStringLiteral("cleanup.outbox_older_than_ms");
const QString kAudit = QStringLiteral("cleanup.audit_older_than_ms");
const QString kEmailEvents = QStringLiteral("cleanup.email_events_older_than_ms");
const QString kChangedAt = QStringLiteral("cleanup.changed_at");

const QString kRunColumns = QStringLiteral(
    "id, trigger, started_at, finished_at, messages, outbox, audit, email_events, archived, bytes_reclaimed, cancelled, error");

std::optional<qint64> positiveOrNone(const QString &text)
{
    bool ok = false;
    const qint64 v = text.toLongLong(&ok);
    return ok && v > 0 ? std::optional<qint64>(v) : std::nullopt;
}

} // namespace

// ---- queues ----------------------------------------------------------------------------------

Status StoreCore::addQueue(const QueueConfig &c)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s;
    if (auto s = c.validate(); !s)
        return s;
    if (auto s = requireChannel(c.defaultChannel); !s)
        return s;
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    {
        Statement exists = m_ctx.prepare(QStringLiteral("SELECT 1 FROM queues WHERE name = ?"));
        exists.addBindValue(c.name);
        if (auto s = exec(exists, QStringLiteral("looking up queue")); !s)
            return s;
        if (exists.next())
            return Error::badInput(QStringLiteral("queue '%1' already exists; change it with `heraldctl queue set %1`").arg(c.name));
    }
    Statement q = m_ctx.prepare(QStringLiteral(
        "INSERT INTO queues (name, concurrency, rate_max, rate_window_ms, max_attempts, backoff_kind, backoff_base_ms, "
        "backoff_cap_ms, backoff_jitter, paused, retain_completed_ms, retain_failed_ms, retain_cancelled_ms, default_channel, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
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

Status StoreCore::updateQueue(const QueueConfig &c)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s;
    if (auto s = c.validate(); !s)
        return s;
    if (auto s = requireChannel(c.defaultChannel); !s)
        return s;
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    Statement q = m_ctx.prepare(QStringLiteral(
        "UPDATE queues SET concurrency = ?, rate_max = ?, rate_window_ms = ?, max_attempts = ?, backoff_kind = ?, "
        "backoff_base_ms = ?, backoff_cap_ms = ?, backoff_jitter = ?, paused = ?, retain_completed_ms = ?, "
        "retain_failed_ms = ?, retain_cancelled_ms = ?, default_channel = ?, updated_at = ? WHERE name = ?"));
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

Status StoreCore::setPaused(const QString &name, bool paused)
{
    auto c = queue(name);
    if (!c)
        return c.error();
    c->paused = paused;
    return updateQueue(*c);
}

Result<QueueConfig> StoreCore::queue(const QString &name)
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

Result<QueueConfig> StoreCore::queueById(qint64 id)
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT ") + kQueueColumns + QStringLiteral(" FROM queues WHERE id = ?"));
    q.addBindValue(id);
    if (auto s = exec(q, QStringLiteral("reading queue")); !s)
        return s.error();
    if (!q.next())
        return Error::notFound(QStringLiteral("queue %1 does not exist").arg(id));
    return readQueue(q);
}

Result<QList<QueueConfig>> StoreCore::queues()
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT ") + kQueueColumns + QStringLiteral(" FROM queues ORDER BY name"));
    if (auto s = exec(q, QStringLiteral("listing queues")); !s)
        return s.error();
    QList<QueueConfig> out;
    while (q.next())
        out << readQueue(q);
    return out;
}

Result<qint64> StoreCore::queueId(const QString &name)
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT id FROM queues WHERE name = ?"));
    q.addBindValue(name);
    if (auto s = exec(q, QStringLiteral("looking up queue")); !s)
        return s.error();
    if (!q.next())
        return Error::notFound(QStringLiteral("queue '%1' does not exist; create it with `heraldctl queue add %1` or see `heraldctl queue list`")
                                   .arg(name));
    return q.value(0).toLongLong();
}

// ---- enqueue ---------------------------------------------------------------------------------

Result<Store::EnqueueOutcome> StoreCore::enqueue(const NewMessage &message)
{
    auto bulk = enqueueBulk({message}, 1);
    if (!bulk)
        return bulk.error();
    return bulk->items.front();
}

Result<Store::BulkOutcome> StoreCore::enqueueBulk(const QList<NewMessage> &messages, int chunkSize)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    if (chunkSize < 1)
        return Error::badInput(QStringLiteral("chunk size %1 must be at least 1").arg(chunkSize));

    // Resolve and check every queue before the first write.
    QHash<QString, QueueDefaults> queues;
    for (const NewMessage &m : messages) {
        if (queues.contains(m.queue))
            continue;
        auto c = queue(m.queue);
        if (!c)
            return c.error();
        auto id = queueId(m.queue);
        if (!id)
            return id.error();
        queues.insert(m.queue, {*id, c->defaultChannel, c->maxAttempts});
    }
    for (const NewMessage &m : messages) {
        if (m.priority < kHighestPriority || m.priority > kLowestPriority)
            return Error::badInput(QStringLiteral("priority %1 is out of range; use 1 (most urgent) to 10").arg(m.priority));
        if (m.type.isEmpty())
            return Error::badInput(QStringLiteral("a message has no type; name the kind of message, e.g. speaker_alert"));
        for (const auto &[field, text] : {std::pair<QString, const QString *>{QStringLiteral("type"), &m.type},
                                          {QStringLiteral("recipient"), &m.recipient},
                                          {QStringLiteral("channel"), &m.channel},
                                          {QStringLiteral("dedupe key"), &m.dedupeKey}})
            if (auto s = checkPlainText(field, *text); !s)
                return s.error();
        for (auto it = m.labels.cbegin(); it != m.labels.cend(); ++it) {
            if (auto s = checkPlainText(QStringLiteral("label key"), it.key()); !s)
                return s.error();
            if (auto s = checkPlainText(QStringLiteral("label %1").arg(it.key()), it.value()); !s)
                return s.error();
        }
    }
    QSet<QString> channelNames;
    for (const NewMessage &m : messages)
        channelNames.insert(m.channel);
    for (const QString &name : std::as_const(channelNames))
        if (auto s = requireChannel(name); !s)
            return s.error();

    const QString columns = QStringLiteral("queue_id, type, channel, recipient, payload, labels, priority, state, run_at, "
                                           "created_at, updated_at, max_attempts, dedupe_key");
    const QString insertSql = m_ctx.backend->insertSkippingConflicts(QStringLiteral("messages"), columns,
                                                                 QStringLiteral("?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?"),
                                                                 QStringLiteral("queue_id, dedupe_key"), QStringLiteral("dedupe_key IS NOT NULL")) +
                            m_ctx.backend->returningId();
    BulkOutcome outcome;
    outcome.items.reserve(messages.size());
    for (qsizetype start = 0; start < messages.size(); start += chunkSize) {
        const qsizetype end = std::min<qsizetype>(messages.size(), start + chunkSize);
        WriteTransaction tx(m_ctx);
        if (auto s = tx.begin(); !s)
            return s.error();
        const qint64 t = m_ctx.now();
        QList<EnqueueOutcome> chunkItems;
        qint64 chunkInserted = 0;
        // Messages without a dedupe key cannot conflict: each run of them is inserted by one statement
        // from one bound JSON array. Binding thirteen values per row through QSqlQuery cost more than
        // SQLite's own work.
        qsizetype i = start;
        while (i < end) {
            if (messages[i].dedupeKey.isEmpty()) {
                qsizetype runEnd = i;
                while (runEnd < end && messages[runEnd].dedupeKey.isEmpty())
                    ++runEnd;
                auto first = insertRun(messages, i, runEnd, t, queues);
                if (!first)
                    return first.error();
                for (qsizetype k = i; k < runEnd; ++k)
                    chunkItems << EnqueueOutcome{first->at(k - i), false};
                chunkInserted += runEnd - i;
                i = runEnd;
                continue;
            }
            const NewMessage &m = messages[i++];
            const QueueDefaults &d = queues[m.queue];
            const qint64 runAt = m.runAt > 0 ? m.runAt : t;
            const MessageState state = runAt > t ? MessageState::Scheduled : MessageState::Waiting;
            Statement insert = m_ctx.prepare(insertSql);
            insert.bindValue(0, d.id);
            insert.bindValue(1, m.type);
            insert.bindValue(2, m.channel.isEmpty() ? d.channel : m.channel);
            insert.bindValue(3, m.recipient.isNull() ? QStringLiteral("") : m.recipient); // a null QString binds as NULL
            insert.bindValue(4, QString::fromUtf8(m.payload.isEmpty() ? QByteArrayLiteral("{}") : m.payload));
            insert.bindValue(5, QString::fromUtf8(labelsJson(m.labels)));
            insert.bindValue(6, m.priority);
            insert.bindValue(7, int(state));
            insert.bindValue(8, runAt);
            insert.bindValue(9, t);
            insert.bindValue(10, t);
            insert.bindValue(11, m.maxAttempts > 0 ? m.maxAttempts : d.maxAttempts);
            insert.bindValue(12, nullableText(m.dedupeKey));
            if (auto s = exec(insert, QStringLiteral("enqueueing a message")); !s)
                return s.error();
            const qint64 id = m_ctx.insertedId(insert);
            insert.finish();
            if (id == 0) {
                Statement existing = m_ctx.prepare(QStringLiteral("SELECT id FROM messages WHERE queue_id = ? AND dedupe_key = ?"));
                existing.bindValue(0, d.id);
                existing.bindValue(1, m.dedupeKey);
                if (auto s = exec(existing, QStringLiteral("looking up a dedupe key")); !s)
                    return s.error();
                const qint64 existingId = existing.next() ? existing.value(0).toLongLong() : 0;
                chunkItems << EnqueueOutcome{existingId, true};
                continue;
            }
            Statement label = m_ctx.prepare(QStringLiteral("INSERT INTO message_labels (message_id, key, value) VALUES (?, ?, ?)"));
            for (auto it = m.labels.cbegin(); it != m.labels.cend(); ++it) {
                label.bindValue(0, id);
                label.bindValue(1, it.key());
                label.bindValue(2, it.value());
                if (auto s = exec(label, QStringLiteral("storing labels")); !s)
                    return s.error();
            }
            chunkItems << EnqueueOutcome{id, false};
            ++chunkInserted;
        }
        if (chunkInserted > 0) {
            QSet<QString> touched;
            for (qsizetype k = start; k < end; ++k)
                touched.insert(messages[k].queue);
            if (auto s = m_ctx.notifyEngines(touched); !s)
                return s.error();
        }
        if (auto s = tx.commit(); !s)
            return s.error();
        outcome.inserted += chunkInserted;
        outcome.duplicates += chunkItems.size() - chunkInserted;
        outcome.items << chunkItems;
    }
    return outcome;
}

namespace {

// Appends text as a JSON string (quotes and escapes included).
void appendJsonString(QByteArray &out, QByteArrayView utf8)
{
    out += '"';
    for (char c : utf8) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            static const char hex[] = "0123456789abcdef";
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 0xf];
        } else {
            out += c;
        }
    }
    out += '"';
}

void appendJsonString(QByteArray &out, const QString &text)
{
    appendJsonString(out, QByteArrayView(text.toUtf8()));
}

} // namespace

Result<QList<qint64>> StoreCore::insertRun(const QList<NewMessage> &messages, qsizetype from, qsizetype to, qint64 t,
                                const QHash<QString, QueueDefaults> &queues)
{
    // One array per message: queue_id, type, channel, recipient, payload, labels, priority, state, run_at,
    // max_attempts.
    QByteArray rows;
    rows.reserve((to - from) * 96);
    rows += '[';
    bool anyLabels = false;
    for (qsizetype i = from; i < to; ++i) {
        const NewMessage &m = messages[i];
        const QueueDefaults &d = queues[m.queue];
        const qint64 runAt = m.runAt > 0 ? m.runAt : t;
        if (i > from)
            rows += ',';
        rows += '[';
        rows += QByteArray::number(d.id);
        rows += ',';
        appendJsonString(rows, m.type);
        rows += ',';
        appendJsonString(rows, m.channel.isEmpty() ? d.channel : m.channel);
        rows += ',';
        appendJsonString(rows, m.recipient);
        rows += ',';
        // As the per-row path stores it: text, with invalid UTF-8 replaced.
        const QByteArray payload = m.payload.isEmpty() ? QByteArrayLiteral("{}") : m.payload;
        if (QByteArrayView(payload).isValidUtf8())
            appendJsonString(rows, QByteArrayView(payload));
        else
            appendJsonString(rows, QString::fromUtf8(payload));
        rows += ',';
        if (m.labels.isEmpty()) {
            rows += "\"{}\"";
        } else {
            anyLabels = true;
            appendJsonString(rows, QByteArrayView(labelsJson(m.labels)));
        }
        rows += ',';
        rows += QByteArray::number(m.priority);
        rows += ',';
        rows += QByteArray::number(int(runAt > t ? MessageState::Scheduled : MessageState::Waiting));
        rows += ',';
        rows += QByteArray::number(runAt);
        rows += ',';
        rows += QByteArray::number(m.maxAttempts > 0 ? m.maxAttempts : d.maxAttempts);
        rows += ']';
    }
    rows += ']';
    Statement insert = m_ctx.prepare(QStringLiteral("INSERT INTO messages (created_at, updated_at, queue_id, type, channel, recipient, payload, "
                                              "labels, priority, state, run_at, max_attempts) SELECT ?, ?, ") +
                               m_ctx.backend->jsonArrayRows(QStringLiteral("itttttiiii")) + m_ctx.backend->returningId());
    insert.addBindValue(t);
    insert.addBindValue(t);
    insert.addBindValue(QString::fromUtf8(rows));
    if (auto s = exec(insert, QStringLiteral("enqueueing messages")); !s)
        return s.error();
    const qint64 n = to - from;
    // The ids in input order: the rows are inserted in array order, so their ids grow with it (another
    // writer's rows may fall between them on a shared store; a single-writer store leaves no gaps).
    QList<qint64> ids;
    ids.reserve(n);
    if (!m_ctx.backend->returningId().isEmpty()) {
        while (insert.next())
            ids << insert.value(0).toLongLong();
        std::sort(ids.begin(), ids.end());
    } else if (insert.numRowsAffected() == n) {
        for (qint64 id = insert.lastInsertId().toLongLong() - n + 1; ids.size() < n; ++id)
            ids << id;
    }
    insert.finish();
    if (ids.size() != n)
        return Error::runtime(QStringLiteral("store: enqueueing %1 messages inserted %2; nothing was stored").arg(n).arg(ids.size()));
    if (!anyLabels)
        return ids;
    QByteArray labels;
    labels += '[';
    for (qsizetype i = from; i < to; ++i) {
        const Labels &l = messages[i].labels;
        for (auto it = l.cbegin(); it != l.cend(); ++it) {
            if (labels.size() > 1)
                labels += ',';
            labels += '[';
            labels += QByteArray::number(ids.at(i - from));
            labels += ',';
            appendJsonString(labels, it.key());
            labels += ',';
            appendJsonString(labels, it.value());
            labels += ']';
        }
    }
    labels += ']';
    Statement label = m_ctx.prepare(QStringLiteral("INSERT INTO message_labels (message_id, key, value) SELECT ") + m_ctx.backend->jsonArrayRows(QStringLiteral("itt")));
    label.addBindValue(QString::fromUtf8(labels));
    if (auto s = exec(label, QStringLiteral("storing labels")); !s)
        return s.error();
    return ids;
}

// ---- reads -----------------------------------------------------------------------------------

Result<Message> StoreCore::message(qint64 id)
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT ") + kMessageColumns + kMessageFrom + QStringLiteral("WHERE m.id = ?"));
    q.addBindValue(id);
    if (auto s = exec(q, QStringLiteral("reading message")); !s)
        return s.error();
    if (!q.next())
        return Error::notFound(QStringLiteral("no message with id %1; see `heraldctl list`").arg(id));
    return readMessage(q);
}

Result<QList<Attempt>> StoreCore::attempts(qint64 messageId)
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT number, started_at, finished_at, outcome, error, response_code, worker "
                                         "FROM attempts WHERE message_id = ? ORDER BY number, id"));
    q.addBindValue(messageId);
    if (auto s = exec(q, QStringLiteral("reading attempts")); !s)
        return s.error();
    QList<Attempt> out;
    while (q.next())
        out << Attempt{q.value(0).toInt(),      q.value(1).toLongLong(), optionalInt(q.value(2)), q.value(3).toString(),
                       q.value(4).toString(),   q.value(5).toInt(),      q.value(6).toString()};
    return out;
}

QString StoreCore::selectionWhere(const MessageSelection &sel, QVariantList &binds, qint64 queueIdValue) const
{
    QStringList where;
    if (sel.isById()) {
        where << m_ctx.backend->idListCondition(QStringLiteral("m.id"));
        binds << m_ctx.backend->idListValue(sel.ids);
    }
    if (queueIdValue > 0) {
        where << QStringLiteral("m.queue_id = ?");
        binds << queueIdValue;
    }
    const auto oneOf = [&](const QString &column, const QVariantList &values) {
        QStringList marks;
        for (const QVariant &v : values) {
            marks << QStringLiteral("?");
            binds << v;
        }
        where << column + QStringLiteral(" IN (") + marks.join(QStringLiteral(", ")) + QLatin1Char(')');
    };
    if (!sel.states.isEmpty()) {
        QVariantList states;
        for (MessageState st : sel.states)
            states << int(st);
        oneOf(QStringLiteral("m.state"), states);
    }
    if (!sel.types.isEmpty())
        oneOf(QStringLiteral("m.type"), QVariantList(sel.types.begin(), sel.types.end()));
    if (!sel.channels.isEmpty())
        oneOf(QStringLiteral("m.channel"), QVariantList(sel.channels.begin(), sel.channels.end()));
    if (sel.minPriority > 0) {
        where << QStringLiteral("m.priority >= ?");
        binds << sel.minPriority;
    }
    if (sel.maxPriority > 0) {
        where << QStringLiteral("m.priority <= ?");
        binds << sel.maxPriority;
    }
    if (sel.runAtFrom) {
        where << QStringLiteral("m.run_at >= ?");
        binds << *sel.runAtFrom;
    }
    if (sel.runAtTo) {
        where << QStringLiteral("m.run_at < ?");
        binds << *sel.runAtTo;
    }
    if (!sel.search.trimmed().isEmpty()) {
        const QString term = sel.search.trimmed();
        const QString like = likePattern(term);
        bool isId = false;
        const qint64 id = term.toLongLong(&isId);
        // A substring search scans the selection's rows; the other filters narrow it first.
        where << (isId ? QStringLiteral("(m.id = ? OR m.recipient LIKE ? ESCAPE '\\' OR m.type LIKE ? ESCAPE '\\' OR m.payload LIKE ? ESCAPE '\\')")
                       : QStringLiteral("(m.recipient LIKE ? ESCAPE '\\' OR m.type LIKE ? ESCAPE '\\' OR m.payload LIKE ? ESCAPE '\\')"));
        if (isId)
            binds << id;
        binds << like << like << like;
    }
    for (auto it = sel.labels.cbegin(); it != sel.labels.cend(); ++it) {
        where << QStringLiteral("m.id IN (SELECT message_id FROM message_labels WHERE key = ? AND value = ?)");
        binds << it.key() << it.value();
    }
    return where.isEmpty() ? QStringLiteral("1 = 1") : where.join(QStringLiteral(" AND "));
}

Result<qint64> StoreCore::resolveSelectionQueue(const MessageSelection &selection)
{
    if (selection.queue.isEmpty())
        return qint64(0);
    return queueId(selection.queue);
}

namespace {

// The WHERE (after the selection) and ORDER BY of a keyset page.
std::pair<QString, QString> keysetClauses(const MessagePageRequest &request, QVariantList &binds)
{
    QString where;
    const QString column = sortColumn(request.sort);
    const QString cmp = request.descending ? QStringLiteral("<") : QStringLiteral(">");
    if (request.afterId > 0) {
        if (request.sort == MessageSort::Id) {
            where += QStringLiteral(" AND m.id ") + cmp + QStringLiteral(" ?");
            binds << request.afterId;
        } else {
            where += QStringLiteral(" AND (%1 %2 ? OR (%1 = ? AND m.id %2 ?))").arg(column, cmp);
            binds << request.afterKey << request.afterKey << request.afterId;
        }
    }
    const QString dir = request.descending ? QStringLiteral(" DESC") : QString();
    const QString order = request.sort == MessageSort::Id ? QString(QStringLiteral(" ORDER BY m.id") + dir)
                                                          : QString(QStringLiteral(" ORDER BY ") + column + dir + QStringLiteral(", m.id") + dir);
    return {where, order};
}

} // namespace

Result<QList<Message>> StoreCore::listMessages(const MessagePageRequest &request)
{
    auto qid = resolveSelectionQueue(request.selection);
    if (!qid)
        return qid.error();
    QVariantList binds;
    QString where = selectionWhere(request.selection, binds, *qid);
    const auto [keyset, order] = keysetClauses(request, binds);
    Statement q = m_ctx.prepare(QStringLiteral("SELECT ") + kMessageColumns + kMessageFrom + QStringLiteral("WHERE ") + where + keyset + order +
                          QStringLiteral(" LIMIT ?"));
    for (const QVariant &b : binds)
        q.addBindValue(b);
    q.addBindValue(std::max(1, request.limit));
    if (auto s = exec(q, QStringLiteral("listing messages")); !s)
        return s.error();
    QList<Message> out;
    while (q.next())
        out << readMessage(q);
    return out;
}

Result<QList<Store::PageAnchor>> StoreCore::pageAnchors(const MessagePageRequest &request, int every)
{
    if (every < 1 || request.limit < 1)
        return Error::badInput(QStringLiteral("page anchors need a positive page size and count"));
    auto qid = resolveSelectionQueue(request.selection);
    if (!qid)
        return qid.error();
    // One short query per anchor: seek to the last anchor through the listing's index, step over one
    // page of index entries (OFFSET never exceeds a page: it is bounded by `every`, not by the table),
    // and read one key. Measured faster than numbering the rows of a whole chunk with ROW_NUMBER().
    QList<PageAnchor> out;
    MessagePageRequest step = request;
    for (int i = 0; i < request.limit; ++i) {
        QVariantList binds;
        const QString where = selectionWhere(step.selection, binds, *qid);
        const auto [keyset, order] = keysetClauses(step, binds);
        Statement q = m_ctx.prepare(QStringLiteral("SELECT %1, m.id FROM messages m WHERE %2%3%4 LIMIT 1 OFFSET ?")
                                  .arg(sortColumn(step.sort), where, keyset, order));
        for (const QVariant &b : binds)
            q.addBindValue(b);
        q.addBindValue(every - 1);
        if (auto s = exec(q, QStringLiteral("finding page anchors")); !s)
            return s.error();
        if (!q.next())
            break;
        const PageAnchor anchor{q.value(0).toLongLong(), q.value(1).toLongLong()};
        out << anchor;
        step.afterKey = anchor.key;
        step.afterId = anchor.id;
    }
    return out;
}

Result<qint64> StoreCore::insertSyntheticMessages(const QString &queueName, qint64 count, qint64 firstRunAt, qint64 spacingMs)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    if (count < 0)
        return Error::badInput(QStringLiteral("cannot insert %1 messages").arg(count));
    auto config = queue(queueName);
    if (!config)
        return config.error();
    auto qid = queueId(queueName);
    if (!qid)
        return qid.error();
    constexpr qint64 kChunk = 100'000;
    Statement insert = m_ctx.prepare(QStringLiteral(
        "WITH RECURSIVE seq(n) AS (SELECT CAST(? AS BIGINT) UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ?) "
        "INSERT INTO messages (queue_id, type, channel, recipient, payload, labels, priority, state, run_at, created_at, updated_at, "
        "max_attempts) SELECT ?, 'synthetic', ?, '+1555' || (1000000 + n), '{\"n\":' || n || '}', '{}', 1 + n % 10, ?, ? + n * ?, ?, ?, ? "
        "FROM seq"));
    qint64 inserted = 0;
    for (qint64 start = 0; start < count; start += kChunk) {
        WriteTransaction tx(m_ctx);
        if (auto s = tx.begin(); !s)
            return s.error();
        const qint64 t = m_ctx.now();
        const QVariantList binds{start, std::min(count, start + kChunk), *qid, config->defaultChannel, int(MessageState::Scheduled),
                                 firstRunAt, spacingMs, t, t, config->maxAttempts};
        for (int i = 0; i < binds.size(); ++i)
            insert.bindValue(i, binds.at(i));
        if (auto s = exec(insert, QStringLiteral("inserting synthetic messages")); !s)
            return s.error();
        if (auto s = tx.commit(); !s)
            return s.error();
        inserted += std::min(count, start + kChunk) - start;
    }
    return inserted;
}

Result<qint64> StoreCore::countMessages(const MessageSelection &selection)
{
    auto qid = resolveSelectionQueue(selection);
    if (!qid)
        return qid.error();
    QVariantList binds;
    const QString where = selectionWhere(selection, binds, *qid);
    Statement q = m_ctx.prepare(QStringLiteral("SELECT COUNT(*) FROM messages m WHERE ") + where);
    for (const QVariant &b : binds)
        q.addBindValue(b);
    if (auto s = exec(q, QStringLiteral("counting messages")); !s)
        return s.error();
    return q.next() ? q.value(0).toLongLong() : qint64(0);
}

Result<QList<qint64>> StoreCore::upcomingHistogram(qint64 fromMs, qint64 bucketMs, int buckets, const QString &queueName)
{
    if (bucketMs <= 0 || buckets <= 0)
        return Error::badInput(QStringLiteral("a histogram needs a positive bucket width and count"));
    QString sql = QStringLiteral("SELECT (m.run_at - ?) / ?, COUNT(*) FROM messages m WHERE m.state = ? AND m.run_at >= ? AND m.run_at < ?");
    QVariantList binds{fromMs, bucketMs, int(MessageState::Scheduled), fromMs, fromMs + bucketMs * buckets};
    if (!queueName.isEmpty()) {
        auto id = queueId(queueName);
        if (!id)
            return id.error();
        sql += QStringLiteral(" AND m.queue_id = ?");
        binds << *id;
    }
    Statement q = m_ctx.prepare(sql + QStringLiteral(" GROUP BY 1"));
    for (const QVariant &b : binds)
        q.addBindValue(b);
    if (auto s = exec(q, QStringLiteral("counting upcoming messages")); !s)
        return s.error();
    QList<qint64> counts(buckets, 0);
    while (q.next()) {
        const qint64 bucket = q.value(0).toLongLong();
        if (bucket >= 0 && bucket < buckets)
            counts[bucket] = q.value(1).toLongLong();
    }
    return counts;
}


Result<QList<QueueCounts>> StoreCore::stats()
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT q.name, q.paused, c.state, ") + kCountValue +
                          QStringLiteral(" FROM queues q JOIN queue_counts c ON c.queue_id = q.id ORDER BY q.name, c.state"));
    if (auto s = exec(q, QStringLiteral("reading queue counts")); !s)
        return s.error();
    QList<QueueCounts> out;
    while (q.next()) {
        const QString name = q.value(0).toString();
        if (out.isEmpty() || out.back().queue != name) {
            out.append(QueueCounts{});
            out.back().queue = name;
            out.back().paused = q.value(1).toBool();
        }
        const int state = q.value(2).toInt();
        if (state >= 0 && state < int(kAllStates.size()))
            out.back().byState[size_t(state)] = q.value(3).toLongLong();
    }
    return out;
}

Result<QList<Message>> StoreCore::upcoming(qint64 withinMs, const QString &queueName, int limit)
{
    QString where = QStringLiteral("m.state = ? AND m.run_at <= ?");
    QVariantList binds{int(MessageState::Scheduled), m_ctx.now() + withinMs};
    if (!queueName.isEmpty()) {
        auto id = queueId(queueName);
        if (!id)
            return id.error();
        where += QStringLiteral(" AND m.queue_id = ?");
        binds << *id;
    }
    Statement q = m_ctx.prepare(QStringLiteral("SELECT ") + kMessageColumns + kMessageFrom + QStringLiteral("WHERE ") + where +
                          QStringLiteral(" ORDER BY m.run_at, m.id LIMIT ?"));
    for (const QVariant &b : binds)
        q.addBindValue(b);
    q.addBindValue(limit);
    if (auto s = exec(q, QStringLiteral("listing upcoming messages")); !s)
        return s.error();
    QList<Message> out;
    while (q.next())
        out << readMessage(q);
    return out;
}

Result<QList<AuditEntry>> StoreCore::auditLog(int limit)
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT id, at, actor, action, selection, affected, details FROM audit_log ORDER BY id DESC LIMIT ?"));
    q.addBindValue(limit);
    if (auto s = exec(q, QStringLiteral("reading the audit log")); !s)
        return s.error();
    QList<AuditEntry> out;
    while (q.next())
        out << AuditEntry{q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(),    q.value(3).toString(),
                          q.value(4).toString(),   q.value(5).toLongLong(), q.value(6).toByteArray()};
    return out;
}


Result<QStringList> StoreCore::counterMismatches()
{
    Statement q = m_ctx.prepare(QStringLiteral(
        "SELECT q.name, c.state, ") + kCountValue + QStringLiteral(", (SELECT COUNT(*) FROM messages m WHERE m.queue_id = c.queue_id AND m.state = c.state) "
        "FROM queue_counts c JOIN queues q ON q.id = c.queue_id ORDER BY q.name, c.state"));
    if (auto s = exec(q, QStringLiteral("checking counters")); !s)
        return s.error();
    QStringList out;
    while (q.next()) {
        if (q.value(2).toLongLong() != q.value(3).toLongLong())
            out << QStringLiteral("%1/%2: counter %3, COUNT(*) %4")
                       .arg(q.value(0).toString(), stateName(MessageState(q.value(1).toInt())))
                       .arg(q.value(2).toLongLong())
                       .arg(q.value(3).toLongLong());
    }
    return out;
}

// ---- lifecycle -------------------------------------------------------------------------------

Result<qint64> StoreCore::promoteDueInTx(qint64 t)
{
    Statement q = m_ctx.prepare(QStringLiteral("UPDATE messages SET state = ?, updated_at = ? WHERE state = ? AND run_at <= ?"));
    q.addBindValue(int(MessageState::Waiting));
    q.addBindValue(t);
    q.addBindValue(int(MessageState::Scheduled));
    q.addBindValue(t);
    if (auto s = exec(q, QStringLiteral("promoting due messages")); !s)
        return s.error();
    return qint64(q.numRowsAffected());
}


Result<qint64> StoreCore::promoteDue()
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s.error();
    auto n = promoteDueInTx(m_ctx.now());
    if (!n)
        return n.error();
    if (auto s = tx.commit(); !s)
        return s.error();
    return n;
}

Result<int> StoreCore::globalClaimLimit(const QString &queueName, qint64 t)
{
    qint64 queueId = 0;
    int concurrency = 0;
    int rateMax = 0;
    qint64 rateWindowMs = 0;
    {
        Statement q = m_ctx.prepare(QStringLiteral("SELECT id, concurrency, rate_max, rate_window_ms FROM queues WHERE name = ? AND paused = 0") +
                              m_ctx.backend->rowLockClause());
        q.addBindValue(queueName);
        if (auto s = exec(q, QStringLiteral("locking queue %1 for a claim").arg(queueName)); !s)
            return s.error();
        if (!q.next())
            return 0; // paused or gone
        queueId = q.value(0).toLongLong();
        concurrency = q.value(1).toInt();
        rateMax = q.value(2).toInt();
        rateWindowMs = q.value(3).toLongLong();
    }
    qint64 room = std::numeric_limits<int>::max();
    if (concurrency > 0) {
        Statement q = m_ctx.prepare(QStringLiteral("SELECT COUNT(*) FROM messages WHERE queue_id = ? AND state = ?"));
        q.addBindValue(queueId);
        q.addBindValue(int(MessageState::Active));
        if (auto s = exec(q, QStringLiteral("counting active messages of %1").arg(queueName)); !s)
            return s.error();
        room = std::min<qint64>(room, concurrency - (q.next() ? q.value(0).toLongLong() : 0));
    }
    if (rateMax > 0 && rateWindowMs > 0) {
        // Starts in the window: messages whose latest claim falls in it (a message claimed twice within
        // one window counts once).
        Statement q = m_ctx.prepare(QStringLiteral("SELECT COUNT(*) FROM messages WHERE queue_id = ? AND started_at > ?"));
        q.addBindValue(queueId);
        q.addBindValue(t - rateWindowMs);
        if (auto s = exec(q, QStringLiteral("counting recent starts of %1").arg(queueName)); !s)
            return s.error();
        room = std::min<qint64>(room, rateMax - (q.next() ? q.value(0).toLongLong() : 0));
    }
    return int(std::max<qint64>(0, room));
}

Result<QList<Message>> StoreCore::claimInTx(const ClaimRequest &request, const QString &owner, qint64 leaseMs, qint64 t)
{
    QList<qint64> ids;
    if (request.max <= 0)
        return QList<Message>{};
    int max = request.max;
    if (m_ctx.backend->capabilities().sharedStore()) {
        // Many engines (DESIGN §3.2): a queue's concurrency and rate limit hold across all of them. The
        // queue's row is locked until the commit, so claims on one queue take turns (one short
        // transaction each), and what is active or started is counted inside the same transaction.
        auto limit = globalClaimLimit(request.queue, t);
        if (!limit)
            return limit.error();
        max = std::min(max, *limit);
        if (max <= 0)
            return QList<Message>{};
    }
    {
        // The queue's id and paused flag are read inside the pick, not by a statement of their own: a
        // claim is one indexed read plus the writes. A queue paused (or missing) yields nothing.
        QString sql = QStringLiteral("SELECT id FROM messages WHERE queue_id = (SELECT id FROM queues WHERE name = ? AND paused = 0) "
                                     "AND state = ?");
        for (qsizetype i = 0; i < request.skipChannels.size(); ++i)
            sql += QStringLiteral(" AND channel <> ?");
        sql += QStringLiteral(" ORDER BY priority, run_at, id LIMIT ?") + m_ctx.backend->claimLockClause();
        Statement pick = m_ctx.prepare(sql);
        pick.addBindValue(request.queue);
        pick.addBindValue(int(MessageState::Waiting));
        for (const QString &c : request.skipChannels)
            pick.addBindValue(c);
        pick.addBindValue(max);
        if (auto s = exec(pick, QStringLiteral("choosing messages to claim")); !s)
            return s.error();
        while (pick.next())
            ids << pick.value(0).toLongLong();
    }
    if (ids.isEmpty())
        return QList<Message>{};
    const QVariant idList = m_ctx.backend->idListValue(ids);
    {
        Statement q = m_ctx.prepare(QStringLiteral("UPDATE messages SET state = ?, attempts = attempts + 1, started_at = ?, updated_at = ?, "
                                             "lease_owner = ?, lease_until = ? WHERE ") +
                              m_ctx.backend->idListCondition(QStringLiteral("id")));
        for (const QVariant &v : QVariantList{int(MessageState::Active), t, t, owner, t + leaseMs, idList})
            q.addBindValue(v);
        if (auto s = exec(q, QStringLiteral("claiming messages")); !s)
            return s.error();
    }
    {
        Statement q = m_ctx.prepare(QStringLiteral("INSERT INTO attempts (message_id, number, started_at, worker) "
                                             "SELECT id, attempts, ?, ? FROM messages WHERE ") +
                              m_ctx.backend->idListCondition(QStringLiteral("id")));
        q.addBindValue(t);
        q.addBindValue(owner);
        q.addBindValue(idList);
        if (auto s = exec(q, QStringLiteral("recording attempts")); !s)
            return s.error();
    }
    QList<Message> claimed;
    Statement q = m_ctx.prepare(QStringLiteral("SELECT ") + kMessageColumns + kMessageFrom + QStringLiteral("WHERE ") +
                          m_ctx.backend->idListCondition(QStringLiteral("m.id")) + QStringLiteral(" ORDER BY m.priority, m.run_at, m.id"));
    q.addBindValue(idList);
    if (auto s = exec(q, QStringLiteral("reading claimed messages")); !s)
        return s.error();
    while (q.next())
        claimed << readMessage(q);
    return claimed;
}

Result<QList<Message>> StoreCore::claim(const QString &queueName, int max, const QString &owner, qint64 leaseMs)
{
    WriteBatch batch;
    batch.owner = owner;
    batch.leaseMs = leaseMs;
    batch.claims = {ClaimRequest{queueName, max, {}}};
    auto r = commitBatch(batch);
    if (!r)
        return r.error();
    return r->claimed;
}

Result<bool> StoreCore::complete(qint64 id, const QString &owner, const QString &providerMessageId)
{
    WriteBatch batch;
    batch.owner = owner;
    batch.promote = false;
    batch.completions = {Completion{id, providerMessageId, {}}};
    auto r = commitBatch(batch);
    if (!r)
        return r.error();
    return r->outcomes.value(id).has_value();
}

Status StoreCore::markReached(const QList<qint64> &ids, const QString &owner)
{
    WriteBatch batch;
    batch.owner = owner;
    batch.promote = false;
    batch.reached = ids;
    if (auto r = commitBatch(batch); !r)
        return r.error();
    return {};
}

Result<std::optional<MessageState>> StoreCore::fail(qint64 id, const QString &owner, const Failure &failure)
{
    WriteBatch batch;
    batch.owner = owner;
    batch.promote = false;
    batch.failures = {FailureReport{id, failure}};
    auto r = commitBatch(batch);
    if (!r)
        return r.error();
    return r->outcomes.value(id);
}

Result<std::optional<MessageState>> StoreCore::completeInTx(const Completion &c, const QString &owner, qint64 t)
{
    Statement q = m_ctx.prepare(QStringLiteral("UPDATE messages SET state = ?, finished_at = ?, updated_at = ?, provider_message_id = ?, "
                                         "lease_owner = NULL, lease_until = NULL, last_error = NULL "
                                         "WHERE id = ? AND state = ? AND lease_owner = ? AND (? = 0 OR attempts = ?)"));
    for (const QVariant &v : QVariantList{int(MessageState::Completed), t, t, nullableText(c.providerMessageId), c.id,
                                          int(MessageState::Active), owner, c.attempt, c.attempt})
        q.addBindValue(v);
    if (auto s = exec(q, QStringLiteral("completing message %1").arg(c.id)); !s)
        return s.error();
    if (q.numRowsAffected() != 1)
        return std::optional<MessageState>{};
    Statement a = m_ctx.prepare(QStringLiteral("UPDATE attempts SET finished_at = ?, outcome = 'success' WHERE message_id = ? AND finished_at IS NULL"));
    a.addBindValue(t);
    a.addBindValue(c.id);
    if (auto s = exec(a, QStringLiteral("recording the attempt")); !s)
        return s.error();
    if (!c.outboxRendered.isEmpty()) {
        Statement o = m_ctx.prepare(QStringLiteral("INSERT INTO outbox (message_id, queue_id, channel, recipient, rendered, created_at) "
                                             "SELECT id, queue_id, channel, recipient, ?, ? FROM messages WHERE id = ?"));
        o.addBindValue(QString::fromUtf8(c.outboxRendered));
        o.addBindValue(t);
        o.addBindValue(c.id);
        if (auto s = exec(o, QStringLiteral("storing message %1 in the outbox").arg(c.id)); !s)
            return s.error();
    }
    return std::optional<MessageState>(MessageState::Completed);
}

Result<QSet<qint64>> StoreCore::completePlainInTx(const QList<Completion> &completions, const QString &owner, qint64 t)
{
    // Only messages still active under our lease, in the attempt that was delivered, are completed; the
    // others were cancelled, reclaimed or claimed again meanwhile.
    QSet<qint64> ours;
    {
        QList<qint64> ids;
        QHash<qint64, int> attemptOf;
        for (const Completion &c : completions) {
            ids << c.id;
            attemptOf.insert(c.id, c.attempt);
        }
        Statement q = m_ctx.prepare(QStringLiteral("SELECT id, attempts FROM messages WHERE state = ? AND lease_owner = ? AND ") +
                              m_ctx.backend->idListCondition(QStringLiteral("id")) + m_ctx.backend->rowLockClause());
        q.addBindValue(int(MessageState::Active));
        q.addBindValue(owner);
        q.addBindValue(m_ctx.backend->idListValue(ids));
        if (auto s = exec(q, QStringLiteral("checking the leases of completed messages")); !s)
            return s.error();
        while (q.next()) {
            const qint64 id = q.value(0).toLongLong();
            const int attempt = attemptOf.value(id);
            if (attempt == 0 || attempt == q.value(1).toInt())
                ours.insert(id);
        }
    }
    if (ours.isEmpty())
        return ours;
    const QVariant idList = m_ctx.backend->idListValue(QList<qint64>(ours.cbegin(), ours.cend()));
    Statement q = m_ctx.prepare(QStringLiteral("UPDATE messages SET state = ?, finished_at = ?, updated_at = ?, provider_message_id = NULL, "
                                         "lease_owner = NULL, lease_until = NULL, last_error = NULL WHERE ") +
                          m_ctx.backend->idListCondition(QStringLiteral("id")));
    for (const QVariant &v : QVariantList{int(MessageState::Completed), t, t, idList})
        q.addBindValue(v);
    if (auto s = exec(q, QStringLiteral("completing messages")); !s)
        return s.error();
    Statement a = m_ctx.prepare(QStringLiteral("UPDATE attempts SET finished_at = ?, outcome = 'success' WHERE finished_at IS NULL AND ") +
                          m_ctx.backend->idListCondition(QStringLiteral("message_id")));
    a.addBindValue(t);
    a.addBindValue(idList);
    if (auto s = exec(a, QStringLiteral("recording the attempts")); !s)
        return s.error();
    return ours;
}

Result<std::optional<MessageState>> StoreCore::failInTx(const FailureReport &report, const QString &owner, qint64 t)
{
    const Failure &failure = report.failure;
    Statement read = m_ctx.prepare(QStringLiteral("SELECT m.attempts, m.max_attempts, q.backoff_kind, q.backoff_base_ms, q.backoff_cap_ms, "
                                            "q.backoff_jitter FROM messages m JOIN queues q ON q.id = m.queue_id "
                                            "WHERE m.id = ? AND m.state = ? AND m.lease_owner = ?") + m_ctx.backend->rowLockClause());
    read.addBindValue(report.id);
    read.addBindValue(int(MessageState::Active));
    read.addBindValue(owner);
    if (auto s = exec(read, QStringLiteral("reading message %1").arg(report.id)); !s)
        return s.error();
    if (!read.next())
        return std::optional<MessageState>{};
    const int attemptsMade = read.value(0).toInt();
    if (report.attempt != 0 && report.attempt != attemptsMade)
        return std::optional<MessageState>{}; // a late answer to an earlier attempt
    const int maxAttempts = read.value(1).toInt();
    RetryPolicy retry;
    retry.kind = read.value(2).toString() == QLatin1String("fixed") ? RetryPolicy::Kind::Fixed : RetryPolicy::Kind::Exponential;
    retry.baseMs = read.value(3).toLongLong();
    retry.capMs = read.value(4).toLongLong();
    retry.jitter = read.value(5).toDouble();
    read.finish();

    MessageState next = MessageState::Failed;
    qint64 runAt = 0;
    if (failure.suppressed) {
        next = MessageState::Cancelled;
    } else if (!failure.permanent && attemptsMade < maxAttempts) {
        next = MessageState::Scheduled;
        runAt = t + (failure.retryAfterMs ? *failure.retryAfterMs : retry.delayAfterAttempt(attemptsMade, QRandomGenerator::global()->generateDouble()));
    }
    Statement q = m_ctx.prepare(next == MessageState::Scheduled
                              ? QStringLiteral("UPDATE messages SET state = ?, run_at = ?, updated_at = ?, last_error = ?, "
                                               "lease_owner = NULL, lease_until = NULL WHERE id = ?")
                              : QStringLiteral("UPDATE messages SET state = ?, finished_at = ?, updated_at = ?, last_error = ?, "
                                               "lease_owner = NULL, lease_until = NULL WHERE id = ?"));
    for (const QVariant &v : QVariantList{int(next), next == MessageState::Scheduled ? runAt : t, t, failure.error, report.id})
        q.addBindValue(v);
    if (auto s = exec(q, QStringLiteral("recording the failure of message %1").arg(report.id)); !s)
        return s.error();
    const QString outcome = failure.suppressed ? QStringLiteral("suppressed")
                            : next == MessageState::Failed ? QStringLiteral("failed")
                                                           : QStringLiteral("retry");
    Statement a = m_ctx.prepare(QStringLiteral("UPDATE attempts SET finished_at = ?, outcome = ?, error = ?, response_code = ? "
                                         "WHERE message_id = ? AND finished_at IS NULL"));
    for (const QVariant &v : QVariantList{t, outcome, failure.error, failure.responseCode, report.id})
        a.addBindValue(v);
    if (auto s = exec(a, QStringLiteral("recording the attempt")); !s)
        return s.error();
    return std::optional<MessageState>(next);
}

Result<Store::BatchResult> StoreCore::commitBatch(const WriteBatch &batch)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s.error();
    const qint64 t = m_ctx.now();
    BatchResult result;
    if (!batch.reached.isEmpty()) {
        Statement q = m_ctx.prepare(QStringLiteral("UPDATE attempts SET reached_at = ? WHERE finished_at IS NULL AND reached_at IS NULL AND worker = ? AND ") +
                              m_ctx.backend->idListCondition(QStringLiteral("message_id")));
        q.addBindValue(t);
        q.addBindValue(batch.owner);
        q.addBindValue(m_ctx.backend->idListValue(batch.reached));
        if (auto s = exec(q, QStringLiteral("recording deliveries that left")); !s)
            return s.error();
    }
    // Plain completions (no provider id, nothing for the outbox) are written set-wise: three statements
    // for the whole tick instead of two per message. The others carry values of their own.
    QList<Completion> plain;
    for (const Completion &c : batch.completions) {
        if (c.providerMessageId.isEmpty() && c.outboxRendered.isEmpty()) {
            plain << c;
            continue;
        }
        auto r = completeInTx(c, batch.owner, t);
        if (!r)
            return r.error();
        result.outcomes.insert(c.id, *r);
    }
    if (!plain.isEmpty()) {
        auto r = completePlainInTx(plain, batch.owner, t);
        if (!r)
            return r.error();
        for (const Completion &c : std::as_const(plain))
            result.outcomes.insert(c.id, r->contains(c.id) ? std::optional<MessageState>(MessageState::Completed) : std::nullopt);
    }
    for (const FailureReport &f : batch.failures) {
        auto r = failInTx(f, batch.owner, t);
        if (!r)
            return r.error();
        result.outcomes.insert(f.id, *r);
    }
    if (!batch.released.isEmpty()) {
        // Handed back at a graceful stop: the attempt did not happen as far as the message is concerned.
        const QVariant ids = m_ctx.backend->idListValue(batch.released);
        Statement q = m_ctx.prepare(QStringLiteral("UPDATE messages SET state = ?, attempts = ") + m_ctx.backend->greatest(QStringLiteral("attempts - 1"), QStringLiteral("0")) + QStringLiteral(", updated_at = ?, "
                                             "lease_owner = NULL, lease_until = NULL WHERE state = ? AND lease_owner = ? AND ") +
                              m_ctx.backend->idListCondition(QStringLiteral("id")));
        for (const QVariant &v : QVariantList{int(MessageState::Waiting), t, int(MessageState::Active), batch.owner, ids})
            q.addBindValue(v);
        if (auto s = exec(q, QStringLiteral("handing messages back")); !s)
            return s.error();
        Statement a = m_ctx.prepare(QStringLiteral("UPDATE attempts SET finished_at = ?, outcome = 'handed back' WHERE finished_at IS NULL AND ") +
                              m_ctx.backend->idListCondition(QStringLiteral("message_id")));
        a.addBindValue(t);
        a.addBindValue(ids);
        if (auto s = exec(a, QStringLiteral("recording handed-back attempts")); !s)
            return s.error();
    }
    if (!batch.renewLeases.isEmpty()) {
        const QVariant ids = m_ctx.backend->idListValue(batch.renewLeases);
        Statement q = m_ctx.prepare(QStringLiteral("UPDATE messages SET lease_until = ? WHERE state = ? AND lease_owner = ? AND ") +
                              m_ctx.backend->idListCondition(QStringLiteral("id")));
        for (const QVariant &v : QVariantList{t + batch.leaseMs, int(MessageState::Active), batch.owner, ids})
            q.addBindValue(v);
        if (auto s = exec(q, QStringLiteral("renewing leases")); !s)
            return s.error();
        if (q.numRowsAffected() != batch.renewLeases.size()) {
            // Some are no longer ours: cancelled by an operator, or reclaimed after a stall.
            Statement lost = m_ctx.prepare(QStringLiteral("SELECT id FROM messages WHERE (state <> ? OR lease_owner IS NULL OR lease_owner <> ?) AND ") +
                                     m_ctx.backend->idListCondition(QStringLiteral("id")));
            lost.addBindValue(int(MessageState::Active));
            lost.addBindValue(batch.owner);
            lost.addBindValue(ids);
            if (auto s = exec(lost, QStringLiteral("checking leases")); !s)
                return s.error();
            while (lost.next())
                result.lostLeases << lost.value(0).toLongLong();
        }
    }
    if (batch.reclaimExpired || batch.reclaimAllActive) {
        auto r = reclaimInTx(t, batch.reclaimAllActive);
        if (!r)
            return r.error();
        result.reclaimed = *r;
    }
    if (batch.promote || !batch.claims.isEmpty()) {
        if (auto r = promoteDueInTx(t); !r)
            return r.error();
    }
    // In queue order: claims on a shared store lock their queue's row, and engines that lock in the same
    // order never deadlock on each other.
    QList<ClaimRequest> claims = batch.claims;
    std::sort(claims.begin(), claims.end(), [](const ClaimRequest &a, const ClaimRequest &b) { return a.queue < b.queue; });
    for (const ClaimRequest &c : std::as_const(claims)) {
        auto r = claimInTx(c, batch.owner, batch.leaseMs, t);
        if (!r)
            return r.error();
        result.claimed << *r;
    }
    if (auto s = tx.commit(); !s)
        return s.error();
    return result;
}

Result<qint64> StoreCore::reclaimInTx(qint64 t, bool allActive)
{
    // Whether the open attempt had left for its peer (attempts.reached_at): only then is it a stall, and
    // an attempt. One that never left — claimed, or queued in the channel, when the engine died — is
    // handed back as if it had not been claimed: a crash loop fails no message that was never sent.
    // A message handed back uncounted kMaxUncountedHandBacks times counts as having left all the same: a
    // poison message that kills its engine before its request is written must not loop for ever.
    const QString reached = QStringLiteral(", EXISTS (SELECT 1 FROM attempts a WHERE a.message_id = messages.id AND a.finished_at IS NULL "
                                           "AND a.reached_at IS NOT NULL) OR (SELECT COUNT(*) FROM attempts a WHERE a.message_id = messages.id "
                                           "AND a.outcome = 'handed back') >= %1")
                                .arg(kMaxUncountedHandBacks);
    Statement read = m_ctx.prepare(allActive ? QStringLiteral("SELECT id, attempts, max_attempts, stalls") + reached +
                                             QStringLiteral(" FROM messages WHERE state = ? AND lease_until IS NOT NULL")
                                       : QStringLiteral("SELECT id, attempts, max_attempts, stalls") + reached +
                                             QStringLiteral(" FROM messages WHERE state = ? AND lease_until < ?"));
    read.addBindValue(int(MessageState::Active));
    if (!allActive)
        read.addBindValue(t);
    if (auto s = exec(read, QStringLiteral("finding expired leases")); !s)
        return s.error();
    QList<qint64> back, failed, neverLeft;
    while (read.next()) {
        if (!read.value(4).toBool()) {
            neverLeft << read.value(0).toLongLong();
            continue;
        }
        const int stalls = read.value(3).toInt() + 1;
        if (read.value(1).toInt() >= read.value(2).toInt() || stalls >= kMaxStalls)
            failed << read.value(0).toLongLong();
        else
            back << read.value(0).toLongLong();
    }
    read.finish();
    if (!neverLeft.isEmpty()) {
        const QVariant ids = m_ctx.backend->idListValue(neverLeft);
        Statement q = m_ctx.prepare(QStringLiteral("UPDATE messages SET state = ?, attempts = ") + m_ctx.backend->greatest(QStringLiteral("attempts - 1"), QStringLiteral("0")) + QStringLiteral(", updated_at = ?, lease_owner = NULL, "
                                             "lease_until = NULL WHERE ") +
                              m_ctx.backend->idListCondition(QStringLiteral("id")));
        for (const QVariant &v : QVariantList{int(MessageState::Waiting), t, ids})
            q.addBindValue(v);
        if (auto s = exec(q, QStringLiteral("handing back deliveries that never left")); !s)
            return s.error();
        Statement a = m_ctx.prepare(QStringLiteral("UPDATE attempts SET finished_at = ?, outcome = 'handed back', error = ? WHERE finished_at IS NULL AND ") +
                              m_ctx.backend->idListCondition(QStringLiteral("message_id")));
        a.addBindValue(t);
        a.addBindValue(QStringLiteral("the engine stopped before this delivery left for its peer; not counted as an attempt"));
        a.addBindValue(ids);
        if (auto s = exec(a, QStringLiteral("recording deliveries that never left")); !s)
            return s.error();
    }
    const auto update = [&](const QList<qint64> &ids, MessageState state, const QString &error) -> Status {
        if (ids.isEmpty())
            return {};
        Statement q = m_ctx.prepare(
            QStringLiteral("UPDATE messages SET state = ?, stalls = stalls + 1, updated_at = ?, lease_owner = NULL, lease_until = NULL, "
                           "finished_at = ?, last_error = ? WHERE ") +
            m_ctx.backend->idListCondition(QStringLiteral("id")));
        for (const QVariant &v : QVariantList{int(state), t, state == MessageState::Failed ? QVariant(t) : nullable({}), error,
                                              m_ctx.backend->idListValue(ids)})
            q.addBindValue(v);
        if (auto s = exec(q, QStringLiteral("reclaiming expired leases")); !s)
            return s;
        Statement a = m_ctx.prepare(QStringLiteral("UPDATE attempts SET finished_at = ?, outcome = 'stalled', error = ? WHERE finished_at IS NULL AND ") +
                              m_ctx.backend->idListCondition(QStringLiteral("message_id")));
        a.addBindValue(t);
        a.addBindValue(error);
        a.addBindValue(m_ctx.backend->idListValue(ids));
        return exec(a, QStringLiteral("recording stalled attempts"));
    };
    if (auto s = update(back, MessageState::Waiting, QStringLiteral("lease expired: the worker stopped during delivery; retrying")); !s)
        return s.error();
    if (auto s = update(failed, MessageState::Failed,
                        QStringLiteral("lease expired: the worker stopped during delivery, and no attempts or stalls remain"));
        !s)
        return s.error();
    return qint64(back.size() + failed.size() + neverLeft.size());
}

Result<qint64> StoreCore::reclaimExpiredLeases()
{
    WriteBatch batch;
    batch.promote = false;
    batch.reclaimExpired = true;
    auto r = commitBatch(batch);
    if (!r)
        return r.error();
    return r->reclaimed;
}

Result<qint64> StoreCore::reclaimAllLeases()
{
    WriteBatch batch;
    batch.promote = false;
    batch.reclaimAllActive = true;
    auto r = commitBatch(batch);
    if (!r)
        return r.error();
    return r->reclaimed;
}

Result<std::optional<qint64>> StoreCore::nextRunAt(const QStringList &queues)
{
    QString sql = QStringLiteral("SELECT MIN(m.run_at) FROM messages m WHERE m.state = ?");
    QVariantList binds{int(MessageState::Scheduled)};
    if (!queues.isEmpty()) {
        QStringList marks;
        for (const QString &q : queues) {
            marks << QStringLiteral("?");
            binds << q;
        }
        sql += QStringLiteral(" AND m.queue_id IN (SELECT id FROM queues WHERE name IN (") + marks.join(QStringLiteral(", ")) + QStringLiteral("))");
    }
    Statement q = m_ctx.prepare(sql);
    for (const QVariant &b : binds)
        q.addBindValue(b);
    if (auto s = exec(q, QStringLiteral("finding the next run time")); !s)
        return s.error();
    if (!q.next() || q.value(0).isNull())
        return std::optional<qint64>{};
    return std::optional<qint64>(q.value(0).toLongLong());
}

Result<Store::Backlog> StoreCore::backlog(const QStringList &queues)
{
    auto stats = this->stats();
    if (!stats)
        return stats.error();
    Backlog b;
    for (const QueueCounts &c : *stats) {
        if (!queues.isEmpty() && !queues.contains(c.queue))
            continue;
        b.waiting += c.count(MessageState::Waiting);
        b.active += c.count(MessageState::Active);
        b.scheduled += c.count(MessageState::Scheduled);
    }
    auto next = nextRunAt(queues);
    if (!next)
        return next.error();
    b.scheduledDue = next->has_value() && **next <= m_ctx.now();
    return b;
}

// ---- channels, outbox, suppressions ----------------------------------------------------------

namespace {
const QString kChannelColumns = QStringLiteral("name, kind, url, timeout_ms, secret_ref, options");

Result<ChannelConfig> readChannel(const QSqlQuery &q)
{
    ChannelConfig c;
    c.name = q.value(0).toString();
    auto kind = ChannelConfig::parseKind(q.value(1).toString());
    if (!kind)
        return kind.error();
    c.kind = *kind;
    c.url = q.value(2).toString();
    c.timeoutMs = q.value(3).toLongLong();
    c.secretRef = q.value(4).toString();
    c.options = QJsonDocument::fromJson(q.value(5).toByteArray()).object();
    return c;
}
} // namespace

Status StoreCore::addChannel(const ChannelConfig &c)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s;
    if (auto s = c.validate(); !s)
        return s;
    if (c.name == QLatin1String("outbox"))
        return Error::badInput(QStringLiteral("'outbox' is the built-in channel; give your channel another name"));
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    {
        Statement exists = m_ctx.prepare(QStringLiteral("SELECT 1 FROM channels WHERE name = ?"));
        exists.addBindValue(c.name);
        if (auto s = exec(exists, QStringLiteral("looking up channel")); !s)
            return s;
        if (exists.next())
            return Error::badInput(QStringLiteral("channel '%1' already exists; change it with `heraldctl channel set %1`").arg(c.name));
    }
    Statement q = m_ctx.prepare(QStringLiteral("INSERT INTO channels (name, kind, url, timeout_ms, secret_ref, options, created_at, updated_at) "
                                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"));
    q.addBindValue(c.name);
    for (const QVariant &v : channelSettings(c))
        q.addBindValue(v);
    q.addBindValue(m_ctx.now());
    q.addBindValue(m_ctx.now());
    if (auto s = exec(q, QStringLiteral("adding channel '%1'").arg(c.name)); !s)
        return s;
    // The audit log names the channel, never its secret.
    if (auto s = m_ctx.writeAudit(QStringLiteral("channel.add"), QStringLiteral("channel ") + c.name, 1, {}, {}); !s)
        return s.error();
    return tx.commit();
}

Status StoreCore::updateChannel(const ChannelConfig &c)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s;
    if (auto s = c.validate(); !s)
        return s;
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    Statement q = m_ctx.prepare(QStringLiteral("UPDATE channels SET kind = ?, url = ?, timeout_ms = ?, secret_ref = ?, options = ?, updated_at = ? "
                                         "WHERE name = ?"));
    for (const QVariant &v : channelSettings(c))
        q.addBindValue(v);
    q.addBindValue(m_ctx.now());
    q.addBindValue(c.name);
    if (auto s = exec(q, QStringLiteral("updating channel '%1'").arg(c.name)); !s)
        return s;
    if (q.numRowsAffected() != 1)
        return Error::notFound(QStringLiteral("channel '%1' does not exist; see `heraldctl channel list`").arg(c.name));
    if (auto s = m_ctx.writeAudit(QStringLiteral("channel.set"), QStringLiteral("channel ") + c.name, 1, {}, {}); !s)
        return s.error();
    return tx.commit();
}

Status StoreCore::removeChannel(const QString &name)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s;
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    {
        Statement used = m_ctx.prepare(QStringLiteral("SELECT name FROM queues WHERE default_channel = ? ORDER BY name"));
        used.addBindValue(name);
        if (auto s = exec(used, QStringLiteral("checking channel use")); !s)
            return s;
        QStringList queues;
        while (used.next())
            queues << used.value(0).toString();
        if (!queues.isEmpty())
            return Error::refused(QStringLiteral("channel '%1' is the default channel of queue %2; change that first with "
                                                 "`heraldctl queue set %3 --channel outbox`")
                                      .arg(name, queues.join(QStringLiteral(", ")), queues.front()));
    }
    Statement q = m_ctx.prepare(QStringLiteral("DELETE FROM channels WHERE name = ?"));
    q.addBindValue(name);
    if (auto s = exec(q, QStringLiteral("removing channel '%1'").arg(name)); !s)
        return s;
    if (q.numRowsAffected() != 1)
        return Error::notFound(QStringLiteral("channel '%1' does not exist; see `heraldctl channel list`").arg(name));
    if (auto s = m_ctx.writeAudit(QStringLiteral("channel.remove"), QStringLiteral("channel ") + name, 1, {}, {}); !s)
        return s.error();
    return tx.commit();
}

Result<ChannelConfig> StoreCore::channel(const QString &name)
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT ") + kChannelColumns + QStringLiteral(" FROM channels WHERE name = ?"));
    q.addBindValue(name);
    if (auto s = exec(q, QStringLiteral("reading channel")); !s)
        return s.error();
    if (!q.next())
        return Error::notFound(QStringLiteral("channel '%1' does not exist; see `heraldctl channel list`").arg(name));
    return readChannel(q);
}

Result<QList<ChannelConfig>> StoreCore::channels()
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT ") + kChannelColumns + QStringLiteral(" FROM channels ORDER BY name"));
    if (auto s = exec(q, QStringLiteral("listing channels")); !s)
        return s.error();
    QList<ChannelConfig> out;
    while (q.next()) {
        auto c = readChannel(q);
        if (!c)
            return c.error();
        out << *c;
    }
    return out;
}

Status StoreCore::requireChannel(const QString &name)
{
    if (name.isEmpty() || isChannelKindName(name))
        return {};
    Statement q = m_ctx.prepare(QStringLiteral("SELECT 1 FROM channels WHERE name = ?"));
    q.addBindValue(name);
    if (auto s = exec(q, QStringLiteral("looking up channel")); !s)
        return s;
    if (!q.next())
        return Error::badInput(QStringLiteral("channel '%1' is unknown; add it with `heraldctl channel add %1 --kind …`, or use one of %2")
                                   .arg(name, knownChannels()));
    return {};
}

Result<QList<OutboxEntry>> StoreCore::outbox(qint64 afterId, int limit)
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT o.id, o.message_id, q.name, o.channel, o.recipient, o.rendered, o.created_at "
                                         "FROM outbox o JOIN queues q ON q.id = o.queue_id WHERE (? = 0 OR o.id < ?) "
                                         "ORDER BY o.id DESC LIMIT ?"));
    q.addBindValue(afterId);
    q.addBindValue(afterId);
    q.addBindValue(limit);
    if (auto s = exec(q, QStringLiteral("reading the outbox")); !s)
        return s.error();
    QList<OutboxEntry> out;
    while (q.next())
        out << OutboxEntry{q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(), q.value(3).toString(),
                           q.value(4).toString(),   q.value(5).toByteArray(), q.value(6).toLongLong()};
    return out;
}

Result<bool> StoreCore::isSuppressed(const QString &address)
{
    // An expired entry (a soft-bounce suppression past its expiry) no longer holds the address back.
    Statement q = m_ctx.prepare(QStringLiteral("SELECT 1 FROM suppressions WHERE address = ? AND (expires_at IS NULL OR expires_at > ?)"));
    q.addBindValue(address.trimmed().toLower());
    q.addBindValue(m_ctx.now());
    if (auto s = exec(q, QStringLiteral("checking the suppression list")); !s)
        return s.error();
    return q.next();
}

Status StoreCore::addSuppression(const QString &address, const QString &reason)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s;
    const QString key = address.trimmed().toLower();
    if (key.isEmpty())
        return Error::badInput(QStringLiteral("no address to suppress; give an e-mail address such as ana@example.org"));
    // The reason column holds one of the known reasons; any other text (a stale push token's error) is
    // kept as the note of a manual entry. Adding again replaces the entry: an operator's word wins, and
    // an entry added here never expires.
    const bool known = SuppressionReason::isKnown(reason);
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    Statement q = m_ctx.prepare(QStringLiteral("INSERT INTO suppressions (address, reason, source_event, note, expires_at, created_at) "
                                         "VALUES (?, ?, NULL, ?, NULL, ?) "
                                         "ON CONFLICT (address) DO UPDATE SET reason = excluded.reason, source_event = NULL, "
                                         "note = excluded.note, expires_at = NULL, created_at = excluded.created_at"));
    q.addBindValue(key);
    q.addBindValue(known ? reason : SuppressionReason::Manual);
    q.addBindValue(nullableText(known ? QString() : reason));
    q.addBindValue(m_ctx.now());
    if (auto s = exec(q, QStringLiteral("adding a suppression")); !s)
        return s;
    return tx.commit();
}

// ---- operator actions ------------------------------------------------------------------------

Status StoreCore::checkAction(const MessageSelection &selection, const OperatorAction &action) const
{
    if (selection.isEmpty())
        return Error::badInput(QStringLiteral("%1 needs ids or a selection (--queue, --state, --label, …); refusing to touch every message")
                                   .arg(actionName(action.kind)));
    const qint64 t = m_ctx.now();
    if (action.kind == ActionKind::Reschedule) {
        if (action.runAt.has_value() == action.shiftMs.has_value())
            return Error::badInput(QStringLiteral("reschedule needs either a time (--at, --in) or an offset (--by), not both or neither"));
        if (action.runAt && *action.runAt <= t)
            return Error::badInput(QStringLiteral("%1 is in the past; to run messages now use promote").arg(formatTimestamp(*action.runAt)));
        if (action.spreadUntil && (!action.runAt || *action.spreadUntil <= *action.runAt))
            return Error::badInput(QStringLiteral("the spread window is empty; its end must come after its start"));
        if (action.shiftMs && (*action.shiftMs > kMaxDurationMs || *action.shiftMs < -kMaxDurationMs))
            return Error::badInput(QStringLiteral("a shift of %1 is out of range; use at most 100 years either way").arg(formatDuration(*action.shiftMs)));
    }
    if (action.kind == ActionKind::SetPriority && (action.priority < kHighestPriority || action.priority > kLowestPriority))
        return Error::badInput(QStringLiteral("priority %1 is out of range; use 1 (most urgent) to 10").arg(action.priority));
    if (action.kind == ActionKind::EditPayload) {
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(action.payload, &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            return Error::badInput(QStringLiteral("the new payload is not a JSON object (%1)")
                                       .arg(err.error != QJsonParseError::NoError ? err.errorString() : QStringLiteral("not an object")));
    }
    return {};
}

Result<ActionPreview> StoreCore::previewAction(const MessageSelection &selection, const OperatorAction &action, int sampleSize)
{
    if (auto s = checkAction(selection, action); !s)
        return s.error();
    auto qid = resolveSelectionQueue(selection);
    if (!qid)
        return qid.error();
    QVariantList binds;
    const QString where = selectionWhere(selection, binds, *qid);
    const QList<MessageState> allowed = allowedStates(action.kind);
    ActionPreview p;
    {
        Statement q = m_ctx.prepare(QStringLiteral("SELECT q.name, m.state, COUNT(*) FROM messages m JOIN queues q ON q.id = m.queue_id WHERE ") +
                              where + QStringLiteral(" GROUP BY q.name, m.state ORDER BY q.name, m.state"));
        for (const QVariant &b : binds)
            q.addBindValue(b);
        if (auto s = exec(q, QStringLiteral("previewing %1").arg(actionName(action.kind))); !s)
            return s.error();
        while (q.next()) {
            const auto state = MessageState(q.value(1).toInt());
            const qint64 n = q.value(2).toLongLong();
            p.matching += n;
            if (allowed.contains(state)) {
                p.applicable += n;
                p.byQueueAndState[q.value(0).toString()][state] += n;
            } else {
                p.skippedByState[state] += n;
            }
        }
    }
    QVariantList sampleBinds = binds;
    QStringList marks;
    for (MessageState st : allowed) {
        marks << QStringLiteral("?");
        sampleBinds << int(st);
    }
    Statement q = m_ctx.prepare(QStringLiteral("SELECT ") + kMessageColumns + kMessageFrom + QStringLiteral("WHERE ") + where +
                          QStringLiteral(" AND m.state IN (") + marks.join(QStringLiteral(", ")) + QStringLiteral(") ORDER BY m.id LIMIT ?"));
    for (const QVariant &b : sampleBinds)
        q.addBindValue(b);
    q.addBindValue(std::max(0, sampleSize));
    if (auto s = exec(q, QStringLiteral("sampling the selection")); !s)
        return s.error();
    while (q.next())
        p.sample << readMessage(q);
    return p;
}

Result<ActionResult> StoreCore::apply(const MessageSelection &selection, const OperatorAction &action, const ActionProgress &progress)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    if (auto s = checkAction(selection, action); !s)
        return s.error();
    auto qid = resolveSelectionQueue(selection);
    if (!qid)
        return qid.error();
    const qint64 t = m_ctx.now();

    // Read what the selection holds and decide per message, before anything is written.
    QList<ApplyTarget> targets;
    ActionResult result;
    result.kind = action.kind;
    {
        QVariantList binds;
        const QString where = selectionWhere(selection, binds, *qid);
        Statement read = m_ctx.prepare(QStringLiteral("SELECT m.id, m.state, m.run_at FROM messages m WHERE ") + where +
                                 (action.spreadUntil ? QStringLiteral(" ORDER BY m.run_at, m.id") : QStringLiteral(" ORDER BY m.id")));
        for (const QVariant &b : binds)
            read.addBindValue(b);
        if (auto s = exec(read, QStringLiteral("reading the selection")); !s)
            return s.error();
        const QList<MessageState> allowed = allowedStates(action.kind);
        QStringList refusals;
        QSet<qint64> seen;
        while (read.next()) {
            const ApplyTarget target{read.value(0).toLongLong(), MessageState(read.value(1).toInt()), read.value(2).toLongLong()};
            seen.insert(target.id);
            if (!allowed.contains(target.state)) {
                if (selection.isById())
                    refusals << refusal(action.kind, target.id, target.state);
                else
                    result.skippedByState[target.state] += 1;
                continue;
            }
            if (action.kind == ActionKind::Reschedule && action.shiftMs && target.runAt + *action.shiftMs <= t) {
                if (selection.isById())
                    refusals << QStringLiteral("message %1 would move to %2, in the past; use promote to run it now")
                                    .arg(target.id)
                                    .arg(formatTimestamp(target.runAt + *action.shiftMs));
                else
                    ++result.skippedIntoPast;
                continue;
            }
            targets << target;
        }
        if (selection.isById()) {
            for (qint64 id : selection.ids)
                if (!seen.contains(id))
                    refusals << QStringLiteral("no message with id %1").arg(id) +
                                    (selection.hasFilter() ? QStringLiteral(" matches the selection") : QString());
            if (!refusals.isEmpty()) {
                refusals.removeDuplicates();
                return Error::refused(QStringLiteral("%1 refused, nothing was changed:\n  ").arg(actionName(action.kind)) +
                                      refusals.join(QStringLiteral("\n  ")));
            }
        }
    }
    if (action.kind == ActionKind::EditPayload && targets.size() > 1)
        return Error::badInput(QStringLiteral("edit changes one message at a time; the selection holds %1").arg(targets.size()));

    // The audit entry comes first, so that every chunk's journal rows can name it.
    QJsonObject details;
    if (action.runAt)
        details.insert(QStringLiteral("run_at"), formatTimestamp(*action.runAt));
    if (action.spreadUntil)
        details.insert(QStringLiteral("spread_until"), formatTimestamp(*action.spreadUntil));
    if (action.shiftMs)
        details.insert(QStringLiteral("shift"), formatDuration(*action.shiftMs));
    if (action.kind == ActionKind::SetPriority)
        details.insert(QStringLiteral("priority"), action.priority);
    QJsonObject skipped;
    for (auto it = result.skippedByState.cbegin(); it != result.skippedByState.cend(); ++it)
        skipped.insert(stateName(it.key()), it.value());
    if (result.skippedIntoPast)
        skipped.insert(QStringLiteral("into_past"), result.skippedIntoPast);
    if (!skipped.isEmpty())
        details.insert(QStringLiteral("skipped"), skipped);
    {
        WriteTransaction tx(m_ctx);
        if (auto s = tx.begin(); !s)
            return s.error();
        auto audit = m_ctx.writeAudit(actionName(action.kind), selection.describe(), 0, QJsonDocument(details).toJson(QJsonDocument::Compact),
                                action.actor);
        if (!audit)
            return audit.error();
        result.auditId = *audit;
        if (auto s = tx.commit(); !s)
            return s.error();
    }
    const bool undoable = action.kind != ActionKind::Delete && action.kind != ActionKind::Duplicate;

    // By ids: one transaction, all or nothing. A selection: chunks, so a long action never holds the
    // store for long, with progress and cancel between chunks.
    const qsizetype chunk = selection.isById() ? std::max<qsizetype>(1, targets.size()) : kIdChunk;
    for (qsizetype start = 0; start < targets.size(); start += chunk) {
        if (progress.cancel && progress.cancel->load()) {
            result.cancelled = true;
            break;
        }
        const QList<ApplyTarget> read = targets.mid(start, chunk);
        WriteTransaction tx(m_ctx);
        if (auto s = tx.begin(); !s)
            return s.error();
        // Compare-and-set: inside the write transaction, only the messages still as the selection read them
        // are changed. One an engine claimed, completed or retried meanwhile (or another operator changed)
        // is left alone and reported, so an action never overwrites an outcome.
        auto part = stillAsRead(action, read);
        if (!part)
            return part.error();
        QList<qint64> ids;
        QSet<qint64> unchanged;
        for (const ApplyTarget &target : std::as_const(*part)) {
            ids << target.id;
            unchanged.insert(target.id);
        }
        for (const ApplyTarget &target : read) {
            if (!unchanged.contains(target.id)) {
                ++result.changedMeanwhile;
                if (result.changedMeanwhileIds.size() < 1000)
                    result.changedMeanwhileIds << target.id;
            }
        }
        if (ids.isEmpty()) {
            if (auto s = tx.commit(); !s)
                return s.error();
            continue;
        }
        const QVariant idList = m_ctx.backend->idListValue(ids);
        if (undoable) {
            Statement journal = m_ctx.prepare(QStringLiteral("INSERT INTO action_journal (audit_id, message_id, state, run_at, priority, attempts, stalls, "
                                                       "finished_at, last_error, payload) SELECT ?, id, state, run_at, priority, attempts, "
                                                       "stalls, finished_at, last_error, payload FROM messages WHERE ") +
                                        m_ctx.backend->idListCondition(QStringLiteral("id")));
            journal.addBindValue(result.auditId);
            journal.addBindValue(idList);
            if (auto s = exec(journal, QStringLiteral("journaling the action")); !s)
                return s.error();
        }
        if (auto s = applyChunk(action, ids, start, targets.size(), *part, t, result); !s)
            return s.error();
        if (auto s = tx.commit(); !s)
            return s.error();
        result.affected += part->size();
        result.affectedIds << ids;
        if (progress.report)
            progress.report(result.affected, targets.size());
    }
    {
        WriteTransaction tx(m_ctx);
        if (auto s = tx.begin(); !s)
            return s.error();
        QJsonArray idsDone;
        for (qsizetype i = 0; i < result.affectedIds.size() && i < 1000; ++i)
            idsDone.append(result.affectedIds[i]);
        details.insert(QStringLiteral("ids"), idsDone);
        if (result.cancelled)
            details.insert(QStringLiteral("cancelled_after"), result.affected);
        if (result.changedMeanwhile) {
            QJsonObject skippedNow = details.value(QStringLiteral("skipped")).toObject();
            skippedNow.insert(QStringLiteral("changed_meanwhile"), result.changedMeanwhile);
            details.insert(QStringLiteral("skipped"), skippedNow);
        }
        if (!result.createdIds.isEmpty()) {
            QJsonArray created;
            for (qint64 id : std::as_const(result.createdIds))
                created.append(id);
            details.insert(QStringLiteral("created"), created);
        }
        Statement q = m_ctx.prepare(QStringLiteral("UPDATE audit_log SET affected = ?, details = ?, undoable = ? WHERE id = ?"));
        q.addBindValue(result.affected);
        q.addBindValue(QString::fromUtf8(QJsonDocument(details).toJson(QJsonDocument::Compact)));
        q.addBindValue(undoable && result.affected > 0 ? 1 : 0);
        q.addBindValue(result.auditId);
        if (auto s = exec(q, QStringLiteral("finishing the audit entry")); !s)
            return s.error();
        if (auto s = tx.commit(); !s)
            return s.error();
    }
    return result;
}

Result<QList<StoreCore::ApplyTarget>> StoreCore::stillAsRead(const OperatorAction &action, const QList<ApplyTarget> &read)
{
    QList<qint64> ids;
    for (const ApplyTarget &target : read)
        ids << target.id;
    Statement q = m_ctx.prepare(QStringLiteral("SELECT id, state, run_at FROM messages WHERE ") + m_ctx.backend->idListCondition(QStringLiteral("id")) +
                          m_ctx.backend->rowLockClause());
    q.addBindValue(m_ctx.backend->idListValue(ids));
    if (auto s = exec(q, QStringLiteral("checking that the selection is unchanged")); !s)
        return s.error();
    QHash<qint64, std::pair<MessageState, qint64>> current;
    while (q.next())
        current.insert(q.value(0).toLongLong(), {MessageState(q.value(1).toInt()), q.value(2).toLongLong()});
    QList<ApplyTarget> still;
    for (const ApplyTarget &target : read) {
        const auto it = current.constFind(target.id);
        if (it == current.cend() || it->first != target.state)
            continue;
        // A reschedule was previewed from the message's run time; moved meanwhile, it is not this one's to move.
        if (action.kind == ActionKind::Reschedule && it->second != target.runAt)
            continue;
        still << target;
    }
    return still;
}

Status StoreCore::applyChunk(const OperatorAction &action, const QList<qint64> &ids, qsizetype offset, qsizetype total, const QList<ApplyTarget> &part,
                         qint64 t, ActionResult &result)
{
    QString set;
    QVariantList setBinds;
    switch (action.kind) {
    case ActionKind::Cancel:
        set = QStringLiteral("state = ?, finished_at = ?, lease_owner = NULL, lease_until = NULL");
        setBinds = {int(MessageState::Cancelled), t};
        break;
    case ActionKind::Reschedule:
        if (action.spreadUntil) {
            // Evenly over the window, in the order the messages were due.
            const qint64 window = *action.spreadUntil - *action.runAt;
            Statement q = m_ctx.prepare(QStringLiteral("UPDATE messages SET state = ?, run_at = ?, updated_at = ? WHERE id = ?"));
            for (qsizetype i = 0; i < part.size(); ++i) {
                const qint64 at = *action.runAt + qint64(double(window) * double(offset + i) / double(std::max<qsizetype>(1, total)));
                for (const QVariant &v : QVariantList{int(MessageState::Scheduled), at, t, part[i].id})
                    q.addBindValue(v);
                if (auto s = exec(q, QStringLiteral("spreading messages")); !s)
                    return s;
            }
            return {};
        }
        if (action.runAt) {
            set = QStringLiteral("state = ?, run_at = ?");
            setBinds = {int(MessageState::Scheduled), *action.runAt};
        } else {
            set = QStringLiteral("state = ?, run_at = run_at + ?");
            setBinds = {int(MessageState::Scheduled), *action.shiftMs};
        }
        break;
    case ActionKind::Retry:
        set = QStringLiteral("state = ?, run_at = ?, attempts = 0, stalls = 0, finished_at = NULL, last_error = NULL");
        setBinds = {int(MessageState::Waiting), t};
        break;
    case ActionKind::Promote:
        set = QStringLiteral("state = ?, run_at = ?");
        setBinds = {int(MessageState::Waiting), t};
        break;
    case ActionKind::SetPriority:
        set = QStringLiteral("priority = ?");
        setBinds = {action.priority};
        break;
    case ActionKind::Restore:
        set = QStringLiteral("state = CASE WHEN run_at > CAST(? AS BIGINT) THEN CAST(? AS BIGINT) ELSE CAST(? AS BIGINT) END, finished_at = NULL");
        setBinds = {t, int(MessageState::Scheduled), int(MessageState::Waiting)};
        break;
    case ActionKind::EditPayload:
        set = QStringLiteral("payload = ?");
        setBinds = {QString::fromUtf8(QJsonDocument::fromJson(action.payload).toJson(QJsonDocument::Compact))};
        break;
    case ActionKind::Duplicate: {
        // New messages with the same content, due at their original time or now, with no history.
        Statement copy = m_ctx.prepare(QStringLiteral(
            "INSERT INTO messages (queue_id, type, channel, recipient, payload, labels, priority, state, run_at, created_at, updated_at, "
            "max_attempts) SELECT queue_id, type, channel, recipient, payload, labels, priority, "
            "CASE WHEN run_at > CAST(? AS BIGINT) THEN CAST(? AS BIGINT) ELSE CAST(? AS BIGINT) END, "
            "%1, ?, ?, max_attempts FROM messages WHERE id = ?%2").arg(m_ctx.backend->greatest(QStringLiteral("run_at"), QStringLiteral("CAST(? AS BIGINT)")), m_ctx.backend->returningId()));
        Statement labels = m_ctx.prepare(QStringLiteral("INSERT INTO message_labels (message_id, key, value) SELECT ?, key, value FROM message_labels "
                                                  "WHERE message_id = ?"));
        for (qint64 id : ids) {
            for (const QVariant &v : QVariantList{t, int(MessageState::Scheduled), int(MessageState::Waiting), t, t, t, id})
                copy.addBindValue(v);
            if (auto s = exec(copy, QStringLiteral("duplicating message %1").arg(id)); !s)
                return s;
            const qint64 created = m_ctx.insertedId(copy);
            copy.finish();
            labels.addBindValue(created);
            labels.addBindValue(id);
            if (auto s = exec(labels, QStringLiteral("copying labels")); !s)
                return s;
            result.createdIds << created;
        }
        return {};
    }
    case ActionKind::Delete: {
        Statement del = m_ctx.prepare(QStringLiteral("DELETE FROM messages WHERE ") + m_ctx.backend->idListCondition(QStringLiteral("id")));
        del.addBindValue(m_ctx.backend->idListValue(ids));
        return exec(del, QStringLiteral("deleting messages"));
    }
    }
    Statement q = m_ctx.prepare(QStringLiteral("UPDATE messages SET ") + set + QStringLiteral(", updated_at = ? WHERE ") +
                          m_ctx.backend->idListCondition(QStringLiteral("id")));
    for (const QVariant &b : setBinds)
        q.addBindValue(b);
    q.addBindValue(t);
    q.addBindValue(m_ctx.backend->idListValue(ids));
    if (auto s = exec(q, QStringLiteral("%1 of %2 messages").arg(actionName(action.kind)).arg(ids.size())); !s)
        return s;
    if (action.kind == ActionKind::Cancel) {
        // An active message loses its lease: the attempt in flight ends here.
        Statement a = m_ctx.prepare(QStringLiteral("UPDATE attempts SET finished_at = ?, outcome = 'cancelled' WHERE finished_at IS NULL AND ") +
                              m_ctx.backend->idListCondition(QStringLiteral("message_id")));
        a.addBindValue(t);
        a.addBindValue(m_ctx.backend->idListValue(ids));
        return exec(a, QStringLiteral("ending cancelled attempts"));
    }
    return {};
}

Result<ActionResult> StoreCore::undoLastAction(const QString &actor)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s.error();
    qint64 auditId = 0;
    QString action;
    {
        Statement last = m_ctx.prepare(QStringLiteral("SELECT id, action FROM audit_log WHERE undoable = 1 AND undone_by IS NULL ORDER BY id DESC LIMIT 1"));
        if (auto s = exec(last, QStringLiteral("finding the last action")); !s)
            return s.error();
        if (!last.next())
            return Error::refused(QStringLiteral("there is no operator action left to undo"));
        auditId = last.value(0).toLongLong();
        action = last.value(1).toString();
    }
    // A message changed since (by the engine or another action) keeps its newer state: undo only
    // puts back what still is as the action left it.
    ActionResult result;
    result.kind = ActionKind::Restore;
    {
        Statement rows = m_ctx.prepare(QStringLiteral("SELECT j.message_id FROM action_journal j JOIN messages m ON m.id = j.message_id "
                                                "JOIN audit_log a ON a.id = j.audit_id WHERE j.audit_id = ? AND m.updated_at <= a.at "
                                                "AND NOT EXISTS (SELECT 1 FROM action_journal later WHERE later.message_id = j.message_id "
                                                "AND later.audit_id > j.audit_id) ORDER BY j.message_id"));
        rows.addBindValue(auditId);
        if (auto s = exec(rows, QStringLiteral("reading the journal")); !s)
            return s.error();
        while (rows.next())
            result.affectedIds << rows.value(0).toLongLong();
    }
    const qint64 t = m_ctx.now();
    for (qsizetype start = 0; start < result.affectedIds.size(); start += kIdChunk) {
        const QList<qint64> ids = result.affectedIds.mid(start, kIdChunk);
        Statement q = m_ctx.prepare(QStringLiteral(
            "UPDATE messages SET (state, run_at, priority, attempts, stalls, finished_at, last_error, payload) = "
            "(SELECT j.state, j.run_at, j.priority, j.attempts, j.stalls, j.finished_at, j.last_error, j.payload FROM action_journal j "
            "WHERE j.audit_id = ? AND j.message_id = messages.id), updated_at = ?, lease_owner = NULL, lease_until = NULL WHERE ") +
                              m_ctx.backend->idListCondition(QStringLiteral("id")));
        q.addBindValue(auditId);
        q.addBindValue(t);
        q.addBindValue(m_ctx.backend->idListValue(ids));
        if (auto s = exec(q, QStringLiteral("undoing %1").arg(action)); !s)
            return s.error();
    }
    result.affected = result.affectedIds.size();
    QJsonArray idsDone;
    for (qsizetype i = 0; i < result.affectedIds.size() && i < 1000; ++i)
        idsDone.append(result.affectedIds[i]);
    auto audit = m_ctx.writeAudit(QStringLiteral("undo"), QStringLiteral("audit #%1 (%2)").arg(auditId).arg(action), result.affected,
                            QJsonDocument(QJsonObject{{QStringLiteral("undoes"), auditId}, {QStringLiteral("ids"), idsDone}}).toJson(QJsonDocument::Compact),
                            actor);
    if (!audit)
        return audit.error();
    result.auditId = *audit;
    Statement mark = m_ctx.prepare(QStringLiteral("UPDATE audit_log SET undone_by = ? WHERE id = ?"));
    mark.addBindValue(result.auditId);
    mark.addBindValue(auditId);
    if (auto s = exec(mark, QStringLiteral("marking the action undone")); !s)
        return s.error();
    if (auto s = tx.commit(); !s)
        return s.error();
    return result;
}

Result<QList<AuditEntry>> StoreCore::auditForMessage(qint64 messageId)
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT a.id, a.at, a.actor, a.action, a.selection, a.affected, a.details FROM audit_log a "
                                         "JOIN action_journal j ON j.audit_id = a.id WHERE j.message_id = ? ORDER BY a.id"));
    q.addBindValue(messageId);
    if (auto s = exec(q, QStringLiteral("reading the message's audit history")); !s)
        return s.error();
    QList<AuditEntry> out;
    while (q.next())
        out << AuditEntry{q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString(),    q.value(3).toString(),
                          q.value(4).toString(),   q.value(5).toLongLong(), q.value(6).toByteArray()};
    return out;
}

} // namespace herald

// ---- cleanup ---------------------------------------------------------------------------------

namespace herald {

Result<QList<StoreCore::CleanupTarget>> StoreCore::cleanupTargets(const RetentionPolicy &policy)
{
    auto all = queues();
    if (!all)
        return all.error();
    QList<CleanupTarget> out;
    bool found = policy.queue.isEmpty();
    const qint64 t = m_ctx.now();
    for (const QueueConfig &q : *all) {
        if (!policy.queue.isEmpty() && q.name != policy.queue)
            continue;
        found = true;
        auto id = queueId(q.name);
        if (!id)
            return id.error();
        const std::pair<MessageState, std::optional<qint64>> rules[] = {
            {MessageState::Completed, policy.completedOlderThanMs ? policy.completedOlderThanMs : q.retainCompletedMs},
            {MessageState::Failed, policy.failedOlderThanMs ? policy.failedOlderThanMs : q.retainFailedMs},
            {MessageState::Cancelled, policy.cancelledOlderThanMs ? policy.cancelledOlderThanMs : q.retainCancelledMs}};
        for (const auto &[state, keep] : rules) {
            if (!keep)
                continue;
            if (*keep <= 0)
                return Error::badInput(QStringLiteral("a retention of %1 for %2 messages of queue '%3' is not positive; give a duration such as 7d")
                                           .arg(formatDuration(*keep), stateName(state), q.name));
            out << CleanupTarget{*id, q.name, state, t - *keep};
        }
    }
    if (!found)
        return Error::notFound(QStringLiteral("queue '%1' does not exist; see `heraldctl queue list`").arg(policy.queue));
    for (const auto &keep : {policy.outboxOlderThanMs, policy.auditOlderThanMs, policy.emailEventsOlderThanMs})
        if (keep && *keep <= 0)
            return Error::badInput(QStringLiteral("a retention must be positive; give a duration such as 30d"));
    return out;
}

Result<CleanupCounts> StoreCore::previewCleanup(const RetentionPolicy &policy)
{
    auto targets = cleanupTargets(policy);
    if (!targets)
        return targets.error();
    CleanupCounts c;
    for (const CleanupTarget &target : *targets) {
        Statement q = m_ctx.prepare(QStringLiteral("SELECT COUNT(*), MIN(finished_at), MAX(finished_at), "
                                             "COALESCE(SUM(LENGTH(payload) + LENGTH(labels) + LENGTH(recipient) + 200), 0) "
                                             "FROM messages WHERE queue_id = ? AND state = ? AND finished_at < ?"));
        q.addBindValue(target.queueId);
        q.addBindValue(int(target.state));
        q.addBindValue(target.cutoff);
        if (auto s = exec(q, QStringLiteral("previewing the cleanup")); !s)
            return s.error();
        if (!q.next() || q.value(0).toLongLong() == 0)
            continue;
        c.messages[target.queue][target.state] = q.value(0).toLongLong();
        const qint64 oldest = q.value(1).toLongLong(), newest = q.value(2).toLongLong();
        c.oldest = c.oldest ? std::min(*c.oldest, oldest) : oldest;
        c.newest = c.newest ? std::max(*c.newest, newest) : newest;
        c.approxBytes += q.value(3).toLongLong();
    }
    const qint64 t = m_ctx.now();
    // Rows older than a limit in one table: how many, and roughly how many bytes (sizeExpr per row).
    const auto older = [&](const std::optional<qint64> &limitMs, const QString &table, const QString &column, const QString &sizeExpr,
                           const QString &what, qint64 &count) -> Status {
        if (!limitMs)
            return {};
        Statement q = m_ctx.prepare(QStringLiteral("SELECT COUNT(*), COALESCE(SUM(%1), 0) FROM %2 WHERE %3 < ?").arg(sizeExpr, table, column));
        q.addBindValue(t - *limitMs);
        if (auto s = exec(q, QStringLiteral("previewing the %1 cleanup").arg(what)); !s)
            return s.error();
        if (q.next()) {
            count = q.value(0).toLongLong();
            c.approxBytes += q.value(1).toLongLong();
        }
        return {};
    };
    if (auto s = older(policy.outboxOlderThanMs, QStringLiteral("outbox"), QStringLiteral("created_at"), QStringLiteral("LENGTH(rendered) + 100"),
                       QStringLiteral("outbox"), c.outbox);
        !s)
        return s.error();
    if (auto s = older(policy.emailEventsOlderThanMs, QStringLiteral("email_events"), QStringLiteral("occurred_at"),
                       QStringLiteral("LENGTH(raw) + 100"), QStringLiteral("e-mail events"), c.emailEvents);
        !s)
        return s.error();
    // The audit log's size is left out of the estimate, as before: its rows are small.
    if (auto s = older(policy.auditOlderThanMs, QStringLiteral("audit_log"), QStringLiteral("at"), QStringLiteral("0"), QStringLiteral("audit log"),
                       c.audit);
        !s)
        return s.error();
    return c;
}

Result<CleanupResult> StoreCore::runCleanup(const RetentionPolicy &policy, const CleanupOptions &options, const ActionProgress &progress)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    auto preview = previewCleanup(policy);
    if (!preview)
        return preview.error();
    auto targets = cleanupTargets(policy);
    if (!targets)
        return targets.error();
    const qint64 total = preview->messageTotal() + preview->outbox + preview->audit + preview->emailEvents;
    CleanupResult result;

    // The archive: a Herald store of its own (same schema), attached to this connection; or JSON Lines.
    // An archive this run created, when the run fails before a chunk was archived (the disk full at once,
    // say), is removed again, so no stub is left behind.
    const bool archiveExisted = !options.archivePath.isEmpty() && QFileInfo::exists(options.archivePath);
    bool finished = false;
    const auto removeStub = qScopeGuard([&] {
        if (finished || options.archivePath.isEmpty() || archiveExisted || result.archived > 0)
            return;
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm"), QStringLiteral("-journal")})
            QFile::remove(options.archivePath + suffix);
    });
    QFile jsonl;
    bool attached = false;
    if (!options.archivePath.isEmpty()) {
        if (options.archiveAsJsonLines) {
            jsonl.setFileName(options.archivePath);
            if (!jsonl.open(QIODevice::WriteOnly | QIODevice::Append))
                return Error::badInput(QStringLiteral("archive '%1' cannot be written: %2; nothing was deleted").arg(options.archivePath, jsonl.errorString()));
        } else {
            if (!m_ctx.backend->capabilities().fileBased)
                return Error::badInput(QStringLiteral("archive '%1': a store-file archive is written beside SQLite stores only; archive as JSON "
                                                      "Lines (a .jsonl file) from this store; nothing was deleted")
                                           .arg(options.archivePath));
            if (QFileInfo(options.archivePath).absoluteFilePath() == QFileInfo(m_ctx.url.sqlitePath()).absoluteFilePath())
                return Error::badInput(QStringLiteral("the archive cannot be the store itself"));
            {
                auto archive = Store::open(StoreUrl::sqlite(options.archivePath));
                if (!archive)
                    return Error::badInput(QStringLiteral("archive '%1': %2; nothing was deleted").arg(options.archivePath, archive.errorString()));
            }
            QSqlQuery attach(m_ctx.db);
            attach.prepare(QStringLiteral("ATTACH DATABASE ? AS archive"));
            attach.addBindValue(QFileInfo(options.archivePath).absoluteFilePath());
            if (!attach.exec())
                return Error::badInput(QStringLiteral("archive '%1' cannot be attached: %2; nothing was deleted")
                                           .arg(options.archivePath, attach.lastError().text()));
            attached = true;
        }
    }
    const auto detach = qScopeGuard([&] {
        jsonl.close();
        if (attached) {
            m_ctx.dropStatements(); // statements may name the archive
            QSqlQuery q(m_ctx.db);
            q.exec(QStringLiteral("DETACH DATABASE archive"));
        }
    });

    qint64 done = 0;
    const auto cancelled = [&] { return progress.cancel && progress.cancel->load(); };
    const auto betweenChunks = [this] {
        // Best effort: a checkpoint that cannot run now runs at the next chunk or at SQLite's own threshold.
        if (const QString sql = m_ctx.backend->betweenBulkChunks(); !sql.isEmpty()) {
            QSqlQuery q(m_ctx.db);
            q.exec(sql);
            q.finish();
        }
    };
    for (const CleanupTarget &target : *targets) {
        for (;;) {
            if (cancelled()) {
                result.cancelled = true;
                break;
            }
            QList<qint64> ids;
            {
                Statement pick = m_ctx.prepare(QStringLiteral("SELECT id FROM messages WHERE queue_id = ? AND state = ? AND finished_at < ? ORDER BY id LIMIT ?"));
                pick.addBindValue(target.queueId);
                pick.addBindValue(int(target.state));
                pick.addBindValue(target.cutoff);
                pick.addBindValue(kCleanupChunk);
                if (auto s = exec(pick, QStringLiteral("choosing messages to remove")); !s)
                    return s.error();
                while (pick.next())
                    ids << pick.value(0).toLongLong();
            }
            if (ids.isEmpty())
                break;
            const QVariant idList = m_ctx.backend->idListValue(ids);
            if (jsonl.isOpen()) {
                // Written and flushed before the delete: what is archived is exactly what is deleted.
                MessagePageRequest page;
                page.selection.ids = ids;
                page.limit = int(ids.size());
                auto rows = listMessages(page);
                if (!rows)
                    return rows.error();
                for (const Message &m : *rows)
                    jsonl.write(QJsonDocument(messageToJson(m)).toJson(QJsonDocument::Compact) + '\n');
                if (!jsonl.flush() || jsonl.error() != QFileDevice::NoError)
                    return Error::runtime(QStringLiteral("archive '%1' could not be written (%2); the cleanup stopped and this chunk was not deleted")
                                              .arg(options.archivePath, jsonl.errorString()));
            }
            WriteTransaction tx(m_ctx);
            if (auto s = tx.begin(); !s)
                return s.error();
            if (attached) {
                for (const QString &sql : QStringList{
                         QStringLiteral("INSERT OR IGNORE INTO archive.queues SELECT * FROM main.queues WHERE id = ?"),
                      QStringLiteral("INSERT OR REPLACE INTO archive.messages SELECT * FROM main.messages WHERE ") +
                          m_ctx.backend->idListCondition(QStringLiteral("id")),
                      QStringLiteral("INSERT OR REPLACE INTO archive.message_labels SELECT * FROM main.message_labels WHERE ") +
                          m_ctx.backend->idListCondition(QStringLiteral("message_id")),
                      QStringLiteral("INSERT OR REPLACE INTO archive.attempts SELECT * FROM main.attempts WHERE ") +
                          m_ctx.backend->idListCondition(QStringLiteral("message_id"))}) {
                    Statement q = m_ctx.prepare(sql);
                    q.addBindValue(sql.contains(QLatin1String("queues")) ? QVariant(target.queueId) : idList);
                    if (auto s = exec(q, QStringLiteral("archiving messages")); !s)
                        return Error::runtime(s.errorString() + QStringLiteral("; the cleanup stopped and this chunk was not deleted"));
                }
            }
            Statement del = m_ctx.prepare(QStringLiteral("DELETE FROM messages WHERE ") + m_ctx.backend->idListCondition(QStringLiteral("id")));
            del.addBindValue(idList);
            if (auto s = exec(del, QStringLiteral("removing messages")); !s)
                return s.error();
            if (auto s = tx.commit(); !s)
                return s.error();
            betweenChunks();
            result.removed.messages[target.queue][target.state] += ids.size();
            if (!options.archivePath.isEmpty())
                result.archived += ids.size();
            done += ids.size();
            if (progress.report)
                progress.report(done, total);
        }
        if (result.cancelled)
            break;
    }
    const qint64 t = m_ctx.now();
    const auto sweep = [&](const QString &table, const QString &timeColumn, qint64 cutoff, qint64 &counter) -> Status {
        for (;;) {
            if (cancelled()) {
                result.cancelled = true;
                return {};
            }
            WriteTransaction tx(m_ctx);
            if (auto s = tx.begin(); !s)
                return s;
            Statement del = m_ctx.prepare(QStringLiteral("DELETE FROM %1 WHERE id IN (SELECT id FROM %1 WHERE %2 < ? ORDER BY id LIMIT ?)").arg(table, timeColumn));
            del.addBindValue(cutoff);
            del.addBindValue(kCleanupChunk);
            if (auto s = exec(del, QStringLiteral("removing old %1 rows").arg(table)); !s)
                return s;
            const int n = del.numRowsAffected();
            del.finish();
            if (auto s = tx.commit(); !s)
                return s;
            betweenChunks();
            counter += n;
            done += n;
            if (progress.report)
                progress.report(done, total);
            if (n < kCleanupChunk)
                return {};
        }
    };
    if (!result.cancelled && policy.outboxOlderThanMs)
        if (auto s = sweep(QStringLiteral("outbox"), QStringLiteral("created_at"), t - *policy.outboxOlderThanMs, result.removed.outbox); !s)
            return s.error();
    // Raw events only: the rollups the charts and rates read stay whole.
    if (!result.cancelled && policy.emailEventsOlderThanMs)
        if (auto s = sweep(QStringLiteral("email_events"), QStringLiteral("occurred_at"), t - *policy.emailEventsOlderThanMs, result.removed.emailEvents); !s)
            return s.error();
    if (!result.cancelled && policy.auditOlderThanMs)
        if (auto s = sweep(QStringLiteral("audit_log"), QStringLiteral("at"), t - *policy.auditOlderThanMs, result.removed.audit); !s)
            return s.error();
    if (options.vacuum && !result.cancelled) {
        const auto size = [this]() -> qint64 {
            QSqlQuery q(m_ctx.db);
            const qint64 n = q.exec(m_ctx.backend->storeSize()) && q.next() ? q.value(0).toLongLong() : 0;
            q.finish();
            return n;
        };
        const qint64 before = size();
        m_ctx.dropStatements(); // VACUUM wants no statement open
        QSqlQuery vacuum(m_ctx.db);
        if (!vacuum.exec(m_ctx.backend->reclaimSpace()))
            return sqlError(QStringLiteral("reclaiming space"), vacuum.lastError());
        result.bytesReclaimed = std::max<qint64>(0, before - size());
    }
    QJsonObject details{{QStringLiteral("messages"), result.removed.messageTotal()},
                        {QStringLiteral("outbox"), result.removed.outbox},
                        {QStringLiteral("audit"), result.removed.audit},
                        {QStringLiteral("email_events"), result.removed.emailEvents},
                        {QStringLiteral("archived"), result.archived},
                        {QStringLiteral("cancelled"), result.cancelled}};
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s.error();
    if (auto s = m_ctx.writeAudit(QStringLiteral("cleanup"), policy.queue.isEmpty() ? QStringLiteral("all queues") : QStringLiteral("queue ") + policy.queue,
                            result.removed.messageTotal(), QJsonDocument(details).toJson(QJsonDocument::Compact), {});
        !s)
        return s.error();
    if (auto s = tx.commit(); !s)
        return s.error();
    finished = true;
    return result;
}


// ---- cleanup schedule and runs; engines on a shared store ------------------------------------

Result<CleanupScheduleSettings> StoreCore::cleanupSchedule()
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT key, value FROM settings WHERE key LIKE 'cleanup.%'"));
    if (auto s = exec(q, QStringLiteral("reading the cleanup schedule")); !s)
        return s.error();
    CleanupScheduleSettings out;
    out.dailyAt = QTime(3, 30);
    while (q.next()) {
        const QString key = q.value(0).toString();
        const QString value = q.value(1).toString();
        if (key == kDailyAt) {
            const QTime t = QTime::fromString(value, QStringLiteral("HH:mm"));
            out.dailyAt = t.isValid() ? std::optional<QTime>(t) : std::nullopt; // "off"
        } else if (key == kOutbox) {
            out.outboxOlderThanMs = positiveOrNone(value);
        } else if (key == kAudit) {
            out.auditOlderThanMs = positiveOrNone(value);
        } else if (key == kEmailEvents) {
            out.emailEventsOlderThanMs = positiveOrNone(value);
        } else if (key == kChangedAt) {
            out.changedAt = value.toLongLong();
        }
    }
    return out;
}

Status StoreCore::setCleanupSchedule(const CleanupScheduleSettings &settings)
{
    const std::pair<QString, std::optional<qint64>> ages[] = {
        {QStringLiteral("outbox"), settings.outboxOlderThanMs},
        {QStringLiteral("audit log"), settings.auditOlderThanMs},
        {QStringLiteral("e-mail events"), settings.emailEventsOlderThanMs}};
    for (const auto &[what, age] : ages)
        if (age && *age <= 0)
            return Error::badInput(QStringLiteral("the scheduled cleanup's %1 age of %2 is not positive; give a duration such as 30d, or none")
                                       .arg(what, formatDuration(*age)));
    if (settings.dailyAt && !settings.dailyAt->isValid())
        return Error::badInput(QStringLiteral("the cleanup time is not a valid time of day; give HH:MM such as 03:30, or off"));
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    const auto age = [](const std::optional<qint64> &v) { return v ? QString::number(*v) : QStringLiteral("none"); };
    const std::pair<QString, QString> rows[] = {
        {kDailyAt, settings.dailyAt ? settings.dailyAt->toString(QStringLiteral("HH:mm")) : QStringLiteral("off")},
        {kOutbox, age(settings.outboxOlderThanMs)},
        {kAudit, age(settings.auditOlderThanMs)},
        {kEmailEvents, age(settings.emailEventsOlderThanMs)},
        {kChangedAt, QString::number(m_ctx.now())}};
    for (const auto &[key, value] : rows) {
        Statement q = m_ctx.prepare(QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
        q.addBindValue(key);
        q.addBindValue(value);
        if (auto s = exec(q, QStringLiteral("storing the cleanup schedule")); !s)
            return s;
    }
    return tx.commit();
}

Result<qint64> StoreCore::beginCleanupRun(const QString &trigger)
{
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s.error();
    Statement q = m_ctx.prepare(QStringLiteral("INSERT INTO cleanup_runs (trigger, started_at) VALUES (?, ?)") + m_ctx.backend->returningId());
    q.addBindValue(trigger);
    q.addBindValue(m_ctx.now());
    if (auto s = exec(q, QStringLiteral("recording the start of a cleanup run")); !s)
        return s.error();
    const qint64 id = m_ctx.insertedId(q);
    q.finish();
    if (auto s = tx.commit(); !s)
        return s.error();
    return id;
}

Status StoreCore::finishCleanupRun(qint64 runId, const CleanupResult &result, const QString &error)
{
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    Statement q = m_ctx.prepare(QStringLiteral("UPDATE cleanup_runs SET finished_at = ?, messages = ?, outbox = ?, audit = ?, email_events = ?, "
                                         "archived = ?, bytes_reclaimed = ?, cancelled = ?, error = ? WHERE id = ?"));
    const QVariantList binds{m_ctx.now(),
                             result.removed.messageTotal(),
                             result.removed.outbox,
                             result.removed.audit,
                             result.removed.emailEvents,
                             result.archived,
                             result.bytesReclaimed,
                             result.cancelled ? 1 : 0,
                             error.isEmpty() ? QVariant(QMetaType(QMetaType::QString)) : QVariant(error),
                             runId};
    for (const QVariant &b : binds)
        q.addBindValue(b);
    if (auto s = exec(q, QStringLiteral("recording the end of cleanup run %1").arg(runId)); !s)
        return s;
    if (q.numRowsAffected() == 0)
        return Error::notFound(QStringLiteral("cleanup run %1 is not recorded; it cannot be finished").arg(runId));
    q.finish();
    return tx.commit();
}

Result<QList<CleanupRun>> StoreCore::cleanupRuns(int limit, const QString &trigger)
{
    Statement q = m_ctx.prepare(trigger.isEmpty()
                              ? QStringLiteral("SELECT %1 FROM cleanup_runs ORDER BY id DESC LIMIT ?").arg(kRunColumns)
                              : QStringLiteral("SELECT %1 FROM cleanup_runs WHERE trigger = ? ORDER BY id DESC LIMIT ?").arg(kRunColumns));
    if (!trigger.isEmpty())
        q.addBindValue(trigger);
    q.addBindValue(std::max(1, limit));
    if (auto s = exec(q, QStringLiteral("reading the cleanup runs")); !s)
        return s.error();
    QList<CleanupRun> out;
    while (q.next()) {
        CleanupRun r;
        r.id = q.value(0).toLongLong();
        r.trigger = q.value(1).toString();
        r.startedAt = q.value(2).toLongLong();
        if (!q.value(3).isNull())
            r.finishedAt = q.value(3).toLongLong();
        r.messages = q.value(4).toLongLong();
        r.outbox = q.value(5).toLongLong();
        r.audit = q.value(6).toLongLong();
        r.emailEvents = q.value(7).toLongLong();
        r.archived = q.value(8).toLongLong();
        r.bytesReclaimed = q.value(9).toLongLong();
        r.cancelled = q.value(10).toInt() != 0;
        r.error = q.value(11).toString();
        out << r;
    }
    return out;
}

Result<qint64> StoreCore::finishSyntheticMessages(const QString &queueName, MessageState state, qint64 finishedAt, qint64 count)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    if (!isTerminal(state))
        return Error::badInput(QStringLiteral("synthetic messages can only be finished as completed, failed or cancelled"));
    auto qid = queueId(queueName);
    if (!qid)
        return qid.error();
    constexpr qint64 kChunk = 100'000;
    qint64 done = 0;
    while (done < count) {
        WriteTransaction tx(m_ctx);
        if (auto s = tx.begin(); !s)
            return s.error();
        Statement q = m_ctx.prepare(QStringLiteral(
            "UPDATE messages SET state = ?, finished_at = ?, updated_at = ?, attempts = 1 WHERE id IN "
            "(SELECT id FROM messages WHERE queue_id = ? AND state = ? AND type = 'synthetic' ORDER BY id LIMIT ?)"));
        const QVariantList binds{int(state), finishedAt, finishedAt, *qid, int(MessageState::Scheduled), std::min(kChunk, count - done)};
        for (const QVariant &b : binds)
            q.addBindValue(b);
        if (auto s = exec(q, QStringLiteral("finishing synthetic messages")); !s)
            return s.error();
        const int n = q.numRowsAffected();
        q.finish();
        if (auto s = tx.commit(); !s)
            return s.error();
        done += n;
        if (n == 0)
            break;
    }
    return done;
}

// ---- engines on a shared store --------------------------------------------------------------


Status StoreCore::heartbeat(const EngineInfo &engine)
{
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    const qint64 t = m_ctx.now();
    Statement q = m_ctx.prepare(QStringLiteral("INSERT INTO engines (id, host, pid, version, started_at, heartbeat_at, in_flight) VALUES (?, ?, ?, ?, ?, ?, ?) "
                                         "ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, in_flight = excluded.in_flight"));
    for (const QVariant &v : QVariantList{engine.id, engine.host, engine.pid, engine.version, engine.startedAt > 0 ? engine.startedAt : t, t, engine.inFlight})
        q.addBindValue(v);
    if (auto s = exec(q, QStringLiteral("renewing the engine's heartbeat")); !s)
        return s;
    q.finish();
    Statement gone = m_ctx.prepare(QStringLiteral("DELETE FROM engines WHERE heartbeat_at < ?"));
    gone.addBindValue(t - 3'600'000);
    if (auto s = exec(gone, QStringLiteral("forgetting silent engines")); !s)
        return s;
    gone.finish();
    return tx.commit();
}

Status StoreCore::unregisterEngine(const QString &id)
{
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    Statement q = m_ctx.prepare(QStringLiteral("DELETE FROM engines WHERE id = ?"));
    q.addBindValue(id);
    if (auto s = exec(q, QStringLiteral("unregistering the engine")); !s)
        return s;
    q.finish();
    return tx.commit();
}

Result<QList<Store::EngineInfo>> StoreCore::liveEngines(qint64 withinMs)
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT id, host, pid, version, started_at, heartbeat_at, in_flight FROM engines WHERE heartbeat_at >= ? "
                                         "ORDER BY started_at, id"));
    q.addBindValue(m_ctx.now() - withinMs);
    if (auto s = exec(q, QStringLiteral("reading the engines")); !s)
        return s.error();
    QList<EngineInfo> out;
    while (q.next())
        out << EngineInfo{q.value(0).toString(),    q.value(1).toString(),    q.value(2).toLongLong(), q.value(3).toString(),
                          q.value(4).toLongLong(), q.value(5).toLongLong(), q.value(6).toInt()};
    return out;
}

Result<bool> StoreCore::tryLead(const QString &name, const QString &holder, qint64 leaseMs)
{
    if (!m_ctx.backend->capabilities().sharedStore())
        return true;
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s.error();
    const qint64 t = m_ctx.now();
    Statement take = m_ctx.prepare(QStringLiteral(
        "INSERT INTO leader (name, holder, term, until_at) VALUES (?, ?, 1, ?) ON CONFLICT (name) DO UPDATE SET "
        "term = leader.term + CASE WHEN leader.holder = excluded.holder THEN 0 ELSE 1 END, holder = excluded.holder, "
        "until_at = excluded.until_at WHERE leader.holder = excluded.holder OR leader.until_at < ?"));
    for (const QVariant &v : QVariantList{name, holder, t + leaseMs, t})
        take.addBindValue(v);
    if (auto s = exec(take, QStringLiteral("taking the %1 lease").arg(name)); !s)
        return s.error();
    take.finish();
    Statement read = m_ctx.prepare(QStringLiteral("SELECT holder FROM leader WHERE name = ?"));
    read.addBindValue(name);
    if (auto s = exec(read, QStringLiteral("reading the %1 lease").arg(name)); !s)
        return s.error();
    const bool leads = read.next() && read.value(0).toString() == holder;
    read.finish();
    if (auto s = tx.commit(); !s)
        return s.error();
    return leads;
}


} // namespace herald
