#pragma once

#include "DesiredMessage.h"
#include "EventSpec.h"
#include "PlanSpec.h"
#include "model/ChannelConfig.h"
#include "model/Result.h"

#include <QHash>
#include <QList>
#include <QString>

#include <optional>

namespace herald {

// What a plan implies for an event at one moment (DESIGN §11): the messages that should exist. Pure:
// no store, no clock (now is given), any thread may call; PlanDiff::reconcile compares the result with
// what earlier applies created.
//
// - A draft event implies nothing. A cancelled one implies only its cancellation notices.
// - Time rules give one message per anchor instance (the event, each session, each attendee's
//   registration) and recipient, at anchor + offset, or at local_time on the anchor's day + day_offset
//   on the event's clock (20:00 the night before stays 20:00 local across a daylight-saving change).
//   `registration` is registrationTimes[attendee id], else now: an attendee new in this apply
//   registers now. The store gives the time each attendee was first seen in an apply while the event
//   was active (not while a draft: their confirmation would be past, hence skipped, on publication).
// - Change rules compare the event with previous, the event as last applied while it was active (what
//   recipients were told); without one, or when either side is not active, there is nothing to notify,
//   except a cancellation (previous active, now cancelled). Notices run at now. A notice about an
//   event that had ended on both sides is skipped. A notice's identity holds what changed and
//   previousAppliedAt (when previous was applied, i.e. told): the same change made again later
//   (A → B → A → B) is told again, while one change seen twice (re-applied, undone and redone, a
//   cancelled event applied again) is told once.
// - The recipient's address is chosen by the channel's kind: sms → phone, email → email, push →
//   push_token, webhook and outbox → the person's id. A channel name that is a kind ("sms") is that
//   kind; any other must be in channelKinds (the store's configured channels), else derive fails. A
//   person without a usable address is kept with skipReason ("attendee a7 has no phone number").
struct PlanDerivation
{
    PlanSpec plan;
    EventSpec event;
    qint64 nowMs = 0;
    // Time rules in plan order (each: by anchor instance, then recipient in event order), then notices.
    QList<DesiredMessage> messages;

    static Result<PlanDerivation> derive(const PlanSpec &planSpec, const EventSpec &eventSpec, qint64 now,
                                         const QHash<QString, qint64> &registrationTimes,
                                         const std::optional<EventSpec> &previous = std::nullopt, qint64 previousAppliedAt = 0,
                                         const QHash<QString, ChannelConfig::Kind> &channelKinds = {});
};

} // namespace herald
