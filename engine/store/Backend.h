#pragma once

#include "Durability.h"
#include "StoreUrl.h"
#include "model/Result.h"

#include <QSqlDatabase>
#include <QStringList>

#include <memory>

class QSqlError;

namespace herald {

// What a backend can do, read by the store and the engine instead of the URL's kind (DESIGN §3.1).
struct BackendCapabilities
{
    bool fileBased = false;        // the store is a file: backups by copy, disk-space checks, archives beside it
    bool singleWriterLock = false; // one engine per store (a lock file); every active lease at start-up is a dead engine's
    bool listenNotify = false;     // wake-ups pushed by the server (PostgreSQL LISTEN/NOTIFY)
    bool skipLocked = false;       // claims skip rows other engines hold (FOR UPDATE SKIP LOCKED)
    bool returning = false;        // INSERT … RETURNING
    bool needsCheckpointer = false; // a WAL someone must checkpoint (SQLite)
    // One statement may change rows in WITH clauses and read what it changed (WITH … UPDATE … RETURNING):
    // the claim and the completion of a batch each become one round trip to the server.
    bool modifyingCte = false;
    // BEGIN and COMMIT may be prepared once per connection and reused (SQLite); a driver that prepares
    // with SQL PREPARE (QPSQL) cannot prepare transaction control.
    bool preparedTransactionControl = false;
    // UPDATE … RETURNING: a statement may change rows and read them back (SQLite, PostgreSQL). Without it
    // (MySQL, MariaDB) the rows are selected and locked first, then updated by primary key.
    bool updateReturning = true;
    // The driver's last insert id of an INSERT that wrote many rows names its first row, and the rows'
    // ids follow it (MySQL, consecutive under innodb_autoinc_lock_mode 0 or 1); otherwise its last.
    bool insertIdIsFirstRow = false;
    bool sharedStore() const { return !singleWriterLock; } // many engines may deliver from it at once
};

// Database errors by what the caller can do about them, from the driver's native code.
enum class DbErrorKind {
    Other,
    Busy,                 // locked by another writer: retry shortly
    Deadlock,             // chosen as a deadlock victim: retry the transaction
    SerializationFailure, // retry the transaction
    Unavailable,          // the server is gone, restarting or refusing connections: reconnect with back-off
    Constraint,           // a unique, foreign-key or check constraint refused the row
    DiskFull,
};

// Everything that differs between SQL engines lives behind this boundary (DESIGN §3.1): connection
// set-up, transaction start, migrations (`.sql` files per dialect, in the engine's resources), SQL
// fragments, error classification and maintenance. The store's statements are portable and built from
// these fragments; they never ask which dialect they run on. Implementations are stateless.
class Backend
{
public:
    virtual ~Backend() = default;

    static Result<std::unique_ptr<Backend>> forUrl(const StoreUrl &url);

    // The schema version every dialect migrates to (the same number on each).
    static constexpr int kSchemaVersion = 12;

    virtual QString name() const = 0; // "sqlite", "postgres": the folder of its migrations
    virtual QString driverName() const = 0;
    // The Debian package that brings driverName(), for the error when it is missing.
    virtual QString driverPackage() const = 0;
    virtual BackendCapabilities capabilities() const = 0;
    // Sets names and connect options on a connection that is not open yet.
    // changeNothing (read-only only): opening and reading must not change any file beside the store
    // either (SQLite: no -shm or -wal created, deleted or written), for inspecting a copy as it is.
    virtual Status configure(QSqlDatabase &db, const StoreUrl &url, bool readOnly, bool changeNothing) const = 0;
    // Says why a connection could not be opened, naming the store (never its password) and what to do.
    virtual Error openError(const StoreUrl &url, const QSqlError &error) const;
    // Checks the server right after connecting (e.g. its version). Empty: nothing to check.
    virtual Status checkServer(QSqlDatabase &db, const StoreUrl &url) const;
    // Statements run right after opening (pragmas, session settings), for a writer with this durability.
    // autoCheckpoint false: the connection never checkpoints by itself (someone calls checkpoint()).
    virtual QStringList sessionSetup(bool readOnly, Durability durability, bool autoCheckpoint) const = 0;
    // A checkpoint that waits for no one, or empty when the engine has none. Its one row: whether it
    // was blocked, the log's length and how much of it is now in the database (in pages).
    virtual QString checkpoint() const = 0;
    // A checkpoint that waits (briefly) for the writer and the readers, so that the next commit writes
    // the log from its start again rather than growing it: `checkpoint` returns one row like checkpoint()'s,
    // its first column whether a reader blocked it; `before` and `after` run around it (after always: it
    // puts the connection's settings back). An empty checkpoint: the engine has none.
    struct RestartingCheckpoint
    {
        QStringList before;
        QString checkpoint;
        QStringList after;
    };
    virtual RestartingCheckpoint checkpointRestart() const = 0;

    // Starts a write transaction that takes the write lock at once (SQLite: BEGIN IMMEDIATE),
    // so a transaction never fails half-way on a lock upgrade.
    virtual QString beginWrite() const = 0;
    virtual QString beginRead() const = 0;
    // Starts a read transaction whose statements all see the store as it was at its first read, however
    // long it lasts and whatever others write meanwhile (a store copy reads every table from one moment).
    // Statements run in order (the last starts the transaction).
    virtual QStringList beginSnapshot() const { return {beginRead()}; }

    // The statements that bring schema version-1 to version, from `:/herald/store/<name>/NNNN.sql`.
    QStringList migration(int version) const;
    // Lists the user tables, to tell an empty database from someone else's.
    virtual QString listTables() const = 0;

    virtual DbErrorKind classify(const QSqlError &error) const = 0;

    // ---- maintenance
    // A statement writing a consistent copy of the store to the file bound to it (SQLite: VACUUM INTO);
    // empty where the server's own tools do that.
    virtual QString backupInto() const { return {}; }
    // One row, one value: the store's size in bytes.
    virtual QString storeSize() const = 0;
    // Folds queue_count_deltas into queue_counts; empty where triggers update the counters directly.
    virtual QString foldCounters() const { return {}; }
    // Gives the space of deleted rows back (run outside a transaction).
    virtual QString reclaimSpace() const { return QStringLiteral("VACUUM"); }
    // One row, one value: the highest id the table's `id` column has handed out so far, also of rows
    // deleted since (0: none yet). A store copy carries it over so that the target never gives a new row
    // the id of a deleted one that the audit journal may still name.
    virtual QString lastGeneratedId(const QString &table) const = 0;
    // Statements run after rows were inserted into the table with ids of their own: the ids the table
    // generates next come after `highest`.
    // The highest id is written into the statements (an integer: nothing to bind).
    virtual QStringList continueGeneratedIds(const QString &table, qint64 highest) const = 0;

    // ---- wake-ups (capability listenNotify)
    // The channel engines listen on, and a statement with one bound value (a queue name) that wakes
    // them when its transaction commits; empty where engines poll.
    static constexpr const char *kWakeupChannel = "herald_wakeup";
    virtual QString notifyWakeup() const { return {}; }

    // ---- SQL fragments
    // INSERT that skips a row whose unique key (conflictColumns, a partial unique index with the
    // condition `where`) exists already — dedupe keys. Any other constraint violation stays an error.
    virtual QString insertSkippingConflicts(const QString &table, const QString &columns, const QString &placeholders,
                                            const QString &conflictColumns, const QString &where) const = 0;
    // Appended to an INSERT … VALUES or INSERT … SELECT … WHERE: a row whose key (keyColumns) exists
    // already is not inserted; its addedColumns are increased by the new row's values instead (counters
    // and rollups).
    virtual QString upsertAdding(const QString &table, const QString &keyColumns, const QStringList &addedColumns) const = 0;
    // A condition "column is one of the ids in the single bound value", so any number of ids
    // takes one parameter; bind the value from idListValue().
    virtual QString idListCondition(const QString &column) const = 0;
    virtual QVariant idListValue(const QList<qint64> &ids) const = 0;
    // The rest of a SELECT, from its first column on, that yields one row per element of the JSON array
    // bound to its single parameter, each element an array of values typed by `types` (one letter per
    // column: 'i' integer, 't' text, 'r' real), in array order: how a bulk insert binds one value
    // instead of one per column and row.
    virtual QString jsonArrayRows(const QString &types) const = 0;
    // The same rows in no particular order, for membership (`(a, b) IN (SELECT …)`): no sort per use.
    virtual QString jsonArraySet(const QString &types) const = 0;
    // Appended to an INSERT to read the new row's id from the statement itself (empty: the backend has
    // no RETURNING; use the driver's last insert id).
    virtual QString returningId() const = 0;
    // An INSERT of `rows` (a VALUES list or a SELECT) into `columns` that, where a row's key `conflictColumns`
    // exists already, runs `assignments` on the existing row instead, if `condition` (empty: always) holds.
    // An assignment is {column, expression}; expressions name the existing row's columns as
    // `table.column` and the proposed row's as `excluded.column`, and the condition sees the row as it
    // was before any assignment. No assignments: the row is skipped (insert-or-ignore on that key only).
    struct Assignment
    {
        QString column;
        QString expression;
    };
    virtual QString upsert(const QString &table, const QString &columns, const QString &rows, const QString &conflictColumns,
                           const QList<Assignment> &assignments, const QString &condition = {}) const;
    // An UPDATE of `table` from the rows of a SELECT (`rowsSelect`, the whole SELECT after its keyword) named
    // `alias` with `aliasColumns`: `assignments` (columns of table, expressions that may name alias.column
    // and table.column) on the rows where `condition` holds (it joins the two).
    virtual QString updateFromRows(const QString &table, const QString &alias, const QString &aliasColumns, const QString &rowsSelect,
                                   const QList<Assignment> &assignments, const QString &condition) const;
    // The integer quotient a / b of two integer expressions (MySQL's / yields a decimal).
    virtual QString intDivide(const QString &a, const QString &b) const { return QStringLiteral("%1 / %2").arg(a, b); }
    // An integer expression rounded down to a multiple of period (a time to its bucket).
    QString floorTo(const QString &expression, qint64 period) const
    {
        return intDivide(expression, QString::number(period)) + QStringLiteral(" * ") + QString::number(period);
    }
    // An integer-typed expression (a bound value compared or computed with integer columns).
    virtual QString castInteger(const QString &expression) const { return QStringLiteral("CAST(%1 AS BIGINT)").arg(expression); }
    // "a equals b, where NULL equals NULL" for a column and one bound value.
    virtual QString nullSafeEquals(const QString &column) const = 0;
    // The larger of two expressions (SQLite's two-argument MAX, elsewhere GREATEST).
    virtual QString greatest(const QString &a, const QString &b) const = 0;
    // The smaller of two expressions (SQLite's two-argument MIN, elsewhere LEAST).
    virtual QString least(const QString &a, const QString &b) const = 0;
    // A JSON object built from alternating key and value expressions.
    virtual QString jsonObject(const QStringList &keysAndValues) const = 0;
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
