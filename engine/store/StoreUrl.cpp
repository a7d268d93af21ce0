#include "StoreUrl.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUrl>

namespace herald {

StoreUrl StoreUrl::sqlite(const QString &path)
{
    StoreUrl u;
    u.m_kind = Kind::Sqlite;
    u.m_path = QFileInfo(path).absoluteFilePath();
    return u;
}

Result<StoreUrl> StoreUrl::parse(const QString &text)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return Error::badInput(QStringLiteral("the store is empty; give a file path, sqlite:/path/file.db, postgres://… or mysql://…"));
    const qsizetype colon = t.indexOf(QLatin1Char(':'));
    const QString scheme = colon > 1 ? t.left(colon).toLower() : QString();
    if (scheme.isEmpty() || (!t.mid(colon).startsWith(QLatin1String("://")) && scheme != QLatin1String("sqlite")))
        return sqlite(t); // a plain path (a one-letter "scheme" would be a drive letter)
    if (scheme == QLatin1String("sqlite")) {
        QString path = t.mid(colon + 1);
        if (path.startsWith(QLatin1String("//")))
            path = QUrl(t).path(); // sqlite:///abs/path
        if (path.isEmpty())
            return Error::badInput(QStringLiteral("store '%1' has no file path; write e.g. sqlite:/var/lib/herald/herald.db").arg(text));
        return sqlite(path);
    }
    Kind kind;
    if (scheme == QLatin1String("postgres") || scheme == QLatin1String("postgresql"))
        kind = Kind::Postgres;
    else if (scheme == QLatin1String("mysql") || scheme == QLatin1String("mariadb"))
        kind = Kind::Mysql;
    else
        return Error::badInput(QStringLiteral("store '%1' has the unknown scheme '%2'; use a file path, sqlite:, postgres:// or mysql://")
                                   .arg(text, scheme));
    const QUrl url(t, QUrl::StrictMode);
    // Errors show the URL without its password.
    const QString shown = url.isValid() ? url.toDisplayString(QUrl::RemovePassword) : scheme + QStringLiteral("://…");
    if (!url.isValid() || url.host().isEmpty())
        return Error::badInput(QStringLiteral("store '%1' is not a valid URL; write e.g. %2://user@localhost/herald").arg(shown, scheme));
    StoreUrl u;
    u.m_kind = kind;
    u.m_host = url.host();
    u.m_port = url.port(0);
    u.m_user = url.userName();
    u.m_password = url.password();
    u.m_database = url.path().mid(1);
    if (u.m_database.isEmpty())
        return Error::badInput(QStringLiteral("store '%1' names no database; add it after the host, e.g. %2://%3/herald")
                                   .arg(shown, scheme, url.host()));
    return u;
}

Result<StoreUrl> StoreUrl::resolve(const QString &commandLineValue)
{
    if (!commandLineValue.isEmpty())
        return parse(commandLineValue);
    const QString env = qEnvironmentVariable("HERALD_DB");
    if (!env.isEmpty()) {
        auto u = parse(env);
        if (!u)
            return Error::badInput(QStringLiteral("HERALD_DB: ") + u.errorString());
        return u;
    }
    return sqlite(defaultSqlitePath());
}

QString StoreUrl::defaultSqlitePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/herald.db");
}

QString StoreUrl::demoSqlitePath()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + QStringLiteral("/demo.db");
}

QString StoreUrl::display() const
{
    switch (m_kind) {
    case Kind::Sqlite: return m_path;
    case Kind::Postgres:
    case Kind::Mysql: {
        QString s = (m_kind == Kind::Postgres ? QStringLiteral("postgres://") : QStringLiteral("mysql://"));
        if (!m_user.isEmpty())
            s += m_user + QLatin1Char('@');
        s += m_host;
        if (m_port > 0)
            s += QLatin1Char(':') + QString::number(m_port);
        return s + QLatin1Char('/') + m_database;
    }
    }
    return {};
}

bool StoreUrl::sameStore(const StoreUrl &other) const
{
    if (m_kind != other.m_kind)
        return false;
    if (m_kind == Kind::Sqlite) {
        const auto canonical = [](const QString &path) {
            const QFileInfo info(path);
            return info.exists() ? info.canonicalFilePath() : info.absoluteFilePath();
        };
        return canonical(m_path) == canonical(other.m_path);
    }
    const int defaultPort = m_kind == Kind::Postgres ? 5432 : 3306;
    const auto host = [](const QString &h) { return h.isEmpty() ? QStringLiteral("localhost") : h.toLower(); };
    return host(m_host) == host(other.m_host) && (m_port > 0 ? m_port : defaultPort) == (other.m_port > 0 ? other.m_port : defaultPort) &&
           m_database == other.m_database;
}

} // namespace herald
