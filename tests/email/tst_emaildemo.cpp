// The demo's e-mail side: 90 days of events tied to demo messages through the real intake, one bad
// week over Amazon's review level, suppressions that follow from them, and nothing added twice.
#include "StoreFixture.h"
#include "demo/DemoData.h"
#include "email/EmailRates.h"
#include "store/EmailStore.h"

#include <QTest>

using namespace herald;
using namespace Qt::StringLiterals;

class tst_EmailDemo : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldWriteNinetyDaysOfLinkedEventsOnce()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.store->setClock({}); // the demo is laid out around the real now
        auto first = fillDemoData(*f.store);
        QVERIFY2(first.ok(), qPrintable(first.errorString()));
        QVERIFY(first->emailEvents > 5000);
        VERIFY_COUNTERS(f);

        const qint64 now = f.store->now();
        constexpr qint64 day = EmailStore::kDayMs;
        EmailStore email(*f.store);
        auto days = email.series(EmailStore::Granularity::Day, now - 91 * day, now);
        QVERIFY(days.ok());
        int daysWithSends = 0;
        double worstWeek = 0;
        for (qsizetype i = 0; i < days->size(); ++i) {
            daysWithSends += days->at(i).counts.sends > 0 ? 1 : 0;
            EmailCounts week;
            for (qsizetype k = i; k < std::min<qsizetype>(days->size(), i + 7); ++k)
                week += days->at(k).counts;
            worstWeek = std::max(worstWeek, EmailRates::from(week).bounceRate);
        }
        QVERIFY2(daysWithSends >= 89, qPrintable(QString::number(daysWithSends)));
        QVERIFY2(worstWeek >= EmailRates::kBounceReview, qPrintable(QString::number(worstWeek)));
        auto all = email.totals(now - 91 * day, now + day);
        QVERIFY(all->deliveries > all->hardBounces * 10); // mostly deliveries
        QVERIFY(all->opens > 0 && all->clicks > 0 && all->complaints > 0 && all->softBounces > 0);
        QCOMPARE(EmailRates::from(*all).bounceLevel, RateLevel::Healthy); // bad over a week, not over 90 days

        // Every event belongs to a demo message through its provider id.
        EmailStore::EventFilter page;
        page.limit = 100'000;
        auto events = email.events(page);
        QCOMPARE(events->size(), first->emailEvents);
        for (const EmailEvent &e : *events)
            QVERIFY2(e.messageId.has_value(), qPrintable(e.mailMessageId));
        auto message = f.store->message(*events->front().messageId);
        QCOMPARE(message->channel, u"email"_s);
        QCOMPARE(message->state, MessageState::Completed);
        QCOMPARE(message->recipient, events->front().recipient);

        // Hard bounces and complaints suppressed for ever; the full mailbox for 30 days.
        auto hard = email.suppressions({true, SuppressionReason::HardBounce, {}});
        QVERIFY(hard->size() > 20);
        QVERIFY(!email.suppressions({true, SuppressionReason::Complaint, {}})->isEmpty());
        auto full = email.suppressions({true, {}, u"mailbox.full@fabrikam.example"_s});
        QCOMPARE(full->size(), 1);
        QCOMPARE(full->front().reason, SuppressionReason::SoftBounce);
        QVERIFY(full->front().expiresAt && *full->front().expiresAt > now);
        QVERIFY(*f.store->isSuppressed(u"mailbox.full@fabrikam.example"_s));

        auto second = fillDemoData(*f.store);
        QVERIFY(second.ok());
        QCOMPARE(second->emailEvents, 0);
        QCOMPARE(second->inserted, 0);
        QCOMPARE(email.events(page)->size(), events->size());
    }
};

QTEST_GUILESS_MAIN(tst_EmailDemo)
#include "tst_emaildemo.moc"
