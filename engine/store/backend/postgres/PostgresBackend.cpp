#include "store/backend/postgres/PostgresBackend.h"

#include <QSqlError>
#include <QSqlQuery>

namespace herald {

BackendCapabilities PostgresBackend::capabilities() const
{
    BackendCapabilities c;
    c.listenNotify = true;
    c.skipLocked = true;
    c.returning = true;
    c.modifyingCte = true;
    return c;
}

Status PostgresBackend::configure(QSqlDatabase &db, const StoreUrl &url, bool, bool) const
{
    if (url.database().isEmpty())
        return Error::badInput(QStringLiteral("store '%1' names no database; add one, e.g. postgres://user@host:5432/herald").arg(url.display()));
    db.setHostName(url.host().isEmpty() ? QStringLiteral("localhost") : url.host());
    db.setPort(url.port() > 0 ? url.port() : 5432);
    db.setDatabaseName(url.database());
    if (!url.user().isEmpty())
        db.setUserName(url.user());
    // Without a password in the URL, libpq reads PGPASSWORD or ~/.pgpass itself.
    if (!url.password().isEmpty())
        db.setPassword(url.password());
    db.setConnectOptions(QStringLiteral("connect_timeout=5;application_name=herald"));
    return {};
}

Error PostgresBackend::openError(const StoreUrl &url, const QSqlError &error) const
{
    const QString text = error.text();
    const QString where = QStringLiteral("%1:%2").arg(url.host().isEmpty() ? QStringLiteral("localhost") : url.host()).arg(url.port() > 0 ? url.port() : 5432);
    if (text.contains(QLatin1String("password authentication failed")) || text.contains(QLatin1String("no password supplied")))
        return Error::badInput(QStringLiteral("cannot open store '%1': the server refused user '%2' (wrong or missing password); give the "
                                              "password in the URL, in PGPASSWORD or in ~/.pgpass")
                                   .arg(url.display(), url.user()));
    if (text.contains(QLatin1String("does not exist")) && text.contains(QLatin1String("database")))
        return Error::badInput(QStringLiteral("cannot open store '%1': the server has no database '%2'; create it (createdb %2, or CREATE "
                                              "DATABASE %2) and run `heraldctl --db %1 init`")
                                   .arg(url.display(), url.database()));
    if (text.contains(QLatin1String("too many clients")) || text.contains(QLatin1String("remaining connection slots")))
        return Error::runtime(QStringLiteral("cannot open store '%1': the server at %2 has no free connections (max_connections reached); "
                                             "try again later, or raise max_connections")
                                  .arg(url.display(), where)).asTransient();
    if (text.contains(QLatin1String("Connection refused")) || text.contains(QLatin1String("could not connect")) ||
        text.contains(QLatin1String("timeout expired")) || text.contains(QLatin1String("could not translate host name")) ||
        text.contains(QLatin1String("the database system is")))
        return Error::badInput(QStringLiteral("cannot open store '%1': no PostgreSQL server answers at %2 (%3); check that it runs and that "
                                             "host and port are right")
                                  .arg(url.display(), where, text.simplified())).asTransient();
    return Error::badInput(QStringLiteral("cannot open store '%1': %2").arg(url.display(), text.simplified()));
}

Status PostgresBackend::checkServer(QSqlDatabase &db, const StoreUrl &url) const
{
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SHOW server_version_num")) || !q.next())
        return Error::runtime(QStringLiteral("store '%1': cannot read the server's version: %2").arg(url.display(), q.lastError().text()));
    const int version = q.value(0).toInt();
    if (version < kOldestServer)
        return Error::badInput(QStringLiteral("store '%1': the server is PostgreSQL %2.%3, and Herald needs 13 or later; upgrade the server")
                                   .arg(url.display())
                                   .arg(version / 10000)
                                   .arg(version % 10000));
    return {};
}

QStringList PostgresBackend::sessionSetup(bool readOnly, Durability, bool) const
{
    QStringList s{QStringLiteral("SET TIME ZONE 'UTC'"), QStringLiteral("SET standard_conforming_strings = on"),
                  QStringLiteral("SET client_min_messages = warning")};
    if (readOnly)
        s << QStringLiteral("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
    return s;
}

QString PostgresBackend::listTables() const
{
    return QStringLiteral("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() "
                          "AND table_type = 'BASE TABLE' ORDER BY table_name");
}

QString PostgresBackend::lastGeneratedId(const QString &table) const
{
    // The identity's sequence (pg_sequences.last_value is NULL until it hands out a value), or MAX(id) for
    // rows inserted with ids of their own.
    return QStringLiteral("SELECT GREATEST(COALESCE((SELECT MAX(id) FROM %1), 0), COALESCE((SELECT s.last_value FROM pg_sequences s "
                          "WHERE format('%I.%I', s.schemaname, s.sequencename) = pg_get_serial_sequence('%1', 'id')), 0))")
        .arg(table);
}

QStringList PostgresBackend::continueGeneratedIds(const QString &table, qint64 highest) const
{
    // An identity column's sequence knows nothing of ids given explicitly: the next nextval() would collide.
    return {QStringLiteral("SELECT setval(pg_get_serial_sequence('%1', 'id'), CAST(%2 AS BIGINT))").arg(table).arg(highest)};
}

DbErrorKind PostgresBackend::classify(const QSqlError &error) const
{
    // SQLSTATE codes (PostgreSQL appendix A).
    const QString code = error.nativeErrorCode();
    if (code == QLatin1String("40P01"))
        return DbErrorKind::Deadlock;
    if (code == QLatin1String("40001"))
        return DbErrorKind::SerializationFailure;
    if (code == QLatin1String("55P03"))
        return DbErrorKind::Busy; // lock_not_available
    if (code.startsWith(QLatin1String("23")))
        return DbErrorKind::Constraint;
    if (code == QLatin1String("53100"))
        return DbErrorKind::DiskFull;
    if (code.startsWith(QLatin1String("08")) || code == QLatin1String("57P01") || code == QLatin1String("57P02") ||
        code == QLatin1String("57P03") || code == QLatin1String("53300"))
        return DbErrorKind::Unavailable;
    const QString text = error.text();
    if (code.isEmpty() && (text.contains(QLatin1String("server closed the connection")) || text.contains(QLatin1String("no connection to the server")) ||
                           text.contains(QLatin1String("terminating connection")) || text.contains(QLatin1String("could not connect")) ||
                           text.contains(QLatin1String("Connection refused")) || text.contains(QLatin1String("connection to server"))))
        return DbErrorKind::Unavailable;
    return DbErrorKind::Other;
}

QString PostgresBackend::insertSkippingConflicts(const QString &table, const QString &columns, const QString &placeholders,
                                                 const QString &conflictColumns, const QString &where) const
{
    return QStringLiteral("INSERT INTO %1 (%2) VALUES (%3) ON CONFLICT (%4) WHERE %5 DO NOTHING")
        .arg(table, columns, placeholders, conflictColumns, where);
}

QString PostgresBackend::upsertAdding(const QString &table, const QString &keyColumns, const QStringList &addedColumns) const
{
    QStringList sets;
    for (const QString &c : addedColumns)
        sets << QStringLiteral("%1 = %2.%1 + excluded.%1").arg(c, table);
    return QStringLiteral(" ON CONFLICT (%1) DO UPDATE SET %2").arg(keyColumns, sets.join(QStringLiteral(", ")));
}

QString PostgresBackend::idListCondition(const QString &column) const
{
    return QStringLiteral("%1 = ANY(CAST(? AS BIGINT[]))").arg(column);
}

QVariant PostgresBackend::idListValue(const QList<qint64> &ids) const
{
    QByteArray text;
    text.reserve(ids.size() * 8 + 2);
    text += '{';
    for (qsizetype i = 0; i < ids.size(); ++i) {
        if (i)
            text += ',';
        text += QByteArray::number(ids[i]);
    }
    text += '}';
    return QString::fromLatin1(text);
}

QString PostgresBackend::jsonArrayRows(const QString &types) const
{
    QStringList values;
    for (qsizetype i = 0; i < types.size(); ++i) {
        const QString element = QStringLiteral("(r.e ->> %1)").arg(i);
        switch (types.at(i).toLatin1()) {
        case 'i': values << QStringLiteral("CAST(%1 AS BIGINT)").arg(element); break;
        case 'r': values << QStringLiteral("CAST(%1 AS DOUBLE PRECISION)").arg(element); break;
        default: values << element; break;
        }
    }
    // jsonb: the array is parsed once; on json every ->> would parse its element's text again, once
    // per column (string values come back exactly as sent either way).
    return values.join(QStringLiteral(", ")) + QStringLiteral(" FROM jsonb_array_elements(CAST(? AS jsonb)) WITH ORDINALITY AS r(e, i) ORDER BY r.i");
}

QString PostgresBackend::jsonArraySet(const QString &types) const
{
    const QString rows = jsonArrayRows(types);
    return rows.left(rows.indexOf(QLatin1String(" WITH ORDINALITY"))) + QStringLiteral(" AS r(e)");
}

QString PostgresBackend::jsonObject(const QStringList &keysAndValues) const
{
    return QStringLiteral("json_build_object(%1)").arg(keysAndValues.join(QStringLiteral(", ")));
}

} // namespace herald
