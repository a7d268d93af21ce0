#pragma once

#include "store/Backend.h"

#include <atomic>
#include <optional>

namespace herald {

// A shared store on MySQL 8.0.1+ or MariaDB 10.6+ (DESIGN §3): Qt's QMYSQL driver, InnoDB tables in
// utf8mb4 with binary collation, a session in ANSI mode (double-quoted identifiers, || concatenates, no
// backslash escapes) at READ COMMITTED. Claims select with FOR UPDATE SKIP LOCKED and update by primary
// key in the same transaction; engines poll (there is no LISTEN/NOTIFY).
//
// Stateless but for the server's flavour, learned in checkServer() on the store's own connection.
class MysqlBackend final : public Backend
{
public:
    // What the server said it is, from SELECT VERSION(): "8.0.36", "10.11.6-MariaDB-0+deb12u1".
    struct ServerVersion
    {
        bool mariadb = false;
        int major = 0;
        int minor = 0;
        int patch = 0;
    };
    static std::optional<ServerVersion> parseServerVersion(const QString &text);
    // Empty when Herald can use the server; otherwise why not (for a person: the version and the reason).
    static QString refusal(const ServerVersion &version);

    QString name() const override { return QStringLiteral("mysql"); }
    QString driverName() const override { return QStringLiteral("QMYSQL"); }
    QString driverPackage() const override { return QStringLiteral("libqt6sql6-mysql"); }
    BackendCapabilities capabilities() const override;
    Status configure(QSqlDatabase &db, const StoreUrl &url, bool readOnly, bool changeNothing) const override;
    Error openError(const StoreUrl &url, const QSqlError &error) const override;
    Status checkServer(QSqlDatabase &db, const StoreUrl &url) const override;
    QStringList sessionSetup(bool readOnly, Durability durability, bool autoCheckpoint) const override;
    QString checkpoint() const override { return {}; }
    RestartingCheckpoint checkpointRestart() const override { return {}; }
    QString beginWrite() const override { return QStringLiteral("START TRANSACTION"); }
    QString beginRead() const override { return QStringLiteral("START TRANSACTION"); }
    // The session runs at READ COMMITTED; a consistent snapshot needs REPEATABLE READ (for the next
    // transaction only).
    QStringList beginSnapshot() const override
    {
        return {QStringLiteral("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"),
                QStringLiteral("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")};
    }
    QString listTables() const override;
    QString storeSize() const override;
    QString reclaimSpace() const override { return {}; }
    QString lastGeneratedId(const QString &table) const override;
    QStringList continueGeneratedIds(const QString &table, qint64 highest) const override;
    DbErrorKind classify(const QSqlError &error) const override;
    QString insertSkippingConflicts(const QString &table, const QString &columns, const QString &placeholders,
                                    const QString &conflictColumns, const QString &where) const override;
    QString upsert(const QString &table, const QString &columns, const QString &rows, const QString &conflictColumns,
                   const QList<Assignment> &assignments, const QString &condition = {}) const override;
    QString updateFromRows(const QString &table, const QString &alias, const QString &aliasColumns, const QString &rowsSelect,
                           const QList<Assignment> &assignments, const QString &condition) const override;
    QString intDivide(const QString &a, const QString &b) const override { return QStringLiteral("%1 DIV %2").arg(a, b); }
    QString castInteger(const QString &expression) const override { return QStringLiteral("CAST(%1 AS SIGNED)").arg(expression); }
    QString upsertAdding(const QString &table, const QString &keyColumns, const QStringList &addedColumns) const override;
    QString idListCondition(const QString &column) const override;
    QVariant idListValue(const QList<qint64> &ids) const override;
    QString jsonArrayRows(const QString &types) const override;
    QString jsonArraySet(const QString &types) const override;
    // MariaDB has INSERT … RETURNING, but it also returns the existing row of an ON DUPLICATE KEY UPDATE
    // that changed nothing: the driver's insert id and the affected-row count tell the two apart.
    QString returningId() const override { return {}; }
    QString nullSafeEquals(const QString &column) const override { return column + QStringLiteral(" <=> ?"); }
    QString greatest(const QString &a, const QString &b) const override { return QStringLiteral("GREATEST(%1, %2)").arg(a, b); }
    QString least(const QString &a, const QString &b) const override { return QStringLiteral("LEAST(%1, %2)").arg(a, b); }
    QString jsonObject(const QStringList &keysAndValues) const override;
    QString claimLockClause() const override { return QStringLiteral(" FOR UPDATE SKIP LOCKED"); }
    QString rowLockClause() const override { return QStringLiteral(" FOR UPDATE"); }

private:
    mutable std::atomic<bool> m_mariadb = false; // set by checkServer()
};

} // namespace herald
