#include "PlanApply.h"

#include "store/Store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace herald {

namespace {

DerivedRecord::State recordState(const PlanMessageRecord &r)
{
    if (!r.state) // the message is gone: cleanup removes only finished ones
        return r.cancelledByPlan ? DerivedRecord::State::Cancelled : DerivedRecord::State::Sent;
    switch (*r.state) {
    case MessageState::Scheduled:
    case MessageState::Waiting: return DerivedRecord::State::Pending;
    case MessageState::Active:
    case MessageState::Completed: return DerivedRecord::State::Sent;
    case MessageState::Failed: return DerivedRecord::State::Failed;
    case MessageState::Cancelled: return DerivedRecord::State::Cancelled;
    }
    return DerivedRecord::State::Sent;
}

// Writes the apply and completes its report with what the write found.
Result<PlanApplyReport> written(Store &store, const PlanApplyWrite &w, PlanApplyReport report)
{
    auto result = store.writePlanApply(w);
    if (!result)
        return result.error();
    report.auditId = result->auditId;
    report.changedMeanwhile = result->changedMeanwhile;
    return report;
}

Status checkPreview(const QString &eventId, qint64 basedOn, std::optional<qint64> expected)
{
    if (!expected || *expected == basedOn)
        return {};
    return Error::refused(QStringLiteral("event %1 was applied or forgotten since the preview; nothing was written: preview it again").arg(eventId));
}

} // namespace

Result<PlanApplyReport> applyEventPlan(Store &store, const QString &planName, const QByteArray &eventJson, const QString &source, bool dryRun,
                                       const QString &actor, std::optional<qint64> expectedAppliedAt)
{
    auto event = EventSpec::parse(eventJson, source);
    if (!event)
        return event.error();
    auto stored = store.plan(planName);
    if (!stored)
        return stored.error();
    auto plan = PlanSpec::parse(stored->definition, QStringLiteral("plan '%1' in the store").arg(planName));
    if (!plan)
        return plan.error();
    auto applied = store.appliedEvent(event->id);
    if (!applied)
        return applied.error();
    const qint64 basedOn = *applied ? (*applied)->appliedAt : 0;
    if (auto s = checkPreview(event->id, basedOn, expectedAppliedAt); !s)
        return s.error();
    if (*applied && (*applied)->plan != planName)
        return Error::badInput(QStringLiteral("event %1 was applied with plan '%2'; apply it with --plan %2").arg(event->id, (*applied)->plan));
    std::optional<EventSpec> previous;
    qint64 toldAt = 0;
    QHash<QString, qint64> firstSeen;
    if (*applied) {
        firstSeen = (*applied)->firstSeen;
        if (!(*applied)->activeSnapshot.isEmpty()) {
            auto before = EventSpec::parseSnapshot((*applied)->activeSnapshot, QStringLiteral("event %1 as last applied").arg(event->id), &toldAt);
            if (!before)
                return before.error();
            previous = *before;
        }
    }
    auto channels = store.channels();
    if (!channels)
        return channels.error();
    QHash<QString, ChannelConfig::Kind> kinds;
    for (const ChannelConfig &c : std::as_const(*channels))
        kinds.insert(c.name, c.kind);
    const qint64 now = store.now();
    auto derivation = PlanDerivation::derive(*plan, *event, now, firstSeen, previous, toldAt, kinds);
    if (!derivation)
        return derivation.error();
    auto records = store.planRecords(event->id);
    if (!records)
        return records.error();
    QList<DerivedRecord> existing;
    for (const PlanMessageRecord &r : std::as_const(*records)) {
        DerivedRecord d;
        d.identity = r.identity;
        d.messageId = r.messageId;
        d.state = recordState(r);
        d.runAt = r.runAt;
        d.contentHash = r.contentHash;
        d.cancelledByPlan = r.cancelledByPlan;
        existing << d;
    }
    PlanApplyReport report;
    report.dryRun = dryRun;
    report.basedOnAppliedAt = basedOn;
    report.diff = PlanDiff::reconcile(*derivation, existing);
    if (dryRun)
        return report;

    PlanApplyWrite w;
    w.eventId = event->id;
    w.plan = planName;
    w.name = event->name;
    w.status = EventSpec::statusName(event->status);
    w.active = event->status == EventSpec::Status::Active;
    w.snapshot = event->toSnapshot(now);
    w.actor = actor;
    w.expectedAppliedAt = basedOn;
    if (w.active)
        for (const QList<EventPerson> *people : {&event->attendees, &event->speakers})
            for (const EventPerson &p : *people)
                if (!firstSeen.contains(p.id))
                    w.newPeople.insert(p.id, now);
    for (const QList<PlanDiffEntry> *list : {&report.diff.created, &report.diff.notified})
        for (const PlanDiffEntry &e : *list)
            if (e.message)
                w.creates << PlanApplyWrite::Create{e.identity, e.message->toNewMessage(), e.message->contentHash};
    for (const QList<PlanDiffEntry> *list : {&report.diff.moved, &report.diff.updated})
        for (const PlanDiffEntry &e : *list)
            if (e.message && e.messageId != 0)
                w.changes << PlanApplyWrite::Change{e.identity, e.messageId, e.message->toNewMessage(), e.message->contentHash};
    for (const PlanDiffEntry &e : std::as_const(report.diff.cancelled))
        if (e.messageId != 0)
            w.cancels << PlanApplyWrite::Cancel{e.identity, e.messageId, QStringLiteral("plan %1: %2").arg(planName, e.reason)};
    QJsonObject counts;
    counts.insert(QStringLiteral("created"), report.diff.created.size());
    counts.insert(QStringLiteral("moved"), report.diff.moved.size());
    counts.insert(QStringLiteral("updated"), report.diff.updated.size());
    counts.insert(QStringLiteral("cancelled"), report.diff.cancelled.size());
    counts.insert(QStringLiteral("notified"), report.diff.notified.size());
    counts.insert(QStringLiteral("skipped"), report.diff.skipped.size());
    w.auditDetails = QJsonDocument(QJsonObject{{QStringLiteral("event"), event->id}, {QStringLiteral("status"), w.status}, {QStringLiteral("counts"), counts}})
                         .toJson(QJsonDocument::Compact);
    return written(store, w, std::move(report));
}

Result<PlanApplyReport> forgetEvent(Store &store, const QString &eventId, bool dryRun, const QString &actor, std::optional<qint64> expectedAppliedAt)
{
    auto applied = store.appliedEvent(eventId);
    if (!applied)
        return applied.error();
    if (!*applied)
        return Error::notFound(QStringLiteral("no plan was applied to event %1; see `heraldctl plan events`").arg(eventId));
    if (auto s = checkPreview(eventId, (*applied)->appliedAt, expectedAppliedAt); !s)
        return s.error();
    auto records = store.planRecords(eventId);
    if (!records)
        return records.error();
    PlanApplyReport report;
    report.dryRun = dryRun;
    report.basedOnAppliedAt = (*applied)->appliedAt;
    PlanApplyWrite w;
    w.eventId = eventId;
    w.plan = (*applied)->plan;
    w.name = (*applied)->name;
    w.status = QStringLiteral("forgotten");
    w.snapshot = (*applied)->snapshot;
    w.actor = actor;
    w.auditAction = QStringLiteral("plan.forget");
    w.expectedAppliedAt = (*applied)->appliedAt;
    const QString reason = QStringLiteral("plan %1: event %2 forgotten").arg(w.plan, eventId);
    for (const PlanMessageRecord &r : std::as_const(*records)) {
        PlanDiffEntry e;
        e.identity = r.identity;
        e.messageId = r.messageId;
        e.runAt = r.runAt;
        if (r.state && (*r.state == MessageState::Scheduled || *r.state == MessageState::Waiting)) {
            e.reason = QStringLiteral("event %1 forgotten").arg(eventId);
            report.diff.cancelled << e;
            w.cancels << PlanApplyWrite::Cancel{r.identity, r.messageId, reason};
        } else {
            e.state = r.state ? stateName(*r.state) : QStringLiteral("removed");
            report.diff.unchanged << e;
        }
    }
    if (dryRun)
        return report;
    w.auditDetails = QJsonDocument(QJsonObject{{QStringLiteral("event"), eventId}, {QStringLiteral("cancelled"), report.diff.cancelled.size()}})
                         .toJson(QJsonDocument::Compact);
    return written(store, w, std::move(report));
}

} // namespace herald
