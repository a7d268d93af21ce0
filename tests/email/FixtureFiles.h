#pragma once

// The SES and SNS samples of tests/fixtures/ses (see SOURCES.md there), read at test time.
#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

namespace herald::fixtures {

inline QString folder()
{
    return QStringLiteral(HERALD_SES_FIXTURES);
}

inline QString path(const QString &name)
{
    return QDir(folder()).filePath(name);
}

inline QByteArray bytes(const QString &name)
{
    QFile f(path(name));
    if (!f.open(QIODevice::ReadOnly))
        qFatal("fixture %s is missing", qPrintable(f.fileName()));
    return f.readAll();
}

inline QJsonObject object(const QString &name)
{
    return QJsonDocument::fromJson(bytes(name)).object();
}

inline const QString kCertificate = QStringLiteral("sns_test_signing_cert_7ff5318490ec183fbaddaa2a969abfda.pem");
// The name SNS gives the same certificate in SigningCertURL.
inline const QString kCertificateUrlName = QStringLiteral("SimpleNotificationService-7ff5318490ec183fbaddaa2a969abfda.pem");

} // namespace herald::fixtures
