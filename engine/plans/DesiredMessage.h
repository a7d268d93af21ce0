#pragma once

#include "PlanIdentity.h"
#include "PlanSpec.h"
#include "model/Message.h"

#include <QByteArray>
#include <QString>

namespace herald {

// One message a plan implies for an event (PlanDerivation::derive): what should exist in the queue.
//
// The payload is what the delivery's templates render (channels/TemplateRenderer.h):
//   subject / text / html   the rule's template for the recipient's locale
//   locale                  the template's locale ("es"; "es-MX" falls back to "es", then "en", then
//                           the plan's first)
//   event                   {id, name, timezone, venue, start, end, start_date, start_time, end_date,
//                            end_time, data}: times on the event's clock (2026-03-08T10:00:00-04:00,
//                            2026-03-08, 10:00)
//   session                 session-anchored and session notices: {id, title, the same times,
//                            speaker {id, name, first_name, last_name}, data}
//   attendee                the recipient, attendee or speaker: {id, name, first_name, last_name,
//                            locale, data}; no contact details (the address is the message's recipient)
//   change                  change notices: {kind, old, new} (+ session for a session's time change)
// It is kept as the bytes stored: compact JSON, keys in order, exactly as QJsonDocument writes the object.
struct DesiredMessage
{
    PlanIdentity id;
    QString identity; // id.toString()
    PlanRule::Kind kind = PlanRule::Kind::Time; // Change: a change notice, run at once
    QString queue;
    QString channel;
    QString type;
    int priority = kDefaultPriority;
    qint64 runAt = 0;
    QString recipient; // the address for the channel's kind; empty when skipReason says why
    QString locale;
    QByteArray payload;
    // Why this message cannot be created although the plan implies it ("attendee a7 has no phone
    // number"); empty when it can.
    QString skipReason;
    // Change notices: the change for a person ("venue \"Hall A\" → \"Hall B\"").
    QString changeText;

    // Over everything a delivery uses except the time (queue, channel, type, priority, recipient,
    // payload): a stored record whose hash differs needs its content updated. Set by hashContent(),
    // which derive calls once per message.
    QString contentHash;

    // Sets contentHash from the fields above; call it again after changing them. SHA-1 over the compact
    // JSON of {channel, payload, priority, queue, recipient, type}, as records written by earlier
    // versions hold it, written around the payload's bytes instead of serialising the payload again.
    void hashContent();
    // The message to enqueue, labelled plan, event, rule, person and (when anchored on one) session.
    NewMessage toNewMessage() const;
};

} // namespace herald
