// The engine that holds the store's lock runs the daily cleanup when it is due, beside delivery, and
// records the run; the clock of the schedule is fixed so nothing here waits for a time of day.
#include "ScriptedChannel.h"
#include "StoreFixture.h"

#include "maintenance/CleanupSchedule.h"
#include "runtime/Engine.h"

#include <QSignalSpy>

using namespace herald;

namespace {
constexpr qint64 kDay = 86'400'000;
}

class tst_ScheduledCleanup : public QObject
{
    Q_OBJECT

    static RuntimeOptions options(const std::shared_ptr<Script> &script, std::function<qint64()> clock)
    {
        RuntimeOptions o;
        o.workerThreads = 1;
        o.pollMs = 200;
        o.channelFactory = [script](const ChannelConfig &, const ChannelContext &) -> Result<std::unique_ptr<Channel>> {
            return std::unique_ptr<Channel>(std::make_unique<ScriptedChannel>(script));
        };
        o.cleanup.clock = std::move(clock);
        o.cleanup.zone = QTimeZone("UTC");
        return o;
    }

    // n messages of queue q completed at finishedAt, through the real lifecycle.
    static void completed(StoreFixture &f, int n, qint64 finishedAt)
    {
        const qint64 keep = f.now;
        f.now = finishedAt;
        QList<qint64> ids;
        for (int i = 0; i < n; ++i)
            ids << f.enqueue(QStringLiteral("q"));
        (void)f.store->claim(QStringLiteral("q"), n, QStringLiteral("w"), 60'000);
        for (qint64 id : ids)
            (void)f.store->complete(id, QStringLiteral("w"));
        f.now = keep;
    }

private Q_SLOTS:
    void shouldRunADueScheduledCleanupBesideDeliveryAndRecordIt()
    {
        StoreFixture f; // its clock: 2027-01-15T08:00Z
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q")); // completed messages kept 30 days
        // The runtime's clock is the real one, months before the fixture's: what it delivers would look old to
        // the schedule's fixed clock, so the live queue keeps its messages for ever.
        QueueConfig live;
        live.name = QStringLiteral("live");
        live.retainCompletedMs.reset();
        QVERIFY(f.store->addQueue(live).ok());
        completed(f, 25, f.now - 40 * kDay);
        completed(f, 3, f.now - 2 * kDay);
        // The schedule was set two days ago; its 03:30 runs have not happened: one is due.
        const qint64 now = f.now;
        f.now = now - 2 * kDay;
        CleanupScheduleSettings s;
        s.dailyAt = QTime(3, 30);
        QVERIFY(f.store->setCleanupSchedule(s).ok());
        f.now = now;
        QVERIFY(readCleanupStatus(*f.store, now, QTimeZone("UTC"))->due);

        auto script = std::make_shared<Script>();
        Engine engine(StoreUrl::sqlite(f.path()), options(script, [now] { return now; }));
        QSignalSpy delivered(&engine, &Engine::delivered);
        QCOMPARE(*engine.start(), Engine::Mode::Running);
        // Delivery goes on: a message enqueued now is delivered.
        NewMessage m;
        m.queue = QStringLiteral("live");
        m.type = QStringLiteral("reminder");
        m.runAt = 0;
        QVERIFY(f.store->enqueue(m).ok());
        engine.wake();

        QTRY_VERIFY_WITH_TIMEOUT(f.store->cleanupRuns(5, QStringLiteral("schedule"))->size() == 1 &&
                                     f.store->cleanupRuns(5, QStringLiteral("schedule"))->front().finishedAt.has_value(),
                                 20'000);
        QTRY_VERIFY_WITH_TIMEOUT(!delivered.isEmpty(), 20'000);
        const CleanupRun run = f.store->cleanupRuns(5, QStringLiteral("schedule"))->front();
        QCOMPARE(run.messages, qint64(25));
        QCOMPARE(run.startedAt, now);
        QVERIFY2(run.error.isEmpty(), qPrintable(run.error));
        const auto stats = f.store->stats();
        QVERIFY(stats.ok());
        const QList<QueueCounts> counts = stats.value();
        QCOMPARE(counts.size(), 2);
        for (const QueueCounts &c : counts)
            QCOMPARE(c.count(MessageState::Completed), qint64(c.queue == QLatin1String("q") ? 3 : 1));
        VERIFY_COUNTERS(f);

        // Recorded: the next run is tomorrow's, not due.
        const auto status = readCleanupStatus(*f.store, now, QTimeZone("UTC"));
        QVERIFY(!status->due);
        QCOMPARE(*status->nextRun, QDateTime(QDate(2027, 1, 16), QTime(3, 30), Qt::UTC).toMSecsSinceEpoch());
        QCOMPARE(status->lastRun->trigger, QStringLiteral("schedule"));

        QSignalSpy finished(&engine, &Engine::finished);
        engine.stop();
        QVERIFY(finished.wait(20'000));
        // Only once: a stopped engine's scheduler ran a single time.
        QCOMPARE(f.store->cleanupRuns(5, QStringLiteral("schedule"))->size(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_ScheduledCleanup)
#include "tst_scheduledcleanup.moc"
