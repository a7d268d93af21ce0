#include "Cli.h"

#include "TextTable.h"
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

} // namespace

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
    };
    if (auto stop = parse(QStringLiteral("cleanup [--dry-run] [--queue Q] [--completed-older-than 30d] [--failed-older-than 7d] "
                                         "[--cancelled-older-than 7d] [--archive FILE] [--vacuum] [--json]"),
                          QStringLiteral("Removes old completed, failed and cancelled messages (never scheduled, waiting or active ones) in\n"
                                         "short transactions, so delivery keeps going."),
                          options))
        return *stop;
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
    Store *store = openStore();
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
    auto result = store->runCleanup(policy, opts, progress);
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
