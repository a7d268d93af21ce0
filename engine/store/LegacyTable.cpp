// A legacy queue's table read for an import: its own connection, read-only, one snapshot, keyset pages.
#include "LegacyTable.h"

#include "Backend.h"

#include <QAtomicInteger>
#include <QRegularExpression>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlField>
#include <QSqlQuery>

namespace herald {

namespace {

// ---- SQL (the table and key column are quoted identifiers, checked before they are used)
const QString kCountRows = QStringLiteral("SELECT COUNT(*) FROM %1");
const QString kRowsAfter = QStringLiteral("SELECT * FROM %1 WHERE %2 > ? ORDER BY %2 LIMIT ?");
// The first page binds no key: the column's type (integer, bigint) bounds what a bound value may be.
const QString kFirstRows = QStringLiteral("SELECT * FROM %1 ORDER BY %2 LIMIT ?");

QString newConnectionName()
{
    static QAtomicInteger<quint64> counter;
    return QStringLiteral("herald-legacy-%1").arg(counter.fetchAndAddRelaxed(1));
}

} // namespace

LegacyTable::LegacyTable(StoreUrl url, std::unique_ptr<Backend> backend, QString connectionName, QString table)
    : m_url(std::move(url)), m_backend(std::move(backend)), m_connectionName(std::move(connectionName)), m_table(std::move(table))
{
}

LegacyTable::~LegacyTable()
{
    if (m_inSnapshot) {
        QSqlQuery q(m_db);
        q.exec(QStringLiteral("COMMIT"));
    }
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

Result<std::unique_ptr<LegacyTable>> LegacyTable::open(const StoreUrl &url, const QString &table)
{
    static const QRegularExpression plainName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?$"));
    if (!plainName.match(table).hasMatch())
        return Error::badInput(QStringLiteral("table '%1' is not a plain table name; give letters, digits and '_' (optionally schema.table)").arg(table));
    auto backend = Backend::forUrl(url);
    if (!backend)
        return backend.error();
    std::unique_ptr<LegacyTable> t(new LegacyTable(url, std::move(backend).value(), newConnectionName(), table));
    t->m_db = QSqlDatabase::addDatabase(t->m_backend->driverName(), t->m_connectionName);
    if (!t->m_db.isValid())
        return Error::runtime(QStringLiteral("reading '%1' needs the Qt SQL driver %2, which is not installed; install it (Debian: %3)")
                                  .arg(url.display(), t->m_backend->driverName(), t->m_backend->driverPackage()));
    if (auto s = t->m_backend->configure(t->m_db, url, true, true); !s)
        return s.error();
    if (!t->m_db.open())
        return Error::badInput(QStringLiteral("cannot connect to the source '%1': %2; check the URL (user, password, host, port, database) and "
                                              "that the server runs")
                                   .arg(url.display(), t->m_db.lastError().text().simplified()));
    for (const QString &setup : t->m_backend->sessionSetup(true, Durability::Normal, true)) {
        QSqlQuery q(t->m_db);
        if (!q.exec(setup))
            return Error::runtime(QStringLiteral("source '%1': %2 failed: %3").arg(url.display(), setup, q.lastError().text().simplified()));
    }
    for (const QString &statement : t->m_backend->beginSnapshot()) {
        QSqlQuery q(t->m_db);
        if (!q.exec(statement))
            return Error::runtime(QStringLiteral("source '%1': cannot start a read: %2").arg(url.display(), q.lastError().text().simplified()));
    }
    t->m_inSnapshot = true;
    const QSqlRecord record = t->m_db.record(table);
    if (record.isEmpty())
        return Error::badInput(QStringLiteral("source '%1' has no table '%2' (or this user may not read it); name the table with --table")
                                   .arg(url.display(), table));
    for (int i = 0; i < record.count(); ++i)
        t->m_columns << record.fieldName(i).toLower();
    t->m_quotedTable = t->m_db.driver()->escapeIdentifier(table, QSqlDriver::TableName);
    return t;
}

QString LegacyTable::describe() const
{
    return QStringLiteral("%1 table %2").arg(m_url.display(), m_table);
}

QStringList LegacyTable::missingColumns(const QStringList &required) const
{
    QStringList missing;
    for (const QString &c : required)
        if (!m_columns.contains(c))
            missing << c;
    return missing;
}

Result<qint64> LegacyTable::rowCount()
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    if (!q.exec(kCountRows.arg(m_quotedTable)) || !q.next())
        return Error::runtime(QStringLiteral("source %1: counting rows failed: %2").arg(describe(), q.lastError().text().simplified()));
    return q.value(0).toLongLong();
}

Result<QList<QSqlRecord>> LegacyTable::rowsAfter(const QString &keyColumn, std::optional<qint64> after, int limit)
{
    if (!m_columns.contains(keyColumn))
        return Error::badInput(QStringLiteral("source %1 has no column '%2'").arg(describe(), keyColumn));
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    q.prepare((after ? kRowsAfter : kFirstRows).arg(m_quotedTable, m_db.driver()->escapeIdentifier(keyColumn, QSqlDriver::FieldName)));
    if (after)
        q.addBindValue(*after);
    q.addBindValue(limit);
    if (!q.exec())
        return Error::runtime(QStringLiteral("source %1: reading rows failed: %2").arg(describe(), q.lastError().text().simplified()));
    QList<QSqlRecord> rows;
    while (q.next())
        rows << q.record();
    return rows;
}

} // namespace herald
