#include "store/backend/sqlite/SqliteBackend.h"

#include <QDir>
#include <QSqlError>
#include <QFileInfo>
#include <QUrl>

namespace herald {

Status SqliteBackend::configure(QSqlDatabase &db, const StoreUrl &url, bool readOnly, bool changeNothing) const
{
    const QString path = url.sqlitePath();
    const QFileInfo info(path);
    if (readOnly) {
        if (!info.exists())
            return Error::badInput(QStringLiteral("store '%1' does not exist; a read-only store must be an existing Herald file").arg(path));
    } else if (!info.exists()) {
        if (!QDir().mkpath(info.absolutePath()))
            return Error::badInput(QStringLiteral("cannot create the folder '%1' for store '%2'; check the path and its permissions")
                                       .arg(info.absolutePath(), path));
    }
    if (info.exists() && info.isDir())
        return Error::badInput(QStringLiteral("store '%1' is a folder; give the path of a database file, e.g. %1/herald.db").arg(path));
    if (info.exists() && !info.isReadable())
        return Error::badInput(QStringLiteral("store '%1' cannot be read by this user; check the path and its permissions").arg(path));
    // A file nobody here may write (read-only media, a read-only copy): SQLite could not keep its WAL
    // index beside it, and a writer could not commit.
    const QFileInfo folder(info.absolutePath());
    const bool cannotWrite = info.exists() && (!info.isWritable() || !folder.isWritable());
    if (cannotWrite && !readOnly)
        return Error::badInput(QStringLiteral("store '%1' is read-only here (the file or its folder cannot be written, e.g. read-only media); "
                                              "read it with a read command (list, show, stats) or `herald --read-only`, or copy it "
                                              "somewhere writable to change it")
                                   .arg(path));
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs);
    const QFileInfo wal(path + QStringLiteral("-wal"));
    const QFileInfo shm(path + QStringLiteral("-shm"));
    const bool noCommitsInWal = !wal.exists() || wal.size() == 0;
    const QString uri = QStringLiteral("file:") + QString::fromLatin1(QUrl::fromLocalFile(info.absoluteFilePath()).toEncoded(
                                                      QUrl::RemoveScheme | QUrl::RemoveAuthority));
    if (readOnly && noCommitsInWal && (cannotWrite || (changeNothing && !shm.exists()))) {
        // No WAL holds commits beyond the file, and nothing may be written beside it: opened immutable,
        // SQLite takes no lock and creates no -shm or -wal. (An engine that starts writing meanwhile writes
        // to its WAL, which this connection does not see until it is opened again.)
        db.setDatabaseName(uri + QStringLiteral("?immutable=1"));
        options += QStringLiteral(";QSQLITE_OPEN_URI;QSQLITE_OPEN_READONLY");
    } else if (readOnly && changeNothing && shm.exists()) {
        // The WAL is read through its index without writing to it (SQLite rebuilds the index in memory
        // when it cannot take a read mark): the -shm stays byte for byte as it was.
        db.setDatabaseName(uri + QStringLiteral("?mode=ro&readonly_shm=1"));
        options += QStringLiteral(";QSQLITE_OPEN_URI;QSQLITE_OPEN_READONLY");
    } else {
        db.setDatabaseName(path);
        if (readOnly)
            options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    }
    db.setConnectOptions(options);
    return {};
}

QStringList SqliteBackend::sessionSetup(bool readOnly, Durability durability, bool autoCheckpoint) const
{
    QStringList s{QStringLiteral("PRAGMA foreign_keys = ON"), QStringLiteral("PRAGMA temp_store = MEMORY"),
                  QStringLiteral("PRAGMA cache_size = -65536")};
    if (!readOnly) {
        // WAL lets readers (the console) run beside the one writer. NORMAL: a commit survives a crash of
        // the process, and a power loss may take the commits since the last checkpoint; FULL: every commit
        // is flushed to the disk (see Durability.h).
        s << QStringLiteral("PRAGMA journal_mode = WAL")
          << (durability == Durability::Full ? QStringLiteral("PRAGMA synchronous = FULL") : QStringLiteral("PRAGMA synchronous = NORMAL"));
        // A log that grew long (a burst of commits) is cut back to 64 MB when it starts over.
        s << QStringLiteral("PRAGMA journal_size_limit = 67108864");
        if (!autoCheckpoint)
            s << QStringLiteral("PRAGMA wal_autocheckpoint = 0");
    }
    return s;
}

Backend::RestartingCheckpoint SqliteBackend::checkpointRestart() const
{
    // A reader holding an old snapshot (a long export) is not waited for long: the restart is tried
    // again later, and the writers queued behind it go on.
    return {{QStringLiteral("PRAGMA busy_timeout = 50")}, QStringLiteral("PRAGMA wal_checkpoint(RESTART)"),
            {QStringLiteral("PRAGMA busy_timeout = %1").arg(kBusyTimeoutMs)}};
}

BackendCapabilities SqliteBackend::capabilities() const
{
    BackendCapabilities c;
    c.fileBased = true;
    c.singleWriterLock = true;
    c.returning = true;
    c.needsCheckpointer = true;
    c.preparedTransactionControl = true;
    return c;
}

Error SqliteBackend::openError(const StoreUrl &url, const QSqlError &error) const
{
    return Error::badInput(QStringLiteral("cannot open store '%1': %2; check the path and its permissions").arg(url.display(), error.text()));
}

DbErrorKind SqliteBackend::classify(const QSqlError &error) const
{
    // Primary result codes are the low byte of SQLite's extended codes.
    const int code = error.nativeErrorCode().toInt() & 0xff;
    switch (code) {
    case 5:  // SQLITE_BUSY
    case 6:  // SQLITE_LOCKED
        return DbErrorKind::Busy;
    case 13: return DbErrorKind::DiskFull; // SQLITE_FULL
    case 19: return DbErrorKind::Constraint; // SQLITE_CONSTRAINT
    default: break;
    }
    if (error.text().contains(QLatin1String("database or disk is full")))
        return DbErrorKind::DiskFull;
    return DbErrorKind::Other;
}

QString SqliteBackend::jsonObject(const QStringList &keysAndValues) const
{
    return QStringLiteral("json_object(%1)").arg(keysAndValues.join(QStringLiteral(", ")));
}

QString SqliteBackend::listTables() const
{
    return QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
}

QString SqliteBackend::lastGeneratedId(const QString &table) const
{
    // AUTOINCREMENT tables remember their highest id in sqlite_sequence; the others reuse the ids of deleted
    // rows at the top anyway (MAX(rowid) + 1).
    return QStringLiteral("SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '%1'), 0), COALESCE((SELECT MAX(id) FROM %1), 0))")
        .arg(table);
}

QStringList SqliteBackend::continueGeneratedIds(const QString &table, qint64 highest) const
{
    // Inserting an id raises sqlite_sequence to it already; an id handed out to a row that no longer
    // exists must be written there, into a row of its own when the table received none. Only for
    // AUTOINCREMENT tables: the others take MAX(rowid) + 1 whatever sqlite_sequence says.
    return {QStringLiteral("UPDATE sqlite_sequence SET seq = MAX(seq, %2) WHERE name = '%1'").arg(table).arg(highest),
            QStringLiteral("INSERT INTO sqlite_sequence (name, seq) SELECT '%1', %2 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE "
                           "name = '%1') AND EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '%1' AND sql LIKE "
                           "'%AUTOINCREMENT%')")
                .arg(table)
                .arg(highest)};
}

QString SqliteBackend::insertSkippingConflicts(const QString &table, const QString &columns, const QString &placeholders,
                                               const QString &conflictColumns, const QString &where) const
{
    // Not INSERT OR IGNORE: that would also skip rows breaking NOT NULL or CHECK, silently.
    return QStringLiteral("INSERT INTO %1 (%2) VALUES (%3) ON CONFLICT (%4) WHERE %5 DO NOTHING")
        .arg(table, columns, placeholders, conflictColumns, where);
}

QString SqliteBackend::jsonArrayRows(const QString &types) const
{
    QStringList values;
    for (qsizetype i = 0; i < types.size(); ++i)
        values << QStringLiteral("json_extract(value, '$[%1]')").arg(i);
    // json_each walks the array in order; ORDER BY key says so, so the ids follow the input.
    return values.join(QStringLiteral(", ")) + QStringLiteral(" FROM json_each(?) ORDER BY key");
}

QString SqliteBackend::jsonArraySet(const QString &types) const
{
    QStringList values;
    for (qsizetype i = 0; i < types.size(); ++i)
        values << QStringLiteral("json_extract(value, '$[%1]')").arg(i);
    return values.join(QStringLiteral(", ")) + QStringLiteral(" FROM json_each(?)");
}

QString SqliteBackend::upsertAdding(const QString &table, const QString &keyColumns, const QStringList &addedColumns) const
{
    QStringList sets;
    for (const QString &c : addedColumns)
        sets << QStringLiteral("%1 = %2.%1 + excluded.%1").arg(c, table);
    return QStringLiteral(" ON CONFLICT (%1) DO UPDATE SET %2").arg(keyColumns, sets.join(QStringLiteral(", ")));
}

QString SqliteBackend::idListCondition(const QString &column) const
{
    return QStringLiteral("%1 IN (SELECT value FROM json_each(?))").arg(column);
}

QVariant SqliteBackend::idListValue(const QList<qint64> &ids) const
{
    QByteArray json;
    json.reserve(ids.size() * 8 + 2);
    json += '[';
    for (qsizetype i = 0; i < ids.size(); ++i) {
        if (i)
            json += ',';
        json += QByteArray::number(ids[i]);
    }
    json += ']';
    return QString::fromLatin1(json);
}

} // namespace herald
