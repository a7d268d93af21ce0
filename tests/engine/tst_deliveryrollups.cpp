// Delivery rollups (issue 17): every outcome is counted in its minute, queue, channel and type in the
// transaction that writes it, with its lateness; the dashboard reads them back per bucket, in total and
// per group; old minutes fold into hours without changing a total. Runs on SQLite and PostgreSQL.
#include "StoreFixture.h"

#include "model/DeliveryStats.h"

using namespace herald;

#define HERALD_CHECK(expression)                                                                                                  \
    do {                                                                                                                          \
        const auto checked_ = (expression);                                                                                       \
        QVERIFY2(checked_.ok(), qPrintable(checked_.errorString()));                                                              \
    } while (false)

template<typename T, typename U>
T valueOr(const herald::Result<T> &r, U fallback)
{
    return r ? *r : T(fallback);
}

namespace {

constexpr qint64 kMinute = 60'000;
constexpr qint64 kHour = 60 * kMinute;

MessageSelection ids(const QList<qint64> &list)
{
    MessageSelection s;
    s.ids = list;
    return s;
}

DeliveryQuery lastHour(const StoreFixture &f, const QString &queue = {})
{
    DeliveryQuery q;
    q.fromMs = f.now - kHour;
    q.toMs = f.now + kMinute;
    q.bucketMs = kMinute;
    q.queue = queue;
    return q;
}

QString counts(const DeliveryCounts &c)
{
    return QStringLiteral("%1 delivered, %2 failed, %3 retried, %4 cancelled").arg(c.delivered).arg(c.failed).arg(c.retried).arg(c.cancelled);
}

} // namespace

class tst_DeliveryRollups : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldCountEachOutcomeInItsMinuteWithItsLateness()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("sms"), 2);
        // Six messages due now, claimed 250 ms late.
        QList<qint64> id;
        for (int i = 0; i < 6; ++i)
            id << f.enqueue(QStringLiteral("sms"), f.now);
        f.now += 250;
        auto claimed = f.store->claim(QStringLiteral("sms"), 6, QStringLiteral("w"), 60'000);
        QVERIFY(claimed.ok());
        QCOMPARE(claimed->size(), 6);
        f.now += 1'000;
        QVERIFY(valueOr(f.store->complete(id[0], QStringLiteral("w")), false));
        QVERIFY(valueOr(f.store->complete(id[1], QStringLiteral("w"), QStringLiteral("provider-1")), false)); // the single-row path
        // A retryable failure with attempts left is retried; a permanent one fails; a suppressed one is cancelled.
        QCOMPARE(valueOr(f.store->fail(id[2], QStringLiteral("w"), Store::Failure{QStringLiteral("HTTP 503"), false}), std::nullopt),
                 std::optional<MessageState>(MessageState::Scheduled));
        QCOMPARE(valueOr(f.store->fail(id[3], QStringLiteral("w"), Store::Failure{QStringLiteral("no phone number"), true}), std::nullopt),
                 std::optional<MessageState>(MessageState::Failed));
        Store::Failure suppressed{QStringLiteral("suppressed address")};
        suppressed.suppressed = true;
        QCOMPARE(valueOr(f.store->fail(id[4], QStringLiteral("w"), suppressed), std::nullopt),
                 std::optional<MessageState>(MessageState::Cancelled));
        // An operator cancels the last one while it is in flight: its late success is not ours, not counted.
        QVERIFY(f.store->apply(ids({id[5]}), OperatorAction{ActionKind::Cancel}).ok());
        QCOMPARE(valueOr(f.store->complete(id[5], QStringLiteral("w")), true), false);

        auto d = f.store->deliveryDashboard(lastHour(f));
        QVERIFY2(d.ok(), qPrintable(d.errorString()));
        QCOMPARE(counts(d->total), QStringLiteral("2 delivered, 1 failed, 1 retried, 2 cancelled"));
        // Every outcome in the minute it happened, the other buckets of the hour empty.
        const DeliveryQuery asked = lastHour(f);
        QVERIFY(d->buckets.first().startMs <= asked.fromMs && d->buckets.first().startMs % kMinute == 0);
        QVERIFY(d->buckets.last().startMs < asked.toMs && d->buckets.last().startMs + kMinute >= asked.toMs);
        for (qsizetype i = 1; i < d->buckets.size(); ++i)
            QCOMPARE(d->buckets[i].startMs - d->buckets[i - 1].startMs, kMinute);
        qint64 nonEmpty = 0;
        for (const DeliveryBucket &b : d->buckets) {
            if (b.counts.total() == 0)
                continue;
            ++nonEmpty;
            QCOMPARE(b.startMs, f.now - f.now % kMinute);
            QCOMPARE(counts(b.counts), counts(d->total));
        }
        QCOMPARE(nonEmpty, 1);
        // The four attempts that ran (delivered, failed, retried) were 250 ms late: 200 < late ≤ 500.
        QCOMPARE(d->lateness[size_t(latenessBucket(250))], qint64(4));
        QVERIFY(d->latenessP50Ms && *d->latenessP50Ms > 200 && *d->latenessP50Ms <= 500);
        QVERIFY(d->latenessP99Ms && *d->latenessP99Ms <= 500);
        QCOMPARE(d->groups.size(), 1);
        QCOMPARE(d->groups[0].queue, QStringLiteral("sms"));
        QCOMPARE(d->groups[0].type, QStringLiteral("reminder"));

        // The retried one runs again and is delivered a minute later: a second bucket.
        f.now += 2 * kMinute;
        claimed = f.store->claim(QStringLiteral("sms"), 6, QStringLiteral("w"), 60'000);
        QVERIFY(claimed.ok());
        QCOMPARE(claimed->size(), 1);
        QVERIFY(valueOr(f.store->complete(id[2], QStringLiteral("w")), false));
        d = f.store->deliveryDashboard(lastHour(f));
        QVERIFY(d.ok());
        QCOMPARE(counts(d->total), QStringLiteral("3 delivered, 1 failed, 1 retried, 2 cancelled"));
        QCOMPARE(d->buckets.last().counts.delivered, qint64(0));
        QCOMPARE(d->buckets[d->buckets.size() - 2].counts.delivered, qint64(1));
    }

    void shouldUncountACancelThatIsUndone()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("sms"), 2);
        QList<qint64> id;
        for (int i = 0; i < 3; ++i)
            id << f.enqueue(QStringLiteral("sms"), f.now + kMinute);
        const auto cancelled = [&f] {
            auto d = f.store->deliveryDashboard(lastHour(f));
            return d.ok() ? d->total.cancelled : -1;
        };
        QVERIFY(f.store->apply(ids(id), OperatorAction{ActionKind::Cancel}).ok());
        QCOMPARE(cancelled(), 3);
        // Undone a minute later: the cancel never happened, in the minute it was counted.
        f.now += kMinute;
        QVERIFY(f.store->undoLastAction(QStringLiteral("test")).ok());
        QCOMPARE(cancelled(), 0);
        QCOMPARE(f.store->message(id[0])->state, MessageState::Scheduled);

        // A cancel restored did happen: it stays counted, and undoing the restore counts nothing twice.
        QVERIFY(f.store->apply(ids(id.mid(0, 2)), OperatorAction{ActionKind::Cancel}).ok());
        QVERIFY(f.store->apply(ids(id.mid(0, 2)), OperatorAction{ActionKind::Restore}).ok());
        QCOMPARE(cancelled(), 2);
        QVERIFY(f.store->undoLastAction(QStringLiteral("test")).ok());
        QCOMPARE(f.store->message(id[0])->state, MessageState::Cancelled);
        QCOMPARE(cancelled(), 2);
    }

    void shouldCountStalledDeliveriesAsRetriedOrFailed()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"), 1);
        const qint64 once = f.enqueue(QStringLiteral("q"));
        QVERIFY(f.store->claim(QStringLiteral("q"), 1, QStringLiteral("w"), 1'000).ok());
        QVERIFY(f.store->markReached({once}, QStringLiteral("w")).ok());
        f.now += 5'000;
        QCOMPARE(valueOr(f.store->reclaimExpiredLeases(), -1), qint64(1));
        auto d = f.store->deliveryDashboard(lastHour(f));
        QVERIFY(d.ok());
        QCOMPARE(counts(d->total), QStringLiteral("0 delivered, 1 failed, 0 retried, 0 cancelled")); // no attempts left
    }

    void shouldFilterByQueueChannelAndTypeAndRankTheFailingGroupsFirst()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("a"));
        f.addQueue(QStringLiteral("b"));
        const qint64 a = f.enqueue(QStringLiteral("a"));
        const qint64 b = f.enqueue(QStringLiteral("b"));
        QVERIFY(f.store->claim(QStringLiteral("a"), 1, QStringLiteral("w"), 60'000).ok());
        QVERIFY(f.store->claim(QStringLiteral("b"), 1, QStringLiteral("w"), 60'000).ok());
        HERALD_CHECK(f.store->complete(a, QStringLiteral("w")));
        QVERIFY(f.store->fail(b, QStringLiteral("w"), Store::Failure{QStringLiteral("bad"), true}).ok());

        auto all = f.store->deliveryDashboard(lastHour(f));
        QVERIFY(all.ok());
        QCOMPARE(all->groups.size(), 2);
        QCOMPARE(all->groups[0].queue, QStringLiteral("b")); // failing first
        auto onlyA = f.store->deliveryDashboard(lastHour(f, QStringLiteral("a")));
        QVERIFY(onlyA.ok());
        QCOMPARE(counts(onlyA->total), QStringLiteral("1 delivered, 0 failed, 0 retried, 0 cancelled"));
        DeliveryQuery other = lastHour(f);
        other.type = QStringLiteral("no-such-type");
        auto none = f.store->deliveryDashboard(other);
        QVERIFY(none.ok());
        QCOMPARE(none->total.total(), qint64(0));
        QVERIFY(!none->latenessP50Ms);

        // A range that ends before it starts, or buckets that are not whole minutes: named and refused.
        DeliveryQuery bad = lastHour(f);
        bad.toMs = bad.fromMs;
        QCOMPARE(f.store->deliveryDashboard(bad).error().kind, Error::Kind::BadInput);
        bad = lastHour(f);
        bad.bucketMs = 90'000;
        QCOMPARE(f.store->deliveryDashboard(bad).error().kind, Error::Kind::BadInput);
    }

    void shouldFoldOldMinutesIntoHoursWithoutChangingATotal()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        // Three days of minutes, two outcomes each hour at minutes 5 and 35, lateness of 3 ms.
        QList<DeliveryRollupRow> rows;
        const qint64 start = f.now - f.now % kHour - 72 * kHour;
        for (qint64 t = start; t < f.now - f.now % kHour; t += kHour) {
            for (const qint64 minute : {5, 35}) {
                DeliveryRollupRow r;
                r.bucketMs = t + minute * kMinute;
                r.queue = QStringLiteral("q");
                r.channel = QStringLiteral("sms");
                r.type = QStringLiteral("reminder");
                r.counts = DeliveryCounts{1, 0, 1, 0};
                r.lateness[size_t(latenessBucket(3))] = 2;
                rows << r;
            }
        }
        HERALD_CHECK(f.store->addDeliveryRollups(rows));
        DeliveryQuery threeDays;
        threeDays.fromMs = start;
        threeDays.toMs = f.now;
        threeDays.bucketMs = kHour;
        const auto before = f.store->deliveryDashboard(threeDays);
        QVERIFY(before.ok());
        QCOMPARE(before->total.delivered, qint64(72 * 2));

        // The minutes older than two days (24 hours of them, two rows each) fold into 24 hour rows.
        auto folded = f.store->foldDeliveryRollups();
        QVERIFY2(folded.ok(), qPrintable(folded.errorString()));
        QCOMPARE(*folded, qint64(24 * 2));
        QCOMPARE(valueOr(f.store->foldDeliveryRollups(), -1), qint64(0)); // nothing left to fold
        const auto after = f.store->deliveryDashboard(threeDays);
        QVERIFY(after.ok());
        QCOMPARE(counts(after->total), counts(before->total));
        QCOMPARE(after->lateness, before->lateness);
        for (qsizetype i = 0; i < before->buckets.size(); ++i)
            QCOMPARE(counts(after->buckets[i].counts), counts(before->buckets[i].counts));

        // A queue that does not exist is named.
        DeliveryRollupRow stray;
        stray.queue = QStringLiteral("nope");
        const Status s = f.store->addDeliveryRollups({stray});
        QVERIFY(!s.ok());
        QVERIFY(s.errorString().contains(QStringLiteral("nope")));
    }

    void shouldShowTheRateNowAndWhenTheBacklogWillBeThrough()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        for (int i = 0; i < 12; ++i)
            f.enqueue(QStringLiteral("q"));
        auto d = f.store->deliveryDashboard(lastHour(f));
        QVERIFY2(d.ok(), qPrintable(d.errorString()));
        QCOMPARE(d->backlog, qint64(12));
        QVERIFY(!d->backlogEtaMs); // nothing delivered now: no estimate
        auto claimed = f.store->claim(QStringLiteral("q"), 2, QStringLiteral("w"), 60'000);
        QVERIFY(claimed.ok());
        for (const Message &m : *claimed)
            QVERIFY(f.store->complete(m.id, QStringLiteral("w")).ok());
        d = f.store->deliveryDashboard(lastHour(f));
        QVERIFY(d.ok());
        QCOMPARE(d->backlog, qint64(10));
        QVERIFY(d->deliveredPerMinuteNow > 0);
        QVERIFY(d->backlogEtaMs.has_value());
        QCOMPARE(*d->backlogEtaMs, qint64(double(d->backlog) / d->deliveredPerMinuteNow * double(kMinute)));
    }

    void shouldPickBucketsAndPercentiles()
    {
        QCOMPARE(deliveryBucketFor(kHour), kMinute);
        QCOMPARE(deliveryBucketFor(24 * kHour), 15 * kMinute);
        QCOMPARE(deliveryBucketFor(7 * 24 * kHour), kHour);
        QCOMPARE(deliveryBucketFor(90 * 24 * kHour), 24 * kHour);
        QCOMPARE(roundEstimate(4'321'987), qint64(4'320'000));
        QCOMPARE(roundEstimate(61'400), qint64(61'000));
        QCOMPARE(roundEstimate(10), qint64(1'000));
        QCOMPARE(latenessBucket(-5), 0);
        QCOMPARE(latenessBucket(1), 0);
        QCOMPARE(latenessBucket(2), 1);
        QCOMPARE(latenessBucket(3), 2);
        QCOMPARE(latenessBucket(10 * kHour), kLatenessBuckets - 1);
        LatenessHistogram h{};
        QVERIFY(!latenessPercentile(h, 0.5));
        h[0] = 98; // ≤ 1 ms
        h[size_t(latenessBucket(150))] = 2; // 100–200 ms
        QCOMPARE(latenessPercentile(h, 0.5).value_or(-1), qint64(1));
        QCOMPARE(latenessPercentile(h, 0.98).value_or(-1), qint64(1));
        const qint64 p99 = latenessPercentile(h, 0.99).value_or(-1);
        QVERIFY2(p99 > 100 && p99 <= 200, qPrintable(QString::number(p99)));
        h = {};
        h[size_t(kLatenessBuckets - 1)] = 1;
        QCOMPARE(latenessPercentile(h, 0.5).value_or(-1), kLatenessBoundsMs.back()); // more than an hour: its lower bound
    }
};

QTEST_GUILESS_MAIN(tst_DeliveryRollups)
#include "tst_deliveryrollups.moc"
