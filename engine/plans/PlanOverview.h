#pragma once

#include "EventSpec.h"
#include "model/Result.h"
#include "model/StoredPlan.h"

#include <QList>
#include <QString>

#include <optional>

namespace herald {

class Store;

// What the console's Plans section shows (DESIGN §11): the applied events with their times, and one
// event's derived messages with what each identity says (rule, person, session). Read-only; runs in the
// thread that owns the store.

// An applied event: its summary (counts by state) and the times of its last applied snapshot.
struct PlanEventOverview
{
    PlanEventSummary summary;
    QString timezone; // empty when the snapshot cannot be read
    qint64 startMs = 0;
    qint64 endMs = 0;
    int attendees = 0;
    int sessions = 0;
};

// A derived message, its identity taken apart.
struct PlanTimelineMessage
{
    QString identity;
    qint64 messageId = 0;            // 0: cleanup removed it
    std::optional<MessageState> state; // nullopt: removed
    qint64 runAt = 0;
    bool cancelledByPlan = false;
    QString type;   // the rule's message type
    QString person; // the recipient's id
    QString personName;
    QString session; // empty: anchored on the event or the registration
    bool notice = false;
};

struct PlanEventDetail
{
    AppliedEvent event;
    std::optional<EventSpec> spec; // the last applied snapshot; nullopt when it cannot be read
    QList<PlanTimelineMessage> messages; // by run time, then identity
};

// Newest applied first, as Store::planEvents().
Result<QList<PlanEventOverview>> planEventOverviews(Store &store);
// notFound for an event no plan was applied to.
Result<PlanEventDetail> planEventDetail(Store &store, const QString &eventId);

} // namespace herald
