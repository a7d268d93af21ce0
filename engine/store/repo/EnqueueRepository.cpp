// Enqueueing: every queue and channel checked before the first write, then one transaction per chunk;
// runs without a dedupe key go in as one statement from one bound JSON array (DESIGN §1: none lost).
#include "store/repo/EnqueueRepository.h"

#include "store/repo/ChannelRepository.h"
#include "store/repo/QueueRepository.h"
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

using storesql::appendJsonString;
using storesql::exec;
using storesql::sqlError;
using namespace storerows;

// ---- SQL
const QString kIdByDedupeKey = QStringLiteral("SELECT id FROM messages WHERE queue_id = ? AND dedupe_key = ?");
const QString kInsertLabel = QStringLiteral("INSERT INTO message_labels (message_id, \"key\", value) VALUES (?, ?, ?)");
// One label for many messages; the backend's id list condition follows.
const QString kInsertSharedLabel = QStringLiteral("INSERT INTO message_labels (message_id, \"key\", value) SELECT id, ?, ? FROM messages WHERE ");
constexpr qsizetype kSharedLabel = 32; // messages of a run sharing a label that get it by one statement
// INSERT … WITH …, not WITH … INSERT (which MariaDB lacks).
QString insertSynthetic(const Backend &b)
{
    return QStringLiteral(
               "INSERT INTO messages (queue_id, type, channel, recipient, payload, labels, priority, state, run_at, created_at, updated_at, "
               "max_attempts) WITH RECURSIVE seq(n) AS (SELECT %1 UNION ALL SELECT n + 1 FROM seq WHERE n + 1 < ?) "
               "SELECT ?, 'synthetic', ?, '+1555' || (1000000 + n), '{\"n\":' || n || '}', '{}', 1 + n % 10, ?, ? + n * ?, ?, ?, ? "
               "FROM seq")
        .arg(b.castInteger(QStringLiteral("?")));
}

} // namespace

Result<Store::EnqueueOutcome> EnqueueRepository::enqueue(const NewMessage &message)
{
    auto bulk = enqueueBulk({message}, 1);
    if (!bulk)
        return bulk.error();
    return bulk->items.front();
}

Result<Store::BulkOutcome> EnqueueRepository::enqueueBulk(const QList<NewMessage> &messages, int chunkSize)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    if (chunkSize < 1)
        return Error::badInput(QStringLiteral("chunk size %1 must be at least 1").arg(chunkSize));

    auto checked = checkBeforeWriting(messages);
    if (!checked)
        return checked.error();
    const QHash<QString, QueueDefaults> &queues = *checked;

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
                Statement existing = m_ctx.prepare(kIdByDedupeKey);
                existing.bindValue(0, d.id);
                existing.bindValue(1, m.dedupeKey);
                if (auto s = exec(existing, QStringLiteral("looking up a dedupe key")); !s)
                    return s.error();
                const qint64 existingId = existing.next() ? existing.value(0).toLongLong() : 0;
                chunkItems << EnqueueOutcome{existingId, true};
                continue;
            }
            if (auto s = insertLabels(id, m.labels); !s)
                return s.error();
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

Status EnqueueRepository::insertLabels(qint64 messageId, const Labels &labels)
{
    Statement label = m_ctx.prepare(kInsertLabel);
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        label.bindValue(0, messageId);
        label.bindValue(1, it.key());
        label.bindValue(2, it.value());
        if (auto s = exec(label, QStringLiteral("storing labels")); !s)
            return s;
    }
    return {};
}

Result<QHash<QString, EnqueueRepository::QueueDefaults>> EnqueueRepository::checkBeforeWriting(const QList<NewMessage> &messages)
{
    // Every queue resolved, and every message and channel checked, before the first write.
    QHash<QString, QueueDefaults> queues;
    for (const NewMessage &m : messages) {
        if (queues.contains(m.queue))
            continue;
        auto c = QueueRepository(m_ctx).queue(m.queue);
        if (!c)
            return c.error();
        auto id = QueueRepository(m_ctx).queueId(m.queue);
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
        if (auto s = ChannelRepository(m_ctx).requireChannel(name); !s)
            return s.error();

    return queues;
}

Result<QList<qint64>> EnqueueRepository::insertInTransaction(const QList<NewMessage> &messages, qint64 t)
{
    if (messages.isEmpty())
        return QList<qint64>{};
    for (const NewMessage &m : messages)
        if (!m.dedupeKey.isEmpty())
            return Error::runtime(QStringLiteral("insertInTransaction takes messages without a dedupe key"));
    auto queues = checkBeforeWriting(messages);
    if (!queues)
        return queues.error();
    auto ids = insertRun(messages, 0, messages.size(), t, *queues);
    if (!ids)
        return ids.error();
    QSet<QString> touched;
    for (const NewMessage &m : messages)
        touched.insert(m.queue);
    if (auto s = m_ctx.notifyEngines(touched); !s)
        return s.error();
    return ids;
}

Result<QList<qint64>> EnqueueRepository::insertRun(const QList<NewMessage> &messages, qsizetype from, qsizetype to, qint64 t,
                                const QHash<QString, QueueDefaults> &queues)
{
    // One array per message: queue_id, type, channel, recipient, payload, labels, priority, state, run_at,
    // max_attempts.
    QByteArray rows;
    qsizetype expected = 2;
    for (qsizetype i = from; i < to; ++i)
        expected += messages[i].payload.size() * 5 / 4 + 64 * (messages[i].labels.size() + 2);
    rows.reserve(expected);
    rows += '[';
    bool anyLabels = false;
    qsizetype labelCount = 0;
    QByteArray labelsText; // one message's labels as a JSON object, reused
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
            labelCount += m.labels.size();
            // What labelsJson writes (keys in order), without a QJsonObject per message.
            labelsText.resize(0);
            labelsText += '{';
            for (auto it = m.labels.cbegin(); it != m.labels.cend(); ++it) {
                if (it != m.labels.cbegin())
                    labelsText += ',';
                appendJsonString(labelsText, it.key());
                labelsText += ':';
                appendJsonString(labelsText, it.value());
            }
            labelsText += '}';
            appendJsonString(rows, QByteArrayView(labelsText));
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
        const qint64 reported = insert.lastInsertId().toLongLong();
        for (qint64 id = m_ctx.backend->capabilities().insertIdIsFirstRow ? reported : reported - n + 1; ids.size() < n; ++id)
            ids << id;
    }
    insert.finish();
    if (ids.size() != n)
        return Error::runtime(QStringLiteral("store: enqueueing %1 messages inserted %2; nothing was stored").arg(n).arg(ids.size()));
    if (!anyLabels)
        return ids;
    // A label many messages of the run share (the event and plan of an event plan, a campaign) goes in
    // with one statement from their ids; the others from one bound JSON array of [id, key, value]. The
    // JSON costs SQLite more to read than the rows cost it to write.
    QHash<std::pair<QString, QString>, QList<qint64>> byLabel;
    for (qsizetype i = from; i < to; ++i) {
        const Labels &l = messages[i].labels;
        for (auto it = l.cbegin(); it != l.cend(); ++it)
            byLabel[{it.key(), it.value()}] << ids.at(i - from);
    }
    QByteArray labels;
    labels.reserve(labelCount * 48 + 2);
    labels += '[';
    for (auto group = byLabel.cbegin(); group != byLabel.cend(); ++group) {
        if (group->size() >= kSharedLabel) {
            Statement shared = m_ctx.prepare(kInsertSharedLabel + m_ctx.backend->idListCondition(QStringLiteral("id")));
            shared.addBindValue(group.key().first);
            shared.addBindValue(group.key().second);
            shared.addBindValue(m_ctx.backend->idListValue(*group));
            if (auto s = exec(shared, QStringLiteral("storing labels")); !s)
                return s.error();
            continue;
        }
        for (qint64 id : *group) {
            if (labels.size() > 1)
                labels += ',';
            labels += '[';
            labels += QByteArray::number(id);
            labels += ',';
            appendJsonString(labels, group.key().first);
            labels += ',';
            appendJsonString(labels, group.key().second);
            labels += ']';
        }
    }
    labels += ']';
    if (labels.size() == 2)
        return ids;
    Statement label = m_ctx.prepare(QStringLiteral("INSERT INTO message_labels (message_id, \"key\", value) SELECT ") + m_ctx.backend->jsonArrayRows(QStringLiteral("itt")));
    label.addBindValue(QString::fromUtf8(labels));
    if (auto s = exec(label, QStringLiteral("storing labels")); !s)
        return s.error();
    return ids;
}

Result<qint64> EnqueueRepository::insertSyntheticMessages(const QString &queueName, qint64 count, qint64 firstRunAt, qint64 spacingMs)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    if (count < 0)
        return Error::badInput(QStringLiteral("cannot insert %1 messages").arg(count));
    auto config = QueueRepository(m_ctx).queue(queueName);
    if (!config)
        return config.error();
    auto qid = QueueRepository(m_ctx).queueId(queueName);
    if (!qid)
        return qid.error();
    constexpr qint64 kChunk = 100'000;
    Statement insert = m_ctx.prepare(insertSynthetic(*m_ctx.backend));
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

} // namespace herald
