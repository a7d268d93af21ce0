// The SNS listener over real HTTP on loopback, with a real SQLite store: accepted, duplicate,
// tampered, oversized, malformed, wrong topic, certificate off the SNS hosts, slow client, raw SES
// with and without the token, subscription confirmations. Nothing refused may be stored.
#include "FixtureFiles.h"
#include "SnsSigner.h"
#include "email/SnsListener.h"
#include "store/EmailStore.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace herald;
using namespace Qt::StringLiterals;

namespace {

const QString kTopic = u"arn:aws:sns:us-east-1:111122223333:herald-ses"_s;
const QString kFixtureTopic = u"arn:aws:sns:us-east-2:295079676684:publish-and-verify-6e11fed2-fcdf-4c52-9dc4-36ef43f37f84"_s;
const QString kSubscriptionTopic = u"arn:aws:sns:us-east-1:032756942992:dev-relay-2022-04"_s;

struct Reply
{
    int status = 0;
    QByteArray body;
};

QByteArray compact(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace

class tst_SnsListener : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    SnsSigner m_signer;
    QString m_db;
    std::unique_ptr<SnsListener> m_listener;
    QList<QUrl> m_fetched;
    QList<QUrl> m_confirmed;

    SnsListener::Options options()
    {
        SnsListener::Options o;
        o.topics = {kTopic, kFixtureTopic, kSubscriptionTopic};
        o.checkCertificateExpiry = false; // the published test certificate expired in 2022
        o.requestTimeoutMs = 500;
        o.maxBodyBytes = 64 * 1024;
        // Called in the listener thread; the test reads the lists only after a request has been answered.
        o.fetchCertificate = [this, mine = m_signer.certificate()](const QUrl &url, std::function<void(Result<QByteArray>)> done) {
            m_fetched << url;
            done(url.fileName() == QLatin1String(SnsSigner::kCertificateName) ? mine : fixtures::bytes(fixtures::kCertificate));
        };
        o.confirm = [this](const QUrl &url, std::function<void(Status)> done) {
            m_confirmed << url;
            done({});
        };
        return o;
    }

    void startListener(SnsListener::Options o)
    {
        m_listener = std::make_unique<SnsListener>(StoreUrl::sqlite(m_db), std::move(o));
        const Status s = m_listener->start();
        QVERIFY2(s.ok(), qPrintable(s.errorString()));
        QVERIFY(m_listener->port() != 0);
    }

    Reply send(const QByteArray &raw)
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_listener->port());
        if (!socket.waitForConnected(10'000))
            return {};
        socket.write(raw);
        QByteArray data;
        // The listener closes the connection after its answer.
        while (socket.waitForReadyRead(10'000))
            data += socket.readAll();
        data += socket.readAll();
        Reply r;
        r.status = data.mid(9, 3).toInt();
        r.body = data.mid(data.indexOf("\r\n\r\n") + 4);
        return r;
    }

    Reply post(const QByteArray &body, const QByteArray &target = "/sns", const QByteArray &extraHeaders = {})
    {
        return send("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain; charset=UTF-8\r\n"
                    "x-amz-sns-message-type: Notification\r\n" + extraHeaders + "Content-Length: " + QByteArray::number(body.size()) +
                    "\r\n\r\n" + body);
    }

    qint64 storedEvents()
    {
        auto store = Store::open(StoreUrl::sqlite(m_db));
        if (!store)
            return -1;
        EmailStore email(**store);
        EmailStore::EventFilter all;
        all.limit = 1000;
        auto events = email.events(all);
        return events ? events->size() : -1;
    }

    QByteArray sesBounce(const QString &recipient)
    {
        QJsonObject o = fixtures::object(u"event_bounce_permanent.json"_s);
        QJsonObject bounce = o.value(u"bounce"_s).toObject();
        bounce.insert(u"bouncedRecipients"_s, QJsonArray{QJsonObject{{u"emailAddress"_s, recipient}, {u"status"_s, u"5.1.1"_s}}});
        o.insert(u"bounce"_s, bounce);
        return compact(o);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        const QString error = m_signer.start();
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void init()
    {
        m_db = m_dir.filePath(QString::fromLatin1(QTest::currentTestFunction()) + u".db"_s);
        m_fetched.clear();
        m_confirmed.clear();
    }

    void cleanup() { m_listener.reset(); }

    void shouldBindToLoopbackUnlessToldOtherwise()
    {
        QCOMPARE(SnsListener::Options{}.address, QHostAddress(QHostAddress::LocalHost));
        startListener(options());
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_listener->port());
        QVERIFY(socket.waitForConnected(10'000));
        QCOMPARE(socket.peerAddress(), QHostAddress(QHostAddress::LocalHost));
    }

    void shouldStoreASignedEventOnceAndSuppress()
    {
        startListener(options());
        QSignalSpy handled(m_listener.get(), &SnsListener::requestHandled);
        const QByteArray envelope = compact(m_signer.notification(kTopic, u"0a1b2c3d-0000-4000-8000-000000000001"_s, sesBounce(u"gone@example.org"_s)));
        Reply r = post(envelope);
        QCOMPARE(r.status, 200);
        QVERIFY2(r.body.contains("stored Bounce"), r.body.constData());
        QCOMPARE(storedEvents(), 1);
        // SNS retries with the same MessageId: answered 200, stored once.
        r = post(envelope);
        QCOMPARE(r.status, 200);
        QVERIFY2(r.body.contains("duplicate"), r.body.constData());
        QCOMPARE(storedEvents(), 1);
        QCOMPARE(m_fetched.size(), 1); // the certificate was cached
        QTRY_COMPARE(handled.size(), 2);
        QVERIFY2(handled.at(0).at(1).toString().contains(u"suppressed gone@example.org"_s), qPrintable(handled.at(0).at(1).toString()));
        auto store = Store::open(StoreUrl::sqlite(m_db));
        QVERIFY(store.ok());
        QVERIFY(*(*store)->isSuppressed(u"gone@example.org"_s));
    }

    void shouldAcceptSignatureVersionOne()
    {
        startListener(options());
        const QByteArray envelope = compact(m_signer.notification(kTopic, u"sigv1-ses"_s, sesBounce(u"v1@example.org"_s), u"1"_s));
        const Reply r = post(envelope);
        QCOMPARE(r.status, 200);
        QCOMPARE(storedEvents(), 1);
    }

    void shouldAcceptAndIgnoreNotificationsThatAreNotSes()
    {
        startListener(options());
        // Signed by SNS itself (the published sample), carrying "Hello world".
        const Reply r = post(fixtures::bytes(u"sns_envelope_sigv1_notification_with_subject.json"_s));
        QCOMPARE(r.status, 200);
        QVERIFY2(r.body.contains("ignored"), r.body.constData());
        QCOMPARE(storedEvents(), 0);
    }

    void shouldRefuseBadInputAndStoreNothing_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("why");
        QTest::newRow("malformed JSON") << QByteArray("{\"Type\": \"Notification\", ") << 400 << u"malformed JSON"_s;
        QTest::newRow("JSON array") << QByteArray("[]") << 400 << u"not an object"_s;
        QTest::newRow("tampered") << fixtures::bytes(u"sns_envelope_ses_bounce_permanent_onaccountsuppressionlist.json"_s) << 403
                                  << u"does not verify"_s;
        QTest::newRow("wrong topic") << fixtures::bytes(u"sns_envelope_sigv2_notification_with_subject.json"_s) << 403 << u"not allowed"_s;
        QTest::newRow("unknown SNS type") << QByteArray(R"({"Type": "Bogus", "MessageId": "x"})") << 400 << u"unknown"_s;
        QTest::newRow("placeholder signature") << fixtures::bytes(u"sns_envelope_ses_topic_validation_notification_non_json_message.json"_s)
                                               << 403 << u"SNS"_s;
    }
    void shouldRefuseBadInputAndStoreNothing()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, why);
        SnsListener::Options o = options();
        o.topics << u"arn:aws:sns:us-east-1:168781634622:ses-inbound-grelay"_s << u"arn:aws:sns:us-west-2:123456789012:SES_Notifications"_s;
        startListener(o);
        QSignalSpy handled(m_listener.get(), &SnsListener::requestHandled);
        const Reply r = post(body);
        QCOMPARE(r.status, status);
        QVERIFY2(QString::fromUtf8(r.body).contains(why), r.body.constData());
        QCOMPARE(storedEvents(), 0);
        // Every refusal is a log line naming the peer and the reason.
        QTRY_COMPARE(handled.size(), 1);
        QCOMPARE(handled.at(0).at(0).toInt(), status);
        QVERIFY(handled.at(0).at(1).toString().contains(u"127.0.0.1"_s));
    }

    void shouldRefuseACertificateUrlOffTheSnsHostsWithoutFetching()
    {
        startListener(options());
        QJsonObject envelope = m_signer.notification(kTopic, u"offhost"_s, sesBounce(u"x@example.org"_s));
        envelope.insert(u"SigningCertURL"_s, u"https://certs.attacker.example/SimpleNotificationService-1.pem"_s);
        const Reply r = post(compact(envelope));
        QCOMPARE(r.status, 403);
        QVERIFY2(r.body.contains("off the SNS hosts"), r.body.constData());
        QVERIFY(m_fetched.isEmpty());
        QCOMPARE(storedEvents(), 0);
    }

    void shouldAnswer503WhenTheCertificateCannotBeFetched()
    {
        SnsListener::Options o = options();
        o.fetchCertificate = [](const QUrl &, std::function<void(Result<QByteArray>)> done) { done(Error::runtime(u"host unreachable"_s)); };
        startListener(o);
        const Reply r = post(compact(m_signer.notification(kTopic, u"unfetched"_s, sesBounce(u"x@example.org"_s))));
        QCOMPARE(r.status, 503);
        QCOMPARE(storedEvents(), 0);
    }

    void shouldRefuseAnOversizedBodyBeforeReadingIt()
    {
        startListener(options());
        // Only the headers: the answer comes without the body ever being sent.
        const Reply r = send("POST /sns HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 300000\r\n\r\n");
        QCOMPARE(r.status, 413);
        QCOMPARE(storedEvents(), 0);
    }

    void shouldRefuseOtherMethodsAndMissingLengths()
    {
        startListener(options());
        QCOMPARE(send("GET /sns HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").status, 405);
        QCOMPARE(send("POST /sns HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n").status, 411);
        QCOMPARE(send("POST /sns HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ten\r\n\r\n").status, 400);
        QCOMPARE(send("POST /sns HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: " + QByteArray(20'000, 'a') + "\r\n\r\n").status, 431);
    }

    void shouldCutOffASlowClient()
    {
        startListener(options());
        QSignalSpy handled(m_listener.get(), &SnsListener::requestHandled);
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_listener->port());
        QVERIFY(socket.waitForConnected(10'000));
        socket.write("POST /sns HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"Type\": ");
        QVERIFY(socket.waitForBytesWritten(10'000));
        QTRY_COMPARE_WITH_TIMEOUT(handled.size(), 1, 10'000);
        QCOMPARE(handled.at(0).at(0).toInt(), 408);
        QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 10'000);
        QVERIFY(socket.readAll().startsWith("HTTP/1.1 408"));
    }

    // One client holding 64 idle connections locks nobody else out: past its share it is answered 503 with
    // Retry-After (never reset), its idle connections are cut after the header timeout, and another
    // sender's notification is answered at once.
    void shouldAnswerOthersWhileOneClientHoldsIdleConnections()
    {
        SnsListener::Options o = options();
        o.headerTimeoutMs = 1'500;
        o.requestTimeoutMs = 10'000;
        startListener(o);
        std::vector<std::unique_ptr<QTcpSocket>> idle;
        for (int i = 0; i < 64; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            QVERIFY(socket->bind(QHostAddress(u"127.0.0.2"_s), 0)); // the hostile client: another loopback address
            socket->connectToHost(QHostAddress::LocalHost, m_listener->port());
            QVERIFY(socket->waitForConnected(10'000));
            idle.push_back(std::move(socket));
        }
        const auto answersStartingWith = [&](const QByteArray &prefix) {
            int n = 0;
            for (const auto &socket : idle)
                n += socket->peek(64).startsWith(prefix) ? 1 : 0;
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(answersStartingWith("HTTP/1.1 503"), 64 - o.maxConnectionsPerClient, 10'000);
        for (const auto &socket : idle)
            if (socket->peek(64).startsWith("HTTP/1.1 503"))
                QVERIFY(socket->peek(4096).contains("Retry-After: 1\r\n"));

        const QByteArray envelope = compact(m_signer.notification(kTopic, u"0a1b2c3d-0000-4000-8000-00000000a1d1"_s, sesBounce(u"held@example.org"_s)));
        const Reply r = post(envelope);
        QCOMPARE(r.status, 200);

        // The idle ones that were let in are cut when their headers do not come.
        QTRY_COMPARE_WITH_TIMEOUT(answersStartingWith("HTTP/1.1 408"), o.maxConnectionsPerClient, 10'000);
    }

    // A burst of 200 requests at once: every one is answered — stored, or 503 with Retry-After for those
    // past the limits — and none is reset or left without an answer.
    void shouldAnswerEveryRequestOfABurst()
    {
        startListener(options());
        const QByteArray body = compact(m_signer.notification(kTopic, u"0a1b2c3d-0000-4000-8000-00000000b0b0"_s, sesBounce(u"burst@example.org"_s)));
        const QByteArray request = "POST /sns HTTP/1.1\r\nHost: 127.0.0.1\r\nx-amz-sns-message-type: Notification\r\nContent-Length: " +
                                   QByteArray::number(body.size()) + "\r\n\r\n" + body;
        std::vector<std::unique_ptr<QTcpSocket>> burst;
        QList<QByteArray> received(200);
        int errors = 0;
        for (int i = 0; i < 200; ++i) {
            auto socket = std::make_unique<QTcpSocket>();
            QTcpSocket *s = socket.get();
            connect(s, &QTcpSocket::connected, s, [s, request] { s->write(request); });
            connect(s, &QTcpSocket::readyRead, s, [s, &received, i] { received[i] += s->readAll(); });
            connect(s, &QTcpSocket::errorOccurred, s, [&errors](QAbstractSocket::SocketError e) {
                if (e != QAbstractSocket::RemoteHostClosedError)
                    ++errors;
            });
            s->connectToHost(QHostAddress::LocalHost, m_listener->port());
            burst.push_back(std::move(socket));
        }
        const auto answered = [&] {
            int n = 0;
            for (const QByteArray &r : std::as_const(received))
                n += r.startsWith("HTTP/1.1 200") || (r.startsWith("HTTP/1.1 503") && r.contains("Retry-After:")) ? 1 : 0;
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(answered(), 200, 30'000);
        QCOMPARE(errors, 0);
        int stored = 0;
        for (const QByteArray &r : std::as_const(received))
            stored += r.startsWith("HTTP/1.1 200") ? 1 : 0;
        QVERIFY(stored >= 1);
        QCOMPARE(storedEvents(), 1); // the same MessageId each time: stored once
    }

    void shouldAcceptRawSesOnlyWithTheToken()
    {
        SnsListener::Options o = options();
        o.token = u"t0ken-s3cret"_s;
        startListener(o);
        const QByteArray raw = fixtures::bytes(u"event_delivery.json"_s);
        QCOMPARE(post(raw).status, 403);
        QCOMPARE(post(raw, "/sns?token=wrong").status, 403);
        QCOMPARE(storedEvents(), 0);
        QCOMPARE(post(raw, "/sns?token=t0ken-s3cret").status, 200);
        QCOMPARE(storedEvents(), 1);
        QCOMPARE(post(fixtures::bytes(u"event_open.json"_s), "/sns", "X-Herald-Token: t0ken-s3cret\r\n").status, 200);
        QCOMPARE(storedEvents(), 2);
    }

    void shouldRefuseRawSesWithoutAConfiguredToken()
    {
        startListener(options());
        const Reply r = post(fixtures::bytes(u"event_delivery.json"_s), "/sns?token=");
        QCOMPARE(r.status, 403);
        QCOMPARE(storedEvents(), 0);
    }

    void shouldConfirmSubscriptionsOnlyWhenEnabled()
    {
        SnsListener::Options o = options();
        o.confirmSubscriptions = true;
        startListener(o);
        QSignalSpy confirmed(m_listener.get(), &SnsListener::subscriptionConfirmed);
        const QByteArray body = fixtures::bytes(u"sns_envelope_subscription_confirmation.json"_s);
        QCOMPARE(post(body, "/sns", "x-amz-sns-message-type: SubscriptionConfirmation\r\n").status, 200);
        QTRY_COMPARE(confirmed.size(), 1);
        QCOMPARE(confirmed.at(0).at(0).toString(), kSubscriptionTopic);
        QCOMPARE(confirmed.at(0).at(1).toString(), QString());
        QCOMPARE(m_confirmed.size(), 1);
        QVERIFY(m_confirmed.front().toString().startsWith(u"https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription"_s));
        // The same confirmation again is recorded once and not confirmed twice.
        QCOMPARE(post(body).status, 200);
        auto store = Store::open(StoreUrl::sqlite(m_db));
        EmailStore email(**store);
        auto notices = email.notices();
        QCOMPARE(notices->size(), 1);
        QVERIFY(notices->front().confirmedAt.has_value());
        QCOMPARE(m_confirmed.size(), 1);
        QCOMPARE(storedEvents(), 0);
    }

    void shouldRecordButNotConfirmWhenDisabled()
    {
        startListener(options());
        QSignalSpy handled(m_listener.get(), &SnsListener::requestHandled);
        const Reply r = post(fixtures::bytes(u"sns_envelope_subscription_confirmation.json"_s));
        QCOMPARE(r.status, 200);
        QVERIFY2(r.body.contains("not confirmed"), r.body.constData());
        QTRY_COMPARE(handled.size(), 1);
        QVERIFY(m_confirmed.isEmpty());
        auto store = Store::open(StoreUrl::sqlite(m_db));
        auto notices = EmailStore(**store).notices();
        QCOMPARE(notices->size(), 1);
        QVERIFY(!notices->front().confirmedAt.has_value());
    }

    void shouldRefuseSubscriptionsOfTopicsNotAllowed()
    {
        SnsListener::Options o = options();
        o.topics = {kTopic};
        o.confirmSubscriptions = true;
        startListener(o);
        QCOMPARE(post(fixtures::bytes(u"sns_envelope_subscription_confirmation.json"_s)).status, 403);
        QVERIFY(m_confirmed.isEmpty());
    }

    // One path per topic beside the shared one: a topic's own path takes its messages only, its messages
    // go nowhere else, and topics without a path keep every other path.
    void shouldAcceptATopicOnlyOnItsOwnPath()
    {
        const QString bounces = u"arn:aws:sns:us-east-1:111122223333:herald-bounces"_s;
        const QString complaints = u"arn:aws:sns:us-east-1:111122223333:herald-complaints"_s;
        SnsListener::Options o = options();
        o.topics = {kTopic};
        o.topicPaths = {{bounces, u"/sns/bounces"_s}, {complaints, u"/sns/complaints"_s}};
        startListener(o);
        QSignalSpy handled(m_listener.get(), &SnsListener::requestHandled);

        Reply r = post(compact(m_signer.notification(bounces, u"path-1"_s, sesBounce(u"p1@example.org"_s))), "/sns/bounces");
        QCOMPARE(r.status, 200);
        QVERIFY2(r.body.contains("stored Bounce"), r.body.constData());
        // The same path with a trailing slash and a query is the same path.
        r = post(compact(m_signer.notification(bounces, u"path-2"_s, sesBounce(u"p2@example.org"_s))), "/sns/bounces/?x=1");
        QCOMPARE(r.status, 200);
        QCOMPARE(storedEvents(), 2);

        // Another topic on this path, even an allowed one: refused before any certificate is fetched.
        const qsizetype fetched = m_fetched.size();
        r = post(compact(m_signer.notification(complaints, u"path-3"_s, sesBounce(u"p3@example.org"_s))), "/sns/bounces");
        QCOMPARE(r.status, 403);
        QVERIFY2(r.body.contains("is not accepted on /sns/bounces"), r.body.constData());
        r = post(compact(m_signer.notification(kTopic, u"path-4"_s, sesBounce(u"p4@example.org"_s))), "/sns/bounces");
        QCOMPARE(r.status, 403);
        // A topic with a path of its own is not accepted on the shared path.
        r = post(compact(m_signer.notification(bounces, u"path-5"_s, sesBounce(u"p5@example.org"_s))), "/sns");
        QCOMPARE(r.status, 403);
        QVERIFY2(r.body.contains("only on its own path /sns/bounces"), r.body.constData());
        QCOMPARE(m_fetched.size(), fetched);
        QCOMPARE(storedEvents(), 2);

        // The shared topic keeps every other path; a topic nobody allowed is still refused.
        QCOMPARE(post(compact(m_signer.notification(kTopic, u"path-6"_s, sesBounce(u"p6@example.org"_s))), "/sns").status, 200);
        QCOMPARE(post(compact(m_signer.notification(kTopic, u"path-7"_s, sesBounce(u"p7@example.org"_s))), "/").status, 200);
        QCOMPARE(post(compact(m_signer.notification(complaints, u"path-8"_s, sesBounce(u"p8@example.org"_s))), "/sns/complaints").status, 200);
        r = post(compact(m_signer.notification(u"arn:aws:sns:us-east-1:999999999999:elsewhere"_s, u"path-9"_s, sesBounce(u"p9@example.org"_s))),
                 "/sns");
        QCOMPARE(r.status, 403);
        QCOMPARE(storedEvents(), 5);
        QTRY_COMPARE(handled.size(), 9);
        QVERIFY2(handled.at(2).at(1).toString().startsWith(u"403 127.0.0.1: topic "_s), qPrintable(handled.at(2).at(1).toString()));
    }

    void shouldSayWhyItCannotListen()
    {
        startListener(options());
        SnsListener::Options o = options();
        o.port = m_listener->port();
        SnsListener second(StoreUrl::sqlite(m_db), o);
        const Status s = second.start();
        QVERIFY(!s.ok());
        QVERIFY2(s.errorString().contains(u"cannot listen on 127.0.0.1:%1"_s.arg(o.port)), qPrintable(s.errorString()));
        QVERIFY(!second.isListening());
    }
};

QTEST_GUILESS_MAIN(tst_SnsListener)
#include "tst_snslistener.moc"
