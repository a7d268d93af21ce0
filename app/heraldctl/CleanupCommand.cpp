#include "Cli.h"

#include "TextTable.h"
#include "maintenance/CleanupSchedule.h"
#include "model/TimeText.h"

namespace herald {

namespace {

QJsonObject countsToJson(const CleanupCounts &c)
{
    QJsonObject byQueue;
    for (auto it = c.messages.cbegin(); it != c.messages.cend(); ++it) {
        QJsonObject byState;
        for (auto st = it->cbegin(); st != it->cend(); ++st)
            byState.insert(stateName(st.key()), st.value());
        byQueue.insert(it.key(), byState);
    }
    return QJsonObject{{QStringLiteral("messages"), c.messageTotal()},
                       {QStringLiteral("by_queue"), byQueue},
                       {QStringLiteral("outbox"), c.outbox},
                       {QStringLiteral("audit"), c.audit},
                       {QStringLiteral("email_events"), c.emailEvents},
                       {QStringLiteral("oldest"), c.oldest ? QJsonValue(formatTimestamp(*c.oldest)) : QJsonValue()},
                       {QStringLiteral("newest"), c.newest ? QJsonValue(formatTimestamp(*c.newest)) : QJsonValue()},
                       {QStringLiteral("approx_bytes"), c.approxBytes}};
}

QString countsToText(const CleanupCounts &c)
{
    TextTable table({QStringLiteral("QUEUE"), QStringLiteral("STATE"), QStringLiteral("MESSAGES")}, {false, false, true});
    for (auto it = c.messages.cbegin(); it != c.messages.cend(); ++it)
        for (auto st = it->cbegin(); st != it->cend(); ++st)
            table.addRow({it.key(), stateName(st.key()), QString::number(st.value())});
    QString text = table.isEmpty() ? QStringLiteral("No messages are old enough to remove.\n") : table.render();
    if (c.oldest)
        text += QStringLiteral("Finished between %1 and %2.\n").arg(formatTimestampSeconds(*c.oldest), formatTimestampSeconds(*c.newest));
    text += QStringLiteral("Outbox renderings: %1. Audit entries: %2. E-mail events: %3. About %4 KiB.\n")
                .arg(c.outbox)
                .arg(c.audit)
                .arg(c.emailEvents)
                .arg(c.approxBytes / 1024);
    return text;
}

QJsonValue optionalTime(const std::optional<qint64> &ms)
{
    return ms ? QJsonValue(formatTimestamp(*ms)) : QJsonValue();
}

QJsonValue optionalAge(const std::optional<qint64> &ms)
{
    return ms ? QJsonValue(formatDuration(*ms)) : QJsonValue();
}

QJsonObject runToJson(const CleanupRun &r)
{
    return QJsonObject{{QStringLiteral("id"), r.id},
                       {QStringLiteral("trigger"), r.trigger},
                       {QStringLiteral("started_at"), formatTimestamp(r.startedAt)},
                       {QStringLiteral("finished_at"), optionalTime(r.finishedAt)},
                       {QStringLiteral("messages"), r.messages},
                       {QStringLiteral("outbox"), r.outbox},
                       {QStringLiteral("audit"), r.audit},
                       {QStringLiteral("email_events"), r.emailEvents},
                       {QStringLiteral("archived"), r.archived},
                       {QStringLiteral("bytes_reclaimed"), r.bytesReclaimed},
                       {QStringLiteral("cancelled"), r.cancelled},
                       {QStringLiteral("error"), r.error.isEmpty() ? QJsonValue() : QJsonValue(r.error)}};
}

QString runToText(const CleanupRun &r, qint64 now)
{
    QString text = QStringLiteral("%1 (%2)").arg(describeLocalTime(r.startedAt, now), r.trigger);
    if (!r.finishedAt)
        return text + QStringLiteral(": started, not finished (running, or the process stopped during the run)");
    if (!r.error.isEmpty())
        return text + QStringLiteral(": failed: ") + r.error;
    text += QStringLiteral(": removed %1 messages, %2 outbox renderings, %3 audit entries, %4 e-mail events")
                .arg(r.messages)
                .arg(r.outbox)
                .arg(r.audit)
                .arg(r.emailEvents);
    if (r.archived)
        text += QStringLiteral(", archived %1").arg(r.archived);
    if (r.cancelled)
        text += QStringLiteral(" (stopped before the end)");
    return text;
}

QString scheduleAges(const CleanupScheduleSettings &s)
{
    QStringList extra;
    if (s.outboxOlderThanMs)
        extra << QStringLiteral("outbox older than %1").arg(formatDuration(*s.outboxOlderThanMs));
    if (s.auditOlderThanMs)
        extra << QStringLiteral("audit entries older than %1").arg(formatDuration(*s.auditOlderThanMs));
    if (s.emailEventsOlderThanMs)
        extra << QStringLiteral("e-mail events older than %1").arg(formatDuration(*s.emailEventsOlderThanMs));
    return QStringLiteral("what is past each queue's retention") + (extra.isEmpty() ? QString() : QStringLiteral(", ") + extra.join(QStringLiteral(", ")));
}

} // namespace

int Cli::cleanupStatus(Store &store)
{
    const qint64 now = store.now();
    auto status = readCleanupStatus(store, now);
    if (!status)
        return fail(status.error());
    if (json()) {
        printJson(QJsonObject{{QStringLiteral("schedule"), CleanupSchedule::timeText(status->settings.dailyAt)},
                              {QStringLiteral("outbox_older_than"), optionalAge(status->settings.outboxOlderThanMs)},
                              {QStringLiteral("audit_older_than"), optionalAge(status->settings.auditOlderThanMs)},
                              {QStringLiteral("email_events_older_than"), optionalAge(status->settings.emailEventsOlderThanMs)},
                              {QStringLiteral("last_run"), status->lastRun ? QJsonValue(runToJson(*status->lastRun)) : QJsonValue()},
                              {QStringLiteral("last_scheduled_run"),
                               status->lastScheduledRun ? QJsonValue(runToJson(*status->lastScheduledRun)) : QJsonValue()},
                              {QStringLiteral("next_run"), optionalTime(status->nextRun)},
                              {QStringLiteral("due"), status->due}});
        return kOk;
    }
    QString text = status->settings.dailyAt
                       ? QStringLiteral("Schedule: daily at %1 local time; removes %2.\n")
                             .arg(CleanupSchedule::timeText(status->settings.dailyAt), scheduleAges(status->settings))
                       : QStringLiteral("Schedule: off (set one with `heraldctl cleanup --schedule 03:30`).\n");
    text += QStringLiteral("Last run: %1\n").arg(status->lastRun ? runToText(*status->lastRun, now) : QStringLiteral("never"));
    if (status->nextRun)
        text += status->due ? QStringLiteral("Next run: due since %1; the engine that delivers from this store runs it.\n")
                                  .arg(describeLocalTime(*status->nextRun, now))
                            : QStringLiteral("Next run: %1\n").arg(describeLocalTime(*status->nextRun, now));
    printText(text);
    return kOk;
}

int Cli::cmdCleanup()
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("dry-run"), QStringLiteral("Show what would be removed and change nothing.")},
        {QStringLiteral("queue"), QStringLiteral("Only this queue."), QStringLiteral("NAME")},
        {QStringLiteral("completed-older-than"), QStringLiteral("Remove completed messages finished longer ago (default: each queue's retention)."),
         QStringLiteral("DURATION")},
        {QStringLiteral("failed-older-than"), QStringLiteral("The same for failed messages."), QStringLiteral("DURATION")},
        {QStringLiteral("cancelled-older-than"), QStringLiteral("The same for cancelled messages."), QStringLiteral("DURATION")},
        {QStringLiteral("outbox-older-than"), QStringLiteral("Also remove outbox renderings older than this."), QStringLiteral("DURATION")},
        {QStringLiteral("audit-older-than"), QStringLiteral("Also remove audit log entries older than this."), QStringLiteral("DURATION")},
        {QStringLiteral("email-events-older-than"), QStringLiteral("Also remove raw e-mail events older than this (the charts' rollups stay)."),
         QStringLiteral("DURATION")},
        {QStringLiteral("archive"), QStringLiteral("Archive what is removed first: a .jsonl file, or a SQLite archive (herald --read-only opens it)."),
         QStringLiteral("FILE")},
        {QStringLiteral("vacuum"), QStringLiteral("Give the space back to the file system afterwards (VACUUM).")},
        {QStringLiteral("schedule"),
         QStringLiteral("Set the engine's daily cleanup: a local time (HH:MM) or off. Scheduled runs use each queue's retention and\n"
                        "the --outbox-, --audit- and --email-events-older-than given here (none clears one); they never archive or VACUUM."),
         QStringLiteral("HH:MM|off")},
        {QStringLiteral("status"), QStringLiteral("Show the schedule, the last run and the next.")},
    };
    if (auto stop = parse(QStringLiteral("cleanup [--dry-run] [--queue Q] [--completed-older-than 30d] [--failed-older-than 7d] "
                                         "[--cancelled-older-than 7d] [--archive FILE] [--vacuum] [--json]\n"
                                         "       heraldctl cleanup --schedule HH:MM|off [--outbox-older-than D] [--audit-older-than D] "
                                         "[--email-events-older-than D]\n"
                                         "       heraldctl cleanup --status [--json]"),
                          QStringLiteral("Removes old completed, failed and cancelled messages (never scheduled, waiting or active ones) in\n"
                                         "short transactions, so delivery keeps going."),
                          options))
        return *stop;
    if (isSet(QStringLiteral("status")) || isSet(QStringLiteral("schedule"))) {
        for (const QString &other : {QStringLiteral("dry-run"), QStringLiteral("queue"), QStringLiteral("completed-older-than"),
                                     QStringLiteral("failed-older-than"), QStringLiteral("cancelled-older-than"), QStringLiteral("archive"),
                                     QStringLiteral("vacuum")})
            if (isSet(other))
                return fail(QStringLiteral("--%1 does not go with --schedule or --status: scheduled runs use each queue's retention "
                                           "(set it with `heraldctl queue set --retain-completed …`) and never archive or VACUUM")
                                .arg(other));
        if (isSet(QStringLiteral("status")) && isSet(QStringLiteral("schedule")))
            return fail(QStringLiteral("give either --schedule or --status, not both"));
    }
    if (isSet(QStringLiteral("status"))) {
        for (const QString &other : {QStringLiteral("outbox-older-than"), QStringLiteral("audit-older-than"), QStringLiteral("email-events-older-than")})
            if (isSet(other))
                return fail(QStringLiteral("--%1 does not go with --status; to change the schedule's ages use --schedule").arg(other));
        Store *store = openStoreForReading();
        if (!store)
            return m_status;
        return cleanupStatus(*store);
    }
    if (isSet(QStringLiteral("schedule"))) {
        auto at = CleanupSchedule::parseTime(value(QStringLiteral("schedule")));
        if (!at)
            return fail(QStringLiteral("--schedule: ") + at.errorString());
        // Validated before the store is opened: bad input changes nothing.
        std::optional<std::optional<qint64>> ages[3];
        const QString flags[] = {QStringLiteral("outbox-older-than"), QStringLiteral("audit-older-than"), QStringLiteral("email-events-older-than")};
        for (int i = 0; i < 3; ++i) {
            if (!isSet(flags[i]))
                continue;
            auto r = retentionOption(flags[i]);
            if (!r)
                return fail(r.error());
            ages[i] = *r;
        }
        Store *store = openStore();
        if (!store)
            return m_status;
        auto settings = store->cleanupSchedule();
        if (!settings)
            return fail(settings.error());
        settings->dailyAt = *at;
        std::optional<qint64> *fields[] = {&settings->outboxOlderThanMs, &settings->auditOlderThanMs, &settings->emailEventsOlderThanMs};
        for (int i = 0; i < 3; ++i)
            if (ages[i])
                *fields[i] = *ages[i];
        if (auto s = store->setCleanupSchedule(*settings); !s)
            return fail(s.error());
        return cleanupStatus(*store);
    }
    RetentionPolicy policy;
    policy.queue = value(QStringLiteral("queue"));
    const std::pair<QString, std::optional<qint64> *> flags[] = {{QStringLiteral("completed-older-than"), &policy.completedOlderThanMs},
                                                                 {QStringLiteral("failed-older-than"), &policy.failedOlderThanMs},
                                                                 {QStringLiteral("cancelled-older-than"), &policy.cancelledOlderThanMs},
                                                                 {QStringLiteral("outbox-older-than"), &policy.outboxOlderThanMs},
                                                                 {QStringLiteral("audit-older-than"), &policy.auditOlderThanMs},
                                                                 {QStringLiteral("email-events-older-than"), &policy.emailEventsOlderThanMs}};
    for (const auto &[flag, field] : flags) {
        if (!isSet(flag))
            continue;
        auto d = durationOption(flag);
        if (!d)
            return fail(d.error());
        if (*d <= 0)
            return fail(QStringLiteral("--%1 must be a positive duration such as 7d").arg(flag));
        *field = *d;
    }
    CleanupOptions opts;
    opts.archivePath = value(QStringLiteral("archive"));
    opts.archiveAsJsonLines = opts.archivePath.endsWith(QLatin1String(".jsonl")) || opts.archivePath.endsWith(QLatin1String(".json"));
    opts.vacuum = isSet(QStringLiteral("vacuum"));
    Store *store = isSet(QStringLiteral("dry-run")) ? openStoreForReading() : openStore();
    if (!store)
        return m_status;
    if (isSet(QStringLiteral("dry-run"))) {
        auto preview = store->previewCleanup(policy);
        if (!preview)
            return fail(preview.error());
        if (json())
            printJson(countsToJson(*preview));
        else
            printText(QStringLiteral("Would remove:\n") + countsToText(*preview) + QStringLiteral("Nothing was changed (--dry-run).\n"));
        return kOk;
    }
    ActionProgress progress;
    if (!json())
        progress.report = [this](qint64 done, qint64 total) {
            m_err << QStringLiteral("\rcleanup: %1 of %2").arg(done).arg(total);
            m_err.flush();
        };
    auto result = runRecordedCleanup(*store, policy, opts, QStringLiteral("heraldctl"), progress);
    if (!json()) {
        m_err << '\n';
        m_err.flush();
    }
    if (!result)
        return fail(result.error());
    if (json()) {
        QJsonObject o = countsToJson(result->removed);
        o.insert(QStringLiteral("archived"), result->archived);
        o.insert(QStringLiteral("bytes_reclaimed"), result->bytesReclaimed);
        printJson(o);
    } else {
        printText(QStringLiteral("Removed:\n") + countsToText(result->removed) +
                  (result->archived ? QStringLiteral("Archived %1 messages to %2.\n").arg(result->archived).arg(opts.archivePath) : QString()) +
                  (opts.vacuum ? QStringLiteral("VACUUM returned %1 KiB.\n").arg(result->bytesReclaimed / 1024) : QString()));
    }
    return kOk;
}

} // namespace herald
