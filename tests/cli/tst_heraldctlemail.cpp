// heraldctl's e-mail commands as real processes: email import/stats/list, suppression
// list/add/remove/import/export/policy and serve, with their exit statuses, JSON shapes and the
// messages that name bad input.
#include "HeraldctlRun.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace Qt::StringLiterals;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    QJsonObject object() const { return QJsonDocument::fromJson(out).object(); }
    QList<QJsonObject> lines() const { return herald::test::jsonLines(out); }
};

QString fixture(const QString &name)
{
    return QDir(QStringLiteral(HERALD_SES_FIXTURES)).filePath(name);
}

QStringList fixtures(const QString &pattern)
{
    QStringList out;
    const QDir dir(QStringLiteral(HERALD_SES_FIXTURES));
    for (const QString &f : dir.entryList({pattern}, QDir::Files, QDir::Name))
        out << dir.filePath(f);
    return out;
}

QSet<QString> keys(const QJsonObject &o)
{
    const QStringList k = o.keys();
    return QSet<QString>(k.begin(), k.end());
}

} // namespace

class tst_HeraldctlEmail : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("HERALD_DB"));
        env.remove(QStringLiteral("HERALD_SNS_TOKEN"));
        env.insert(QStringLiteral("HOME"), m_dir.path()); // the default store must never be the developer's
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("xdg")));
        return env;
    }

    Run run(QStringList args, const QByteArray &input = {})
    {
        QProcess p;
        p.setProcessEnvironment(environment());
        args.prepend(m_db);
        args.prepend(QStringLiteral("--db"));
        p.start(QStringLiteral(HERALDCTL_PATH), args);
        if (!p.waitForStarted())
            return {};
        if (!input.isEmpty())
            p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(120'000))
            return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(), p.readAllStandardError()};
    }

    // Every sample SES event and envelope in the fixtures.
    Run importAllFixtures(QStringList extra = {})
    {
        return run(QStringList{u"email"_s, u"import"_s, u"--json"_s} + extra + fixtures(u"event_*.json"_s) + fixtures(u"notif_*.json"_s) +
                   fixtures(u"sns_*.json"_s));
    }

private Q_SLOTS:
    void init()
    {
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(QStringLiteral("%1-%2.db").arg(QLatin1String(QTest::currentTestFunction()),
                                                             QString::fromUtf8(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('_'))));
    }

    void shouldGiveHelpForEveryCommand_data()
    {
        QTest::addColumn<QStringList>("command");
        QTest::newRow("serve") << QStringList{u"serve"_s};
        for (const char *c : {"import", "stats", "list"})
            QTest::newRow(QByteArray("email ").append(c).constData()) << QStringList{u"email"_s, QString::fromLatin1(c)};
        for (const char *c : {"list", "add", "remove", "import", "export", "policy"})
            QTest::newRow(QByteArray("suppression ").append(c).constData()) << QStringList{u"suppression"_s, QString::fromLatin1(c)};
    }
    void shouldGiveHelpForEveryCommand()
    {
        QFETCH(QStringList, command);
        const Run r = run(command + QStringList{u"--help"_s});
        QCOMPARE(r.exitCode, 0);
        const QByteArray usage = "Usage: heraldctl " + command.join(QLatin1Char(' ')).toUtf8();
        QVERIFY2(r.out.startsWith(usage), r.out.constData());
        QVERIFY(r.out.contains("--db"));
    }

    void shouldListTheNewCommandsAndRefuseUnknownSubcommands()
    {
        Run r = run({u"--help"_s});
        QVERIFY(r.out.contains("serve") && r.out.contains("email") && r.out.contains("suppression"));
        r = run({u"email"_s, u"frob"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("unknown sub-command 'frob'"), r.err.constData());
        r = run({u"suppression"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("name a sub-command"));
    }

    void shouldImportEveryFixtureOnce()
    {
        Run r = importAllFixtures();
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QJsonObject o = r.object();
        QCOMPARE(o[u"imported"_s].toInt(), 21); // 10 event_*, 10 notif_*, 1 SES bounce in an envelope
        QCOMPARE(o[u"events"_s].toInt(), 22);   // a bounce of two recipients
        QCOMPARE(o[u"ignored"_s].toInt(), 6);   // Hello world ×5, the topic-validation notice
        QCOMPARE(o[u"notices"_s].toInt(), 3);   // subscription and unsubscribe confirmations
        QCOMPARE(o[u"invalid"_s].toInt(), 0);
        r = importAllFixtures();
        QCOMPARE(r.exitCode, 0);
        o = r.object();
        QCOMPARE(o[u"imported"_s].toInt(), 0);
        QCOMPARE(o[u"events"_s].toInt(), 0);
        QCOMPARE(o[u"duplicates"_s].toInt(), 24);
    }

    void shouldReportStatsOfTheFixtures()
    {
        QCOMPARE(importAllFixtures().exitCode, 0);
        const Run r = run({u"email"_s, u"stats"_s, u"--from"_s, u"2010-01-01T00:00:00Z"_s, u"--to"_s, u"2030-01-01T00:00:00Z"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = r.object();
        for (const char *k : {"sends", "deliveries", "hard_bounces", "soft_bounces", "complaints", "rejects", "opens", "clicks", "delays",
                              "bounce_rate", "complaint_rate"})
            QVERIFY2(o.contains(QLatin1String(k)), k);
        // By hand: sends 1 (event_send); deliveries 3; hard bounces 7 (event 1, no-DSN 2, DSN 1, simulator 2, suppression list 1);
        // soft 1; complaints 4; the basis is deliveries + bounces = 11 because the samples publish one Send only.
        QCOMPARE(o[u"sends"_s].toInt(), 1);
        QCOMPARE(o[u"deliveries"_s].toInt(), 3);
        QCOMPARE(o[u"hard_bounces"_s].toInt(), 7);
        QCOMPARE(o[u"soft_bounces"_s].toInt(), 1);
        QCOMPARE(o[u"complaints"_s].toInt(), 4);
        QCOMPARE(o[u"rejects"_s].toInt(), 1);
        QCOMPARE(o[u"opens"_s].toInt(), 1);
        QCOMPARE(o[u"clicks"_s].toInt(), 1);
        QCOMPARE(o[u"delays"_s].toInt(), 1);
        QCOMPARE(o[u"bounce_rate"_s].toDouble(), 6.0 / 11); // OnAccountSuppressionList does not count
        QCOMPARE(o[u"complaint_rate"_s].toDouble(), 4.0 / 11);
        QCOMPARE(o[u"bounce_level"_s].toString(), u"pause"_s);
        // A window with nothing in it.
        const Run empty = run({u"email"_s, u"stats"_s, u"--from"_s, u"2030-01-01T00:00:00Z"_s, u"--to"_s, u"2030-02-01T00:00:00Z"_s, u"--json"_s});
        QCOMPARE(empty.object()[u"sends"_s].toInt(), 0);
        QCOMPARE(empty.object()[u"bounce_rate"_s].toDouble(), 0.0);
    }

    void shouldListEventsAsJsonLines()
    {
        QCOMPARE(importAllFixtures().exitCode, 0);
        Run r = run({u"email"_s, u"list"_s, u"--type"_s, u"bounce"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        const QList<QJsonObject> bounces = r.lines();
        QCOMPARE(bounces.size(), 8);
        for (const QJsonObject &b : bounces) {
            QCOMPARE(b[u"type"_s].toString(), u"bounce"_s);
            QVERIFY(b[u"raw"_s].isObject());
        }
        r = run({u"email"_s, u"list"_s, u"--recipient"_s, u"RICHARD@example.com"_s, u"--json"_s});
        QCOMPARE(r.lines().size(), 3); // a bounce and two complaints
        r = run({u"email"_s, u"list"_s, u"--since"_s, u"2022-08-01T00:00:00Z"_s, u"--json"_s});
        QCOMPARE(r.lines().size(), 5); // the simulator captures
        r = run({u"email"_s, u"list"_s, u"--type"_s, u"Bounce!"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--type 'Bounce!'"));
    }

    void shouldReportBadDocumentsByFileAndLine()
    {
        const QString path = m_dir.filePath(u"mixed.jsonl"_s);
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        QFile delivery(fixture(u"notif_delivery.json"_s));
        QVERIFY(delivery.open(QIODevice::ReadOnly));
        f.write(QJsonDocument::fromJson(delivery.readAll()).toJson(QJsonDocument::Compact) + "\n{\"eventType\": \n{\"hello\": 1}\n");
        f.close();
        const Run r = run({u"email"_s, u"import"_s, path});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(QByteArray(path.toUtf8() + ":2: not JSON")), r.err.constData());
        QVERIFY2(r.err.contains(QByteArray(path.toUtf8() + ":3: neither an SNS message")), r.err.constData());
        QVERIFY2(r.out.contains("imported 1 "), r.out.constData());
        const Run missing = run({u"email"_s, u"import"_s, m_dir.filePath(u"nope.json"_s)});
        QCOMPARE(missing.exitCode, 2);
        QVERIFY(missing.err.contains("nope.json"));
    }

    void shouldVerifySignaturesWhenAsked()
    {
        QTemporaryDir certs;
        QVERIFY(QFile::copy(fixture(u"sns_test_signing_cert_7ff5318490ec183fbaddaa2a969abfda.pem"_s),
                            certs.filePath(u"SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem"_s)));
        const Run r = run({u"email"_s, u"import"_s, u"--verify"_s, u"--certificates"_s, certs.path(), u"--ignore-certificate-expiry"_s, u"--json"_s,
                           fixture(u"sns_envelope_sigv1_notification_no_subject.json"_s), fixture(u"sns_envelope_sigv2_notification_with_subject.json"_s),
                           fixture(u"sns_envelope_subscription_confirmation.json"_s),
                           fixture(u"sns_envelope_ses_bounce_permanent_onaccountsuppressionlist.json"_s), fixture(u"event_send.json"_s)});
        QCOMPARE(r.exitCode, 2);
        const QJsonObject o = r.object();
        QCOMPARE(o[u"ignored"_s].toInt(), 2); // verified, then ignored: "Hello world"
        QCOMPARE(o[u"notices"_s].toInt(), 1);
        QCOMPARE(o[u"invalid"_s].toInt(), 2);
        QCOMPARE(o[u"events"_s].toInt(), 0);
        QVERIFY2(r.err.contains("onaccountsuppressionlist.json: the signature of SNS message adbc2384-317d-54f1-b957-79e4d266a9f8 does not verify"),
                 r.err.constData());
        QVERIFY2(r.err.contains("event_send.json: no SNS signature"), r.err.constData());
        // Expiry is checked unless told otherwise.
        const Run expired = run({u"email"_s, u"import"_s, u"--verify"_s, u"--certificates"_s, certs.path(),
                                 fixture(u"sns_envelope_sigv1_notification_no_subject.json"_s)});
        QCOMPARE(expired.exitCode, 2);
        QVERIFY2(expired.err.contains("expired"), expired.err.constData());
    }

    void shouldImportAMongoexportFromStandardInput()
    {
        QFile complaint(fixture(u"notif_complaint_simulator.json"_s));
        QVERIFY(complaint.open(QIODevice::ReadOnly));
        const QString message = QString::fromUtf8(QJsonDocument::fromJson(complaint.readAll()).toJson(QJsonDocument::Compact));
        QByteArray exported;
        for (int i = 0; i < 2; ++i)
            exported += QJsonDocument(QJsonObject{{u"_id"_s, QJsonObject{{u"$oid"_s, u"62eab1d7c3f1a2b3c4d5e6f%1"_s.arg(i)}}},
                                                  {u"Type"_s, u"Notification"_s},
                                                  {u"MessageId"_s, u"mongo-%1"_s.arg(i)},
                                                  {u"Subject"_s, QJsonValue::Null},
                                                  {u"Message"_s, message},
                                                  {u"Timestamp"_s, QJsonObject{{u"$date"_s, u"2022-08-03T17:38:32.000Z"_s}}}})
                            .toJson(QJsonDocument::Compact) +
                        '\n';
        const Run r = run({u"email"_s, u"import"_s, u"-"_s, u"--json"_s}, exported);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.object()[u"imported"_s].toInt(), 2);
        const Run list = run({u"suppression"_s, u"list"_s, u"--json"_s});
        QCOMPARE(list.lines().size(), 1);
        QCOMPARE(list.lines().front()[u"source_event"_s].toString(), u"mongo-0"_s);
    }

    void shouldListSuppressionsInTheContractShape()
    {
        QCOMPARE(importAllFixtures().exitCode, 0);
        const Run r = run({u"suppression"_s, u"list"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        const QList<QJsonObject> entries = r.lines();
        QCOMPARE(entries.size(), 7);
        QHash<QString, QString> reasons;
        for (const QJsonObject &e : entries) {
            QVERIFY(keys(e).contains(QSet<QString>{u"address"_s, u"reason"_s, u"source_event"_s, u"created_at"_s, u"expires_at"_s}));
            reasons.insert(e[u"address"_s].toString(), e[u"reason"_s].toString());
            QVERIFY(e[u"expires_at"_s].isNull());
            QVERIFY(!e[u"source_event"_s].toString().isEmpty());
        }
        QCOMPARE(reasons.value(u"jane@example.com"_s), u"hard_bounce"_s);
        QCOMPARE(reasons.value(u"complaint@simulator.amazonses.com"_s), u"complaint"_s);
        QCOMPARE(reasons.value(u"relayuser@test.com"_s), u"hard_bounce"_s);
        QVERIFY(!reasons.contains(u"ooto@simulator.amazonses.com"_s)); // one soft bounce does not suppress
    }

    void shouldAddRemoveExportAndImportSuppressions()
    {
        Run r = run({u"suppression"_s, u"add"_s, u"Ana@Example.org"_s, u"ben@example.org"_s, u"--note"_s, u"asked by phone"_s});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = run({u"suppression"_s, u"add"_s, u"temp@example.org"_s, u"--reason"_s, u"soft_bounce"_s, u"--expires"_s, u"30d"_s});
        QCOMPARE(r.exitCode, 0);
        r = run({u"suppression"_s, u"list"_s, u"--json"_s});
        QList<QJsonObject> list = r.lines();
        QCOMPARE(list.size(), 3);
        QCOMPARE(list[0][u"address"_s].toString(), u"ana@example.org"_s);
        QCOMPARE(list[0][u"reason"_s].toString(), u"manual"_s);
        QVERIFY(list[0][u"source_event"_s].isNull());
        QVERIFY(!list[2][u"expires_at"_s].isNull());
        const QString exported = m_dir.filePath(u"suppressions.jsonl"_s);
        QCOMPARE(run({u"suppression"_s, u"export"_s, exported}).exitCode, 0);
        QCOMPARE(run({u"suppression"_s, u"remove"_s, u"ana@example.org"_s, u"ben@example.org"_s, u"temp@example.org"_s}).exitCode, 0);
        QCOMPARE(run({u"suppression"_s, u"list"_s, u"--json"_s}).lines().size(), 0);
        r = run({u"suppression"_s, u"remove"_s, u"ana@example.org"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("ana@example.org is not on the suppression list"), r.err.constData());
        r = run({u"suppression"_s, u"import"_s, exported, u"--json"_s});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.object()[u"changed"_s].toInt(), 3);
        QCOMPARE(run({u"suppression"_s, u"list"_s, u"--json"_s}).lines(), list);
        // Plain lines with a header, from standard input.
        r = run({u"suppression"_s, u"import"_s, u"-"_s}, "email,reason\ncarla@example.org,complaint\ndev@example.org\n");
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(run({u"suppression"_s, u"list"_s, u"--json"_s, u"--reason"_s, u"complaint"_s}).lines().size(), 1);
        // A bad line imports nothing and says where.
        r = run({u"suppression"_s, u"import"_s, u"-"_s}, "eve@example.org,spam\n");
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("stdin:1: reason 'spam' is unknown"), r.err.constData());
        r = run({u"suppression"_s, u"add"_s, u"not-an-address"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("'not-an-address' is not an e-mail address"));
    }

    void shouldShowAndSetThePolicy()
    {
        Run r = run({u"suppression"_s, u"policy"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.object(), (QJsonObject{{u"soft_bounces"_s, 3}, {u"window"_s, u"7d"_s}, {u"expiry"_s, u"30d"_s}}));
        r = run({u"suppression"_s, u"policy"_s, u"--soft-bounces"_s, u"5"_s, u"--window"_s, u"2d"_s, u"--expiry"_s, u"none"_s, u"--json"_s});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(run({u"suppression"_s, u"policy"_s, u"--json"_s}).object(),
                 (QJsonObject{{u"soft_bounces"_s, 5}, {u"window"_s, u"2d"_s}, {u"expiry"_s, QJsonValue()}}));
        r = run({u"suppression"_s, u"policy"_s, u"--window"_s, u"soon"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--window"));
    }

    void shouldRefuseBadServeInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("no topic") << QStringList{} << QByteArray("give --topic ARN");
        QTest::newRow("bad listen") << QStringList{u"--listen"_s, u"somewhere"_s, u"--topic"_s, u"arn:aws:sns:us-east-1:123456789012:t"_s}
                                    << QByteArray("--listen 'somewhere'");
        QTest::newRow("bad topic") << QStringList{u"--topic"_s, u"ses-events"_s} << QByteArray("--topic 'ses-events' is not an SNS topic ARN");
        QTest::newRow("topic path not a path") << QStringList{u"--topic"_s, u"arn:aws:sns:us-east-1:123456789012:t=sns bounces"_s}
                                               << QByteArray("'sns bounces' is not a URL path; give one such as /sns/bounces");
        QTest::newRow("topic with two paths") << QStringList{u"--topic"_s, u"arn:aws:sns:us-east-1:123456789012:t=/a"_s, u"--topic"_s,
                                                             u"arn:aws:sns:us-east-1:123456789012:t=/b"_s}
                                              << QByteArray("has two paths, /a and /b");
        QTest::newRow("bad link interval") << QStringList{u"--topic"_s, u"arn:aws:sns:us-east-1:123456789012:t"_s, u"--link-every"_s, u"10ms"_s}
                                           << QByteArray("--link-every must be 0 (never) or from 1s to 24h");
    }
    void shouldRefuseBadServeInput()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, message);
        const Run r = run(QStringList{u"serve"_s} + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), r.err.constData());
    }

    void shouldServeOverHttpAndStopOnSigterm()
    {
        // Certificates come from a folder: the test never reaches for the internet.
        QTemporaryDir certs;
        QVERIFY(QFile::copy(fixture(u"sns_test_signing_cert_7ff5318490ec183fbaddaa2a969abfda.pem"_s),
                            certs.filePath(u"SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem"_s)));
        QCOMPARE(run({u"init"_s}).exitCode, 0); // serve runs on a store that exists
        QProcess p;
        p.setProcessEnvironment(environment());
        p.start(QStringLiteral(HERALDCTL_PATH), {u"--db"_s, m_db, u"serve"_s, u"--listen"_s, u"127.0.0.1:0"_s, u"--topic"_s,
                                                 u"arn:aws:sns:us-east-1:168781634622:ses-inbound-grelay"_s, u"--topic"_s,
                                                 u"arn:aws:sns:us-east-1:168781634622:ses-bounces=/sns/bounces/"_s, u"--certificates"_s, certs.path(),
                                                 u"--ignore-certificate-expiry"_s, u"--json"_s});
        QVERIFY(p.waitForStarted());
        p.setReadChannel(QProcess::StandardError); // the address is announced there
        QByteArray err;
        while (!(err.contains("listening on") && err.endsWith('\n')) && p.waitForReadyRead(20'000))
            err += p.readAllStandardError();
        const qsizetype at = err.indexOf("http://127.0.0.1:");
        QVERIFY2(at >= 0, err.constData());
        const quint16 port = quint16(err.mid(at + 17, err.indexOf('/', at + 17) - at - 17).toUInt());
        QVERIFY(port != 0);
        QVERIFY2(err.contains(":%1/sns/bounces for arn:aws:sns:us-east-1:168781634622:ses-bounces"_ba.replace("%1", QByteArray::number(port))), err.constData());

        const auto post = [port](const QByteArray &body) {
            QTcpSocket s;
            s.connectToHost(QHostAddress::LocalHost, port);
            if (!s.waitForConnected(10'000))
                return QByteArray();
            s.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
            QByteArray data;
            while (s.waitForReadyRead(10'000))
                data += s.readAll();
            data += s.readAll();
            return data;
        };
        QVERIFY(post("{oops").startsWith("HTTP/1.1 400"));
        QFile tampered(fixture(u"sns_envelope_ses_bounce_permanent_onaccountsuppressionlist.json"_s));
        QVERIFY(tampered.open(QIODevice::ReadOnly));
        QVERIFY(post(tampered.readAll()).startsWith("HTTP/1.1 403"));

        ::kill(pid_t(p.processId()), SIGTERM);
        QVERIFY(p.waitForFinished(20'000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 0);
        err += p.readAllStandardError();
        QVERIFY2(err.contains("SIGTERM: stopped"), err.constData());
        QList<int> statuses;
        for (const QByteArray &line : p.readAllStandardOutput().split('\n'))
            if (!line.isEmpty())
                statuses << QJsonDocument::fromJson(line).object()[u"status"_s].toInt();
        QCOMPARE(statuses, (QList<int>{400, 403}));
    }
};

QTEST_GUILESS_MAIN(tst_HeraldctlEmail)
#include "tst_heraldctlemail.moc"
