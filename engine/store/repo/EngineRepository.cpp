// Engines on a shared store (DESIGN §3.2): registration and heartbeats, and the leases that elect a leader.
#include "store/repo/EngineRepository.h"

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
QString upsertEngine(const Backend &b)
{
    return b.upsert(QStringLiteral("engines"), QStringLiteral("id, host, pid, version, started_at, heartbeat_at, in_flight, queues"),
                    QStringLiteral("VALUES (?, ?, ?, ?, ?, ?, ?, ?)"), QStringLiteral("id"),
                    {{QStringLiteral("heartbeat_at"), QStringLiteral("excluded.heartbeat_at")},
                     {QStringLiteral("in_flight"), QStringLiteral("excluded.in_flight")},
                     {QStringLiteral("queues"), QStringLiteral("excluded.queues")}});
}
const QString kForgetSilentEngines = QStringLiteral("DELETE FROM engines WHERE heartbeat_at < ?");
const QString kDeleteEngine = QStringLiteral("DELETE FROM engines WHERE id = ?");
const QString kLiveEngines = QStringLiteral(
    "SELECT id, host, pid, version, started_at, heartbeat_at, in_flight, queues FROM engines WHERE heartbeat_at >= ? "
    "ORDER BY started_at, id");
const QString kAllEngines = QStringLiteral(
    "SELECT id, host, pid, version, started_at, heartbeat_at, in_flight, queues FROM engines ORDER BY started_at, id");
QString takeLease(const Backend &b)
{
    return b.upsert(QStringLiteral("leader"), QStringLiteral("name, holder, term, until_at"), QStringLiteral("VALUES (?, ?, 1, ?)"),
                    QStringLiteral("name"),
                    {{QStringLiteral("term"), QStringLiteral("leader.term + CASE WHEN leader.holder = excluded.holder THEN 0 ELSE 1 END")},
                     {QStringLiteral("holder"), QStringLiteral("excluded.holder")},
                     {QStringLiteral("until_at"), QStringLiteral("excluded.until_at")}},
                    QStringLiteral("leader.holder = excluded.holder OR leader.until_at < ?"));
}
const QString kLeaseHolder = QStringLiteral("SELECT holder FROM leader WHERE name = ?");

// The queues column: a JSON array of names, so that no character of a name needs escaping.
QString queuesText(const QStringList &queues)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(queues)).toJson(QJsonDocument::Compact));
}

QStringList queuesFromText(const QString &text)
{
    QStringList out;
    for (const QJsonValue &v : QJsonDocument::fromJson(text.toUtf8()).array())
        out << v.toString();
    return out;
}

Result<QList<Store::EngineInfo>> readEngines(StoreContext::Statement &q)
{
    if (auto s = exec(q, QStringLiteral("reading the engines")); !s)
        return s.error();
    QList<Store::EngineInfo> out;
    while (q.next())
        out << Store::EngineInfo{q.value(0).toString(),   q.value(1).toString(),   q.value(2).toLongLong(),
                                 q.value(3).toString(),   q.value(4).toLongLong(), q.value(5).toLongLong(),
                                 q.value(6).toInt(),      queuesFromText(q.value(7).toString())};
    return out;
}

} // namespace

Status EngineRepository::heartbeat(const EngineInfo &engine)
{
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    const qint64 t = m_ctx.now();
    Statement q = m_ctx.prepare(upsertEngine(*m_ctx.backend));
    for (const QVariant &v : QVariantList{engine.id, engine.host, engine.pid, engine.version, engine.startedAt > 0 ? engine.startedAt : t, t,
                                          engine.inFlight, queuesText(engine.queues)})
        q.addBindValue(v);
    if (auto s = exec(q, QStringLiteral("renewing the engine's heartbeat")); !s)
        return s;
    q.finish();
    Statement gone = m_ctx.prepare(kForgetSilentEngines);
    gone.addBindValue(t - 3'600'000);
    if (auto s = exec(gone, QStringLiteral("forgetting silent engines")); !s)
        return s;
    gone.finish();
    return tx.commit();
}

Status EngineRepository::unregisterEngine(const QString &id)
{
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s;
    Statement q = m_ctx.prepare(kDeleteEngine);
    q.addBindValue(id);
    if (auto s = exec(q, QStringLiteral("unregistering the engine")); !s)
        return s;
    q.finish();
    return tx.commit();
}

Result<QList<Store::EngineInfo>> EngineRepository::liveEngines(qint64 withinMs)
{
    Statement q = m_ctx.prepare(kLiveEngines);
    q.addBindValue(m_ctx.now() - withinMs);
    return readEngines(q);
}

Result<QList<Store::EngineInfo>> EngineRepository::engines()
{
    Statement q = m_ctx.prepare(kAllEngines);
    return readEngines(q);
}

Result<bool> EngineRepository::tryLead(const QString &name, const QString &holder, qint64 leaseMs)
{
    if (!m_ctx.backend->capabilities().sharedStore())
        return true;
    WriteTransaction tx(m_ctx);
    if (auto s = tx.begin(); !s)
        return s.error();
    const qint64 t = m_ctx.now();
    Statement take = m_ctx.prepare(takeLease(*m_ctx.backend));
    for (const QVariant &v : QVariantList{name, holder, t + leaseMs, t})
        take.addBindValue(v);
    if (auto s = exec(take, QStringLiteral("taking the %1 lease").arg(name)); !s)
        return s.error();
    take.finish();
    Statement read = m_ctx.prepare(kLeaseHolder);
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
