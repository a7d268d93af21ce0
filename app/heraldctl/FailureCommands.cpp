#include "Cli.h"
#include "TextTable.h"

#include "failures/FailureGroups.h"
#include "model/TimeText.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

namespace herald {

int Cli::cmdFailures()
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("since"), QStringLiteral("Only failures at or after: ISO time or a duration ago (24h, 7d). Default: all."), QStringLiteral("TIME")},
        {QStringLiteral("limit"), QStringLiteral("At most this many groups, the largest (default 50)."), QStringLiteral("N")},
    };
    if (auto stop = parse(QStringLiteral("failures [--since 24h] [--limit N] [--json]"),
                          QStringLiteral("Failed messages grouped by cause: digits, ids, addresses and URLs in their errors are\n"
                                         "normalised, so 52 failures read as \"48 × no phone number\" and \"4 × HTTP 503\". Act on a\n"
                                         "group with `heraldctl retry --failure-group ID` (or cancel, list, export …)."),
                          options))
        return *stop;
    std::optional<qint64> since;
    if (isSet(QStringLiteral("since"))) {
        auto t = timeOption(QStringLiteral("since"));
        if (!t)
            return fail(t.error());
        since = *t;
    }
    int limit = 50;
    if (auto s = intOptionInto(QStringLiteral("limit"), 1, 100'000, limit); !s)
        return fail(s.error());
    Store *store = openStoreForReading();
    if (!store)
        return m_status;
    auto groups = failureGroups(*store, since);
    if (!groups)
        return fail(groups.error());
    const qsizetype shown = std::min<qsizetype>(limit, groups->size());
    if (json()) {
        QJsonArray out;
        for (qsizetype i = 0; i < shown; ++i) {
            const FailureGroup &g = groups->at(i);
            QJsonObject queues;
            for (auto it = g.byQueue.cbegin(); it != g.byQueue.cend(); ++it)
                queues.insert(it.key(), it.value());
            out << QJsonObject{{QStringLiteral("id"), g.id},
                               {QStringLiteral("fingerprint"), g.fingerprint},
                               {QStringLiteral("count"), g.count},
                               {QStringLiteral("queues"), queues},
                               {QStringLiteral("first_seen"), formatTimestamp(g.firstSeen)},
                               {QStringLiteral("last_seen"), formatTimestamp(g.lastSeen)},
                               {QStringLiteral("sample"), g.sample},
                               {QStringLiteral("sample_message_id"), g.sampleMessageId}};
        }
        printJson(out);
        return kOk;
    }
    if (groups->isEmpty()) {
        printText(since ? QStringLiteral("No message failed since %1.\n").arg(formatTimestamp(*since)) : QStringLiteral("No failed messages.\n"));
        return kOk;
    }
    qint64 total = 0;
    for (const FailureGroup &g : std::as_const(*groups))
        total += g.count;
    TextTable table({QStringLiteral("GROUP"), QStringLiteral("COUNT"), QStringLiteral("QUEUES"), QStringLiteral("FIRST"), QStringLiteral("LAST"),
                     QStringLiteral("ERROR")},
                    {false, true, false, false, false, false});
    for (qsizetype i = 0; i < shown; ++i) {
        const FailureGroup &g = groups->at(i);
        table.addRow({g.id, QString::number(g.count), g.queuesText(), formatTimestampSeconds(g.firstSeen), formatTimestampSeconds(g.lastSeen),
                      g.fingerprint});
    }
    printText(table.render());
    printText(QStringLiteral("%1 failed messages in %2 groups%3. Retry one: heraldctl retry --failure-group GROUP --dry-run\n")
                  .arg(total)
                  .arg(groups->size())
                  .arg(shown < groups->size() ? QStringLiteral(" (the %1 largest shown)").arg(shown) : QString()));
    return kOk;
}

Status Cli::resolveFailureGroup(Store &store, MessageSelection &selection)
{
    if (selection.failureGroup.isEmpty() || !selection.lastErrors.isEmpty())
        return {};
    auto group = failureGroupSelection(store, selection.failureGroup);
    if (!group)
        return group.error();
    selection.lastErrors = group->lastErrors;
    if (selection.states.isEmpty())
        selection.states = group->states;
    return {};
}

} // namespace herald
