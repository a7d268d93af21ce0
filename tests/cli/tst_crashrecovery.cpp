// The crash test of issue 3: `heraldctl work` delivering 2,000 webhooks to a real HTTP server is killed
// with SIGKILL mid-run, then restarted with --until-drained. Every message arrives at least once, none
// is lost, duplicates stay within the concurrency, and a message carries the same idempotency key on
// every delivery.
#include "TestHttpServer.h"

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
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("HERALD_DB"));
        env.insert(QStringLiteral("HOOK_SECRET"), QStringLiteral("crash-test-secret"));
        return env;
    }

    int ctl(const QStringList &args, const QByteArray &input = {})
    {
        QProcess p;
        p.setProcessEnvironment(environment());
        p.start(QStringLiteral(HERALDCTL_PATH), QStringList{QStringLiteral("--db"), m_dir.filePath(QStringLiteral("crash.db"))} + args);
        if (!p.waitForStarted())
            return -1;
        p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(120'000))
            return -1;
        if (p.exitCode() != 0)
            qWarning("%s", p.readAllStandardError().constData());
        return p.exitCode();
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
};

QTEST_GUILESS_MAIN(tst_CrashRecovery)
#include "tst_crashrecovery.moc"
