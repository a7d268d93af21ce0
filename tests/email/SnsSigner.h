#pragma once

// Signs SNS envelopes the way SNS does, with a key and certificate made by the openssl command at
// test time, so the listener and the importer can be given SES events that verify. (The published
// signed samples carry "Hello world", not SES events.)
#include "email/SnsMessage.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

namespace herald {

class SnsSigner
{
public:
    static constexpr const char *kCertificateName = "SimpleNotificationService-heraldtest0000000000000000000.pem";

    // Empty when ready; otherwise what failed.
    QString start()
    {
        if (!m_dir.isValid())
            return QStringLiteral("no temporary directory");
        QProcess p;
        p.start(QStringLiteral("openssl"), {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                                            QStringLiteral("-nodes"), QStringLiteral("-keyout"), keyPath(), QStringLiteral("-out"),
                                            certificatePath(), QStringLiteral("-subj"), QStringLiteral("/CN=sns.amazonaws.com"),
                                            QStringLiteral("-days"), QStringLiteral("2")});
        if (!p.waitForFinished(60'000) || p.exitCode() != 0)
            return QStringLiteral("openssl req failed (install openssl): %1").arg(QString::fromUtf8(p.readAllStandardError()));
        return {};
    }

    QString keyPath() const { return m_dir.filePath(QStringLiteral("key.pem")); }
    QString certificatePath() const { return m_dir.filePath(QString::fromLatin1(kCertificateName)); }
    QString folder() const { return m_dir.path(); }
    QByteArray certificate() const
    {
        QFile f(certificatePath());
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }
    static QString certificateUrl() { return QStringLiteral("https://sns.us-east-1.amazonaws.com/") + QString::fromLatin1(kCertificateName); }

    // A Notification of topic carrying message, signed with SignatureVersion version.
    QJsonObject notification(const QString &topic, const QString &messageId, const QByteArray &message, const QString &version = QStringLiteral("2"))
    {
        SnsMessage m;
        m.type = SnsMessage::Type::Notification;
        m.messageId = messageId;
        m.topicArn = topic;
        m.message = QString::fromUtf8(message);
        m.timestamp = QStringLiteral("2027-01-15T07:59:58.123Z");
        m.signatureVersion = version;
        m.signingCertUrl = certificateUrl();
        m.signature = sign(m.stringToSign(), version);
        return QJsonObject{{QStringLiteral("Type"), QStringLiteral("Notification")},
                           {QStringLiteral("MessageId"), m.messageId},
                           {QStringLiteral("TopicArn"), m.topicArn},
                           {QStringLiteral("Message"), m.message},
                           {QStringLiteral("Timestamp"), m.timestamp},
                           {QStringLiteral("SignatureVersion"), m.signatureVersion},
                           {QStringLiteral("Signature"), m.signature},
                           {QStringLiteral("SigningCertURL"), m.signingCertUrl},
                           {QStringLiteral("UnsubscribeURL"), QStringLiteral("https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe")}};
    }

    QString sign(const QByteArray &data, const QString &version) const
    {
        QProcess p;
        p.start(QStringLiteral("openssl"), {QStringLiteral("dgst"), version == QLatin1String("1") ? QStringLiteral("-sha1") : QStringLiteral("-sha256"),
                                            QStringLiteral("-sign"), keyPath()});
        if (!p.waitForStarted())
            return {};
        p.write(data);
        p.closeWriteChannel();
        if (!p.waitForFinished(30'000))
            return {};
        return QString::fromLatin1(p.readAllStandardOutput().toBase64());
    }

private:
    QTemporaryDir m_dir;
};

} // namespace herald
