// The runtime with the real channels against a real HTTP peer on loopback: back-off observed end to
// end, permanent failures at the first attempt, SMS without a phone number failing without a request,
// and a peer's 429 pausing its channel.
#include "StoreFixture.h"
#include "TestHttpServer.h"

#include "channels/Channel.h"
#include "runtime/Engine.h"

#include <QSignalSpy>

using namespace herald;

class tst_DeliveryEndToEnd : public QObject
{
    Q_OBJECT

    static RuntimeOptions options()
    {
        RuntimeOptions o;
        o.workerThreads = 2;
        o.pollMs = 200;
        o.channelFactory = &createChannel;
        return o;
    }

    struct Setup
    {
        QTemporaryDir dir;
        std::unique_ptr<Store> store;
        QString path() const { return dir.filePath(QStringLiteral("h.db")); }
    };

    static bool prepare(Setup &s, ChannelConfig::Kind kind, const QUrl &url, const QString &backoff = QStringLiteral("exponential:100ms"))
    {
        auto opened = Store::open(StoreUrl::sqlite(s.path()));
        if (!opened)
            return false;
        s.store = std::move(opened).value();
        ChannelConfig c;
        c.name = QStringLiteral("peer");
        c.kind = kind;
        c.url = url.toString();
        c.timeoutMs = 5000;
        if (!s.store->addChannel(c))
            return false;
        QueueConfig q;
        q.name = QStringLiteral("q");
        q.retry = *RetryPolicy::parse(backoff);
        q.defaultChannel = QStringLiteral("peer");
        return s.store->addQueue(q).ok();
    }

    static qint64 enqueue(Store &store, const QString &recipient = QStringLiteral("+14155550100"))
    {
        NewMessage m;
        m.queue = QStringLiteral("q");
        m.type = QStringLiteral("checkin_reminder");
        m.recipient = recipient;
        m.payload = QByteArrayLiteral("{\"body\":\"Hi {{contractor.first_name}}, check-in opens at 8:00.\",\"contractor\":{\"first_name\":\"Ana\"}}");
        auto r = store.enqueue(m);
        return r ? r->id : 0;
    }

private Q_SLOTS:
    void shouldBackOffAndCompleteOnTheThirdAttempt()
    {
        TestHttpServer server;
        QVERIFY(server.listen());
        server.script({TestHttpServer::Response::answer(500), TestHttpServer::Response::answer(500),
                       TestHttpServer::Response::answer(200, QByteArrayLiteral("{\"id\":\"hook-77\"}"))});
        Setup s;
        QVERIFY(prepare(s, ChannelConfig::Kind::Webhook, server.url()));
        const qint64 id = enqueue(*s.store);
        Engine engine(StoreUrl::sqlite(s.path()), options());
        QSignalSpy finished(&engine, &Engine::finished);
        QVERIFY(engine.start(Engine::ExitWhen::Drained).ok());
        QVERIFY(finished.wait(30'000));
        const auto m = s.store->message(id);
        QCOMPARE(m->state, MessageState::Completed);
        QCOMPARE(m->attempts, 3);
        QCOMPARE(m->providerMessageId, QStringLiteral("hook-77"));
        QCOMPARE(server.requests().size(), 3);
        QCOMPARE(server.requests().at(0).header("Idempotency-Key"), server.requests().at(2).header("Idempotency-Key"));
        const auto attempts = s.store->attempts(id);
        QCOMPARE(attempts->size(), 3);
        QCOMPARE(attempts->at(0).responseCode, 500);
        QCOMPARE(attempts->at(1).responseCode, 500);
        QCOMPARE(attempts->at(2).outcome, QStringLiteral("success"));
        // 100 ms after the first failure, 200 ms after the second.
        QVERIFY(attempts->at(1).startedAt - *attempts->at(0).finishedAt >= 100);
        QVERIFY(attempts->at(2).startedAt - *attempts->at(1).finishedAt >= 200);
    }

    void shouldFailAtTheFirstAttemptOnAPermanent4xx()
    {
        TestHttpServer server;
        QVERIFY(server.listen());
        server.setFallback(TestHttpServer::Response::answer(422, QByteArrayLiteral("{\"error\":\"unknown list\"}")));
        Setup s;
        QVERIFY(prepare(s, ChannelConfig::Kind::Webhook, server.url()));
        const qint64 id = enqueue(*s.store);
        Engine engine(StoreUrl::sqlite(s.path()), options());
        QSignalSpy finished(&engine, &Engine::finished);
        QVERIFY(engine.start(Engine::ExitWhen::Drained).ok());
        QVERIFY(finished.wait(30'000));
        const auto m = s.store->message(id);
        QCOMPARE(m->state, MessageState::Failed);
        QCOMPARE(m->attempts, 1);
        QVERIFY2(m->lastError.contains(QLatin1String("422")), qPrintable(m->lastError));
        QCOMPARE(server.requests().size(), 1);
    }

    void shouldFailAnSmsWithoutAPhoneNumberWithoutARequest()
    {
        TestHttpServer server;
        QVERIFY(server.listen());
        Setup s;
        QVERIFY(prepare(s, ChannelConfig::Kind::Sms, server.url()));
        const qint64 noPhone = enqueue(*s.store, QString());
        const qint64 withPhone = enqueue(*s.store);
        Engine engine(StoreUrl::sqlite(s.path()), options());
        QSignalSpy finished(&engine, &Engine::finished);
        QVERIFY(engine.start(Engine::ExitWhen::Drained).ok());
        QVERIFY(finished.wait(30'000));
        QCOMPARE(s.store->message(noPhone)->state, MessageState::Failed);
        QCOMPARE(s.store->message(noPhone)->attempts, 1);
        QCOMPARE(s.store->message(withPhone)->state, MessageState::Completed);
        QCOMPARE(server.requests().size(), 1); // only the one with a number
        QVERIFY(server.requests().front().body.contains("Hi Ana, check-in opens at 8:00."));
    }

    void shouldPauseTheChannelWhenThePeerSaysTooManyRequests()
    {
        TestHttpServer server;
        QVERIFY(server.listen());
        server.script({TestHttpServer::Response::answer(429, {}, {{QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")}})});
        Setup s;
        QVERIFY(prepare(s, ChannelConfig::Kind::Webhook, server.url(), QStringLiteral("fixed:10ms")));
        const qint64 first = enqueue(*s.store);
        Engine engine(StoreUrl::sqlite(s.path()), options());
        QSignalSpy finished(&engine, &Engine::finished);
        QSignalSpy status(&engine, &Engine::statusChanged);
        QVERIFY(engine.start(Engine::ExitWhen::Drained).ok());
        QVERIFY(finished.wait(30'000));
        QCOMPARE(s.store->message(first)->state, MessageState::Completed);
        const auto attempts = s.store->attempts(first);
        QCOMPARE(attempts->size(), 2);
        // Retry-After (1 s) won over the 10 ms back-off.
        QVERIFY(attempts->at(1).startedAt - *attempts->at(0).finishedAt >= 1000);
        bool sawPause = false;
        for (const QList<QVariant> &args : status)
            sawPause = sawPause || args.front().value<EngineStatus>().pausedChannels.contains(QStringLiteral("peer"));
        QVERIFY(sawPause);
    }
};

QTEST_GUILESS_MAIN(tst_DeliveryEndToEnd)
#include "tst_deliveryendtoend.moc"
