#pragma once

#include "EmailEvent.h"
#include "model/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace herald {

// One Amazon SES event, in either format SES publishes: notifications (notificationType: Bounce,
// Complaint, Delivery) and event publishing (eventType: Send, Delivery, Bounce, Complaint, Reject,
// Open, Click, Rendering Failure, DeliveryDelay, Subscription). Types and fields Herald does not
// know are kept: an unknown type becomes rows of that type, the raw JSON is stored whole.
struct SesEvent
{
    QString sesType;   // as SES wrote it, e.g. "Rendering Failure"
    QString eventType; // EmailEventType (or the unknown type's name, lower case, spaces as underscores)
    // One row per recipient, without snsMessageId, topicArn and source (the intake fills those in).
    QList<EmailEventRecord> rows;

    static bool looksLikeSesEvent(const QJsonObject &object);
    // raw: the JSON as received, stored with each row. fallbackTime: when the event carries no time.
    // BadInput only when the object is not an SES event at all (no type) or a field has a wrong shape
    // that makes it unreadable (mail that is not an object).
    static Result<SesEvent> parse(const QJsonObject &object, const QByteArray &raw, qint64 fallbackTime);

    // ISO 8601 with milliseconds (2017-08-05T00:41:02.669Z), or mongoexport's {"$date": …}; nullopt otherwise.
    static std::optional<qint64> parseTime(const QJsonValue &value);
};

} // namespace herald
