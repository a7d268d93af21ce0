#pragma once

#include "model/Result.h"

#include <QString>

namespace herald {

// Names a store (DESIGN §3): "sqlite:/path/to/file.db", a plain path, "postgres://user@host:5432/db",
// "mysql://user@host/db". Passwords in URLs are kept but never shown (see display()).
class StoreUrl
{
public:
    enum class Kind { Sqlite, Postgres, Mysql };

    static Result<StoreUrl> parse(const QString &text);
    static StoreUrl sqlite(const QString &path);

    // --db beats HERALD_DB beats the default store.
    static Result<StoreUrl> resolve(const QString &commandLineValue);
    // QStandardPaths::AppDataLocation/herald.db (the application name must be set first).
    static QString defaultSqlitePath();
    // The demo store of `herald --demo`: beside the default one, never the same file.
    static QString demoSqlitePath();

    Kind kind() const { return m_kind; }
    QString sqlitePath() const { return m_path; } // Sqlite only: absolute file path
    QString host() const { return m_host; }
    int port() const { return m_port; }
    QString user() const { return m_user; }
    QString password() const { return m_password; }
    QString database() const { return m_database; }

    // For messages, the status bar and logs: never the password.
    QString display() const;
    // Whether both name the same store: the same file (through any path or link to it), or the same
    // database on the same host and port, whoever connects. Names of one host that differ (localhost and
    // 127.0.0.1) count as different hosts.
    bool sameStore(const StoreUrl &other) const;

private:
    Kind m_kind = Kind::Sqlite;
    QString m_path;
    QString m_host;
    int m_port = 0;
    QString m_user;
    QString m_password;
    QString m_database;
};

} // namespace herald
