#include "FailureFingerprint.h"

#include <QCryptographicHash>
#include <QRegularExpression>

namespace herald {

namespace {

constexpr qsizetype kMaxFingerprintChars = 300;

// Replaces every match of re in text by what replacement(match) gives.
template<typename Replacement>
QString replaceEach(const QString &text, const QRegularExpression &re, Replacement replacement)
{
    QString out;
    out.reserve(text.size());
    qsizetype last = 0;
    for (auto it = re.globalMatch(text); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        out += QStringView(text).mid(last, m.capturedStart() - last);
        out += replacement(m);
        last = m.capturedEnd();
    }
    out += QStringView(text).mid(last);
    return out;
}

} // namespace

QString failureFingerprint(const QString &error)
{
    static const QRegularExpression url(QStringLiteral(R"(\b[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>]+)"));
    static const QRegularExpression email(QStringLiteral(R"([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})"));
    static const QRegularExpression uuid(QStringLiteral(R"(\b[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\b)"));
    static const QRegularExpression hexId(QStringLiteral(R"(\b(?=[0-9A-Fa-f]*[0-9])(?=[0-9A-Fa-f]*[A-Fa-f])[0-9A-Fa-f]{8,}\b)"));
    // An SMTP enhanced status code (kept), else a number (kept when it is an HTTP status).
    static const QRegularExpression number(QStringLiteral(R"(\b[245]\.[0-9]{1,3}\.[0-9]{1,3}\b|[0-9]+(?:[.,][0-9]+)*)"));
    static const QRegularExpression space(QStringLiteral(R"(\s+)"));
    static const QRegularExpression statusBefore(QStringLiteral(R"((?:^\W*|\b(?:http(?:/[0-9.]+)?|status|code|smtp|error|reply|response)\W*)$)"),
                                                 QRegularExpression::CaseInsensitiveOption);

    QString text = error.trimmed();
    if (text.isEmpty())
        return QStringLiteral("(no error text)");
    text.replace(url, QStringLiteral("<url>"));
    text.replace(email, QStringLiteral("<email>"));
    text.replace(uuid, QStringLiteral("<id>"));
    text.replace(hexId, QStringLiteral("<id>"));
    text = replaceEach(text, number, [&text](const QRegularExpressionMatch &m) -> QString {
        const QString n = m.captured();
        if (n.count(QLatin1Char('.')) == 2 && n.size() <= 9 && QStringLiteral("245").contains(n.front()))
            return n; // 5.1.1
        // A status (HTTP, SMTP): three digits from 100 to 599, at the start or after a word that says so.
        bool ok = false;
        const int value = n.toInt(&ok);
        const qsizetype end = m.capturedEnd();
        if (ok && n.size() == 3 && value >= 100 && value <= 599 && (end == text.size() || !text.at(end).isLetterOrNumber()) &&
            statusBefore.match(QStringView(text).left(m.capturedStart())).hasMatch())
            return n;
        return QStringLiteral("<n>");
    });
    text.replace(space, QStringLiteral(" "));
    if (text.size() > kMaxFingerprintChars)
        text = text.left(kMaxFingerprintChars) + QStringLiteral("…");
    return text;
}

QString failureGroupId(const QString &fingerprint)
{
    return QString::fromLatin1(QCryptographicHash::hash(fingerprint.toUtf8(), QCryptographicHash::Sha1).toHex().left(12));
}

bool isFailureGroupId(const QString &text)
{
    static const QRegularExpression id(QStringLiteral("^[0-9a-f]{12}$"));
    return id.match(text).hasMatch();
}

} // namespace herald
