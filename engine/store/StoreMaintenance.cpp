// The cleanup schedule and the record of cleanup runs (issue 6): Store members kept apart from
// Store.cpp because they share nothing with delivery.
#include "Store.h"

#include "StoreSql.h"
#include "model/TimeText.h"

#include <QSqlQuery>

namespace herald {

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

Result<CleanupScheduleSettings> Store::cleanupSchedule()
{
    Statement q = prepare(QStringLiteral("SELECT key, value FROM settings WHERE key LIKE 'cleanup.%'"));
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

Status Store::setCleanupSchedule(const CleanupScheduleSettings &settings)
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
    WriteTransaction tx(*this);
    if (auto s = tx.begin(); !s)
        return s;
    const auto age = [](const std::optional<qint64> &v) { return v ? QString::number(*v) : QStringLiteral("none"); };
    const std::pair<QString, QString> rows[] = {
        {kDailyAt, settings.dailyAt ? settings.dailyAt->toString(QStringLiteral("HH:mm")) : QStringLiteral("off")},
        {kOutbox, age(settings.outboxOlderThanMs)},
        {kAudit, age(settings.auditOlderThanMs)},
        {kEmailEvents, age(settings.emailEventsOlderThanMs)},
        {kChangedAt, QString::number(now())}};
    for (const auto &[key, value] : rows) {
        Statement q = prepare(QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
        q.addBindValue(key);
        q.addBindValue(value);
        if (auto s = exec(q, QStringLiteral("storing the cleanup schedule")); !s)
            return s;
    }
    return tx.commit();
}

Result<qint64> Store::beginCleanupRun(const QString &trigger)
{
    WriteTransaction tx(*this);
    if (auto s = tx.begin(); !s)
        return s.error();
    Statement q = prepare(QStringLiteral("INSERT INTO cleanup_runs (trigger, started_at) VALUES (?, ?)") + m_backend->returningId());
    q.addBindValue(trigger);
    q.addBindValue(now());
    if (auto s = exec(q, QStringLiteral("recording the start of a cleanup run")); !s)
        return s.error();
    const qint64 id = insertedId(q);
    q.finish();
    if (auto s = tx.commit(); !s)
        return s.error();
    return id;
}

Status Store::finishCleanupRun(qint64 runId, const CleanupResult &result, const QString &error)
{
    WriteTransaction tx(*this);
    if (auto s = tx.begin(); !s)
        return s;
    Statement q = prepare(QStringLiteral("UPDATE cleanup_runs SET finished_at = ?, messages = ?, outbox = ?, audit = ?, email_events = ?, "
                                         "archived = ?, bytes_reclaimed = ?, cancelled = ?, error = ? WHERE id = ?"));
    const QVariantList binds{now(),
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

Result<QList<CleanupRun>> Store::cleanupRuns(int limit, const QString &trigger)
{
    Statement q = prepare(trigger.isEmpty()
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

Result<qint64> Store::finishSyntheticMessages(const QString &queueName, MessageState state, qint64 finishedAt, qint64 count)
{
    if (auto s = requireWritable(); !s)
        return s.error();
    if (!isTerminal(state))
        return Error::badInput(QStringLiteral("synthetic messages can only be finished as completed, failed or cancelled"));
    auto qid = queueId(queueName);
    if (!qid)
        return qid.error();
    constexpr qint64 kChunk = 100'000;
    qint64 done = 0;
    while (done < count) {
        WriteTransaction tx(*this);
        if (auto s = tx.begin(); !s)
            return s.error();
        Statement q = prepare(QStringLiteral(
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

BackendCapabilities Store::capabilities() const
{
    return m_backend->capabilities();
}

Status Store::heartbeat(const EngineInfo &engine)
{
    WriteTransaction tx(*this);
    if (auto s = tx.begin(); !s)
        return s;
    const qint64 t = now();
    Statement q = prepare(QStringLiteral("INSERT INTO engines (id, host, pid, version, started_at, heartbeat_at, in_flight) VALUES (?, ?, ?, ?, ?, ?, ?) "
                                         "ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at, in_flight = excluded.in_flight"));
    for (const QVariant &v : QVariantList{engine.id, engine.host, engine.pid, engine.version, engine.startedAt > 0 ? engine.startedAt : t, t, engine.inFlight})
        q.addBindValue(v);
    if (auto s = exec(q, QStringLiteral("renewing the engine's heartbeat")); !s)
        return s;
    q.finish();
    Statement gone = prepare(QStringLiteral("DELETE FROM engines WHERE heartbeat_at < ?"));
    gone.addBindValue(t - 3'600'000);
    if (auto s = exec(gone, QStringLiteral("forgetting silent engines")); !s)
        return s;
    gone.finish();
    return tx.commit();
}

Status Store::unregisterEngine(const QString &id)
{
    WriteTransaction tx(*this);
    if (auto s = tx.begin(); !s)
        return s;
    Statement q = prepare(QStringLiteral("DELETE FROM engines WHERE id = ?"));
    q.addBindValue(id);
    if (auto s = exec(q, QStringLiteral("unregistering the engine")); !s)
        return s;
    q.finish();
    return tx.commit();
}

Result<QList<Store::EngineInfo>> Store::liveEngines(qint64 withinMs)
{
    Statement q = prepare(QStringLiteral("SELECT id, host, pid, version, started_at, heartbeat_at, in_flight FROM engines WHERE heartbeat_at >= ? "
                                         "ORDER BY started_at, id"));
    q.addBindValue(now() - withinMs);
    if (auto s = exec(q, QStringLiteral("reading the engines")); !s)
        return s.error();
    QList<EngineInfo> out;
    while (q.next())
        out << EngineInfo{q.value(0).toString(),    q.value(1).toString(),    q.value(2).toLongLong(), q.value(3).toString(),
                          q.value(4).toLongLong(), q.value(5).toLongLong(), q.value(6).toInt()};
    return out;
}

Result<bool> Store::tryLead(const QString &name, const QString &holder, qint64 leaseMs)
{
    if (!m_backend->capabilities().sharedStore())
        return true;
    WriteTransaction tx(*this);
    if (auto s = tx.begin(); !s)
        return s.error();
    const qint64 t = now();
    Statement take = prepare(QStringLiteral(
        "INSERT INTO leader (name, holder, term, until_at) VALUES (?, ?, 1, ?) ON CONFLICT (name) DO UPDATE SET "
        "term = leader.term + CASE WHEN leader.holder = excluded.holder THEN 0 ELSE 1 END, holder = excluded.holder, "
        "until_at = excluded.until_at WHERE leader.holder = excluded.holder OR leader.until_at < ?"));
    for (const QVariant &v : QVariantList{name, holder, t + leaseMs, t})
        take.addBindValue(v);
    if (auto s = exec(take, QStringLiteral("taking the %1 lease").arg(name)); !s)
        return s.error();
    take.finish();
    Statement read = prepare(QStringLiteral("SELECT holder FROM leader WHERE name = ?"));
    read.addBindValue(name);
    if (auto s = exec(read, QStringLiteral("reading the %1 lease").arg(name)); !s)
        return s.error();
    const bool leads = read.next() && read.value(0).toString() == holder;
    read.finish();
    if (auto s = tx.commit(); !s)
        return s.error();
    return leads;
}

Status Store::reconnectIfLost()
{
    if (m_backend->capabilities().fileBased)
        return {};
    {
        QSqlQuery ping(m_db);
        if (ping.exec(QStringLiteral("SELECT 1")))
            return {};
    }
    m_statements.clear(); // prepared on the old connection
    m_db.close();
    if (!m_db.open())
        return m_backend->openError(m_url, m_db.lastError());
    for (const QString &setup : m_backend->sessionSetup(m_readOnly, m_durability, m_autoCheckpoint)) {
        QSqlQuery q(m_db);
        if (!q.exec(setup))
            return storesql::sqlError(setup, q.lastError());
    }
    return {};
}

} // namespace herald
