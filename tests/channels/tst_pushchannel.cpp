// PushChannel against a real HTTP endpoint on loopback: FCM v1 body, bearer token, stale tokens.
#include "ChannelTestSupport.h"
#include "TestHttpServer.h"
#include "channels/PushChannel.h"

#include <QNetworkAccessManager>
#include <QTest>

using namespace herald;
using namespace Qt::StringLiterals;

namespace {
const QByteArray kUnregistered = R"({"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND",
 "details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}})";
}

class tst_PushChannel : public QObject
{
    Q_OBJECT

    QNetworkAccessManager m_network;
    std::unique_ptr<TestHttpServer> m_server;

    std::unique_ptr<Channel> push()
    {
        ChannelConfig config;
        config.name = u"fcm"_s;
        config.kind = ChannelConfig::Kind::Push;
        config.url = m_server->url(u"/v1/projects/herald/messages:send"_s).toString();
        config.secretRef = u"env:HERALD_TEST_FCM_TOKEN"_s;
        auto channel = createChannel(config, ChannelContext{&m_network, {}, {}});
        if (!channel)
            qFatal("%s", qPrintable(channel.errorString()));
        return std::move(*channel);
    }

    static Delivery incentive(const QString &token, QJsonObject payload = {})
    {
        if (payload.isEmpty())
            payload = QJsonObject{
                {u"title"_s, u"{{points}} points!"_s},
                {u"body"_s, u"Well done, {{contractor.first_name}}"_s},
                {u"points"_s, 150},
                {u"contractor"_s, QJsonObject{{u"first_name"_s, u"Ana"_s}}},
                {u"data"_s, QJsonObject{{u"event_id"_s, 41}, {u"kind"_s, u"incentive"_s}, {u"ratio"_s, 0.5}, {u"final"_s, true},
                                        {u"detail"_s, QJsonObject{{u"a"_s, 1}}}, {u"dropped"_s, QJsonValue::Null}}},
            };
        return makeDelivery(920, token, payload);
    }

private Q_SLOTS:
    void initTestCase() { qputenv("HERALD_TEST_FCM_TOKEN", "ya29.test-access-token"); }

    void init()
    {
        m_server = std::make_unique<TestHttpServer>();
        QVERIFY(m_server->listen());
    }

    void shouldPostAnFcmV1MessageWithTheBearerToken()
    {
        m_server->script({TestHttpServer::Response::answer(200, R"({"name":"projects/herald/messages/0:1500415314455276%31bd1c96"})")});
        auto channel = push();
        HERALD_DELIVER(*channel, incentive(u"fcm-token-abc"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Success);
        QCOMPARE(o.providerMessageId, u"projects/herald/messages/0:1500415314455276%31bd1c96"_s);

        const TestHttpServer::Request &r = m_server->requests().first();
        QCOMPARE(r.path, QByteArray("/v1/projects/herald/messages:send"));
        QCOMPARE(r.header("Authorization"), QByteArray("Bearer ya29.test-access-token"));
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
        const QJsonObject expected{
            {u"message"_s,
             QJsonObject{{u"token"_s, u"fcm-token-abc"_s},
                         {u"notification"_s, QJsonObject{{u"title"_s, u"150 points!"_s}, {u"body"_s, u"Well done, Ana"_s}}},
                         {u"data"_s, QJsonObject{{u"event_id"_s, u"41"_s}, {u"kind"_s, u"incentive"_s}, {u"ratio"_s, u"0.5"_s},
                                                 {u"final"_s, u"true"_s}, {u"detail"_s, u"{\"a\":1}"_s}}}}},
        };
        QCOMPARE(jsonObject(r.body), expected);
    }

    void shouldLeaveOutTheNotificationOfADataOnlyPush()
    {
        auto channel = push();
        HERALD_DELIVER(*channel, incentive(u"t"_s, QJsonObject{{u"data"_s, QJsonObject{{u"sync"_s, u"1"_s}}}}), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Success);
        const QJsonObject message = jsonObject(m_server->requests().first().body).value(u"message"_s).toObject();
        QVERIFY(!message.contains(u"notification"_s));
        QCOMPARE(message.value(u"data"_s).toObject(), (QJsonObject{{u"sync"_s, u"1"_s}}));
    }

    void shouldClassifyStaleTokens_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<DeliveryOutcome::Kind>("kind");
        QTest::addColumn<bool>("stale");
        QTest::addColumn<bool>("pauseChannel");
        using K = DeliveryOutcome::Kind;
        QTest::newRow("404 UNREGISTERED") << 404 << kUnregistered << K::Permanent << true << false;
        QTest::newRow("410 gone") << 410 << QByteArray() << K::Permanent << true << false;
        QTest::newRow("400 UNREGISTERED") << 400 << QByteArray(R"({"error":{"status":"INVALID_ARGUMENT","errorCode":"UNREGISTERED"}})")
                                          << K::Permanent << true << false;
        QTest::newRow("400 bad payload") << 400 << QByteArray(R"({"error":{"status":"INVALID_ARGUMENT"}})") << K::Permanent << false << false;
        QTest::newRow("429 quota") << 429 << QByteArray(R"({"error":{"status":"RESOURCE_EXHAUSTED"}})") << K::Retryable << false << true;
        QTest::newRow("503 unavailable") << 503 << QByteArray() << K::Retryable << false << false;
    }
    void shouldClassifyStaleTokens()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(DeliveryOutcome::Kind, kind);
        QFETCH(bool, stale);
        QFETCH(bool, pauseChannel);
        m_server->script({TestHttpServer::Response::answer(status, body)});
        auto channel = push();
        HERALD_DELIVER(*channel, incentive(u"fcm-token-old"_s), o);
        QCOMPARE(o.kind, kind);
        QCOMPARE(o.staleRecipient, stale);
        QCOMPARE(o.pauseChannel, pauseChannel);
        QCOMPARE(o.responseCode, status);
        if (stale)
            QVERIFY2(o.error.contains(u"no longer registered"_s), qPrintable(o.error));
    }

    void shouldFailPermanentlyWithoutAToken()
    {
        auto channel = push();
        HERALD_DELIVER(*channel, incentive(QString()), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Permanent);
        QVERIFY2(o.error.contains(u"no device token"_s), qPrintable(o.error));
        QVERIFY(m_server->requests().isEmpty());
    }

    void shouldRetryOnATimeout()
    {
        m_server->setFallback(TestHttpServer::Response::hang());
        ChannelConfig config;
        config.name = u"fcm"_s;
        config.kind = ChannelConfig::Kind::Push;
        config.url = m_server->url().toString();
        config.timeoutMs = 250;
        auto channel = createChannel(config, ChannelContext{&m_network, {}, {}});
        QVERIFY2(channel.ok(), qPrintable(channel.errorString()));
        HERALD_DELIVER(**channel, incentive(u"t"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Retryable);
        QVERIFY2(o.error.contains(u"within 250 ms"_s), qPrintable(o.error));
    }
};

QTEST_GUILESS_MAIN(tst_PushChannel)
#include "tst_pushchannel.moc"
