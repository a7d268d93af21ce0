#include "PgServer.h"

#include <QCoreApplication>
#include <QDir>
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
#include <QUrl>
#include <QVersionNumber>

#include <array>
#include <atomic>

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <unistd.h>

using namespace Qt::StringLiterals;

namespace herald::test {

namespace {

const QString kDeps = u"scripts/deps.sh"_s;
const QString kServerUser = u"postgres"_s;
constexpr int kStartAttempts = 5;
constexpr int kToolTimeoutMs = 90'000; // pg_ctl gives up after 30 s (-t 30) on its own
constexpr int kPsqlTimeoutMs = 120'000;

// Ends the connections of a database and waits (up to 10 s each) until their backends have exited.
// The subquery keeps pg_backend_pid() filtering before pg_terminate_backend runs: never ourselves.
const QString kTerminateBackends = uR"(
SELECT count(*) FILTER (WHERE ended)
FROM (SELECT pg_terminate_backend(pid, 10000) AS ended
      FROM pg_stat_activity
      WHERE datname = ? AND pid <> pg_backend_pid() AND backend_type = 'client backend') AS s)"_s;
const QString kServerVersion = u"SHOW server_version"_s;

PgServer *s_shared = nullptr; // guarded by s_sharedMutex
QString s_sharedError;        // guarded by s_sharedMutex
bool s_sharedTried = false;   // guarded by s_sharedMutex
QMutex s_sharedMutex;

bool fail(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return false;
}

QString quotedIdentifier(QString name)
{
    return u"\"%1\""_s.arg(name.replace(u'"', u"\"\""_s));
}

// The environment of every tool we run: libpq reads PGHOST, PGPORT, PGSSLMODE… and pg_ctl PGDATA, so the
// caller's must not steer our programs to another server.
QProcessEnvironment toolEnvironment()
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QStringList keys = environment.keys();
    for (const QString &key : keys) {
        if (key.startsWith(u"PG"_s))
            environment.remove(key);
    }
    return environment;
}

// Debian installs each major version side by side under /usr/lib/postgresql/<version>/bin; the newest
// wins. pg_config --bindir covers other layouts.
bool findBinDir(QString *binDir, QString *error)
{
    const QDir root(u"/usr/lib/postgresql"_s);
    QVersionNumber newest;
    const QStringList versions = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : versions) {
        const QVersionNumber version = QVersionNumber::fromString(entry);
        if (!version.isNull() && version > newest && QFileInfo::exists(root.filePath(entry + u"/bin/initdb"_s))) {
            newest = version;
            *binDir = root.filePath(entry + u"/bin"_s);
        }
    }
    if (binDir->isEmpty()) {
        const QString pgConfig = QStandardPaths::findExecutable(u"pg_config"_s);
        if (!pgConfig.isEmpty()) {
            QProcess process;
            process.start(pgConfig, {u"--bindir"_s});
            if (process.waitForFinished(30'000) && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0)
                *binDir = QString::fromLocal8Bit(process.readAllStandardOutput()).trimmed();
        }
    }
    if (binDir->isEmpty())
        return fail(error, u"initdb not found: no /usr/lib/postgresql/<version>/bin/initdb and no pg_config on PATH; install postgresql (%1)"_s
                               .arg(kDeps));
    for (const QString &tool : {u"initdb"_s, u"pg_ctl"_s, u"postgres"_s, u"psql"_s}) {
        if (!QFileInfo(*binDir + u'/' + tool).isExecutable())
            return fail(error, u"%1 not found in %2: install postgresql (%3)"_s.arg(tool, *binDir, kDeps));
    }
    return true;
}

// A port nobody listens on now. Another process may take it before the server binds it:
// startOnFreePort() then tries another.
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

PgServer *PgServer::shared(QString *error)
{
    QMutexLocker lock(&s_sharedMutex);
    if (!s_sharedTried) {
        s_sharedTried = true;
        auto *server = new PgServer;
        if (server->setUp(&s_sharedError)) {
            s_shared = server;
            qAddPostRoutine(&PgServer::destroyShared);
        } else {
            s_sharedError = u"cannot start a PostgreSQL server for the tests: "_s + s_sharedError;
            delete server;
        }
    }
    if (!s_shared && error)
        *error = s_sharedError;
    return s_shared;
}

void PgServer::destroyShared()
{
    QMutexLocker lock(&s_sharedMutex);
    delete s_shared;
    s_shared = nullptr;
}

PgServer::~PgServer()
{
    if (QFileInfo::exists(dataDirectory() + u"/postmaster.pid"_s)) {
        // Immediate: the data is thrown away next. Should this fail, the postmaster still shuts itself
        // down within a minute of its folder's removal (it rechecks its postmaster.pid every minute).
        QString error;
        if (!pgCtl({u"stop"_s, u"-m"_s, u"immediate"_s, u"-w"_s, u"-D"_s, dataDirectory()}, &error))
            qWarning("PgServer: %s", qPrintable(error));
    }
    m_dir.remove();
    if (m_lockFd >= 0)
        ::close(m_lockFd); // the watchdog wakes, finds no folder and exits
}

bool PgServer::setUp(QString *error)
{
    if (!QSqlDatabase::isDriverAvailable(u"QPSQL"_s))
        return fail(error, u"the Qt PostgreSQL driver QPSQL is not available: install libqt6sql6-psql (%1)"_s.arg(kDeps));
    if (!findBinDir(&m_binDir, error))
        return false;
    const QString flock = QStandardPaths::findExecutable(u"flock"_s);
    if (flock.isEmpty())
        return fail(error, u"flock not found: install util-linux"_s);
    if (!m_dir.isValid())
        return fail(error, u"cannot create a temporary folder in /tmp: %1"_s.arg(m_dir.errorString()));

    // As root, the folder (0700, in /tmp which everyone can traverse) and what initdb reads become the
    // server user's.
    uid_t serverUid = 0;
    gid_t serverGid = 0;
    const auto giveToServerUser = [&](const QString &path) {
        return m_setpriv.isEmpty() || ::chown(QFile::encodeName(path).constData(), serverUid, serverGid) == 0
                   || fail(error, u"cannot give %1 to the \"%2\" user: %3"_s.arg(path, kServerUser, qt_error_string()));
    };
    if (::geteuid() == 0) {
        const passwd *account = ::getpwnam(qPrintable(kServerUser));
        if (!account)
            return fail(error, u"running as root, which PostgreSQL refuses, and there is no \"%1\" user to run it as: install "
                               "postgresql (%2), which creates that user, or run the tests as a normal user"_s.arg(kServerUser, kDeps));
        serverUid = account->pw_uid;
        serverGid = account->pw_gid;
        m_setpriv = QStandardPaths::findExecutable(u"setpriv"_s);
        if (m_setpriv.isEmpty())
            return fail(error, u"running as root, and setpriv (to run PostgreSQL as the \"%1\" user) was not found: install util-linux"_s
                                   .arg(kServerUser));
    }
    if (!giveToServerUser(m_dir.path()))
        return false;

    // The watchdog: flock(1) waits for the lock this process holds until it ends, however it ends, then
    // stops the server and removes the folder. Detached, in its own session and without our standard
    // streams, so that neither a terminal's Ctrl-C nor CTest (which waits for the test's output to close)
    // waits for or kills it. Started before initdb so that a crash during initdb is cleaned up too.
    const QString lockPath = m_dir.filePath(u"watchdog.lock"_s);
    m_lockFd = ::open(QFile::encodeName(lockPath).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m_lockFd < 0 || ::flock(m_lockFd, LOCK_EX) != 0)
        return fail(error, u"cannot lock %1: %2"_s.arg(lockPath, qt_error_string()));
    QProcess watchdog;
    watchdog.setProgram(flock);
    watchdog.setArguments(QStringList{lockPath, u"/bin/sh"_s, u"-c"_s, u"[ -d \"$1\" ] || exit 0; dir=$1; shift; \"$@\"; rm -rf -- \"$dir\""_s,
                                      u"herald-pg-watchdog"_s, m_dir.path()}
                          + asServerUser(m_binDir + u"/pg_ctl"_s, {u"stop"_s, u"-m"_s, u"immediate"_s, u"-w"_s, u"-D"_s, dataDirectory()}));
    watchdog.setProcessEnvironment(toolEnvironment());
    watchdog.setWorkingDirectory(u"/"_s);
    watchdog.setStandardInputFile(QProcess::nullDevice());
    watchdog.setStandardOutputFile(QProcess::nullDevice());
    watchdog.setStandardErrorFile(QProcess::nullDevice());
    if (!watchdog.startDetached())
        return fail(error, u"cannot start the watchdog %1: %2"_s.arg(flock, watchdog.errorString()));

    m_password = newPassword();
    const QString passwordFile = m_dir.filePath(u"password"_s);
    QFile file(passwordFile);
    if (!file.open(QIODevice::WriteOnly) || file.write(QByteArray(m_password.toLatin1() + '\n')) < 0 || !file.flush())
        return fail(error, u"cannot write %1: %2"_s.arg(passwordFile, file.errorString()));
    file.close();
    if (!giveToServerUser(passwordFile))
        return false;
    QString output;
    const bool initialised = runTool(u"initdb"_s,
                                     {u"-D"_s, dataDirectory(), u"-U"_s, user(), u"--pwfile="_s + passwordFile, u"--auth-local=trust"_s,
                                      u"--auth-host=scram-sha-256"_s, u"-E"_s, u"UTF8"_s, u"--locale=C.UTF-8"_s, u"--no-sync"_s,
                                      u"--no-instructions"_s},
                                     &output, error);
    QFile::remove(passwordFile);
    if (!initialised)
        return false;
    return startOnFreePort(error);
}

bool PgServer::startOnFreePort(QString *error)
{
    QString failure;
    for (int attempt = 1; attempt <= kStartAttempts; ++attempt) {
        m_port = freeLoopbackPort(error);
        if (m_port == 0)
            return false;
        const qint64 logSize = QFileInfo(logFile()).size();
        if (start(&failure))
            return true;
        QFile log(logFile());
        if (!log.open(QIODevice::ReadOnly) || !log.seek(logSize) || !log.readAll().contains("could not bind IPv4 address"))
            return fail(error, failure);
        // Another process took the port between our probe and the server's bind: ask for another.
    }
    return fail(error, u"%1 ports in a row were taken between finding them free and the server binding them; the last "
                       "attempt: %2"_s.arg(kStartAttempts).arg(failure));
}

QString PgServer::url(const QString &database) const
{
    QUrl url;
    url.setScheme(u"postgres"_s);
    url.setUserName(user());
    url.setPassword(m_password);
    url.setHost(host());
    url.setPort(m_port);
    url.setPath(u'/' + database);
    return url.toString(QUrl::FullyEncoded);
}

bool PgServer::createDatabase(const QString &name, QString *error)
{
    return query(u"CREATE DATABASE "_s + quotedIdentifier(name), {}, nullptr, error);
}

bool PgServer::dropDatabase(const QString &name, QString *error)
{
    return query(u"DROP DATABASE IF EXISTS %1 WITH (FORCE)"_s.arg(quotedIdentifier(name)), {}, nullptr, error);
}

QString PgServer::freshDatabase(QString *error)
{
    static std::atomic<int> counter = 0;
    const QString name = u"herald_t%1_%2"_s.arg(QCoreApplication::applicationPid()).arg(++counter);
    return createDatabase(name, error) ? name : QString();
}

bool PgServer::start(QString *error)
{
    m_running = pgCtl({u"start"_s, u"-w"_s, u"-t"_s, u"30"_s, u"-D"_s, dataDirectory(), u"-l"_s, logFile(), u"-o"_s,
                       serverOptions().join(u' ')},
                      error);
    return m_running;
}

bool PgServer::stop(QString *error)
{
    if (!pgCtl({u"stop"_s, u"-m"_s, u"fast"_s, u"-w"_s, u"-t"_s, u"30"_s, u"-D"_s, dataDirectory()}, error))
        return false;
    m_running = false;
    return true;
}

bool PgServer::restart(QString *error)
{
    m_running = pgCtl({u"restart"_s, u"-m"_s, u"fast"_s, u"-w"_s, u"-t"_s, u"30"_s, u"-D"_s, dataDirectory(), u"-l"_s, logFile(),
                       u"-o"_s, serverOptions().join(u' ')},
                      error);
    return m_running;
}

int PgServer::terminateBackends(const QString &database, QString *error)
{
    QVariantList ended;
    if (!query(kTerminateBackends, {database}, &ended, error))
        return -1;
    return ended.value(0).toInt();
}

bool PgServer::psql(const QString &database, const QString &sql, QString *output, QString *error) const
{
    QProcess process;
    QProcessEnvironment environment = toolEnvironment();
    environment.insert(u"PGPASSWORD"_s, m_password);
    environment.insert(u"PGCONNECT_TIMEOUT"_s, u"10"_s);
    process.setProcessEnvironment(environment);
    const QString program = m_binDir + u"/psql"_s;
    process.start(program, {u"--no-psqlrc"_s, u"--quiet"_s, u"--tuples-only"_s, u"--no-align"_s, u"--set=ON_ERROR_STOP=1"_s,
                            u"--host="_s + host(), u"--port="_s + QString::number(m_port), u"--username="_s + user(),
                            u"--dbname="_s + database, u"--file=-"_s});
    if (!process.waitForStarted())
        return fail(error, u"cannot run %1: %2"_s.arg(program, process.errorString()));
    process.write(sql.toUtf8());
    process.closeWriteChannel();
    if (!process.waitForFinished(kPsqlTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        return fail(error, u"psql did not finish within %1 s; it ran: %2"_s.arg(kPsqlTimeoutMs / 1000).arg(sql));
    }
    if (output) {
        *output = QString::fromUtf8(process.readAllStandardOutput());
        if (output->endsWith(u'\n'))
            output->chop(1);
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return fail(error, u"psql failed (exit code %1): %2"_s.arg(process.exitCode())
                               .arg(QString::fromUtf8(process.readAllStandardError()).trimmed()));
    return true;
}

QString PgServer::version(QString *error) const
{
    QVariantList version;
    return query(kServerVersion, {}, &version, error) ? version.value(0).toString() : QString();
}

bool PgServer::pgCtl(const QStringList &arguments, QString *error) const
{
    QString output;
    QString failure;
    if (runTool(u"pg_ctl"_s, arguments, &output, &failure))
        return true;
    return fail(error, u"%1\nThe server's log ended with:\n%2"_s.arg(failure, logTail()));
}

QStringList PgServer::serverOptions() const
{
    // Single quotes: pg_ctl hands these to the postmaster through /bin/sh.
    return {u"-c listen_addresses=127.0.0.1"_s, u"-c port=%1"_s.arg(m_port),
            u"-c unix_socket_directories='%1'"_s.arg(dataDirectory()), u"-c fsync=off"_s, u"-c synchronous_commit=off"_s,
            u"-c full_page_writes=off"_s, u"-c max_connections=300"_s};
}

QString PgServer::dataDirectory() const
{
    return m_dir.filePath(u"data"_s);
}

QString PgServer::logFile() const
{
    return m_dir.filePath(u"server.log"_s);
}

QString PgServer::logTail() const
{
    QFile log(logFile());
    if (!log.open(QIODevice::ReadOnly))
        return u"(no log: %1)"_s.arg(log.errorString());
    const QStringList lines = QString::fromUtf8(log.readAll()).trimmed().split(u'\n');
    return (lines.size() > 15 ? lines.mid(lines.size() - 15) : lines).join(u'\n');
}

bool PgServer::runTool(const QString &tool, const QStringList &arguments, QString *output, QString *error) const
{
    const QStringList command = asServerUser(m_binDir + u'/' + tool, arguments);
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.setProcessEnvironment(toolEnvironment());
    // The test's own folder may be closed to the server user (as root, under /root).
    process.setWorkingDirectory(m_dir.path());
    process.start(command.first(), command.mid(1));
    if (!process.waitForStarted())
        return fail(error, u"cannot run %1: %2"_s.arg(command.first(), process.errorString()));
    process.closeWriteChannel();
    if (!process.waitForFinished(kToolTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        return fail(error, u"%1 did not finish within %2 s"_s.arg(tool).arg(kToolTimeoutMs / 1000));
    }
    *output = QString::fromLocal8Bit(process.readAll()).trimmed();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return fail(error, u"%1 failed (exit code %2): %3"_s.arg(command.join(u' ')).arg(process.exitCode()).arg(*output));
    return true;
}

QStringList PgServer::asServerUser(const QString &program, const QStringList &arguments) const
{
    if (m_setpriv.isEmpty())
        return QStringList{program} + arguments;
    return QStringList{m_setpriv, u"--reuid="_s + kServerUser, u"--regid="_s + kServerUser, u"--init-groups"_s, u"--"_s, program}
           + arguments;
}

bool PgServer::query(const QString &sql, const QVariantList &values, QVariantList *firstColumn, QString *error) const
{
    static std::atomic<int> connections = 0;
    const QString name = u"herald-pgserver-%1"_s.arg(++connections);
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
        db.setHostName(host());
        db.setPort(m_port);
        db.setUserName(user());
        db.setPassword(m_password);
        db.setDatabaseName(u"postgres"_s);
        if (!db.open()) {
            fail(error, u"cannot connect to the test PostgreSQL server at %1:%2: %3"_s.arg(host()).arg(m_port).arg(db.lastError().text()));
        } else {
            // Statements with values are prepared; CREATE/DROP DATABASE cannot be, and have none.
            QSqlQuery query(db);
            bool done = values.isEmpty() ? query.exec(sql) : query.prepare(sql);
            if (!values.isEmpty() && done) {
                for (const QVariant &value : values)
                    query.addBindValue(value);
                done = query.exec();
            }
            if (!done) {
                fail(error, u"the test PostgreSQL server refused %1: %2"_s.arg(sql.simplified(), query.lastError().text()));
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
