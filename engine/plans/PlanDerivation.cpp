#include "PlanDerivation.h"

#include "channels/SmsChannel.h"
#include "model/EmailAddress.h"
#include "model/QueueConfig.h"
#include "model/ZonedTime.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <utility>

namespace herald {

namespace {

void putTimes(QJsonObject &o, qint64 start, qint64 end, const QTimeZone &zone)
{
    o.insert(QStringLiteral("start"), zonedIso(start, zone));
    o.insert(QStringLiteral("end"), zonedIso(end, zone));
    o.insert(QStringLiteral("start_date"), zonedDate(start, zone).toString(Qt::ISODate));
    o.insert(QStringLiteral("start_time"), zonedTime(start, zone).toString(QStringLiteral("HH:mm")));
    o.insert(QStringLiteral("end_date"), zonedDate(end, zone).toString(Qt::ISODate));
    o.insert(QStringLiteral("end_time"), zonedTime(end, zone).toString(QStringLiteral("HH:mm")));
}

QJsonObject timesData(qint64 start, qint64 end, const QTimeZone &zone)
{
    QJsonObject o;
    putTimes(o, start, end, zone);
    return o;
}

QJsonObject personData(const EventPerson &p)
{
    QJsonObject o{{QStringLiteral("id"), p.id}, {QStringLiteral("name"), p.displayName()}};
    if (!p.firstName.isEmpty())
        o.insert(QStringLiteral("first_name"), p.firstName);
    if (!p.lastName.isEmpty())
        o.insert(QStringLiteral("last_name"), p.lastName);
    if (!p.locale.isEmpty())
        o.insert(QStringLiteral("locale"), p.locale);
    if (!p.data.isEmpty())
        o.insert(QStringLiteral("data"), p.data);
    return o;
}

QJsonObject eventData(const EventSpec &e, const QTimeZone &zone)
{
    QJsonObject o{{QStringLiteral("id"), e.id}, {QStringLiteral("name"), e.name}, {QStringLiteral("timezone"), e.timezone}};
    putTimes(o, e.startMs, e.endMs, zone);
    if (e.venue.isString() || e.venue.isObject())
        o.insert(QStringLiteral("venue"), e.venue);
    if (!e.data.isEmpty())
        o.insert(QStringLiteral("data"), e.data);
    return o;
}

QJsonObject sessionData(const EventSession &s, const EventPerson *speaker, const QTimeZone &zone)
{
    QJsonObject o{{QStringLiteral("id"), s.id}, {QStringLiteral("title"), s.title}};
    putTimes(o, s.startMs, s.endMs, zone);
    if (speaker) {
        QJsonObject sp{{QStringLiteral("id"), speaker->id}, {QStringLiteral("name"), speaker->displayName()}};
        if (!speaker->firstName.isEmpty())
            sp.insert(QStringLiteral("first_name"), speaker->firstName);
        if (!speaker->lastName.isEmpty())
            sp.insert(QStringLiteral("last_name"), speaker->lastName);
        o.insert(QStringLiteral("speaker"), sp);
    }
    if (!s.data.isEmpty())
        o.insert(QStringLiteral("data"), s.data);
    return o;
}

QByteArray compactJson(const QJsonArray &a)
{
    return QJsonDocument(a).toJson(QJsonDocument::Compact);
}

QByteArray compactJson(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// A string as QJsonDocument's compact form writes it inside an object.
QByteArray compactJson(const QString &text)
{
    const QByteArray array = compactJson(QJsonArray{text});
    return array.sliced(1, array.size() - 2);
}

// A rule's template for one locale, its strings already as JSON (each empty when the template has none).
struct TemplateJson
{
    QString locale;
    QByteArray localeJson;
    QByteArray subject;
    QByteArray text;
    QByteArray html;
};

TemplateJson templateJson(const PlanSpec &plan, const QString &type, const QString &personLocale)
{
    const auto [locale, text] = plan.templateFor(type, personLocale);
    TemplateJson t;
    t.locale = locale;
    t.localeJson = compactJson(locale);
    if (!text.subject.isEmpty())
        t.subject = compactJson(text.subject);
    if (!text.text.isEmpty())
        t.text = compactJson(text.text);
    if (!text.html.isEmpty())
        t.html = compactJson(text.html);
    return t;
}

// 48 bits of SHA-1 over what changed: unique enough among one event's notices of one rule to one person.
QString fingerprint(const QJsonObject &what)
{
    const QByteArray bytes = QJsonDocument(what).toJson(QJsonDocument::Compact);
    return QString::fromLatin1(QCryptographicHash::hash(bytes, QCryptographicHash::Sha1).toHex().left(12));
}

QString showValue(const QJsonValue &v)
{
    if (v.isNull() || v.isUndefined())
        return QStringLiteral("(none)");
    const QByteArray text = QJsonDocument(QJsonArray{v}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.mid(1, text.size() - 2));
}

// One change to notify: the payload's `change`, its fingerprint and a line for people.
struct Change
{
    QJsonObject payload;
    QByteArray payloadJson; // payload as compact JSON, written once for every message of the change
    QString fingerprint;
    QString text;
    const EventSession *session = nullptr; // a session's time change
};

// Builds the messages; the parts of a payload that many messages share (the event, a session, a person,
// a template) are written as JSON once, and each payload is put together from them.
class Builder
{
public:
    Builder(const PlanSpec &plan, const EventSpec &event, const QHash<QString, ChannelConfig::Kind> &kinds)
        : m_plan(plan), m_event(event), m_zone(event.zone()), m_kinds(kinds), m_eventJson(compactJson(eventData(event, m_zone)))
    {
        for (const EventPerson &p : event.attendees)
            m_people.insert(p.id, &p);
        for (const EventPerson &p : event.speakers)
            m_people.insert(p.id, &p);
        for (const EventSession &s : event.sessions)
            m_sessionJson.insert(s.id, compactJson(sessionData(s, speakerOf(s), m_zone)));
        for (const EventPerson &p : event.attendees)
            for (const QString &sessionId : p.sessions)
                m_attendeesOf[sessionId] << &p;
        QSet<QString> locales;
        for (const QList<EventPerson> *people : {&event.attendees, &event.speakers}) {
            for (const EventPerson &p : *people) {
                m_personJson.insert(&p, compactJson(personData(p)));
                locales.insert(p.locale);
            }
        }
        for (const PlanRule &rule : plan.rules)
            for (const QString &locale : std::as_const(locales))
                m_templates.insert({rule.type, locale}, templateJson(plan, rule.type, locale));
    }

    const QTimeZone &zone() const { return m_zone; }
    const EventPerson *speakerOf(const EventSession &s) const { return s.speakerId.isEmpty() ? nullptr : m_people.value(s.speakerId); }
    QList<const EventPerson *> attendeesOf(const EventSession &s) const { return m_attendeesOf.value(s.id); }
    // Every speaker once, in session order.
    QList<const EventPerson *> speakers() const
    {
        QList<const EventPerson *> out;
        QSet<QString> seen;
        for (const EventSession &s : m_event.sessions) {
            const EventPerson *p = speakerOf(s);
            if (p && !seen.contains(p->id)) {
                seen.insert(p->id);
                out << p;
            }
        }
        return out;
    }

    // person is one of the event's attendees or speakers; change, when given, has its payloadJson.
    DesiredMessage make(const PlanRule &rule, const EventSession *session, const EventPerson &person, bool asSpeaker, qint64 runAt,
                        const Change *change) const
    {
        DesiredMessage m;
        m.id = PlanIdentity{m_plan.name, m_event.id, rule.type, session ? session->id : QString(), person.id,
                            change ? change->fingerprint : QString()};
        m.identity = m.id.toString();
        m.kind = rule.kind;
        m.queue = m_plan.queue;
        m.channel = m_plan.channelOf(rule);
        m.type = rule.type;
        m.priority = rule.priority;
        m.runAt = runAt;
        const auto found = m_templates.constFind({rule.type, person.locale});
        const TemplateJson t = found != m_templates.cend() ? *found : templateJson(m_plan, rule.type, person.locale);
        m.locale = t.locale;
        const auto known = m_personJson.constFind(&person);
        const QByteArray personJson = known != m_personJson.cend() ? *known : compactJson(personData(person));
        const QByteArray sessionJson = session ? m_sessionJson.value(session->id, QByteArrayLiteral("{}")) : QByteArray();
        // The object's keys in QJsonObject's (sorted) order: attendee, change, event, html, locale,
        // session, subject, text — the bytes QJsonDocument would write for it.
        QByteArray &p = m.payload;
        p.reserve(personJson.size() + m_eventJson.size() + sessionJson.size() + t.subject.size() + t.text.size() + t.html.size() +
                  (change ? change->payloadJson.size() : 0) + 96);
        p += "{\"attendee\":";
        p += personJson;
        if (change) {
            p += ",\"change\":";
            p += change->payloadJson;
            m.changeText = change->text;
        }
        p += ",\"event\":";
        p += m_eventJson;
        if (!t.html.isEmpty()) {
            p += ",\"html\":";
            p += t.html;
        }
        p += ",\"locale\":";
        p += t.localeJson;
        if (session) {
            p += ",\"session\":";
            p += sessionJson;
        }
        if (!t.subject.isEmpty()) {
            p += ",\"subject\":";
            p += t.subject;
        }
        if (!t.text.isEmpty()) {
            p += ",\"text\":";
            p += t.text;
        }
        p += '}';
        const QString who = (asSpeaker ? QStringLiteral("speaker ") : QStringLiteral("attendee ")) + person.id;
        switch (m_kinds.value(m.channel)) {
        case ChannelConfig::Kind::Sms:
            m.recipient = person.phone;
            if (person.phone.isEmpty())
                m.skipReason = who + QStringLiteral(" has no phone number");
            else if (const QString problem = SmsChannel::recipientProblem(person.phone); !problem.isEmpty())
                m.skipReason = who + QStringLiteral(": ") + problem;
            break;
        case ChannelConfig::Kind::Email:
            m.recipient = person.email;
            if (person.email.isEmpty())
                m.skipReason = who + QStringLiteral(" has no e-mail address");
            else if (!EmailAddress::isAddress(person.email))
                m.skipReason = who + QStringLiteral(": \"%1\" is not an e-mail address; give one such as ana@example.org").arg(person.email);
            break;
        case ChannelConfig::Kind::Push:
            m.recipient = person.pushToken;
            if (person.pushToken.isEmpty())
                m.skipReason = who + QStringLiteral(" has no push token");
            break;
        case ChannelConfig::Kind::Webhook:
        case ChannelConfig::Kind::Outbox:
            // The receiving system knows its people by id.
            m.recipient = person.id;
            break;
        }
        if (!m.skipReason.isEmpty())
            m.recipient.clear();
        m.hashContent();
        return m;
    }

private:
    const PlanSpec &m_plan;
    const EventSpec &m_event;
    QTimeZone m_zone;
    const QHash<QString, ChannelConfig::Kind> &m_kinds;
    QByteArray m_eventJson;
    QHash<QString, const EventPerson *> m_people;
    QHash<QString, QByteArray> m_sessionJson;
    QHash<const EventPerson *, QByteArray> m_personJson;
    QHash<std::pair<QString, QString>, TemplateJson> m_templates; // by rule type and person locale
    QHash<QString, QList<const EventPerson *>> m_attendeesOf;
};

qint64 timeOf(const PlanRule &rule, qint64 anchorMs, const QTimeZone &zone)
{
    if (!rule.localTime)
        return anchorMs + rule.offsetMs;
    return zonedInstant(zonedDate(anchorMs, zone).addDays(rule.dayOffset), *rule.localTime, zone);
}

QString timesText(qint64 oldStart, qint64 oldEnd, qint64 newStart, qint64 newEnd, const QTimeZone &oldZone, const QTimeZone &newZone)
{
    QStringList parts;
    if (oldStart != newStart)
        parts << QStringLiteral("start %1 → %2").arg(zonedIso(oldStart, oldZone), zonedIso(newStart, newZone));
    if (oldEnd != newEnd)
        parts << QStringLiteral("end %1 → %2").arg(zonedIso(oldEnd, oldZone), zonedIso(newEnd, newZone));
    return parts.join(QStringLiteral(", "));
}

Change timeChange(const QString &subject, qint64 oldStart, qint64 oldEnd, qint64 newStart, qint64 newEnd, const QTimeZone &oldZone,
                  const QTimeZone &newZone)
{
    Change c;
    c.payload = QJsonObject{{QStringLiteral("kind"), QStringLiteral("time_change")},
                            {QStringLiteral("old"), timesData(oldStart, oldEnd, oldZone)},
                            {QStringLiteral("new"), timesData(newStart, newEnd, newZone)}};
    c.fingerprint = fingerprint(QJsonObject{{QStringLiteral("kind"), QStringLiteral("time_change")},
                                            {QStringLiteral("subject"), subject},
                                            {QStringLiteral("old"), QJsonArray{oldStart, oldEnd}},
                                            {QStringLiteral("new"), QJsonArray{newStart, newEnd}}});
    c.text = timesText(oldStart, oldEnd, newStart, newEnd, oldZone, newZone);
    return c;
}

} // namespace

Result<PlanDerivation> PlanDerivation::derive(const PlanSpec &planSpec, const EventSpec &eventSpec, qint64 now,
                                              const QHash<QString, qint64> &registrationTimes, const std::optional<EventSpec> &previous,
                                              qint64 previousAppliedAt, const QHash<QString, ChannelConfig::Kind> &channelKinds)
{
    PlanDerivation d;
    d.plan = planSpec;
    d.event = eventSpec;
    d.nowMs = now;

    // Each rule's channel must have a kind, which says which address a person is reached at.
    QHash<QString, ChannelConfig::Kind> kinds = channelKinds;
    for (const PlanRule &rule : planSpec.rules) {
        const QString channel = planSpec.channelOf(rule);
        if (kinds.contains(channel))
            continue;
        if (!isChannelKindName(channel))
            return Error::badInput(QStringLiteral("plan '%1', rule '%2': channel '%3' is not configured; add it "
                                                  "(heraldctl channel add), or name a kind: %4")
                                       .arg(planSpec.name, rule.type, channel, knownChannels()));
        kinds.insert(channel, *ChannelConfig::parseKind(channel));
    }

    if (eventSpec.status == EventSpec::Status::Draft)
        return d;

    const Builder build(d.plan, d.event, kinds);
    const QTimeZone &zone = build.zone();
    const EventSpec &current = d.event;

    if (current.status == EventSpec::Status::Active) {
        for (const PlanRule &rule : d.plan.rules) {
            if (rule.kind != PlanRule::Kind::Time)
                continue;
            switch (rule.anchor) {
            case PlanRule::Anchor::Registration:
                for (const EventPerson &a : current.attendees)
                    d.messages << build.make(rule, nullptr, a, false, timeOf(rule, registrationTimes.value(a.id, now), zone), nullptr);
                break;
            case PlanRule::Anchor::EventStart:
            case PlanRule::Anchor::EventEnd: {
                const qint64 at = timeOf(rule, rule.anchor == PlanRule::Anchor::EventStart ? current.startMs : current.endMs, zone);
                for (const EventPerson &a : current.attendees)
                    d.messages << build.make(rule, nullptr, a, false, at, nullptr);
                break;
            }
            case PlanRule::Anchor::SessionStart:
            case PlanRule::Anchor::SessionEnd:
                for (const EventSession &s : current.sessions) {
                    const qint64 at = timeOf(rule, rule.anchor == PlanRule::Anchor::SessionStart ? s.startMs : s.endMs, zone);
                    if (rule.audience == PlanRule::Audience::Speaker) {
                        if (const EventPerson *speaker = build.speakerOf(s))
                            d.messages << build.make(rule, &s, *speaker, true, at, nullptr);
                    } else {
                        for (const EventPerson *a : build.attendeesOf(s))
                            d.messages << build.make(rule, &s, *a, false, at, nullptr);
                    }
                }
                break;
            }
        }
    }

    if (!previous || previous->status != EventSpec::Status::Active)
        return d;
    const QTimeZone previousZone = previous->zone();
    const bool over = previous->endMs < now && current.endMs < now;

    const auto notify = [&](PlanRule::Trigger trigger, Change change) {
        change.payloadJson = compactJson(change.payload);
        // What changed since which apply told people: the same move made again later is a new notice.
        // (Unknown for a snapshot stored before this was kept: the change alone, as it was then.)
        if (previousAppliedAt != 0)
            change.fingerprint = fingerprint(QJsonObject{{QStringLiteral("change"), change.fingerprint},
                                                         {QStringLiteral("after"), previousAppliedAt}});
        for (const PlanRule &rule : d.plan.rules) {
            if (rule.kind != PlanRule::Kind::Change || rule.trigger != trigger)
                continue;
            QList<std::pair<const EventPerson *, bool>> to; // person, as speaker
            if (change.session) {
                if (rule.audience == PlanRule::Audience::Speaker) {
                    if (const EventPerson *speaker = build.speakerOf(*change.session))
                        to << std::pair{speaker, true};
                } else if (rule.audience == PlanRule::Audience::SessionAttendees) {
                    for (const EventPerson *a : build.attendeesOf(*change.session))
                        to << std::pair{a, false};
                }
            } else if (rule.audience == PlanRule::Audience::Attendees) {
                for (const EventPerson &a : current.attendees)
                    to << std::pair{&a, false};
            } else if (rule.audience == PlanRule::Audience::Speaker && trigger != PlanRule::Trigger::TimeChange) {
                for (const EventPerson *speaker : build.speakers())
                    to << std::pair{speaker, true};
            }
            for (const auto &[person, asSpeaker] : to) {
                DesiredMessage m = build.make(rule, change.session, *person, asSpeaker, now, &change);
                if (over && m.skipReason.isEmpty())
                    m.skipReason = QStringLiteral("event %1 ended at %2, before this change; no notice for a past event")
                                       .arg(current.id, zonedIso(current.endMs, zone));
                d.messages << m;
            }
        }
    };

    if (current.status == EventSpec::Status::Cancelled) {
        Change c;
        c.payload = QJsonObject{{QStringLiteral("kind"), QStringLiteral("cancellation")},
                                {QStringLiteral("old"), QStringLiteral("active")},
                                {QStringLiteral("new"), QStringLiteral("cancelled")}};
        // The event's times are part of what was cancelled: an event moved, re-activated and cancelled
        // again is a new cancellation.
        c.fingerprint = fingerprint(QJsonObject{{QStringLiteral("kind"), QStringLiteral("cancellation")},
                                                {QStringLiteral("subject"), QStringLiteral("event")},
                                                {QStringLiteral("old"), QJsonArray{previous->startMs, previous->endMs}}});
        c.text = QStringLiteral("event cancelled");
        notify(PlanRule::Trigger::Cancellation, c);
        return d;
    }
    if (current.status != EventSpec::Status::Active)
        return d;

    if (previous->startMs != current.startMs || previous->endMs != current.endMs)
        notify(PlanRule::Trigger::TimeChange,
               timeChange(QStringLiteral("event"), previous->startMs, previous->endMs, current.startMs, current.endMs, previousZone, zone));
    QHash<QString, const EventSession *> previousSessions;
    for (const EventSession &s : previous->sessions)
        previousSessions.insert(s.id, &s);
    for (const EventSession &s : current.sessions) {
        const EventSession *before = previousSessions.value(s.id);
        if (!before || (before->startMs == s.startMs && before->endMs == s.endMs))
            continue;
        Change c = timeChange(QStringLiteral("session:") + s.id, before->startMs, before->endMs, s.startMs, s.endMs, previousZone, zone);
        c.session = &s;
        c.payload.insert(QStringLiteral("session"), s.id);
        c.text = QStringLiteral("session %1: ").arg(s.id) + c.text;
        notify(PlanRule::Trigger::TimeChange, c);
    }
    if (previous->venue != current.venue) {
        Change c;
        const QJsonValue oldVenue = previous->venue.isUndefined() ? QJsonValue() : previous->venue;
        const QJsonValue newVenue = current.venue.isUndefined() ? QJsonValue() : current.venue;
        c.payload = QJsonObject{{QStringLiteral("kind"), QStringLiteral("venue_change")},
                                {QStringLiteral("old"), oldVenue},
                                {QStringLiteral("new"), newVenue}};
        c.fingerprint = fingerprint(QJsonObject{{QStringLiteral("kind"), QStringLiteral("venue_change")},
                                                {QStringLiteral("subject"), QStringLiteral("event")},
                                                {QStringLiteral("old"), oldVenue},
                                                {QStringLiteral("new"), newVenue}});
        c.text = QStringLiteral("venue %1 → %2").arg(showValue(oldVenue), showValue(newVenue));
        notify(PlanRule::Trigger::VenueChange, c);
    }
    return d;
}

} // namespace herald
