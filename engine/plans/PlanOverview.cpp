#include "PlanOverview.h"

#include "PlanIdentity.h"
#include "store/Store.h"

#include <QHash>

#include <algorithm>

namespace herald {

namespace {

std::optional<EventSpec> snapshotOf(const AppliedEvent &event)
{
    if (event.snapshot.isEmpty())
        return std::nullopt;
    auto spec = EventSpec::parseSnapshot(event.snapshot, QStringLiteral("event %1 as last applied").arg(event.eventId));
    if (!spec)
        return std::nullopt;
    return *spec;
}

} // namespace

Result<QList<PlanEventOverview>> planEventOverviews(Store &store)
{
    auto summaries = store.planEvents();
    if (!summaries)
        return summaries.error();
    QList<PlanEventOverview> out;
    out.reserve(summaries->size());
    for (const PlanEventSummary &summary : std::as_const(*summaries)) {
        PlanEventOverview o;
        o.summary = summary;
        auto applied = store.appliedEvent(summary.eventId);
        if (!applied)
            return applied.error();
        if (*applied) {
            if (const std::optional<EventSpec> spec = snapshotOf(**applied)) {
                o.timezone = spec->timezone;
                o.startMs = spec->startMs;
                o.endMs = spec->endMs;
                o.attendees = int(spec->attendees.size());
                o.sessions = int(spec->sessions.size());
            }
        }
        out << o;
    }
    return out;
}

Result<PlanEventDetail> planEventDetail(Store &store, const QString &eventId)
{
    auto applied = store.appliedEvent(eventId);
    if (!applied)
        return applied.error();
    if (!*applied)
        return Error::notFound(QStringLiteral("no plan was applied to event %1; see `heraldctl plan events`").arg(eventId));
    auto records = store.planRecords(eventId);
    if (!records)
        return records.error();
    PlanEventDetail detail;
    detail.event = **applied;
    detail.spec = snapshotOf(detail.event);
    QHash<QString, QString> names;
    if (detail.spec)
        for (const QList<EventPerson> *people : {&detail.spec->attendees, &detail.spec->speakers})
            for (const EventPerson &p : *people)
                names.insert(p.id, p.displayName());
    detail.messages.reserve(records->size());
    for (const PlanMessageRecord &r : std::as_const(*records)) {
        PlanTimelineMessage m;
        m.identity = r.identity;
        m.messageId = r.messageId;
        m.state = r.state;
        m.runAt = r.runAt;
        m.cancelledByPlan = r.cancelledByPlan;
        if (const std::optional<PlanIdentity> id = PlanIdentity::parse(r.identity)) {
            m.type = id->type;
            m.person = id->person;
            m.session = id->session;
            m.notice = id->isNotice();
            m.personName = names.value(id->person);
        }
        detail.messages << m;
    }
    std::sort(detail.messages.begin(), detail.messages.end(), [](const PlanTimelineMessage &a, const PlanTimelineMessage &b) {
        return a.runAt != b.runAt ? a.runAt < b.runAt : a.identity < b.identity;
    });
    return detail;
}

} // namespace herald
