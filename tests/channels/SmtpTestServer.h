#pragma once

// A real SMTP server for the email tests: Debian's python3-aiosmtpd (smtp_test_server.py) on 127.0.0.1, with a self-signed
// certificate made by the openssl command at start, STARTTLS (or implicit TLS) required, and AUTH that
// accepts one user and password. Each message it accepts comes back as one JSON line on its stdout,
// parsed by Python's email package, so the tests assert on headers and parts, not on bytes.
// Recipients starting with "nobody@" are refused with 550, "busy@" with 451; a message to "ses@…" is answered
// as Amazon SES answers, "250 Ok " and its own message id (kSesMessageId).
#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QProcess>
#include <QTemporaryDir>

namespace herald {

class SmtpTestServer : public QObject
{
    Q_OBJECT

public:
    enum class Tls { StartTls, Implicit };

    static constexpr const char *kSesMessageId = "0100018c5e2f7a1b-3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f-000000";

    // Debian's interpreter: the first python3 on PATH may not see Debian's packages.
    static constexpr const char *kPython = "/usr/bin/python3";

    ~SmtpTestServer() override
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    // Empty when running; otherwise what is missing and how to get it.
    // script: smtp_test_server.py, found with QFINDTESTDATA.
    QString start(const QString &script, Tls tls, const QString &user, const QString &password)
    {
        if (script.isEmpty())
            return QStringLiteral("smtp_test_server.py not found beside the test sources");
        if (!m_dir.isValid())
            return QStringLiteral("no temporary directory: %1").arg(m_dir.errorString());
        const QString error = makeCertificate();
        if (!error.isEmpty())
            return error;
        connect(&m_process, &QProcess::readyReadStandardOutput, this, &SmtpTestServer::readOutput);
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start(QString::fromLatin1(kPython),
                        {script, tls == Tls::StartTls ? QStringLiteral("starttls") : QStringLiteral("implicit"), certificate(),
                         m_dir.filePath(QStringLiteral("key.pem")), user, password});
        if (!m_process.waitForStarted(10'000))
            return QStringLiteral("cannot run %1: %2; install python3").arg(QLatin1String(kPython), m_process.errorString());
        // Blocks on the pipe (not a sleep) until the server says where it listens.
        while (m_port == 0) {
            if (!m_process.waitForReadyRead(20'000))
                return QStringLiteral("the SMTP test server did not start (%1); install python3-aiosmtpd. stderr: %2")
                    .arg(m_process.errorString(), QString::fromUtf8(m_process.readAllStandardError()));
            readOutput();
        }
        return {};
    }

    quint16 port() const { return m_port; }
    QString certificate() const { return m_dir.filePath(QStringLiteral("cert.pem")); }
    const QList<QJsonObject> &messages() const { return m_messages; }
    QString stderrText() { return QString::fromUtf8(m_process.readAllStandardError()); }

Q_SIGNALS:
    void messageReceived();

private:
    QString makeCertificate()
    {
        QProcess openssl;
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                       QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"), QStringLiteral("-days"), QStringLiteral("2"),
                       QStringLiteral("-subj"), QStringLiteral("/CN=localhost"), QStringLiteral("-addext"),
                       QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost"), QStringLiteral("-keyout"),
                       m_dir.filePath(QStringLiteral("key.pem")), QStringLiteral("-out"), certificate()});
        if (!openssl.waitForFinished(30'000) || openssl.exitStatus() != QProcess::NormalExit || openssl.exitCode() != 0)
            return QStringLiteral("openssl could not make a test certificate (%1); install openssl. %2")
                .arg(openssl.errorString(), QString::fromUtf8(openssl.readAllStandardError()));
        return {};
    }

    void readOutput()
    {
        m_stdout += m_process.readAllStandardOutput();
        qsizetype newline;
        while ((newline = m_stdout.indexOf('\n')) >= 0) {
            const QJsonObject line = QJsonDocument::fromJson(m_stdout.left(newline)).object();
            m_stdout.remove(0, newline + 1);
            const QString event = line.value(QLatin1String("event")).toString();
            if (event == QLatin1String("ready")) {
                m_port = static_cast<quint16>(line.value(QLatin1String("port")).toInt());
            } else if (event == QLatin1String("message")) {
                m_messages.append(line);
                Q_EMIT messageReceived();
            }
        }
    }


    QTemporaryDir m_dir;
    QProcess m_process;
    QByteArray m_stdout;
    quint16 m_port = 0;
    QList<QJsonObject> m_messages;
};

} // namespace herald
