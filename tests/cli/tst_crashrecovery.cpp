// The crash test of issue 3: `heraldctl work` delivering 2,000 webhooks to a real HTTP server is killed
// with SIGKILL mid-run, then restarted with --until-drained. Every message arrives at least once, none
// is lost, duplicates stay within the concurrency, and a message carries the same idempotency key on
// every delivery.
#include "HeraldctlRun.h"
#include "TestHttpServer.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace herald;

class tst_CrashRecovery : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = test::ctlEnvironment();
        env.insert(QStringLiteral("HOOK_SECRET"), QStringLiteral("crash-test-secret"));
        return env;
    }

    // heraldctl on db (default: the store of the first test), its standard output in *out.
    int ctl(const QStringList &args, const QByteArray &input = {}, const QString &db = {}, QByteArray *out = nullptr)
    {
        const test::CtlRun r = test::runHeraldctl(db.isEmpty() ? m_dir.filePath(QStringLiteral("crash.db")) : db, args, environment(), input);
        if (r.code != 0)
            qWarning("%s", r.err.constData());
        if (out)
            *out = r.out;
        return r.code;
    }

private Q_SLOTS:
    void shouldLoseNothingWhenTheWorkerIsKilled()
    {
        TestHttpServer server;
        QVERIFY(server.listen());
        server.setFallback(TestHttpServer::Response::answer(200, QByteArrayLiteral("{}")));

        constexpr int kMessages = 2000;
        constexpr int kConcurrency = 10;
        QCOMPARE(ctl({QStringLiteral("channel"), QStringLiteral("add"), QStringLiteral("hooks"), QStringLiteral("--kind"), QStringLiteral("webhook"),
                      QStringLiteral("--url"), server.url().toString(), QStringLiteral("--secret"), QStringLiteral("env:HOOK_SECRET")}),
                 0);
        QCOMPARE(ctl({QStringLiteral("queue"), QStringLiteral("add"), QStringLiteral("hooks-q"), QStringLiteral("--concurrency"),
                      QString::number(kConcurrency), QStringLiteral("--channel"), QStringLiteral("hooks")}),
                 0);
        QByteArray lines;
        for (int i = 0; i < kMessages; ++i)
            lines += "{\"type\":\"incentive_event\",\"recipient\":\"user-" + QByteArray::number(i) + "\",\"payload\":{\"n\":" +
                     QByteArray::number(i) + "}}\n";
        QCOMPARE(ctl({QStringLiteral("enqueue"), QStringLiteral("--file"), QStringLiteral("-"), QStringLiteral("--queue"), QStringLiteral("hooks-q")},
                     lines),
                 0);

        QProcess worker;
        worker.setProcessEnvironment(environment());
        worker.start(QStringLiteral(HERALDCTL_PATH), {QStringLiteral("--db"), m_dir.filePath(QStringLiteral("crash.db")), QStringLiteral("work")});
        QVERIFY(worker.waitForStarted());
        // Kill it a quarter of the way in, mid-delivery.
        QTRY_VERIFY_WITH_TIMEOUT(server.requests().size() >= kMessages / 4, 120'000);
        worker.kill(); // SIGKILL: no chance to hand anything back
        QVERIFY(worker.waitForFinished(30'000));
        QCOMPARE(worker.exitStatus(), QProcess::CrashExit);
        const qsizetype beforeRestart = server.requests().size();
        QVERIFY2(beforeRestart < kMessages, "the worker finished before it could be killed; the test proves nothing");

        QProcess restart;
        restart.setProcessEnvironment(environment());
        restart.start(QStringLiteral(HERALDCTL_PATH),
                      {QStringLiteral("--db"), m_dir.filePath(QStringLiteral("crash.db")), QStringLiteral("work"), QStringLiteral("--until-drained")});
        QVERIFY(restart.waitForStarted());
        // The server lives in this thread: keep its event loop turning while the worker runs.
        QSignalSpy done(&restart, &QProcess::finished);
        QVERIFY(done.wait(300'000));
        QCOMPARE(restart.exitCode(), 0);

        QHash<int, QByteArray> keyOf;
        QHash<int, int> deliveries;
        for (const TestHttpServer::Request &r : server.requests()) {
            const QJsonObject body = QJsonDocument::fromJson(r.body).object();
            const int n = body.value(QStringLiteral("payload")).toObject().value(QStringLiteral("n")).toInt(-1);
            QVERIFY(n >= 0);
            const QByteArray key = r.header("Idempotency-Key");
            QVERIFY(!key.isEmpty());
            if (keyOf.contains(n))
                QCOMPARE(key, keyOf.value(n)); // the same key on every delivery of a message
            keyOf.insert(n, key);
            deliveries[n] += 1;
        }
        QCOMPARE(deliveries.size(), kMessages); // none lost
        const qsizetype duplicates = server.requests().size() - kMessages;
        QVERIFY2(duplicates <= kConcurrency, qPrintable(QStringLiteral("%1 duplicates").arg(duplicates)));

        QProcess stats;
        stats.start(QStringLiteral(HERALDCTL_PATH),
                    {QStringLiteral("--db"), m_dir.filePath(QStringLiteral("crash.db")), QStringLiteral("stats"), QStringLiteral("--json")});
        QVERIFY(stats.waitForFinished());
        const QJsonObject q = QJsonDocument::fromJson(stats.readAllStandardOutput()).array().at(0).toObject();
        QCOMPARE(q.value(QStringLiteral("completed")).toInt(), kMessages);
    }

    // A crash loop: 15 SIGKILLs at concurrency 50 while the peer answers slowly, so that at each kill most
    // claimed deliveries are still queued inside the engine (six connections to a host at a time) and
    // have never left. Only a delivery that left counts as a stall: no message fails that the peer never
    // saw, and every message is delivered in the end.
    void shouldFailNoMessageThatNeverLeftInACrashLoop()
    {
        TestHttpServer server;
        QVERIFY(server.listen());
        server.setFallback(TestHttpServer::Response::answerAfter(150, 200, QByteArrayLiteral("{}")));
        const QString db = m_dir.filePath(QStringLiteral("loop.db"));
        const auto ctlOn = [&](const QStringList &args, const QByteArray &input = {}) { return ctl(args, input, db); };
        constexpr int kMessages = 300;
        QCOMPARE(ctlOn({QStringLiteral("channel"), QStringLiteral("add"), QStringLiteral("hooks"), QStringLiteral("--kind"), QStringLiteral("webhook"),
                        QStringLiteral("--url"), server.url().toString()}),
                 0);
        QCOMPARE(ctlOn({QStringLiteral("queue"), QStringLiteral("add"), QStringLiteral("q"), QStringLiteral("--concurrency"), QStringLiteral("50"),
                        QStringLiteral("--channel"), QStringLiteral("hooks")}),
                 0);
        QByteArray lines;
        for (int i = 0; i < kMessages; ++i)
            lines += "{\"type\":\"incentive_event\",\"recipient\":\"user-" + QByteArray::number(i) + "\",\"payload\":{\"n\":" +
                     QByteArray::number(i) + "}}\n";
        QCOMPARE(ctlOn({QStringLiteral("enqueue"), QStringLiteral("--file"), QStringLiteral("-"), QStringLiteral("--queue"), QStringLiteral("q")}, lines),
                 0);

        for (int kill = 0; kill < 15; ++kill) {
            const qsizetype before = server.requests().size();
            QProcess worker;
            worker.setProcessEnvironment(environment());
            worker.start(QStringLiteral(HERALDCTL_PATH), {QStringLiteral("--db"), db, QStringLiteral("work")});
            QVERIFY(worker.waitForStarted());
            QTRY_VERIFY_WITH_TIMEOUT(server.requests().size() > before, 60'000);
            worker.kill();
            QVERIFY(worker.waitForFinished(30'000));
        }
        QProcess last;
        last.setProcessEnvironment(environment());
        last.start(QStringLiteral(HERALDCTL_PATH), {QStringLiteral("--db"), db, QStringLiteral("work"), QStringLiteral("--until-drained")});
        QSignalSpy done(&last, &QProcess::finished);
        QVERIFY(done.wait(300'000));
        QCOMPARE(last.exitCode(), 0);

        QHash<int, int> seen;
        for (const TestHttpServer::Request &r : server.requests())
            seen[QJsonDocument::fromJson(r.body).object().value(QStringLiteral("payload")).toObject().value(QStringLiteral("n")).toInt(-1)] += 1;
        QProcess list;
        list.start(QStringLiteral(HERALDCTL_PATH), {QStringLiteral("--db"), db, QStringLiteral("list"), QStringLiteral("--state"),
                                                    QStringLiteral("failed"), QStringLiteral("--json"), QStringLiteral("--limit"), QStringLiteral("1000")});
        QVERIFY(list.waitForFinished(60'000));
        QStringList neverSeen;
        for (const QByteArray &line : list.readAllStandardOutput().split('\n')) { // JSON Lines
            if (line.trimmed().isEmpty())
                continue;
            const int n = QJsonDocument::fromJson(line).object().value(QStringLiteral("payload")).toObject().value(QStringLiteral("n")).toInt(-1);
            if (seen.value(n) == 0)
                neverSeen << QString::number(n);
        }
        QVERIFY2(neverSeen.isEmpty(), qPrintable(QStringLiteral("failed without ever reaching the peer: ") + neverSeen.join(QStringLiteral(", "))));
        QCOMPARE(seen.size(), kMessages); // every message reached the peer
    }

    // Reading a copy of a crashed store changes nothing: read commands open it read-only, so they neither
    // reclaim the dead worker's leases nor checkpoint the WAL, nor create or remove -wal or -shm.
    void shouldLeaveACopyOfACrashedStoreByteIdenticalWhenReadingIt()
    {
        TestHttpServer server;
        QVERIFY(server.listen());
        server.setFallback(TestHttpServer::Response::hang()); // every delivery stays in flight until the kill
        const QString live = m_dir.filePath(QStringLiteral("crashed.db"));
        const auto ctlOn = [&](const QString &db, const QStringList &args, QByteArray *out = nullptr) { return ctl(args, {}, db, out); };
        QCOMPARE(ctlOn(live, {QStringLiteral("channel"), QStringLiteral("add"), QStringLiteral("hooks"), QStringLiteral("--kind"),
                              QStringLiteral("webhook"), QStringLiteral("--url"), server.url().toString()}),
                 0);
        QCOMPARE(ctlOn(live, {QStringLiteral("queue"), QStringLiteral("add"), QStringLiteral("q"), QStringLiteral("--channel"), QStringLiteral("hooks")}),
                 0);
        for (int i = 0; i < 5; ++i)
            QCOMPARE(ctlOn(live, {QStringLiteral("enqueue"), QStringLiteral("--queue"), QStringLiteral("q"), QStringLiteral("--type"),
                                  QStringLiteral("incentive_event"), QStringLiteral("--to"), QStringLiteral("user-%1").arg(i)}),
                     0);
        QProcess worker;
        worker.setProcessEnvironment(environment());
        worker.start(QStringLiteral(HERALDCTL_PATH), {QStringLiteral("--db"), live, QStringLiteral("work")});
        QVERIFY(worker.waitForStarted());
        QTRY_COMPARE_WITH_TIMEOUT(server.requests().size(), 5, 60'000);
        worker.kill();
        QVERIFY(worker.waitForFinished(30'000));

        // The copy, as an operator would take it off the crashed machine: the file with its -wal and -shm.
        QTemporaryDir copyDir;
        const QString copy = copyDir.filePath(QStringLiteral("copy.db"));
        QStringList copied;
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            if (QFile::exists(live + suffix)) {
                QVERIFY(QFile::copy(live + suffix, copy + suffix));
                copied << suffix;
            }
        QVERIFY2(copied.contains(QStringLiteral("-wal")), "the crashed store has no WAL; the test proves nothing");
        const auto snapshot = [&] {
            QMap<QString, QByteArray> files;
            for (const QString &name : QDir(copyDir.path()).entryList(QDir::Files)) {
                QFile f(copyDir.filePath(name));
                if (f.open(QIODevice::ReadOnly))
                    files.insert(name, QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256));
            }
            return files;
        };
        const auto before = snapshot();
        const QList<QStringList> reads{{QStringLiteral("stats")},
                                       {QStringLiteral("stats"), QStringLiteral("--json")},
                                       {QStringLiteral("list"), QStringLiteral("--json")},
                                       {QStringLiteral("show"), QStringLiteral("1")},
                                       {QStringLiteral("upcoming")},
                                       {QStringLiteral("audit")},
                                       {QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("csv")},
                                       {QStringLiteral("queue"), QStringLiteral("list")},
                                       {QStringLiteral("channel"), QStringLiteral("list")},
                                       {QStringLiteral("cancel"), QStringLiteral("--queue"), QStringLiteral("q"), QStringLiteral("--dry-run")},
                                       {QStringLiteral("cleanup"), QStringLiteral("--status")}};
        for (const QStringList &args : reads) {
            QByteArray out;
            QCOMPARE(ctlOn(copy, args, &out), 0);
            QCOMPARE(snapshot(), before); // byte for byte, and no file created or removed
        }
        // The console's installation check opens it read-only as an operator's window would: the same.
        QProcess selfTest;
        QProcessEnvironment offscreen = environment();
        offscreen.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        selfTest.setProcessEnvironment(offscreen);
        selfTest.start(QStringLiteral(HERALD_PATH), {QStringLiteral("--self-test"), QStringLiteral("--db"), copy});
        QVERIFY(selfTest.waitForFinished(60'000));
        QVERIFY2(selfTest.exitCode() == 0, selfTest.readAllStandardError().constData());
        QCOMPARE(snapshot(), before);
        // What they read is the crashed state, leases and all: five messages still active.
        QByteArray stats;
        QCOMPARE(ctlOn(copy, {QStringLiteral("stats"), QStringLiteral("--json")}, &stats), 0);
        QCOMPARE(QJsonDocument::fromJson(stats).array().at(0).toObject().value(QStringLiteral("active")).toInt(), 5);
    }
};

QTEST_GUILESS_MAIN(tst_CrashRecovery)
#include "tst_crashrecovery.moc"
