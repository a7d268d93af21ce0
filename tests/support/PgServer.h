#pragma once

// A real PostgreSQL server for the store tests, started by the test process itself from the binaries of
// Debian's postgresql package: a fresh cluster in /tmp/herald-pg-XXXXXX, listening on 127.0.0.1 only, on a
// port the OS picked, with superuser "herald" and a random password (scram-sha-256 over TCP). Durability
// is off (fsync, synchronous_commit, full_page_writes): the cluster lives as long as the test process.
//
// PostgreSQL refuses to run as root: as root, initdb and pg_ctl run as the "postgres" system user (which
// the postgresql package creates) through setpriv, and the folder belongs to that user. psql runs as the
// test's own user and connects over TCP with the password, as a foreign program would.
//
// Lifetime: shared() starts one server per test process, on its first call. It is stopped and its folder
// removed when the QCoreApplication is destroyed (qAddPostRoutine). When the test process dies without
// getting there (a crash, an abort, kill -9, a CTest timeout), a watchdog started beside the server
// (flock(1) waiting on a lock the test process holds; the kernel releases it when the process dies)
// stops the server with "pg_ctl stop -m immediate" and removes the folder (0.25 s after a kill -9 here).
//
// Threads: shared(), the database functions, psql() and version() may be called from any thread; each
// opens its own short-lived connection or process. stop(), start() and restart() change the server
// under every connection: call them from the test's own thread while nothing else uses the server.
#include "TestServer.h"

#include <QString>
#include <QTemporaryDir>
#include <QVariant>

namespace herald::test {

class PgServer : public TestServer
{
public:
    // The server of this test process, started on the first call (1.5 s, nearly all initdb), or nullptr and in
    // *error what is missing and how to get it. A failed start is not retried: later calls fail at once
    // with the same error.
    static PgServer *shared(QString *error = nullptr);

    PgServer(const PgServer &) = delete;
    PgServer &operator=(const PgServer &) = delete;

    QString host() const override { return QStringLiteral("127.0.0.1"); }
    int port() const override { return m_port; }
    QString user() const override { return QStringLiteral("herald"); }
    QString password() const override { return m_password; }
    // postgres://herald:<password>@127.0.0.1:<port>/<database>
    QString url(const QString &database) const override;
    // The temporary folder holding the cluster (data/) and its log (server.log).
    QString folder() const { return m_dir.path(); }

    bool createDatabase(const QString &name, QString *error = nullptr);
    // DROP DATABASE … WITH (FORCE): ends the connections still open to it.
    bool dropDatabase(const QString &name, QString *error = nullptr);
    // Creates a database no other test uses, herald_t<pid>_<n>, and returns its name; empty on failure.
    QString freshDatabase(QString *error = nullptr) override;

    // pg_ctl stop -m fast: ends every connection; the port stops accepting connections.
    bool stop(QString *error = nullptr) override;
    // Starts the stopped server again on the same port.
    bool start(QString *error = nullptr) override;
    // pg_ctl restart -m fast, same port: every open connection breaks.
    bool restart(QString *error = nullptr) override;

    // Ends every client connection to database and waits until their backends are gone, so that the next
    // query on one of them fails. Returns how many it ended, or -1 (and *error) when it could not ask.
    int terminateBackends(const QString &database, QString *error = nullptr) override;

    // Runs sql with the psql program (no psqlrc, ON_ERROR_STOP, unaligned, tuples only: one line per row,
    // fields separated by '|'). *output is psql's standard output without its last newline. False when
    // psql fails; *error then holds its standard error.
    bool psql(const QString &database, const QString &sql, QString *output = nullptr, QString *error = nullptr) const;

    // psql without output.
    bool exec(const QString &database, const QString &sql, QString *error = nullptr) override { return psql(database, sql, nullptr, error); }
    QString serverName() const override { return QStringLiteral("PostgreSQL"); }

    // server_version, e.g. "15.18 (Debian 15.18-0+deb12u1)"; empty on failure.
    QString version(QString *error = nullptr) const;

private:
    PgServer() = default;
    ~PgServer() override;
    static void destroyShared();

    bool setUp(QString *error);
    bool startOnFreePort(QString *error);
    bool pgCtl(const QStringList &arguments, QString *error) const;
    QStringList serverOptions() const;
    QString dataDirectory() const;
    QString logFile() const;
    QString logTail() const;
    bool runTool(const QString &tool, const QStringList &arguments, QString *output, QString *error) const;
    QStringList asServerUser(const QString &program, const QStringList &arguments) const;
    bool query(const QString &sql, const QVariantList &values, QVariantList *firstColumn, QString *error) const;

    QTemporaryDir m_dir{QStringLiteral("/tmp/herald-pg-XXXXXX")};
    QString m_binDir;
    QString m_setpriv; // set when running as root: the tools then run as the "postgres" user
    QString m_password;
    int m_port = 0;
    int m_lockFd = -1; // held while the process lives; its release wakes the watchdog
    bool m_running = false;
};

} // namespace herald::test
