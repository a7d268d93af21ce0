#include "StoreContext.h"

#include <QRandomGenerator>

#include "StoreSql.h"

namespace herald {

using storesql::exec;
using storesql::sqlError;

StoreContext::StoreContext(StoreUrl url_, std::unique_ptr<Backend> backend_, QString connectionName_, bool readOnly_)
    : url(std::move(url_)), backend(std::move(backend_)), connectionName(std::move(connectionName_)), readOnly(readOnly_),
      writeGate(readOnly_ || !backend->capabilities().fileBased ? nullptr : storesql::writeGateFor(url)),
      rollupShard(backend->capabilities().sharedStore() ? int(QRandomGenerator::global()->bounded(kRollupShards)) : 0)
{
}

StoreContext::~StoreContext()
{
    statements.clear();
    db.close();
    db = QSqlDatabase();
    QSqlDatabase::removeDatabase(connectionName);
}

Status StoreContext::requireWritable() const
{
    if (readOnly)
        return Error::refused(QStringLiteral("store '%1' is open read-only; nothing can be changed").arg(url.display()));
    return {};
}

StoreContext::Statement StoreContext::prepare(const QString &sql) const
{
    // Statements are prepared once per connection and reused: preparing is a large share of a short
    // transaction's cost. The set of statement texts is small and fixed, so the cache is not bounded.
    // A Statement resets its query when it goes out of scope, so no read stays open on the connection
    // (an open read would pin an old WAL snapshot); callers never nest two uses of the same text.
    auto it = statements.find(sql);
    if (it != statements.end() && cacheStatements)
        return Statement(*it->second, &lastFailure);
    auto q = std::make_unique<QSqlQuery>(db);
    q->setForwardOnly(true);
    q->prepare(sql); // a failure shows at exec(), with the driver's message
    if (it != statements.end()) {
        // Not caching (a benchmark's choice): the previous use of this text has ended, so replacing
        // it prepares the statement again each time, as a store without the cache would.
        it->second = std::move(q);
        return Statement(*it->second, &lastFailure);
    }
    return Statement(*statements.emplace(sql, std::move(q)).first->second, &lastFailure);
}

Status StoreContext::notifyEngines(const QSet<QString> &queues)
{
    // Sent at commit, once per queue and transaction (the server folds repeats): engines listening on
    // a shared store claim at once instead of at their next poll.
    const QString sql = backend->notifyWakeup();
    if (sql.isEmpty())
        return {};
    for (const QString &queueName : queues) {
        Statement q = prepare(sql);
        q.addBindValue(queueName);
        if (auto s = exec(q, QStringLiteral("waking the engines")); !s)
            return s;
    }
    return {};
}

qint64 StoreContext::insertedId(Statement &insert) const
{
    if (!backend->returningId().isEmpty())
        return insert.next() ? insert.value(0).toLongLong() : 0;
    return insert.numRowsAffected() > 0 ? insert.lastInsertId().toLongLong() : 0;
}

Result<qint64> StoreContext::writeAudit(const QString &action, const QString &selection, qint64 affected, const QByteArray &details,
                                        const QString &actor)
{
    Statement q = prepare(QStringLiteral("INSERT INTO audit_log (at, actor, action, selection, affected, details) VALUES (?, ?, ?, ?, ?, ?)") +
                          backend->returningId());
    QString who = actor;
    if (who.isEmpty())
        who = qEnvironmentVariable("USER", qEnvironmentVariable("LOGNAME", qEnvironmentVariable("USERNAME", QStringLiteral("unknown"))));
    q.addBindValue(now());
    q.addBindValue(who);
    q.addBindValue(action);
    q.addBindValue(selection);
    q.addBindValue(affected);
    q.addBindValue(QString::fromUtf8(details.isEmpty() ? QByteArrayLiteral("{}") : details));
    if (auto s = exec(q, QStringLiteral("writing the audit log")); !s)
        return s.error();
    return insertedId(q);
}

// ---- WriteTransaction

StoreContext::WriteTransaction::~WriteTransaction()
{
    if (m_open) {
        QSqlQuery q(m_context.db);
        q.exec(QStringLiteral("ROLLBACK"));
    }
    releaseGate();
}

Status StoreContext::WriteTransaction::begin()
{
    if (auto s = m_context.requireWritable(); !s)
        return s;
    // Bounded like SQLite's busy timeout: a writer of this process that holds a transaction open on
    // another connection in the same thread must meet SQLite's "database is locked", not a deadlock.
    if (m_context.writeGate && !m_gated)
        m_gated = m_context.writeGate->try_lock_for(std::chrono::milliseconds(5000));
    if (m_context.backend->capabilities().preparedTransactionControl) {
        // Prepared once per connection: a short transaction's BEGIN and COMMIT are a share of its cost.
        Statement q = m_context.prepare(m_context.backend->beginWrite());
        if (!q.exec()) {
            const QSqlError e = q.lastError();
            releaseGate();
            return sqlError(QStringLiteral("starting a write transaction"), e);
        }
    } else {
        QSqlQuery q(m_context.db);
        if (!q.exec(m_context.backend->beginWrite())) {
            releaseGate();
            return sqlError(QStringLiteral("starting a write transaction"), q.lastError());
        }
    }
    m_open = true;
    return {};
}

Status StoreContext::WriteTransaction::commit()
{
    if (m_context.backend->capabilities().preparedTransactionControl) {
        Statement q = m_context.prepare(QStringLiteral("COMMIT"));
        if (!storesql::exec(q, QStringLiteral("COMMIT")))
            return sqlError(QStringLiteral("commit"), q.lastError());
    } else {
        QSqlQuery q(m_context.db);
        if (!q.exec(QStringLiteral("COMMIT")))
            return sqlError(QStringLiteral("commit"), q.lastError());
    }
    m_open = false;
    releaseGate();
    return {};
}

void StoreContext::WriteTransaction::releaseGate()
{
    if (m_gated) {
        m_context.writeGate->unlock();
        m_gated = false;
    }
}

} // namespace herald
