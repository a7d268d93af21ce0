// Event plans (DESIGN §11) as pure functions: plan and event files, the messages a plan implies for an
// event, and the diff an apply makes against what earlier applies created. No store: a small ledger
// below plays its part (records kept after delivery, first-seen times, the last active snapshot).
#include "channels/TemplateRenderer.h"
#include "model/TimeText.h"
#include "model/ZonedTime.h"
#include "plans/EventSpec.h"
#include "plans/PlanDerivation.h"
#include "plans/PlanDiff.h"
#include "plans/PlanIdentity.h"
#include "plans/PlanSpec.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <functional>

using namespace herald;

namespace {

constexpr qint64 kMinute = 60'000;
constexpr qint64 kHour = 3'600'000;

qint64 utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch();
}

QString iso(qint64 ms)
{
    return formatTimestampSeconds(ms);
}

QJsonObject objectOf(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

QByteArray bytesOf(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

// The seeds' message types and timings (event_messages + BullMQ), with the PWA's change notices.
QJsonObject planObject()
{
    return objectOf(R"({
  "name": "conference",
  "queue": "event-messages",
  "channel": "sms",
  "rules": [
    {"type": "registration_confirmation", "at": "registration", "offset": "0", "to": "attendees", "priority": 5},
    {"type": "check_in_reminder_night_before", "at": "event.start", "local_time": "20:00", "day_offset": -1, "to": "attendees", "priority": 8},
    {"type": "check_in_reminder_1_hour", "at": "event.start", "offset": "-1h", "to": "attendees", "priority": 3},
    {"type": "check_in_reminder_event_start", "at": "event.start", "offset": "+0m", "to": "attendees", "priority": 1},
    {"type": "speaker_alert", "at": "session.start", "offset": "-15m", "to": "speaker", "priority": 2},
    {"type": "pcr_request", "at": "session.end", "offset": "+7m", "to": "session_attendees", "priority": 7},
    {"type": "post_event_wrap_up", "at": "event.end", "offset": "+2h", "to": "attendees"},
    {"type": "time_notice", "on": "time_change", "to": "attendees", "priority": 1},
    {"type": "session_time_notice", "on": "time_change", "to": "session_attendees", "priority": 2},
    {"type": "venue_notice", "on": "venue_change", "to": "attendees", "priority": 1},
    {"type": "cancellation_notice", "on": "cancellation", "to": "attendees", "priority": 1}
  ],
  "templates": {
    "registration_confirmation": {"en": "{{attendee.first_name}}, you are registered for {{event.name}}.",
                                  "es": "{{attendee.first_name}}, estás inscrito en {{event.name}}."},
    "check_in_reminder_night_before": {"en": "See you tomorrow at {{event.start_time}}, {{event.venue}}.",
                                       "es": "Nos vemos mañana a las {{event.start_time}}, {{event.venue}}."},
    "check_in_reminder_1_hour": {"en": "{{event.name}} starts in one hour.", "es": "{{event.name}} empieza en una hora."},
    "check_in_reminder_event_start": {"en": "{{event.name}} starts now.", "es": "{{event.name}} empieza ahora."},
    "speaker_alert": {"en": "Your session {{session.title}} starts in 15 minutes."},
    "pcr_request": {"en": "How was {{session.title}}? Reply 1-10.", "es": "¿Qué tal {{session.title}}? Responde 1-10."},
    "post_event_wrap_up": {"en": "Thank you for coming to {{event.name}}."},
    "time_notice": {"en": "{{event.name}} moved: now {{change.new.start}}."},
    "session_time_notice": {"en": "{{session.title}} moved to {{change.new.start_time}}."},
    "venue_notice": {"en": "{{event.name}} moved from {{change.old}} to {{change.new}}."},
    "cancellation_notice": {"en": "{{event.name}} is cancelled.", "es": "{{event.name}} se ha cancelado."}
  }
})");
}

// 2026-06-10 in New York (EDT, UTC−4): the event 09:00–17:00, s1 09:30–10:15 by attendee a3, s2
// 11:00–11:45 by sp1, a speaker who is not an attendee. a4 has no phone number.
QJsonObject eventObject()
{
    return objectOf(R"({
  "id": 41,
  "name": "Growth Summit",
  "status": "active",
  "timezone": "America/New_York",
  "start": "2026-06-10T09:00",
  "end": "2026-06-10T17:00",
  "venue": "Hall A",
  "sessions": [
    {"id": "s1", "title": "Opening", "start": "2026-06-10T09:30", "end": "2026-06-10T10:15", "speaker": "a3"},
    {"id": "s2", "title": "AI in Business", "start": "2026-06-10T11:00", "end": "2026-06-10T11:45",
     "speaker": {"id": "sp1", "name": "John Doe", "phone": "+18108934075", "locale": "en"}}
  ],
  "attendees": [
    {"id": "a1", "first_name": "Ana", "last_name": "García", "phone": "+34600123456", "push_token": "tok-a1",
     "locale": "es", "sessions": ["s1", "s2"]},
    {"id": "a2", "first_name": "Bob", "last_name": "Smith", "phone": "+18105550101", "locale": "en", "sessions": ["s2"]},
    {"id": "a3", "first_name": "Carla", "last_name": "Jones", "phone": "+18105550102", "sessions": ["s1"]},
    {"id": "a4", "first_name": "Dan", "email": "dan@example.org"}
  ]
})");
}

const qint64 kNow0 = utc("2026-06-01T12:00:00Z"); // the first apply, nine days before
const qint64 kNow1 = utc("2026-06-02T12:00:00Z"); // the second apply

PlanSpec basePlan()
{
    auto plan = PlanSpec::fromJson(planObject(), QStringLiteral("plan.json"));
    if (!plan)
        qFatal("the test plan is refused: %s", qPrintable(plan.errorString()));
    return *plan;
}

Result<EventSpec> eventFrom(const QJsonObject &o)
{
    return EventSpec::fromJson(o, QStringLiteral("event.json"));
}

EventSpec baseEvent()
{
    auto event = eventFrom(eventObject());
    if (!event)
        qFatal("the test event is refused: %s", qPrintable(event.errorString()));
    return *event;
}

// Edits of a JSON tree in place, for the rows below.
void editArray(QJsonObject &o, const char *key, const std::function<void(QJsonArray &)> &edit)
{
    QJsonArray a = o.value(QLatin1String(key)).toArray();
    edit(a);
    o.insert(QLatin1String(key), a);
}

void editItem(QJsonObject &o, const char *key, qsizetype index, const std::function<void(QJsonObject &)> &edit)
{
    editArray(o, key, [&](QJsonArray &a) {
        QJsonObject item = a.at(index).toObject();
        edit(item);
        a.replace(index, item);
    });
}

QStringList strings(std::initializer_list<const char *> texts)
{
    QStringList out;
    for (const char *t : texts)
        out << QString::fromUtf8(t);
    return out;
}

QString shifted(const QJsonValue &localTime, qint64 ms)
{
    // Wall-clock arithmetic: read and shifted as if UTC, whatever the machine's zone.
    const QDateTime t = QDateTime::fromString(localTime.toString(), Qt::ISODate);
    return QDateTime(t.date(), t.time(), QTimeZone::utc()).addMSecs(ms).toString(QStringLiteral("yyyy-MM-dd'T'HH:mm"));
}

// What the store will do around an apply (DESIGN §11): keep a record per derived message after it is
// sent or removed, remember when each attendee was first seen while the event was active (their
// registration), and keep the event as last applied while active (what people were told).
struct Ledger
{
    PlanSpec plan = basePlan();
    QList<DerivedRecord> records;
    QHash<QString, qint64> firstSeen;
    std::optional<EventSpec> lastActive;
    qint64 toldAt = 0; // when lastActive was applied, as the store keeps it
    qint64 nextId = 100;

    DerivedRecord *record(const QString &identity)
    {
        for (DerivedRecord &r : records)
            if (r.identity == identity)
                return &r;
        return nullptr;
    }

    Result<PlanDiff> apply(const EventSpec &event, qint64 now)
    {
        auto derived = PlanDerivation::derive(plan, event, now, firstSeen, lastActive, toldAt);
        if (!derived)
            return derived.error();
        PlanDiff diff = PlanDiff::reconcile(*derived, records);
        for (const QList<PlanDiffEntry> *list : {&diff.created, &diff.notified}) {
            for (const PlanDiffEntry &e : *list) {
                DerivedRecord fresh{e.identity, nextId++, DerivedRecord::State::Pending, e.message->runAt, e.message->contentHash};
                if (DerivedRecord *r = record(e.identity))
                    *r = fresh;
                else
                    records << fresh;
            }
        }
        for (const PlanDiffEntry &e : diff.moved) {
            record(e.identity)->runAt = e.runAt;
            record(e.identity)->contentHash = e.message->contentHash;
        }
        for (const PlanDiffEntry &e : diff.updated)
            record(e.identity)->contentHash = e.message->contentHash;
        for (const PlanDiffEntry &e : diff.cancelled) {
            record(e.identity)->state = DerivedRecord::State::Cancelled;
            record(e.identity)->cancelledByPlan = true;
        }
        if (event.status == EventSpec::Status::Active) {
            for (const EventPerson &a : event.attendees)
                firstSeen.insert(a.id, firstSeen.value(a.id, now));
            lastActive = event;
            toldAt = now;
        }
        return diff;
    }

    // The engine's part: what is due goes out; cleanup may remove it afterwards (message id 0).
    void deliverDue(qint64 now, bool removeSent = false)
    {
        for (DerivedRecord &r : records) {
            if (r.state == DerivedRecord::State::Pending && r.runAt <= now)
                r.state = DerivedRecord::State::Sent;
            if (removeSent && r.state == DerivedRecord::State::Sent)
                r.messageId = 0;
        }
    }
};

QStringList identities(const QList<PlanDiffEntry> &entries)
{
    QStringList out;
    for (const PlanDiffEntry &e : entries)
        out << e.identity;
    return out;
}

const PlanDiffEntry *find(const QList<PlanDiffEntry> &entries, const QString &identity)
{
    for (const PlanDiffEntry &e : entries)
        if (e.identity == identity)
            return &e;
    return nullptr;
}

QString id(const char *type, const char *person, const char *session = nullptr)
{
    return PlanIdentity{QStringLiteral("conference"), QStringLiteral("41"), QString::fromLatin1(type),
                        session ? QString::fromLatin1(session) : QString(), QString::fromLatin1(person), QString()}
        .toString();
}

QString render(const DesiredMessage &m)
{
    Message message;
    message.payload = m.toNewMessage().payload;
    const auto r = TemplateRenderer::render(message);
    return r ? r->text : r.errorString();
}

enum Scenario {
    SameFileAgain,
    EventMovedOneHour,
    OneSessionMoved,
    AttendeeRemoved,
    AttendeeAdded,
    PhoneRemoved,
    SessionDropped,
    VenueChanged,
    EventCancelled,
    EventMovedIntoThePast,
    SentThenEventMoved,
    SentRemovedByCleanupThenEventMoved,
};

void mutate(Scenario scenario, QJsonObject &e)
{
    const auto shiftAll = [&](qint64 ms) {
        e.insert(QStringLiteral("start"), shifted(e.value(QLatin1String("start")), ms));
        e.insert(QStringLiteral("end"), shifted(e.value(QLatin1String("end")), ms));
        for (qsizetype i = 0; i < 2; ++i)
            editItem(e, "sessions", i, [&](QJsonObject &s) {
                s.insert(QStringLiteral("start"), shifted(s.value(QLatin1String("start")), ms));
                s.insert(QStringLiteral("end"), shifted(s.value(QLatin1String("end")), ms));
            });
    };
    switch (scenario) {
    case SameFileAgain: break;
    case EventMovedOneHour:
    case SentThenEventMoved:
    case SentRemovedByCleanupThenEventMoved: shiftAll(kHour); break;
    case EventMovedIntoThePast: shiftAll(-9 * 24 * kHour); break;
    case OneSessionMoved:
        editItem(e, "sessions", 1, [](QJsonObject &s) {
            s.insert(QStringLiteral("start"), QStringLiteral("2026-06-10T11:30"));
            s.insert(QStringLiteral("end"), QStringLiteral("2026-06-10T12:15"));
        });
        break;
    case AttendeeRemoved: editArray(e, "attendees", [](QJsonArray &a) { a.removeAt(1); }); break;
    case AttendeeAdded:
        editArray(e, "attendees", [](QJsonArray &a) {
            a.append(QJsonObject{{QStringLiteral("id"), QStringLiteral("a5")},
                                 {QStringLiteral("first_name"), QStringLiteral("Eva")},
                                 {QStringLiteral("phone"), QStringLiteral("+34600999888")},
                                 {QStringLiteral("locale"), QStringLiteral("es-MX")},
                                 {QStringLiteral("sessions"), QJsonArray{QStringLiteral("s1")}}});
        });
        break;
    case PhoneRemoved: editItem(e, "attendees", 1, [](QJsonObject &a) { a.remove(QStringLiteral("phone")); }); break;
    case SessionDropped:
        editArray(e, "sessions", [](QJsonArray &a) { a.removeAt(1); });
        editItem(e, "attendees", 0, [](QJsonObject &a) { a.insert(QStringLiteral("sessions"), QJsonArray{QStringLiteral("s1")}); });
        editItem(e, "attendees", 1, [](QJsonObject &a) { a.remove(QStringLiteral("sessions")); });
        break;
    case VenueChanged: e.insert(QStringLiteral("venue"), QStringLiteral("Hall B")); break;
    case EventCancelled: e.insert(QStringLiteral("status"), QStringLiteral("cancelled")); break;
    }
}

} // namespace

class tst_Plans : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(QTimeZone(QByteArrayLiteral("America/New_York")).isValid(), "the time zone database is not installed (tzdata)");
    }

    // ---- plan files ------------------------------------------------------------------------------

    void shouldReadEachRuleKind_data()
    {
        QTest::addColumn<QByteArray>("rule");
        QTest::addColumn<QString>("kind"); // "at ANCHOR" or "on TRIGGER"
        QTest::addColumn<QString>("audience");
        QTest::addColumn<qint64>("offsetMs");
        QTest::addColumn<QString>("localTime");
        QTest::addColumn<int>("dayOffset");
        QTest::addColumn<int>("priority");
        QTest::addColumn<QString>("channel");
        const QString none;
        QTest::newRow("registration confirmation, at once")
            << QByteArray(R"({"type": "t", "at": "registration", "offset": "0", "to": "attendees", "priority": 5})")
            << "at registration" << "attendees" << qint64(0) << none << 0 << 5 << "sms";
        QTest::newRow("night before at 20:00 local")
            << QByteArray(R"({"type": "t", "at": "event.start", "local_time": "20:00", "day_offset": -1, "to": "attendees", "priority": 8})")
            << "at event.start" << "attendees" << qint64(0) << "20:00" << -1 << 8 << "sms";
        QTest::newRow("one hour before")
            << QByteArray(R"({"type": "t", "at": "event.start", "offset": "-1h", "to": "attendees", "priority": 3})")
            << "at event.start" << "attendees" << -kHour << none << 0 << 3 << "sms";
        QTest::newRow("at event start")
            << QByteArray(R"({"type": "t", "at": "event.start", "offset": "+0m", "to": "attendees", "priority": 1})")
            << "at event.start" << "attendees" << qint64(0) << none << 0 << 1 << "sms";
        QTest::newRow("speaker alert 15 min before a session")
            << QByteArray(R"({"type": "t", "at": "session.start", "offset": "-15m", "to": "speaker", "priority": 2})")
            << "at session.start" << "speaker" << -15 * kMinute << none << 0 << 2 << "sms";
        QTest::newRow("PCR request 7 min after a session")
            << QByteArray(R"({"type": "t", "at": "session.end", "offset": "+7m", "to": "session_attendees", "priority": 7})")
            << "at session.end" << "session_attendees" << 7 * kMinute << none << 0 << 7 << "sms";
        QTest::newRow("wrap-up 2 h after, default priority, own channel")
            << QByteArray(R"({"type": "t", "at": "event.end", "offset": "+2h", "to": "attendees", "channel": "email"})")
            << "at event.end" << "attendees" << 2 * kHour << none << 0 << 10 << "email";
        QTest::newRow("a day before, as an exact offset")
            << QByteArray(R"({"type": "t", "at": "event.start", "offset": "-1d", "to": "attendees"})")
            << "at event.start" << "attendees" << -24 * kHour << none << 0 << 10 << "sms";
        QTest::newRow("08:00 on a session's day")
            << QByteArray(R"({"type": "t", "at": "session.start", "local_time": "8:00", "to": "speaker"})")
            << "at session.start" << "speaker" << qint64(0) << "08:00" << 0 << 10 << "sms";
        QTest::newRow("time change notice")
            << QByteArray(R"({"type": "t", "on": "time_change", "to": "attendees", "priority": 1})")
            << "on time_change" << "attendees" << qint64(0) << none << 0 << 1 << "sms";
        QTest::newRow("session time change to its attendees")
            << QByteArray(R"({"type": "t", "on": "time_change", "to": "session_attendees"})")
            << "on time_change" << "session_attendees" << qint64(0) << none << 0 << 10 << "sms";
        QTest::newRow("venue change to speakers")
            << QByteArray(R"({"type": "t", "on": "venue_change", "to": "speaker"})")
            << "on venue_change" << "speaker" << qint64(0) << none << 0 << 10 << "sms";
        QTest::newRow("cancellation by push")
            << QByteArray(R"({"type": "t", "on": "cancellation", "to": "attendees", "channel": "push"})")
            << "on cancellation" << "attendees" << qint64(0) << none << 0 << 10 << "push";
    }
    void shouldReadEachRuleKind()
    {
        QFETCH(QByteArray, rule);
        QFETCH(QString, kind);
        QFETCH(QString, audience);
        QFETCH(qint64, offsetMs);
        QFETCH(QString, localTime);
        QFETCH(int, dayOffset);
        QFETCH(int, priority);
        QFETCH(QString, channel);
        const QJsonObject file{{QStringLiteral("name"), QStringLiteral("p")},
                               {QStringLiteral("queue"), QStringLiteral("q")},
                               {QStringLiteral("channel"), QStringLiteral("sms")},
                               {QStringLiteral("rules"), QJsonArray{objectOf(rule)}},
                               {QStringLiteral("templates"), objectOf(R"({"t": {"en": "Hello {{attendee.name}}"}})")}};
        const auto plan = PlanSpec::parse(bytesOf(file), QStringLiteral("plan.json"));
        QVERIFY2(plan.ok(), qPrintable(plan.errorString()));
        QCOMPARE(plan->rules.size(), 1);
        const PlanRule &r = plan->rules.first();
        const QString readKind = r.kind == PlanRule::Kind::Time ? QString(QStringLiteral("at ") + PlanRule::anchorName(r.anchor))
                                                                : QString(QStringLiteral("on ") + PlanRule::triggerName(r.trigger));
        QCOMPARE(readKind, kind);
        QCOMPARE(PlanRule::audienceName(r.audience), audience);
        QCOMPARE(r.offsetMs, offsetMs);
        QCOMPARE(r.localTime ? r.localTime->toString(QStringLiteral("HH:mm")) : QString(), localTime);
        QCOMPARE(r.dayOffset, dayOffset);
        QCOMPARE(r.priority, priority);
        QCOMPARE(plan->channelOf(r), channel);
        // What a store keeps reads back as the same plan.
        const auto again = PlanSpec::fromJson(plan->toJson(), QStringLiteral("stored plan"));
        QVERIFY2(again.ok(), qPrintable(again.errorString()));
        QCOMPARE(*again, *plan);
    }

    void shouldChooseTheTemplateByLocale_data()
    {
        QTest::addColumn<QString>("locale");
        QTest::addColumn<QString>("chosen");
        QTest::newRow("exact") << "es" << "es";
        QTest::newRow("region falls back to the language") << "es-MX" << "es";
        QTest::newRow("unknown falls back to en") << "fr" << "en";
        QTest::newRow("none falls back to en") << "" << "en";
    }
    void shouldChooseTheTemplateByLocale()
    {
        QFETCH(QString, locale);
        QFETCH(QString, chosen);
        const PlanSpec plan = basePlan();
        QCOMPARE(plan.templateFor(QStringLiteral("registration_confirmation"), locale).first, chosen);
        // With neither the locale nor en, the first locale the plan has.
        PlanSpec esOnly = plan;
        esOnly.templates[QStringLiteral("pcr_request")].remove(QStringLiteral("en"));
        QCOMPARE(esOnly.templateFor(QStringLiteral("pcr_request"), QStringLiteral("de")).first, QStringLiteral("es"));
    }

    void shouldRefuseABadPlanNamingThePath_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<int>("problems");
        const auto edit = [](const std::function<void(QJsonObject &)> &change) {
            QJsonObject p = planObject();
            change(p);
            return bytesOf(p);
        };
        const auto editRule = [&](qsizetype i, const std::function<void(QJsonObject &)> &change) {
            return edit([&](QJsonObject &p) { editItem(p, "rules", i, change); });
        };
        QTest::newRow("not JSON") << QByteArray("{\"name\": \"conference\",\n \"queue\": }")
                                  << strings({"plan.json: not valid JSON", "line 2"}) << 1;
        QTest::newRow("not an object") << QByteArray("[1, 2]") << strings({"plan.json: the file must hold one JSON object"}) << 1;
        QTest::newRow("missing name") << edit([](QJsonObject &p) { p.remove(QStringLiteral("name")); })
                                      << strings({"plan.json: name: missing; name the plan"}) << 1;
        QTest::newRow("missing rules") << edit([](QJsonObject &p) { p.remove(QStringLiteral("rules")); })
                                       << strings({"plan.json: rules: missing"}) << 1;
        QTest::newRow("unknown anchor") << editRule(4, [](QJsonObject &r) { r.insert(QStringLiteral("at"), QStringLiteral("session.begin")); })
                                        << strings({"plan.json: rules[4].at: \"session.begin\" is not an anchor; use registration, "
                                                       "event.start, event.end, session.start or session.end"}) << 1;
        QTest::newRow("unknown audience") << editRule(0, [](QJsonObject &r) { r.insert(QStringLiteral("to"), QStringLiteral("everyone")); })
                                          << strings({"plan.json: rules[0].to: \"everyone\" is not an audience"}) << 1;
        QTest::newRow("offset not a duration")
            << editRule(2, [](QJsonObject &r) { r.insert(QStringLiteral("offset"), QStringLiteral("15 minutes")); })
            << strings({"plan.json: rules[2].offset: \"15 minutes\" is not a duration; write it as -15m, +2h or +1d"}) << 1;
        QTest::newRow("offset without a sign") << editRule(2, [](QJsonObject &r) { r.insert(QStringLiteral("offset"), QStringLiteral("15m")); })
                                               << strings({"rules[2].offset: \"15m\" has no sign; write -15m for before the anchor"}) << 1;
        QTest::newRow("offset as a number") << editRule(2, [](QJsonObject &r) { r.insert(QStringLiteral("offset"), 15); })
                                            << strings({"rules[2].offset: 15 is not a duration"}) << 1;
        QTest::newRow("local time not a time") << editRule(1, [](QJsonObject &r) { r.insert(QStringLiteral("local_time"), QStringLiteral("8pm")); })
                                               << strings({"rules[1].local_time: \"8pm\" is not a time of day; write it as HH:MM"}) << 1;
        QTest::newRow("day offset with an offset") << editRule(2, [](QJsonObject &r) { r.insert(QStringLiteral("day_offset"), -1); })
                                                   << strings({"rules[2].day_offset: goes with local_time"}) << 1;
        QTest::newRow("no time at all") << editRule(2, [](QJsonObject &r) { r.remove(QStringLiteral("offset")); })
                                        << strings({"rules[2]: gives no time"}) << 1;
        QTest::newRow("speaker on an event anchor") << editRule(2, [](QJsonObject &r) { r.insert(QStringLiteral("to"), QStringLiteral("speaker")); })
                                                    << strings({"rules[2].to: \"speaker\" needs a session anchor"}) << 1;
        QTest::newRow("attendees on a session anchor")
            << editRule(4, [](QJsonObject &r) { r.insert(QStringLiteral("to"), QStringLiteral("attendees")); })
            << strings({"rules[4].to: \"attendees\" with a session anchor"}) << 1;
        QTest::newRow("session attendees for a venue change")
            << editRule(9, [](QJsonObject &r) { r.insert(QStringLiteral("to"), QStringLiteral("session_attendees")); })
            << strings({"rules[9].to: session_attendees has no meaning for a venue change"}) << 1;
        QTest::newRow("unknown change") << editRule(9, [](QJsonObject &r) { r.insert(QStringLiteral("on"), QStringLiteral("price_change")); })
                                        << strings({"rules[9].on: \"price_change\" is not a change"}) << 1;
        QTest::newRow("both at and on") << editRule(0, [](QJsonObject &r) { r.insert(QStringLiteral("on"), QStringLiteral("venue_change")); })
                                        << strings({"rules[0]: gives both \"at\" and \"on\""}) << 1;
        QTest::newRow("priority out of range") << editRule(0, [](QJsonObject &r) { r.insert(QStringLiteral("priority"), 11); })
                                               << strings({"rules[0].priority: 11 is not a whole number from 1 to 10"}) << 1;
        QTest::newRow("misspelt field") << editRule(0, [](QJsonObject &r) { r.insert(QStringLiteral("ofset"), QStringLiteral("-1h")); })
                                        << strings({"rules[0].ofset: unknown field; the fields of a time rule are"}) << 1;
        QTest::newRow("two rules of one type")
            << editRule(3, [](QJsonObject &r) { r.insert(QStringLiteral("type"), QStringLiteral("check_in_reminder_1_hour")); })
            << strings({"rules[3].type: \"check_in_reminder_1_hour\" is already the type of rules[2]"}) << 2;
        QTest::newRow("a rule without templates")
            << edit([](QJsonObject &p) {
                   QJsonObject t = p.value(QLatin1String("templates")).toObject();
                   t.remove(QStringLiteral("pcr_request"));
                   p.insert(QStringLiteral("templates"), t);
               })
            << strings({"rules[5].type: \"pcr_request\" has no templates; add templates.pcr_request"}) << 1;
        QTest::newRow("templates without a rule")
            << edit([](QJsonObject &p) {
                   QJsonObject t = p.value(QLatin1String("templates")).toObject();
                   t.insert(QStringLiteral("speker_alert"), QJsonObject{{QStringLiteral("en"), QStringLiteral("x")}});
                   p.insert(QStringLiteral("templates"), t);
               })
            << strings({"templates.speker_alert: no rule has this type"}) << 1;
        QTest::newRow("a template that cannot render")
            << edit([](QJsonObject &p) {
                   QJsonObject t = p.value(QLatin1String("templates")).toObject();
                   t.insert(QStringLiteral("speaker_alert"), QJsonObject{{QStringLiteral("en"), QStringLiteral("{{#session}}unclosed")}});
                   p.insert(QStringLiteral("templates"), t);
               })
            << strings({"templates.speaker_alert.en: cannot render"}) << 1;
        QTest::newRow("a bad queue name") << edit([](QJsonObject &p) { p.insert(QStringLiteral("queue"), QStringLiteral("event messages")); })
                                          << strings({"plan.json: queue: queue name 'event messages' is not allowed"}) << 1;
        QTest::newRow("every problem at once")
            << edit([](QJsonObject &p) {
                   editItem(p, "rules", 2, [](QJsonObject &r) { r.insert(QStringLiteral("offset"), QStringLiteral("15 minutes")); });
                   editItem(p, "rules", 4, [](QJsonObject &r) { r.insert(QStringLiteral("at"), QStringLiteral("session.begin")); });
                   p.remove(QStringLiteral("queue"));
               })
            << strings({"plan.json: queue: missing", "plan.json: rules[2].offset:", "plan.json: rules[4].at:"}) << 3;
    }
    void shouldRefuseABadPlanNamingThePath()
    {
        QFETCH(QByteArray, file);
        QFETCH(QStringList, expected);
        QFETCH(int, problems);
        const auto plan = PlanSpec::parse(file, QStringLiteral("plan.json"));
        QVERIFY(!plan.ok());
        QCOMPARE(plan.error().kind, Error::Kind::BadInput);
        for (const QString &e : std::as_const(expected))
            QVERIFY2(plan.errorString().contains(e), qPrintable(QStringLiteral("missing \"%1\" in:\n%2").arg(e, plan.errorString())));
        // One line per problem, each naming the file.
        for (const QString &line : plan.errorString().split(QLatin1Char('\n')))
            QVERIFY2(line.startsWith(QLatin1String("plan.json: ")), qPrintable(line));
        QCOMPARE(plan.errorString().split(QLatin1Char('\n')).size(), problems);
    }

    // ---- event files -----------------------------------------------------------------------------

    void shouldReadEventTimesInTheEventZone_data()
    {
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        const QString ny = QStringLiteral("America/New_York");
        QTest::newRow("local summer time") << ny << "2026-06-10T09:00" << "2026-06-10T13:00:00Z";
        QTest::newRow("local winter time, with seconds") << ny << "2026-01-10T09:00:00" << "2026-01-10T14:00:00Z";
        QTest::newRow("an offset wins over the zone") << ny << "2026-06-10T09:00:00+02:00" << "2026-06-10T07:00:00Z";
        QTest::newRow("Z wins over the zone") << ny << "2026-06-10T09:00:00Z" << "2026-06-10T09:00:00Z";
        QTest::newRow("a date alone is local midnight") << ny << "2026-06-10" << "2026-06-10T04:00:00Z";
        // 2026-03-08 02:00 EST the clocks jump to 03:00 EDT: 02:30 does not exist and means the jump.
        QTest::newRow("a skipped time is the change") << ny << "2026-03-08T02:30" << "2026-03-08T07:00:00Z";
        // 2026-11-01 02:00 EDT the clocks go back to 01:00 EST: 01:30 comes twice; the first is meant.
        QTest::newRow("a repeated time is its first") << ny << "2026-11-01T01:30" << "2026-11-01T05:30:00Z";
        QTest::newRow("Madrid") << "Europe/Madrid" << "2026-10-25T10:00" << "2026-10-25T09:00:00Z";
    }
    void shouldReadEventTimesInTheEventZone()
    {
        QFETCH(QString, zone);
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QJsonObject o = eventObject();
        o.insert(QStringLiteral("timezone"), zone);
        o.insert(QStringLiteral("start"), text);
        o.insert(QStringLiteral("end"), QStringLiteral("2027-01-01T00:00:00Z"));
        o.remove(QStringLiteral("sessions"));
        o.remove(QStringLiteral("attendees"));
        const auto event = eventFrom(o);
        QVERIFY2(event.ok(), qPrintable(event.errorString()));
        QCOMPARE(iso(event->startMs), expected);
    }

    void shouldKeepTheEventSnapshotExact()
    {
        const EventSpec event = baseEvent();
        QCOMPARE(event.id, QStringLiteral("41"));
        QCOMPARE(event.speakers.size(), 1);
        QCOMPARE(event.person(QStringLiteral("sp1"))->displayName(), QStringLiteral("John Doe"));
        QCOMPARE(event.session(QStringLiteral("s1"))->speakerId, QStringLiteral("a3"));
        const auto again = eventFrom(event.toJson());
        QVERIFY2(again.ok(), qPrintable(again.errorString()));
        QCOMPARE(*again, event);
        QCOMPARE(event.toJson().value(QLatin1String("start")).toString(), QStringLiteral("2026-06-10T09:00:00-04:00"));
    }

    void shouldRefuseABadEventNamingThePath_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QStringList>("expected");
        QTest::addColumn<int>("problems");
        const auto edit = [](const std::function<void(QJsonObject &)> &change) {
            QJsonObject e = eventObject();
            change(e);
            return bytesOf(e);
        };
        QTest::newRow("not JSON") << QByteArray("{\"id\": 41,\n\n  \"name\": \"x\"") << strings({"event.json: not valid JSON", "line 3"}) << 1;
        QTest::newRow("missing timezone") << edit([](QJsonObject &e) { e.remove(QStringLiteral("timezone")); })
                                          << strings({"event.json: timezone: missing; give the IANA time zone"}) << 1;
        QTest::newRow("missing start") << edit([](QJsonObject &e) { e.remove(QStringLiteral("start")); })
                                       << strings({"event.json: start: missing"}) << 1;
        QTest::newRow("unknown time zone") << edit([](QJsonObject &e) { e.insert(QStringLiteral("timezone"), QStringLiteral("Europe/Madird")); })
                                           << strings({"event.json: timezone: \"Europe/Madird\" is not a known IANA time zone; "
                                                          "give one such as Europe/Madrid"}) << 1;
        QTest::newRow("unknown status") << edit([](QJsonObject &e) { e.insert(QStringLiteral("status"), QStringLiteral("published")); })
                                        << strings({"event.json: status: \"published\" is not a status; use draft"}) << 1;
        QTest::newRow("not a time") << edit([](QJsonObject &e) { e.insert(QStringLiteral("start"), QStringLiteral("June 10")); })
                                    << strings({"event.json: start: 'June 10' is not a valid time"}) << 1;
        QTest::newRow("end before start") << edit([](QJsonObject &e) { e.insert(QStringLiteral("end"), QStringLiteral("2026-06-10T08:00")); })
                                          << strings({"event.json: end: 2026-06-10T08:00:00-04:00 is before the start, 2026-06-10T09:00:00-04:00"}) << 1;
        QTest::newRow("session ends before it starts")
            << edit([](QJsonObject &e) {
                   editItem(e, "sessions", 1, [](QJsonObject &s) { s.insert(QStringLiteral("end"), QStringLiteral("2026-06-10T10:00")); });
               })
            << strings({"event.json: sessions[1].end: 2026-06-10T10:00:00-04:00 is before the start"}) << 1;
        QTest::newRow("two sessions of one id")
            << edit([](QJsonObject &e) { editItem(e, "sessions", 1, [](QJsonObject &s) { s.insert(QStringLiteral("id"), QStringLiteral("s1")); }); })
            << strings({"sessions[1].id: \"s1\" is already the id of sessions[0]"}) << 3;
        QTest::newRow("two attendees of one id")
            << edit([](QJsonObject &e) { editItem(e, "attendees", 1, [](QJsonObject &a) { a.insert(QStringLiteral("id"), QStringLiteral("a1")); }); })
            << strings({"attendees[1].id: \"a1\" is already the id of attendees[0]"}) << 1;
        QTest::newRow("a session the event lacks")
            << edit([](QJsonObject &e) {
                   editItem(e, "attendees", 0, [](QJsonObject &a) {
                       a.insert(QStringLiteral("sessions"), QJsonArray{QStringLiteral("s1"), QStringLiteral("s9")});
                   });
               })
            << strings({"event.json: attendees[0].sessions[1]: \"s9\" is not a session of this event"}) << 1;
        QTest::newRow("a speaker the event lacks")
            << edit([](QJsonObject &e) { editItem(e, "sessions", 0, [](QJsonObject &s) { s.insert(QStringLiteral("speaker"), QStringLiteral("a9")); }); })
            << strings({"event.json: sessions[0].speaker: \"a9\" is not an attendee of this event"}) << 1;
        QTest::newRow("an inline speaker with an attendee's id")
            << edit([](QJsonObject &e) {
                   editItem(e, "sessions", 1, [](QJsonObject &s) {
                       s.insert(QStringLiteral("speaker"), QJsonObject{{QStringLiteral("id"), QStringLiteral("a1")}});
                   });
               })
            << strings({"sessions[1].speaker.id: \"a1\" is an attendee's id"}) << 1;
        QTest::newRow("an inline speaker without an id")
            << edit([](QJsonObject &e) {
                   editItem(e, "sessions", 1, [](QJsonObject &s) {
                       s.insert(QStringLiteral("speaker"), QJsonObject{{QStringLiteral("name"), QStringLiteral("John")}});
                   });
               })
            << strings({"sessions[1].speaker.id: missing"}) << 1;
        QTest::newRow("a malformed locale")
            << edit([](QJsonObject &e) { editItem(e, "attendees", 2, [](QJsonObject &a) { a.insert(QStringLiteral("locale"), QStringLiteral("english")); }); })
            << strings({"attendees[2].locale: \"english\" is not a locale"}) << 1;
        QTest::newRow("an attendee without an id")
            << edit([](QJsonObject &e) { editItem(e, "attendees", 3, [](QJsonObject &a) { a.remove(QStringLiteral("id")); }); })
            << strings({"attendees[3].id: missing"}) << 1;
        QTest::newRow("a misspelt field")
            << edit([](QJsonObject &e) { editItem(e, "attendees", 0, [](QJsonObject &a) { a.insert(QStringLiteral("phon"), QStringLiteral("+1")); }); })
            << strings({"attendees[0].phon: unknown field; the fields of an attendee are"}) << 1;
        QTest::newRow("every problem at once")
            << edit([](QJsonObject &e) {
                   e.insert(QStringLiteral("timezone"), QStringLiteral("Mars/Olympus_Mons"));
                   editItem(e, "attendees", 0, [](QJsonObject &a) { a.insert(QStringLiteral("sessions"), QJsonArray{QStringLiteral("s9")}); });
                   e.remove(QStringLiteral("name"));
               })
            << strings({"event.json: name: missing", "event.json: timezone: \"Mars/Olympus_Mons\"", "event.json: attendees[0].sessions[0]:"}) << 3;
    }
    void shouldRefuseABadEventNamingThePath()
    {
        QFETCH(QByteArray, file);
        QFETCH(QStringList, expected);
        QFETCH(int, problems);
        const auto event = EventSpec::parse(file, QStringLiteral("event.json"));
        QVERIFY(!event.ok());
        QCOMPARE(event.error().kind, Error::Kind::BadInput);
        for (const QString &e : std::as_const(expected))
            QVERIFY2(event.errorString().contains(e), qPrintable(QStringLiteral("missing \"%1\" in:\n%2").arg(e, event.errorString())));
        for (const QString &line : event.errorString().split(QLatin1Char('\n')))
            QVERIFY2(line.startsWith(QLatin1String("event.json: ")), qPrintable(line));
        QCOMPARE(event.errorString().split(QLatin1Char('\n')).size(), problems);
    }

    // ---- derivation ------------------------------------------------------------------------------

    void shouldDeriveEachRuleKind_data()
    {
        QTest::addColumn<QString>("identity");
        QTest::addColumn<QString>("runAt");
        QTest::addColumn<QString>("recipient");
        QTest::addColumn<int>("priority");
        QTest::addColumn<QString>("text");
        QTest::newRow("registration confirmation: now, in Spanish")
            << id("registration_confirmation", "a1") << iso(kNow0) << "+34600123456" << 5 << "Ana, estás inscrito en Growth Summit.";
        QTest::newRow("night before: 20:00 local the day before")
            << id("check_in_reminder_night_before", "a2") << "2026-06-10T00:00:00Z" << "+18105550101" << 8
            << "See you tomorrow at 09:00, Hall A.";
        QTest::newRow("one hour before, no locale: en")
            << id("check_in_reminder_1_hour", "a3") << "2026-06-10T12:00:00Z" << "+18105550102" << 3 << "Growth Summit starts in one hour.";
        QTest::newRow("event start") << id("check_in_reminder_event_start", "a1") << "2026-06-10T13:00:00Z" << "+34600123456" << 1
                                     << "Growth Summit empieza ahora.";
        QTest::newRow("speaker alert, the speaker an attendee")
            << id("speaker_alert", "a3", "s1") << "2026-06-10T13:15:00Z" << "+18105550102" << 2 << "Your session Opening starts in 15 minutes.";
        QTest::newRow("speaker alert, an inline speaker")
            << id("speaker_alert", "sp1", "s2") << "2026-06-10T14:45:00Z" << "+18108934075" << 2
            << "Your session AI in Business starts in 15 minutes.";
        QTest::newRow("PCR request to a session's attendee")
            << id("pcr_request", "a2", "s2") << "2026-06-10T15:52:00Z" << "+18105550101" << 7 << "How was AI in Business? Reply 1-10.";
        QTest::newRow("post-event wrap-up") << id("post_event_wrap_up", "a2") << "2026-06-10T23:00:00Z" << "+18105550101" << 10
                                            << "Thank you for coming to Growth Summit.";
    }
    void shouldDeriveEachRuleKind()
    {
        QFETCH(QString, identity);
        QFETCH(QString, runAt);
        QFETCH(QString, recipient);
        QFETCH(int, priority);
        QFETCH(QString, text);
        const auto d = PlanDerivation::derive(basePlan(), baseEvent(), kNow0, {});
        QVERIFY2(d.ok(), qPrintable(d.errorString()));
        const DesiredMessage *m = nullptr;
        for (const DesiredMessage &candidate : d->messages)
            if (candidate.identity == identity)
                m = &candidate;
        QVERIFY2(m, qPrintable(identity));
        QCOMPARE(iso(m->runAt), runAt);
        QCOMPARE(m->recipient, recipient);
        QCOMPARE(m->priority, priority);
        QCOMPARE(m->queue, QStringLiteral("event-messages"));
        QCOMPARE(m->channel, QStringLiteral("sms"));
        QVERIFY(m->skipReason.isEmpty());
        QCOMPARE(render(*m), text);
        const NewMessage n = m->toNewMessage();
        QCOMPARE(n.runAt, m->runAt);
        QCOMPARE(n.labels.value(QStringLiteral("event")), QStringLiteral("41"));
        QCOMPARE(n.labels.value(QStringLiteral("person")), PlanIdentity::parse(identity)->person);
    }

    void shouldCountWhatTheSeedPlanImplies()
    {
        const auto d = PlanDerivation::derive(basePlan(), baseEvent(), kNow0, {});
        QVERIFY(d.ok());
        // 5 attendee rules × 4 attendees, 2 speakers, 4 session attendances; no previous event: no notices.
        QCOMPARE(d->messages.size(), 5 * 4 + 2 + 4);
        const PlanDiff diff = PlanDiff::reconcile(*d, {});
        QCOMPARE(diff.created.size(), 21);
        QCOMPARE(diff.skipped.size(), 5);
        for (const PlanDiffEntry &e : diff.skipped)
            QCOMPARE(e.reason, QStringLiteral("attendee a4 has no phone number"));
    }

    void shouldUseTheRegistrationTimeOfKnownAttendees()
    {
        const qint64 registered = utc("2026-05-20T08:00:00Z");
        const auto d = PlanDerivation::derive(basePlan(), baseEvent(), kNow0, {{QStringLiteral("a1"), registered}});
        QVERIFY(d.ok());
        for (const DesiredMessage &m : d->messages) {
            if (m.type != QLatin1String("registration_confirmation"))
                continue;
            QCOMPARE(m.runAt, m.id.person == QLatin1String("a1") ? registered : kNow0);
        }
    }

    void shouldKeepLocalTimeAcrossDaylightSaving_data()
    {
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QString>("start");
        QTest::addColumn<QString>("nightBefore");
        QTest::addColumn<QString>("oneHourBefore");
        // The night before is on the other side of the change: 20:00 there has another offset.
        QTest::newRow("New York, spring forward (EST → EDT)")
            << "America/New_York" << "2026-03-08T10:00" << "2026-03-08T01:00:00Z" << "2026-03-08T13:00:00Z";
        QTest::newRow("New York, fall back (EDT → EST)")
            << "America/New_York" << "2026-11-01T10:00" << "2026-11-01T00:00:00Z" << "2026-11-01T14:00:00Z";
        QTest::newRow("Madrid, spring forward (CET → CEST)")
            << "Europe/Madrid" << "2026-03-29T10:00" << "2026-03-28T19:00:00Z" << "2026-03-29T07:00:00Z";
        QTest::newRow("Madrid, fall back (CEST → CET)")
            << "Europe/Madrid" << "2026-10-25T10:00" << "2026-10-24T18:00:00Z" << "2026-10-25T08:00:00Z";
    }
    void shouldKeepLocalTimeAcrossDaylightSaving()
    {
        QFETCH(QString, zone);
        QFETCH(QString, start);
        QFETCH(QString, nightBefore);
        QFETCH(QString, oneHourBefore);
        QJsonObject o = eventObject();
        o.insert(QStringLiteral("timezone"), zone);
        o.insert(QStringLiteral("start"), start);
        o.insert(QStringLiteral("end"), shifted(QJsonValue(start), 8 * kHour));
        o.remove(QStringLiteral("sessions"));
        editArray(o, "attendees", [](QJsonArray &a) {
            for (qsizetype i = 0; i < a.size(); ++i) {
                QJsonObject at = a.at(i).toObject();
                at.remove(QStringLiteral("sessions"));
                a.replace(i, at);
            }
        });
        const auto event = eventFrom(o);
        QVERIFY2(event.ok(), qPrintable(event.errorString()));
        const auto d = PlanDerivation::derive(basePlan(), *event, utc("2026-01-01T00:00:00Z"), {});
        QVERIFY(d.ok());
        const QTimeZone tz(zone.toUtf8());
        int seen = 0;
        for (const DesiredMessage &m : d->messages) {
            if (m.id.person != QLatin1String("a1"))
                continue;
            if (m.type == QLatin1String("check_in_reminder_night_before")) {
                QCOMPARE(iso(m.runAt), nightBefore);
                QCOMPARE(zonedTime(m.runAt, tz), QTime(20, 0));
                QCOMPARE(zonedDate(m.runAt, tz), zonedDate(event->startMs, tz).addDays(-1));
                ++seen;
            } else if (m.type == QLatin1String("check_in_reminder_1_hour")) {
                QCOMPARE(iso(m.runAt), oneHourBefore); // an offset is exact: one hour of real time
                ++seen;
            }
        }
        QCOMPARE(seen, 2);
    }

    void shouldPickTheAddressByChannelKind_data()
    {
        QTest::addColumn<QString>("channel");
        QTest::addColumn<QString>("configuredKind"); // "" when the channel name is a kind
        QTest::addColumn<QString>("a1");             // a1's recipient, or "skip: REASON"
        QTest::addColumn<QString>("a4");
        QTest::newRow("sms: phone") << "sms" << "" << "+34600123456" << "skip: attendee a4 has no phone number";
        QTest::newRow("email: e-mail address") << "email" << "" << "skip: attendee a1 has no e-mail address" << "dan@example.org";
        QTest::newRow("push: push token") << "push" << "" << "tok-a1" << "skip: attendee a4 has no push token";
        QTest::newRow("webhook: the person's id") << "webhook" << "" << "a1" << "a4";
        QTest::newRow("outbox: the person's id") << "outbox" << "" << "a1" << "a4";
        QTest::newRow("a configured sms channel") << "sms-gateway" << "sms" << "+34600123456" << "skip: attendee a4 has no phone number";
        QTest::newRow("a configured email channel") << "mailer" << "email" << "skip: attendee a1 has no e-mail address" << "dan@example.org";
    }
    void shouldPickTheAddressByChannelKind()
    {
        QFETCH(QString, channel);
        QFETCH(QString, configuredKind);
        QFETCH(QString, a1);
        QFETCH(QString, a4);
        PlanSpec plan = basePlan();
        plan.channel = channel;
        QHash<QString, ChannelConfig::Kind> kinds;
        if (!configuredKind.isEmpty())
            kinds.insert(channel, *ChannelConfig::parseKind(configuredKind));
        const auto d = PlanDerivation::derive(plan, baseEvent(), kNow0, {}, std::nullopt, 0, kinds);
        QVERIFY2(d.ok(), qPrintable(d.errorString()));
        const auto outcome = [&](const char *person) {
            for (const DesiredMessage &m : d->messages)
                if (m.type == QLatin1String("check_in_reminder_1_hour") && m.id.person == QLatin1String(person))
                    return m.skipReason.isEmpty() ? m.recipient : QString(QStringLiteral("skip: ") + m.skipReason);
            return QStringLiteral("(none)");
        };
        QCOMPARE(outcome("a1"), a1);
        QCOMPARE(outcome("a4"), a4);
    }

    void shouldRefuseAChannelThatIsNeitherAKindNorConfigured()
    {
        PlanSpec plan = basePlan();
        plan.channel = QStringLiteral("sms-gateway");
        const auto d = PlanDerivation::derive(plan, baseEvent(), kNow0, {});
        QVERIFY(!d.ok());
        QVERIFY2(d.errorString().contains(QLatin1String("channel 'sms-gateway' is not configured")), qPrintable(d.errorString()));
    }

    void shouldRefuseAMalformedPhoneNumberAsUndeliverable()
    {
        QJsonObject o = eventObject();
        editItem(o, "attendees", 1, [](QJsonObject &a) { a.insert(QStringLiteral("phone"), QStringLiteral("555-0101")); });
        const auto d = PlanDerivation::derive(basePlan(), *eventFrom(o), kNow0, {});
        QVERIFY(d.ok());
        const PlanDiff diff = PlanDiff::reconcile(*d, {});
        const PlanDiffEntry *e = find(diff.skipped, id("check_in_reminder_1_hour", "a2"));
        QVERIFY(e);
        QVERIFY2(e->reason.startsWith(QLatin1String("attendee a2: '555-0101' is not an E.164 phone number")), qPrintable(e->reason));
    }

    void shouldDeriveNothingForADraft()
    {
        QJsonObject o = eventObject();
        o.insert(QStringLiteral("status"), QStringLiteral("draft"));
        const auto d = PlanDerivation::derive(basePlan(), *eventFrom(o), kNow0, {}, baseEvent());
        QVERIFY(d.ok());
        QVERIFY(d->messages.isEmpty());
        QVERIFY(PlanDiff::reconcile(*d, {}).isEmpty());
    }

    void shouldWriteIdentitiesThatReadBack_data()
    {
        QTest::addColumn<QString>("session");
        QTest::addColumn<QString>("person");
        QTest::addColumn<QString>("change");
        QTest::newRow("event instance") << "" << "56" << "";
        QTest::newRow("session instance") << "s2" << "a1" << "";
        QTest::newRow("a notice") << "" << "a1" << "3f2a9c1b0d4e";
        QTest::newRow("separators in ids") << "a/b:c@d" << "x/y@z%" << "";
        QTest::newRow("a session called event") << "event" << "ana@example.org" << "abc";
        QTest::newRow("non-ASCII") << "sesión" << "José" << "";
    }
    void shouldWriteIdentitiesThatReadBack()
    {
        QFETCH(QString, session);
        QFETCH(QString, person);
        QFETCH(QString, change);
        const PlanIdentity identity{QStringLiteral("conference"), QStringLiteral("41"), QStringLiteral("speaker_alert"), session, person, change};
        const QString text = identity.toString();
        QCOMPARE(text.count(QLatin1Char('/')), qsizetype(4));
        const auto back = PlanIdentity::parse(text);
        QVERIFY(back.has_value());
        QCOMPARE(*back, identity);
        QVERIFY(!PlanIdentity::parse(QStringLiteral("conference/41/speaker_alert/meeting/a1")).has_value());
    }

    // Records keep the hash an earlier apply wrote: the payload put together from its parts, and the
    // content hashed around it, must be the very bytes QJsonDocument gave for the objects, else every
    // pending message would read as updated after an upgrade.
    void shouldHashContentAsStoredRecordsHoldIt_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("channel");
        QTest::addColumn<QString>("recipient");
        QTest::newRow("printable ASCII") << "check_in_reminder" << "sms" << "+18105550100";
        QTest::newRow("non-ASCII") << "recordatorio_día" << "sms-méxico" << "José 🎉";
        QTest::newRow("quotes and backslashes") << "a\"b" << "c\\d" << "\"quoted\"";
        QTest::newRow("control characters") << "tab\there" << "line\nfeed" << QString(QChar(0x01));
        QTest::newRow("DEL and a lone surrogate") << QString(QChar(0x7f)) << "sms" << QString(QChar(0xd800));
        QTest::newRow("undeliverable: no recipient") << "reminder" << "sms" << "";
    }
    void shouldHashContentAsStoredRecordsHoldIt()
    {
        QFETCH(QString, type);
        QFETCH(QString, channel);
        QFETCH(QString, recipient);
        DesiredMessage m;
        m.queue = QStringLiteral("event-messages");
        m.channel = channel;
        m.type = type;
        m.priority = 7;
        m.recipient = recipient;
        const QJsonObject payload{{QStringLiteral("text"), type}, {QStringLiteral("attendee"), QJsonObject{{QStringLiteral("id"), recipient}}}};
        m.payload = bytesOf(payload);
        m.hashContent();
        const QJsonObject content{{QStringLiteral("queue"), m.queue},         {QStringLiteral("channel"), m.channel},
                                  {QStringLiteral("type"), m.type},           {QStringLiteral("priority"), m.priority},
                                  {QStringLiteral("recipient"), m.recipient}, {QStringLiteral("payload"), payload}};
        QCOMPARE(m.contentHash, QString::fromLatin1(QCryptographicHash::hash(bytesOf(content), QCryptographicHash::Sha1).toHex()));
    }

    void shouldWritePayloadsAsQJsonDocumentWritesThem()
    {
        QJsonObject o = eventObject();
        o.insert(QStringLiteral("name"), QStringLiteral("\"Quoted\" \\ summit — día 🎉"));
        o.insert(QStringLiteral("venue"), QJsonObject{{QStringLiteral("name"), QStringLiteral("Sala «A»")}, {QStringLiteral("floor"), 2}});
        o.insert(QStringLiteral("data"), QJsonObject{{QStringLiteral("z"), QJsonArray{1, 2.5, true}}, {QStringLiteral("a"), QJsonValue()}});
        editItem(o, "sessions", 0, [](QJsonObject &s) { s.insert(QStringLiteral("title"), QStringLiteral("Apertura \"oficial\"")); });
        editItem(o, "attendees", 0, [](QJsonObject &a) {
            a.insert(QStringLiteral("first_name"), QStringLiteral("Zoë\\"));
            a.insert(QStringLiteral("data"), QJsonObject{{QStringLiteral("vip"), true}, {QStringLiteral("note"), QStringLiteral("line\nbreak\u0001")}});
        });
        const auto event = eventFrom(o);
        QVERIFY2(event.ok(), qPrintable(event.errorString()));
        EventSpec moved = *event;
        moved.startMs += kHour;
        moved.endMs += kHour;
        moved.venue = QStringLiteral("Hall B");
        const auto d = PlanDerivation::derive(basePlan(), moved, kNow1, {}, *event);
        QVERIFY2(d.ok(), qPrintable(d.errorString()));
        int notices = 0;
        for (const DesiredMessage &m : d->messages) {
            QCOMPARE(bytesOf(objectOf(m.payload)), m.payload);
            QCOMPARE(m.toNewMessage().payload, m.payload);
            notices += m.kind == PlanRule::Kind::Change ? 1 : 0;
        }
        QVERIFY(notices > 0);
        QCOMPARE(objectOf(d->messages.front().payload).value(QLatin1String("event")).toObject().value(QLatin1String("name")).toString(),
                 o.value(QLatin1String("name")).toString());
    }

    // ---- reconciliation --------------------------------------------------------------------------

    void shouldReconcileAChange_data()
    {
        QTest::addColumn<int>("scenario");
        QTest::addColumn<int>("created");
        QTest::addColumn<int>("moved");
        QTest::addColumn<int>("updated");
        QTest::addColumn<int>("cancelled");
        QTest::addColumn<int>("notified");
        QTest::addColumn<int>("unchanged");
        QTest::addColumn<int>("skipped");
        QTest::addColumn<QStringList>("lines"); // in the summary
        // Before the second apply the three registration confirmations went out; 18 messages are pending.
        // a4 has no phone number: 5 of the plan's messages for a4 are skipped every time.
        QTest::newRow("same file applied twice: nothing to do") << int(SameFileAgain) << 0 << 0 << 0 << 0 << 0 << 21 << 5 << QStringList{};
        QTest::newRow("event moved +1 h: every offset moves, 20:00 the night before does not")
            << int(EventMovedOneHour) << 0 << 15 << 3 << 0 << 7 << 3 << 6
            << strings({"moved     check_in_reminder_1_hour for a1: 2026-06-10T12:00:00Z → 2026-06-10T13:00:00Z, content updated",
                           "updated   check_in_reminder_night_before for a1 at 2026-06-10T00:00:00Z: content updated",
                           "notified  time_notice for a1: start 2026-06-10T09:00:00-04:00 → 2026-06-10T10:00:00-04:00, "
                           "end 2026-06-10T17:00:00-04:00 → 2026-06-10T18:00:00-04:00",
                           "skipped   time_notice for a4: attendee a4 has no phone number"});
        QTest::newRow("one session moved: only its speaker alert and PCR requests move")
            << int(OneSessionMoved) << 0 << 3 << 0 << 0 << 2 << 18 << 5
            << strings({"moved     speaker_alert for sp1 (session s2): 2026-06-10T14:45:00Z → 2026-06-10T15:15:00Z, content updated",
                           "notified  session_time_notice for a2 (session s2): session s2: start"});
        QTest::newRow("attendee removed: their pending messages cancelled, others untouched")
            << int(AttendeeRemoved) << 0 << 0 << 0 << 5 << 0 << 15 << 5
            << strings({"cancelled pcr_request for a2 (session s2): attendee a2 removed",
                           "cancelled check_in_reminder_1_hour for a2: attendee a2 removed"});
        QTest::newRow("attendee added: their messages created, the confirmation now")
            << int(AttendeeAdded) << 6 << 0 << 0 << 0 << 0 << 21 << 5
            << strings({"created   registration_confirmation for a5 at 2026-06-02T12:00:00Z",
                           "created   pcr_request for a5 (session s1) at 2026-06-10T14:22:00Z"});
        QTest::newRow("phone number removed: cancelled as undeliverable")
            << int(PhoneRemoved) << 0 << 0 << 0 << 5 << 0 << 16 << 5
            << strings({"cancelled post_event_wrap_up for a2: attendee a2 has no phone number"});
        QTest::newRow("session dropped: its messages cancelled")
            << int(SessionDropped) << 0 << 0 << 0 << 3 << 0 << 18 << 5
            << strings({"cancelled speaker_alert for sp1 (session s2): session s2 dropped",
                           "cancelled pcr_request for a1 (session s2): session s2 dropped"});
        QTest::newRow("venue changed: one notice each, every pending payload updated")
            << int(VenueChanged) << 0 << 0 << 18 << 0 << 3 << 3 << 6
            << strings({"notified  venue_notice for a1: venue \"Hall A\" → \"Hall B\""});
        QTest::newRow("event cancelled: every pending message cancelled, one notice per attendee")
            << int(EventCancelled) << 0 << 0 << 0 << 18 << 3 << 0 << 1
            << strings({"cancelled speaker_alert for a3 (session s1): event 41 cancelled", "notified  cancellation_notice for a2: event cancelled",
                           "skipped   cancellation_notice for a4: attendee a4 has no phone number"});
        QTest::newRow("event moved into the past: pending messages cancelled, not sent late")
            << int(EventMovedIntoThePast) << 0 << 0 << 0 << 18 << 7 << 3 << 6
            << strings({"cancelled check_in_reminder_event_start for a1: time passed: its new time, 2026-06-01T13:00:00Z, is before now"});
        QTest::newRow("sent messages left alone when the event moves")
            << int(SentThenEventMoved) << 0 << 0 << 0 << 0 << 7 << 21 << 6 << QStringList{};
        QTest::newRow("sent and removed by cleanup (message id 0): still left alone")
            << int(SentRemovedByCleanupThenEventMoved) << 0 << 0 << 0 << 0 << 7 << 21 << 6 << QStringList{};
    }
    void shouldReconcileAChange()
    {
        QFETCH(int, scenario);
        QFETCH(int, created);
        QFETCH(int, moved);
        QFETCH(int, updated);
        QFETCH(int, cancelled);
        QFETCH(int, notified);
        QFETCH(int, unchanged);
        QFETCH(int, skipped);
        QFETCH(QStringList, lines);

        Ledger ledger;
        const auto first = ledger.apply(baseEvent(), kNow0);
        QVERIFY2(first.ok(), qPrintable(first.errorString()));
        QCOMPARE(first->created.size(), 21);
        if (scenario == SentThenEventMoved || scenario == SentRemovedByCleanupThenEventMoved)
            ledger.deliverDue(utc("2030-01-01T00:00:00Z"), scenario == SentRemovedByCleanupThenEventMoved);
        else
            ledger.deliverDue(kNow1);
        const QList<DerivedRecord> before = ledger.records;

        QJsonObject o = eventObject();
        mutate(Scenario(scenario), o);
        const auto event = eventFrom(o);
        QVERIFY2(event.ok(), qPrintable(event.errorString()));
        const auto diff = ledger.apply(*event, kNow1);
        QVERIFY2(diff.ok(), qPrintable(diff.errorString()));
        const QString summary = diff->summary();
        QCOMPARE(diff->created.size(), created);
        QCOMPARE(diff->moved.size(), moved);
        QCOMPARE(diff->updated.size(), updated);
        QCOMPARE(diff->cancelled.size(), cancelled);
        QCOMPARE(diff->notified.size(), notified);
        QCOMPARE(diff->unchanged.size(), unchanged);
        QCOMPARE(diff->skipped.size(), skipped);
        for (const QString &line : std::as_const(lines))
            QVERIFY2(summary.contains(line), qPrintable(QStringLiteral("missing \"%1\" in:\n%2").arg(line, summary)));

        // What is sent stays sent: never moved, updated, cancelled nor created again.
        for (const DerivedRecord &r : before) {
            if (r.state != DerivedRecord::State::Sent)
                continue;
            for (const auto *list : {&diff->created, &diff->moved, &diff->updated, &diff->cancelled, &diff->notified})
                QVERIFY2(!find(*list, r.identity), qPrintable(r.identity));
        }

        switch (Scenario(scenario)) {
        case EventMovedOneHour:
            for (const PlanDiffEntry &e : diff->moved) {
                QCOMPARE(e.runAt - e.oldRunAt, kHour);
                QVERIFY(e.contentChanged);
                QCOMPARE(objectOf(e.message->payload).value(QLatin1String("event")).toObject().value(QLatin1String("start")).toString(),
                         QStringLiteral("2026-06-10T10:00:00-04:00"));
            }
            for (const PlanDiffEntry &e : diff->notified) {
                const QJsonObject change = objectOf(e.message->payload).value(QLatin1String("change")).toObject();
                QCOMPARE(change.value(QLatin1String("kind")).toString(), QStringLiteral("time_change"));
                QVERIFY(change.value(QLatin1String("old")).toObject().value(QLatin1String("start")) !=
                        change.value(QLatin1String("new")).toObject().value(QLatin1String("start")));
                QCOMPARE(e.message->runAt, kNow1);
            }
            break;
        case OneSessionMoved:
            QCOMPARE(identities(diff->moved),
                     (QStringList{id("speaker_alert", "sp1", "s2"), id("pcr_request", "a1", "s2"), id("pcr_request", "a2", "s2")}));
            for (const PlanDiffEntry &e : diff->moved)
                QCOMPARE(e.runAt - e.oldRunAt, 30 * kMinute);
            break;
        case AttendeeRemoved:
            for (const PlanDiffEntry &e : diff->cancelled) {
                QCOMPARE(e.person, QStringLiteral("a2"));
                QVERIFY(e.messageId >= 100);
            }
            break;
        case AttendeeAdded:
            for (const PlanDiffEntry &e : diff->created)
                QCOMPARE(e.person, QStringLiteral("a5"));
            QCOMPARE(find(diff->created, id("registration_confirmation", "a5"))->runAt, kNow1);
            // es-MX reads the Spanish templates.
            QCOMPARE(find(diff->created, id("registration_confirmation", "a5"))->message->locale, QStringLiteral("es"));
            break;
        case VenueChanged:
            for (const PlanDiffEntry &e : diff->updated)
                QCOMPARE(objectOf(e.message->payload).value(QLatin1String("event")).toObject().value(QLatin1String("venue")).toString(), QStringLiteral("Hall B"));
            for (const PlanDiffEntry &e : diff->notified) {
                QVERIFY(PlanIdentity::parse(e.identity)->isNotice());
                QCOMPARE(render(*e.message), QStringLiteral("Growth Summit moved from Hall A to Hall B."));
            }
            break;
        case EventCancelled:
            for (const PlanDiffEntry &e : diff->cancelled)
                QCOMPARE(e.reason, QStringLiteral("event 41 cancelled"));
            break;
        default: break;
        }

        // And again: the same state applied once more changes nothing, notifies no one.
        ledger.deliverDue(kNow1);
        const auto again = ledger.apply(*event, kNow1 + kHour);
        QVERIFY2(again.ok(), qPrintable(again.errorString()));
        QVERIFY2(again->isEmpty(), qPrintable(again->summary()));
    }

    void shouldSkipTimesInThePast()
    {
        // The first apply while the event is under way (13:20Z = 09:20 local): s1's speaker alert was
        // due at 13:15Z.
        const qint64 now = utc("2026-06-10T13:20:00Z");
        const auto d = PlanDerivation::derive(basePlan(), baseEvent(), now, {});
        QVERIFY(d.ok());
        const PlanDiff diff = PlanDiff::reconcile(*d, {});
        QCOMPARE(diff.created.size(), 3 + 1 + 4 + 3); // confirmations, s2's alert, PCR requests, wrap-ups
        QCOMPARE(diff.skipped.size(), 3 + 3 + 3 + 1 + 5);
        int passed = 0;
        for (const PlanDiffEntry &e : diff.skipped) {
            if (e.person == QLatin1String("a4"))
                continue;
            QVERIFY2(e.reason.startsWith(QLatin1String("time passed: it was due at ")), qPrintable(e.reason));
            QVERIFY(e.runAt < now);
            ++passed;
        }
        QCOMPARE(passed, 10);
        QVERIFY(find(diff.skipped, id("speaker_alert", "a3", "s1")));
        QVERIFY(find(diff.created, id("speaker_alert", "sp1", "s2")));
        for (const PlanDiffEntry &e : diff.created)
            QVERIFY(e.runAt >= now);
    }

    void shouldNotNotifyTwiceOnRepublish()
    {
        // draft → active → active
        {
            Ledger ledger;
            QJsonObject draft = eventObject();
            draft.insert(QStringLiteral("status"), QStringLiteral("draft"));
            const auto d1 = ledger.apply(*eventFrom(draft), kNow0);
            QVERIFY(d1.ok());
            QVERIFY(d1->isEmpty());
            QVERIFY(d1->skipped.isEmpty());
            const auto d2 = ledger.apply(baseEvent(), kNow0 + kHour);
            QCOMPARE(d2->created.size(), 21);
            QCOMPARE(d2->notified.size(), 0);
            QCOMPARE(find(d2->created, id("registration_confirmation", "a1"))->runAt, kNow0 + kHour); // registered when published
            const auto d3 = ledger.apply(baseEvent(), kNow0 + 2 * kHour);
            QVERIFY2(d3->isEmpty(), qPrintable(d3->summary()));
        }
        // active (Hall A) → draft (Hall B) → active (Hall B) → active (Hall B): the venue change is told once.
        {
            Ledger ledger;
            QVERIFY(ledger.apply(baseEvent(), kNow0).ok());
            ledger.deliverDue(kNow1);
            QJsonObject moved = eventObject();
            moved.insert(QStringLiteral("venue"), QStringLiteral("Hall B"));
            QJsonObject draft = moved;
            draft.insert(QStringLiteral("status"), QStringLiteral("draft"));
            const auto unpublished = ledger.apply(*eventFrom(draft), kNow1);
            QCOMPARE(unpublished->cancelled.size(), 18);
            QCOMPARE(unpublished->cancelled.first().reason, QStringLiteral("event 41 is back to draft"));
            QCOMPARE(unpublished->notified.size(), 0);
            const auto republished = ledger.apply(*eventFrom(moved), kNow1 + kHour);
            QCOMPARE(republished->created.size(), 18); // what the draft cancelled comes back
            QCOMPARE(republished->notified.size(), 3); // told what changed since they were last told
            QCOMPARE(republished->unchanged.size(), 3); // the confirmations already sent
            ledger.deliverDue(kNow1 + kHour);
            const auto again = ledger.apply(*eventFrom(moved), kNow1 + 2 * kHour);
            QVERIFY2(again->isEmpty(), qPrintable(again->summary()));
            // Cancelled, then cancelled again: one cancellation notice each.
            QJsonObject cancelled = moved;
            cancelled.insert(QStringLiteral("status"), QStringLiteral("cancelled"));
            QCOMPARE(ledger.apply(*eventFrom(cancelled), kNow1 + 3 * kHour)->notified.size(), 3);
            QVERIFY(ledger.apply(*eventFrom(cancelled), kNow1 + 4 * kHour)->isEmpty());
        }
    }

    void shouldNotifyEveryMoveEvenBackAndForth()
    {
        // Hall A → Hall B → Hall A → Hall B: four applies, three changes told, each to the 3 attendees
        // (the last is the first change made again, after people were told it was undone).
        Ledger ledger;
        QVERIFY(ledger.apply(baseEvent(), kNow0).ok());
        QJsonObject hallB = eventObject();
        hallB.insert(QStringLiteral("venue"), QStringLiteral("Hall B"));
        QStringList told;
        for (int i = 0; i < 3; ++i) {
            const auto diff = ledger.apply(i % 2 == 0 ? *eventFrom(hallB) : baseEvent(), kNow0 + (i + 1) * kHour);
            QVERIFY(diff.ok());
            QCOMPARE(diff->notified.size(), 3);
            for (const PlanDiffEntry &e : diff->notified) {
                QVERIFY2(!told.contains(e.identity), qPrintable(e.identity));
                told << e.identity;
            }
            ledger.deliverDue(kNow0 + (i + 1) * kHour);
        }
        // The same state again: nothing more.
        QVERIFY(ledger.apply(*eventFrom(hallB), kNow0 + 5 * kHour)->isEmpty());
    }

    void shouldLeaveOperatorCancelledMessagesAlone()
    {
        Ledger ledger;
        QVERIFY(ledger.apply(baseEvent(), kNow0).ok());
        const QString identity = id("check_in_reminder_1_hour", "a1");
        ledger.record(identity)->state = DerivedRecord::State::Cancelled; // by an operator: cancelledByPlan stays false
        const auto diff = ledger.apply(baseEvent(), kNow1);
        QVERIFY2(diff->isEmpty(), qPrintable(diff->summary()));
        QCOMPARE(find(diff->unchanged, identity)->state, QStringLiteral("cancelled"));
    }

    void shouldListTheDiffAsJsonAndText()
    {
        Ledger ledger;
        QVERIFY(ledger.apply(baseEvent(), kNow0).ok());
        ledger.deliverDue(kNow1);
        QJsonObject o = eventObject();
        mutate(OneSessionMoved, o);
        mutate(AttendeeRemoved, o);
        const auto diff = ledger.apply(*eventFrom(o), kNow1);
        QVERIFY(diff.ok());
        const QJsonObject json = diff->toJson();
        QCOMPARE(json.keys(), (strings({"cancelled", "created", "moved", "notified", "skipped", "unchanged", "updated"})));
        const QJsonObject moved = json.value(QLatin1String("moved")).toArray().first().toObject();
        QCOMPARE(moved.value(QLatin1String("identity")).toString(), id("speaker_alert", "sp1", "s2"));
        QCOMPARE(moved.value(QLatin1String("old_run_at")).toString(), QStringLiteral("2026-06-10T14:45:00.000Z"));
        QCOMPARE(moved.value(QLatin1String("run_at")).toString(), QStringLiteral("2026-06-10T15:15:00.000Z"));
        QCOMPARE(moved.value(QLatin1String("recipient")).toString(), QStringLiteral("+18108934075"));
        QVERIFY(moved.value(QLatin1String("message_id")).toInteger() >= 100);
        const QJsonObject cancelled = json.value(QLatin1String("cancelled")).toArray().first().toObject();
        QCOMPARE(cancelled.value(QLatin1String("reason")).toString(), QStringLiteral("attendee a2 removed"));
        // a2 left: s2's PCR requests moved for a1 only, and a2's are cancelled.
        const QStringList lines = diff->summary().split(QLatin1Char('\n'));
        QCOMPARE(lines.first(), QStringLiteral("0 created, 2 moved, 0 updated, 5 cancelled, 1 notified, 13 unchanged, 5 skipped"));
        QCOMPARE(lines.size(), 1 + 2 + 5 + 1 + 5);
    }
};

QTEST_GUILESS_MAIN(tst_Plans)
#include "tst_plans.moc"
