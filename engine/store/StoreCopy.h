#pragma once

#include "StoreUrl.h"
#include "model/Result.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>

class QLockFile;

namespace herald {

class Store;

// Moves a whole store into a new or empty one, from any dialect to any other (SQLite to PostgreSQL and
// back): `heraldctl store copy`. Every row keeps its id, so messages, attempts, audit entries and
// e-mail events still refer to each other, and the ids the target generates next continue after the
// highest the source ever handed out.
//
// The source is read from one snapshot (one read transaction), so the copy is the store as it was at
// one moment even while others write; the target is written in chunks of chunkSize rows, one
// transaction each. The target's triggers count the copied messages, so its counters come out right
// whatever the source's deltas were; the rows that belong to the source's running processes (engines,
// leader leases) are not copied.
//
// Threading: prepare() opens both stores in the calling thread; call run() and destroy the object in
// that thread. Owns both stores while it lives, and on a SQLite store the engine lock file (Engine):
// no engine starts delivering from either store during the copy.
class StoreCopy
{
public:
    static constexpr int kDefaultChunkSize = 5000;

    struct Options
    {
        int chunkSize = kDefaultChunkSize; // rows per transaction on the target
        // Copy although engines deliver from the source. The copy is still one moment of the source, but
        // what the engines do after it is not in the copy, and any message may then be delivered by both.
        bool ignoreLiveEngines = false;
    };

    struct TableCount
    {
        QString table;
        qint64 source = 0;
        qint64 target = 0;
        bool matches() const { return source == target; }
    };
    struct Report
    {
        QList<TableCount> tables;       // in copy order
        QStringList counterMismatches;  // the target's queue counters against COUNT(*), after the copy
        bool ok() const;
        qint64 sourceRows() const;
    };
    // After each chunk (and once as a table starts): rows of the table copied so far, of total.
    using Progress = std::function<void(const QString &table, qint64 copied, qint64 total)>;

    StoreCopy(StoreUrl from, StoreUrl to, Options options);
    ~StoreCopy();
    StoreCopy(const StoreCopy &) = delete;
    StoreCopy &operator=(const StoreCopy &) = delete;

    // Opens both stores and checks everything before writing anything: they are not the same store; the
    // source is at this Herald's schema version (it is never migrated) and no engine delivers from it
    // (unless ignoreLiveEngines); the target is new or empty — no row in any table the copy writes, as
    // after `heraldctl init` — at the same schema version, with no engine. A new target is created.
    // Starts the source's snapshot and returns its rows per table: what run() copies. Refusals are
    // Error::badInput and name the store, the problem and what to do.
    Result<QList<TableCount>> prepare();

    // After prepare(): copies table by table, then carries the id sequences over, folds the target's
    // counters and counts both sides. A failure part-way leaves part of the copy in the target; the error
    // says so and how to start again.
    Result<Report> run(const Progress &progress = {});

    // The tables copied, in copy order (every table after those it refers to), and those left out.
    static QStringList copiedTables();
    static QStringList skippedTables();

private:
    struct Table;
    static const QList<Table> &tables();

    Status checkSchema(Store &store, const QString &role);
    Status checkNoEngines(Store &store, std::unique_ptr<QLockFile> &lock, bool mayIgnore, const QString &role);
    Status requireEmpty(Store &store);
    Result<qint64> copyTable(const Table &table, qint64 total, const Progress &progress);
    Status insertRows(const Table &table, const QByteArray &rows, qint64 count);
    Status continueIds();
    Result<qint64> countRows(Store &store, const QString &table);
    void endSnapshot();

    StoreUrl m_from;
    StoreUrl m_to;
    Options m_options;
    std::unique_ptr<Store> m_source;
    std::unique_ptr<Store> m_target;
    std::unique_ptr<QLockFile> m_sourceLock;
    std::unique_ptr<QLockFile> m_targetLock;
    QList<TableCount> m_counts; // source rows per table, from the snapshot
    bool m_snapshotOpen = false;
};

} // namespace herald
