#pragma once

// Internal to engine/store: the one connection a Store and all its repositories share.
#include "Backend.h"
#include "Durability.h"
#include "StoreUrl.h"
#include "model/Result.h"

#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>

#include <functional>
#include <memory>
#include <mutex>
#include <unordered_map>

namespace herald {

// What every repository of one store works through: the connection, its backend (the only place that
// knows the dialect), the prepared-statement cache, the clock and the write gate. A Store owns one; the
// repositories (and EmailStore) borrow it and hold nothing else, so they may be created for a single
// call. Threading: as the Store, only in the thread that opened it.
class StoreContext
{
public:
    // A cached prepared statement for the length of one use; finish() on destruction.
    class Statement
    {
    public:
        explicit Statement(QSqlQuery &q, QSqlError *failure = nullptr) : m_q(&q), m_failure(failure) {}
        Statement(Statement &&other) noexcept : m_q(std::exchange(other.m_q, nullptr)), m_failure(other.m_failure) {}
        Statement(const Statement &) = delete;
        Statement &operator=(const Statement &) = delete;
        Statement &operator=(Statement &&) = delete;
        ~Statement()
        {
            if (m_q)
                m_q->finish();
        }
        operator QSqlQuery &() { return *m_q; }
        operator const QSqlQuery &() const { return *m_q; }
        void addBindValue(const QVariant &v) { m_q->addBindValue(v); }
        void bindValue(int pos, const QVariant &v) { m_q->bindValue(pos, v); }
        bool exec()
        {
            const bool ok = m_q->exec();
            if (!ok && m_failure)
                *m_failure = m_q->lastError();
            return ok;
        }
        bool next() { return m_q->next(); }
        QVariant value(int i) const { return m_q->value(i); }
        int numRowsAffected() const { return m_q->numRowsAffected(); }
        QSqlError lastError() const { return m_q->lastError(); }
        QVariant lastInsertId() const { return m_q->lastInsertId(); }
        void finish() { m_q->finish(); }

    private:
        QSqlQuery *m_q;
        QSqlError *m_failure; // StoreContext::lastFailure
    };

    // A write transaction that takes the write lock at once (the dialect's beginWrite) and rolls back
    // unless committed.
    class WriteTransaction
    {
    public:
        explicit WriteTransaction(StoreContext &context) : m_context(context) {}
        ~WriteTransaction();
        WriteTransaction(const WriteTransaction &) = delete;
        WriteTransaction &operator=(const WriteTransaction &) = delete;
        Status begin();
        Status commit();

    private:
        void releaseGate();

        StoreContext &m_context;
        bool m_open = false;
        bool m_gated = false;
    };

    StoreContext(StoreUrl url, std::unique_ptr<Backend> backend, QString connectionName, bool readOnly);
    ~StoreContext();
    StoreContext(const StoreContext &) = delete;
    StoreContext &operator=(const StoreContext &) = delete;

    qint64 now() const { return clock(); }
    Status requireWritable() const;
    // Prepared once per connection and reused (see StoreContext.cpp).
    Statement prepare(const QString &sql) const;
    // Forgets every prepared statement: they belong to a connection that is gone.
    void dropStatements() { statements.clear(); }
    // Inside a write transaction: tells listening engines that these queues have new work.
    Status notifyEngines(const QSet<QString> &queues);
    // The id of the row an INSERT ending in Backend::returningId() just wrote; 0 when it wrote none.
    qint64 insertedId(Statement &insert) const;
    // One audit_log row (who, when, what, how many); returns the new entry's id.
    Result<qint64> writeAudit(const QString &action, const QString &selection, qint64 affected, const QByteArray &details,
                              const QString &actor);

    const StoreUrl url;
    const std::unique_ptr<Backend> backend;
    const QString connectionName;
    QSqlDatabase db;
    const bool readOnly = false;
    Durability durability = Durability::Normal;
    bool cacheStatements = true;
    bool autoCheckpoint = true;
    bool reclaimLeases = true;
    bool upgradeSchema = true; // Store::OpenOptions::upgradeSchema
    int schemaVersion = 0;
    std::function<qint64()> clock;
    const std::shared_ptr<std::timed_mutex> writeGate; // shared by this process's writers of the same file (StoreSql.h)
    // The delivery rollup rows this connection adds to (DeliveryRollups): on a shared store, one of
    // kRollupShards picked at random, so that engines do not wait for each other on one row; else 0.
    static constexpr int kRollupShards = 16;
    const int rollupShard = 0;

    // The error of the last prepared statement that failed: what Backend::classify() reads to tell a
    // transaction worth retrying (a deadlock victim) from one that is not.
    mutable QSqlError lastFailure;

private:
    mutable std::unordered_map<QString, std::unique_ptr<QSqlQuery>> statements; // prepared, by SQL text
};

} // namespace herald
