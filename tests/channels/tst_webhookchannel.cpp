// WebhookChannel against a real HTTP server on loopback: body, signature, headers, classification, abort.
#include "ChannelTestSupport.h"
#include "TestHttpServer.h"
#include "channels/WebhookChannel.h"

#include <QDateTime>
#include <QJsonArray>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTest>

using namespace herald;
using namespace Qt::StringLiterals;

namespace {
const QByteArray kSecret = "whsec_4f1c9e-test-only";
}

class tst_WebhookChannel : public QObject
{
    Q_OBJECT

    QNetworkAccessManager m_network;
    std::unique_ptr<TestHttpServer> m_server;

    std::unique_ptr<Channel> webhook(const QUrl &url, qint64 timeoutMs = 5'000, QJsonObject options = {}, bool signed_ = true)
    {
        ChannelConfig config;
        config.name = u"n8n"_s;
        config.kind = ChannelConfig::Kind::Webhook;
        config.url = url.toString();
        config.timeoutMs = timeoutMs;
        config.options = options;
        if (signed_)
            config.secretRef = u"env:HERALD_TEST_WEBHOOK_SECRET"_s;
        auto channel = createChannel(config, ChannelContext{&m_network, {}, {}});
        if (!channel)
            qFatal("%s", qPrintable(channel.errorString()));
        return std::move(*channel);
    }

    static Delivery speakerAlert(qint64 id = 4107, int attempt = 1)
    {
        return makeDelivery(id, u"+34600111222"_s,
                            QJsonObject{{u"locale"_s, u"es"_s},
                                        {u"contractor"_s, QJsonObject{{u"id"_s, 56}, {u"first_name"_s, u"Ana"_s}}},
                                        {u"localization"_s, QJsonObject{{u"es"_s, QJsonObject{{u"subject"_s, u"Tu charla"_s},
                                                                                              {u"body"_s, u"Hola {{contractor.first_name}}"_s}}}}}},
                            Labels{{u"event"_s, u"41"_s}, {u"contractor"_s, u"56"_s}}, attempt);
    }

private Q_SLOTS:
    void initTestCase() { qputenv("HERALD_TEST_WEBHOOK_SECRET", kSecret); }

    void init()
    {
        m_server = std::make_unique<TestHttpServer>();
        QVERIFY(m_server->listen());
    }

    void shouldPostTheMessageAsJson()
    {
        auto channel = webhook(m_server->url());
        DoneProbe probe;
        channel->deliver(speakerAlert(4107, 2), probe.callback());
        QTRY_COMPARE(probe.calls(), 1);
        QCOMPARE(probe.outcome()->kind, DeliveryOutcome::Kind::Success);

        QCOMPARE(m_server->requests().size(), 1);
        const TestHttpServer::Request &r = m_server->requests().first();
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.path, QByteArray("/hook"));
        QCOMPARE(r.header("Content-Type"), QByteArray("application/json"));
        const QJsonObject body = jsonObject(r.body);
        QCOMPARE(body.value(u"id"_s).toInteger(), 4107);
        QCOMPARE(body.value(u"queue"_s).toString(), u"event-messages"_s);
        QCOMPARE(body.value(u"type"_s).toString(), u"speaker_alert"_s);
        QCOMPARE(body.value(u"recipient"_s).toString(), u"+34600111222"_s);
        QCOMPARE(body.value(u"attempt"_s).toInt(), 2);
        const QJsonObject content = body.value(u"content"_s).toObject();
        QCOMPARE(content.value(u"subject"_s).toString(), u"Tu charla"_s);
        QCOMPARE(content.value(u"text"_s).toString(), u"Hola Ana"_s);
        QCOMPARE(content.value(u"html"_s).toString(), QString());
        QCOMPARE(content.value(u"locale"_s).toString(), u"es"_s);
        QCOMPARE(body.value(u"payload"_s).toObject().value(u"contractor"_s).toObject().value(u"id"_s).toInt(), 56);
        QCOMPARE(body.value(u"labels"_s).toObject(), (QJsonObject{{u"event"_s, u"41"_s}, {u"contractor"_s, u"56"_s}}));

        // What was sent comes back for the record, without the signature.
        const QJsonObject rendered = jsonObject(probe.outcome()->rendered);
        QCOMPARE(rendered.value(u"kind"_s).toString(), u"webhook"_s);
        QCOMPARE(rendered.value(u"request"_s).toObject(), body);
        QVERIFY(!probe.outcome()->rendered.contains(kSecret));
    }

    void shouldSignTheBodyWithTheTimestamp()
    {
        auto channel = webhook(m_server->url());
        const qint64 before = QDateTime::currentSecsSinceEpoch();
        HERALD_DELIVER(*channel, speakerAlert(), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Success);
        const qint64 after = QDateTime::currentSecsSinceEpoch();

        const TestHttpServer::Request &r = m_server->requests().first();
        const QByteArray timestamp = r.header("X-Herald-Timestamp");
        bool isNumber = false;
        const qint64 seconds = timestamp.toLongLong(&isNumber);
        QVERIFY2(isNumber, timestamp.constData());
        QVERIFY(seconds >= before && seconds <= after);
        const QByteArray expected =
            "sha256=" + QMessageAuthenticationCode::hash(timestamp + "." + r.body, kSecret, QCryptographicHash::Sha256).toHex();
        QCOMPARE(r.header("X-Herald-Signature"), expected);
        QCOMPARE(WebhookChannel::signature(timestamp, r.body, kSecret), expected);
    }

    void shouldUseTheConfiguredSignatureHeader()
    {
        auto channel = webhook(m_server->url(), 5'000, QJsonObject{{u"signature_header"_s, u"X-N8N-Signature"_s}});
        HERALD_DELIVER(*channel, speakerAlert(), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Success);
        const TestHttpServer::Request &r = m_server->requests().first();
        QVERIFY(r.header("X-N8N-Signature").startsWith("sha256="));
        QVERIFY(r.header("X-Herald-Signature").isEmpty());
    }

    void shouldNotSignWithoutASecret()
    {
        auto channel = webhook(m_server->url(), 5'000, {}, false);
        HERALD_DELIVER(*channel, speakerAlert(), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Success);
        const TestHttpServer::Request &r = m_server->requests().first();
        QVERIFY(r.header("X-Herald-Signature").isEmpty());
        QVERIFY(!r.header("X-Herald-Timestamp").isEmpty());
    }

    void shouldSendTheSameIdempotencyKeyOnEveryAttempt()
    {
        auto channel = webhook(m_server->url());
        m_server->script({TestHttpServer::Response::answer(503), TestHttpServer::Response::answer(200)});
        HERALD_DELIVER(*channel, speakerAlert(4107, 1), firstAttempt);
        QCOMPARE(firstAttempt.kind, DeliveryOutcome::Kind::Retryable);
        HERALD_DELIVER(*channel, speakerAlert(4107, 2), secondAttempt);
        QCOMPARE(secondAttempt.kind, DeliveryOutcome::Kind::Success);
        QCOMPARE(m_server->requests().size(), 2);
        QCOMPARE(m_server->requests().at(0).header("Idempotency-Key"), QByteArray("herald-event-messages-4107"));
        QCOMPARE(m_server->requests().at(1).header("Idempotency-Key"), QByteArray("herald-event-messages-4107"));
    }

    void shouldClassifyTheAnswer_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QByteArray>("headerName");
        QTest::addColumn<QByteArray>("headerValue");
        QTest::addColumn<DeliveryOutcome::Kind>("kind");
        QTest::addColumn<QString>("providerId");
        QTest::addColumn<qint64>("retryAfterMs"); // -1: none
        QTest::addColumn<bool>("pauseChannel");
        QTest::addColumn<QString>("errorFragment");

        using K = DeliveryOutcome::Kind;
        QTest::newRow("200 without id") << 200 << QByteArray("{}") << QByteArray() << QByteArray() << K::Success << QString() << qint64(-1)
                                        << false << QString();
        QTest::newRow("201 with id") << 201 << QByteArray(R"({"id":"exec_8812"})") << QByteArray() << QByteArray() << K::Success
                                     << u"exec_8812"_s << qint64(-1) << false << QString();
        QTest::newRow("200 with X-Request-Id") << 200 << QByteArray("ok") << QByteArray("X-Request-Id") << QByteArray("req-77") << K::Success
                                               << u"req-77"_s << qint64(-1) << false << QString();
        QTest::newRow("400 permanent with the body") << 400 << QByteArray(R"({"error":"field 'recipient' is required"})") << QByteArray()
                                                     << QByteArray() << K::Permanent << QString() << qint64(-1) << false
                                                     << u"HTTP 400 from http://127.0.0.1"_s;
        QTest::newRow("401 permanent") << 401 << QByteArray() << QByteArray() << QByteArray() << K::Permanent << QString() << qint64(-1)
                                       << false << u"HTTP 401"_s;
        QTest::newRow("301 permanent") << 301 << QByteArray() << QByteArray("Location") << QByteArray("/moved") << K::Permanent << QString()
                                       << qint64(-1) << false << u"redirected to http://127.0.0.1"_s;
        QTest::newRow("408 retryable") << 408 << QByteArray() << QByteArray() << QByteArray() << K::Retryable << QString() << qint64(-1)
                                       << false << u"HTTP 408"_s;
        QTest::newRow("429 with Retry-After 7") << 429 << QByteArray() << QByteArray("Retry-After") << QByteArray("7") << K::Retryable
                                                << QString() << qint64(7'000) << true << u"HTTP 429"_s;
        QTest::newRow("429 without Retry-After") << 429 << QByteArray() << QByteArray() << QByteArray() << K::Retryable << QString()
                                                 << qint64(-1) << true << u"HTTP 429"_s;
        QTest::newRow("500 retryable") << 500 << QByteArray("boom") << QByteArray() << QByteArray() << K::Retryable << QString()
                                       << qint64(-1) << false << u"HTTP 500"_s;
        QTest::newRow("503 with Retry-After 120") << 503 << QByteArray() << QByteArray("Retry-After") << QByteArray("120") << K::Retryable
                                                  << QString() << qint64(120'000) << false << u"HTTP 503"_s;
    }
    void shouldClassifyTheAnswer()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(QByteArray, headerName);
        QFETCH(QByteArray, headerValue);
        QFETCH(DeliveryOutcome::Kind, kind);
        QFETCH(QString, providerId);
        QFETCH(qint64, retryAfterMs);
        QFETCH(bool, pauseChannel);
        QFETCH(QString, errorFragment);

        QList<QPair<QByteArray, QByteArray>> headers;
        if (!headerName.isEmpty())
            headers.append({headerName, headerValue});
        m_server->script({TestHttpServer::Response::answer(status, body, headers)});
        auto channel = webhook(m_server->url());
        HERALD_DELIVER(*channel, speakerAlert(), o);
        QCOMPARE(o.kind, kind);
        QCOMPARE(o.responseCode, status);
        QCOMPARE(o.providerMessageId, providerId);
        QCOMPARE(o.retryAfterMs.value_or(-1), retryAfterMs);
        QCOMPARE(o.pauseChannel, pauseChannel);
        QVERIFY2(o.error.contains(errorFragment), qPrintable(o.error));
        if (status == 400)
            QVERIFY2(o.error.contains(u"field 'recipient' is required"_s), qPrintable(o.error));
    }

    void shouldReadRetryAfterGivenAsAnHttpDate()
    {
        const QDateTime at = QDateTime::currentDateTimeUtc().addSecs(90);
        const QByteArray httpDate = QLocale::c().toString(at, u"ddd, dd MMM yyyy hh:mm:ss 'GMT'"_s).toLatin1();
        m_server->script({TestHttpServer::Response::answer(503, {}, {{"Retry-After", httpDate}})});
        auto channel = webhook(m_server->url());
        HERALD_DELIVER(*channel, speakerAlert(), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Retryable);
        QVERIFY2(o.retryAfterMs.has_value(), httpDate.constData());
        QVERIFY2(*o.retryAfterMs > 80'000 && *o.retryAfterMs <= 90'000, qPrintable(QString::number(*o.retryAfterMs)));
    }

    void shouldRetryWhenThePeerDoesNotAnswerInTime()
    {
        m_server->setFallback(TestHttpServer::Response::hang());
        auto channel = webhook(m_server->url(), 300);
        HERALD_DELIVER(*channel, speakerAlert(), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Retryable);
        QVERIFY2(o.error.contains(u"within 300 ms"_s), qPrintable(o.error));
    }

    void shouldRetryWhenTheConnectionIsRefused()
    {
        QUrl url = m_server->url();
        url.setPort(closedPort());
        auto channel = webhook(url);
        HERALD_DELIVER(*channel, speakerAlert(), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Retryable);
        QVERIFY2(o.error.contains(u"refused the connection"_s), qPrintable(o.error));
    }

    void shouldRetryWhenThePeerAnswersGarbage()
    {
        m_server->setFallback(TestHttpServer::Response::garbage());
        auto channel = webhook(m_server->url());
        HERALD_DELIVER(*channel, speakerAlert(), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Retryable);
        QCOMPARE(o.responseCode, 0);
        QVERIFY(!o.error.isEmpty());
    }

    void shouldRetryWhenThePeerHangsUpWithoutAnswering()
    {
        // Every connection is closed: Qt may resend a request once on a fresh connection, and must still fail.
        m_server->setFallback(TestHttpServer::Response::closeWithoutAnswer());
        auto channel = webhook(m_server->url());
        HERALD_DELIVER(*channel, speakerAlert(), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Retryable);
        QVERIFY2(o.error.contains(u"closed the connection"_s), qPrintable(o.error));
    }

    void shouldKeepCredentialsAndQueryTokensOutOfErrors()
    {
        m_server->script({TestHttpServer::Response::answer(500)});
        QUrl url = m_server->url(u"/hook"_s);
        url.setQuery(u"token=tok_do_not_log"_s);
        auto channel = webhook(url);
        HERALD_DELIVER(*channel, speakerAlert(), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Retryable);
        QVERIFY2(!o.error.contains(u"tok_do_not_log"_s), qPrintable(o.error));
        QVERIFY2(o.error.contains(u"/hook"_s), qPrintable(o.error));
        QCOMPARE(m_server->requests().first().path, QByteArray("/hook?token=tok_do_not_log"));
    }

    void shouldNeverCallDoneAfterAbortingAnInFlightRequest()
    {
        m_server->script({TestHttpServer::Response::hang()});
        auto channel = webhook(m_server->url());
        DoneProbe aborted;
        QSignalSpy received(m_server.get(), &TestHttpServer::requestReceived);
        QSignalSpy closed(m_server.get(), &TestHttpServer::peerClosed);
        channel->deliver(speakerAlert(1), aborted.callback());
        QVERIFY(received.wait());
        channel->abort(1);
        QCOMPARE(aborted.calls(), 0);
        QVERIFY(closed.count() > 0 || closed.wait()); // the request is really gone, not just forgotten

        // The channel still works, and by the time its next answer is in, a late done would have come.
        DoneProbe next;
        channel->deliver(speakerAlert(2), next.callback());
        QTRY_COMPARE(next.calls(), 1);
        QCOMPARE(next.outcome()->kind, DeliveryOutcome::Kind::Success);
        const auto drained = postMarker(this);
        QTRY_VERIFY(*drained);
        QCOMPARE(aborted.calls(), 0);
    }

    void shouldAbortOnlyTheNamedMessage()
    {
        m_server->script({TestHttpServer::Response::hang(), TestHttpServer::Response::answer(200)});
        auto channel = webhook(m_server->url());
        DoneProbe first;
        DoneProbe second;
        QSignalSpy received(m_server.get(), &TestHttpServer::requestReceived);
        channel->deliver(speakerAlert(1), first.callback());
        QVERIFY(received.wait());
        channel->deliver(speakerAlert(2), second.callback());
        channel->abort(1);
        QTRY_COMPARE(second.calls(), 1);
        QCOMPARE(second.outcome()->kind, DeliveryOutcome::Kind::Success);
        QCOMPARE(first.calls(), 0);
    }
};

QTEST_GUILESS_MAIN(tst_WebhookChannel)
#include "tst_webhookchannel.moc"
