#include "CleanupSchedule.h"

#include "model/ZonedTime.h"
#include "store/Store.h"

#include <QDateTime>
#include <QLocale>
#include <QRegularExpression>

namespace herald {

namespace {

constexpr qint64 kDayMs = 86'400'000;

} // namespace

Result<std::optional<QTime>> CleanupSchedule::parseTime(const QString &text)
{
    const QString t = text.trimmed();
    if (t.compare(QLatin1String("off"), Qt::CaseInsensitive) == 0)
        return std::optional<QTime>();
    static const QRegularExpression pattern(QStringLiteral("^([01]?\\d|2[0-3]):([0-5]\\d)$"));
    const QRegularExpressionMatch m = pattern.match(t);
    if (!m.hasMatch())
        return Error::badInput(QStringLiteral("'%1' is not a time of day; give a 24-hour HH:MM such as 03:30, or off").arg(text));
    return std::optional<QTime>(QTime(m.captured(1).toInt(), m.captured(2).toInt()));
}

QString CleanupSchedule::timeText(const std::optional<QTime> &at)
{
    return at ? at->toString(QStringLiteral("HH:mm")) : QStringLiteral("off");
}

qint64 CleanupSchedule::nextOccurrence(qint64 afterMs, QTime at, const QTimeZone &zone)
{
    const QDate day = QDateTime::fromMSecsSinceEpoch(afterMs, zone).date();
    for (int i = -1; i <= 3; ++i) {
        const qint64 candidate = zonedInstant(day.addDays(i), at, zone);
        if (candidate > afterMs)
            return candidate;
    }
    return afterMs + kDayMs; // unreachable for real zones: every day has the time or a change past it
}

std::optional<qint64> CleanupSchedule::nextRun(const CleanupScheduleSettings &settings, std::optional<qint64> lastScheduledStartMs,
                                               qint64 baselineMs, const QTimeZone &zone)
{
    if (!settings.dailyAt)
        return std::nullopt;
    qint64 from = baselineMs;
    if (lastScheduledStartMs || settings.changedAt > 0)
        from = std::max(lastScheduledStartMs.value_or(0), settings.changedAt);
    return nextOccurrence(from, *settings.dailyAt, zone);
}

RetentionPolicy CleanupSchedule::policy(const CleanupScheduleSettings &settings)
{
    RetentionPolicy p;
    p.outboxOlderThanMs = settings.outboxOlderThanMs;
    p.auditOlderThanMs = settings.auditOlderThanMs;
    p.emailEventsOlderThanMs = settings.emailEventsOlderThanMs;
    return p;
}

Result<CleanupStatus> readCleanupStatus(Store &store, qint64 nowMs, const QTimeZone &zone)
{
    CleanupStatus status;
    auto settings = store.cleanupSchedule();
    if (!settings)
        return settings.error();
    status.settings = *settings;
    auto last = store.cleanupRuns(1);
    if (!last)
        return last.error();
    if (!last->isEmpty())
        status.lastRun = last->first();
    auto scheduled = store.cleanupRuns(1, QStringLiteral("schedule"));
    if (!scheduled)
        return scheduled.error();
    if (!scheduled->isEmpty())
        status.lastScheduledRun = scheduled->first();
    status.nextRun = CleanupSchedule::nextRun(status.settings,
                                              status.lastScheduledRun ? std::optional<qint64>(status.lastScheduledRun->startedAt) : std::nullopt,
                                              nowMs, zone);
    status.due = status.nextRun && *status.nextRun <= nowMs;
    return status;
}

Result<CleanupResult> runRecordedCleanup(Store &store, const RetentionPolicy &policy, const CleanupOptions &options, const QString &trigger,
                                         const ActionProgress &progress)
{
    auto runId = store.beginCleanupRun(trigger);
    if (!runId)
        return runId.error();
    auto result = store.runCleanup(policy, options, progress);
    const Status recorded = store.finishCleanupRun(*runId, result ? *result : CleanupResult{}, result ? QString() : result.errorString());
    if (!result)
        return result.error();
    if (!recorded)
        return recorded.error();
    return result;
}

QString describeLocalTime(qint64 ms, qint64 nowMs, const QTimeZone &zone)
{
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms, zone);
    const qint64 days = QDateTime::fromMSecsSinceEpoch(nowMs, zone).date().daysTo(at.date());
    const QString time = at.toString(QStringLiteral("HH:mm"));
    if (days == 0)
        return QStringLiteral("today %1").arg(time);
    if (days == 1)
        return QStringLiteral("tomorrow %1").arg(time);
    if (days == -1)
        return QStringLiteral("yesterday %1").arg(time);
    return QLocale::c().toString(at, QStringLiteral("ddd d MMM yyyy HH:mm"));
}

} // namespace herald
