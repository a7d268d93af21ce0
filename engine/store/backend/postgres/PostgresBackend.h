#pragma once

#include "store/Backend.h"

namespace herald {

// The shared store (DESIGN §3.2): PostgreSQL 13 or later through Qt's QPSQL driver; any number of
// engines and consoles on one database.
class PostgresBackend final : public Backend
{
public:
    static constexpr int kOldestServer = 130000; // server_version_num of PostgreSQL 13

    QString name() const override { return QStringLiteral("postgres"); }
    QString driverName() const override { return QStringLiteral("QPSQL"); }
    QString driverPackage() const override { return QStringLiteral("libqt6sql6-psql"); }
    BackendCapabilities capabilities() const override;
    Status configure(QSqlDatabase &db, const StoreUrl &url, bool readOnly, bool changeNothing) const override;
    Error openError(const StoreUrl &url, const QSqlError &error) const override;
    Status checkServer(QSqlDatabase &db, const StoreUrl &url) const override;
    QStringList sessionSetup(bool readOnly, Durability durability, bool autoCheckpoint) const override;
    QString checkpoint() const override { return {}; }
    RestartingCheckpoint checkpointRestart() const override { return {}; }
    QString beginWrite() const override { return QStringLiteral("BEGIN"); }
    QString beginRead() const override { return QStringLiteral("BEGIN"); }
    QStringList beginSnapshot() const override { return {QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")}; }
    QString listTables() const override;
    QString notifyWakeup() const override { return QStringLiteral("SELECT pg_notify('herald_wakeup', CAST(? AS text))"); }
    QString foldCounters() const override { return QStringLiteral("SELECT herald_fold_counts()"); }
    QString storeSize() const override { return QStringLiteral("SELECT pg_database_size(current_database())"); }
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
    QString nullSafeEquals(const QString &column) const override { return column + QStringLiteral(" IS NOT DISTINCT FROM ?"); }
    QString greatest(const QString &a, const QString &b) const override { return QStringLiteral("GREATEST(%1, %2)").arg(a, b); }
    QString least(const QString &a, const QString &b) const override { return QStringLiteral("LEAST(%1, %2)").arg(a, b); }
    QString jsonObject(const QStringList &keysAndValues) const override;
    QString claimLockClause() const override { return QStringLiteral(" FOR UPDATE SKIP LOCKED"); }
    QString rowLockClause() const override { return QStringLiteral(" FOR UPDATE"); }
};

} // namespace herald
