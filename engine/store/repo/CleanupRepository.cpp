// Cleanup (issue 6): what a run would remove, the run itself in short transactions so delivery keeps
// going (archiving each chunk first where asked), the engine's cleanup schedule and the record of runs.
#include "store/repo/CleanupRepository.h"

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
const QString kCountExpired = QStringLiteral(
    "SELECT COUNT(*), MIN(finished_at), MAX(finished_at), "
    "COALESCE(SUM(LENGTH(payload) + LENGTH(labels) + LENGTH(recipient) + 200), 0) "
    "FROM messages WHERE queue_id = ? AND state = ? AND finished_at < ?");
const QString kExpiredIds = QStringLiteral("SELECT id FROM messages WHERE queue_id = ? AND state = ? AND finished_at < ? ORDER BY id LIMIT ?");
const QString kReadSchedule = QStringLiteral("SELECT \"key\", value FROM settings WHERE \"key\" LIKE 'cleanup.%'");
QString writeSetting(const Backend &b)
{
    return b.upsert(QStringLiteral("settings"), QStringLiteral("\"key\", value"), QStringLiteral("VALUES (?, ?)"), QStringLiteral("\"key\""),
                    {{QStringLiteral("value"), QStringLiteral("excluded.value")}});
}
const QString kFinishRun = QStringLiteral(
    "UPDATE cleanup_runs SET finished_at = ?, messages = ?, outbox = ?, audit = ?, email_events = ?, "
    "archived = ?, bytes_reclaimed = ?, cancelled = ?, error = ? WHERE id = ?");
const QString kFinishSynthetic = QStringLiteral(
    "UPDATE messages SET state = ?, finished_at = ?, updated_at = ?, attempts = 1 WHERE id IN "
    "(SELECT id FROM messages WHERE queue_id = ? AND state = ? AND type = 'synthetic' ORDER BY id LIMIT ?)");

const QString kDailyAt = QStringLiteral("cleanup.daily_at");
const QString kOutbox = QStringLiteral("cleanup.outbox_older_than_ms");
const QString kAudit = QStringLiteral("cleanup.audit_older_than_ms");
const QString kEmailEvents = QStringLiteral("cleanup.email_events_older_than_ms");
const QString kChangedAt = QStringLiteral("cleanup.changed_at");

const QString kRunColumns = QStringLiteral(
    "id, \"trigger\", started_at, finished_at, messages, outbox, audit, email_events, archived, bytes_reclaimed, cancelled, error");

std::optional<qint64> positiveOrNone(const QString &text)
{
    bool ok = false;
    const qint64 v = text.toLongLong(&ok);
    return ok && v > 0 ? std::optional<qint64>(v) : std::nullopt;
}

} // namespace

Result<QList<CleanupRepository::CleanupTarget>> CleanupRepository::cleanupTargets(const RetentionPolicy &policy)
{
    auto all = QueueRepository(m_ctx).queues();
    if (!all)
        return all.error();
    QList<CleanupTarget> out;
    bool found = policy.queue.isEmpty();
    const qint64 t = m_ctx.now();
    for (const QueueConfig &q : *all) {
        if (!policy.queue.isEmpty() && q.name != policy.queue)
            continue;
        found = true;
        auto id = QueueRepository(m_ctx).queueId(q.name);
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

Result<CleanupCounts> CleanupRepository::previewCleanup(const RetentionPolicy &policy)
{
    auto targets = cleanupTargets(policy);
    if (!targets)
        return targets.error();
    CleanupCounts c;
    for (const CleanupTarget &target : *targets) {
        Statement q = m_ctx.prepare(kCountExpired);
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

Result<CleanupResult> CleanupRepository::runCleanup(const RetentionPolicy &policy, const CleanupOptions &options, const ActionProgress &progress)
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
                Statement pick = m_ctx.prepare(kExpiredIds);
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
                auto rows = MessageReads(m_ctx).listMessages(page);
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

Result<CleanupScheduleSettings> CleanupRepository::cleanupSchedule()
{
    Statement q = m_ctx.prepare(kReadSchedule);
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

Status CleanupRepository::setCleanupSchedule(const CleanupScheduleSettings &settings)
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
        Statement q = m_ctx.prepare(writeSetting(*m_ctx.backend));
        q.addBindValue(key);
        q.addBindValue(value);
        if (auto s = exec(q, QStringLiteral("storing the cleanup schedule")); !s)
            return s;
    }
    return tx.commit();
}

Result<qint64> CleanupRepository::beginCleanupRun(const QString &trigger)
{
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s.error();
    Statement q = m_ctx.prepare(QStringLiteral("INSERT INTO cleanup_runs (\"trigger\", started_at) VALUES (?, ?)") + m_ctx.backend->returningId());
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

Status CleanupRepository::finishCleanupRun(qint64 runId, const CleanupResult &result, const QString &error)
{
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    Statement q = m_ctx.prepare(kFinishRun);
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

Result<QList<CleanupRun>> CleanupRepository::cleanupRuns(int limit, const QString &trigger)
{
    Statement q = m_ctx.prepare(trigger.isEmpty()
                              ? QStringLiteral("SELECT %1 FROM cleanup_runs ORDER BY id DESC LIMIT ?").arg(kRunColumns)
                              : QStringLiteral("SELECT %1 FROM cleanup_runs WHERE \"trigger\" = ? ORDER BY id DESC LIMIT ?").arg(kRunColumns));
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

Result<qint64> CleanupRepository::finishSyntheticMessages(const QString &queueName, MessageState state, qint64 finishedAt, qint64 count)
{
    if (auto s = m_ctx.requireWritable(); !s)
        return s.error();
    if (!isTerminal(state))
        return Error::badInput(QStringLiteral("synthetic messages can only be finished as completed, failed or cancelled"));
    auto qid = QueueRepository(m_ctx).queueId(queueName);
    if (!qid)
        return qid.error();
    constexpr qint64 kChunk = 100'000;
    qint64 done = 0;
    while (done < count) {
        WriteTransaction tx(m_ctx);
        if (auto s = tx.begin(); !s)
            return s.error();
        Statement q = m_ctx.prepare(kFinishSynthetic);
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

} // namespace herald
