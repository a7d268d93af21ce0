// RateLimiter: no window of the limit's length, wherever it starts, holds more than the limit.
#include "runtime/RateLimiter.h"

#include <QTest>

using namespace herald;

class tst_RateLimiter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldAllowUpToTheLimitThenWaitForTheOldestStartToLeave()
    {
        RateLimiter r;
        r.setLimit(RateLimit{3, 1000});
        QCOMPARE(r.available(0), 3);
        r.recordStarts(0, 2);
        r.recordStarts(400, 1);
        QCOMPARE(r.available(500), 0);
        QCOMPARE(r.nextAllowedAt(500), qint64(1000)); // the two starts at 0 leave the window at 1000
        QCOMPARE(r.available(999), 0);
        QCOMPARE(r.available(1000), 2);
        r.recordStarts(1000, 2);
        QCOMPARE(r.nextAllowedAt(1000), qint64(1400));
    }

    void shouldNeverPutMoreThanTheLimitInAnyWindow()
    {
        // Greedy use over a long run, checked against every window.
        RateLimiter r;
        const RateLimit limit{20, 60'000};
        r.setLimit(limit);
        QList<qint64> starts;
        for (qint64 t = 0; t < 10 * 60'000; t += 250) {
            const int n = r.available(t);
            r.recordStarts(t, n);
            for (int i = 0; i < n; ++i)
                starts << t;
        }
        QVERIFY(starts.size() >= 10 * 20);
        for (qsizetype i = 0; i < starts.size(); ++i) {
            qsizetype inWindow = 0;
            for (qsizetype j = i; j < starts.size() && starts[j] < starts[i] + limit.windowMs; ++j)
                ++inWindow;
            QVERIFY2(inWindow <= limit.maxStarts, qPrintable(QStringLiteral("window from %1 holds %2").arg(starts[i]).arg(inWindow)));
        }
    }

    void shouldNotLimitWithoutALimit()
    {
        RateLimiter r;
        QVERIFY(r.available(0) > 1'000'000);
        r.recordStarts(0, 1000);
        QVERIFY(r.available(0) > 1'000'000);
    }
};

QTEST_GUILESS_MAIN(tst_RateLimiter)
#include "tst_ratelimiter.moc"
