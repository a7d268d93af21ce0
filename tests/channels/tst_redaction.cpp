// The one redaction step for text from peers (Redaction.h): known secrets in every form they travel in,
// echoed credentials and what follows them, and a length cap.
#include "channels/Redaction.h"

#include <QTest>
#include <QUrl>

using namespace herald;
using namespace Qt::StringLiterals;

class tst_Redaction : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldRemoveEveryFormOfAKnownSecret_data()
    {
        const QString secret = u"pa$$w0rd/with+chars="_s;
        QTest::addColumn<QString>("text");
        QTest::newRow("as written") << u"HTTP 500: bad key pa$$w0rd/with+chars= given"_s;
        QTest::newRow("base64") << u"HTTP 500: "_s + QString::fromLatin1(secret.toUtf8().toBase64()) + u" rejected"_s;
        QTest::newRow("base64 without padding")
            << u"HTTP 500: "_s + QString::fromLatin1(secret.toUtf8().toBase64(QByteArray::OmitTrailingEquals)) + u" rejected"_s;
        QTest::newRow("percent-encoded") << u"HTTP 500: GET /x?key="_s + QString::fromLatin1(QUrl::toPercentEncoding(secret)) + u" failed"_s;
    }
    void shouldRemoveEveryFormOfAKnownSecret()
    {
        QFETCH(QString, text);
        const QString secret = u"pa$$w0rd/with+chars="_s;
        const QString out = redactPeerText(text, {secret});
        QVERIFY2(out.contains(u"[secret]"_s), qPrintable(out));
        QVERIFY2(!out.contains(u"w0rd"_s) && !out.contains(QString::fromLatin1(secret.toUtf8().toBase64(QByteArray::OmitTrailingEquals))),
                 qPrintable(out));
        QVERIFY(out.startsWith(u"HTTP 500: "_s));
    }

    void shouldCutFromAnEchoedCredentialOn_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("kept");
        QTest::newRow("Authorization header") << u"HTTP 401: you sent host: a; Authorization: Bearer abc.def.ghi; accept: */*"_s
                                              << u"HTTP 401: you sent host: a; "_s;
        QTest::newRow("lower case") << u"HTTP 401: authorization: sk_live_x"_s << u"HTTP 401: "_s;
        QTest::newRow("bearer alone") << u"HTTP 403: token Bearer eyJhbGciOiJIUzI1NiJ9.e30 refused"_s << u"HTTP 403: token "_s;
        QTest::newRow("basic alone") << u"HTTP 403: Basic dXNlcjpwYXNz is not allowed"_s << u"HTTP 403: "_s;
        QTest::newRow("SMTP AUTH PLAIN") << u"SMTP 535 after AUTH PLAIN AGhlcmFsZABzM2NyZXQ=: authentication failed"_s << u"SMTP 535 after "_s;
        QTest::newRow("SMTP AUTH LOGIN") << u"SMTP 535: auth login c2VjcmV0 failed"_s << u"SMTP 535: "_s;
        QTest::newRow("api key") << u"HTTP 400: X-API-Key: 1234567890 is invalid"_s << u"HTTP 400: "_s;
        QTest::newRow("password field") << u"HTTP 400: {\"user\":\"ops\",\"password\":\"hunter22\"}"_s << u"HTTP 400: {\"user\":\"ops\",\""_s;
    }
    void shouldCutFromAnEchoedCredentialOn()
    {
        QFETCH(QString, text);
        QFETCH(QString, kept);
        QCOMPARE(redactPeerText(text), kept + u"[cut: may hold credentials]"_s);
    }

    void shouldLeaveOrdinaryErrorsAlone()
    {
        for (const QString &text : {u"HTTP 503 from https://hooks.example.org/x: Service Unavailable"_s,
                                    u"'+3460' is not an E.164 phone number; write + then the country code"_s,
                                    u"the suppression list could not be read (disk I/O error); not sent, to be tried again"_s,
                                    u"stale push token: UNREGISTERED"_s, u"HTTP 400: basic validation failed for field text"_s})
            QCOMPARE(redactPeerText(text, {u"unrelated-secret"_s}), text);
    }

    void shouldIgnoreSecretsTooShortToMatchSafely()
    {
        QCOMPARE(redactPeerText(u"HTTP 500: abc"_s, {u"abc"_s, QString()}), u"HTTP 500: abc"_s);
    }

    void shouldCapTheLength()
    {
        const QString out = redactPeerText(QString(5000, u'x'), {}, 2000);
        QVERIFY(out.startsWith(QString(2000, u'x') + u"… [3000 more characters cut]"_s));
        QCOMPARE(out.size(), 2000 + QString(u"… [3000 more characters cut]"_s).size());
    }
};

QTEST_GUILESS_MAIN(tst_Redaction)
#include "tst_redaction.moc"
