// Reads of messages, counts and the audit log: keyset pages (never OFFSET over the table), page anchors,
// selections as WHERE clauses with bound values, and the per-state counters.
#include "store/repo/MessageReads.h"

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
#include <QHash>
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
const QString kAttempts = QStringLiteral(
    "SELECT number, started_at, finished_at, outcome, error, response_code, worker "
    "FROM attempts WHERE message_id = ? ORDER BY number, id");
const QString kAuditLog = QStringLiteral("SELECT id, at, actor, action, selection, affected, details FROM audit_log ORDER BY id DESC LIMIT ?");

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

Result<Message> MessageReads::message(qint64 id)
{
    Statement q = m_ctx.prepare(QStringLiteral("SELECT ") + kMessageColumns + kMessageFrom + QStringLiteral("WHERE m.id = ?"));
    q.addBindValue(id);
    if (auto s = exec(q, QStringLiteral("reading message")); !s)
        return s.error();
    if (!q.next())
        return Error::notFound(QStringLiteral("no message with id %1; see `heraldctl list`").arg(id));
    return readMessage(q);
}

Result<QList<Attempt>> MessageReads::attempts(qint64 messageId)
{
    Statement q = m_ctx.prepare(kAttempts);
    q.addBindValue(messageId);
    if (auto s = exec(q, QStringLiteral("reading attempts")); !s)
        return s.error();
    QList<Attempt> out;
    while (q.next())
        out << Attempt{q.value(0).toInt(),      q.value(1).toLongLong(), optionalInt(q.value(2)), q.value(3).toString(),
                       q.value(4).toString(),   q.value(5).toInt(),      q.value(6).toString()};
    return out;
}

QString MessageReads::selectionWhere(const MessageSelection &sel, QVariantList &binds, qint64 queueIdValue) const
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
    // A failure group: its stored id, or — for failures recorded before groups were stored — one of the
    // exact texts it folds (any number of them in one bound value, as bulk inserts bind their rows).
    QString lastErrorIn;
    if (!sel.lastErrors.isEmpty()) {
        QJsonArray texts;
        for (const QString &e : sel.lastErrors)
            texts.append(QJsonArray{e});
        lastErrorIn = QStringLiteral("m.last_error IN (SELECT ") + m_ctx.backend->jsonArrayRows(QStringLiteral("t")) + QLatin1Char(')');
        if (!sel.failureGroup.isEmpty()) {
            where << QStringLiteral("(m.failure_group = ? OR (m.failure_group IS NULL AND %1))").arg(lastErrorIn);
            binds << sel.failureGroup;
        } else {
            where << lastErrorIn;
        }
        binds << QString::fromUtf8(QJsonDocument(texts).toJson(QJsonDocument::Compact));
    } else if (!sel.failureGroup.isEmpty()) {
        where << QStringLiteral("m.failure_group = ?");
        binds << sel.failureGroup;
    }
    for (auto it = sel.labels.cbegin(); it != sel.labels.cend(); ++it) {
        where << QStringLiteral("m.id IN (SELECT message_id FROM message_labels WHERE \"key\" = ? AND value = ?)");
        binds << it.key() << it.value();
    }
    return where.isEmpty() ? QStringLiteral("1 = 1") : where.join(QStringLiteral(" AND "));
}

Status MessageReads::countGroupedFailures(std::optional<qint64> finishedSince, QList<FailedErrorCount> &out)
{
    // The partial index (state, failure_group, queue_id, finished_at) of failed messages, walked one
    // (group, queue) range at a time: a seek past the last range finds the next, the range is counted
    // without reading a column, and its first and newest failures are its two ends. A GROUP BY read
    // four columns of every failed message instead (about 220 ms for a million on SQLite). The failed
    // state is a literal, so that the partial index serves.
    const QString failed = QStringLiteral("FROM messages WHERE state = %1 AND ").arg(int(MessageState::Failed));
    const QString range = failed + QStringLiteral("failure_group = ? AND queue_id = ?") +
                          (finishedSince ? QStringLiteral(" AND finished_at >= ?") : QString());
    Statement first = m_ctx.prepare(QStringLiteral("SELECT failure_group, queue_id ") + failed +
                                    QStringLiteral("failure_group IS NOT NULL ORDER BY failure_group, queue_id LIMIT 1"));
    Statement next = m_ctx.prepare(QStringLiteral("SELECT failure_group, queue_id ") + failed +
                                   QStringLiteral("failure_group IS NOT NULL AND (failure_group, queue_id) > (?, ?) "
                                                  "ORDER BY failure_group, queue_id LIMIT 1"));
    Statement count = m_ctx.prepare(QStringLiteral("SELECT COUNT(*) ") + range);
    Statement earliest = m_ctx.prepare(QStringLiteral("SELECT MIN(finished_at) ") + range);
    Statement newest = m_ctx.prepare(QStringLiteral("SELECT finished_at, id ") + range + QStringLiteral(" ORDER BY finished_at DESC, id DESC LIMIT 1"));
    Statement name = m_ctx.prepare(QStringLiteral("SELECT name FROM queues WHERE id = ?"));
    const auto bindRange = [&](Statement &q, const QString &group, qint64 queueId) {
        q.addBindValue(group);
        q.addBindValue(queueId);
        if (finishedSince)
            q.addBindValue(*finishedSince);
    };
    QHash<qint64, QString> names;
    for (Statement *seek = &first;;) {
        if (auto s = exec(*seek, QStringLiteral("finding the failure groups")); !s)
            return s;
        if (!seek->next())
            break;
        const QString group = seek->value(0).toString();
        const qint64 queueId = seek->value(1).toLongLong();
        seek->finish();
        seek = &next;
        next.addBindValue(group);
        next.addBindValue(queueId);

        FailedErrorCount c;
        c.group = group;
        bindRange(count, group, queueId);
        if (auto s = exec(count, QStringLiteral("counting the failures of group %1").arg(group)); !s)
            return s;
        c.count = count.next() ? count.value(0).toLongLong() : 0;
        count.finish();
        if (c.count == 0)
            continue; // none in the range asked for
        bindRange(earliest, group, queueId);
        if (auto s = exec(earliest, QStringLiteral("reading the first failure of group %1").arg(group)); !s)
            return s;
        c.firstSeen = earliest.next() ? earliest.value(0).toLongLong() : 0;
        earliest.finish();
        bindRange(newest, group, queueId);
        if (auto s = exec(newest, QStringLiteral("reading the newest failure of group %1").arg(group)); !s)
            return s;
        if (newest.next()) {
            c.lastSeen = newest.value(0).toLongLong();
            c.lastId = newest.value(1).toLongLong();
        }
        newest.finish();
        auto known = names.constFind(queueId);
        if (known == names.cend()) {
            name.addBindValue(queueId);
            if (auto s = exec(name, QStringLiteral("reading queue %1").arg(queueId)); !s)
                return s;
            known = names.insert(queueId, name.next() ? name.value(0).toString() : QString());
            name.finish();
        }
        c.queue = *known;
        out << c;
    }
    return {};
}

Result<QList<FailedErrorCount>> MessageReads::failedErrorCounts(std::optional<qint64> finishedSince)
{
    // The failed state as a literal, so that the partial index of failed messages serves both reads.
    const QString since = finishedSince ? QStringLiteral(" AND m.finished_at >= ?") : QString();
    const auto counted = [&](const QString &key, const QString &which, QList<FailedErrorCount> &out, bool grouped) -> Status {
        // Counted by queue id, in the order of the index, and named after: grouping by the name would
        // sort every failed message.
        Statement q = m_ctx.prepare(QStringLiteral("SELECT g.k, q.name, g.n, g.first_at, g.last_at, g.last_id FROM (SELECT %1 AS k, m.queue_id, "
                                                   "COUNT(*) AS n, MIN(m.finished_at) AS first_at, MAX(m.finished_at) AS last_at, MAX(m.id) AS "
                                                   "last_id FROM messages m WHERE m.state = %2 AND %3%4 GROUP BY %1, m.queue_id) g "
                                                   "JOIN queues q ON q.id = g.queue_id")
                                        .arg(key)
                                        .arg(int(MessageState::Failed))
                                        .arg(which, since));
        if (finishedSince)
            q.addBindValue(*finishedSince);
        if (auto s = exec(q, QStringLiteral("counting failed messages by cause")); !s)
            return s;
        while (q.next()) {
            FailedErrorCount c;
            (grouped ? c.group : c.error) = q.value(0).toString();
            c.queue = q.value(1).toString();
            c.count = q.value(2).toLongLong();
            c.firstSeen = q.value(3).toLongLong();
            c.lastSeen = q.value(4).toLongLong();
            c.lastId = q.value(5).toLongLong();
            out << c;
        }
        return {};
    };
    QList<FailedErrorCount> out;
    if (auto s = countGroupedFailures(finishedSince, out); !s)
        return s.error();
    // Each group's newest error in each queue, as it was: a sample, read by id.
    if (!out.isEmpty()) {
        QList<qint64> ids;
        for (const FailedErrorCount &c : std::as_const(out))
            ids << c.lastId;
        Statement q = m_ctx.prepare(QStringLiteral("SELECT id, last_error FROM messages WHERE ") + m_ctx.backend->idListCondition(QStringLiteral("id")));
        q.addBindValue(m_ctx.backend->idListValue(ids));
        if (auto s = exec(q, QStringLiteral("reading the newest error of each failure group")); !s)
            return s.error();
        QHash<qint64, QString> errors;
        while (q.next())
            errors.insert(q.value(0).toLongLong(), q.value(1).toString());
        for (FailedErrorCount &c : out)
            c.error = errors.value(c.lastId);
    }
    if (auto s = counted(QStringLiteral("m.last_error"), QStringLiteral("m.failure_group IS NULL"), out, false); !s)
        return s.error();
    return out;
}

Result<qint64> MessageReads::resolveSelectionQueue(const MessageSelection &selection)
{
    if (selection.queue.isEmpty())
        return qint64(0);
    return QueueRepository(m_ctx).queueId(selection.queue);
}

Result<QList<Message>> MessageReads::listMessages(const MessagePageRequest &request)
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

Result<QList<Store::PageAnchor>> MessageReads::pageAnchors(const MessagePageRequest &request, int every)
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

Result<qint64> MessageReads::countMessages(const MessageSelection &selection)
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

Result<QList<qint64>> MessageReads::upcomingHistogram(qint64 fromMs, qint64 bucketMs, int buckets, const QString &queueName)
{
    if (bucketMs <= 0 || buckets <= 0)
        return Error::badInput(QStringLiteral("a histogram needs a positive bucket width and count"));
    QString sql = QStringLiteral("SELECT ") + m_ctx.backend->intDivide(QStringLiteral("(m.run_at - ?)"), QStringLiteral("?")) + QStringLiteral(", COUNT(*) FROM messages m WHERE m.state = ? AND m.run_at >= ? AND m.run_at < ?");
    QVariantList binds{fromMs, bucketMs, int(MessageState::Scheduled), fromMs, fromMs + bucketMs * buckets};
    if (!queueName.isEmpty()) {
        auto id = QueueRepository(m_ctx).queueId(queueName);
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

Result<QList<QueueCounts>> MessageReads::stats()
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

Result<QList<Message>> MessageReads::upcoming(qint64 withinMs, const QString &queueName, int limit)
{
    QString where = QStringLiteral("m.state = ? AND m.run_at <= ?");
    QVariantList binds{int(MessageState::Scheduled), m_ctx.now() + withinMs};
    if (!queueName.isEmpty()) {
        auto id = QueueRepository(m_ctx).queueId(queueName);
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

Result<QList<AuditEntry>> MessageReads::auditLog(int limit)
{
    Statement q = m_ctx.prepare(kAuditLog);
    q.addBindValue(limit);
    if (auto s = exec(q, QStringLiteral("reading the audit log")); !s)
        return s.error();
    QList<AuditEntry> out;
    while (q.next())
        out << readAuditEntry(q);
    return out;
}

Result<QStringList> MessageReads::counterMismatches()
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

} // namespace herald
