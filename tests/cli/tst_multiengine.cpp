// Many engines on one shared store (DESIGN §3.2), as real `heraldctl work` processes delivering
// webhooks to a real loopback HTTP peer, on a server the test starts itself: PostgreSQL, or MariaDB
// with HERALD_TEST_STORE=mysql (tst_multiengine_mysql).
#include "HeraldctlRun.h"
#include "TestServer.h"
#include "TestHttpServer.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <memory>
#include <vector>

using namespace herald;

class tst_MultiEngine : public QObject
{
    Q_OBJECT

    test::TestServer *m_server = nullptr;

    // The URL's scheme of this server's stores ("postgres", "mysql").
    QString scheme() const { return m_server->url(QStringLiteral("x")).section(QStringLiteral("://"), 0, 0); }

    int ctl(const QString &db, const QStringList &args, const QByteArray &input = {}, QByteArray *out = nullptr, QByteArray *err = nullptr)
    {
        const test::CtlRun r = test::runHeraldctl(db, args, test::ctlEnvironment(), input);
        if (r.code != 0 && !err)
            qWarning("%s", r.err.constData());
        if (out)
            *out = r.out;
        if (err)
            *err = r.err;
        return r.code;
    }

    std::unique_ptr<QProcess> startWorker(const QString &db, const QStringList &extra = {})
    {
        auto p = std::make_unique<QProcess>();
        p->setProcessEnvironment(test::ctlEnvironment());
        p->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        p->setStandardOutputFile(QProcess::nullDevice());
        p->start(QStringLiteral(HERALDCTL_PATH), QStringList{QStringLiteral("--db"), db, QStringLiteral("work")} + extra);
        return p;
    }

    // A store on db with channel "hooks" posting to peer, queue name (with queueOptions, e.g.
    // --concurrency 4) on it, and count messages whose payload is {"n": i}, i = 0 … count - 1. False (and
    // a warning) when a step fails.
    bool arrange(const QString &db, const TestHttpServer &peer, const QString &queue, const QStringList &queueOptions, int count)
    {
        if (ctl(db, {QStringLiteral("init")}) != 0 ||
            ctl(db, {QStringLiteral("channel"), QStringLiteral("add"), QStringLiteral("hooks"), QStringLiteral("--kind"), QStringLiteral("webhook"),
                     QStringLiteral("--url"), peer.url().toString()}) != 0 ||
            ctl(db, QStringList{QStringLiteral("queue"), QStringLiteral("add"), queue, QStringLiteral("--channel"), QStringLiteral("hooks")} + queueOptions) != 0)
            return false;
        if (count == 0)
            return true;
        QByteArray lines;
        for (int i = 0; i < count; ++i)
            lines += "{\"type\":\"push\",\"recipient\":\"user-" + QByteArray::number(i) + "\",\"payload\":{\"n\":" + QByteArray::number(i) + "}}\n";
        return ctl(db, {QStringLiteral("enqueue"), QStringLiteral("--file"), QStringLiteral("-"), QStringLiteral("--queue"), queue}, lines) == 0;
    }

    // Which payload number each request at the peer carried.
    static QList<int> numbersAt(const TestHttpServer &peer)
    {
        QList<int> out;
        for (const TestHttpServer::Request &r : peer.requests())
            out << QJsonDocument::fromJson(r.body).object().value(QStringLiteral("payload")).toObject().value(QStringLiteral("n")).toInt(-1);
        return out;
    }

    // Stops each worker with SIGTERM and checks it stopped by itself.
    static void stopAll(std::vector<std::unique_ptr<QProcess>> &workers)
    {
        for (auto &w : workers) {
            if (w->state() == QProcess::NotRunning)
                continue;
            w->terminate();
            QSignalSpy done(w.get(), &QProcess::finished);
            QVERIFY(w->state() == QProcess::NotRunning || done.wait(60'000));
            QCOMPARE(w->exitStatus(), QProcess::NormalExit);
        }
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        m_server = test::testServer(&error);
        QVERIFY2(m_server, qPrintable(error));
    }

    // Four engines on one store; one is killed with SIGKILL mid-run. Every message is delivered, the
    // duplicates are at most what the killed engine had in flight, and each message keeps its
    // idempotency key on every delivery.
    void shouldDeliverEverythingWithFourEnginesWhenOneIsKilled()
    {
        const QString db = m_server->url(m_server->freshDatabase());
        TestHttpServer server;
        QVERIFY(server.listen());
        server.setFallback(TestHttpServer::Response::answer(200, QByteArrayLiteral("{}")));
        constexpr int kMessages = 10000;
        constexpr int kConcurrency = 10;
        QVERIFY(arrange(db, server, QStringLiteral("hooks-q"), {QStringLiteral("--concurrency"), QString::number(kConcurrency)}, kMessages));

        std::vector<std::unique_ptr<QProcess>> workers;
        for (int i = 0; i < 4; ++i) {
            workers.push_back(startWorker(db, {QStringLiteral("--lease"), QStringLiteral("10s")}));
            QVERIFY(workers.back()->waitForStarted());
        }
        QTRY_VERIFY_WITH_TIMEOUT(server.requests().size() >= kMessages / 4, 120'000);
        const qint64 killedAtMs = QDateTime::currentMSecsSinceEpoch();
        workers.front()->kill(); // SIGKILL: its leases expire and the others take its messages back
        QVERIFY(workers.front()->waitForFinished(30'000));
        QVERIFY2(server.requests().size() < kMessages, "the engines finished before one could be killed; the test proves nothing");

        const auto delivered = [&] {
            const QList<int> numbers = numbersAt(server);
            return QSet<int>(numbers.cbegin(), numbers.cend()).size();
        };
        QTRY_COMPARE_WITH_TIMEOUT(delivered(), kMessages, 240'000);
        for (size_t i = 1; i < workers.size(); ++i)
            QCOMPARE(workers[i]->state(), QProcess::Running); // no engine gave up

        QHash<int, QByteArray> keyOf;
        for (const TestHttpServer::Request &r : server.requests()) {
            const int n = QJsonDocument::fromJson(r.body).object().value(QStringLiteral("payload")).toObject().value(QStringLiteral("n")).toInt(-1);
            QVERIFY(n >= 0);
            const QByteArray key = r.header("Idempotency-Key");
            QVERIFY(!key.isEmpty());
            if (keyOf.contains(n))
                QCOMPARE(key, keyOf.value(n));
            keyOf.insert(n, key);
        }
        // The killed engine had at most kConcurrency deliveries in flight (the queue's limit holds across
        // engines). This test used to see 30 duplicates (issue 14's note; on MariaDB in every run): each
        // of the three live engines reclaimed the same expired leases, the later ones taking back what
        // another had claimed since. Reclaims now lock and compare; the bound still allows one queue's
        // concurrency per engine until runs on both servers have shown it holds at kConcurrency.
        const qsizetype duplicates = server.requests().size() - kMessages;
        qInfo("%lld duplicate deliveries", static_cast<long long>(duplicates));
        if (duplicates > kConcurrency) {
            // More than the killed engine can have had: say when each repeat arrived relative to the kill
            // and to its first delivery, to tell expired leases of live engines from channel retries.
            QHash<int, qint64> firstAt;
            for (const TestHttpServer::Request &r : server.requests()) {
                const int n = QJsonDocument::fromJson(r.body).object().value(QStringLiteral("payload")).toObject().value(QStringLiteral("n")).toInt(-1);
                if (!firstAt.contains(n))
                    firstAt.insert(n, r.receivedAtMs);
                else
                    qInfo("repeat of %d: %lld ms after its first delivery, %lld ms after the kill", n, static_cast<long long>(r.receivedAtMs - firstAt.value(n)),
                          static_cast<long long>(r.receivedAtMs - killedAtMs));
            }
        }
        QVERIFY2(duplicates <= 4 * kConcurrency, qPrintable(QStringLiteral("%1 duplicates").arg(duplicates)));

        // The live engines are registered with a heartbeat; the store counts every message completed.
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((ctl(db, {QStringLiteral("stats"), QStringLiteral("--json")}, {}, &out) == 0 &&
                                  QJsonDocument::fromJson(out).array().at(0).toObject().value(QStringLiteral("completed")).toInt() == kMessages),
                                 30'000);
        QCOMPARE(ctl(db, {QStringLiteral("engines"), QStringLiteral("--json")}, {}, &out), 0);
        const QJsonArray engines = QJsonDocument::fromJson(out).array();
        // The three live ones; the killed one stays listed until it has been silent for 30 s.
        QVERIFY2(engines.size() >= 3 && engines.size() <= 4, out.constData());
        for (const QJsonValue &e : engines)
            QVERIFY(!e.toObject().value(QStringLiteral("host")).toString().isEmpty());

        stopAll(workers); // SIGTERM: a graceful stop
    }

    // A queue limited to 4 concurrent deliveries and 10 starts a second holds both across four engines,
    // measured at the peer (which answers each request after 300 ms).
    void shouldHoldAQueuesLimitsAcrossFourEngines()
    {
        const QString db = m_server->url(m_server->freshDatabase());
        TestHttpServer server;
        QVERIFY(server.listen());
        server.setFallback(TestHttpServer::Response::answerAfter(300, 200, QByteArrayLiteral("{}")));
        constexpr int kMessages = 60;
        QVERIFY(arrange(db, server, QStringLiteral("limited"), {QStringLiteral("--concurrency"), QStringLiteral("4"), QStringLiteral("--rate"), QStringLiteral("10/1s")},
                        kMessages));
        std::vector<std::unique_ptr<QProcess>> workers;
        for (int i = 0; i < 4; ++i) {
            workers.push_back(startWorker(db));
            QVERIFY(workers.back()->waitForStarted());
        }
        QTRY_COMPARE_WITH_TIMEOUT(server.requests().size(), qsizetype(kMessages), 120'000);
        stopAll(workers);
        // Concurrency: exact (a slot frees only once the completion is committed, after the answer).
        QVERIFY2(server.maxUnanswered() <= 4, qPrintable(QStringLiteral("%1 requests in flight at once").arg(server.maxUnanswered())));
        QVERIFY(server.maxUnanswered() >= 2); // the engines did deliver side by side
        // Rate: starts are counted at the claim; at the peer, a request of one second may arrive a few
        // milliseconds after the next second's first one was claimed, so the peer's window is 800 ms.
        QList<qint64> at;
        for (const TestHttpServer::Request &r : server.requests())
            at << r.receivedAtMs;
        std::sort(at.begin(), at.end());
        int most = 0;
        for (qsizetype i = 0; i < at.size(); ++i) {
            qsizetype j = i;
            while (j < at.size() && at[j] < at[i] + 800)
                ++j;
            most = std::max(most, int(j - i));
        }
        QVERIFY2(most <= 10, qPrintable(QStringLiteral("%1 starts within 800 ms at the peer").arg(most)));
        // 60 messages at 10 a second cannot take much less than 5 s (without the global limit, four
        // engines would start 40 a second).
        QVERIFY2(at.last() - at.first() >= 4500, qPrintable(QStringLiteral("%1 ms for %2 starts").arg(at.last() - at.first()).arg(kMessages)));
    }

    // Faults are ordinary: the server restarted mid-run, then every connection to the store killed
    // (pg_terminate_backend, KILL CONNECTION). The engines reconnect and carry on; nothing is lost and neither exits.
    void shouldCarryOnThroughAServerRestartAndKilledBackends()
    {
        const QString database = m_server->freshDatabase();
        const QString db = m_server->url(database);
        TestHttpServer server;
        QVERIFY(server.listen());
        server.setFallback(TestHttpServer::Response::answerAfter(20, 200, QByteArrayLiteral("{}")));
        constexpr int kMessages = 400;
        QVERIFY(arrange(db, server, QStringLiteral("q"), {QStringLiteral("--concurrency"), QStringLiteral("4")}, kMessages));
        std::vector<std::unique_ptr<QProcess>> workers;
        for (int i = 0; i < 2; ++i) {
            workers.push_back(startWorker(db));
            QVERIFY(workers.back()->waitForStarted());
        }
        QTRY_VERIFY_WITH_TIMEOUT(server.requests().size() >= kMessages / 4, 120'000);
        QString error;
        QVERIFY2(m_server->restart(&error), qPrintable(error));
        const qsizetype atRestart = server.requests().size();
        QVERIFY2(atRestart < kMessages, "delivered everything before the restart; the test proves nothing");
        QTRY_VERIFY_WITH_TIMEOUT(server.requests().size() >= atRestart + kMessages / 4, 120'000);
        const qsizetype atKill = server.requests().size();
        QVERIFY2(atKill < kMessages, "delivered everything before the backends were killed; the test proves nothing");
        QVERIFY2(m_server->terminateBackends(database, &error) >= 2, qPrintable(error));
        const auto delivered = [&] {
            const QList<int> numbers = numbersAt(server);
            return QSet<int>(numbers.cbegin(), numbers.cend()).size();
        };
        QTRY_COMPARE_WITH_TIMEOUT(delivered(), kMessages, 180'000);
        for (auto &w : workers)
            QCOMPARE(w->state(), QProcess::Running);
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((ctl(db, {QStringLiteral("stats"), QStringLiteral("--json")}, {}, &out) == 0 &&
                                  QJsonDocument::fromJson(out).array().at(0).toObject().value(QStringLiteral("completed")).toInt() == kMessages),
                                 120'000);
        stopAll(workers);
    }

    // The scaling benchmark (issue 15): several engines in one `heraldctl bench` on one store, each
    // result naming its engines; every message completed (the bench fails otherwise).
    void shouldBenchSeveralEnginesOnOneStore()
    {
        const QString db = m_server->url(m_server->freshDatabase());
        QCOMPARE(ctl(db, {QStringLiteral("init")}), 0);
        QByteArray out;
        QCOMPARE(ctl(db, {QStringLiteral("bench"), QStringLiteral("process"), QStringLiteral("--engines"), QStringLiteral("1,3"),
                          QStringLiteral("--concurrency"), QStringLiteral("4"), QStringLiteral("--messages"), QStringLiteral("60")},
                     {}, &out),
                 0);
        QList<int> engines;
        for (const QByteArray &line : out.split('\n')) {
            if (line.trimmed().isEmpty())
                continue;
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            QCOMPARE(o.value(QStringLiteral("scenario")).toString(), QStringLiteral("process"));
            QCOMPARE(o.value(QStringLiteral("messages")).toInt(), 60);
            QVERIFY(o.value(QStringLiteral("global_limit")).toBool());
            QVERIFY(o.value(QStringLiteral("per_s")).toInt() > 0);
            engines << o.value(QStringLiteral("engines")).toInt();
        }
        QCOMPARE(engines, (QList<int>{1, 3}));
        // Each run's queue (one per engine count) drained: every message completed, once.
        QByteArray stats;
        QCOMPARE(ctl(db, {QStringLiteral("stats"), QStringLiteral("--json")}, {}, &stats), 0);
        const QJsonArray queues = QJsonDocument::fromJson(stats).array();
        QCOMPARE(queues.size(), 2);
        for (const QJsonValue &q : queues)
            QCOMPARE(q.toObject().value(QStringLiteral("completed")).toInt(), 60);
    }

    void shouldRefuseBadStoresWithExitTwoAndNoPassword()
    {
        QByteArray err;
        // No database named.
        QCOMPARE(ctl(QStringLiteral("%1://herald:s3cret-pw@127.0.0.1:%2").arg(scheme()).arg(m_server->port()), {QStringLiteral("stats")}, {}, nullptr, &err), 2);
        QVERIFY2(err.contains("names no database") && !err.contains("s3cret-pw"), err.constData());
        // A wrong password.
        QCOMPARE(ctl(QStringLiteral("%1://herald:s3cret-pw@127.0.0.1:%2/%3").arg(scheme()).arg(m_server->port()).arg(m_server->freshDatabase()),
                     {QStringLiteral("stats")}, {}, nullptr, &err),
                 2);
        QVERIFY2(err.contains("wrong or missing password") && !err.contains("s3cret-pw"), err.constData());
        // A server that is down (a port nobody listens on).
        QCOMPARE(ctl(QStringLiteral("%1://herald:s3cret-pw@127.0.0.1:1/herald").arg(scheme()), {QStringLiteral("stats")}, {}, nullptr, &err), 2);
        QVERIFY2(err.contains(QStringLiteral("no %1 server answers").arg(m_server->serverName()).toUtf8()) && !err.contains("s3cret-pw"), err.constData());
        // A database that belongs to something else.
        const QString other = m_server->freshDatabase();
        QVERIFY(m_server->exec(other, QStringLiteral("CREATE TABLE customers (id integer)")));
        QCOMPARE(ctl(m_server->url(other), {QStringLiteral("init")}, {}, nullptr, &err), 2);
        QVERIFY2(err.contains("not a Herald store") && err.contains("customers") && !err.contains(m_server->password().toUtf8()), err.constData());
        // A schema newer than this Herald.
        const QString newer = m_server->freshDatabase();
        QCOMPARE(ctl(m_server->url(newer), {QStringLiteral("init")}), 0);
        QVERIFY(m_server->exec(newer, QStringLiteral("INSERT INTO schema_version (version, applied_at) VALUES (99, 0)")));
        QCOMPARE(ctl(m_server->url(newer), {QStringLiteral("stats")}, {}, nullptr, &err), 2);
        QVERIFY2(err.contains("schema version 99") && !err.contains(m_server->password().toUtf8()), err.constData());
    }

    // A worker booted before its database: with --wait-for-store it says what it waits for and starts
    // delivering once the server answers; without, or once the wait is over, it exits 2.
    void shouldWaitForAServerThatIsNotUpYet()
    {
        const QString database = m_server->freshDatabase();
        const QString db = m_server->url(database);
        TestHttpServer server;
        QVERIFY(server.listen());
        server.setFallback(TestHttpServer::Response::answerAfter(0, 200, QByteArrayLiteral("{}")));
        QVERIFY(arrange(db, server, QStringLiteral("q"), {}, 1));
        QString error;
        QVERIFY2(m_server->stop(&error), qPrintable(error));
        QByteArray err;
        // Without waiting: exit 2 at once. With a short wait: tries, says so, then exit 2, password unsaid.
        QCOMPARE(ctl(db, {QStringLiteral("work"), QStringLiteral("--until-idle")}, {}, nullptr, &err), 2);
        QVERIFY2(err.contains(QStringLiteral("no %1 server answers").arg(m_server->serverName()).toUtf8()), err.constData());
        QCOMPARE(ctl(db, {QStringLiteral("work"), QStringLiteral("--until-idle"), QStringLiteral("--wait-for-store"), QStringLiteral("1500ms")}, {},
                     nullptr, &err),
                 2);
        QVERIFY2(err.contains("trying again in") && !err.contains(m_server->password().toUtf8()), err.constData());

        auto worker = std::make_unique<QProcess>();
        worker->setProcessEnvironment(test::ctlEnvironment());
        worker->setStandardOutputFile(QProcess::nullDevice());
        worker->start(QStringLiteral(HERALDCTL_PATH), {QStringLiteral("--db"), db, QStringLiteral("work"), QStringLiteral("--wait-for-store"),
                                                       QStringLiteral("2m")});
        QVERIFY(worker->waitForStarted());
        QByteArray said;
        QTRY_VERIFY_WITH_TIMEOUT((said += worker->readAllStandardError()).contains("trying again in"), 30'000);
        QCOMPARE(worker->state(), QProcess::Running);
        QVERIFY2(m_server->start(&error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(server.requests().size(), 1, 90'000);
        said += worker->readAllStandardError();
        QVERIFY2(said.contains("delivering from") && !said.contains(m_server->password().toUtf8()), said.constData());
        worker->terminate();
        QSignalSpy done(worker.get(), &QProcess::finished);
        QVERIFY(worker->state() == QProcess::NotRunning || done.wait(60'000));
        QCOMPARE(worker->exitCode(), 0);
    }

    // The password may come from PGPASSWORD instead of the URL, and is never printed.
    void shouldTakeThePasswordFromPgpassword()
    {
        if (m_server->serverName() != QLatin1String("PostgreSQL"))
            QSKIP("PGPASSWORD is libpq's: PostgreSQL stores only");
        const QString database = m_server->freshDatabase();
        const QString url = QStringLiteral("postgres://%1@127.0.0.1:%2/%3").arg(m_server->user()).arg(m_server->port()).arg(database);
        QProcessEnvironment env = test::ctlEnvironment();
        env.insert(QStringLiteral("PGPASSWORD"), m_server->password());
        const test::CtlRun init = test::runHeraldctl(url, {QStringLiteral("init")}, env);
        QCOMPARE(init.code, 0);
        const test::CtlRun stats = test::runHeraldctl(url, {QStringLiteral("stats")}, env);
        QCOMPARE(stats.code, 0);
        QVERIFY(!stats.out.contains(m_server->password().toUtf8()) && !stats.err.contains(m_server->password().toUtf8()));
    }
};

QTEST_GUILESS_MAIN(tst_MultiEngine)
#include "tst_multiengine.moc"
