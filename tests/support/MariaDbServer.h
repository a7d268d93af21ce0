#pragma once

// A real MariaDB server for the store tests, started by the test process itself from the binaries of
// Debian's mariadb-server package: mariadb-install-db into /tmp/herald-mariadb-XXXXXX, mariadbd listening
// on 127.0.0.1 only, on a port the OS picked, with its socket in that folder, a user "herald" with a
// random password (over TCP, as a foreign program connects). Durability is off (no binary log, the redo
// log flushed once a second): the server lives as long as the test process.
//
// As root, the server and its tools run as the "mysql" system user (which the mariadb-server package
// creates) through setpriv, and the folder belongs to that user (as PgServer does with "postgres").
//
// Lifetime: shared() starts one server per test process, on its first call (about 2 s). It is stopped
// and its folder removed when the QCoreApplication is destroyed (qAddPostRoutine), and by a watchdog
// (flock(1) on a lock this process holds) when the process dies without getting there.
//
// Threads: shared() and the database functions may be called from any thread; each opens its own
// short-lived connection. stop(), start() and restart() change the server under every connection: call
// them from the test's own thread while nothing else uses the server.
#include "TestServer.h"

#include <QString>
#include <QTemporaryDir>
#include <QVariant>

namespace herald::test {

class MariaDbServer : public TestServer
{
public:
    // The server of this test process, started on the first call, or nullptr and in *error what is missing
    // and how to get it. A failed start is not retried.
    static MariaDbServer *shared(QString *error = nullptr);

    MariaDbServer(const MariaDbServer &) = delete;
    MariaDbServer &operator=(const MariaDbServer &) = delete;

    QString host() const override { return QStringLiteral("127.0.0.1"); }
    int port() const override { return m_port; }
    QString user() const override { return QStringLiteral("herald"); }
    QString password() const override { return m_password; }
    // mysql://herald:<password>@127.0.0.1:<port>/<database>
    QString url(const QString &database) const override;
    QString folder() const { return m_dir.path(); }

    bool createDatabase(const QString &name, QString *error = nullptr);
    bool dropDatabase(const QString &name, QString *error = nullptr);
    // Creates a database no other test uses, herald_t<pid>_<n>, and returns its name; empty on failure.
    QString freshDatabase(QString *error = nullptr) override;
    // SELECT VERSION(); empty on failure.
    QString version(QString *error = nullptr) const;
    bool exec(const QString &database, const QString &sql, QString *error = nullptr) override;
    QString serverName() const override { return QStringLiteral("MySQL/MariaDB"); }

    // SHUTDOWN, waiting until the server has exited.
    bool stop(QString *error = nullptr) override;
    // Starts the stopped server again on the same port.
    bool start(QString *error = nullptr) override;
    bool restart(QString *error = nullptr) override;
    // KILL CONNECTION of every connection to database, waiting until they are gone.
    int terminateBackends(const QString &database, QString *error = nullptr) override;

private:
    MariaDbServer() = default;
    ~MariaDbServer() override;
    static void destroyShared();

    bool setUp(QString *error);
    bool startOnFreePort(QString *error);
    bool launch(QString *error);
    bool waitUntilReady(qint64 logSize, QString *error);
    bool waitUntilGone(QString *error);
    QString logTail() const;
    QStringList asServerUser(const QString &program, const QStringList &arguments) const;
    bool run(const QString &program, const QStringList &arguments, QString *error) const;
    bool query(const QString &sql, QVariantList *firstColumn, QString *error, bool overSocket = false, const QString &database = {}) const;

    QTemporaryDir m_dir{QStringLiteral("/tmp/herald-mariadb-XXXXXX")};
    QString m_serverBinary;
    QString m_installDb;
    QString m_setpriv; // set when running as root: the server runs as the "mysql" user
    QString m_password;
    QString m_superuser; // the OS user of this process, a socket-authenticated superuser of the server
    int m_port = 0;
    qint64 m_pid = 0;
    int m_lockFd = -1; // held while the process lives; its release wakes the watchdog
};

} // namespace herald::test
