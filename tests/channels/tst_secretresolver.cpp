// SecretResolver: env: and keychain: references; errors name the reference and the fix, never the secret.
#include "channels/SecretResolver.h"

#include <QElapsedTimer>
#include <QTest>
#include <QThread>

using namespace herald;
using namespace Qt::StringLiterals;

class tst_SecretResolver : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldReadAnEnvironmentSecret()
    {
        qputenv("HERALD_TEST_HOOK_KEY", "s3cr3t-value");
        const auto r = SecretResolver::resolve(u"env:HERALD_TEST_HOOK_KEY"_s);
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(*r, u"s3cr3t-value"_s);
    }

    void shouldNameTheVariableAndTheFixWhenUnsetOrEmpty_data()
    {
        QTest::addColumn<bool>("setEmpty");
        QTest::newRow("unset") << false;
        QTest::newRow("empty") << true;
    }
    void shouldNameTheVariableAndTheFixWhenUnsetOrEmpty()
    {
        QFETCH(bool, setEmpty);
        qunsetenv("HERALD_TEST_MISSING");
        if (setEmpty)
            qputenv("HERALD_TEST_MISSING", "");
        const auto r = SecretResolver::resolve(u"env:HERALD_TEST_MISSING"_s);
        QVERIFY(!r.ok());
        QVERIFY2(r.errorString().contains(u"secret env:HERALD_TEST_MISSING is not set"_s), qPrintable(r.errorString()));
        QVERIFY2(r.errorString().contains(u"export HERALD_TEST_MISSING="_s), qPrintable(r.errorString()));
    }

    void shouldNeverEchoSomethingThatIsNotAReference()
    {
        const QString pasted = u"xoxb-2231-pasted-token"_s;
        const auto r = SecretResolver::resolve(pasted);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, Error::Kind::BadInput);
        QVERIFY2(!r.errorString().contains(pasted), qPrintable(r.errorString()));
        QVERIFY(r.errorString().contains(u"env:NAME or keychain:NAME"_s));
    }

    void shouldReportAnUnreadableKeychainEntryNamingTheReference()
    {
        // No keychain service runs on the test machine, so the read must fail promptly with an actionable
        // message instead of hanging or returning something.
        QElapsedTimer clock;
        clock.start();
        const auto r = SecretResolver::resolve(u"keychain:herald-test-absent"_s);
        QVERIFY(!r.ok());
        QVERIFY2(r.errorString().contains(u"secret keychain:herald-test-absent"_s), qPrintable(r.errorString()));
        QVERIFY2(clock.elapsed() < SecretResolver::kKeychainTimeoutMs, "the keychain read timed out instead of answering");
    }

    void shouldAnswerKeychainReadsFromWorkerThreadsThatComeAndGo()
    {
        // QtKeychain's executor sticks to the first thread that used it; reads from threads that have since
        // ended would wait forever if the resolver ran jobs in its callers' threads.
        for (int round = 0; round < 3; ++round) {
            QString error;
            std::unique_ptr<QThread> worker(QThread::create([&error] {
                const auto r = SecretResolver::resolve(u"keychain:herald-test-absent"_s);
                error = r.errorString();
            }));
            worker->start();
            QVERIFY(worker->wait(SecretResolver::kKeychainTimeoutMs + 5'000));
            QVERIFY2(error.contains(u"secret keychain:herald-test-absent"_s), qPrintable(error));
            QVERIFY2(!error.contains(u"did not answer"_s), qPrintable(error));
        }
    }
};

QTEST_GUILESS_MAIN(tst_SecretResolver)
#include "tst_secretresolver.moc"
