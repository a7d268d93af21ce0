#include "DemoData.h"

#include "EmailDemoData.h"
#include "plans/PlanApply.h"
#include "plans/PlanSpec.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QFile>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTimeZone>

#include <cmath>

namespace herald {

namespace {

constexpr qint64 kMinute = 60'000;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;
const QString kWorker = QStringLiteral("demo-worker@ops-01");

struct Person
{
    const char *first;
    const char *last;
    const char *phone; // empty: the source system's contractors without a number
};

constexpr Person kContractors[] = {
    {"Ana", "García", "+14155550101"},   {"Ben", "Okafor", "+14155550102"},   {"Chloé", "Martin", "+33612345678"},
    {"Dev", "Patel", "+447700900123"},   {"Elena", "Rossi", ""},              {"Farid", "Haddad", "+14155550106"},
    {"Grace", "Kim", "+14155550107"},    {"Hugo", "Silva", "+5511987654321"}, {"Ines", "Moreau", "+33698765432"},
    {"Jonas", "Berg", ""},               {"Kenji", "Sato", "+819012345678"},  {"Lucía", "Fernández", "+34612345678"},
};

struct EventInfo
{
    int id;
    const char *name;
    const char *venue;
};

constexpr EventInfo kEvents[] = {
    {41, "Northwind Sales Summit", "Moscone West, San Francisco"},
    {42, "Contoso Partner Day", "ExCeL London"},
    {43, "Fabrikam Field Training", "Palacio de Congresos, Madrid"},
    {44, "Tailspin Product Launch", "Javits Center, New York"},
};

struct Achievement
{
    const char *key;
    const char *en;
    const char *es;
};

constexpr Achievement kAchievements[] = {
    {"first_sale", "You made your first sale!", "¡Hiciste tu primera venta!"},
    {"streak_7", "Seven days in a row: keep going!", "Siete días seguidos: ¡sigue así!"},
    {"top_10", "You are in this month's top 10", "Estás en el top 10 de este mes"},
    {"referral", "Your referral joined: 500 points", "Tu referido se unió: 500 puntos"},
};

QByteArray json(const QJsonObject &o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

NewMessage eventMessage(QRandomGenerator &rng, int n, qint64 runAt)
{
    static const char *types[] = {"speaker_alert", "checkin_reminder", "pcr_request"};
    const Person &p = kContractors[rng.bounded(int(std::size(kContractors)))];
    const EventInfo &e = kEvents[rng.bounded(int(std::size(kEvents)))];
    const QString type = QString::fromLatin1(types[rng.bounded(3)]);
    NewMessage m;
    m.queue = QStringLiteral("event-messages");
    m.type = type;
    m.channel = QStringLiteral("sms");
    m.recipient = QString::fromUtf8(p.phone);
    m.priority = type == QLatin1String("speaker_alert") ? 1 + rng.bounded(3) : (type == QLatin1String("pcr_request") ? 4 + rng.bounded(4) : 10);
    m.runAt = runAt;
    m.labels = {{QStringLiteral("event"), QString::number(e.id)},
                {QStringLiteral("contractor"), QString::number(50 + int(&p - kContractors))}};
    QString body;
    if (type == QLatin1String("speaker_alert"))
        body = QStringLiteral("Hi {{contractor.first_name}}, your session at {{event.name}} starts in 30 minutes. Please be backstage.");
    else if (type == QLatin1String("checkin_reminder"))
        body = QStringLiteral("Hi {{contractor.first_name}}, check-in for {{event.name}} opens at 8:00 at {{event.venue}}.");
    else
        body = QStringLiteral("Hi {{contractor.first_name}}, please upload your PCR result for {{event.name}} before arrival.");
    m.payload = json({{QStringLiteral("contractor"), QJsonObject{{QStringLiteral("first_name"), QString::fromUtf8(p.first)},
                                                                 {QStringLiteral("last_name"), QString::fromUtf8(p.last)}}},
                      {QStringLiteral("event"), QJsonObject{{QStringLiteral("id"), e.id},
                                                            {QStringLiteral("name"), QString::fromUtf8(e.name)},
                                                            {QStringLiteral("venue"), QString::fromUtf8(e.venue)}}},
                      {QStringLiteral("body"), body}});
    m.dedupeKey = QStringLiteral("demo:event-messages:%1").arg(n);
    return m;
}

NewMessage incentiveMessage(QRandomGenerator &rng, int n, qint64 runAt)
{
    const Achievement &a = kAchievements[rng.bounded(int(std::size(kAchievements)))];
    const bool spanish = rng.bounded(3) == 0;
    const int user = 1000 + rng.bounded(9000);
    NewMessage m;
    m.queue = QStringLiteral("incentive-notify");
    m.type = QStringLiteral("achievement_reward");
    m.channel = QStringLiteral("push");
    m.recipient = QStringLiteral("fcm:%1").arg(QString::number(rng.generate64(), 36));
    m.priority = 1 + rng.bounded(10);
    m.runAt = runAt;
    m.labels = {{QStringLiteral("locale"), spanish ? QStringLiteral("es") : QStringLiteral("en")},
                {QStringLiteral("achievement"), QString::fromLatin1(a.key)}};
    m.payload = json({{QStringLiteral("user_id"), user},
                      {QStringLiteral("locale"), spanish ? QStringLiteral("es") : QStringLiteral("en")},
                      {QStringLiteral("title"), spanish ? QStringLiteral("¡Nuevo logro!") : QStringLiteral("New achievement!")},
                      {QStringLiteral("body"), QString::fromUtf8(spanish ? a.es : a.en)},
                      {QStringLiteral("data"), QJsonObject{{QStringLiteral("achievement"), QString::fromLatin1(a.key)}}}});
    m.dedupeKey = QStringLiteral("demo:incentive-notify:%1").arg(n);
    return m;
}

NewMessage sendEventMessage(QRandomGenerator &rng, int n, qint64 runAt)
{
    static const char *actions[] = {"points_awarded", "tier_upgraded", "challenge_started", "reward_redeemed"};
    static const char *lists[] = {"vip-2026", "new-joiners-nov", "west-region", "inactive-30d"};
    const QString action = QString::fromLatin1(actions[rng.bounded(4)]);
    const QString list = QString::fromLatin1(lists[rng.bounded(4)]);
    QJsonArray users;
    const int count = 5 + rng.bounded(20);
    for (int i = 0; i < count; ++i)
        users.append(10000 + rng.bounded(90000));
    NewMessage m;
    m.queue = QStringLiteral("send-event");
    m.type = QStringLiteral("incentive_event");
    m.channel = QStringLiteral("webhook");
    m.recipient = QStringLiteral("list:") + list;
    m.priority = 5 + rng.bounded(6);
    m.runAt = runAt;
    m.labels = {{QStringLiteral("action"), action}, {QStringLiteral("list"), list}};
    m.payload = json({{QStringLiteral("action"), action}, {QStringLiteral("user_ids"), users},
                      {QStringLiteral("points"), 50 * (1 + rng.bounded(20))}});
    m.dedupeKey = QStringLiteral("demo:send-event:%1").arg(n);
    return m;
}

// Decides how a simulated delivery ends, the way the real channels would.
Status deliver(Store &store, QRandomGenerator &rng, const Message &m)
{
    Store::Failure f;
    if (m.channel == QLatin1String("sms") && m.recipient.isEmpty()) {
        f.permanent = true;
        f.error = QStringLiteral("no phone number: SMS needs an E.164 number such as +14155550100");
    } else {
        const int roll = rng.bounded(100);
        if (roll < 12) {
            f.responseCode = m.channel == QLatin1String("webhook") ? 0 : 503;
            f.error = m.channel == QLatin1String("webhook") ? QStringLiteral("connection refused by hooks.example.org:443")
                                                             : QStringLiteral("503 Service Unavailable from the gateway");
        } else if (roll < 15) {
            f.permanent = true;
            f.responseCode = m.channel == QLatin1String("push") ? 404 : 400;
            f.error = m.channel == QLatin1String("push") ? QStringLiteral("404 Not Found: the device token is no longer registered")
                                                          : QStringLiteral("400 Bad Request: the recipient was rejected");
        } else {
            const auto done = store.complete(m.id, kWorker, QStringLiteral("demo-%1").arg(QString::number(rng.generate64(), 16)));
            return done ? Status{} : Status{done.error()};
        }
    }
    const auto failed = store.fail(m.id, kWorker, f);
    return failed ? Status{} : Status{failed.error()};
}

// An event file for the demo's plan: day days from now on the event's own clock, in its zone.
QByteArray demoEvent(qint64 now, const QString &id, const QString &name, const char *zone, int day, int startHour, const QString &venue,
                     const QJsonArray &attendees)
{
    const QTimeZone tz(zone);
    const QDate date = QDateTime::fromMSecsSinceEpoch(now, tz).date().addDays(day);
    const auto at = [&](int hour, int minute) {
        return QDateTime(date, QTime(hour, minute)).toString(QStringLiteral("yyyy-MM-ddTHH:mm"));
    };
    QJsonArray sessions{
        QJsonObject{{QStringLiteral("id"), QStringLiteral("s1")}, {QStringLiteral("title"), QStringLiteral("Opening keynote")},
                    {QStringLiteral("start"), at(startHour, 30)}, {QStringLiteral("end"), at(startHour + 1, 15)},
                    {QStringLiteral("speaker"), attendees.at(2)[QLatin1String("id")].toString()}},
        QJsonObject{{QStringLiteral("id"), QStringLiteral("s2")}, {QStringLiteral("title"), QStringLiteral("Growth in practice")},
                    {QStringLiteral("start"), at(startHour + 2, 0)}, {QStringLiteral("end"), at(startHour + 2, 45)},
                    {QStringLiteral("speaker"), QJsonObject{{QStringLiteral("id"), QString(QStringLiteral("sp-") + id)},
                                                            {QStringLiteral("name"), QStringLiteral("John Doe")},
                                                            {QStringLiteral("phone"), QStringLiteral("+18108934075")},
                                                            {QStringLiteral("locale"), QStringLiteral("en")}}}},
    };
    return QJsonDocument(QJsonObject{{QStringLiteral("id"), id},
                                     {QStringLiteral("name"), name},
                                     {QStringLiteral("status"), QStringLiteral("active")},
                                     {QStringLiteral("timezone"), QString::fromLatin1(zone)},
                                     {QStringLiteral("start"), at(startHour, 0)},
                                     {QStringLiteral("end"), at(startHour + 8, 0)},
                                     {QStringLiteral("venue"), venue},
                                     {QStringLiteral("sessions"), sessions},
                                     {QStringLiteral("attendees"), attendees}})
        .toJson(QJsonDocument::Compact);
}

QJsonObject demoAttendee(const QString &id, const QString &first, const QString &last, const QString &phone, const QString &locale,
                         const QStringList &sessions)
{
    QJsonObject a{{QStringLiteral("id"), id}, {QStringLiteral("first_name"), first}, {QStringLiteral("last_name"), last},
                  {QStringLiteral("locale"), locale}, {QStringLiteral("sessions"), QJsonArray::fromStringList(sessions)}};
    if (!phone.isEmpty())
        a.insert(QStringLiteral("phone"), phone);
    else
        a.insert(QStringLiteral("email"), QString(id + QStringLiteral("@example.org")));
    return a;
}

// The seeds' plan (docs/examples/conference-plan.json), and two events applied with it (DESIGN §11).
Status fillPlanDemo(Store &store, qint64 now)
{
    QFile file(QStringLiteral(":/herald/demo/conference-plan.json"));
    if (!file.open(QIODevice::ReadOnly))
        return Error::runtime(QStringLiteral("the demo plan is missing from this build"));
    auto plan = PlanSpec::parse(file.readAll(), QStringLiteral("the demo plan"));
    if (!plan)
        return plan.error();
    if (auto saved = store.savePlan(plan->name, QJsonDocument(plan->toJson()).toJson(QJsonDocument::Compact), QStringLiteral("demo")); !saved)
        return saved.error();
    const QJsonArray madrid{
        demoAttendee(QStringLiteral("m1"), QStringLiteral("Lucía"), QStringLiteral("Martín"), QStringLiteral("+34600111222"), QStringLiteral("es"),
                     {QStringLiteral("s1"), QStringLiteral("s2")}),
        demoAttendee(QStringLiteral("m2"), QStringLiteral("Pablo"), QStringLiteral("Ruiz"), QStringLiteral("+34600333444"), QStringLiteral("es"),
                     {QStringLiteral("s2")}),
        demoAttendee(QStringLiteral("m3"), QStringLiteral("Emma"), QStringLiteral("Clark"), QStringLiteral("+447700900123"), QStringLiteral("en"),
                     {QStringLiteral("s1")}),
        demoAttendee(QStringLiteral("m4"), QStringLiteral("Jorge"), QStringLiteral("Sanz"), QString(), QStringLiteral("es"), {}),
    };
    const QJsonArray detroit{
        demoAttendee(QStringLiteral("d1"), QStringLiteral("Ana"), QStringLiteral("García"), QStringLiteral("+13135550101"), QStringLiteral("es"),
                     {QStringLiteral("s1"), QStringLiteral("s2")}),
        demoAttendee(QStringLiteral("d2"), QStringLiteral("Bob"), QStringLiteral("Smith"), QStringLiteral("+13135550102"), QStringLiteral("en"),
                     {QStringLiteral("s2")}),
        demoAttendee(QStringLiteral("d3"), QStringLiteral("Carla"), QStringLiteral("Jones"), QStringLiteral("+13135550103"), QStringLiteral("en"),
                     {QStringLiteral("s1")}),
    };
    const std::array events{
        demoEvent(now, QStringLiteral("summit-mad"), QStringLiteral("Growth Summit Madrid"), "Europe/Madrid", 3, 9, QStringLiteral("IFEMA Hall 4"),
                  madrid),
        demoEvent(now, QStringLiteral("breakfast-dtw"), QStringLiteral("Founders Breakfast Detroit"), "America/Detroit", 9, 8,
                  QStringLiteral("Book Tower, 2nd floor"), detroit),
    };
    for (const QByteArray &event : events)
        if (auto r = applyEventPlan(store, plan->name, event, QStringLiteral("the demo event"), false, QStringLiteral("demo")); !r)
            return r.error();
    return {};
}

} // namespace

// The delivery dashboard's history (the rollups the engine writes at each outcome), for the 90 days
// before the simulated deliveries: daily cycles of reminders, pushes and webhooks, with the failures,
// retries and lateness of a working system, and a bad afternoon for the webhook peer two days ago.
Status fillDeliveryHistory(Store &store, qint64 now)
{
    struct Stream
    {
        const char *queue;
        const char *channel;
        const char *type;
        int perHour; // at the day's peak
        double failed;
        double retried;
    };
    constexpr Stream kStreams[] = {
        {"event-messages", "sms", "checkin_reminder", 60, 0.02, 0.03},
        {"event-messages", "sms", "speaker_alert", 40, 0.015, 0.02},
        {"incentive-notify", "push", "achievement_reward", 90, 0.005, 0.01},
        {"send-event", "webhook", "incentive_event", 30, 0.01, 0.04},
    };
    QRandomGenerator rng(20261207);
    QList<DeliveryRollupRow> rows;
    const qint64 end = now - 3 * kHour - (now - 3 * kHour) % kHour; // the simulated deliveries come after
    const qint64 start = end - 90 * kDay;
    for (qint64 hour = start; hour < end; hour += kHour) {
        const int hourOfDay = int((hour / kHour) % 24);
        const double daylight = hourOfDay >= 7 && hourOfDay <= 21 ? 1.0 - std::abs(hourOfDay - 14) / 10.0 : 0.08;
        const bool recent = end - hour <= 2 * kDay; // minute rows, as the engine leaves them before the fold
        const bool outage = end - hour > 40 * kHour && end - hour <= 44 * kHour;
        for (const Stream &s : kStreams) {
            const int volume = int(double(s.perHour) * daylight * (0.8 + 0.4 * rng.generateDouble()));
            if (volume <= 0)
                continue;
            const bool down = outage && QLatin1String(s.channel) == QLatin1String("webhook");
            const int parts = recent ? 4 : 1; // minute rows every quarter hour
            for (int part = 0; part < parts; ++part) {
                DeliveryRollupRow r;
                r.bucketMs = hour + part * 15 * kMinute + rng.bounded(15) * kMinute * (recent ? 1 : 0);
                r.hour = !recent;
                r.queue = QString::fromLatin1(s.queue);
                r.channel = QString::fromLatin1(s.channel);
                r.type = QString::fromLatin1(s.type);
                const qint64 n = std::max(1, volume / parts);
                r.counts.failed = down ? n / 3 : qint64(double(n) * s.failed * 2.0 * rng.generateDouble());
                r.counts.retried = down ? n : qint64(double(n) * s.retried * 2.0 * rng.generateDouble());
                r.counts.delivered = n - r.counts.failed;
                r.counts.cancelled = rng.bounded(100) < 3 ? 1 : 0;
                // Most attempts start within a few milliseconds of their time; a tail behind rate limits.
                const qint64 attempts = r.counts.delivered + r.counts.failed + r.counts.retried;
                for (qint64 i = 0; i < attempts; ++i) {
                    const int roll = int(rng.bounded(1000));
                    const qint64 late = roll < 700 ? rng.bounded(2) : roll < 950 ? 2 + rng.bounded(8) : roll < 995 ? 10 + rng.bounded(190) : 200 + rng.bounded(4800);
                    ++r.lateness[size_t(latenessBucket(down ? late * 20 : late))];
                }
                rows << r;
            }
        }
    }
    return store.addDeliveryRollups(rows);
}

Result<DemoSummary> fillDemoData(Store &store)
{
    DemoSummary summary;
    QueueConfig events;
    events.name = QStringLiteral("event-messages");
    events.rate = RateLimit{20, kMinute};
    events.defaultChannel = QStringLiteral("sms");
    QueueConfig incentives;
    incentives.name = QStringLiteral("incentive-notify");
    incentives.concurrency = 5;
    incentives.defaultChannel = QStringLiteral("push");
    incentives.retainCompletedMs = 30 * kDay;
    incentives.retainFailedMs = 7 * kDay;
    QueueConfig sendEvent;
    sendEvent.name = QStringLiteral("send-event");
    sendEvent.retry = RetryPolicy{RetryPolicy::Kind::Fixed, 15 * kMinute, 0, 0.0};
    sendEvent.defaultChannel = QStringLiteral("webhook");
    for (const QueueConfig &c : {events, incentives, sendEvent}) {
        if (store.queue(c.name))
            continue;
        if (auto s = store.addQueue(c); !s)
            return s.error();
        ++summary.queuesCreated;
    }

    const auto realClock = store.clock();
    const qint64 now = realClock();
    // First, while event-messages is still empty: its e-mail reminders of the past 90 days.
    auto email = fillEmailDemoData(store, now);
    if (!email)
        return email.error();
    summary.inserted += email->messages;
    summary.emailEvents = email->events;
    qint64 simulated = now - 2 * kDay;
    store.setClock([&simulated] { return simulated; });
    struct Restore
    {
        Store &s;
        std::function<qint64()> c;
        ~Restore() { s.setClock(c); }
    } restore{store, realClock};

    QRandomGenerator rng(20261124); // the same demo every time
    int n = 0;

    // The past two days: messages that were due and went through delivery.
    QList<NewMessage> past;
    for (int i = 0; i < 240; ++i)
        past << eventMessage(rng, ++n, now - 47 * kHour + rng.bounded(int(44 * kHour / kMinute)) * kMinute);
    for (int i = 0; i < 160; ++i)
        past << incentiveMessage(rng, ++n, now - 47 * kHour + rng.bounded(int(44 * kHour / kMinute)) * kMinute);
    for (int i = 0; i < 80; ++i)
        past << sendEventMessage(rng, ++n, now - 47 * kHour + rng.bounded(int(44 * kHour / kMinute)) * kMinute);
    auto inserted = store.enqueueBulk(past);
    if (!inserted)
        return inserted.error();
    if (inserted->inserted == 0) {
        summary.alreadyFilled = true;
        return summary;
    }
    summary.inserted += inserted->inserted;
    if (auto s = fillDeliveryHistory(store, now); !s)
        return s.error();

    // An operator cleared one contractor's messages for event 42 before they went out.
    OperatorAction cancel{ActionKind::Cancel, {}, {}, 0, QStringLiteral("demo")};
    MessageSelection contractor;
    contractor.queue = events.name;
    contractor.labels = {{QStringLiteral("event"), QStringLiteral("42")}, {QStringLiteral("contractor"), QStringLiteral("53")}};
    if (auto r = store.apply(contractor, cancel); !r)
        return r.error();

    // Deliver in rounds; retries come back after their back-off.
    simulated = now - 3 * kHour;
    for (int round = 0; round < 4; ++round) {
        for (const QueueConfig &c : {events, incentives, sendEvent}) {
            auto claimed = store.claim(c.name, 1000, kWorker, 5 * kMinute);
            if (!claimed)
                return claimed.error();
            for (const Message &m : *claimed)
                if (auto s = deliver(store, rng, m); !s)
                    return s.error();
        }
        simulated += 20 * kMinute;
    }

    // The coming two weeks, plus a few messages due right now.
    simulated = now;
    QList<NewMessage> future;
    for (int i = 0; i < 160; ++i)
        future << eventMessage(rng, ++n, now + 5 * kMinute + rng.bounded(int(14 * kDay / kMinute)) * kMinute);
    for (int i = 0; i < 80; ++i)
        future << incentiveMessage(rng, ++n, now + rng.bounded(int(3 * kDay / kMinute)) * kMinute);
    for (int i = 0; i < 40; ++i)
        future << sendEventMessage(rng, ++n, now + rng.bounded(int(7 * kDay / kMinute)) * kMinute);
    for (int i = 0; i < 12; ++i)
        future << eventMessage(rng, ++n, now - rng.bounded(10) * kMinute);
    for (int i = 0; i < 6; ++i)
        future << incentiveMessage(rng, ++n, now - rng.bounded(10) * kMinute);
    inserted = store.enqueueBulk(future);
    if (!inserted)
        return inserted.error();
    summary.inserted += inserted->inserted;

    // Event 44 was postponed by a day; event 43's contractor 57 cancelled.
    MessageSelection postponed;
    postponed.queue = events.name;
    postponed.labels = {{QStringLiteral("event"), QStringLiteral("44")}};
    postponed.states = {MessageState::Scheduled};
    if (auto r = store.apply(postponed, OperatorAction{ActionKind::Reschedule, {}, kDay, 0, QStringLiteral("demo")}); !r)
        return r.error();
    MessageSelection withdrawn;
    withdrawn.queue = events.name;
    withdrawn.labels = {{QStringLiteral("event"), QStringLiteral("43")}, {QStringLiteral("contractor"), QStringLiteral("57")}};
    if (auto r = store.apply(withdrawn, cancel); !r)
        return r.error();

    // Deliveries in flight on another machine's worker.
    for (const QueueConfig &c : {events, incentives})
        if (auto r = store.claim(c.name, 2, kWorker, 2 * kHour); !r)
            return r.error();
    // Two events whose reminders a plan derives, and follows when they move (heraldctl plan events).
    if (auto s = fillPlanDemo(store, now); !s)
        return s.error();
    return summary;
}

} // namespace herald
