// SmsChannel against a real HTTP gateway on loopback: JSON and form bodies, auth header, E.164 refusals.
#include "ChannelTestSupport.h"
#include "TestHttpServer.h"
#include "channels/SmsChannel.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QTest>
#include <QUrlQuery>

using namespace herald;
using namespace Qt::StringLiterals;

class tst_SmsChannel : public QObject
{
    Q_OBJECT

    QNetworkAccessManager m_network;
    std::unique_ptr<TestHttpServer> m_server;

    Result<std::unique_ptr<Channel>> tryGateway(const QJsonObject &options, bool withSecret = true)
    {
        ChannelConfig config;
        config.name = u"sms-gateway"_s;
        config.kind = ChannelConfig::Kind::Sms;
        config.url = m_server->url(u"/send"_s).toString();
        config.options = options;
        if (withSecret)
            config.secretRef = u"env:HERALD_TEST_SMS_KEY"_s;
        return createChannel(config, ChannelContext{&m_network, {}, {}});
    }
    std::unique_ptr<Channel> gateway(const QJsonObject &options = {}, bool withSecret = true)
    {
        auto channel = tryGateway(options, withSecret);
        if (!channel)
            qFatal("%s", qPrintable(channel.errorString()));
        return std::move(*channel);
    }

    static Delivery reminder(const QString &phone, const QString &body = u"Hola {{contractor.first_name}} & co"_s)
    {
        return makeDelivery(311, phone, QJsonObject{{u"body"_s, body}, {u"contractor"_s, QJsonObject{{u"first_name"_s, u"Ana"_s}}}});
    }

private Q_SLOTS:
    void initTestCase() { qputenv("HERALD_TEST_SMS_KEY", "Basic c21zOnRlc3Q="); }

    void init()
    {
        m_server = std::make_unique<TestHttpServer>();
        QVERIFY(m_server->listen());
    }

    void shouldPostJsonWithTheSecretInTheAuthorizationHeaderByDefault()
    {
        auto channel = gateway();
        HERALD_DELIVER(*channel, reminder(u"+34600111222"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Success);
        const TestHttpServer::Request &r = m_server->requests().first();
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.path, QByteArray("/send"));
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
        QCOMPARE(r.header("Authorization"), QByteArray("Basic c21zOnRlc3Q="));
        QCOMPARE(r.header("Idempotency-Key"), QByteArray("herald-event-messages-311"));
        QCOMPARE(jsonObject(r.body), (QJsonObject{{u"to"_s, u"+34600111222"_s}, {u"text"_s, u"Hola Ana & co"_s}}));
        QVERIFY(!o.rendered.contains("c21zOnRlc3Q="));
    }

    void shouldPostAFormWhenAsked()
    {
        auto channel = gateway(QJsonObject{{u"format"_s, u"form"_s}});
        HERALD_DELIVER(*channel, reminder(u"+34600111222"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Success);
        const TestHttpServer::Request &r = m_server->requests().first();
        QCOMPARE(r.header("Content-Type"), QByteArray("application/x-www-form-urlencoded"));
        QCOMPARE(r.body, QByteArray("to=%2B34600111222&text=Hola%20Ana%20%26%20co"));
        const QUrlQuery form(QString::fromUtf8(r.body));
        QCOMPARE(form.queryItemValue(u"to"_s, QUrl::FullyDecoded), u"+34600111222"_s);
        QCOMPARE(form.queryItemValue(u"text"_s, QUrl::FullyDecoded), u"Hola Ana & co"_s);
    }

    void shouldRenderTheConfiguredBodyTemplateAsValidJson()
    {
        auto channel = gateway(QJsonObject{
            {u"body"_s,
             uR"({"messages":[{"destination":"{{to}}","content":"{{text}}","reference":"{{idempotency_key}}","herald_id":{{message.id}}}]})"_s}});
        // Quotes, backslashes and a newline in the text must not break the JSON.
        HERALD_DELIVER(*channel, reminder(u"+34600111222"_s, u"Say \"{{contractor.first_name}}\"\\\nbye"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Success);
        const QJsonObject body = jsonObject(m_server->requests().first().body);
        const QJsonObject sent = body.value(u"messages"_s).toArray().first().toObject();
        QCOMPARE(sent.value(u"destination"_s).toString(), u"+34600111222"_s);
        QCOMPARE(sent.value(u"content"_s).toString(), u"Say \"Ana\"\\\nbye"_s);
        QCOMPARE(sent.value(u"reference"_s).toString(), u"herald-event-messages-311"_s);
        QCOMPARE(sent.value(u"herald_id"_s).toInt(), 311);
    }

    void shouldSendTheSecretInTheConfiguredAuthHeader()
    {
        auto channel = gateway(QJsonObject{{u"auth_header"_s, u"X-Api-Key"_s}});
        HERALD_DELIVER(*channel, reminder(u"+34600111222"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Success);
        const TestHttpServer::Request &r = m_server->requests().first();
        QCOMPARE(r.header("X-Api-Key"), QByteArray("Basic c21zOnRlc3Q="));
        QVERIFY(r.header("Authorization").isEmpty());
    }

    void shouldSendNoAuthHeaderWithoutASecret()
    {
        auto channel = gateway({}, false);
        HERALD_DELIVER(*channel, reminder(u"+34600111222"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Success);
        QVERIFY(m_server->requests().first().header("Authorization").isEmpty());
    }

    void shouldReadTheProviderIdFromTheConfiguredField()
    {
        m_server->script({TestHttpServer::Response::answer(200, R"({"messages":[{"id":"SM9f2c","status":"queued"}]})")});
        auto channel = gateway(QJsonObject{{u"id_field"_s, u"messages.0.id"_s}});
        HERALD_DELIVER(*channel, reminder(u"+34600111222"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Success);
        QCOMPARE(o.providerMessageId, u"SM9f2c"_s);
    }

    void shouldFailAtOnceWithoutARequestForABadNumber_data()
    {
        QTest::addColumn<QString>("recipient");
        QTest::addColumn<QString>("error");
        QTest::newRow("empty") << QString() << u"no phone number"_s;
        QTest::newRow("blank") << u"  "_s << u"no phone number"_s;
        QTest::newRow("no plus") << u"34600111222"_s << u"'34600111222' is not an E.164 phone number"_s;
        QTest::newRow("spaces") << u"+34 600 111 222"_s << u"'+34 600 111 222' is not an E.164 phone number"_s;
        QTest::newRow("leading zero") << u"+0600111222"_s << u"is not an E.164 phone number"_s;
        QTest::newRow("too short") << u"+123456"_s << u"is not an E.164 phone number"_s;
        QTest::newRow("too long") << u"+1234567890123456"_s << u"is not an E.164 phone number"_s;
    }
    void shouldFailAtOnceWithoutARequestForABadNumber()
    {
        QFETCH(QString, recipient);
        QFETCH(QString, error);
        auto channel = gateway();
        HERALD_DELIVER(*channel, reminder(recipient), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Permanent);
        QVERIFY2(o.error.contains(error), qPrintable(o.error));
        QCOMPARE(m_server->connectionsAccepted(), 0);
        QVERIFY(m_server->requests().isEmpty());
    }

    void shouldAcceptTheShortestAndLongestE164Numbers()
    {
        QVERIFY(SmsChannel::recipientProblem(u"+1234567"_s).isEmpty());
        QVERIFY(SmsChannel::recipientProblem(u"+123456789012345"_s).isEmpty());
    }

    void shouldFailPermanentlyWhenThereIsNoText()
    {
        auto channel = gateway();
        HERALD_DELIVER(*channel, makeDelivery(312, u"+34600111222"_s, QJsonObject{{u"subject"_s, u"only"_s}}), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Permanent);
        QVERIFY2(o.error.contains(u"message 312"_s) && o.error.contains(u"'body' or 'text'"_s), qPrintable(o.error));
        QVERIFY(m_server->requests().isEmpty());
    }

    void shouldClassifyAnswersAsWebhooksDo_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<DeliveryOutcome::Kind>("kind");
        QTest::addColumn<qint64>("retryAfterMs");
        QTest::addColumn<bool>("pauseChannel");
        QTest::newRow("201") << 201 << DeliveryOutcome::Kind::Success << qint64(-1) << false;
        QTest::newRow("400") << 400 << DeliveryOutcome::Kind::Permanent << qint64(-1) << false;
        QTest::newRow("429") << 429 << DeliveryOutcome::Kind::Retryable << qint64(7'000) << true;
        QTest::newRow("502") << 502 << DeliveryOutcome::Kind::Retryable << qint64(-1) << false;
    }
    void shouldClassifyAnswersAsWebhooksDo()
    {
        QFETCH(int, status);
        QFETCH(DeliveryOutcome::Kind, kind);
        QFETCH(qint64, retryAfterMs);
        QFETCH(bool, pauseChannel);
        m_server->script({TestHttpServer::Response::answer(status, R"({"id":"m-1"})", {{"Retry-After", "7"}})});
        auto channel = gateway();
        HERALD_DELIVER(*channel, reminder(u"+34600111222"_s), o);
        QCOMPARE(o.kind, kind);
        QCOMPARE(o.responseCode, status);
        QCOMPARE(o.retryAfterMs.value_or(-1), retryAfterMs);
        QCOMPARE(o.pauseChannel, pauseChannel);
        if (kind == DeliveryOutcome::Kind::Success)
            QCOMPARE(o.providerMessageId, u"m-1"_s);
    }

    void shouldRetryWhenTheGatewayIsDown()
    {
        const quint16 port = closedPort();
        ChannelConfig config;
        config.name = u"sms-gateway"_s;
        config.kind = ChannelConfig::Kind::Sms;
        config.url = u"http://127.0.0.1:%1/send"_s.arg(port);
        auto channel = createChannel(config, ChannelContext{&m_network, {}, {}});
        QVERIFY2(channel.ok(), qPrintable(channel.errorString()));
        HERALD_DELIVER(**channel, reminder(u"+34600111222"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Retryable);
    }

    void shouldRefuseABodyTemplateThatCannotParse()
    {
        const auto channel = tryGateway(QJsonObject{{u"body"_s, u"{\"to\":\"{{to}\"}"_s}});
        QVERIFY(!channel.ok());
        QVERIFY2(channel.errorString().contains(u"channel 'sms-gateway'"_s) && channel.errorString().contains(u"'options.body'"_s),
                 qPrintable(channel.errorString()));
    }

    void shouldFailPermanentlyWhenTheBodyTemplateRendersInvalidJson()
    {
        auto channel = gateway(QJsonObject{{u"body"_s, u"{\"to\":{{to}}}"_s}});
        HERALD_DELIVER(*channel, reminder(u"+34600111222"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Permanent);
        QVERIFY2(o.error.contains(u"options.body is not JSON"_s), qPrintable(o.error));
        QVERIFY(m_server->requests().isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_SmsChannel)
#include "tst_smschannel.moc"
