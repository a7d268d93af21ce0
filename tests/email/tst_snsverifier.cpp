// SNS signature verification against the signed samples of tests/fixtures/ses: SignatureVersion 1 and 2,
// the string to sign per type, the certificate URL checked before any fetch, the topic allow-list,
// expiry, and the certificate cache.
#include "FixtureFiles.h"
#include "email/SnsMessage.h"
#include "email/SnsVerifier.h"

#include <QTemporaryDir>
#include <QTest>

using namespace herald;
using namespace Qt::StringLiterals;

namespace {

SnsMessage envelope(const QString &file)
{
    auto m = SnsMessage::fromJson(fixtures::object(file));
    if (!m)
        qFatal("%s: %s", qPrintable(file), qPrintable(m.errorString()));
    return *m;
}

} // namespace

class tst_SnsVerifier : public QObject
{
    Q_OBJECT

    QList<QUrl> m_fetched;

    SnsVerifier verifier(QStringList topics, bool checkExpiry = false)
    {
        SnsVerifier::Options o;
        o.allowedTopics = std::move(topics);
        o.checkExpiry = checkExpiry;
        o.fetch = [this](const QUrl &url, std::function<void(Result<QByteArray>)> done) {
            m_fetched << url;
            done(fixtures::bytes(fixtures::kCertificate));
        };
        return SnsVerifier(o);
    }

    static Status verifyNow(SnsVerifier &v, const SnsMessage &m)
    {
        std::optional<Status> result;
        v.verify(m, [&result](Status s) { result = s; });
        if (!result)
            qFatal("the injected fetcher answers at once, so verify must have finished");
        return *result;
    }

private Q_SLOTS:
    void init() { m_fetched.clear(); }

    void shouldBuildTheStringToSignPerType()
    {
        const SnsMessage with = envelope(u"sns_envelope_sigv1_notification_with_subject.json"_s);
        QCOMPARE(with.stringToSign(),
                 QByteArray("Message\nHello world\nMessageId\n11405cc3-9ac7-56d5-b45d-079e8f7a8edf\nSubject\nHello world\n"
                            "Timestamp\n2022-07-28T22:53:49.654Z\nTopicArn\narn:aws:sns:us-east-2:295079676684:"
                            "publish-and-verify-6e11fed2-fcdf-4c52-9dc4-36ef43f37f84\nType\nNotification\n"));
        const SnsMessage without = envelope(u"sns_envelope_sigv1_notification_no_subject.json"_s);
        QVERIFY(!without.hasSubject);
        QVERIFY(!without.stringToSign().contains("Subject\n"));
        const SnsMessage confirmation = envelope(u"sns_doc_example_subscription_confirmation.json"_s);
        QCOMPARE(confirmation.stringToSign(),
                 QByteArray("Message\nYou have chosen to subscribe to the topic arn:aws:sns:us-west-2:123456789012:MyTopic.\n"
                            "To confirm the subscription, visit the SubscribeURL included in this message.\n"
                            "MessageId\n165545c9-2a5c-472c-8df2-7ff2be2b3b1b\n"
                            "SubscribeURL\nhttps://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:"
                            "123456789012:MyTopic&Token=2336412f37...\n"
                            "Timestamp\n2012-04-26T20:45:04.751Z\nToken\n2336412f37...\nTopicArn\narn:aws:sns:us-west-2:123456789012:MyTopic\n"
                            "Type\nSubscriptionConfirmation\n"));
    }

    void shouldVerifyTheSignedSamples_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("version");
        QTest::newRow("SigV1 with subject") << u"sns_envelope_sigv1_notification_with_subject.json"_s << u"1"_s;
        QTest::newRow("SigV1 without subject") << u"sns_envelope_sigv1_notification_no_subject.json"_s << u"1"_s;
        QTest::newRow("SigV2 with subject") << u"sns_envelope_sigv2_notification_with_subject.json"_s << u"2"_s;
        QTest::newRow("SigV2 without subject") << u"sns_envelope_sigv2_notification_no_subject.json"_s << u"2"_s;
        QTest::newRow("subscription confirmation") << u"sns_envelope_subscription_confirmation.json"_s << u"1"_s;
    }
    void shouldVerifyTheSignedSamples()
    {
        QFETCH(QString, file);
        QFETCH(QString, version);
        const SnsMessage m = envelope(file);
        QCOMPARE(m.signatureVersion, version);
        SnsVerifier v = verifier({m.topicArn});
        const Status s = verifyNow(v, m);
        QVERIFY2(s.ok(), qPrintable(s.errorString()));
        QCOMPARE(m_fetched, QList<QUrl>{QUrl(m.signingCertUrl)});
        QVERIFY(SnsVerifier::verifySignature(m, fixtures::bytes(fixtures::kCertificate), false).ok());
    }

    void shouldRefuseEditedMessages_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::newRow("the fixture edited by its authors") << u"sns_envelope_ses_bounce_permanent_onaccountsuppressionlist.json"_s << QString() << QString();
        QTest::newRow("SigV1 message changed") << u"sns_envelope_sigv1_notification_with_subject.json"_s << u"Message"_s << u"Hello world!"_s;
        QTest::newRow("SigV2 subject changed") << u"sns_envelope_sigv2_notification_with_subject.json"_s << u"Subject"_s << u"Hello"_s;
        QTest::newRow("SigV2 time changed") << u"sns_envelope_sigv2_notification_no_subject.json"_s << u"Timestamp"_s << u"2022-07-28T22:53:49.655Z"_s;
        QTest::newRow("SigV1 claimed as SigV2") << u"sns_envelope_sigv1_notification_no_subject.json"_s << u"SignatureVersion"_s << u"2"_s;
        QTest::newRow("confirmation token changed") << u"sns_envelope_subscription_confirmation.json"_s << u"Token"_s << u"0000"_s;
    }
    void shouldRefuseEditedMessages()
    {
        QFETCH(QString, file);
        QFETCH(QString, field);
        QFETCH(QString, value);
        QJsonObject o = fixtures::object(file);
        if (!field.isEmpty())
            o.insert(field, value);
        auto m = SnsMessage::fromJson(o);
        QVERIFY(m.ok());
        SnsVerifier v = verifier({m->topicArn});
        const Status s = verifyNow(v, *m);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, Error::Kind::Refused);
        QVERIFY2(s.errorString().contains(u"does not verify"_s), qPrintable(s.errorString()));
    }

    void shouldRefusePlaceholderSignaturesOfTheDocExamples_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("notification") << u"sns_doc_example_notification.json"_s;
        QTest::newRow("subscription confirmation") << u"sns_doc_example_subscription_confirmation.json"_s;
        QTest::newRow("unsubscribe confirmation") << u"sns_doc_example_unsubscribe_confirmation.json"_s;
    }
    void shouldRefusePlaceholderSignaturesOfTheDocExamples()
    {
        QFETCH(QString, file);
        const SnsMessage m = envelope(file);
        SnsVerifier v = verifier({m.topicArn});
        const Status s = verifyNow(v, m);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, Error::Kind::Refused);
    }

    void shouldCheckTheCertificateUrlBeforeFetching_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("http") << u"http://sns.us-east-2.amazonaws.com/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem"_s;
        QTest::newRow("another host") << u"https://attacker.example/SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem"_s;
        QTest::newRow("SNS name as a prefix") << u"https://sns.us-east-2.amazonaws.com.attacker.example/x.pem"_s;
        QTest::newRow("user info") << u"https://sns.us-east-2.amazonaws.com@attacker.example/x.pem"_s;
        QTest::newRow("port") << u"https://sns.us-east-2.amazonaws.com:8443/x.pem"_s;
        QTest::newRow("not a pem") << u"https://sns.us-east-2.amazonaws.com/x.txt"_s;
        QTest::newRow("query") << u"https://sns.us-east-2.amazonaws.com/x.pem?redirect=https://attacker.example/"_s;
        QTest::newRow("upper case host") << u"https://SNS.us-east-2.amazonaws.com/x.pem"_s;
        QTest::newRow("empty") << QString();
    }
    void shouldCheckTheCertificateUrlBeforeFetching()
    {
        QFETCH(QString, url);
        QJsonObject o = fixtures::object(u"sns_envelope_sigv2_notification_no_subject.json"_s);
        o.insert(u"SigningCertURL"_s, url);
        auto m = SnsMessage::fromJson(o);
        QVERIFY(m.ok());
        SnsVerifier v = verifier({m->topicArn});
        const Status s = verifyNow(v, *m);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, Error::Kind::Refused);
        QVERIFY2(s.errorString().contains(u"off the SNS hosts"_s), qPrintable(s.errorString()));
        QVERIFY(m_fetched.isEmpty());
    }

    void shouldAcceptTheChinaPartitionHost()
    {
        QVERIFY(SnsVerifier::isSigningCertUrl(u"https://sns.cn-north-1.amazonaws.com.cn/SimpleNotificationService-abc.pem"_s));
    }

    void shouldRefuseTopicsNotAllowedWithoutFetching()
    {
        const SnsMessage m = envelope(u"sns_envelope_sigv1_notification_with_subject.json"_s);
        SnsVerifier v = verifier({u"arn:aws:sns:us-east-1:111122223333:herald-ses"_s});
        const Status s = verifyNow(v, m);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, Error::Kind::Refused);
        QVERIFY2(s.errorString().contains(u"not allowed"_s) && s.errorString().contains(m.topicArn), qPrintable(s.errorString()));
        QVERIFY(m_fetched.isEmpty());
    }

    void shouldRefuseUnsignedAndUnknownVersions_data()
    {
        QTest::addColumn<QString>("version");
        QTest::newRow("missing") << QString();
        QTest::newRow("3") << u"3"_s;
    }
    void shouldRefuseUnsignedAndUnknownVersions()
    {
        QFETCH(QString, version);
        QJsonObject o = fixtures::object(u"sns_envelope_sigv2_notification_no_subject.json"_s);
        if (version.isEmpty())
            o.remove(u"SignatureVersion"_s);
        else
            o.insert(u"SignatureVersion"_s, version);
        auto m = SnsMessage::fromJson(o);
        QVERIFY(m.ok());
        SnsVerifier v = verifier({m->topicArn});
        const Status s = verifyNow(v, *m);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, Error::Kind::Refused);
        QVERIFY(m_fetched.isEmpty());
    }

    void shouldRefuseAnExpiredCertificateWhenExpiryIsChecked()
    {
        const SnsMessage m = envelope(u"sns_envelope_sigv2_notification_with_subject.json"_s);
        SnsVerifier v = verifier({m.topicArn}, true);
        const Status s = verifyNow(v, m);
        QVERIFY(!s.ok());
        QVERIFY2(s.errorString().contains(u"expired"_s), qPrintable(s.errorString()));
    }

    void shouldFetchEachCertificateOnce()
    {
        const QStringList files{u"sns_envelope_sigv1_notification_with_subject.json"_s, u"sns_envelope_sigv1_notification_no_subject.json"_s,
                                u"sns_envelope_sigv2_notification_with_subject.json"_s, u"sns_envelope_sigv2_notification_no_subject.json"_s};
        QStringList topics;
        for (const QString &f : files)
            topics << envelope(f).topicArn;
        SnsVerifier v = verifier(topics);
        for (const QString &f : files)
            QVERIFY(verifyNow(v, envelope(f)).ok());
        QCOMPARE(m_fetched.size(), 1);
        QCOMPARE(v.fetches(), 1);
    }

    void shouldReportAFetchFailureAsRuntime()
    {
        const SnsMessage m = envelope(u"sns_envelope_sigv2_notification_with_subject.json"_s);
        SnsVerifier::Options o;
        o.allowedTopics = {m.topicArn};
        o.fetch = [](const QUrl &, std::function<void(Result<QByteArray>)> done) { done(Error::runtime(u"connection refused"_s)); };
        SnsVerifier v(o);
        const Status s = verifyNow(v, m);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, Error::Kind::Runtime);
        QVERIFY2(s.errorString().contains(u"connection refused"_s), qPrintable(s.errorString()));
    }

    void shouldReadCertificatesFromAFolder()
    {
        const SnsMessage m = envelope(u"sns_envelope_sigv2_notification_with_subject.json"_s);
        QTemporaryDir dir;
        QVERIFY(QFile::copy(fixtures::path(fixtures::kCertificate), dir.filePath(fixtures::kCertificateUrlName)));
        SnsVerifier::Options o;
        o.allowedTopics = {m.topicArn};
        o.checkExpiry = false;
        o.fetch = SnsVerifier::folderFetcher(dir.path());
        SnsVerifier v(o);
        QVERIFY(verifyNow(v, m).ok());
        SnsVerifier::Options empty = o;
        empty.fetch = SnsVerifier::folderFetcher(dir.filePath(u"nothing-here"_s));
        SnsVerifier missing(empty);
        const Status s = verifyNow(missing, m);
        QVERIFY(!s.ok());
        QVERIFY2(s.errorString().contains(fixtures::kCertificateUrlName), qPrintable(s.errorString()));
    }
};

QTEST_GUILESS_MAIN(tst_SnsVerifier)
#include "tst_snsverifier.moc"
