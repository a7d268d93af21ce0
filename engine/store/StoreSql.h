#pragma once

// Internal to engine/store: what Store and EmailStore share over one connection.
#include "Backend.h"
#include "Store.h"

#include <QFileInfo>
#include <QHash>
#include <QSqlError>
#include <QSqlQuery>

#include <memory>
#include <mutex>

namespace herald::storesql {

inline Error sqlError(const QString &what, const QSqlError &e)
{
    // SQLITE_FULL (13), and its extended codes: said plainly, not as the driver's words.
    const QString code = e.nativeErrorCode();
    if (code == QLatin1String("13") || (code.toInt() & 0xff) == 13 || e.text().contains(QLatin1String("database or disk is full")))
        return Error::runtime(QStringLiteral("store: %1 failed: the disk holding the store is full; free space on it (or move the store "
                                             "elsewhere) — nothing of this change was written")
                                  .arg(what));
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

// One gate per SQLite file in this process, taken by every write transaction on it from BEGIN to its
// end. SQLite's own busy handler waits by sleeping in growing steps (up to 100 ms), so a writer that
// commits short transactions back to back (a cleanup) could keep another connection of the same
// process (the runtime's) out for a long time; in-process writers queue here instead and get the
// lock as soon as it is free. Writers in other processes still meet SQLite's busy handler.
inline std::shared_ptr<std::timed_mutex> writeGateFor(const StoreUrl &url)
{
    if (url.kind() != StoreUrl::Kind::Sqlite)
        return nullptr;
    static std::mutex registryMutex;
    static QHash<QString, std::weak_ptr<std::timed_mutex>> registry; // guarded by registryMutex
    const QString key = QFileInfo(url.sqlitePath()).absoluteFilePath();
    std::lock_guard lock(registryMutex);
    std::shared_ptr<std::timed_mutex> gate = registry.value(key).lock();
    if (!gate) {
        gate = std::make_shared<std::timed_mutex>();
        registry.insert(key, gate);
    }
    return gate;
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
        releaseGate();
    }
    Status begin()
    {
        if (auto s = m_store.requireWritable(); !s)
            return s;
        // Bounded like SQLite's busy timeout: a writer of this process that holds a transaction open on
        // another connection in the same thread must meet SQLite's "database is locked", not a deadlock.
        if (m_store.m_writeGate && !m_gated)
            m_gated = m_store.m_writeGate->try_lock_for(std::chrono::milliseconds(5000));
        QSqlQuery q(m_store.m_db);
        if (!q.exec(m_store.m_backend->beginWrite())) {
            releaseGate();
            return storesql::sqlError(QStringLiteral("starting a write transaction"), q.lastError());
        }
        m_open = true;
        return {};
    }
    Status commit()
    {
        QSqlQuery q(m_store.m_db);
        if (!q.exec(QStringLiteral("COMMIT")))
            return storesql::sqlError(QStringLiteral("commit"), q.lastError());
        m_open = false;
        releaseGate();
        return {};
    }

private:
    void releaseGate()
    {
        if (m_gated) {
            m_store.m_writeGate->unlock();
            m_gated = false;
        }
    }

    Store &m_store;
    bool m_open = false;
    bool m_gated = false;
};

} // namespace herald
