// PgServer, the harness of the PostgreSQL store tests: a real server per test process, its databases,
// psql, restarts, ended backends, passwords, and nothing left behind after a stop or a kill -9.
#include "PgServer.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTest>
#include <QUrl>

#include <csignal>
#include <cstdio>

using herald::test::PgServer;
using namespace Qt::StringLiterals;

namespace {

// Set in the environment of the child that shouldCleanUpAfterAKilledTestProcess kills.
constexpr const char *kDieWithServer = "HERALD_TST_PGSERVER_DIE_WITH_SERVER";

// A QPSQL connection of the calling thread, removed when it goes out of scope.
class Connection
{
public:
    Connection(const PgServer &server, const QString &database, const QString &password)
        : m_name(u"tst_pgserver-%1"_s.arg(++s_count))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, m_name);
        db.setHostName(server.host());
        db.setPort(server.port());
        db.setUserName(server.user());
        db.setPassword(password);
        db.setDatabaseName(database);
    }
    ~Connection() { QSqlDatabase::removeDatabase(m_name); }
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    bool open()
    {
        QSqlDatabase db = QSqlDatabase::database(m_name, false);
        if (db.open())
            return true;
        m_error = db.lastError().text();
        return false;
    }

    // The first value of the statement's first row; invalid when it fails (see error()).
    QVariant value(const QString &sql)
    {
        QSqlQuery query(QSqlDatabase::database(m_name, false));
        if (!query.exec(sql)) {
            m_error = query.lastError().text();
            return {};
        }
        return query.next() ? query.value(0) : QVariant(true);
    }

    QString error() const { return m_error; }

private:
    static inline int s_count = 0;
    QString m_name;
    QString m_error;
};

// What a TCP connection to the port meets: ConnectionRefusedError when nothing listens,
// UnknownSocketError when something accepted it.
QAbstractSocket::SocketError connectionError(int port)
{
    QTcpSocket socket;
    QSignalSpy errors(&socket, &QAbstractSocket::errorOccurred);
    socket.connectToHost(QHostAddress::LocalHost, static_cast<quint16>(port));
    errors.wait(10'000);
    return socket.error();
}

// The child's part in shouldCleanUpAfterAKilledTestProcess: start a server, say where, and die as
// CTest's timeout or the OOM killer would kill a test, with no handler or destructor running.
int startServerAndDie(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QString error;
    const PgServer *server = PgServer::shared(&error);
    if (!server) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    std::printf("%s %d\n", qPrintable(server->folder()), server->port());
    std::fflush(stdout);
    std::raise(SIGKILL);
    return 1;
}

} // namespace

class tst_PgServer : public QObject
{
    Q_OBJECT

    PgServer *m_server = nullptr;

    QString freshDatabase()
    {
        QString error;
        const QString name = m_server->freshDatabase(&error);
        if (name.isEmpty())
            qWarning("%s", qPrintable(error));
        return name;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QElapsedTimer timer;
        timer.start();
        QString error;
        m_server = PgServer::shared(&error);
        QVERIFY2(m_server, qPrintable(error));
        qInfo("PostgreSQL %s started in %lld ms on port %d in %s", qPrintable(m_server->version()), timer.elapsed(),
              m_server->port(), qPrintable(m_server->folder()));
        QCOMPARE(PgServer::shared(), m_server);
    }

    void shouldDescribeItselfInItsUrl()
    {
        const QUrl url(m_server->url(u"herald_orders"_s));
        QCOMPARE(url.scheme(), u"postgres"_s);
        QCOMPARE(url.userName(), u"herald"_s);
        QCOMPARE(url.password(), m_server->password());
        QVERIFY(m_server->password().size() >= 16);
        QCOMPARE(url.host(), u"127.0.0.1"_s);
        QCOMPARE(url.port(), m_server->port());
        QCOMPARE(url.path(), u"/herald_orders"_s);
        const QString version = m_server->version();
        QVERIFY2(QRegularExpression(u"^\\d+\\.\\d+"_s).match(version).hasMatch(), qPrintable(version));
    }

    void shouldGiveEachTestItsOwnDatabase()
    {
        const QString first = freshDatabase();
        const QString second = freshDatabase();
        QVERIFY(!first.isEmpty() && !second.isEmpty());
        QVERIFY(first != second);
        QVERIFY2(first.startsWith(u"herald_t%1_"_s.arg(QCoreApplication::applicationPid())), qPrintable(first));

        Connection a(*m_server, first, m_server->password());
        Connection b(*m_server, second, m_server->password());
        QVERIFY2(a.open(), qPrintable(a.error()));
        QVERIFY2(b.open(), qPrintable(b.error()));
        QCOMPARE(a.value(u"SELECT current_database()"_s).toString(), first);
        QVERIFY2(a.value(u"CREATE TABLE only_in_first (id integer)"_s).isValid(), qPrintable(a.error()));
        const QString countTables = u"SELECT count(*) FROM pg_tables WHERE tablename = 'only_in_first'"_s;
        QCOMPARE(a.value(countTables).toInt(), 1);
        QCOMPARE(b.value(countTables).toInt(), 0);

        // Dropped with its connection still open: WITH (FORCE) ends it.
        QString error;
        QVERIFY2(m_server->dropDatabase(second, &error), qPrintable(error));
        QVERIFY(!b.value(u"SELECT 1"_s).isValid());
        QCOMPARE(a.value(u"SELECT count(*) FROM pg_database WHERE datname = '%1'"_s.arg(second)).toInt(), 0);
        QVERIFY(!m_server->createDatabase(first, &error));
        QVERIFY2(error.contains(first) && error.contains(u"already exists"_s), qPrintable(error));
    }

    void shouldRunSqlThroughPsql()
    {
        const QString database = freshDatabase();
        QVERIFY(!database.isEmpty());
        QString output;
        QString error;
        QVERIFY2(m_server->psql(database, u"SELECT 1"_s, &output, &error), qPrintable(error));
        QCOMPARE(output, u"1"_s);

        // What psql writes, a QPSQL connection reads, and the other way round.
        QVERIFY2(m_server->psql(database, u"CREATE TABLE t (a integer, b text); INSERT INTO t VALUES (1, 'x'), (2, 'y');"_s, &output, &error),
                 qPrintable(error));
        QCOMPARE(output, QString());
        Connection connection(*m_server, database, m_server->password());
        QVERIFY2(connection.open(), qPrintable(connection.error()));
        QCOMPARE(connection.value(u"SELECT string_agg(b, ',' ORDER BY a) FROM t"_s).toString(), u"x,y"_s);
        QVERIFY(connection.value(u"INSERT INTO t VALUES (3, 'z')"_s).isValid());
        QVERIFY2(m_server->psql(database, u"SELECT a, b FROM t ORDER BY a"_s, &output, &error), qPrintable(error));
        QCOMPARE(output, u"1|x\n2|y\n3|z"_s);

        // ON_ERROR_STOP: the statement after a failing one does not run, and psql says why it failed.
        QVERIFY(!m_server->psql(database, u"SELECT * FROM no_such_table; INSERT INTO t VALUES (4, 'w');"_s, &output, &error));
        QVERIFY2(error.contains(u"no_such_table"_s), qPrintable(error));
        QCOMPARE(connection.value(u"SELECT count(*) FROM t"_s).toInt(), 3);
    }

    void shouldServeAgainAfterRestart()
    {
        const QString database = freshDatabase();
        QVERIFY(!database.isEmpty());
        Connection before(*m_server, database, m_server->password());
        QVERIFY2(before.open(), qPrintable(before.error()));
        QCOMPARE(before.value(u"SELECT 1"_s).toInt(), 1);
        const int port = m_server->port();

        QElapsedTimer timer;
        timer.start();
        QString error;
        QVERIFY2(m_server->restart(&error), qPrintable(error));
        qInfo("restarted in %lld ms", timer.elapsed());
        QCOMPARE(m_server->port(), port);
        QVERIFY(!before.value(u"SELECT 1"_s).isValid());

        Connection after(*m_server, database, m_server->password());
        QVERIFY2(after.open(), qPrintable(after.error()));
        QCOMPARE(after.value(u"SELECT current_database()"_s).toString(), database);
    }

    void shouldBreakTheConnectionsOfTerminatedBackends()
    {
        const QString database = freshDatabase();
        const QString other = freshDatabase();
        QVERIFY(!database.isEmpty() && !other.isEmpty());
        Connection victim(*m_server, database, m_server->password());
        Connection bystander(*m_server, other, m_server->password());
        QVERIFY2(victim.open(), qPrintable(victim.error()));
        QVERIFY2(bystander.open(), qPrintable(bystander.error()));
        QCOMPARE(victim.value(u"SELECT 1"_s).toInt(), 1);

        QString error;
        QCOMPARE(m_server->terminateBackends(database, &error), 1);
        QVERIFY(!victim.value(u"SELECT 1"_s).isValid());
        QVERIFY(!victim.error().isEmpty());
        QCOMPARE(bystander.value(u"SELECT 1"_s).toInt(), 1);
        QCOMPARE(m_server->terminateBackends(database, &error), 0);
    }

    void shouldRefuseAWrongPassword()
    {
        Connection wrong(*m_server, u"postgres"_s, m_server->password() + u'x');
        QVERIFY(!wrong.open());
        QVERIFY2(wrong.error().contains(u"password authentication failed"_s), qPrintable(wrong.error()));
        Connection right(*m_server, u"postgres"_s, m_server->password());
        QVERIFY2(right.open(), qPrintable(right.error()));
    }

    void shouldCleanUpAfterAKilledTestProcess()
    {
        QProcess child;
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QString::fromLatin1(kDieWithServer), u"1"_s);
        child.setProcessEnvironment(environment);
        child.start(QCoreApplication::applicationFilePath(), {});
        QVERIFY(child.waitForFinished(120'000));
        QVERIFY2(child.exitStatus() == QProcess::CrashExit, qPrintable(QString::fromLocal8Bit(child.readAllStandardError())));

        const QStringList said = QString::fromLocal8Bit(child.readAllStandardOutput()).split(u' ');
        QCOMPARE(said.size(), 2);
        const QString folder = said.at(0);
        const int port = said.at(1).trimmed().toInt();
        QVERIFY2(folder.startsWith(u"/tmp/herald-pg-"_s), qPrintable(folder));
        QVERIFY(port > 0);
        QVERIFY(port != m_server->port()); // a server per test process

        // The watchdog stops the server (pg_ctl -w) before it removes the folder.
        QTRY_VERIFY_WITH_TIMEOUT(!QFileInfo::exists(folder), 30'000);
        QCOMPARE(connectionError(port), QAbstractSocket::ConnectionRefusedError);
    }

    // Last: the server stays stopped, as the harness finds it at exit.
    void shouldStopListeningWhenStopped()
    {
        QString error;
        QVERIFY2(m_server->stop(&error), qPrintable(error));
        QCOMPARE(connectionError(m_server->port()), QAbstractSocket::ConnectionRefusedError);

        QVERIFY2(m_server->start(&error), qPrintable(error));
        Connection connection(*m_server, u"postgres"_s, m_server->password());
        QVERIFY2(connection.open(), qPrintable(connection.error()));
        QVERIFY2(m_server->stop(&error), qPrintable(error));
        QCOMPARE(connectionError(m_server->port()), QAbstractSocket::ConnectionRefusedError);
    }
};

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsSet(kDieWithServer))
        return startServerAndDie(argc, argv);
    QCoreApplication app(argc, argv);
    tst_PgServer test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_pgserver.moc"
