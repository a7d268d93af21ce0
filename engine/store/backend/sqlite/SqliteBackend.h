#pragma once

#include "store/Backend.h"

namespace herald {

// The embedded store: one file, one writer (BEGIN IMMEDIATE), WAL for readers beside it.
class SqliteBackend final : public Backend
{
public:
    // How long a statement waits for another connection's lock before it fails as busy.
    static constexpr int kBusyTimeoutMs = 5000;

    QString name() const override { return QStringLiteral("sqlite"); }
    QString driverName() const override { return QStringLiteral("QSQLITE"); }
    QString driverPackage() const override { return QStringLiteral("libqt6sql6-sqlite"); }
    BackendCapabilities capabilities() const override;
    Status configure(QSqlDatabase &db, const StoreUrl &url, bool readOnly, bool changeNothing) const override;
    Error openError(const StoreUrl &url, const QSqlError &error) const override;
    QStringList sessionSetup(bool readOnly, Durability durability, bool autoCheckpoint) const override;
    QString checkpoint() const override { return QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"); }
    RestartingCheckpoint checkpointRestart() const override;
    QString beginWrite() const override { return QStringLiteral("BEGIN IMMEDIATE"); }
    QString beginRead() const override { return QStringLiteral("BEGIN"); }
    QString listTables() const override;
    QString backupInto() const override { return QStringLiteral("VACUUM INTO ?"); }
    QString storeSize() const override { return QStringLiteral("SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"); }
    QString lastGeneratedId(const QString &table) const override;
    QStringList continueGeneratedIds(const QString &table, qint64 highest) const override;
    DbErrorKind classify(const QSqlError &error) const override;
    QString insertSkippingConflicts(const QString &table, const QString &columns, const QString &placeholders,
                                    const QString &conflictColumns, const QString &where) const override;
    QString upsertAdding(const QString &table, const QString &keyColumns, const QStringList &addedColumns) const override;
    QString idListCondition(const QString &column) const override;
    QVariant idListValue(const QList<qint64> &ids) const override;
    QString jsonArrayRows(const QString &types) const override;
    QString jsonArraySet(const QString &types) const override;
    QString returningId() const override { return QStringLiteral(" RETURNING id"); }
    QString nullSafeEquals(const QString &column) const override { return column + QStringLiteral(" IS ?"); }
    QString greatest(const QString &a, const QString &b) const override { return QStringLiteral("MAX(%1, %2)").arg(a, b); }
    QString least(const QString &a, const QString &b) const override { return QStringLiteral("MIN(%1, %2)").arg(a, b); }
    QString jsonObject(const QStringList &keysAndValues) const override;
    QString claimLockClause() const override { return {}; } // BEGIN IMMEDIATE already holds the only write lock
    QString rowLockClause() const override { return {}; }   // the same
    QString betweenBulkChunks() const override { return QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"); }
};

} // namespace herald
