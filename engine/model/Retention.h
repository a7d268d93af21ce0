#pragma once

#include "MessageState.h"

#include <QMap>
#include <QString>
#include <QTime>

#include <optional>

namespace herald {

// What a cleanup removes (issue 6). Messages: terminal ones whose finished_at is older than their queue's
// retention for their state, unless overridden here. Non-terminal messages are never touched.
struct RetentionPolicy
{
    QString queue;                                 // empty: every queue
    std::optional<qint64> completedOlderThanMs;    // override the queues' settings
    std::optional<qint64> failedOlderThanMs;
    std::optional<qint64> cancelledOlderThanMs;
    std::optional<qint64> outboxOlderThanMs;       // outbox renderings; none: kept
    std::optional<qint64> auditOlderThanMs;        // audit log entries (and their undo journal); none: kept
    std::optional<qint64> emailEventsOlderThanMs;  // raw e-mail events; the chart rollups stay
};

struct CleanupOptions
{
    QString archivePath;       // empty: no archive
    bool archiveAsJsonLines = false; // else a SQLite archive with the store's schema
    bool vacuum = false;
};

struct CleanupCounts
{
    QMap<QString, QMap<MessageState, qint64>> messages; // by queue and state
    qint64 outbox = 0;
    qint64 audit = 0;
    qint64 emailEvents = 0;
    std::optional<qint64> oldest; // finished_at of the oldest message concerned
    std::optional<qint64> newest;
    qint64 approxBytes = 0;

    qint64 messageTotal() const
    {
        qint64 n = 0;
        for (const auto &byState : messages)
            for (qint64 c : byState)
                n += c;
        return n;
    }
};

struct CleanupResult
{
    CleanupCounts removed;
    qint64 archived = 0;
    qint64 bytesReclaimed = 0; // by the vacuum, when asked for
    bool cancelled = false;
};

// The engine's daily cleanup (issue 6), stored in the store so every console and worker sees the same.
// Scheduled runs remove messages by each queue's own retention (Queue settings) and, when set here,
// outbox renderings, audit entries and raw e-mail events; they never archive and never VACUUM
// (a VACUUM holds the write lock for its whole length, which would stop delivery).
struct CleanupScheduleSettings
{
    std::optional<QTime> dailyAt; // local time of day; none: no scheduled runs
    std::optional<qint64> outboxOlderThanMs;
    std::optional<qint64> auditOlderThanMs;
    std::optional<qint64> emailEventsOlderThanMs;
    qint64 changedAt = 0; // when the schedule was last set: the first run is the first time of day after it

    bool operator==(const CleanupScheduleSettings &) const = default;
};

// One cleanup run as recorded in cleanup_runs: scheduled by the engine, or started by an operator.
struct CleanupRun
{
    qint64 id = 0;
    QString trigger; // "schedule", "console", "heraldctl"
    qint64 startedAt = 0;
    std::optional<qint64> finishedAt; // none: running, or the process died during the run
    qint64 messages = 0;
    qint64 outbox = 0;
    qint64 audit = 0;
    qint64 emailEvents = 0;
    qint64 archived = 0;
    qint64 bytesReclaimed = 0;
    bool cancelled = false;
    QString error; // empty: the run ended normally
};

} // namespace herald
