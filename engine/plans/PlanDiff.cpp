#include "PlanDiff.h"

#include "model/TimeText.h"

#include <QHash>
#include <QJsonArray>
#include <QSet>

#include <utility>

namespace herald {

namespace {

QString stateName(DerivedRecord::State state)
{
    switch (state) {
    case DerivedRecord::State::Pending: return QStringLiteral("pending");
    case DerivedRecord::State::Sent: return QStringLiteral("sent");
    case DerivedRecord::State::Failed: return QStringLiteral("failed");
    case DerivedRecord::State::Cancelled: return QStringLiteral("cancelled");
    }
    return {};
}

PlanDiffEntry entryFor(const DesiredMessage &m)
{
    PlanDiffEntry e;
    e.identity = m.identity;
    e.type = m.type;
    e.person = m.id.person;
    e.session = m.id.session;
    e.runAt = m.runAt;
    return e;
}

PlanDiffEntry entryFor(const DerivedRecord &r, const PlanIdentity &id)
{
    PlanDiffEntry e;
    e.identity = r.identity;
    e.type = id.type;
    e.person = id.person;
    e.session = id.session;
    e.messageId = r.messageId;
    e.runAt = r.runAt;
    return e;
}

// The event as reconcile looks it up, indexed once.
class EventIndex
{
public:
    explicit EventIndex(const EventSpec &event)
    {
        for (const EventPerson &p : event.attendees)
            m_people.insert(p.id, &p);
        for (const EventPerson &p : event.speakers)
            m_people.insert(p.id, &p);
        for (const EventSession &s : event.sessions)
            m_sessions.insert(s.id, &s);
    }
    const EventPerson *person(const QString &id) const { return m_people.value(id); }
    const EventSession *session(const QString &id) const { return m_sessions.value(id); }

private:
    QHash<QString, const EventPerson *> m_people;
    QHash<QString, const EventSession *> m_sessions;
};

// Why a pending record the derivation no longer implies is cancelled; empty: leave it (a notice).
QString whyNotImplied(const PlanDerivation &d, const EventIndex &index, const PlanIdentity &id)
{
    const PlanRule *rule = d.plan.rule(id.type);
    const QString event = QStringLiteral("event %1").arg(d.event.id);
    const QString ruleGone = QStringLiteral("rule '%1' is no longer in plan '%2'").arg(id.type, d.plan.name);
    if (id.isNotice() && rule && rule->kind == PlanRule::Kind::Change && rule->trigger == PlanRule::Trigger::Cancellation)
        return {}; // the cancellation notice itself, still on its way
    if (d.event.status == EventSpec::Status::Cancelled)
        return event + QStringLiteral(" cancelled");
    if (d.event.status == EventSpec::Status::Draft)
        return event + QStringLiteral(" is back to draft");
    if (id.isNotice())
        return rule && rule->kind == PlanRule::Kind::Change ? QString() : ruleGone;
    if (!rule || rule->kind != PlanRule::Kind::Time)
        return ruleGone;
    const EventSession *session = id.session.isEmpty() ? nullptr : index.session(id.session);
    if (!id.session.isEmpty() && !session)
        return QStringLiteral("session %1 dropped").arg(id.session);
    const bool toSpeaker = rule->audience == PlanRule::Audience::Speaker;
    const EventPerson *person = index.person(id.person);
    if (!person || (!toSpeaker && !person->isAttendee))
        return (toSpeaker ? QStringLiteral("speaker ") : QStringLiteral("attendee ")) + id.person + QStringLiteral(" removed");
    if (session && toSpeaker && session->speakerId != id.person)
        return QStringLiteral("%1 is no longer the speaker of session %2").arg(id.person, session->id);
    if (session && rule->audience == PlanRule::Audience::SessionAttendees && !person->sessions.contains(session->id))
        return QStringLiteral("attendee %1 no longer attends session %2").arg(id.person, session->id);
    return QStringLiteral("no longer implied by plan '%1' for %2").arg(d.plan.name, event);
}

QString who(const PlanDiffEntry &e)
{
    QString s = e.type + QStringLiteral(" for ") + e.person;
    if (!e.session.isEmpty())
        s += QStringLiteral(" (session %1)").arg(e.session);
    return s;
}

QJsonArray toArray(const QList<PlanDiffEntry> &entries)
{
    QJsonArray out;
    for (const PlanDiffEntry &e : entries)
        out.append(e.toJson());
    return out;
}

} // namespace

QJsonObject PlanDiffEntry::toJson() const
{
    QJsonObject o{{QStringLiteral("identity"), identity}, {QStringLiteral("type"), type}, {QStringLiteral("person"), person}};
    if (!session.isEmpty())
        o.insert(QStringLiteral("session"), session);
    if (messageId != 0)
        o.insert(QStringLiteral("message_id"), messageId);
    o.insert(QStringLiteral("run_at"), formatTimestamp(runAt));
    if (oldRunAt != 0) {
        o.insert(QStringLiteral("old_run_at"), formatTimestamp(oldRunAt));
        o.insert(QStringLiteral("content_changed"), contentChanged);
    }
    if (!reason.isEmpty())
        o.insert(QStringLiteral("reason"), reason);
    if (!state.isEmpty())
        o.insert(QStringLiteral("state"), state);
    if (message) {
        o.insert(QStringLiteral("queue"), message->queue);
        o.insert(QStringLiteral("channel"), message->channel);
        o.insert(QStringLiteral("recipient"), message->recipient);
        o.insert(QStringLiteral("priority"), message->priority);
        o.insert(QStringLiteral("locale"), message->locale);
        if (!message->changeText.isEmpty())
            o.insert(QStringLiteral("change"), message->changeText);
    }
    return o;
}

PlanDiff PlanDiff::reconcile(const PlanDerivation &d, const QList<DerivedRecord> &existing)
{
    PlanDiff diff;
    const qint64 now = d.nowMs;

    struct Known
    {
        const DerivedRecord *record;
        PlanIdentity id;
    };
    QHash<QString, Known> records;
    QList<Known> inOrder;
    for (const DerivedRecord &r : existing) {
        const auto id = PlanIdentity::parse(r.identity);
        if (!id || id->plan != d.plan.name || id->event != d.event.id)
            continue;
        records.insert(r.identity, Known{&r, *id});
        inOrder << Known{&r, *id};
    }

    QSet<QString> implied;
    implied.reserve(d.messages.size());
    for (const DesiredMessage &m : d.messages) {
        implied.insert(m.identity);
        const auto found = records.constFind(m.identity);
        const DerivedRecord *r = found == records.cend() ? nullptr : found->record;
        PlanDiffEntry e = entryFor(m);
        if (r)
            e.messageId = r->messageId;
        // A record an apply cancelled is as good as none: what it stood for is implied again.
        const bool absent = !r || (r->state == DerivedRecord::State::Cancelled && r->cancelledByPlan);

        if (!m.skipReason.isEmpty()) {
            e.reason = m.skipReason;
            if (r && r->state == DerivedRecord::State::Pending) {
                e.runAt = r->runAt;
                diff.cancelled << std::move(e);
            } else if (!absent) {
                e.runAt = r->runAt;
                e.reason.clear();
                e.state = stateName(r->state);
                diff.unchanged << std::move(e);
            } else {
                diff.skipped << std::move(e);
            }
            continue;
        }
        if (absent) {
            if (m.kind == PlanRule::Kind::Change) {
                e.message = m;
                diff.notified << std::move(e);
            } else if (m.runAt < now) {
                e.reason = QStringLiteral("time passed: it was due at %1").arg(formatTimestampSeconds(m.runAt));
                diff.skipped << std::move(e);
            } else {
                e.message = m;
                diff.created << std::move(e);
            }
            continue;
        }
        // Sent, failed and operator-cancelled messages stay as they are; so does a notice once written.
        if (r->state != DerivedRecord::State::Pending || m.kind == PlanRule::Kind::Change) {
            e.runAt = r->runAt;
            e.state = stateName(r->state);
            diff.unchanged << std::move(e);
            continue;
        }
        const bool contentChanged = r->contentHash != m.contentHash;
        if (r->runAt != m.runAt) {
            if (m.runAt < now) {
                e.runAt = r->runAt;
                e.reason = QStringLiteral("time passed: its new time, %1, is before now").arg(formatTimestampSeconds(m.runAt));
                diff.cancelled << std::move(e);
            } else {
                e.oldRunAt = r->runAt;
                e.contentChanged = contentChanged;
                e.message = m;
                diff.moved << std::move(e);
            }
        } else if (contentChanged) {
            e.message = m;
            diff.updated << std::move(e);
        } else {
            e.state = stateName(r->state);
            diff.unchanged << std::move(e);
        }
    }

    const EventIndex index(d.event);
    QSet<QString> listed;
    for (const Known &k : std::as_const(inOrder)) {
        if (implied.contains(k.record->identity) || k.record->state != DerivedRecord::State::Pending || listed.contains(k.record->identity))
            continue;
        const QString reason = whyNotImplied(d, index, k.id);
        if (reason.isEmpty())
            continue;
        listed.insert(k.record->identity);
        PlanDiffEntry e = entryFor(*k.record, k.id);
        e.reason = reason;
        diff.cancelled << e;
    }
    return diff;
}

bool PlanDiff::isEmpty() const
{
    return created.isEmpty() && moved.isEmpty() && updated.isEmpty() && cancelled.isEmpty() && notified.isEmpty();
}

QJsonObject PlanDiff::toJson() const
{
    return QJsonObject{{QStringLiteral("created"), toArray(created)},     {QStringLiteral("moved"), toArray(moved)},
                       {QStringLiteral("updated"), toArray(updated)},     {QStringLiteral("cancelled"), toArray(cancelled)},
                       {QStringLiteral("notified"), toArray(notified)},   {QStringLiteral("unchanged"), toArray(unchanged)},
                       {QStringLiteral("skipped"), toArray(skipped)}};
}

QString PlanDiff::summary() const
{
    QStringList lines;
    lines << QStringLiteral("%1 created, %2 moved, %3 updated, %4 cancelled, %5 notified, %6 unchanged, %7 skipped")
                 .arg(created.size())
                 .arg(moved.size())
                 .arg(updated.size())
                 .arg(cancelled.size())
                 .arg(notified.size())
                 .arg(unchanged.size())
                 .arg(skipped.size());
    for (const PlanDiffEntry &e : created)
        lines << QStringLiteral("created   %1 at %2").arg(who(e), formatTimestampSeconds(e.runAt));
    for (const PlanDiffEntry &e : moved)
        lines << QStringLiteral("moved     %1: %2 → %3%4")
                     .arg(who(e), formatTimestampSeconds(e.oldRunAt), formatTimestampSeconds(e.runAt),
                          e.contentChanged ? QStringLiteral(", content updated") : QString());
    for (const PlanDiffEntry &e : updated)
        lines << QStringLiteral("updated   %1 at %2: content updated").arg(who(e), formatTimestampSeconds(e.runAt));
    for (const PlanDiffEntry &e : cancelled)
        lines << QStringLiteral("cancelled %1: %2").arg(who(e), e.reason);
    for (const PlanDiffEntry &e : notified)
        lines << QStringLiteral("notified  %1: %2").arg(who(e), e.message ? e.message->changeText : QString());
    for (const PlanDiffEntry &e : skipped)
        lines << QStringLiteral("skipped   %1: %2").arg(who(e), e.reason);
    return lines.join(QLatin1Char('\n'));
}

} // namespace herald
