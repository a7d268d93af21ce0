#include "EmailDemoData.h"

#include "email/EmailIntake.h"
#include "model/TimeText.h"
#include "store/EmailStore.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>

namespace herald {

namespace {

constexpr qint64 kSecond = 1000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;
constexpr int kDays = 90;
const QString kQueue = QStringLiteral("event-messages");
const QString kWorker = QStringLiteral("demo-worker@ops-01");
const QString kSource = QStringLiteral("Herald Events <events@herald.example>");

const char *const kFirst[] = {"ana", "ben", "chloe", "dev", "elena", "farid", "grace", "hugo", "ines", "jonas", "kenji", "lucia",
                              "maya", "nils", "olga", "pablo", "quinn", "rosa", "sami", "tara"};
const char *const kLast[] = {"garcia", "okafor", "martin", "patel", "rossi", "haddad", "kim", "silva", "moreau", "berg", "sato", "fernandez"};
const char *const kDomains[] = {"mail.example.com", "inbox.example.net", "northwind.example", "contoso.example",
                                "fabrikam.example", "tailspin.example", "adatum.example", "litware.example"};

struct Outcome
{
    enum Kind { Delivered, Hard, Soft } kind = Delivered;
    bool delayed = false;
    bool opened = false;
    bool clicked = false;
    bool complained = false;
    QString diagnostic;
    QString status;
};

QString address(QRandomGenerator &rng)
{
    return QStringLiteral("%1.%2@%3")
        .arg(QString::fromLatin1(kFirst[rng.bounded(int(std::size(kFirst)))]), QString::fromLatin1(kLast[rng.bounded(int(std::size(kLast)))]),
             QString::fromLatin1(kDomains[rng.bounded(int(std::size(kDomains)))]));
}

QString sesMessageId(QRandomGenerator &rng, qint64 at)
{
    // The shape of SES's ids: time in hex, a UUID, a sequence.
    return QStringLiteral("%1-%2-%3-4%4-%5-%6-000000")
        .arg(QString::number(at, 16).rightJustified(16, QLatin1Char('0')))
        .arg(rng.generate(), 8, 16, QLatin1Char('0'))
        .arg(rng.bounded(0x10000), 4, 16, QLatin1Char('0'))
        .arg(rng.bounded(0x1000), 3, 16, QLatin1Char('0'))
        .arg(0x8000 + rng.bounded(0x4000), 4, 16, QLatin1Char('0'))
        .arg(rng.generate64() & 0xffffffffffffULL, 12, 16, QLatin1Char('0'));
}

QJsonObject mail(const QString &messageId, qint64 sentAt, const QString &to, const QString &subject)
{
    return QJsonObject{{QStringLiteral("timestamp"), formatTimestamp(sentAt)},
                       {QStringLiteral("source"), kSource},
                       {QStringLiteral("sourceArn"), QStringLiteral("arn:aws:ses:us-east-1:111122223333:identity/herald.example")},
                       {QStringLiteral("sendingAccountId"), QStringLiteral("111122223333")},
                       {QStringLiteral("messageId"), messageId},
                       {QStringLiteral("destination"), QJsonArray{to}},
                       {QStringLiteral("headersTruncated"), false},
                       {QStringLiteral("commonHeaders"), QJsonObject{{QStringLiteral("from"), QJsonArray{kSource}},
                                                                     {QStringLiteral("to"), QJsonArray{to}},
                                                                     {QStringLiteral("messageId"), messageId},
                                                                     {QStringLiteral("subject"), subject}}},
                       {QStringLiteral("tags"), QJsonObject{{QStringLiteral("ses:configuration-set"), QJsonArray{QStringLiteral("herald-demo")}}}}};
}

QJsonObject event(const QString &type, const QJsonObject &mailObject, const QString &detailKey, const QJsonObject &detail)
{
    QJsonObject o{{QStringLiteral("eventType"), type}, {QStringLiteral("mail"), mailObject}};
    o.insert(detailKey, detail);
    return o;
}

} // namespace

Result<EmailDemoSummary> fillEmailDemoData(Store &store, qint64 now)
{
    EmailDemoSummary summary;
    // Only into a fresh queue: claims below take every waiting message of it.
    auto stats = store.stats();
    if (!stats)
        return stats.error();
    for (const QueueCounts &c : *stats)
        if (c.queue == kQueue && c.total() > 0)
            return summary;

    const auto realClock = store.clock();
    qint64 simulated = now;
    store.setClock([&simulated] { return simulated; });
    struct Restore
    {
        Store &s;
        std::function<qint64()> c;
        ~Restore() { s.setClock(c); }
    } restore{store, realClock};

    QRandomGenerator rng(20261125); // the same demo every time
    EmailStore email(store);
    const qint64 firstDay = (now - now % kDay) - kDays * kDay;
    const qint64 badWeekStart = firstDay + 45 * kDay; // days 45-51: an old list was imported
    int n = 0;
    for (int day = 0; day < kDays; ++day) {
        const qint64 dayStart = firstDay + day * kDay;
        const bool badWeek = dayStart >= badWeekStart && dayStart < badWeekStart + 7 * kDay;
        // Three sending runs a day, as reminders go out: morning, midday, afternoon (UTC).
        for (const qint64 runHour : {8, 12, 16}) {
            const qint64 runAt = dayStart + runHour * kHour + rng.bounded(20) * kMinute;
            if (runAt >= now - kHour)
                break;
            const int count = 6 + rng.bounded(7) + (badWeek ? 10 : 0);
            QList<NewMessage> batch;
            for (int i = 0; i < count; ++i) {
                const bool oldList = badWeek && rng.bounded(100) < 45;
                NewMessage m;
                m.queue = kQueue;
                m.channel = QStringLiteral("email");
                m.type = rng.bounded(3) == 0 ? QStringLiteral("event_update") : QStringLiteral("checkin_reminder");
                m.recipient = oldList ? QStringLiteral("contact%1@legacy-crm.example").arg(++n) : address(rng);
                // Herald would cancel mail to a suppressed address; the demo writes to someone else instead.
                for (int tries = 0; !oldList && tries < 5; ++tries) {
                    auto suppressed = store.isSuppressed(m.recipient);
                    if (!suppressed)
                        return suppressed.error();
                    if (!*suppressed)
                        break;
                    m.recipient = address(rng);
                }
                m.priority = 5;
                m.runAt = runAt;
                m.labels = {{QStringLiteral("event"), QString::number(41 + rng.bounded(4))}, {QStringLiteral("kind"), QStringLiteral("email")}};
                m.payload = QJsonDocument(QJsonObject{{QStringLiteral("subject"), m.type == QLatin1String("event_update") ? QStringLiteral("Your event has changed")
                                                                                                                        : QStringLiteral("Check-in opens tomorrow")},
                                                      {QStringLiteral("body"), QStringLiteral("Hello, see you at the event.")}})
                                .toJson(QJsonDocument::Compact);
                m.dedupeKey = QStringLiteral("demo:email:%1:%2:%3").arg(day).arg(runHour).arg(i);
                batch << m;
            }
            // Mailbox full, three times within a week near the end: suppressed for 30 days.
            if (day == kDays - 7 || day == kDays - 5 || day == kDays - 3) {
                NewMessage m = batch.front();
                m.recipient = QStringLiteral("mailbox.full@fabrikam.example");
                m.dedupeKey = QStringLiteral("demo:email:%1:%2:full").arg(day).arg(runHour);
                batch << m;
            }
            simulated = runAt;
            auto inserted = store.enqueueBulk(batch);
            if (!inserted)
                return inserted.error();
            summary.messages += inserted->inserted;
            auto claimed = store.claim(kQueue, int(batch.size()), kWorker, 5 * kMinute);
            if (!claimed)
                return claimed.error();
            simulated = runAt + 2 * kSecond;
            Store::WriteBatch done;
            done.owner = kWorker;
            done.promote = false;
            QList<QJsonObject> events;
            for (const Message &m : *claimed) {
                const qint64 sentAt = runAt + rng.bounded(1500);
                const QString id = sesMessageId(rng, sentAt);
                done.completions << Store::Completion{m.id, id, {}};
                const bool oldList = m.recipient.endsWith(QLatin1String("@legacy-crm.example"));
                const QString subject = QJsonDocument::fromJson(m.payload).object().value(QLatin1String("subject")).toString();
                const QJsonObject mo = mail(id, sentAt, m.recipient, subject);
                events << event(QStringLiteral("Send"), mo, QStringLiteral("send"), {});
                Outcome o;
                const int roll = rng.bounded(1000);
                if (m.recipient.startsWith(QLatin1String("mailbox.full@"))) {
                    o.kind = Outcome::Soft;
                    o.status = QStringLiteral("4.2.2");
                    o.diagnostic = QStringLiteral("smtp; 452 4.2.2 The email account that you tried to reach is over quota");
                } else if (oldList ? roll < 200 : roll < 8) {
                    o.kind = Outcome::Hard;
                    o.status = QStringLiteral("5.1.1");
                    o.diagnostic = oldList || roll < 5 ? QStringLiteral("smtp; 550 5.1.1 <%1>: Recipient address rejected: User unknown").arg(m.recipient)
                                                       : QStringLiteral("smtp; 550 5.4.1 Recipient address rejected: Access denied");
                } else if (roll < 22) {
                    o.kind = Outcome::Soft;
                    o.status = QStringLiteral("4.4.7");
                    o.diagnostic = QStringLiteral("smtp; 421 4.4.7 Message expired: unable to deliver in 840 minutes");
                } else {
                    o.delayed = roll < 35;
                    o.opened = rng.bounded(100) < 38;
                    o.clicked = o.opened && rng.bounded(100) < 22;
                    o.complained = rng.bounded(10000) < 7;
                }
                qint64 t = sentAt + 2 * kSecond + rng.bounded(3000);
                if (o.delayed) {
                    events << event(QStringLiteral("DeliveryDelay"), mo, QStringLiteral("deliveryDelay"),
                                    QJsonObject{{QStringLiteral("timestamp"), formatTimestamp(t)},
                                                {QStringLiteral("delayType"), QStringLiteral("TransientCommunicationFailure")},
                                                {QStringLiteral("delayedRecipients"),
                                                 QJsonArray{QJsonObject{{QStringLiteral("emailAddress"), m.recipient},
                                                                        {QStringLiteral("status"), QStringLiteral("4.4.1")},
                                                                        {QStringLiteral("diagnosticCode"), QStringLiteral("smtp; 421 4.4.1 Unable to connect to remote host")}}}}});
                    t += 10 * kMinute + rng.bounded(int(30 * kMinute));
                }
                if (o.kind == Outcome::Delivered) {
                    events << event(QStringLiteral("Delivery"), mo, QStringLiteral("delivery"),
                                    QJsonObject{{QStringLiteral("timestamp"), formatTimestamp(t)},
                                                {QStringLiteral("recipients"), QJsonArray{m.recipient}},
                                                {QStringLiteral("processingTimeMillis"), int(t - sentAt)},
                                                {QStringLiteral("smtpResponse"), QStringLiteral("250 2.0.0 OK")},
                                                {QStringLiteral("reportingMTA"), QStringLiteral("a8-30.smtp-out.amazonses.com")}});
                } else {
                    const bool hard = o.kind == Outcome::Hard;
                    events << event(QStringLiteral("Bounce"), mo, QStringLiteral("bounce"),
                                    QJsonObject{{QStringLiteral("timestamp"), formatTimestamp(t)},
                                                {QStringLiteral("bounceType"), hard ? QStringLiteral("Permanent") : QStringLiteral("Transient")},
                                                {QStringLiteral("bounceSubType"), hard ? QStringLiteral("General") : QStringLiteral("MailboxFull")},
                                                {QStringLiteral("feedbackId"), sesMessageId(rng, t)},
                                                {QStringLiteral("reportingMTA"), QStringLiteral("dns; a8-30.smtp-out.amazonses.com")},
                                                {QStringLiteral("bouncedRecipients"),
                                                 QJsonArray{QJsonObject{{QStringLiteral("emailAddress"), m.recipient},
                                                                        {QStringLiteral("action"), QStringLiteral("failed")},
                                                                        {QStringLiteral("status"), o.status},
                                                                        {QStringLiteral("diagnosticCode"), o.diagnostic}}}}});
                }
                if (o.opened) {
                    t += 5 * kMinute + rng.bounded(int(6 * kHour / kSecond)) * kSecond;
                    if (t < now)
                        events << event(QStringLiteral("Open"), mo, QStringLiteral("open"),
                                        QJsonObject{{QStringLiteral("timestamp"), formatTimestamp(t)},
                                                    {QStringLiteral("ipAddress"), QStringLiteral("192.0.2.%1").arg(1 + rng.bounded(250))},
                                                    {QStringLiteral("userAgent"), QStringLiteral("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)")}});
                }
                if (o.clicked) {
                    t += 20 * kSecond + rng.bounded(int(10 * kMinute / kSecond)) * kSecond;
                    if (t < now)
                        events << event(QStringLiteral("Click"), mo, QStringLiteral("click"),
                                        QJsonObject{{QStringLiteral("timestamp"), formatTimestamp(t)},
                                                    {QStringLiteral("ipAddress"), QStringLiteral("192.0.2.%1").arg(1 + rng.bounded(250))},
                                                    {QStringLiteral("link"), QStringLiteral("https://events.herald.example/checkin?event=%1")
                                                                                 .arg(m.labels.value(QStringLiteral("event")))},
                                                    {QStringLiteral("linkTags"), QJsonObject{}}});
                }
                if (o.complained) {
                    t += kHour + rng.bounded(int(2 * kDay / kMinute)) * kMinute;
                    if (t < now)
                        events << event(QStringLiteral("Complaint"), mo, QStringLiteral("complaint"),
                                        QJsonObject{{QStringLiteral("timestamp"), formatTimestamp(t)},
                                                    {QStringLiteral("complaintFeedbackType"), QStringLiteral("abuse")},
                                                    {QStringLiteral("feedbackId"), sesMessageId(rng, t)},
                                                    {QStringLiteral("complainedRecipients"),
                                                     QJsonArray{QJsonObject{{QStringLiteral("emailAddress"), m.recipient}}}}});
                }
            }
            if (auto r = store.commitBatch(done); !r)
                return r.error();
            QList<EmailEventRecord> rows;
            for (const QJsonObject &e : std::as_const(events))
                rows << EmailIntake::classify(e, QJsonDocument(e).toJson(QJsonDocument::Compact), {true, QStringLiteral("demo"), simulated}).rows;
            auto recorded = email.record(rows);
            if (!recorded)
                return recorded.error();
            summary.events += recorded->inserted;
        }
    }
    return summary;
}

} // namespace herald
