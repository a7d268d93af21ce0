// ChannelConfig::validate(): every refusal names the channel, the field, the problem and the fix.
#include "model/ChannelConfig.h"

#include <QJsonObject>
#include <QTest>

using namespace herald;
using namespace Qt::StringLiterals;

namespace {
ChannelConfig config(const QString &kind, const QString &url, const QJsonObject &options = {}, const QString &secretRef = {},
                     qint64 timeoutMs = 10'000)
{
    ChannelConfig c;
    c.name = u"ops-"_s + kind;
    c.kind = *ChannelConfig::parseKind(kind);
    c.url = url;
    c.options = options;
    c.secretRef = secretRef;
    c.timeoutMs = timeoutMs;
    return c;
}
} // namespace

class tst_ChannelConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldAcceptAWellFormedChannelOfEachKind_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QJsonObject>("options");
        QTest::addColumn<QString>("secretRef");
        QTest::newRow("outbox") << u"outbox"_s << QString() << QJsonObject{} << QString();
        QTest::newRow("webhook signed") << u"webhook"_s << u"https://hooks.example.org/herald"_s
                                        << QJsonObject{{u"signature_header"_s, u"X-Sig"_s}} << u"env:HOOK_KEY"_s;
        QTest::newRow("sms form") << u"sms"_s << u"http://127.0.0.1:9000/send"_s
                                  << QJsonObject{{u"format"_s, u"form"_s}, {u"auth_header"_s, u"X-Api-Key"_s}, {u"id_field"_s, u"messages.0.id"_s}}
                                  << u"keychain:sms-gateway"_s;
        QTest::newRow("push") << u"push"_s << u"https://fcm.googleapis.com/v1/projects/p/messages:send"_s << QJsonObject{} << u"env:FCM_TOKEN"_s;
        QTest::newRow("email starttls with auth")
            << u"email"_s << u"smtp://mail.example.org:587"_s
            << QJsonObject{{u"from"_s, u"Herald Ops <ops@example.org>"_s}, {u"reply_to"_s, u"help@example.org"_s}, {u"user"_s, u"ops"_s},
                           {u"tls"_s, u"required"_s}, {u"ca_file"_s, u"/etc/ssl/certs/ca-certificates.crt"_s}, {u"insecure_skip_verify"_s, false}}
            << u"env:SMTP_PASSWORD"_s;
        QTest::newRow("email smtps without auth") << u"email"_s << u"smtps://mail.example.org:465"_s
                                                  << QJsonObject{{u"from"_s, u"ops@example.org"_s}} << QString();
    }
    void shouldAcceptAWellFormedChannelOfEachKind()
    {
        QFETCH(QString, kind);
        QFETCH(QString, url);
        QFETCH(QJsonObject, options);
        QFETCH(QString, secretRef);
        const Status s = config(kind, url, options, secretRef).validate();
        QVERIFY2(s.ok(), qPrintable(s.errorString()));
    }

    void shouldRefuseNamingChannelFieldProblemAndFix_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("url");
        QTest::addColumn<QJsonObject>("options");
        QTest::addColumn<QString>("secretRef");
        QTest::addColumn<qint64>("timeoutMs");
        QTest::addColumn<QStringList>("expected"); // fragments of the message, in addition to the channel name

        const QString hook = u"https://h.example.org"_s;
        const QString smtp = u"smtp://mail.example.org"_s;
        const QJsonObject from{{u"from"_s, u"ops@example.org"_s}};
        QTest::newRow("webhook with an smtp URL") << u"webhook"_s << smtp << QJsonObject{} << QString() << qint64(10'000)
                                                  << QStringList{u"url"_s, u"scheme 'smtp'"_s, u"http:// or https://"_s};
        QTest::newRow("email with an https URL") << u"email"_s << u"https://mail.example.org"_s << from << QString() << qint64(10'000)
                                                 << QStringList{u"url"_s, u"scheme 'https'"_s, u"smtp://"_s, u"smtps://"_s};
        QTest::newRow("sms without a URL") << u"sms"_s << QString() << QJsonObject{} << QString() << qint64(10'000)
                                           << QStringList{u"url"_s, u"missing"_s, u"e.g."_s};
        QTest::newRow("push URL without host") << u"push"_s << u"https://"_s << QJsonObject{} << QString() << qint64(10'000)
                                               << QStringList{u"url"_s, u"e.g."_s};
        QTest::newRow("password in the URL") << u"webhook"_s << u"https://bob:hunter2@hooks.example.org"_s << QJsonObject{} << QString()
                                             << qint64(10'000) << QStringList{u"url"_s, u"credentials"_s, u"secretRef"_s};
        QTest::newRow("outbox with a URL") << u"outbox"_s << hook << QJsonObject{} << QString() << qint64(10'000)
                                           << QStringList{u"url"_s, u"remove it"_s};
        QTest::newRow("zero timeout") << u"webhook"_s << hook << QJsonObject{} << QString() << qint64(0)
                                      << QStringList{u"timeout"_s, u"0 ms"_s, u"out of range"_s, u"600000"_s};
        QTest::newRow("timeout over ten minutes") << u"webhook"_s << hook << QJsonObject{} << QString() << qint64(600'001)
                                                  << QStringList{u"timeout"_s, u"600001 ms"_s, u"10 min"_s};
        QTest::newRow("secret that is not a reference") << u"webhook"_s << hook << QJsonObject{} << u"vault:x"_s << qint64(10'000)
                                                        << QStringList{u"secretRef"_s, u"env:NAME"_s, u"keychain:NAME"_s};
        QTest::newRow("env reference with a bad name") << u"webhook"_s << hook << QJsonObject{} << u"env:1BAD"_s << qint64(10'000)
                                                       << QStringList{u"secretRef"_s, u"env:NAME"_s};
        QTest::newRow("unknown webhook option") << u"webhook"_s << hook << QJsonObject{{u"signature"_s, u"x"_s}} << QString()
                                                << qint64(10'000)
                                                << QStringList{u"option 'signature'"_s, u"unknown"_s, u"webhook"_s, u"signature_header"_s};
        QTest::newRow("push takes no options") << u"push"_s << hook << QJsonObject{{u"priority"_s, u"high"_s}} << QString() << qint64(10'000)
                                               << QStringList{u"option 'priority'"_s, u"takes no options"_s};
        QTest::newRow("sms format not allowed") << u"sms"_s << hook << QJsonObject{{u"format"_s, u"xml"_s}} << QString() << qint64(10'000)
                                                << QStringList{u"option 'format'"_s, u"'xml'"_s, u"json or form"_s};
        QTest::newRow("sms auth header not a header name") << u"sms"_s << hook << QJsonObject{{u"auth_header"_s, u"X Key"_s}} << QString()
                                                           << qint64(10'000) << QStringList{u"option 'auth_header'"_s, u"header name"_s};
        QTest::newRow("email without from") << u"email"_s << smtp << QJsonObject{} << QString() << qint64(10'000)
                                            << QStringList{u"option 'from'"_s, u"missing"_s, u"e.g."_s};
        QTest::newRow("email from not an address") << u"email"_s << smtp << QJsonObject{{u"from"_s, u"ops at example"_s}} << QString()
                                                   << qint64(10'000) << QStringList{u"option 'from'"_s, u"not an email address"_s};
        QTest::newRow("email bool option as text")
            << u"email"_s << smtp << QJsonObject{{u"from"_s, u"ops@example.org"_s}, {u"insecure_skip_verify"_s, u"yes"_s}} << QString()
            << qint64(10'000) << QStringList{u"option 'insecure_skip_verify'"_s, u"true or false"_s};
        QTest::newRow("email user without password") << u"email"_s << smtp << QJsonObject{{u"from"_s, u"ops@example.org"_s}, {u"user"_s, u"ops"_s}}
                                                     << QString() << qint64(10'000)
                                                     << QStringList{u"secretRef"_s, u"missing"_s, u"password"_s};
        QTest::newRow("email password without user") << u"email"_s << smtp << from << u"env:SMTP_PASSWORD"_s << qint64(10'000)
                                                     << QStringList{u"option 'user'"_s, u"missing"_s};
    }
    void shouldRefuseNamingChannelFieldProblemAndFix()
    {
        QFETCH(QString, kind);
        QFETCH(QString, url);
        QFETCH(QJsonObject, options);
        QFETCH(QString, secretRef);
        QFETCH(qint64, timeoutMs);
        QFETCH(QStringList, expected);
        const ChannelConfig c = config(kind, url, options, secretRef, timeoutMs);
        const Status s = c.validate();
        QVERIFY(!s.ok());
        QCOMPARE(s.error().kind, Error::Kind::BadInput);
        const QString message = s.errorString();
        QVERIFY2(message.contains(u'\'' + c.name + u'\''), qPrintable(message));
        for (const QString &fragment : expected)
            QVERIFY2(message.contains(fragment), qPrintable(u"'%1' not in: %2"_s.arg(fragment, message)));
    }

    void shouldNotEchoASecretPastedInsteadOfAReference()
    {
        const QString pasted = u"sk_live_51HxQz9fakeSecret"_s;
        const Status s = config(u"webhook"_s, u"https://h.example.org"_s, {}, pasted).validate();
        QVERIFY(!s.ok());
        QVERIFY2(!s.errorString().contains(pasted), qPrintable(s.errorString()));
        QVERIFY(s.errorString().contains(u"never the secret itself"_s));
    }

    void shouldRefuseABadChannelName()
    {
        ChannelConfig c = config(u"outbox"_s, {});
        c.name = u"has space"_s;
        const Status s = c.validate();
        QVERIFY(!s.ok());
        QVERIFY2(s.errorString().contains(u"'has space'"_s), qPrintable(s.errorString()));
    }
};

QTEST_GUILESS_MAIN(tst_ChannelConfig)
#include "tst_channelconfig.moc"
