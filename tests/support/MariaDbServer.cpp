#include "MariaDbServer.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QMutex>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>
#include <QThread>
#include <QUrl>

#include <array>
#include <atomic>

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace herald::test {

namespace {

const QString kDeps = u"scripts/deps.sh"_s;
const QString kServerUser = u"mysql"_s;
constexpr int kStartAttempts = 5;
constexpr int kToolTimeoutMs = 90'000;
constexpr int kReadyTimeoutMs = 60'000;

MariaDbServer *s_shared = nullptr; // guarded by s_sharedMutex
QString s_sharedError;             // guarded by s_sharedMutex
bool s_sharedTried = false;        // guarded by s_sharedMutex
QMutex s_sharedMutex;

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

QString findTool(const QStringList &names)
{
    for (const QString &name : names) {
        QString path = QStandardPaths::findExecutable(name);
        if (path.isEmpty())
            path = QStandardPaths::findExecutable(name, {u"/usr/sbin"_s, u"/usr/bin"_s, u"/usr/local/sbin"_s, u"/usr/local/bin"_s});
        if (!path.isEmpty())
            return path;
    }
    return {};
}

int freeLoopbackPort(QString *error)
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0)) {
        fail(error, u"cannot listen on 127.0.0.1 to find a free port: %1"_s.arg(probe.errorString()));
        return 0;
    }
    return probe.serverPort();
}

QString newPassword()
{
    std::array<quint32, 4> words;
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    QString password;
    for (const quint32 word : words)
        password += u"%1"_s.arg(word, 8, 16, QLatin1Char('0'));
    return password;
}

} // namespace

MariaDbServer *MariaDbServer::shared(QString *error)
{
    QMutexLocker lock(&s_sharedMutex);
    if (!s_sharedTried) {
        s_sharedTried = true;
        auto *server = new MariaDbServer;
        if (server->setUp(&s_sharedError)) {
            s_shared = server;
            qAddPostRoutine(&MariaDbServer::destroyShared);
        } else {
            s_sharedError = u"cannot start a MariaDB server for the tests: "_s + s_sharedError;
            delete server;
        }
    }
    if (!s_shared && error)
        *error = s_sharedError;
    return s_shared;
}

void MariaDbServer::destroyShared()
{
    QMutexLocker lock(&s_sharedMutex);
    delete s_shared;
    s_shared = nullptr;
}

MariaDbServer::~MariaDbServer()
{
    if (m_pid > 0) {
        // The data is thrown away next: no clean shutdown needed.
        ::kill(pid_t(m_pid), SIGKILL);
        for (int i = 0; i < 500 && ::kill(pid_t(m_pid), 0) == 0; ++i)
            QThread::msleep(10); // waiting for the process to be reaped by its parent (init), not for a test condition
    }
    m_dir.remove();
    if (m_lockFd >= 0)
        ::close(m_lockFd);
}

bool MariaDbServer::setUp(QString *error)
{
    if (!QSqlDatabase::isDriverAvailable(u"QMYSQL"_s))
        return fail(error, u"the Qt MySQL driver QMYSQL is not available: install libqt6sql6-mysql (%1)"_s.arg(kDeps));
    m_serverBinary = findTool({u"mariadbd"_s, u"mysqld"_s});
    m_installDb = findTool({u"mariadb-install-db"_s, u"mysql_install_db"_s});
    if (m_serverBinary.isEmpty() || m_installDb.isEmpty())
        return fail(error, u"mariadbd or mariadb-install-db not found: install mariadb-server (%1)"_s.arg(kDeps));
    const QString flock = QStandardPaths::findExecutable(u"flock"_s);
    if (flock.isEmpty())
        return fail(error, u"flock not found: install util-linux"_s);
    if (!m_dir.isValid())
        return fail(error, u"cannot create a temporary folder in /tmp: %1"_s.arg(m_dir.errorString()));
    if (::geteuid() == 0) {
        const passwd *account = ::getpwnam(qPrintable(kServerUser));
        if (!account)
            return fail(error, u"running as root, and there is no \"%1\" user to run MariaDB as: install mariadb-server (%2), which "
                               "creates that user, or run the tests as a normal user"_s.arg(kServerUser, kDeps));
        m_setpriv = QStandardPaths::findExecutable(u"setpriv"_s);
        if (m_setpriv.isEmpty())
            return fail(error, u"running as root, and setpriv (to run MariaDB as the \"%1\" user) was not found: install util-linux"_s
                                   .arg(kServerUser));
        if (::chown(QFile::encodeName(m_dir.path()).constData(), account->pw_uid, account->pw_gid) != 0)
            return fail(error, u"cannot give %1 to the \"%2\" user: %3"_s.arg(m_dir.path(), kServerUser, qt_error_string()));
    }

    // The watchdog: when this process ends however it ends, kill the server (found by its pid file) and
    // remove the folder.
    const QString lockPath = m_dir.filePath(u"watchdog.lock"_s);
    m_lockFd = ::open(QFile::encodeName(lockPath).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m_lockFd < 0 || ::flock(m_lockFd, LOCK_EX) != 0)
        return fail(error, u"cannot lock %1: %2"_s.arg(lockPath, qt_error_string()));
    QProcess watchdog;
    watchdog.setProgram(flock);
    watchdog.setArguments({lockPath, u"/bin/sh"_s, u"-c"_s,
                           u"[ -d \"$1\" ] || exit 0; [ -f \"$1/server.pid\" ] && kill -9 \"$(cat \"$1/server.pid\")\"; rm -rf -- \"$1\""_s,
                           u"herald-mariadb-watchdog"_s, m_dir.path()});
    watchdog.setWorkingDirectory(u"/"_s);
    watchdog.setStandardInputFile(QProcess::nullDevice());
    watchdog.setStandardOutputFile(QProcess::nullDevice());
    watchdog.setStandardErrorFile(QProcess::nullDevice());
    if (!watchdog.startDetached())
        return fail(error, u"cannot start the watchdog %1: %2"_s.arg(flock, watchdog.errorString()));

    if (!run(m_installDb, {u"--no-defaults"_s, u"--datadir="_s + m_dir.filePath(u"data"_s), u"--auth-root-authentication-method=socket"_s,
                           u"--skip-test-db"_s, u"--skip-name-resolve"_s},
             error))
        return false;
    if (!startOnFreePort(error))
        return false;
    m_password = newPassword();
    // Over the socket as the superuser that install-db made, authenticated by the OS user (unix_socket):
    // root, and the user that ran it.
    const passwd *me = ::getpwuid(::geteuid());
    m_superuser = me ? QString::fromLocal8Bit(me->pw_name) : u"root"_s;
    return query(u"CREATE USER 'herald'@'127.0.0.1' IDENTIFIED BY '%1'"_s.arg(m_password), nullptr, error, true)
           && query(u"GRANT ALL PRIVILEGES ON *.* TO 'herald'@'127.0.0.1' WITH GRANT OPTION"_s, nullptr, error, true);
}

bool MariaDbServer::startOnFreePort(QString *error)
{
    QString failure;
    for (int attempt = 1; attempt <= kStartAttempts; ++attempt) {
        m_port = freeLoopbackPort(error);
        if (m_port == 0)
            return false;
        if (launch(&failure))
            return true;
        if (!logTail().contains(u"Address already in use"_s))
            return fail(error, failure);
    }
    return fail(error, u"%1 ports in a row were taken between finding them free and the server binding them; the last attempt: %2"_s
                           .arg(kStartAttempts)
                           .arg(failure));
}

bool MariaDbServer::launch(QString *error)
{
    const QStringList arguments{u"--no-defaults"_s,
                                u"--datadir="_s + m_dir.filePath(u"data"_s),
                                u"--socket="_s + m_dir.filePath(u"server.sock"_s),
                                u"--pid-file="_s + m_dir.filePath(u"server.pid"_s),
                                u"--log-error="_s + m_dir.filePath(u"server.log"_s),
                                u"--port=%1"_s.arg(m_port),
                                u"--bind-address=127.0.0.1"_s,
                                u"--tmpdir="_s + m_dir.path(),
                                u"--skip-name-resolve"_s,
                                u"--skip-log-bin"_s,
                                u"--innodb-flush-log-at-trx-commit=0"_s,
                                u"--innodb-buffer-pool-size=64M"_s,
                                u"--innodb-log-file-size=32M"_s,
                                u"--max-connections=300"_s,
                                u"--character-set-server=utf8mb4"_s,
                                u"--collation-server=utf8mb4_bin"_s};
    const QStringList command = asServerUser(m_serverBinary, arguments);
    QProcess server;
    server.setProgram(command.first());
    server.setArguments(command.mid(1));
    server.setWorkingDirectory(m_dir.path());
    server.setStandardInputFile(QProcess::nullDevice());
    server.setStandardOutputFile(QProcess::nullDevice());
    server.setStandardErrorFile(QProcess::nullDevice());
    const qint64 logSize = QFileInfo(m_dir.filePath(u"server.log"_s)).size();
    if (!server.startDetached(&m_pid))
        return fail(error, u"cannot start %1: %2"_s.arg(m_serverBinary, server.errorString()));
    if (waitUntilReady(logSize, error))
        return true;
    ::kill(pid_t(m_pid), SIGKILL);
    m_pid = 0;
    return false;
}

bool MariaDbServer::waitUntilReady(qint64 logSize, QString *error)
{
    // The server says "ready for connections" in its log once it listens (after what the log held before
    // this start); until then (or its death) we look again every 20 ms. Not a test's wait: the harness
    // waiting for a child process to start.
    QDeadlineTimer deadline(kReadyTimeoutMs);
    while (!deadline.hasExpired()) {
        QFile log(m_dir.filePath(u"server.log"_s));
        if (log.open(QIODevice::ReadOnly) && log.seek(logSize) && log.readAll().contains("ready for connections"))
            return true;
        if (::kill(pid_t(m_pid), 0) != 0)
            return fail(error, u"mariadbd exited while starting; its log ended with:\n%1"_s.arg(logTail()));
        QThread::msleep(20);
    }
    return fail(error, u"mariadbd did not become ready within %1 s; its log ended with:\n%2"_s.arg(kReadyTimeoutMs / 1000).arg(logTail()));
}

bool MariaDbServer::waitUntilGone(QString *error)
{
    // The harness waiting for its server process to exit (init reaps it: it was started detached).
    QDeadlineTimer deadline(kReadyTimeoutMs);
    while (::kill(pid_t(m_pid), 0) == 0) {
        if (deadline.hasExpired())
            return fail(error, u"mariadbd did not stop within %1 s; its log ended with:\n%2"_s.arg(kReadyTimeoutMs / 1000).arg(logTail()));
        QThread::msleep(20);
    }
    m_pid = 0;
    return true;
}

bool MariaDbServer::stop(QString *error)
{
    if (m_pid <= 0)
        return true;
    if (!query(u"SHUTDOWN"_s, nullptr, error, true))
        return false;
    return waitUntilGone(error);
}

bool MariaDbServer::start(QString *error)
{
    return m_pid > 0 || launch(error);
}

bool MariaDbServer::restart(QString *error)
{
    return stop(error) && start(error);
}

int MariaDbServer::terminateBackends(const QString &database, QString *error)
{
    // Over the socket, as the superuser: its own connection is not among the TCP ones it kills.
    QVariantList ids;
    if (!query(u"SELECT id FROM information_schema.processlist WHERE db = '%1' AND id <> CONNECTION_ID()"_s.arg(database), &ids, error, true))
        return -1;
    for (const QVariant &id : std::as_const(ids)) {
        QString failure;
        // A connection that ended by itself meanwhile is no error (1094: unknown thread id).
        if (!query(u"KILL CONNECTION %1"_s.arg(id.toLongLong()), nullptr, &failure, true) && !failure.contains(u"1094"_s)) {
            fail(error, failure);
            return -1;
        }
    }
    if (ids.isEmpty())
        return 0;
    QStringList killed;
    for (const QVariant &id : std::as_const(ids))
        killed << QString::number(id.toLongLong());
    // The harness waiting for the server to end the killed threads, not a test's wait.
    QDeadlineTimer deadline(kReadyTimeoutMs);
    for (;;) {
        QVariantList left;
        if (!query(u"SELECT COUNT(*) FROM information_schema.processlist WHERE id IN (%1)"_s.arg(killed.join(u',')), &left, error, true))
            return -1;
        if (left.value(0).toLongLong() == 0)
            break;
        if (deadline.hasExpired()) {
            fail(error, u"%1 killed connections to %2 were still there after %3 s"_s.arg(left.value(0).toLongLong()).arg(database).arg(kReadyTimeoutMs / 1000));
            return -1;
        }
        QThread::msleep(20);
    }
    return int(ids.size());
}

QString MariaDbServer::logTail() const
{
    QFile log(m_dir.filePath(u"server.log"_s));
    if (!log.open(QIODevice::ReadOnly))
        return u"(no log: %1)"_s.arg(log.errorString());
    const QStringList lines = QString::fromUtf8(log.readAll()).trimmed().split(u'\n');
    return (lines.size() > 15 ? lines.mid(lines.size() - 15) : lines).join(u'\n');
}

QStringList MariaDbServer::asServerUser(const QString &program, const QStringList &arguments) const
{
    if (m_setpriv.isEmpty())
        return QStringList{program} + arguments;
    return QStringList{m_setpriv, u"--reuid="_s + kServerUser, u"--regid="_s + kServerUser, u"--init-groups"_s, u"--"_s, program}
           + arguments;
}

bool MariaDbServer::run(const QString &program, const QStringList &arguments, QString *error) const
{
    const QStringList command = asServerUser(program, arguments);
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setWorkingDirectory(m_dir.path());
    // Its own temporary files in its own folder: two test processes installing at once collide in /tmp.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(u"TMPDIR"_s, m_dir.path());
    process.setProcessEnvironment(environment);
    process.start(command.first(), command.mid(1));
    if (!process.waitForStarted())
        return fail(error, u"cannot run %1: %2"_s.arg(command.first(), process.errorString()));
    process.closeWriteChannel();
    if (!process.waitForFinished(kToolTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        return fail(error, u"%1 did not finish within %2 s"_s.arg(program).arg(kToolTimeoutMs / 1000));
    }
    const QString output = QString::fromLocal8Bit(process.readAll()).trimmed();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return fail(error, u"%1 failed (exit code %2): %3"_s.arg(command.join(u' ')).arg(process.exitCode()).arg(output));
    return true;
}

QString MariaDbServer::url(const QString &database) const
{
    QUrl url;
    url.setScheme(u"mysql"_s);
    url.setUserName(user());
    url.setPassword(m_password);
    url.setHost(host());
    url.setPort(m_port);
    url.setPath(u'/' + database);
    return url.toString(QUrl::FullyEncoded);
}

bool MariaDbServer::createDatabase(const QString &name, QString *error)
{
    return query(u"CREATE DATABASE `%1` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"_s.arg(name), nullptr, error);
}

bool MariaDbServer::dropDatabase(const QString &name, QString *error)
{
    return query(u"DROP DATABASE IF EXISTS `%1`"_s.arg(name), nullptr, error);
}

QString MariaDbServer::freshDatabase(QString *error)
{
    static std::atomic<int> counter = 0;
    const QString name = u"herald_t%1_%2"_s.arg(QCoreApplication::applicationPid()).arg(++counter);
    return createDatabase(name, error) ? name : QString();
}

QString MariaDbServer::version(QString *error) const
{
    QVariantList version;
    return query(u"SELECT VERSION()"_s, &version, error) ? version.value(0).toString() : QString();
}

bool MariaDbServer::exec(const QString &database, const QString &sql, QString *error)
{
    return query(sql, nullptr, error, false, database);
}

bool MariaDbServer::query(const QString &sql, QVariantList *firstColumn, QString *error, bool overSocket, const QString &database) const
{
    static std::atomic<int> connections = 0;
    const QString name = u"herald-mariadbserver-%1"_s.arg(++connections);
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QMYSQL"_s, name);
        if (overSocket) {
            db.setUserName(m_superuser);
            db.setConnectOptions(u"UNIX_SOCKET="_s + m_dir.filePath(u"server.sock"_s));
        } else {
            db.setHostName(host());
            db.setPort(m_port);
            db.setUserName(user());
            db.setPassword(m_password);
        }
        if (!database.isEmpty())
            db.setDatabaseName(database);
        if (!db.open()) {
            fail(error, u"cannot connect to the test MariaDB server at %1:%2: %3"_s.arg(host()).arg(m_port).arg(db.lastError().text()));
        } else {
            QSqlQuery query(db);
            if (!query.exec(sql)) {
                fail(error, u"the test MariaDB server refused %1: %2"_s.arg(sql.simplified(), query.lastError().text()));
            } else {
                while (firstColumn && query.next())
                    firstColumn->append(query.value(0));
                ok = true;
            }
        }
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

} // namespace herald::test
