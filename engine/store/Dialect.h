#pragma once

#include "Durability.h"
#include "StoreUrl.h"
#include "model/Result.h"

#include <QSqlDatabase>
#include <QStringList>

#include <memory>

namespace herald {

// Everything that differs between SQL engines lives behind this boundary (DESIGN §3):
// connection set-up, transaction start, migrations and the few statements whose syntax differs.
// Store holds the SQL that all dialects share. Implementations are stateless.
class Dialect
{
public:
    virtual ~Dialect() = default;

    static Result<std::unique_ptr<Dialect>> forUrl(const StoreUrl &url);

    virtual QString driverName() const = 0;
    // Sets names and connect options on a connection that is not open yet.
    // changeNothing (read-only only): opening and reading must not change any file beside the store
    // either (SQLite: no -shm or -wal created, deleted or written), for inspecting a copy as it is.
    virtual Status configure(QSqlDatabase &db, const StoreUrl &url, bool readOnly, bool changeNothing) const = 0;
    // Statements run right after opening (pragmas, session settings), for a writer with this durability.
    // autoCheckpoint false: the connection never checkpoints by itself (someone calls checkpoint()).
    virtual QStringList sessionSetup(bool readOnly, Durability durability, bool autoCheckpoint) const = 0;
    // A checkpoint that waits for no one, or empty when the engine has none.
    virtual QString checkpoint() const = 0;

    // Starts a write transaction that takes the write lock at once (SQLite: BEGIN IMMEDIATE),
    // so a transaction never fails half-way on a lock upgrade.
    virtual QString beginWrite() const = 0;
    virtual QString beginRead() const = 0;

    // Schema versions 1..latestSchemaVersion(); migration(n) brings n-1 to n.
    virtual int latestSchemaVersion() const = 0;
    virtual QStringList migration(int version) const = 0;
    // Lists the user tables, to tell an empty database from someone else's.
    virtual QString listTables() const = 0;

    // INSERT that skips a row whose unique key (conflictColumns, a partial unique index with the
    // condition `where`) exists already — dedupe keys. Any other constraint violation stays an error.
    virtual QString insertSkippingConflicts(const QString &table, const QString &columns, const QString &placeholders,
                                            const QString &conflictColumns, const QString &where) const = 0;
    // A condition "column is one of the ids in the single bound value", so any number of ids
    // takes one parameter; bind the value from idListValue().
    virtual QString idListCondition(const QString &column) const = 0;
    virtual QVariant idListValue(const QList<qint64> &ids) const = 0;
    // The rest of a SELECT, from its first column on, that yields one row per element of the JSON array
    // bound to its single parameter, each element an array of `columns` values, in array order: how a
    // bulk insert binds one value instead of one per column and row.
    virtual QString jsonArrayRows(int columns) const = 0;
    // Appended to the claim SELECT (PostgreSQL: FOR UPDATE SKIP LOCKED).
    virtual QString claimLockClause() const = 0;
    // Appended to the SELECT that re-reads rows inside a write transaction before a compare-and-set, so
    // that no other writer changes them until the commit (FOR UPDATE where rows can be locked).
    virtual QString rowLockClause() const = 0;
    // Run between the chunks of a bulk delete, outside any transaction (SQLite: a passive WAL
    // checkpoint, so the pages the chunk wrote are copied by the cleanup's thread and not by whichever
    // writer commits next: the runtime's). Empty: nothing to do.
    virtual QString betweenBulkChunks() const { return {}; }
};

} // namespace herald
