#include "SnsMessage.h"

namespace herald {

namespace {

// A field SNS always sends as a string; Null and absent are the same, anything else is malformed.
Result<QString> stringField(const QJsonObject &o, const QString &name, bool required)
{
    const QJsonValue v = o.value(name);
    if (v.isString())
        return v.toString();
    if ((v.isUndefined() || v.isNull()) && !required)
        return QString();
    if (v.isUndefined() || v.isNull())
        return Error::badInput(QStringLiteral("the SNS message has no %1").arg(name));
    return Error::badInput(QStringLiteral("the SNS field %1 is not a string").arg(name));
}

} // namespace

bool SnsMessage::looksLikeEnvelope(const QJsonObject &o)
{
    return o.contains(QLatin1String("Type")) && o.contains(QLatin1String("MessageId"));
}

QString SnsMessage::typeName(Type type)
{
    switch (type) {
    case Type::Notification: return QStringLiteral("Notification");
    case Type::SubscriptionConfirmation: return QStringLiteral("SubscriptionConfirmation");
    case Type::UnsubscribeConfirmation: return QStringLiteral("UnsubscribeConfirmation");
    }
    return {};
}

Result<SnsMessage> SnsMessage::fromJson(const QJsonObject &o)
{
    SnsMessage m;
    auto type = stringField(o, QStringLiteral("Type"), true);
    if (!type)
        return type.error();
    if (*type == QLatin1String("Notification"))
        m.type = Type::Notification;
    else if (*type == QLatin1String("SubscriptionConfirmation"))
        m.type = Type::SubscriptionConfirmation;
    else if (*type == QLatin1String("UnsubscribeConfirmation"))
        m.type = Type::UnsubscribeConfirmation;
    else
        return Error::badInput(QStringLiteral("the SNS message type '%1' is unknown; expected Notification, SubscriptionConfirmation "
                                              "or UnsubscribeConfirmation")
                                   .arg(type->left(80)));
    const bool confirmation = m.type != Type::Notification;
    struct Field
    {
        const char *name;
        QString *target;
        bool required;
    };
    const Field fields[] = {
        {"MessageId", &m.messageId, true},
        {"TopicArn", &m.topicArn, false}, // the old ses_event collection did not keep it; verification requires it
        {"Message", &m.message, true},
        {"Timestamp", &m.timestamp, true},
        {"SignatureVersion", &m.signatureVersion, false},
        {"Signature", &m.signature, false},
        {"SigningCertURL", &m.signingCertUrl, false},
        {"SubscribeURL", &m.subscribeUrl, confirmation},
        {"Token", &m.token, confirmation},
        {"UnsubscribeURL", &m.unsubscribeUrl, false},
    };
    for (const Field &f : fields) {
        auto v = stringField(o, QString::fromLatin1(f.name), f.required);
        if (!v)
            return v.error();
        *f.target = *v;
    }
    if (m.messageId.isEmpty())
        return Error::badInput(QStringLiteral("the SNS message has an empty MessageId"));
    auto subject = stringField(o, QStringLiteral("Subject"), false);
    if (!subject)
        return subject.error();
    m.hasSubject = o.value(QLatin1String("Subject")).isString();
    m.subject = *subject;
    return m;
}

QByteArray SnsMessage::stringToSign() const
{
    QByteArray out;
    const auto add = [&out](const char *name, const QString &value) {
        out += name;
        out += '\n';
        out += value.toUtf8();
        out += '\n';
    };
    add("Message", message);
    add("MessageId", messageId);
    if (type == Type::Notification) {
        if (hasSubject)
            add("Subject", subject);
        add("Timestamp", timestamp);
        add("TopicArn", topicArn);
        add("Type", typeName(type));
    } else {
        add("SubscribeURL", subscribeUrl);
        add("Timestamp", timestamp);
        add("Token", token);
        add("TopicArn", topicArn);
        add("Type", typeName(type));
    }
    return out;
}

} // namespace herald
