// EmailStore on a real SQLite file: one row per recipient, duplicates stored once, rollups kept at
// intake, rates against hand-computed figures, suppression rules (hard, complaint, soft bounces in a
// window, expiry) and links from events to the messages whose provider id they carry.
#include "FixtureFiles.h"
#include "StoreFixture.h"
#include "email/EmailImporter.h"
#include "email/EmailIntake.h"
#include "email/EmailLinker.h"
#include "email/EmailRates.h"
#include "store/EmailStore.h"

#include <QSignalSpy>
#include <QTest>

#include <algorithm>

using namespace herald;
using namespace Qt::StringLiterals;

namespace {

constexpr qint64 kHour = 3'600'000;
constexpr qint64 kDay = 24 * kHour;

EmailEventRecord row(const QString &type, const QString &recipient, qint64 at, const QString &id, const QString &subType = {})
{
    EmailEventRecord r;
    r.snsMessageId = id;
    r.eventType = type;
    r.subType = subType;
    r.recipient = recipient;
    r.occurredAt = at;
    r.source = u"test"_s;
    r.raw = "{}";
    return r;
}

EmailEventRecord bounce(const QString &klass, const QString &recipient, qint64 at, const QString &id, const QString &diagnostic = {})
{
    EmailEventRecord r = row(EmailEventType::Bounce, recipient, at, id, klass);
    r.bounceType = klass == BounceClass::Soft ? u"Transient"_s : u"Permanent"_s;
    r.bounceSubType = klass == BounceClass::SuppressionList ? u"OnAccountSuppressionList"_s : u"General"_s;
    r.diagnosticCode = diagnostic;
    return r;
}

QList<EmailEventRecord> fixtureRows(const QString &file)
{
    return EmailIntake::classify(fixtures::object(file), fixtures::bytes(file), {true, u"file"_s, 0}).rows;
}

} // namespace

class tst_EmailStore : public QObject
{
    Q_OBJECT

    static QStringList addresses(const QList<Suppression> &list)
    {
        QStringList out;
        for (const Suppression &s : list)
            out << s.address;
        return out;
    }

private Q_SLOTS:
    void shouldStoreOneRowPerRecipientAndDuplicatesOnce()
    {
        StoreFixture f;
        QVERIFY(f.open());
        EmailStore email(*f.store);
        const QList<EmailEventRecord> rows = fixtureRows(u"notif_bounce_permanent_no_dsn.json"_s);
        auto first = email.record(rows);
        QVERIFY2(first.ok(), qPrintable(first.errorString()));
        QCOMPARE(first->inserted, 2);
        QCOMPARE(first->duplicates, 0);
        auto again = email.record(rows);
        QVERIFY(again.ok());
        QCOMPARE(again->inserted, 0);
        QCOMPARE(again->duplicates, 2);
        QCOMPARE(again->insertedRows, (QList<bool>{false, false}));

        auto events = email.events({});
        QVERIFY(events.ok());
        QCOMPARE(events->size(), 2);
        QCOMPARE(events->at(0).recipient, u"richard@example.com"_s); // newest id first
        QCOMPARE(events->at(0).recipientDomain, u"example.com"_s);
        QCOMPARE(events->at(0).raw, fixtures::bytes(u"notif_bounce_permanent_no_dsn.json"_s));
        QCOMPARE(events->at(0).receivedAt, f.now);
        // The rollups counted the rows once.
        auto totals = email.totals(0, f.now);
        QVERIFY(totals.ok());
        QCOMPARE(totals->hardBounces, 2);
    }

    void shouldFilterAndPageEvents()
    {
        StoreFixture f;
        QVERIFY(f.open());
        EmailStore email(*f.store);
        QList<EmailEventRecord> rows;
        for (int i = 0; i < 10; ++i)
            rows << row(i % 2 ? EmailEventType::Open : EmailEventType::Delivery, i < 5 ? u"ana@example.org"_s : u"Ben@Example.org"_s,
                        f.now - (10 - i) * kHour, u"m-%1"_s.arg(i));
        QVERIFY(email.record(rows).ok());
        EmailStore::EventFilter filter;
        filter.type = EmailEventType::Open;
        QCOMPARE(email.events(filter)->size(), 5);
        filter.recipient = u"BEN@example.org"_s;
        QCOMPARE(email.events(filter)->size(), 3); // i = 5, 7, 9
        EmailStore::EventFilter since;
        since.since = f.now - 3 * kHour;
        QCOMPARE(email.events(since)->size(), 3);
        EmailStore::EventFilter page;
        page.limit = 4;
        auto first = email.events(page);
        QCOMPARE(first->size(), 4);
        page.beforeId = first->back().id;
        auto second = email.events(page);
        QCOMPARE(second->size(), 4);
        QVERIFY(second->front().id < first->back().id);
        QCOMPARE(email.event(first->front().id)->snsMessageId, u"m-9"_s);
        QCOMPARE(email.event(999).error().kind, Error::Kind::NotFound);
    }

    void shouldKeepRollupsPerHourDayDomainAndReason()
    {
        StoreFixture f;
        QVERIFY(f.open());
        EmailStore email(*f.store);
        const qint64 day0 = f.now - f.now % kDay - 2 * kDay; // midnight UTC, two days ago
        QVERIFY(email.record({
                    row(EmailEventType::Send, u"a@one.example"_s, day0 + 1 * kHour + 5, u"s1"_s),
                    row(EmailEventType::Send, u"b@two.example"_s, day0 + 1 * kHour + 10, u"s2"_s),
                    row(EmailEventType::Send, u"c@one.example"_s, day0 + kDay + 3 * kHour, u"s3"_s),
                    row(EmailEventType::Delivery, u"a@one.example"_s, day0 + 1 * kHour + 500, u"d1"_s),
                    bounce(BounceClass::Hard, u"b@two.example"_s, day0 + 2 * kHour, u"b1"_s, u"smtp; 550 5.1.1 <b@two.example>... User unknown"_s),
                    bounce(BounceClass::Hard, u"c@one.example"_s, day0 + kDay + 4 * kHour, u"b2"_s, u"smtp; 550 5.1.1 <c@one.example>... User unknown"_s),
                    row(EmailEventType::Click, u"a@one.example"_s, day0 + 1 * kHour + 900, u"k1"_s),
                })
                    .ok());
        auto hours = email.series(EmailStore::Granularity::Hour, day0, day0 + 3 * kHour);
        QVERIFY(hours.ok());
        QCOMPARE(hours->size(), 3); // empty hours included
        QCOMPARE(hours->at(0).start, day0);
        QCOMPARE(hours->at(0).counts, EmailCounts{});
        QCOMPARE(hours->at(1).counts.sends, 2);
        QCOMPARE(hours->at(1).counts.deliveries, 1);
        QCOMPARE(hours->at(1).counts.clicks, 1);
        QCOMPARE(hours->at(2).counts.hardBounces, 1);
        auto days = email.series(EmailStore::Granularity::Day, day0, day0 + 3 * kDay);
        QVERIFY2(days.ok(), qPrintable(days.errorString()));
        QCOMPARE(days->size(), 3);
        QCOMPARE(days->at(0).counts.sends, 2);
        QCOMPARE(days->at(1).counts.sends, 1);
        QCOMPARE(days->at(1).counts.hardBounces, 1);
        QCOMPARE(days->at(2).counts, EmailCounts{});
        // A window of hours: from is rounded down to its hour.
        QCOMPARE(email.totals(day0 + kHour + 30 * 60'000, day0 + 2 * kHour)->sends, 2);
        QCOMPARE(email.totals(day0, day0 + 2 * kDay)->sends, 3);

        auto reasons = email.bounceReasons(day0, day0 + 3 * kDay);
        QVERIFY(reasons.ok());
        QCOMPARE(reasons->size(), 1); // the address is not part of the reason
        QCOMPARE(reasons->front().diagnostic, u"smtp; 550 5.1.1 <address>... User unknown"_s);
        QCOMPARE(reasons->front().count, 2);
        auto domains = email.domains(day0, day0 + 3 * kDay);
        QVERIFY2(domains.ok(), qPrintable(domains.errorString()));
        QCOMPARE(domains->size(), 2);
        QCOMPARE(domains->at(0).domain, u"one.example"_s);
        QCOMPARE(domains->at(0).counts.sends, 2);
        QCOMPARE(domains->at(1).counts.hardBounces, 1);
        auto range = email.eventTimeRange();
        QVERIFY(range.ok() && range->has_value());
        QCOMPARE((*range)->first, day0 + kHour);
    }

    void shouldComputeRatesAgainstHandFigures()
    {
        StoreFixture f;
        QVERIFY(f.open());
        EmailStore email(*f.store);
        const qint64 t = f.now - kDay;
        QList<EmailEventRecord> rows;
        // 400 sends; 12 permanent bounces of which 2 on the account suppression list; 5 transient; 1 complaint.
        for (int i = 0; i < 400; ++i)
            rows << row(EmailEventType::Send, u"user%1@example.org"_s.arg(i), t, u"send-%1"_s.arg(i));
        for (int i = 0; i < 10; ++i)
            rows << bounce(BounceClass::Hard, u"user%1@example.org"_s.arg(i), t + 1, u"hb-%1"_s.arg(i));
        for (int i = 10; i < 12; ++i)
            rows << bounce(BounceClass::SuppressionList, u"user%1@example.org"_s.arg(i), t + 1, u"sl-%1"_s.arg(i));
        for (int i = 12; i < 17; ++i)
            rows << bounce(BounceClass::Soft, u"user%1@example.org"_s.arg(i), t + 1, u"sb-%1"_s.arg(i));
        rows << row(EmailEventType::Complaint, u"user20@example.org"_s, t + 2, u"c-1"_s, u"abuse"_s);
        QVERIFY(email.record(rows).ok());
        auto totals = email.totals(t - kDay, f.now);
        QVERIFY(totals.ok());
        QCOMPARE(totals->sends, 400);
        QCOMPARE(totals->hardBounces, 12);
        QCOMPARE(totals->suppressionListBounces, 2);
        QCOMPARE(totals->softBounces, 5);
        QCOMPARE(totals->complaints, 1);
        const EmailRates r = EmailRates::from(*totals);
        QCOMPARE(r.basis, 400);
        QCOMPARE(r.countedBounces, 10);
        QCOMPARE(r.bounceRate, 10.0 / 400);   // 2.5 %
        QCOMPARE(r.complaintRate, 1.0 / 400); // 0.25 %
        QCOMPARE(r.bounceLevel, RateLevel::Healthy);
        QCOMPARE(r.complaintLevel, RateLevel::Review);
    }

    void shouldPlaceRatesInAmazonsBands_data()
    {
        QTest::addColumn<double>("rate");
        QTest::addColumn<int>("bounce");
        QTest::addColumn<int>("complaint");
        QTest::newRow("0") << 0.0 << int(RateLevel::Healthy) << int(RateLevel::Healthy);
        QTest::newRow("0.09 %") << 0.0009 << int(RateLevel::Healthy) << int(RateLevel::Healthy);
        QTest::newRow("0.1 %") << 0.001 << int(RateLevel::Healthy) << int(RateLevel::Review);
        QTest::newRow("0.5 %") << 0.005 << int(RateLevel::Healthy) << int(RateLevel::Pause);
        QTest::newRow("4.99 %") << 0.0499 << int(RateLevel::Healthy) << int(RateLevel::Pause);
        QTest::newRow("5 %") << 0.05 << int(RateLevel::Review) << int(RateLevel::Pause);
        QTest::newRow("10 %") << 0.10 << int(RateLevel::Pause) << int(RateLevel::Pause);
    }
    void shouldPlaceRatesInAmazonsBands()
    {
        QFETCH(double, rate);
        QFETCH(int, bounce);
        QFETCH(int, complaint);
        QCOMPARE(int(EmailRates::bounceLevelOf(rate)), bounce);
        QCOMPARE(int(EmailRates::complaintLevelOf(rate)), complaint);
    }

    void shouldRateOutcomesWhenNoSendEventsArePublished()
    {
        // The notification format has no Send events: deliveries and bounces stand in for sends.
        EmailCounts c;
        c.deliveries = 90;
        c.hardBounces = 8;
        c.softBounces = 2;
        const EmailRates r = EmailRates::from(c);
        QCOMPARE(r.basis, 100);
        QCOMPARE(r.bounceRate, 0.08);
        QCOMPARE(r.bounceLevel, RateLevel::Review);
        QCOMPARE(EmailRates::from(EmailCounts{}).bounceRate, 0.0);
    }

    void shouldSuppressHardBouncesAndComplaintsForEver()
    {
        StoreFixture f;
        QVERIFY(f.open());
        EmailStore email(*f.store);
        auto r = email.record(fixtureRows(u"notif_bounce_permanent_with_dsn.json"_s) + fixtureRows(u"notif_complaint_with_feedback.json"_s) +
                              fixtureRows(u"notif_bounce_transient_general_simulator_ooto.json"_s) +
                              fixtureRows(u"notif_delivery.json"_s));
        QVERIFY2(r.ok(), qPrintable(r.errorString()));
        QCOMPARE(r->suppressed, (QStringList{u"jane@example.com"_s, u"richard@example.com"_s}));
        auto list = email.suppressions({});
        QVERIFY(list.ok());
        QCOMPARE(addresses(*list), (QStringList{u"jane@example.com"_s, u"richard@example.com"_s}));
        QCOMPARE(list->at(0).reason, SuppressionReason::HardBounce);
        QCOMPARE(list->at(0).sourceEvent, fixtureRows(u"notif_bounce_permanent_with_dsn.json"_s).front().snsMessageId);
        QVERIFY(!list->at(0).expiresAt);
        QCOMPARE(list->at(0).createdAt, f.now);
        QCOMPARE(list->at(1).reason, SuppressionReason::Complaint);
        QCOMPARE(list->at(1).note, u"abuse"_s);
        QVERIFY(*f.store->isSuppressed(u"Jane@Example.com"_s));
        QVERIFY(!*f.store->isSuppressed(u"ooto@simulator.amazonses.com"_s));
        // A suppression-list bounce suppresses as well (SES will not send there either).
        QVERIFY(email.record(fixtureRows(u"sns_envelope_ses_bounce_permanent_onaccountsuppressionlist.json"_s)).ok());
        QVERIFY(*f.store->isSuppressed(u"relayuser@test.com"_s));
    }

    void shouldSuppressAfterSoftBouncesInTheWindowAndExpire()
    {
        StoreFixture f;
        QVERIFY(f.open());
        EmailStore email(*f.store);
        const QString who = u"flaky@example.net"_s;
        const qint64 t0 = f.now - 20 * kDay;
        // Two soft bounces, then a third eight days after the first: only two within any 7 days.
        QVERIFY(email.record({bounce(BounceClass::Soft, who, t0, u"s1"_s), bounce(BounceClass::Soft, who, t0 + 2 * kDay, u"s2"_s)}).ok());
        QVERIFY(!*f.store->isSuppressed(who));
        auto third = email.record({bounce(BounceClass::Soft, who, t0 + 8 * kDay, u"s3"_s)});
        QVERIFY(third.ok());
        QVERIFY(third->suppressed.isEmpty());
        QVERIFY(!*f.store->isSuppressed(who));
        // The fourth is the third within 7 days (s2, s3, s4): suppressed until 30 days after it.
        const qint64 t4 = t0 + 8 * kDay + 12 * kHour;
        auto fourth = email.record({bounce(BounceClass::Soft, who, t4, u"s4"_s)});
        QVERIFY(fourth.ok());
        QCOMPARE(fourth->suppressed, QStringList{who});
        QVERIFY(*f.store->isSuppressed(who));
        auto entry = email.suppressions({true, {}, who});
        QCOMPARE(entry->size(), 1);
        QCOMPARE(entry->front().reason, SuppressionReason::SoftBounce);
        QCOMPARE(entry->front().sourceEvent, u"s4"_s);
        QCOMPARE(entry->front().expiresAt, std::optional<qint64>(t4 + 30 * kDay));
        // Past the expiry the address may be sent to again; the entry stays visible as expired.
        f.now = t4 + 30 * kDay;
        QVERIFY(!*f.store->isSuppressed(who));
        QCOMPARE(email.suppressions({false, {}, {}})->size(), 0);
        QCOMPARE(email.suppressions({true, {}, {}})->size(), 1);
        f.now = t4 + 30 * kDay - 1;
        QVERIFY(*f.store->isSuppressed(who));
    }

    void shouldNeverWeakenASuppression()
    {
        StoreFixture f;
        QVERIFY(f.open());
        EmailStore email(*f.store);
        const QString who = u"gone@example.net"_s;
        QVERIFY(email.record({bounce(BounceClass::Hard, who, f.now - 5 * kDay, u"h"_s)}).ok());
        auto soft = email.record({bounce(BounceClass::Soft, who, f.now - 3 * kDay, u"a"_s), bounce(BounceClass::Soft, who, f.now - 2 * kDay, u"b"_s),
                                  bounce(BounceClass::Soft, who, f.now - kDay, u"c"_s)});
        QVERIFY(soft.ok());
        QVERIFY(soft->suppressed.isEmpty());
        auto entry = email.suppressions({true, {}, who});
        QCOMPARE(entry->front().reason, SuppressionReason::HardBounce);
        QVERIFY(!entry->front().expiresAt);
    }

    void shouldUseThePolicyStoredInTheStore()
    {
        StoreFixture f;
        QVERIFY(f.open());
        {
            EmailStore email(*f.store);
            QCOMPARE(*email.suppressionPolicy(), SuppressionPolicy{});
            QVERIFY(email.setSuppressionPolicy({2, kDay, std::nullopt}).ok());
            QCOMPARE(email.setSuppressionPolicy({-1, kDay, std::nullopt}).error().kind, Error::Kind::BadInput);
        }
        QVERIFY(f.open()); // another connection reads the same policy
        EmailStore email(*f.store);
        QCOMPARE(*email.suppressionPolicy(), (SuppressionPolicy{2, kDay, std::nullopt}));
        const QString who = u"twice@example.net"_s;
        QVERIFY(email.record({bounce(BounceClass::Soft, who, f.now - 2 * kHour, u"x"_s), bounce(BounceClass::Soft, who, f.now - kHour, u"y"_s)}).ok());
        auto entry = email.suppressions({true, {}, who});
        QCOMPARE(entry->size(), 1);
        QVERIFY(!entry->front().expiresAt); // no expiry in this policy
        // Threshold 0: soft bounces never suppress.
        QVERIFY(email.setSuppressionPolicy({0, kDay, std::nullopt}).ok());
        QVERIFY(email.record({bounce(BounceClass::Soft, u"z@example.net"_s, f.now, u"z1"_s), bounce(BounceClass::Soft, u"z@example.net"_s, f.now, u"z2"_s)}).ok());
        QVERIFY(!*f.store->isSuppressed(u"z@example.net"_s));
    }

    void shouldManageSuppressionsByHand()
    {
        StoreFixture f;
        QVERIFY(f.open());
        EmailStore email(*f.store);
        QVERIFY(f.store->addSuppression(u" Ops@Example.org "_s, SuppressionReason::Manual).ok());
        // A free-text reason (the runtime's stale push tokens) becomes the note of a manual entry.
        QVERIFY(f.store->addSuppression(u"fcm:abc"_s, u"stale push token: 404 Not Found"_s).ok());
        auto list = email.suppressions({});
        QCOMPARE(addresses(*list), (QStringList{u"fcm:abc"_s, u"ops@example.org"_s}));
        QCOMPARE(list->at(0).reason, SuppressionReason::Manual);
        QCOMPARE(list->at(0).note, u"stale push token: 404 Not Found"_s);
        QVERIFY(email.suppress({u"temp@example.org"_s, SuppressionReason::Manual, {}, u"mailbox full"_s, 0, f.now + kDay}).ok());
        QVERIFY(*f.store->isSuppressed(u"temp@example.org"_s));
        QCOMPARE(email.suppress({u"x@example.org"_s, u"spam"_s, {}, {}, 0, {}}).error().kind, Error::Kind::BadInput);
        QVERIFY(email.unsuppress(u"OPS@example.org"_s).ok());
        QVERIFY(!*f.store->isSuppressed(u"ops@example.org"_s));
        const Status missing = email.unsuppress(u"ops@example.org"_s);
        QCOMPARE(missing.error().kind, Error::Kind::NotFound);
        QVERIFY2(missing.errorString().contains(u"ops@example.org"_s), qPrintable(missing.errorString()));
        // Import keeps longer entries as they are.
        auto imported = email.importSuppressions({{u"temp@example.org"_s, SuppressionReason::Manual, {}, {}, 0, f.now + 2 * kDay},
                                                  {u"new@example.org"_s, {}, {}, {}, 0, {}}});
        QVERIFY(imported.ok());
        QCOMPARE(*imported, 2);
        QCOMPARE(email.suppressions({true, {}, u"temp@example.org"_s})->front().expiresAt, std::optional<qint64>(f.now + 2 * kDay));
        QCOMPARE(*email.importSuppressions({{u"new@example.org"_s, {}, {}, {}, 0, f.now + kDay}}), 0);
    }

    void shouldPageSuppressionsByAddressWithTheFilterApplied()
    {
        StoreFixture f;
        QVERIFY(f.open());
        EmailStore email(*f.store);
        auto entry = [&](const QString &name, const QString &reason, std::optional<qint64> expiresAt = std::nullopt) {
            return Suppression{name + u"@example.org"_s, reason, {}, {}, f.now - kDay, expiresAt};
        };
        // Given out of order; five are manual and active (ana, cleo, eva, fay, gus).
        QCOMPARE(*email.importSuppressions({entry(u"gus"_s, SuppressionReason::Manual), entry(u"ben"_s, SuppressionReason::Complaint),
                                            entry(u"eva"_s, SuppressionReason::Manual, f.now + kDay), entry(u"ana"_s, SuppressionReason::Manual),
                                            entry(u"dan"_s, SuppressionReason::Manual, f.now - kHour), entry(u"hal"_s, SuppressionReason::HardBounce),
                                            entry(u"cleo"_s, SuppressionReason::Manual), entry(u"fay"_s, SuppressionReason::Manual)}),
                 8);
        // Reads the filter two at a time, as the console does; returns the addresses and the page sizes.
        auto paged = [&](EmailStore::SuppressionFilter filter, QList<qsizetype> *sizes) {
            QStringList out;
            filter.limit = 2;
            for (;;) {
                auto page = email.suppressions(filter);
                if (!page) {
                    out << u"error: "_s + page.errorString();
                    return out;
                }
                sizes->append(page->size());
                out += addresses(*page);
                if (page->size() < filter.limit)
                    return out;
                filter.afterAddress = page->constLast().address;
            }
        };

        EmailStore::SuppressionFilter active;
        active.reason = SuppressionReason::Manual;
        active.includeExpired = false;
        QList<qsizetype> sizes;
        QCOMPARE(paged(active, &sizes),
                 (QStringList{u"ana@example.org"_s, u"cleo@example.org"_s, u"eva@example.org"_s, u"fay@example.org"_s, u"gus@example.org"_s}));
        QCOMPARE(sizes, (QList<qsizetype>{2, 2, 1}));

        // Every entry once, in the order of the whole list read at once (limit 0: no limit).
        const QStringList all = addresses(email.suppressions({}).value());
        QCOMPARE(all.size(), 8);
        QVERIFY(std::is_sorted(all.begin(), all.end()));
        sizes.clear();
        QCOMPARE(paged({}, &sizes), all);
        QCOMPARE(sizes, (QList<qsizetype>{2, 2, 2, 2, 0}));

        // The key alone: after an address that is not on the list, and after the last one.
        EmailStore::SuppressionFilter after;
        after.afterAddress = u"dan@example.org"_s;
        after.includeExpired = false;
        QCOMPARE(addresses(email.suppressions(after).value()),
                 (QStringList{u"eva@example.org"_s, u"fay@example.org"_s, u"gus@example.org"_s, u"hal@example.org"_s}));
        after.afterAddress = u"dave@example.org"_s;
        after.limit = 1;
        QCOMPARE(addresses(email.suppressions(after).value()), QStringList{u"eva@example.org"_s});
        after.afterAddress = all.constLast();
        QVERIFY(email.suppressions(after).value().isEmpty());
    }

    void shouldLinkEventsToMessagesByProviderId()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(u"email"_s);
        const qint64 a = f.enqueue(u"email"_s);
        const qint64 b = f.enqueue(u"email"_s);
        const qint64 c = f.enqueue(u"email"_s);
        auto claimed = f.store->claim(u"email"_s, 3, u"w"_s, 60'000);
        QCOMPARE(claimed->size(), 3);
        QVERIFY(*f.store->complete(a, u"w"_s, u"<4a1f@herald>"_s));
        QVERIFY(*f.store->complete(b, u"w"_s, u"0100018264c6505e-66ca92ab-000000"_s));
        EmailStore email(*f.store);
        EmailEventRecord bare = row(EmailEventType::Delivery, u"x@example.org"_s, f.now, u"e1"_s);
        bare.mailMessageId = u"4a1f@herald"_s; // SES without the brackets
        EmailEventRecord same = row(EmailEventType::Send, u"x@example.org"_s, f.now, u"e2"_s);
        same.mailMessageId = u"0100018264c6505e-66ca92ab-000000"_s;
        EmailEventRecord header = row(EmailEventType::Open, u"x@example.org"_s, f.now, u"e3"_s);
        header.mailMessageId = u"0100019999999999-ffffffff-000000"_s;
        header.headerMessageId = u"<4a1f@herald>"_s; // the Message-ID header SES reports
        EmailEventRecord later = row(EmailEventType::Delivery, u"x@example.org"_s, f.now, u"e4"_s);
        later.mailMessageId = u"<77c2@herald>"_s;
        auto r = email.record({bare, same, header, later});
        QVERIFY(r.ok());
        QCOMPARE(r->linked, 3);
        EmailStore::EventFilter ofA;
        ofA.messageId = a;
        QCOMPARE(email.events(ofA)->size(), 2);
        EmailStore::EventFilter ofB;
        ofB.messageId = b;
        QCOMPARE(email.events(ofB)->size(), 1);
        // c completes after its event arrived: linking again finds it.
        QVERIFY(*f.store->complete(c, u"w"_s, u"77c2@herald"_s));
        QCOMPARE(*email.linkUnlinked(), 1);
        QCOMPARE(email.event(email.events({})->front().id)->messageId, std::optional<qint64>(c));
    }

    void shouldLinkOnlyEventsReceivedWithinTheWindow()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(u"email"_s);
        const qint64 oldMessage = f.enqueue(u"email"_s);
        const qint64 newMessage = f.enqueue(u"email"_s);
        EmailStore email(*f.store);
        // Received two days ago, and now: both before their messages have provider ids.
        EmailEventRecord early = row(EmailEventType::Delivery, u"x@example.org"_s, f.now, u"e-old"_s);
        early.mailMessageId = u"0100018c00000001-aaaaaaaa-000000"_s;
        f.now -= 2 * kDay;
        QVERIFY(email.record({early}).ok());
        f.now += 2 * kDay;
        EmailEventRecord recent = row(EmailEventType::Delivery, u"y@example.org"_s, f.now, u"e-new"_s);
        recent.mailMessageId = u"0100018c00000002-bbbbbbbb-000000"_s;
        EmailEventRecord byHeader = row(EmailEventType::Open, u"y@example.org"_s, f.now, u"e-header"_s);
        byHeader.mailMessageId = u"0100018c00000003-cccccccc-000000"_s;
        byHeader.headerMessageId = u"<9f00@herald>"_s;
        QVERIFY(email.record({recent, byHeader}).ok());
        QCOMPARE(*email.linkUnlinkedSince(f.now - kDay), 0); // nothing has an id yet

        QVERIFY(f.store->claim(u"email"_s, 2, u"w"_s, 60'000)->size() == 2);
        QVERIFY(*f.store->complete(oldMessage, u"w"_s, u"0100018c00000001-aaaaaaaa-000000"_s));
        QVERIFY(*f.store->complete(newMessage, u"w"_s, u"9f00@herald"_s));
        EmailLinker linker(*f.store, EmailLinker::kDefaultIntervalMs, kDay);
        QSignalSpy passes(&linker, &EmailLinker::linkPassed);
        // The window covers the event by header id received now, not the one of two days ago.
        QCOMPARE(*linker.linkNow(), 1);
        QCOMPARE(passes.size(), 1);
        QCOMPARE(passes.front().value(0).toLongLong(), 1);
        QCOMPARE(email.event(email.events({})->at(0).id)->messageId, std::optional<qint64>(newMessage));
        EmailStore::EventFilter ofOld;
        ofOld.messageId = oldMessage;
        QCOMPARE(email.events(ofOld)->size(), 0);
        // Asked for everything, the old one links too; linking twice changes nothing.
        QCOMPARE(*email.linkUnlinked(), 1);
        QCOMPARE(email.events(ofOld)->size(), 1);
        QCOMPARE(*email.linkUnlinked(), 0);
    }

    void shouldLinkOnTheLinkersTimer()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(u"email"_s);
        const qint64 id = f.enqueue(u"email"_s);
        EmailStore email(*f.store);
        EmailEventRecord send = row(EmailEventType::Send, u"x@example.org"_s, f.now, u"e-send"_s);
        send.mailMessageId = u"0100018c0000000a-dddddddd-000000"_s;
        QVERIFY(email.record({send}).ok());
        QCOMPARE(email.events({})->front().messageId, std::nullopt);
        QVERIFY(f.store->claim(u"email"_s, 1, u"w"_s, 60'000)->size() == 1);
        QVERIFY(*f.store->complete(id, u"w"_s, u"0100018c0000000a-dddddddd-000000"_s));

        EmailLinker linker(*f.store, 20);
        QSignalSpy passes(&linker, &EmailLinker::linkPassed);
        linker.start();
        QVERIFY(passes.wait(10'000));
        QCOMPARE(passes.front().value(0).toLongLong(), 1);
        QCOMPARE(passes.front().value(1).toString(), QString());
        QCOMPARE(email.events({})->front().messageId, std::optional<qint64>(id));
    }

    // Many engines on one store: the timed pass is the lease holder's alone, and another engine takes it
    // over once the holder stops renewing it.
    void shouldSweepOnOneEngineAtATimeWhenTheyHoldLeases()
    {
        StoreFixture f;
        QVERIFY(f.open());
        if (!f.onServer())
            QSKIP("one engine per SQLite store (a lock file): every pass runs, no lease is taken");
        EmailLinker first(*f.store, 40);
        EmailLinker second(*f.store, 40);
        first.setLeaseHolder(u"engine-a"_s);
        second.setLeaseHolder(u"engine-b"_s);
        QSignalSpy firstPasses(&first, &EmailLinker::linkPassed);
        QSignalSpy secondPasses(&second, &EmailLinker::linkPassed);
        first.start();
        second.start();
        QTRY_VERIFY_WITH_TIMEOUT(firstPasses.size() + secondPasses.size() >= 6, 20'000);
        // The clock stands still: whoever took the lease first keeps it.
        QVERIFY2(firstPasses.isEmpty() || secondPasses.isEmpty(), qPrintable(u"%1 and %2 passes"_s.arg(firstPasses.size()).arg(secondPasses.size())));
        EmailLinker &leader = firstPasses.isEmpty() ? second : first;
        QSignalSpy &otherPasses = firstPasses.isEmpty() ? firstPasses : secondPasses;
        leader.stop();
        f.now += 1'000; // past the 120 ms lease
        QTRY_VERIFY_WITH_TIMEOUT(!otherPasses.isEmpty(), 20'000);
    }

    void shouldLinkTheEventsOfCompletedMessagesByTheirIds()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(u"email"_s);
        const qint64 id = f.enqueue(u"email"_s);
        EmailStore email(*f.store);
        EmailEventRecord bare = row(EmailEventType::Delivery, u"x@example.org"_s, f.now, u"e1"_s);
        bare.mailMessageId = u"0100018c0000000b-eeeeeeee-000000"_s;
        EmailEventRecord other = row(EmailEventType::Delivery, u"x@example.org"_s, f.now, u"e2"_s);
        other.mailMessageId = u"0100018c0000000c-ffffffff-000000"_s;
        QVERIFY(email.record({bare, other}).ok());
        QCOMPARE(*email.linkMessages({{id, u"0100018c0000000b-eeeeeeee-000000"_s}, {id + 1, QString()}}), 1);
        EmailStore::EventFilter ofMessage;
        ofMessage.messageId = id;
        QCOMPARE(email.events(ofMessage)->size(), 1);
        QCOMPARE(email.events(ofMessage)->front().snsMessageId, u"e1"_s);
    }

    // insertSyntheticEvents keeps its rollups by bulk SQL; they must be what intake (record) keeps.
    void shouldKeepTheSameRollupsForSyntheticEventsAsIntake()
    {
        StoreFixture bulk;
        QVERIFY(bulk.open());
        EmailStore fromBulk(*bulk.store);
        const qint64 from = bulk.now - 3 * kDay;
        const auto inserted = fromBulk.insertSyntheticEvents(6000, from, bulk.now);
        QVERIFY2(inserted.ok(), qPrintable(inserted.errorString()));
        QCOMPARE(*inserted, 6000);
        QCOMPARE(*fromBulk.insertSyntheticEvents(4000, from, bulk.now), 4000); // numbered on: no duplicates
        QCOMPARE(*fromBulk.countEvents(), 10000);

        StoreFixture intake;
        QVERIFY(intake.open());
        EmailStore fromIntake(*intake.store);
        EmailStore::EventFilter all;
        all.limit = 20000;
        auto events = fromBulk.events(all);
        QCOMPARE(events->size(), 10000);
        QList<EmailEventRecord> rows;
        for (const EmailEvent &e : std::as_const(*events))
            rows << static_cast<const EmailEventRecord &>(e);
        QVERIFY(fromIntake.record(rows).ok());

        for (const auto g : {EmailStore::Granularity::Hour, EmailStore::Granularity::Day}) {
            auto a = fromBulk.series(g, from, bulk.now);
            auto b = fromIntake.series(g, from, bulk.now);
            QCOMPARE(a->size(), b->size());
            for (qsizetype i = 0; i < a->size(); ++i) {
                QCOMPARE(a->at(i).start, b->at(i).start);
                QVERIFY2(a->at(i).counts == b->at(i).counts, qPrintable(u"bucket %1"_s.arg(i)));
            }
        }
        const EmailCounts totals = *fromBulk.totals(from, bulk.now);
        QVERIFY(totals == *fromIntake.totals(from, bulk.now));
        QCOMPARE(totals.sends + totals.deliveries + totals.opens + totals.clicks + totals.delays + totals.hardBounces + totals.softBounces +
                     totals.complaints + totals.rejects,
                 10000);
        QVERIFY(totals.hardBounces > 0 && totals.softBounces > 0 && totals.suppressionListBounces > 0 && totals.complaints > 0);
        auto domainsA = fromBulk.domains(from, bulk.now, 5000);
        auto domainsB = fromIntake.domains(from, bulk.now, 5000);
        QCOMPARE(domainsA->size(), domainsB->size());
        for (qsizetype i = 0; i < domainsA->size(); ++i) {
            QCOMPARE(domainsA->at(i).domain, domainsB->at(i).domain);
            QVERIFY(domainsA->at(i).counts == domainsB->at(i).counts);
        }
        QCOMPARE(domainsA->front().domain, u"gmail.com"_s);
        auto reasonsA = fromBulk.bounceReasons(from, bulk.now, 100);
        auto reasonsB = fromIntake.bounceReasons(from, bulk.now, 100);
        QCOMPARE(reasonsA->size(), reasonsB->size());
        for (qsizetype i = 0; i < reasonsA->size(); ++i) {
            QCOMPARE(reasonsA->at(i).diagnostic, reasonsB->at(i).diagnostic);
            QCOMPARE(reasonsA->at(i).count, reasonsB->at(i).count);
        }
    }

    void shouldDrawTheDashboardFromRollups()
    {
        StoreFixture f;
        QVERIFY(f.open());
        EmailStore email(*f.store);
        const qint64 day0 = f.now - f.now % kDay - 3 * kDay; // three whole UTC days before today
        QList<EmailEventRecord> rows;
        int n = 0;
        const auto add = [&](qint64 day, const QString &type, int count, const QString &klass = {}) {
            for (int i = 0; i < count; ++i) {
                EmailEventRecord r = klass.isEmpty() ? row(type, u"a%1@example.org"_s.arg(n), day0 + day * kDay + kHour, u"d%1"_s.arg(n))
                                                     : bounce(klass, u"a%1@example.org"_s.arg(n), day0 + day * kDay + kHour, u"d%1"_s.arg(n),
                                                              u"smtp; 550 5.1.1 user unknown"_s);
                rows << r;
                ++n;
            }
        };
        add(0, EmailEventType::Send, 100);
        add(0, EmailEventType::Bounce, 10, BounceClass::Hard);
        add(1, EmailEventType::Send, 100);
        add(2, EmailEventType::Send, 200);
        add(2, EmailEventType::Complaint, 1);
        QVERIFY(email.record(rows).ok());

        EmailDashboardRequest request;
        request.from = day0 + kDay; // days 1 and 2 shown; day 0 only feeds the rate window
        request.to = day0 + 3 * kDay;
        request.periodMs = kDay;
        request.rateWindowMs = 2 * kDay;
        auto d = email.dashboard(request);
        QVERIFY2(d.ok(), qPrintable(d.errorString()));
        QCOMPARE(d->series.size(), 2);
        QCOMPARE(d->series.at(0).start, day0 + kDay);
        QCOMPARE(d->totals.sends, 300);
        QCOMPARE(d->totals.hardBounces, 0);
        QCOMPARE(d->totals.complaints, 1);
        QCOMPARE(d->rateSeries.size(), 2);
        // Day 1 over days 0-1: 10 bounces / 200 sends; day 2 over days 1-2: 0 / 300, 1 / 300.
        QCOMPARE(d->rateSeries.at(0).rates.bounceRate, 0.05);
        QCOMPARE(d->rateSeries.at(0).rates.bounceLevel, RateLevel::Review);
        QCOMPARE(d->rateSeries.at(1).rates.bounceRate, 0.0);
        QCOMPARE(d->rateSeries.at(1).rates.complaintRate, 1.0 / 300);
        QCOMPARE(d->rates.complaintRate, 1.0 / 300);
        QVERIFY(d->bounceReasons.isEmpty()); // day 0's bounces are outside the range
        QCOMPARE(d->domains.size(), 1);
        QCOMPARE(d->domains.front().counts.sends, 300);

        request.from = day0;
        request.periodMs = kHour;
        request.rateWindowMs = 0;
        d = email.dashboard(request);
        QVERIFY(d.ok());
        QCOMPARE(d->series.size(), 72);
        QCOMPARE(d->rateSeries.at(1).rates.bounceRate, 0.1); // hour 1 of day 0, alone
        QCOMPARE(d->bounceReasons.size(), 1);
        QCOMPARE(d->bounceReasons.front().count, 10);
        request.periodMs = 60'000;
        QCOMPARE(email.dashboard(request).error().kind, Error::Kind::BadInput);
    }

    void shouldImportFilesWithProgressProblemsAndCancel()
    {
        StoreFixture f;
        QVERIFY(f.open());
        // The topic-validation notice, three SES events, a line that is not JSON.
        QByteArray lines = QJsonDocument::fromJson(fixtures::bytes(u"sns_envelope_ses_topic_validation_notification_non_json_message.json"_s))
                               .toJson(QJsonDocument::Compact) + '\n';
        for (const QString &file : {u"event_send.json"_s, u"event_delivery.json"_s, u"notif_bounce_permanent_no_dsn.json"_s})
            lines += QJsonDocument::fromJson(fixtures::bytes(file)).toJson(QJsonDocument::Compact) + '\n';
        lines += "not json\n";
        QList<std::pair<qint64, qint64>> progress;
        EmailImporter::Options o;
        o.batchSize = 2;
        o.progress = [&progress](qint64 done, qint64 total) { progress << std::pair{done, total}; };
        EmailImporter importer(*f.store, o);
        QVERIFY(importer.add(lines, u"events.jsonl"_s).ok());
        QVERIFY(importer.finish().ok());
        const EmailImporter::Report &r = importer.report();
        QCOMPARE(r.imported, 3);
        QCOMPARE(r.events, 4);
        QCOMPARE(r.ignored, 1);
        QCOMPARE(r.invalid.size(), 1);
        QCOMPARE(r.invalid.front().location, u"events.jsonl:5"_s);
        QCOMPARE(r.suppressed, (QStringList{u"jane@example.com"_s, u"richard@example.com"_s}));
        QCOMPARE(progress.back(), (std::pair<qint64, qint64>{5, 5}));

        // Verification refuses what carries no signature.
        EmailImporter::Options strict;
        strict.verify = [](const SnsMessage &) { return Status{}; };
        EmailImporter verifying(*f.store, strict);
        QVERIFY(verifying.add(lines, u"again.jsonl"_s).ok());
        QCOMPARE(verifying.report().invalid.size(), 4); // three raw SES documents and the line that is not JSON
        QVERIFY(verifying.report().invalid.front().reason.contains(u"no SNS signature"_s));
        QCOMPARE(verifying.report().ignored, 1);

        // Cancel stops between documents: here after the first.
        std::atomic_bool cancel = false;
        EmailImporter::Options stopping;
        stopping.cancel = &cancel;
        stopping.progress = [&cancel](qint64 done, qint64) { cancel = done >= 1; };
        EmailImporter cancelled(*f.store, stopping);
        QVERIFY(cancelled.add(lines, u"third.jsonl"_s).ok());
        QVERIFY(cancelled.report().cancelled);
        QCOMPARE(cancelled.report().ignored, 1);
        QCOMPARE(cancelled.report().duplicates + cancelled.report().imported, 1); // only the first SES document was reached
    }

    void shouldRecordSnsNoticesOnce()
    {
        StoreFixture f;
        QVERIFY(f.open());
        EmailStore email(*f.store);
        const EmailStore::SnsNotice n{u"7f46a153"_s, u"SubscriptionConfirmation"_s, u"arn:aws:sns:us-east-1:1:t"_s, u"confirm"_s,
                                      u"https://sns.us-east-1.amazonaws.com/?Action=ConfirmSubscription"_s, 0, {}, {}};
        QVERIFY(*email.recordNotice(n));
        QVERIFY(!*email.recordNotice(n));
        QVERIFY(email.setNoticeConfirmed(n.snsMessageId, {}).ok());
        auto list = email.notices();
        QCOMPARE(list->size(), 1);
        QCOMPARE(list->front().confirmedAt, std::optional<qint64>(f.now));
    }

    void shouldRefuseWritesOnAReadOnlyStore()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.store.reset();
        Store::OpenOptions o;
        o.readOnly = true;
        auto ro = Store::open(f.url(), o);
        QVERIFY(ro.ok());
        EmailStore email(**ro);
        auto r = email.record({row(EmailEventType::Send, u"a@example.org"_s, 1, u"x"_s)});
        QVERIFY(!r.ok());
        QCOMPARE(r.error().kind, Error::Kind::Refused);
    }
};

QTEST_GUILESS_MAIN(tst_EmailStore)
#include "tst_emailstore.moc"
