#include "DesiredMessage.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace herald {

namespace {

// Appends text as QJsonDocument's compact form writes a JSON string. Names, types and phone numbers
// are printable ASCII, which it writes as they are; anything else goes through QJsonDocument itself,
// so that the bytes (and so the hashes of records already stored) stay exactly its own.
void appendJsonString(QByteArray &out, const QString &text)
{
    const bool plain = std::all_of(text.cbegin(), text.cend(), [](QChar c) {
        return c.unicode() >= 0x20 && c.unicode() < 0x7f && c != u'"' && c != u'\\';
    });
    if (plain) {
        out += '"';
        out += text.toLatin1();
        out += '"';
        return;
    }
    const QByteArray array = QJsonDocument(QJsonArray{text}).toJson(QJsonDocument::Compact);
    out += QByteArrayView(array).sliced(1, array.size() - 2);
}

} // namespace

void DesiredMessage::hashContent()
{
    // The object {channel, payload, priority, queue, recipient, type} as QJsonDocument's compact form
    // writes it (keys in QJsonObject's sorted order), around the payload's bytes.
    QByteArray content;
    content.reserve(payload.size() + channel.size() + queue.size() + recipient.size() + type.size() + 80);
    content += "{\"channel\":";
    appendJsonString(content, channel);
    content += ",\"payload\":";
    content += payload;
    content += ",\"priority\":";
    content += QByteArray::number(priority);
    content += ",\"queue\":";
    appendJsonString(content, queue);
    content += ",\"recipient\":";
    appendJsonString(content, recipient);
    content += ",\"type\":";
    appendJsonString(content, type);
    content += '}';
    contentHash = QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha1).toHex());
}

NewMessage DesiredMessage::toNewMessage() const
{
    NewMessage m;
    m.queue = queue;
    m.type = type;
    m.channel = channel;
    m.recipient = recipient;
    m.payload = payload;
    m.priority = priority;
    m.runAt = runAt;
    m.labels.insert(QStringLiteral("plan"), id.plan);
    m.labels.insert(QStringLiteral("event"), id.event);
    m.labels.insert(QStringLiteral("rule"), id.type);
    m.labels.insert(QStringLiteral("person"), id.person);
    if (!id.session.isEmpty())
        m.labels.insert(QStringLiteral("session"), id.session);
    return m;
}

} // namespace herald
