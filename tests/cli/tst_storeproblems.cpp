// herald --self-test, heraldctl work and heraldctl serve run as real processes on stores that cannot be
// used: each must name the store, say what is wrong and what to do, and exit non-zero — an
// installation check or a service manager sees the failure instead of a console or a worker on nothing.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

enum class Program { SelfTest, Work, Serve };

} // namespace

class tst_StoreProblems : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    Run run(const QString &program, const QStringList &args)
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("HERALD_DB"));
        env.insert(QStringLiteral("HOME"), m_dir.path()); // never the developer's default store
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("xdg")));
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        p.setProcessEnvironment(env);
        p.start(program, args);
        if (!p.waitForStarted() || !p.waitForFinished(120'000)) {
            p.kill();
            p.waitForFinished();
            return {};
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(), p.readAllStandardError()};
    }

    Run runOn(Program program, const QString &store)
    {
        switch (program) {
        case Program::SelfTest:
            return run(QStringLiteral(HERALD_PATH), {QStringLiteral("--self-test"), QStringLiteral("--db"), store});
        case Program::Work:
            return run(QStringLiteral(HERALDCTL_PATH), {QStringLiteral("--db"), store, QStringLiteral("work"), QStringLiteral("--until-idle")});
        case Program::Serve:
            return run(QStringLiteral(HERALDCTL_PATH), {QStringLiteral("--db"), store, QStringLiteral("serve"), QStringLiteral("--listen"),
                                                        QStringLiteral("127.0.0.1:0"), QStringLiteral("--topic"),
                                                        QStringLiteral("arn:aws:sns:us-east-1:123456789012:ses-events")});
        }
        return {};
    }

    // A store made by heraldctl init, so that it is exactly what an installation holds.
    QString initialisedStore(const QString &name)
    {
        const QString path = m_dir.filePath(name);
        const Run r = run(QStringLiteral(HERALDCTL_PATH), {QStringLiteral("--db"), path, QStringLiteral("init")});
        return r.exitCode == 0 ? path : QString();
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void shouldPassTheSelfTestOnAStoreWithMessages()
    {
        const QString path = initialisedStore(QStringLiteral("demo.db"));
        QVERIFY(!path.isEmpty());
        QCOMPARE(run(QStringLiteral(HERALDCTL_PATH), {QStringLiteral("--db"), path, QStringLiteral("demo")}).exitCode, 0);
        const Run r = runOn(Program::SelfTest, path);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("OK") && r.out.contains(path.toUtf8()) && r.out.contains("3 queues"), r.out.constData());
    }

    void shouldPassTheSelfTestOnAnEmptyStore()
    {
        const QString path = initialisedStore(QStringLiteral("empty.db"));
        QVERIFY(!path.isEmpty());
        const Run r = runOn(Program::SelfTest, path);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("0 queues, 0 messages"), r.out.constData());
    }

    void shouldNotChangeTheStoreInTheSelfTest()
    {
        const QString path = initialisedStore(QStringLiteral("unchanged.db"));
        QVERIFY(!path.isEmpty());
        QCOMPARE(run(QStringLiteral(HERALDCTL_PATH), {QStringLiteral("--db"), path, QStringLiteral("demo")}).exitCode, 0);
        const auto snapshot = [&path] {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        };
        const QByteArray before = snapshot();
        QCOMPARE(runOn(Program::SelfTest, path).exitCode, 0);
        QVERIFY(before == snapshot());
    }

    void shouldRefuseASelfTestOfNoStoreOrWithAScreenshot()
    {
        Run r = run(QStringLiteral(HERALD_PATH), {QStringLiteral("--self-test"), QStringLiteral("--demo")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--self-test checks a store given with --db"), r.err.constData());
        r = run(QStringLiteral(HERALD_PATH), {QStringLiteral("--self-test"), QStringLiteral("--screenshot"), m_dir.filePath(QStringLiteral("x.png"))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("give one of them"), r.err.constData());
    }

    void shouldRefuseAStoreThatCannotBeUsed_data()
    {
        QTest::addColumn<int>("program");
        QTest::addColumn<QString>("problem");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QByteArrayList>("message");
        struct Case
        {
            const char *problem;
            QByteArrayList message;
        };
        const QList<Case> cases{
            {"missing", {"does not exist", "init"}},
            {"newer schema", {"newer than this Herald", "upgrade Herald"}},
            {"not a store", {"not a Herald store"}},
            {"folder", {"is a folder"}},
            {"unreadable", {"check the path and its permissions"}},
        };
        for (const Case &c : cases) {
            QTest::addRow("self-test: %s", c.problem) << int(Program::SelfTest) << QString::fromLatin1(c.problem) << 1 << c.message;
            QTest::addRow("work: %s", c.problem) << int(Program::Work) << QString::fromLatin1(c.problem) << 2 << c.message;
            QTest::addRow("serve: %s", c.problem) << int(Program::Serve) << QString::fromLatin1(c.problem) << 2 << c.message;
        }
    }
    void shouldRefuseAStoreThatCannotBeUsed()
    {
        QFETCH(int, program);
        QFETCH(QString, problem);
        QFETCH(int, exitCode);
        QFETCH(QByteArrayList, message);

        const QString tag = QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(':'), QLatin1Char('-')).replace(QLatin1Char(' '), QLatin1Char('_'));
        QString path = m_dir.filePath(tag + QStringLiteral(".db"));
        if (problem == QLatin1String("newer schema")) {
            path = initialisedStore(tag + QStringLiteral(".db"));
            QVERIFY(!path.isEmpty());
            {
                QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), tag);
                db.setDatabaseName(path);
                QVERIFY(db.open());
                QSqlQuery q(db);
                QVERIFY(q.exec(QStringLiteral("INSERT INTO schema_version (version, applied_at) VALUES (99, 0)")));
                db.close();
            }
            QSqlDatabase::removeDatabase(tag);
        } else if (problem == QLatin1String("not a store")) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(8192, 'x'));
        } else if (problem == QLatin1String("folder")) {
            QVERIFY(QDir().mkpath(path));
        } else if (problem == QLatin1String("unreadable")) {
            if (::geteuid() == 0)
                QSKIP("root reads any file; tests/packaging checks an unreadable store as an unprivileged user");
            path = initialisedStore(tag + QStringLiteral(".db"));
            QVERIFY(!path.isEmpty());
            QVERIFY(QFile::setPermissions(path, QFileDevice::Permissions()));
        }

        const Run r = runOn(Program(program), path);
        QVERIFY2(r.exitCode == exitCode, qPrintable(QStringLiteral("exit %1, expected %2: %3").arg(r.exitCode).arg(exitCode).arg(QString::fromUtf8(r.err))));
        QVERIFY2(r.err.contains(path.toUtf8()), r.err.constData());
        for (const QByteArray &part : message)
            QVERIFY2(r.err.contains(part), r.err.constData());
        QVERIFY2(!r.out.contains("OK"), r.out.constData());
        if (problem == QLatin1String("missing"))
            QVERIFY2(!QFile::exists(path), "a missing store must not be created");
    }
};

QTEST_GUILESS_MAIN(tst_StoreProblems)
#include "tst_storeproblems.moc"
