#include "Redaction.h"

#include <QRegularExpression>
#include <QUrl>

namespace herald {

QString redactPeerText(const QString &text, const QStringList &secrets, qsizetype maxChars)
{
    if (text.isEmpty()) // every success: nothing to do on the delivery path
        return text;
    QString out = text;
    for (const QString &secret : secrets) {
        // Very short values would blank out ordinary words; credentials are longer than this.
        if (secret.size() < 4)
            continue;
        const QByteArray utf8 = secret.toUtf8();
        const QStringList forms{secret, QString::fromLatin1(utf8.toBase64()), QString::fromLatin1(utf8.toBase64(QByteArray::OmitTrailingEquals)),
                                QString::fromLatin1(QUrl::toPercentEncoding(secret))};
        for (const QString &form : forms)
            if (form.size() >= 4)
                out.replace(form, QStringLiteral("[secret]"));
    }
    // An echoed request or SMTP dialogue: everything from the credential on may hold it in a form not
    // known here (AUTH PLAIN is base64 of user and password together), so it goes.
    static const QRegularExpression credential(
        // The schemes are matched as HTTP writes them (Bearer, Basic), so that "basic validation failed" stays.
        QStringLiteral("(?:proxy-)?authorization[\"']?\\s*[:=]|\\b(?-i:Bearer|Basic|Digest)\\s+[A-Za-z0-9._~+/=-]{6,}|"
                       "\\bAUTH\\s+(?:PLAIN|LOGIN|CRAM-MD5|XOAUTH2?)\\b|\\b(?:x-api-key|api[-_]?key|password|passwd)[\"']?\\s*[:=]"),
        QRegularExpression::CaseInsensitiveOption);
    if (const auto m = credential.match(out); m.hasMatch())
        out = out.left(m.capturedStart()) + QStringLiteral("[cut: may hold credentials]");
    if (maxChars > 0 && out.size() > maxChars)
        out = out.left(maxChars) + QStringLiteral("… [%1 more characters cut]").arg(out.size() - maxChars);
    return out;
}

} // namespace herald
