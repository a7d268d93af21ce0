#include "DesiredMessage.h"

#include <QCryptographicHash>
#include <QJsonDocument>

namespace herald {

QString DesiredMessage::contentHash() const
{
    const QJsonObject content{{QStringLiteral("queue"), queue},     {QStringLiteral("channel"), channel},
                              {QStringLiteral("type"), type},       {QStringLiteral("priority"), priority},
                              {QStringLiteral("recipient"), recipient}, {QStringLiteral("payload"), payload}};
    // QJsonObject keeps its keys sorted, so the same content always gives the same bytes.
    const QByteArray bytes = QJsonDocument(content).toJson(QJsonDocument::Compact);
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha1).toHex());
}

NewMessage DesiredMessage::toNewMessage() const
{
    NewMessage m;
    m.queue = queue;
    m.type = type;
    m.channel = channel;
    m.recipient = recipient;
    m.payload = QJsonDocument(payload).toJson(QJsonDocument::Compact);
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
