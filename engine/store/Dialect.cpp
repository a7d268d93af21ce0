#include "Dialect.h"

#include "SqliteDialect.h"

namespace herald {

Result<std::unique_ptr<Dialect>> Dialect::forUrl(const StoreUrl &url)
{
    switch (url.kind()) {
    case StoreUrl::Kind::Sqlite: return std::unique_ptr<Dialect>(std::make_unique<SqliteDialect>());
    case StoreUrl::Kind::Postgres:
        return Error::badInput(QStringLiteral("store '%1': PostgreSQL stores are not available in this version of Herald; "
                                              "use a SQLite file path for now")
                                   .arg(url.display()));
    case StoreUrl::Kind::Mysql:
        return Error::badInput(QStringLiteral("store '%1': MySQL/MariaDB stores are not available in this version of Herald; "
                                              "use a SQLite file path for now")
                                   .arg(url.display()));
    }
    return Error::runtime(QStringLiteral("unknown store kind"));
}

} // namespace herald
