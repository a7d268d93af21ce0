#pragma once

#include "model/Result.h"
#include "model/MessageSelection.h"
#include "model/Retention.h"

#include <QTime>
#include <QTimeZone>

#include <optional>

namespace herald {

class Store;

// When the engine's daily cleanup runs (issue 6). Pure functions of their arguments, so the day
// arithmetic (daylight-saving changes included) is tested without waiting for a clock.
//
// A daily time that a daylight-saving change skips (02:30 on a spring-forward night) runs at the
// change, when the clock jumps past it; a time the clock passes twice (a fall-back night) runs once,
// at its first occurrence. A run that was missed (no engine running at that time) runs once as soon
// as an engine runs again: the next run is the first time of day after the last scheduled run.
class CleanupSchedule
{
public:
    static QTime defaultTime() { return QTime(3, 30); }

    // "03:30" (24-hour HH:MM) or "off" (std::nullopt).
    static Result<std::optional<QTime>> parseTime(const QString &text);
    static QString timeText(const std::optional<QTime> &at); // "03:30" or "off"

    // The first instant strictly after afterMs at which the clock of zone reads `at`.
    static qint64 nextOccurrence(qint64 afterMs, QTime at, const QTimeZone &zone);

    // The next scheduled run, or std::nullopt when the schedule is off. The count starts from the last
    // scheduled run, or from the schedule's change when that is later, or from baselineMs when neither
    // exists (the engine's start; now, for a status). A result at or before now is due.
    static std::optional<qint64> nextRun(const CleanupScheduleSettings &settings, std::optional<qint64> lastScheduledStartMs,
                                         qint64 baselineMs, const QTimeZone &zone);

    // What a scheduled run removes: each queue's own retention, plus the schedule's other ages.
    static RetentionPolicy policy(const CleanupScheduleSettings &settings);
};

// The schedule, the last runs and the next one, as the console and `heraldctl cleanup --status` show them.
struct CleanupStatus
{
    CleanupScheduleSettings settings;
    std::optional<CleanupRun> lastRun;          // of any trigger
    std::optional<CleanupRun> lastScheduledRun;
    std::optional<qint64> nextRun;              // none: the schedule is off
    bool due = false;                           // nextRun has passed: runs when an engine next delivers
};

// Reads the schedule and the runs through store (its thread) and computes the next run at nowMs.
Result<CleanupStatus> readCleanupStatus(Store &store, qint64 nowMs, const QTimeZone &zone = QTimeZone::systemTimeZone());

// Runs a cleanup and records it in cleanup_runs under trigger ("console", "heraldctl", "schedule"):
// the row is written before the run and completed after it, with the error when the run failed.
Result<CleanupResult> runRecordedCleanup(Store &store, const RetentionPolicy &policy, const CleanupOptions &options, const QString &trigger,
                                         const ActionProgress &progress = {});

// "today 03:30", "tomorrow 03:30", "Mon 24 Nov 03:30" in zone, relative to nowMs.
QString describeLocalTime(qint64 ms, qint64 nowMs, const QTimeZone &zone = QTimeZone::systemTimeZone());

} // namespace herald
