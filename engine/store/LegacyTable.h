#pragma once

#include "StoreUrl.h"
#include "model/Result.h"

#include <QList>
#include <QSqlDatabase>
#include <QSqlRecord>
#include <QStringList>

#include <memory>
#include <optional>

namespace herald {

class Backend;

// A table of another system's database read for an import (issue 18): the legacy `event_messages` on
// PostgreSQL, tomorrow `incentive_notify_queue` on MySQL. The connection is set up by the Backend of the
// URL's dialect (so a dialect that Herald stores on can be read from), read-only, inside one snapshot
// (every page sees the table as it was at the first read), and never written.
//
// Threading: a connection of its own, opened in the thread that calls open(), used and closed in that
// thread. Nothing of it is shared with a Store.
class LegacyTable
{
public:
    // Connects and checks that the table exists. The table name may be schema-qualified (letters, digits,
    // '_' and one '.'); it is quoted through the driver. Errors name the source by url.display() (never
    // its password), the problem and what to do.
    static Result<std::unique_ptr<LegacyTable>> open(const StoreUrl &url, const QString &table);
    ~LegacyTable();
    LegacyTable(const LegacyTable &) = delete;
    LegacyTable &operator=(const LegacyTable &) = delete;

    QString table() const { return m_table; }
    // "postgres://user@host:5432/db table event_messages": for reports and the audit log.
    QString describe() const;
    QStringList columns() const { return m_columns; }
    // The required columns the table lacks, in the order given; empty when it has them all.
    QStringList missingColumns(const QStringList &required) const;
    Result<qint64> rowCount();
    // At most limit rows whose integer `keyColumn` is above after (std::nullopt: from the first), in its
    // order: keyset pages.
    Result<QList<QSqlRecord>> rowsAfter(const QString &keyColumn, std::optional<qint64> after, int limit);

private:
    LegacyTable(StoreUrl url, std::unique_ptr<Backend> backend, QString connectionName, QString table);

    const StoreUrl m_url;
    const std::unique_ptr<Backend> m_backend;
    const QString m_connectionName;
    const QString m_table;
    QString m_quotedTable;
    QStringList m_columns;
    QSqlDatabase m_db;
    bool m_inSnapshot = false;
};

} // namespace herald
