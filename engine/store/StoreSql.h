#pragma once

// Internal to engine/store: what Store and EmailStore share over one connection.
#include "Dialect.h"
#include "Store.h"

#include <QSqlError>
#include <QSqlQuery>

namespace herald::storesql {

inline Error sqlError(const QString &what, const QSqlError &e)
{
    return Error::runtime(QStringLiteral("store: %1 failed: %2").arg(what, e.text()));
}

// Works on a QSqlQuery and on a Store::Statement.
template<typename Q>
Status exec(Q &q, const QString &what)
{
    if (!q.exec())
        return sqlError(what, q.lastError());
    return {};
}

} // namespace herald::storesql

namespace herald {

// A write transaction that takes the write lock at once (the dialect's beginWrite) and rolls back
// unless committed.
class Store::WriteTransaction
{
public:
    explicit WriteTransaction(Store &store) : m_store(store) {}
    ~WriteTransaction()
    {
        if (m_open) {
            QSqlQuery q(m_store.m_db);
            q.exec(QStringLiteral("ROLLBACK"));
        }
    }
    Status begin()
    {
        if (auto s = m_store.requireWritable(); !s)
            return s;
        QSqlQuery q(m_store.m_db);
        if (!q.exec(m_store.m_dialect->beginWrite()))
            return storesql::sqlError(QStringLiteral("starting a write transaction"), q.lastError());
        m_open = true;
        return {};
    }
    Status commit()
    {
        QSqlQuery q(m_store.m_db);
        if (!q.exec(QStringLiteral("COMMIT")))
            return storesql::sqlError(QStringLiteral("commit"), q.lastError());
        m_open = false;
        return {};
    }

private:
    Store &m_store;
    bool m_open = false;
};

} // namespace herald
