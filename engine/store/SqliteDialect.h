#pragma once

#include "Dialect.h"

namespace herald {

class SqliteDialect final : public Dialect
{
public:
    QString driverName() const override { return QStringLiteral("QSQLITE"); }
    Status configure(QSqlDatabase &db, const StoreUrl &url, bool readOnly, bool changeNothing) const override;
    QStringList sessionSetup(bool readOnly, Durability durability, bool autoCheckpoint) const override;
    QString checkpoint() const override { return QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"); }
    QString beginWrite() const override { return QStringLiteral("BEGIN IMMEDIATE"); }
    QString beginRead() const override { return QStringLiteral("BEGIN"); }
    int latestSchemaVersion() const override;
    QStringList migration(int version) const override;
    QString listTables() const override;
    QString insertSkippingConflicts(const QString &table, const QString &columns, const QString &placeholders,
                                    const QString &conflictColumns, const QString &where) const override;
    QString idListCondition(const QString &column) const override;
    QVariant idListValue(const QList<qint64> &ids) const override;
    QString jsonArrayRows(int columns) const override;
    QString claimLockClause() const override { return {}; } // BEGIN IMMEDIATE already holds the only write lock
    QString rowLockClause() const override { return {}; }   // the same
    QString betweenBulkChunks() const override { return QStringLiteral("PRAGMA wal_checkpoint(PASSIVE)"); }
};

} // namespace herald
