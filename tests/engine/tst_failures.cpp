// Failure fingerprints (issue 17): what makes two errors the same cause.
#include "model/FailureFingerprint.h"

#include <QTest>

using namespace herald;

class tst_Failures : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldNormaliseTheVaryingPartsOfAnError_data()
    {
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("fingerprint");
        QTest::newRow("digits") << "no phone number for attendee 41" << "no phone number for attendee <n>";
        QTest::newRow("url and duration") << "HTTP 503 from https://gw.example/b/22?x=1 after 90 ms" << "HTTP 503 from <url> after <n> ms";
        QTest::newRow("http status kept") << "HTTP 500 Internal Server Error" << "HTTP 500 Internal Server Error";
        QTest::newRow("status at the start") << "404 Not Found: the device token is no longer registered"
                                             << "404 Not Found: the device token is no longer registered";
        QTest::newRow("a bigger number is not a status") << "timed out after 1500 ms" << "timed out after <n> ms";
        QTest::newRow("a small number is not a status") << "retry in 30 s" << "retry in <n> s";
        QTest::newRow("a duration in the range is not a status") << "HTTP 503 after 120 ms" << "HTTP 503 after <n> ms";
        QTest::newRow("status after HTTP/1.1") << "HTTP/1.1 429 Too Many Requests" << "HTTP/<n> 429 Too Many Requests";
        QTest::newRow("status after a colon") << "status: 502 bad gateway (attempt 3)" << "status: 502 bad gateway (attempt <n>)";
        QTest::newRow("smtp codes kept") << "smtp; 550 5.1.1 <ana@example.com>: user unknown" << "smtp; 550 5.1.1 <<email>>: user unknown";
        QTest::newRow("email") << "bounced: jo.doe+x@mail.example.co.uk rejected" << "bounced: <email> rejected";
        QTest::newRow("uuid") << "request 3f2a9c1b-0d4e-4a5b-8c6d-7e8f9a0b1c2d failed" << "request <id> failed";
        QTest::newRow("hex id") << "message 01a7f3c9be44 was throttled" << "message <id> was throttled";
        QTest::newRow("a word of hex letters stays") << "deadbeef cafe accepted" << "deadbeef cafe accepted";
        QTest::newRow("decimal") << "rate 12.5 per second exceeded" << "rate <n> per second exceeded";
        QTest::newRow("e.164") << "SMS needs an E.164 number such as +14155550100" << "SMS needs an E.<n> number such as +<n>";
        QTest::newRow("whitespace") << "  connection refused   by  peer " << "connection refused by peer";
        QTest::newRow("newlines") << "line one\n\tline two" << "line one line two";
        QTest::newRow("empty") << "" << "(no error text)";
    }

    void shouldNormaliseTheVaryingPartsOfAnError()
    {
        QFETCH(QString, error);
        QFETCH(QString, fingerprint);
        QCOMPARE(failureFingerprint(error), fingerprint);
    }

    void shouldCutALongErrorAndNameTheSameCauseTheSameWay()
    {
        const QString longError = QStringLiteral("x").repeated(1000);
        QCOMPARE(failureFingerprint(longError).size(), 301);
        const QString a = failureGroupId(failureFingerprint(QStringLiteral("HTTP 503 from https://a/1 after 5 ms")));
        const QString b = failureGroupId(failureFingerprint(QStringLiteral("HTTP 503 from https://b/2 after 9 ms")));
        const QString c = failureGroupId(failureFingerprint(QStringLiteral("HTTP 502 from https://b/2 after 9 ms")));
        QCOMPARE(a, b);
        QVERIFY(a != c);
        QVERIFY(isFailureGroupId(a));
        QCOMPARE(a.size(), 12);
        QVERIFY(!isFailureGroupId(QStringLiteral("A93F16A7325D")));
        QVERIFY(!isFailureGroupId(QStringLiteral("a93f16a7325")));
        QVERIFY(!isFailureGroupId(QStringLiteral("g93f16a7325d")));
    }
};

QTEST_GUILESS_MAIN(tst_Failures)
#include "tst_failures.moc"
