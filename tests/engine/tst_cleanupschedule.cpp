// The daily cleanup's timing (next run, daylight-saving changes, off, missed runs) as pure functions,
// and the schedule and run records in the store.
#include "StoreFixture.h"

#include "maintenance/CleanupSchedule.h"

#include <QDateTime>

using namespace herald;

namespace {
constexpr qint64 kDay = 86'400'000;

qint64 utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch();
}

QString iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}
} // namespace

class tst_CleanupSchedule : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldParseTimesOfDayAndOff_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("normalised");
        QTest::newRow("two-digit hour") << QStringLiteral("03:30") << true << QStringLiteral("03:30");
        QTest::newRow("one-digit hour") << QStringLiteral("3:05") << true << QStringLiteral("03:05");
        QTest::newRow("last minute of the day") << QStringLiteral("23:59") << true << QStringLiteral("23:59");
        QTest::newRow("off") << QStringLiteral("off") << true << QStringLiteral("off");
        QTest::newRow("OFF in capitals") << QStringLiteral("OFF") << true << QStringLiteral("off");
        QTest::newRow("hour 24") << QStringLiteral("24:00") << false << QString();
        QTest::newRow("minute 60") << QStringLiteral("03:60") << false << QString();
        QTest::newRow("dot separator") << QStringLiteral("03.30") << false << QString();
        QTest::newRow("empty") << QString() << false << QString();
    }
    void shouldParseTimesOfDayAndOff()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(QString, normalised);
        const auto r = CleanupSchedule::parseTime(text);
        QCOMPARE(r.ok(), ok);
        if (ok)
            QCOMPARE(CleanupSchedule::timeText(*r), normalised);
        else
            QVERIFY2(r.errorString().contains(QLatin1String("HH:MM")), qPrintable(r.errorString()));
    }

    void shouldFindTheNextOccurrenceStrictlyAfter_data()
    {
        QTest::addColumn<QString>("zone");
        QTest::addColumn<qint64>("after");
        QTest::addColumn<QTime>("at");
        QTest::addColumn<QString>("expected");
        const QString berlin = QStringLiteral("Europe/Berlin");
        QTest::newRow("later today") << QStringLiteral("UTC") << utc("2026-11-24T03:00:00Z") << QTime(3, 30)
                                     << QStringLiteral("2026-11-24T03:30:00Z");
        QTest::newRow("exactly at the time: tomorrow") << QStringLiteral("UTC") << utc("2026-11-24T03:30:00Z") << QTime(3, 30)
                                                       << QStringLiteral("2026-11-25T03:30:00Z");
        QTest::newRow("past the time: tomorrow") << QStringLiteral("UTC") << utc("2026-11-24T04:00:00Z") << QTime(3, 30)
                                                 << QStringLiteral("2026-11-25T03:30:00Z");
        QTest::newRow("winter offset") << berlin << utc("2026-11-24T04:00:00Z") << QTime(3, 30) << QStringLiteral("2026-11-25T02:30:00Z");
        QTest::newRow("summer offset") << berlin << utc("2026-07-01T04:00:00Z") << QTime(3, 30) << QStringLiteral("2026-07-02T01:30:00Z");
        // 2026-03-29: at 02:00 CET the clock jumps to 03:00 CEST; 02:30 does not exist and runs at the jump.
        QTest::newRow("spring forward skips the time") << berlin << utc("2026-03-28T12:00:00Z") << QTime(2, 30)
                                                       << QStringLiteral("2026-03-29T01:00:00Z");
        QTest::newRow("spring forward, a time after the gap") << berlin << utc("2026-03-28T12:00:00Z") << QTime(3, 30)
                                                              << QStringLiteral("2026-03-29T01:30:00Z");
        QTest::newRow("the day after spring forward") << berlin << utc("2026-03-29T01:00:00Z") << QTime(2, 30)
                                                      << QStringLiteral("2026-03-30T00:30:00Z");
        // 2026-10-25: at 03:00 CEST the clock goes back to 02:00 CET; 02:30 comes twice and runs once.
        QTest::newRow("fall back runs at the first 02:30") << berlin << utc("2026-10-24T12:00:00Z") << QTime(2, 30)
                                                           << QStringLiteral("2026-10-25T00:30:00Z");
        QTest::newRow("fall back does not run at the second 02:30") << berlin << utc("2026-10-25T00:30:00Z") << QTime(2, 30)
                                                                    << QStringLiteral("2026-10-26T01:30:00Z");
    }
    void shouldFindTheNextOccurrenceStrictlyAfter()
    {
        QFETCH(QString, zone);
        QFETCH(qint64, after);
        QFETCH(QTime, at);
        QFETCH(QString, expected);
        const QTimeZone tz(zone.toLatin1());
        QVERIFY2(tz.isValid(), "the time zone database is not installed (tzdata)");
        QCOMPARE(iso(CleanupSchedule::nextOccurrence(after, at, tz)), QDateTime::fromString(expected, Qt::ISODate).toString(Qt::ISODate));
    }

    void shouldComputeTheNextRunFromTheLastScheduledRun()
    {
        const QTimeZone tz("UTC");
        const qint64 now = utc("2026-11-24T10:00:00Z");
        CleanupScheduleSettings s;
        s.dailyAt = QTime(3, 30);
        // Never run, never set: from the baseline (the engine's start).
        QCOMPARE(iso(*CleanupSchedule::nextRun(s, std::nullopt, now, tz)), iso(utc("2026-11-25T03:30:00Z")));
        // Ran this morning: tomorrow.
        QCOMPARE(iso(*CleanupSchedule::nextRun(s, utc("2026-11-24T03:30:00Z"), now, tz)), iso(utc("2026-11-25T03:30:00Z")));
        // Last ran a week ago (no engine since): due now, once.
        const auto missed = CleanupSchedule::nextRun(s, now - 7 * kDay, now, tz);
        QVERIFY(*missed <= now);
        QCOMPARE(iso(*missed), iso(utc("2026-11-18T03:30:00Z")));
        // Set after the last run: counted from the change, so changing the time never runs at once.
        s.changedAt = utc("2026-11-24T09:00:00Z");
        QCOMPARE(iso(*CleanupSchedule::nextRun(s, now - 7 * kDay, now, tz)), iso(utc("2026-11-25T03:30:00Z")));
        // Off: never.
        s.dailyAt.reset();
        QVERIFY(!CleanupSchedule::nextRun(s, now - 7 * kDay, now, tz).has_value());
    }

    void shouldDescribeTimesRelativeToToday()
    {
        const QTimeZone tz("UTC");
        const qint64 now = utc("2026-11-24T10:00:00Z");
        QCOMPARE(describeLocalTime(utc("2026-11-24T03:30:00Z"), now, tz), QStringLiteral("today 03:30"));
        QCOMPARE(describeLocalTime(utc("2026-11-25T03:30:00Z"), now, tz), QStringLiteral("tomorrow 03:30"));
        QCOMPARE(describeLocalTime(utc("2026-11-23T03:30:00Z"), now, tz), QStringLiteral("yesterday 03:30"));
        QCOMPARE(describeLocalTime(utc("2026-11-18T03:30:00Z"), now, tz), QStringLiteral("Wed 18 Nov 2026 03:30"));
    }

    void shouldStoreTheScheduleAndDefaultToHalfPastThree()
    {
        StoreFixture f;
        QVERIFY(f.open());
        auto initial = f.store->cleanupSchedule();
        QVERIFY2(initial.ok(), qPrintable(initial.errorString()));
        QCOMPARE(initial->dailyAt, std::optional<QTime>(QTime(3, 30)));
        QCOMPARE(initial->changedAt, qint64(0));

        CleanupScheduleSettings s;
        s.dailyAt = QTime(1, 15);
        s.outboxOlderThanMs = 14 * kDay;
        QVERIFY(f.store->setCleanupSchedule(s).ok());
        auto read = f.store->cleanupSchedule();
        QCOMPARE(read->dailyAt, std::optional<QTime>(QTime(1, 15)));
        QCOMPARE(read->outboxOlderThanMs, std::optional<qint64>(14 * kDay));
        QVERIFY(!read->auditOlderThanMs.has_value());
        QCOMPARE(read->changedAt, f.now);

        s.dailyAt.reset();
        QVERIFY(f.store->setCleanupSchedule(s).ok());
        QVERIFY(!f.store->cleanupSchedule()->dailyAt.has_value());
    }

    void shouldRefuseANonPositiveScheduledAgeAndKeepTheOldSchedule()
    {
        StoreFixture f;
        QVERIFY(f.open());
        CleanupScheduleSettings s;
        s.dailyAt = QTime(4, 0);
        QVERIFY(f.store->setCleanupSchedule(s).ok());
        s.dailyAt = QTime(5, 0);
        s.auditOlderThanMs = 0;
        const Status refused = f.store->setCleanupSchedule(s);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.errorString().contains(QLatin1String("audit log")), qPrintable(refused.errorString()));
        QCOMPARE(f.store->cleanupSchedule()->dailyAt, std::optional<QTime>(QTime(4, 0)));
    }

    void shouldRecordRunsWithTheirCountsAndErrors()
    {
        StoreFixture f;
        QVERIFY(f.open());
        f.addQueue(QStringLiteral("q"));
        // A completed message 40 days old, through the real lifecycle.
        const qint64 keep = f.now;
        f.now -= 40 * kDay;
        const qint64 id = f.enqueue(QStringLiteral("q"));
        QVERIFY(f.store->claim(QStringLiteral("q"), 1, QStringLiteral("w"), 60'000).ok());
        QVERIFY(*f.store->complete(id, QStringLiteral("w")));
        f.now = keep;

        const auto ok = runRecordedCleanup(*f.store, RetentionPolicy{}, CleanupOptions{}, QStringLiteral("heraldctl"));
        QVERIFY2(ok.ok(), qPrintable(ok.errorString()));
        RetentionPolicy unknown;
        unknown.queue = QStringLiteral("nope");
        const auto failed = runRecordedCleanup(*f.store, unknown, CleanupOptions{}, QStringLiteral("console"));
        QVERIFY(!failed.ok());

        const auto runs = f.store->cleanupRuns(10);
        QVERIFY2(runs.ok(), qPrintable(runs.errorString()));
        QCOMPARE(runs->size(), 2);
        QCOMPARE(runs->at(0).trigger, QStringLiteral("console")); // newest first
        QVERIFY(runs->at(0).error.contains(QLatin1String("nope")));
        QCOMPARE(runs->at(1).trigger, QStringLiteral("heraldctl"));
        QCOMPARE(runs->at(1).messages, qint64(1));
        QCOMPARE(runs->at(1).finishedAt, std::optional<qint64>(f.now));
        QVERIFY(runs->at(1).error.isEmpty());
        QCOMPARE(f.store->cleanupRuns(10, QStringLiteral("schedule"))->size(), 0);

        const auto status = readCleanupStatus(*f.store, f.now, QTimeZone("UTC"));
        QVERIFY(status.ok());
        QCOMPARE(status->lastRun->trigger, QStringLiteral("console"));
        QVERIFY(!status->lastScheduledRun.has_value());
        QVERIFY(!status->due);
        QCOMPARE(iso(*status->nextRun), iso(utc("2027-01-16T03:30:00Z"))); // the fixture's now is 2027-01-15T08:00Z
    }
};

QTEST_GUILESS_MAIN(tst_CleanupSchedule)
#include "tst_cleanupschedule.moc"
