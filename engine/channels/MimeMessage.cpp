#include "MimeMessage.h"

#include <QLocale>
#include <QRegularExpression>
#include <QUuid>

namespace herald {

namespace {

bool isPlainAscii(const QString &text)
{
    for (const QChar c : text)
        if (c.unicode() < 0x20 || c.unicode() > 0x7e)
            return false;
    return true;
}

QByteArray base64Lines(const QByteArray &data)
{
    const QByteArray encoded = data.toBase64();
    QByteArray out;
    out.reserve(encoded.size() + encoded.size() / 76 * 2 + 2);
    for (qsizetype i = 0; i < encoded.size(); i += 76)
        out += encoded.mid(i, 76) + "\r\n";
    return out;
}

// Content lines end in CRLF on the wire; templates may have written either.
QByteArray canonicalLines(const QString &text)
{
    QString t = text;
    t.replace(QLatin1String("\r\n"), QLatin1String("\n")).replace(QLatin1Char('\r'), QLatin1Char('\n'));
    t.replace(QLatin1Char('\n'), QLatin1String("\r\n"));
    return t.toUtf8();
}

QByteArray part(const QByteArray &contentType, const QString &content)
{
    return "Content-Type: " + contentType + "; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" + base64Lines(canonicalLines(content));
}

} // namespace

QString MimeMessage::newMessageId()
{
    return QLatin1Char('<') + QUuid::createUuid().toString(QUuid::WithoutBraces) + QLatin1String("@herald>");
}

QByteArray MimeMessage::encodeHeaderText(const QString &text)
{
    QString oneLine = text;
    oneLine.replace(QRegularExpression(QStringLiteral("[\\r\\n\\t]+")), QStringLiteral(" "));
    // 900 leaves room for the header name within RFC 5322's 998-character line limit.
    if (isPlainAscii(oneLine) && oneLine.size() <= 900)
        return oneLine.toLatin1();

    // Encoded-words of at most 75 characters: 45 bytes of UTF-8 make 60 of base64, plus "=?UTF-8?B?" and
    // "?=". Words are cut between characters, never inside one.
    QByteArray out;
    QByteArray chunk;
    const auto flush = [&] {
        if (chunk.isEmpty())
            return;
        if (!out.isEmpty())
            out += "\r\n ";
        out += "=?UTF-8?B?" + chunk.toBase64() + "?=";
        chunk.clear();
    };
    for (qsizetype i = 0; i < oneLine.size();) {
        const qsizetype length = (oneLine.at(i).isHighSurrogate() && i + 1 < oneLine.size()) ? 2 : 1;
        const QByteArray character = oneLine.mid(i, length).toUtf8();
        if (chunk.size() + character.size() > 45)
            flush();
        chunk += character;
        i += length;
    }
    flush();
    return out;
}

QByteArray MimeMessage::formatAddress(const EmailAddress &address)
{
    const QByteArray addr = '<' + address.address.toUtf8() + '>';
    if (address.displayName.isEmpty())
        return addr;
    if (!isPlainAscii(address.displayName))
        return encodeHeaderText(address.displayName) + ' ' + addr;
    static const QRegularExpression specials(QStringLiteral(R"re([()<>\[\]:;@\\,."])re"));
    if (!address.displayName.contains(specials))
        return address.displayName.toLatin1() + ' ' + addr;
    QString quoted = address.displayName;
    quoted.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('"'), QLatin1String("\\\""));
    return '"' + quoted.toLatin1() + "\" " + addr;
}

QByteArray MimeMessage::toBytes() const
{
    QByteArray out;
    out += "Date: " + QLocale::c().toString(date.toUTC(), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss")).toLatin1() + " +0000\r\n";
    out += "From: " + formatAddress(from) + "\r\n";
    out += "To: <" + to.toUtf8() + ">\r\n";
    if (replyTo)
        out += "Reply-To: " + formatAddress(*replyTo) + "\r\n";
    out += "Subject: " + encodeHeaderText(subject) + "\r\n";
    out += "Message-ID: " + messageId.toLatin1() + "\r\n";
    out += "MIME-Version: 1.0\r\n";

    const bool hasText = !text.isEmpty();
    const bool hasHtml = !html.isEmpty();
    if (hasText && hasHtml) {
        const QByteArray boundary = "=_herald_" + QUuid::createUuid().toString(QUuid::Id128).toLatin1();
        out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
        out += "This is a multi-part message in MIME format.\r\n";
        // Plain text first: RFC 2046 orders alternatives from the simplest to the richest.
        out += "--" + boundary + "\r\n" + part("text/plain", text);
        out += "--" + boundary + "\r\n" + part("text/html", html);
        out += "--" + boundary + "--\r\n";
    } else if (hasHtml) {
        out += part("text/html", html);
    } else {
        out += part("text/plain", text);
    }
    return out;
}

} // namespace herald
