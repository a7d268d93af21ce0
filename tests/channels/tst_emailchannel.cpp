// EmailChannel against a real SMTP server (aiosmtpd) on loopback: STARTTLS and implicit TLS, AUTH,
// headers and parts as a mail client reads them, suppression, and each SMTP failure class.
#include "ChannelTestSupport.h"
#include "SmtpTestServer.h"
#include "TestHttpServer.h"
#include "channels/EmailChannel.h"
#include "channels/SmtpClient.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace herald;
using namespace Qt::StringLiterals;

namespace {
const QString kUser = u"herald"_s;
const QString kPassword = u"s3cret-smtp-pw"_s;
} // namespace

class tst_EmailChannel : public QObject
{
    Q_OBJECT

    SmtpTestServer m_smtp;
    QStringList m_suppressedAsked;

    QJsonObject options(QJsonObject extra = {}) const
    {
        QJsonObject o{{u"from"_s, u"Herald Ops <ops@herald.example>"_s},
                      {u"user"_s, kUser},
                      {u"ca_file"_s, m_smtp.certificate()}};
        for (auto it = extra.constBegin(); it != extra.constEnd(); ++it)
            o.insert(it.key(), it.value());
        return o;
    }

    Result<std::unique_ptr<Channel>> tryEmail(const QString &url, const QJsonObject &opts, qint64 timeoutMs = 10'000,
                                             const QString &secretRef = u"env:HERALD_TEST_SMTP_PASSWORD"_s)
    {
        ChannelConfig config;
        config.name = u"ops-mail"_s;
        config.kind = ChannelConfig::Kind::Email;
        config.url = url;
        config.timeoutMs = timeoutMs;
        config.secretRef = secretRef;
        config.options = opts;
        ChannelContext context;
        context.isSuppressed = [this](const QString &address) -> Result<bool> {
            m_suppressedAsked << address;
            if (address == u"unknown@example.org"_s)
                return Error::runtime(u"store 'herald.db' could not be read: disk I/O error"_s);
            return address == u"gone@example.org"_s;
        };
        return createChannel(config, context);
    }
    std::unique_ptr<Channel> email(const QString &url, const QJsonObject &opts, qint64 timeoutMs = 10'000,
                                   const QString &secretRef = u"env:HERALD_TEST_SMTP_PASSWORD"_s)
    {
        auto channel = tryEmail(url, opts, timeoutMs, secretRef);
        if (!channel)
            qFatal("%s", qPrintable(channel.errorString()));
        return std::move(*channel);
    }
    QString starttlsUrl() const { return u"smtp://127.0.0.1:%1"_s.arg(m_smtp.port()); }

    static Delivery reminder(const QString &to, bool withHtml = true)
    {
        QJsonObject payload{
            {u"subject"_s, u"¡Tu charla empieza pronto, {{contractor.first_name}}!"_s},
            {u"body"_s, u"Hola {{contractor.first_name}},\nnos vemos en la {{room}}.\n"_s},
            {u"contractor"_s, QJsonObject{{u"first_name"_s, u"Ana"_s}}},
            {u"room"_s, u"sala 2 & 3"_s},
        };
        if (withHtml)
            payload.insert(u"html"_s, u"<p>Hola <b>{{contractor.first_name}}</b>, {{room}}</p>"_s);
        return makeDelivery(5150, to, payload);
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("HERALD_TEST_SMTP_PASSWORD", kPassword.toUtf8());
        qputenv("HERALD_TEST_SMTP_WRONG", "not-the-password");
        const QString error = m_smtp.start(QFINDTESTDATA("smtp_test_server.py"), SmtpTestServer::Tls::StartTls, kUser, kPassword);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }

    void init() { m_suppressedAsked.clear(); }

    void shouldSendTextAndHtmlOverStartTlsWithAuth()
    {
        auto channel = email(starttlsUrl(), options(QJsonObject{{u"reply_to"_s, u"help@herald.example"_s}, {u"tls"_s, u"required"_s}}));
        const qsizetype before = m_smtp.messages().size();
        HERALD_DELIVER(*channel, reminder(u"ana@example.org"_s), o);
        QVERIFY2(o.kind == DeliveryOutcome::Kind::Success, qPrintable(o.error));
        QTRY_COMPARE(m_smtp.messages().size(), before + 1);

        const QJsonObject got = m_smtp.messages().last();
        QCOMPARE(got.value(u"mail_from"_s).toString(), u"ops@herald.example"_s);
        QCOMPARE(got.value(u"rcpt_tos"_s).toArray(), QJsonArray{u"ana@example.org"_s});
        QCOMPARE(got.value(u"from"_s).toString(), u"Herald Ops <ops@herald.example>"_s);
        QCOMPARE(got.value(u"to"_s).toString(), u"ana@example.org"_s);
        QCOMPARE(got.value(u"reply_to"_s).toString(), u"help@herald.example"_s);
        QCOMPARE(got.value(u"subject"_s).toString(), u"¡Tu charla empieza pronto, Ana!"_s);
        QVERIFY2(got.value(u"raw_subject"_s).toString().startsWith(u"=?UTF-8?B?"_s), qPrintable(got.value(u"raw_subject"_s).toString()));
        QCOMPARE(got.value(u"content_type"_s).toString(), u"multipart/alternative"_s);
        // Text parts travel in canonical form (RFC 2046): CRLF line ends, whatever the template used.
        QCOMPARE(got.value(u"text"_s).toString(), u"Hola Ana,\r\nnos vemos en la sala 2 & 3.\r\n"_s);
        QCOMPARE(got.value(u"html"_s).toString(), u"<p>Hola <b>Ana</b>, sala 2 &amp; 3</p>"_s);
        QVERIFY(!got.value(u"date"_s).toString().isEmpty());
        QVERIFY(got.value(u"tls"_s).toBool());
        QVERIFY(got.value(u"authenticated"_s).toBool());

        QVERIFY(o.providerMessageId.endsWith(u"@herald>"_s));
        QCOMPARE(got.value(u"message_id"_s).toString(), o.providerMessageId);
        QCOMPARE(jsonObject(o.rendered).value(u"message_id"_s).toString(), o.providerMessageId);
        QVERIFY(!o.rendered.contains(kPassword.toUtf8()));
        QCOMPARE(m_suppressedAsked, QStringList{u"ana@example.org"_s});
    }

    void shouldTakeTheProviderIdFromAnSesStyleAnswer()
    {
        auto channel = email(starttlsUrl(), options());
        const qsizetype before = m_smtp.messages().size();
        HERALD_DELIVER(*channel, reminder(u"ses@example.org"_s), o);
        QVERIFY2(o.kind == DeliveryOutcome::Kind::Success, qPrintable(o.error));
        QTRY_COMPARE(m_smtp.messages().size(), before + 1);
        // SES's id, which its events carry as mail.messageId, not the Message-ID we generated.
        QCOMPARE(o.providerMessageId, QString::fromLatin1(SmtpTestServer::kSesMessageId));
        const QString generated = m_smtp.messages().last().value(u"message_id"_s).toString();
        QVERIFY(generated.endsWith(u"@herald>"_s));
        QCOMPARE(jsonObject(o.rendered).value(u"message_id"_s).toString(), generated);
    }

    void shouldReadOnlyTheSesFormOfTheAnswerToData_data()
    {
        QTest::addColumn<QByteArray>("replies");
        QTest::addColumn<QString>("id");
        const QByteArray session = "220 mail.example ESMTP\r\n250-mail.example\r\n250-AUTH PLAIN LOGIN\r\n250 8BITMIME\r\n"
                                   "235 2.7.0 Authentication successful\r\n250 Ok\r\n250 Ok\r\n354 End data with <CR><LF>.<CR><LF>\r\n";
        QTest::newRow("ses") << session + "250 Ok 0100018c5e2f7a1b-3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f-000000\r\n221 Bye\r\n"
                             << u"0100018c5e2f7a1b-3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f-000000"_s;
        QTest::newRow("ses in angle brackets") << session + "250 Ok <0100018c5e2f7a1b-3c4d5e6f-000000>\r\n221 Bye\r\n"
                                               << u"0100018c5e2f7a1b-3c4d5e6f-000000"_s;
        QTest::newRow("postfix queue id") << session + "250 2.0.0 Ok: queued as 4BxyzK1abc\r\n221 2.0.0 Bye\r\n" << QString();
        QTest::newRow("plain ok") << session + "250 OK\r\n221 Bye\r\n" << QString();
        QTest::newRow("ok and words") << session + "250 Ok queued as 12345678\r\n221 Bye\r\n" << QString();
        QTest::newRow("no answer to data") << QByteArray("220 mail.example ESMTP\r\n250 8BITMIME\r\n") << QString();
        QTest::newRow("nothing") << QByteArray() << QString();
    }

    void shouldReadOnlyTheSesFormOfTheAnswerToData()
    {
        QFETCH(QByteArray, replies);
        QFETCH(QString, id);
        QCOMPARE(SmtpClient::queuedMessageId(replies), id);
    }

    void shouldSendTextOnlyAsASinglePart()
    {
        auto channel = email(starttlsUrl(), options());
        const qsizetype before = m_smtp.messages().size();
        HERALD_DELIVER(*channel, reminder(u"ana@example.org"_s, false), o);
        QVERIFY2(o.kind == DeliveryOutcome::Kind::Success, qPrintable(o.error));
        QTRY_COMPARE(m_smtp.messages().size(), before + 1);
        const QJsonObject got = m_smtp.messages().last();
        QCOMPARE(got.value(u"content_type"_s).toString(), u"text/plain"_s);
        QCOMPARE(got.value(u"text"_s).toString(), u"Hola Ana,\r\nnos vemos en la sala 2 & 3.\r\n"_s);
        QVERIFY(got.value(u"html"_s).isNull());
        QVERIFY(got.value(u"reply_to"_s).isNull());
    }

    void shouldUseImplicitTlsForSmtps()
    {
        SmtpTestServer implicit;
        const QString error = implicit.start(QFINDTESTDATA("smtp_test_server.py"), SmtpTestServer::Tls::Implicit, kUser, kPassword);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QJsonObject opts = options();
        opts.insert(u"ca_file"_s, implicit.certificate());
        auto channel = email(u"smtps://127.0.0.1:%1"_s.arg(implicit.port()), opts);
        HERALD_DELIVER(*channel, reminder(u"ana@example.org"_s), o);
        QVERIFY2(o.kind == DeliveryOutcome::Kind::Success, qPrintable(o.error));
        QTRY_COMPARE(implicit.messages().size(), 1);
        QVERIFY(implicit.messages().first().value(u"tls"_s).toBool());
        QCOMPARE(implicit.messages().first().value(u"message_id"_s).toString(), o.providerMessageId);
    }

    void shouldNotConnectForASuppressedAddress()
    {
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
        auto channel = email(u"smtp://127.0.0.1:%1"_s.arg(listener.serverPort()), options());
        HERALD_DELIVER(*channel, reminder(u"gone@example.org"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Suppressed);
        QVERIFY2(o.error.contains(u"gone@example.org is on the suppression list"_s), qPrintable(o.error));
        QCOMPARE(m_suppressedAsked, QStringList{u"gone@example.org"_s});
        QVERIFY(!listener.waitForNewConnection(0)); // a connection attempt would already be in the backlog
    }

    void shouldNotSendWhenTheSuppressionListCannotBeRead()
    {
        // Fails closed: an address that cannot be checked is not sent to; the attempt is retried.
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
        auto channel = email(u"smtp://127.0.0.1:%1"_s.arg(listener.serverPort()), options());
        HERALD_DELIVER(*channel, reminder(u"unknown@example.org"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Retryable);
        QVERIFY2(o.error.contains(u"suppression list could not be read"_s) && o.error.contains(u"disk I/O error"_s), qPrintable(o.error));
        QVERIFY(!listener.waitForNewConnection(0));
    }

    void shouldFailPermanentlyWithoutConnectingForANonAddress()
    {
        QTcpServer listener;
        QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
        auto channel = email(u"smtp://127.0.0.1:%1"_s.arg(listener.serverPort()), options());
        HERALD_DELIVER(*channel, reminder(u"ana at example"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Permanent);
        QVERIFY2(o.error.contains(u"'ana at example' is not an email address"_s), qPrintable(o.error));
        QVERIFY(!listener.waitForNewConnection(0));
    }

    void shouldRetryWhenTheServerIsDown()
    {
        auto channel = email(u"smtp://127.0.0.1:%1"_s.arg(closedPort()), options());
        HERALD_DELIVER(*channel, reminder(u"ana@example.org"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Retryable);
        QVERIFY2(o.error.contains(u"could not connect"_s), qPrintable(o.error));
    }

    void shouldFailPermanentlyWhenTheServerRefusesTheRecipient()
    {
        auto channel = email(starttlsUrl(), options());
        HERALD_DELIVER(*channel, reminder(u"nobody@example.org"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Permanent);
        QCOMPARE(o.responseCode, 550);
        QVERIFY2(o.error.contains(u"mailbox unavailable"_s) && o.error.contains(u"nobody@example.org"_s), qPrintable(o.error));
    }

    void shouldRetryWhenTheServerDefersTheRecipient()
    {
        auto channel = email(starttlsUrl(), options());
        HERALD_DELIVER(*channel, reminder(u"busy@example.org"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Retryable);
        QCOMPARE(o.responseCode, 451);
        QVERIFY2(o.error.contains(u"try again later"_s), qPrintable(o.error));
    }

    void shouldFailPermanentlyWhenTheLoginIsRefused()
    {
        auto channel = email(starttlsUrl(), options(), 10'000, u"env:HERALD_TEST_SMTP_WRONG"_s);
        HERALD_DELIVER(*channel, reminder(u"ana@example.org"_s), o);
        QVERIFY2(o.kind == DeliveryOutcome::Kind::Permanent, qPrintable(o.error));
        QCOMPARE(o.responseCode, 535);
        QVERIFY2(o.error.contains(u"refused the login of user 'herald'"_s), qPrintable(o.error));
        QVERIFY2(!o.error.contains(u"not-the-password"_s), qPrintable(o.error));
    }

    void shouldRetryWhenTheCertificateIsNotTrusted()
    {
        QJsonObject opts = options();
        opts.remove(u"ca_file"_s);
        auto channel = email(starttlsUrl(), opts);
        HERALD_DELIVER(*channel, reminder(u"ana@example.org"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Retryable);
        QVERIFY2(o.error.contains(u"options.ca_file"_s), qPrintable(o.error));
    }

    void shouldAcceptAnyCertificateWhenToldToSkipVerification()
    {
        QJsonObject opts = options(QJsonObject{{u"insecure_skip_verify"_s, true}});
        opts.remove(u"ca_file"_s);
        auto channel = email(starttlsUrl(), opts);
        HERALD_DELIVER(*channel, reminder(u"ana@example.org"_s), o);
        QVERIFY2(o.kind == DeliveryOutcome::Kind::Success, qPrintable(o.error));
    }

    void shouldRetryWhenTheServerNeverAnswers()
    {
        QTcpServer silent; // accepts, never greets
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        auto channel = email(u"smtp://127.0.0.1:%1"_s.arg(silent.serverPort()), options(), 500);
        HERALD_DELIVER(*channel, reminder(u"ana@example.org"_s), o);
        QCOMPARE(o.kind, DeliveryOutcome::Kind::Retryable);
        QVERIFY2(o.error.contains(u"within 500 ms"_s), qPrintable(o.error));
    }

    void shouldNeverCallDoneAfterAbortingAnInFlightSend()
    {
        QTcpServer silent;
        QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
        auto channel = email(u"smtp://127.0.0.1:%1"_s.arg(silent.serverPort()), options(), 60'000);
        DoneProbe aborted;
        channel->deliver(reminder(u"ana@example.org"_s), aborted.callback());
        QTRY_VERIFY(silent.hasPendingConnections());
        QTcpSocket *socket = silent.nextPendingConnection();
        QSignalSpy closed(socket, &QTcpSocket::disconnected);
        channel->abort(5150);
        // libcurl notices the cancel flag and hangs up long before the 60 s timeout.
        QVERIFY(closed.wait(10'000));
        const auto drained = postMarker(this);
        QTRY_VERIFY(*drained);
        QCOMPARE(aborted.calls(), 0);
    }

    void shouldRefuseACaFileThatCannotBeRead()
    {
        const auto channel = tryEmail(starttlsUrl(), options(QJsonObject{{u"ca_file"_s, u"/nonexistent/ca.pem"_s}}));
        QVERIFY(!channel.ok());
        QVERIFY2(channel.errorString().contains(u"channel 'ops-mail'"_s) && channel.errorString().contains(u"'/nonexistent/ca.pem'"_s),
                 qPrintable(channel.errorString()));
    }
};

QTEST_GUILESS_MAIN(tst_EmailChannel)
#include "tst_emailchannel.moc"
