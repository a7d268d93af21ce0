#include "SesEvent.h"

#include <QDateTime>
#include <QJsonArray>

namespace herald {

namespace {

QString text(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isDouble())
        return QString::number(v.toDouble());
    return {};
}

// The key of the type's own object: "Rendering Failure" → failure, DeliveryDelay → deliveryDelay.
QString detailKey(const QString &sesType)
{
    if (sesType == QLatin1String("Rendering Failure"))
        return QStringLiteral("failure");
    QString key = sesType;
    key.remove(QLatin1Char(' '));
    if (!key.isEmpty())
        key[0] = key[0].toLower();
    return key;
}

QString canonicalType(const QString &sesType)
{
    static const QList<std::pair<QString, QString>> known{
        {QStringLiteral("Send"), EmailEventType::Send},
        {QStringLiteral("Delivery"), EmailEventType::Delivery},
        {QStringLiteral("Bounce"), EmailEventType::Bounce},
        {QStringLiteral("Complaint"), EmailEventType::Complaint},
        {QStringLiteral("Reject"), EmailEventType::Reject},
        {QStringLiteral("Open"), EmailEventType::Open},
        {QStringLiteral("Click"), EmailEventType::Click},
        {QStringLiteral("Rendering Failure"), EmailEventType::RenderingFailure},
        {QStringLiteral("RenderingFailure"), EmailEventType::RenderingFailure},
        {QStringLiteral("DeliveryDelay"), EmailEventType::DeliveryDelay},
        {QStringLiteral("Subscription"), EmailEventType::Subscription},
    };
    for (const auto &[ses, ours] : known)
        if (sesType.compare(ses, Qt::CaseInsensitive) == 0)
            return ours;
    QString name = sesType.trimmed().toLower();
    name.replace(QLatin1Char(' '), QLatin1Char('_'));
    return name.left(64);
}

QString headerMessageId(const QJsonObject &mail)
{
    const QString common = text(mail.value(QLatin1String("commonHeaders")).toObject().value(QLatin1String("messageId")));
    if (!common.isEmpty())
        return common;
    for (const QJsonValue &h : mail.value(QLatin1String("headers")).toArray()) {
        const QJsonObject header = h.toObject();
        if (text(header.value(QLatin1String("name"))).compare(QLatin1String("Message-ID"), Qt::CaseInsensitive) == 0)
            return text(header.value(QLatin1String("value")));
    }
    return {};
}

} // namespace

bool SesEvent::looksLikeSesEvent(const QJsonObject &o)
{
    return o.value(QLatin1String("eventType")).isString() || o.value(QLatin1String("notificationType")).isString();
}

std::optional<qint64> SesEvent::parseTime(const QJsonValue &value)
{
    if (value.isObject()) {
        // mongoexport: {"$date": "2022-01-18T15:46:35.135Z"}, {"$date": 1642520795135} or {"$date": {"$numberLong": "…"}}.
        const QJsonValue date = value.toObject().value(QLatin1String("$date"));
        if (date.isDouble())
            return qint64(date.toDouble());
        if (date.isObject()) {
            bool ok = false;
            const qint64 ms = date.toObject().value(QLatin1String("$numberLong")).toString().toLongLong(&ok);
            return ok ? std::optional<qint64>(ms) : std::nullopt;
        }
        return parseTime(date);
    }
    if (!value.isString())
        return std::nullopt;
    const QDateTime t = QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
    if (!t.isValid())
        return std::nullopt;
    return t.toMSecsSinceEpoch();
}

Result<SesEvent> SesEvent::parse(const QJsonObject &o, const QByteArray &raw, qint64 fallbackTime)
{
    SesEvent e;
    const bool publishing = o.value(QLatin1String("eventType")).isString();
    e.sesType = publishing ? o.value(QLatin1String("eventType")).toString() : o.value(QLatin1String("notificationType")).toString();
    if (e.sesType.trimmed().isEmpty())
        return Error::badInput(QStringLiteral("not an SES event: it has neither eventType nor notificationType"));
    e.eventType = canonicalType(e.sesType);
    const QJsonValue mailValue = o.value(QLatin1String("mail"));
    if (!mailValue.isUndefined() && !mailValue.isNull() && !mailValue.isObject())
        return Error::badInput(QStringLiteral("the SES %1 event's mail is not an object").arg(e.sesType.left(64)));
    const QJsonObject mail = mailValue.toObject();
    const QJsonObject detail = o.value(detailKey(e.sesType)).toObject();

    EmailEventRecord base;
    base.eventType = e.eventType;
    base.mailMessageId = text(mail.value(QLatin1String("messageId")));
    base.headerMessageId = headerMessageId(mail);
    if (base.headerMessageId == base.mailMessageId)
        base.headerMessageId.clear();
    base.raw = raw;
    base.occurredAt = parseTime(detail.value(QLatin1String("timestamp")))
                          .value_or(parseTime(mail.value(QLatin1String("timestamp"))).value_or(fallbackTime));

    struct Recipient
    {
        QString address;
        QString action;
        QString status;
        QString diagnostic;
    };
    QList<Recipient> recipients;
    const auto fromObjects = [&recipients](const QJsonValue &list) {
        for (const QJsonValue &r : list.toArray()) {
            const QJsonObject ro = r.toObject();
            recipients << Recipient{r.isString() ? r.toString() : text(ro.value(QLatin1String("emailAddress"))),
                                    text(ro.value(QLatin1String("action"))), text(ro.value(QLatin1String("status"))),
                                    text(ro.value(QLatin1String("diagnosticCode")))};
        }
    };

    if (e.eventType == EmailEventType::Bounce) {
        base.bounceType = text(detail.value(QLatin1String("bounceType")));
        base.bounceSubType = text(detail.value(QLatin1String("bounceSubType")));
        if (base.bounceType == QLatin1String("Permanent"))
            base.subType = base.bounceSubType == QLatin1String("OnAccountSuppressionList") ? BounceClass::SuppressionList : BounceClass::Hard;
        else if (base.bounceType == QLatin1String("Transient"))
            base.subType = BounceClass::Soft;
        else
            base.subType = BounceClass::Undetermined;
        fromObjects(detail.value(QLatin1String("bouncedRecipients")));
    } else if (e.eventType == EmailEventType::Complaint) {
        base.complaintFeedbackType = text(detail.value(QLatin1String("complaintFeedbackType")));
        const QString sub = text(detail.value(QLatin1String("complaintSubType")));
        base.subType = !base.complaintFeedbackType.isEmpty() ? base.complaintFeedbackType : sub;
        fromObjects(detail.value(QLatin1String("complainedRecipients")));
    } else if (e.eventType == EmailEventType::Delivery) {
        fromObjects(detail.value(QLatin1String("recipients")));
    } else if (e.eventType == EmailEventType::DeliveryDelay) {
        base.subType = text(detail.value(QLatin1String("delayType")));
        fromObjects(detail.value(QLatin1String("delayedRecipients")));
    } else if (e.eventType == EmailEventType::Click) {
        base.clickLink = text(detail.value(QLatin1String("link")));
    } else if (e.eventType == EmailEventType::Reject) {
        base.subType = text(detail.value(QLatin1String("reason")));
    } else if (e.eventType == EmailEventType::Subscription) {
        base.subType = text(detail.value(QLatin1String("source")));
    } else if (e.eventType == EmailEventType::RenderingFailure) {
        base.subType = text(detail.value(QLatin1String("templateName")));
    }
    if (recipients.isEmpty())
        fromObjects(mail.value(QLatin1String("destination")));
    // An event no recipient can be read from is still kept, under an empty recipient.
    if (recipients.isEmpty())
        recipients << Recipient{};
    for (const Recipient &r : std::as_const(recipients)) {
        EmailEventRecord row = base;
        row.recipient = r.address.trimmed().toLower().left(320);
        row.action = r.action;
        row.status = r.status;
        row.diagnosticCode = r.diagnostic;
        e.rows << row;
    }
    return e;
}

} // namespace herald
