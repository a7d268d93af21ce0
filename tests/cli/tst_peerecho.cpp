// A peer that echoes the request — a gateway answering 401 with the request's headers — must not put
// the channel's credential into the store: not into `show`, `list --json`, `export`, the `work` log or
// `channel test` output. Real heraldctl processes against a real loopback HTTP server.
#include "HeraldctlRun.h"
#include "TestHttpServer.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace herald;
using namespace Qt::StringLiterals;

namespace {
constexpr char kToken[] = "sk_live_51HerAldT0pSecretGatewayToken";
}

class tst_PeerEcho : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    struct Run
    {
        int code = -1;
        QByteArray out; // standard output and error
    };

    Run ctl(const QStringList &args)
    {
        QProcessEnvironment env = test::ctlEnvironment();
        env.insert(u"SMS_TOKEN"_s, QString::fromLatin1(kToken));
        const test::CtlRun r = test::runHeraldctl(m_dir.filePath(u"echo.db"_s), args, env);
        return {r.code, r.out + r.err};
    }

    static void verifyNoSecret(const QByteArray &text, const char *where)
    {
        const QByteArray token(kToken);
        for (const QByteArray &form : {token, token.toBase64(), token.toBase64(QByteArray::OmitTrailingEquals), token.left(20)})
            QVERIFY2(!text.contains(form), qPrintable(u"%1 shows the credential (%2): %3"_s.arg(QLatin1String(where), QLatin1String(form),
                                                                                                 QString::fromUtf8(text))));
    }

private Q_SLOTS:
    void shouldKeepAnEchoedCredentialOutOfEverythingItPrints()
    {
        TestHttpServer server;
        QVERIFY(server.listen());
        server.setFallback(TestHttpServer::Response::echoHeaders(401));

        QCOMPARE(ctl({u"channel"_s, u"add"_s, u"gateway"_s, u"--kind"_s, u"sms"_s, u"--url"_s, server.url(u"/sms"_s).toString(), u"--secret"_s,
                      u"env:SMS_TOKEN"_s})
                     .code,
                 0);
        QCOMPARE(ctl({u"queue"_s, u"add"_s, u"sms-q"_s, u"--channel"_s, u"gateway"_s}).code, 0);
        QCOMPARE(ctl({u"enqueue"_s, u"--queue"_s, u"sms-q"_s, u"--type"_s, u"session_reminder"_s, u"--to"_s, u"+34600123456"_s, u"--payload"_s,
                      u"{\"text\":\"Your session starts at 10:00\"}"_s})
                     .code,
                 0);

        const Run work = ctl({u"work"_s, u"--until-idle"_s});
        QCOMPARE(work.code, 0);
        QCOMPARE(server.requests().size(), 1);
        // The peer did get the credential, and did echo it: the test means something.
        QCOMPARE(server.requests().front().header("authorization"), QByteArray(kToken));
        QVERIFY(work.out.contains("401"));
        verifyNoSecret(work.out, "the work log");

        const Run show = ctl({u"show"_s, u"1"_s});
        QCOMPARE(show.code, 0);
        QVERIFY2(show.out.contains("401") && show.out.contains("[cut: may hold credentials]"), show.out.constData());
        verifyNoSecret(show.out, "show");
        const Run list = ctl({u"list"_s, u"--json"_s});
        QCOMPARE(list.code, 0);
        QVERIFY(list.out.contains("401"));
        verifyNoSecret(list.out, "list --json");
        const Run exported = ctl({u"export"_s, u"--format"_s, u"jsonl"_s});
        QCOMPARE(exported.code, 0);
        verifyNoSecret(exported.out, "export");
        const Run test = ctl({u"channel"_s, u"test"_s, u"gateway"_s, u"--to"_s, u"+34600123456"_s});
        QCOMPARE(server.requests().size(), 2);
        QVERIFY(test.out.contains("401"));
        verifyNoSecret(test.out, "channel test");
    }
};

QTEST_GUILESS_MAIN(tst_PeerEcho)
#include "tst_peerecho.moc"
