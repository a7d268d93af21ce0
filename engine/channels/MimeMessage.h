#pragma once

#include "model/EmailAddress.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <optional>

namespace herald {

// One outgoing email as RFC 5322 bytes: Date, From, To, Reply-To, Subject (RFC 2047 encoded when not
// plain ASCII), Message-ID, then a multipart/alternative text + HTML body, or a single part when only
// one is given. Parts are UTF-8 in base64, which keeps every line short and no line starting with '.'.
class MimeMessage
{
public:
    EmailAddress from;
    QString to;
    std::optional<EmailAddress> replyTo;
    QString subject;
    QString text;
    QString html;
    QString messageId; // "<…@herald>", see newMessageId()
    QDateTime date = QDateTime::currentDateTimeUtc();

    QByteArray toBytes() const;

    // "<uuid@herald>": unique, and recognisably ours when it comes back in bounces and SES events.
    static QString newMessageId();
    // As is when printable ASCII that fits a line; otherwise RFC 2047 encoded-words, folded.
    // Line breaks become spaces: a header value must never start a new header.
    static QByteArray encodeHeaderText(const QString &text);
    // "Name <local@domain>", the name quoted or encoded as needed.
    static QByteArray formatAddress(const EmailAddress &address);
};

} // namespace herald
