#include "store/backend/mysql/MysqlBackend.h"

#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>

namespace herald {

namespace {

// Native error numbers (MySQL and MariaDB share them).
constexpr int kLockWaitTimeout = 1205;
constexpr int kDeadlock = 1213;
constexpr int kLockNowait = 3572; // NOWAIT could not lock
constexpr int kDuplicateKey = 1062;
constexpr int kForeignKeyParent = 1451;
constexpr int kForeignKeyChild = 1452;
constexpr int kCheckFailed = 3819;
constexpr int kCheckFailedMariaDb = 4025; // ER_CONSTRAINT_FAILED
constexpr int kNullColumn = 1048;
constexpr int kTableFull = 1114;
constexpr int kDiskFull = 1021;
constexpr int kServerGone = 2006;
constexpr int kServerLost = 2013;
constexpr int kCannotConnect = 2002;
constexpr int kCannotConnectTcp = 2003;
constexpr int kUnknownHost = 2005;
constexpr int kTooManyConnections = 1040;
constexpr int kShutdown = 1053;
constexpr int kAccessDenied = 1045;
constexpr int kUnknownDatabase = 1049;
constexpr int kQueryInterrupted = 1927; // MariaDB: connection killed

int nativeCode(const QSqlError &error)
{
    return error.nativeErrorCode().toInt();
}

QString hostAndPort(const StoreUrl &url)
{
    return QStringLiteral("%1:%2").arg(url.host().isEmpty() ? QStringLiteral("localhost") : url.host()).arg(url.port() > 0 ? url.port() : 3306);
}

} // namespace

std::optional<MysqlBackend::ServerVersion> MysqlBackend::parseServerVersion(const QString &text)
{
    // MariaDB 10 and later said "5.5.5-10.x.y-MariaDB" to old clients through the protocol's greeting;
    // VERSION() gives "10.x.y-MariaDB…". Both forms are read.
    static const QRegularExpression number(QStringLiteral("^(?:5\\.5\\.5-)?(\\d+)\\.(\\d+)\\.(\\d+)"));
    const QRegularExpressionMatch m = number.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    ServerVersion v;
    v.mariadb = text.contains(QLatin1String("MariaDB"), Qt::CaseInsensitive);
    v.major = m.captured(1).toInt();
    v.minor = m.captured(2).toInt();
    v.patch = m.captured(3).toInt();
    return v;
}

QString MysqlBackend::refusal(const ServerVersion &v)
{
    const auto older = [&v](int major, int minor, int patch) {
        return std::tie(v.major, v.minor, v.patch) < std::tie(major, minor, patch);
    };
    const QString version = QStringLiteral("%1 %2.%3.%4").arg(v.mariadb ? QStringLiteral("MariaDB") : QStringLiteral("MySQL")).arg(v.major).arg(v.minor).arg(v.patch);
    if (v.mariadb && older(10, 6, 0))
        return QStringLiteral("the server is %1, and Herald needs MariaDB 10.6 or later: engines claim messages with FOR UPDATE "
                              "SKIP LOCKED and bulk writes read JSON_TABLE, which older MariaDB lacks; upgrade the server")
            .arg(version);
    if (!v.mariadb && older(8, 0, 1))
        return QStringLiteral("the server is %1, and Herald needs MySQL 8.0.1 or later: engines claim messages with FOR UPDATE "
                              "SKIP LOCKED, which older MySQL lacks; upgrade the server")
            .arg(version);
    return {};
}

BackendCapabilities MysqlBackend::capabilities() const
{
    BackendCapabilities c;
    c.skipLocked = true;
    c.updateReturning = false;
    c.insertIdIsFirstRow = true;
    return c;
}

Status MysqlBackend::configure(QSqlDatabase &db, const StoreUrl &url, bool, bool) const
{
    if (url.database().isEmpty())
        return Error::badInput(QStringLiteral("store '%1' names no database; add one, e.g. mysql://user@host:3306/herald").arg(url.display()));
    db.setHostName(url.host().isEmpty() ? QStringLiteral("localhost") : url.host());
    db.setPort(url.port() > 0 ? url.port() : 3306);
    db.setDatabaseName(url.database());
    if (!url.user().isEmpty())
        db.setUserName(url.user());
    if (!url.password().isEmpty())
        db.setPassword(url.password());
    // A lost connection is reported and the store reconnects itself (StoreThread): no silent reconnect
    // in the driver, which would lose the session's settings and any open transaction.
    db.setConnectOptions(QStringLiteral("MYSQL_OPT_CONNECT_TIMEOUT=5;MYSQL_OPT_READ_TIMEOUT=120;MYSQL_OPT_WRITE_TIMEOUT=120"));
    return {};
}

Error MysqlBackend::openError(const StoreUrl &url, const QSqlError &error) const
{
    const QString text = error.text().simplified();
    switch (nativeCode(error)) {
    case kAccessDenied:
        return Error::badInput(QStringLiteral("cannot open store '%1': the server refused user '%2' (wrong or missing password, or no "
                                              "grant from this host); give the password in the URL and check the user's grants")
                                   .arg(url.display(), url.user()));
    case kUnknownDatabase:
        return Error::badInput(QStringLiteral("cannot open store '%1': the server has no database '%2'; create it (CREATE DATABASE %2) "
                                              "and run `heraldctl --db %1 init`")
                                   .arg(url.display(), url.database()));
    case kTooManyConnections:
        return Error::runtime(QStringLiteral("cannot open store '%1': the server at %2 has no free connections (max_connections "
                                             "reached); try again later, or raise max_connections")
                                  .arg(url.display(), hostAndPort(url)))
            .asTransient();
    case kCannotConnect:
    case kCannotConnectTcp:
    case kUnknownHost:
    case kServerGone:
    case kServerLost:
        return Error::badInput(QStringLiteral("cannot open store '%1': no MySQL/MariaDB server answers at %2 (%3); check that it runs "
                                              "and that host and port are right")
                                   .arg(url.display(), hostAndPort(url), text))
            .asTransient();
    default: break;
    }
    return Error::badInput(QStringLiteral("cannot open store '%1': %2").arg(url.display(), text));
}

Status MysqlBackend::checkServer(QSqlDatabase &db, const StoreUrl &url) const
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SELECT VERSION(), @@innodb_autoinc_lock_mode")) || !q.next())
        return Error::runtime(QStringLiteral("store '%1': cannot read the server's version: %2").arg(url.display(), q.lastError().text()));
    const QString text = q.value(0).toString();
    const int autoincLockMode = q.value(1).toInt();
    const auto version = parseServerVersion(text);
    if (!version)
        return Error::badInput(QStringLiteral("store '%1': the server's version '%2' is not one of MySQL or MariaDB; Herald needs MySQL "
                                              "8.0.1+ or MariaDB 10.6+")
                                   .arg(url.display(), text));
    if (const QString why = refusal(*version); !why.isEmpty())
        return Error::badInput(QStringLiteral("store '%1': %2").arg(url.display(), why));
    // A bulk enqueue reads its rows' ids from the first one: under "interleaved" auto-increment locking
    // (MySQL 8's default, 2) another session's bulk insert may take ids between them.
    if (autoincLockMode >= 2)
        return Error::badInput(QStringLiteral("store '%1': the server hands out auto-increment ids interleaved between concurrent bulk "
                                              "inserts (innodb_autoinc_lock_mode = %2), and Herald reads a bulk enqueue's ids as one "
                                              "run; set innodb_autoinc_lock_mode = 1 in the server's configuration and restart it")
                                   .arg(url.display())
                                   .arg(autoincLockMode));
    m_mariadb = version->mariadb;
    return {};
}

QStringList MysqlBackend::sessionSetup(bool readOnly, Durability, bool) const
{
    // ANSI_QUOTES and PIPES_AS_CONCAT: the store's portable SQL ("key", a || b); NO_BACKSLASH_ESCAPES: a
    // backslash in a literal is itself (LIKE … ESCAPE '\'); strict: a value that does not fit is an error,
    // never truncated.
    QStringList s{QStringLiteral("SET SESSION sql_mode = 'ANSI_QUOTES,PIPES_AS_CONCAT,NO_BACKSLASH_ESCAPES,STRICT_ALL_TABLES,"
                                 "NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO'"),
                  QStringLiteral("SET NAMES utf8mb4 COLLATE utf8mb4_bin"), QStringLiteral("SET time_zone = '+00:00'"),
                  // As PostgreSQL: each statement sees what committed before it; claims skip locked rows.
                  QStringLiteral("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"),
                  // Waits for a row lock end well before the engine's leases do; the transaction is retried.
                  QStringLiteral("SET SESSION innodb_lock_wait_timeout = 10"),
                  // JSON_TABLE results and GROUP_CONCAT of id lists are not cut at 1 kB.
                  QStringLiteral("SET SESSION group_concat_max_len = 67108864")};
    // Synthetic rows (benchmarks, demo volumes) are numbered by a recursive WITH, in chunks of up to
    // 200,000: both servers stop one at 1,000 rows by default.
    s << (m_mariadb ? QStringLiteral("SET SESSION max_recursive_iterations = 1000000") : QStringLiteral("SET SESSION cte_max_recursion_depth = 1000000"));
    if (!m_mariadb)
        s << QStringLiteral("SET SESSION information_schema_stats_expiry = 0"); // AUTO_INCREMENT as it is now
    if (readOnly)
        s << QStringLiteral("SET SESSION TRANSACTION READ ONLY");
    return s;
}

QString MysqlBackend::listTables() const
{
    return QStringLiteral("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
                          "AND table_type = 'BASE TABLE' ORDER BY table_name");
}

QString MysqlBackend::storeSize() const
{
    return QStringLiteral("SELECT COALESCE(SUM(data_length + index_length), 0) FROM information_schema.tables WHERE table_schema = DATABASE()");
}

QString MysqlBackend::lastGeneratedId(const QString &table) const
{
    // The table's next AUTO_INCREMENT value less one, or MAX(id) for rows inserted with ids of their own.
    return QStringLiteral("SELECT GREATEST(COALESCE((SELECT MAX(id) FROM %1), 0), COALESCE((SELECT auto_increment - 1 FROM "
                          "information_schema.tables WHERE table_schema = DATABASE() AND table_name = '%1'), 0))")
        .arg(table);
}

QStringList MysqlBackend::continueGeneratedIds(const QString &table, qint64 highest) const
{
    // InnoDB never sets it below MAX(id) + 1. (An ALTER TABLE commits the transaction it runs in.)
    return {QStringLiteral("ALTER TABLE %1 AUTO_INCREMENT = %2").arg(table).arg(highest + 1)};
}

DbErrorKind MysqlBackend::classify(const QSqlError &error) const
{
    switch (nativeCode(error)) {
    case kDeadlock: return DbErrorKind::Deadlock;
    case kLockWaitTimeout:
    case kLockNowait: return DbErrorKind::Busy;
    case kDuplicateKey:
    case kForeignKeyParent:
    case kForeignKeyChild:
    case kCheckFailed:
    case kCheckFailedMariaDb:
    case kNullColumn: return DbErrorKind::Constraint;
    case kTableFull:
    case kDiskFull: return DbErrorKind::DiskFull;
    case kServerGone:
    case kServerLost:
    case kCannotConnect:
    case kCannotConnectTcp:
    case kUnknownHost:
    case kTooManyConnections:
    case kShutdown:
    case kQueryInterrupted: return DbErrorKind::Unavailable;
    default: break;
    }
    return DbErrorKind::Other;
}

QString MysqlBackend::insertSkippingConflicts(const QString &table, const QString &columns, const QString &placeholders,
                                              const QString &conflictColumns, const QString &) const
{
    // Not INSERT IGNORE: that would also turn NOT NULL and foreign-key errors into warnings. A no-op
    // update on a duplicate key affects no row, so the caller sees nothing inserted. (The unique index
    // holds NULL keys any number of times: the partial index's condition needs no counterpart.)
    const QString column = conflictColumns.section(QLatin1Char(','), -1).trimmed();
    return QStringLiteral("INSERT INTO %1 (%2) VALUES (%3) ON DUPLICATE KEY UPDATE %4 = %1.%4").arg(table, columns, placeholders, column);
}

QString MysqlBackend::upsertAdding(const QString &table, const QString &keyColumns, const QStringList &addedColumns) const
{
    Q_UNUSED(keyColumns) // ON DUPLICATE KEY acts on the table's primary key, which is this key
    QStringList sets;
    for (const QString &c : addedColumns)
        sets << QStringLiteral("%1 = %2.%1 + VALUES(%1)").arg(c, table);
    return QStringLiteral(" ON DUPLICATE KEY UPDATE ") + sets.join(QStringLiteral(", "));
}

QString MysqlBackend::upsert(const QString &table, const QString &columns, const QString &rows, const QString &conflictColumns,
                             const QList<Assignment> &assignments, const QString &condition) const
{
    // ON DUPLICATE KEY UPDATE: the proposed row's values are VALUES(column) (MariaDB and MySQL both; MySQL
    // 8.0.20 deprecates it for an alias that MariaDB lacks). It acts on a duplicate of any unique key, which
    // in Herald's tables is the conflict key.
    static const QRegularExpression excluded(QStringLiteral("\\bexcluded\\.(\\w+)"));
    const QString sql = QStringLiteral("INSERT INTO %1 (%2) %3 ON DUPLICATE KEY UPDATE ").arg(table, columns, rows);
    if (assignments.isEmpty()) {
        const QString key = conflictColumns.section(QLatin1Char(','), 0, 0).trimmed();
        return sql + QStringLiteral("%2 = %1.%2").arg(table, key);
    }
    const auto translate = [&](QString expression) { return expression.replace(excluded, QStringLiteral("VALUES(\\1)")); };
    // MySQL assigns left to right, and a later expression sees the columns assigned before it. The
    // condition must see the row as it was, and its bound values must appear once: it is evaluated in the
    // first assignment, kept in a session variable, and every assignment keeps the old value unless it held.
    QStringList sets;
    for (const Assignment &a : assignments) {
        QString value = translate(a.expression);
        if (!condition.isEmpty()) {
            const QString test = sets.isEmpty() ? QStringLiteral("(@herald_upsert := (%1))").arg(translate(condition)) : QStringLiteral("@herald_upsert");
            value = QStringLiteral("IF(%1, %2, %3.%4)").arg(test, value, table, a.column);
        }
        sets << QStringLiteral("%1 = %2").arg(a.column, value);
    }
    return sql + sets.join(QStringLiteral(", "));
}

QString MysqlBackend::updateFromRows(const QString &table, const QString &alias, const QString &aliasColumns, const QString &rowsSelect,
                                     const QList<Assignment> &assignments, const QString &condition) const
{
    // A multi-table UPDATE joined to a derived table (MariaDB takes no WITH before UPDATE; a WITH inside the
    // derived table names the columns on both). The targets are qualified: the rows may share their names.
    // The condition goes in the WHERE, after the assignments, not in an ON before them: the values are
    // bound by position, in the order the other dialects take them (rows, assignments, condition).
    QStringList sets;
    for (const Assignment &a : assignments)
        sets << QStringLiteral("%1.%2 = %3").arg(table, a.column, a.expression);
    return QStringLiteral("UPDATE %1 JOIN (WITH %2 (%3) AS (SELECT %4) SELECT * FROM %2) AS %2 SET %6 WHERE %5")
        .arg(table, alias, aliasColumns, rowsSelect, condition, sets.join(QStringLiteral(", ")));
}

QString MysqlBackend::idListCondition(const QString &column) const
{
    return QStringLiteral("%1 IN (SELECT j.v FROM JSON_TABLE(?, '$[*]' COLUMNS (v BIGINT PATH '$')) AS j)").arg(column);
}

QVariant MysqlBackend::idListValue(const QList<qint64> &ids) const
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

namespace {

QString jsonTable(const QString &types, bool ordered)
{
    QStringList columns;
    if (ordered)
        columns << QStringLiteral("i FOR ORDINALITY");
    for (qsizetype i = 0; i < types.size(); ++i) {
        QString type;
        switch (types.at(i).toLatin1()) {
        case 'i': type = QStringLiteral("BIGINT"); break;
        case 'r': type = QStringLiteral("DOUBLE"); break;
        default: type = QStringLiteral("LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"); break;
        }
        columns << QStringLiteral("c%1 %2 PATH '$[%1]'").arg(i).arg(type);
    }
    return QStringLiteral("JSON_TABLE(?, '$[*]' COLUMNS (%1)) AS r").arg(columns.join(QStringLiteral(", ")));
}

QString jsonValues(const QString &types)
{
    QStringList values;
    for (qsizetype i = 0; i < types.size(); ++i)
        values << QStringLiteral("r.c%1").arg(i);
    return values.join(QStringLiteral(", "));
}

} // namespace

QString MysqlBackend::jsonArrayRows(const QString &types) const
{
    return jsonValues(types) + QStringLiteral(" FROM ") + jsonTable(types, true) + QStringLiteral(" ORDER BY r.i");
}

QString MysqlBackend::jsonArraySet(const QString &types) const
{
    return jsonValues(types) + QStringLiteral(" FROM ") + jsonTable(types, false);
}

QString MysqlBackend::jsonObject(const QStringList &keysAndValues) const
{
    return QStringLiteral("JSON_OBJECT(%1)").arg(keysAndValues.join(QStringLiteral(", ")));
}

} // namespace herald
