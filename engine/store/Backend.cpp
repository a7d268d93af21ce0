#include "Backend.h"

#include "store/backend/mysql/MysqlBackend.h"
#include "store/backend/postgres/PostgresBackend.h"
#include "store/backend/sqlite/SqliteBackend.h"

#include <QFile>
#include <QSqlError>

namespace herald {

Result<std::unique_ptr<Backend>> Backend::forUrl(const StoreUrl &url)
{
    switch (url.kind()) {
    case StoreUrl::Kind::Sqlite: return std::unique_ptr<Backend>(std::make_unique<SqliteBackend>());
    case StoreUrl::Kind::Postgres: return std::unique_ptr<Backend>(std::make_unique<PostgresBackend>());
    case StoreUrl::Kind::Mysql: return std::unique_ptr<Backend>(std::make_unique<MysqlBackend>());
    }
    return Error::runtime(QStringLiteral("unknown store kind"));
}

Error Backend::openError(const StoreUrl &url, const QSqlError &error) const
{
    return Error::badInput(QStringLiteral("cannot open store '%1': %2").arg(url.display(), error.text()));
}

Status Backend::checkServer(QSqlDatabase &, const StoreUrl &) const
{
    return {};
}

QString Backend::upsert(const QString &table, const QString &columns, const QString &rows, const QString &conflictColumns,
                       const QList<Assignment> &assignments, const QString &condition) const
{
    // SQLite and PostgreSQL: ON CONFLICT … DO UPDATE … WHERE. (An INSERT … SELECT is no problem for SQLite's
    // parser here: every SELECT given ends in FROM, WHERE or ORDER BY.)
    QString sql = QStringLiteral("INSERT INTO %1 (%2) %3 ON CONFLICT (%4) ").arg(table, columns, rows, conflictColumns);
    if (assignments.isEmpty())
        return sql + QStringLiteral("DO NOTHING");
    QStringList sets;
    for (const Assignment &a : assignments)
        sets << a.column + QStringLiteral(" = ") + a.expression;
    sql += QStringLiteral("DO UPDATE SET ") + sets.join(QStringLiteral(", "));
    if (!condition.isEmpty())
        sql += QStringLiteral(" WHERE ") + condition;
    return sql;
}

QString Backend::updateFromRows(const QString &table, const QString &alias, const QString &aliasColumns, const QString &rowsSelect,
                                const QList<Assignment> &assignments, const QString &condition) const
{
    QStringList sets;
    for (const Assignment &a : assignments)
        sets << a.column + QStringLiteral(" = ") + a.expression;
    return QStringLiteral("WITH %1 (%2) AS (SELECT %3) UPDATE %4 SET %5 FROM %1 WHERE %6")
        .arg(alias, aliasColumns, rowsSelect, table, sets.join(QStringLiteral(", ")), condition);
}

namespace {

// Splits a migration file into statements: each ends with ';' at the end of a line, except inside a
// dollar-quoted body ($$ … $$, PostgreSQL functions) and inside a CREATE TRIGGER … END; block (SQLite).
QStringList splitStatements(const QString &text)
{
    QStringList statements;
    QString current;
    bool inTrigger = false;
    int dollarQuotes = 0;
    for (const QString &line : text.split(QLatin1Char('\n'))) {
        const QString trimmed = line.trimmed();
        if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith(QLatin1String("--"))))
            continue;
        if (current.isEmpty())
            inTrigger = trimmed.startsWith(QLatin1String("CREATE TRIGGER"), Qt::CaseInsensitive) && trimmed.contains(QLatin1String(" BEGIN"));
        dollarQuotes += int(line.count(QLatin1String("$$")));
        current += line + QLatin1Char('\n');
        const bool ends = trimmed.endsWith(QLatin1Char(';')) && dollarQuotes % 2 == 0 &&
                          (!inTrigger || trimmed.compare(QLatin1String("END;"), Qt::CaseInsensitive) == 0);
        if (ends) {
            QString statement = current.trimmed();
            if (!inTrigger)
                statement.chop(1); // the terminating ';' (a trigger keeps its END;)
            statements << statement;
            current.clear();
            inTrigger = false;
        }
    }
    if (!current.trimmed().isEmpty())
        statements << current.trimmed();
    return statements;
}

} // namespace

QStringList Backend::migration(int version) const
{
    QFile file(QStringLiteral(":/herald/store/%1/%2.sql").arg(name()).arg(version, 4, 10, QLatin1Char('0')));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return splitStatements(QString::fromUtf8(file.readAll()));
}

} // namespace herald
