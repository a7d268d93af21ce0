#include "Cli.h"

#include "model/TimeText.h"

#include <QJsonDocument>

namespace herald {

namespace {

QString pastTense(ActionKind kind)
{
    switch (kind) {
    case ActionKind::Cancel: return QStringLiteral("Cancelled");
    case ActionKind::Reschedule: return QStringLiteral("Rescheduled");
    case ActionKind::Retry: return QStringLiteral("Retried");
    case ActionKind::Promote: return QStringLiteral("Promoted");
    case ActionKind::SetPriority: return QStringLiteral("Re-prioritised");
    case ActionKind::Restore: return QStringLiteral("Restored");
    }
    return {};
}

QString description(ActionKind kind)
{
    switch (kind) {
    case ActionKind::Cancel: return QStringLiteral("Cancels scheduled, waiting or active messages.");
    case ActionKind::Reschedule:
        return QStringLiteral("Moves scheduled or waiting messages to a time (--at, --in) or by an offset (--by 1h, --by -30m).\n"
                              "A time in the past is refused: use promote to run messages now.");
    case ActionKind::Retry: return QStringLiteral("Sends failed messages again now, with their attempts reset.");
    case ActionKind::Promote: return QStringLiteral("Makes scheduled messages due now.");
    case ActionKind::SetPriority: return QStringLiteral("Sets the priority (1 most urgent … 10) of scheduled or waiting messages.");
    case ActionKind::Restore: return QStringLiteral("Brings cancelled messages back: scheduled if their time is ahead, else waiting.");
    }
    return {};
}

} // namespace

int Cli::cmdAction(ActionKind kind)
{
    QList<QCommandLineOption> options{
        {QStringLiteral("queue"), QStringLiteral("Select the messages of this queue."), QStringLiteral("NAME")},
        {QStringLiteral("state"), QStringLiteral("Select messages in these states (repeatable or comma-separated)."), QStringLiteral("STATE")},
        {QStringLiteral("label"), QStringLiteral("Select messages with this label (repeatable; all must match), e.g. --label event=41."),
         QStringLiteral("KEY=VALUE")},
    };
    if (kind == ActionKind::Reschedule) {
        options << QCommandLineOption(QStringLiteral("at"), QStringLiteral("The new time, ISO 8601."), QStringLiteral("TIME"))
                << QCommandLineOption(QStringLiteral("in"), QStringLiteral("The new time, from now (e.g. 2h)."), QStringLiteral("DURATION"))
                << QCommandLineOption(QStringLiteral("by"), QStringLiteral("Shift each message's time by this offset (e.g. 1d, -30m)."),
                                      QStringLiteral("OFFSET"));
    }
    if (kind == ActionKind::SetPriority)
        options << QCommandLineOption({QStringLiteral("to"), QStringLiteral("priority")}, QStringLiteral("The new priority, 1 to 10."),
                                      QStringLiteral("N"));
    const QString name = actionName(kind);
    QString usageLine = name + QStringLiteral(" ID… | ") + name + QStringLiteral(" --queue Q [--state S] [--label k=v]…");
    if (kind == ActionKind::Reschedule)
        usageLine += QStringLiteral(" (--at TIME | --in DURATION | --by OFFSET)");
    if (kind == ActionKind::SetPriority)
        usageLine += QStringLiteral(" --to N");
    if (auto stop = parse(usageLine,
                          description(kind) + QStringLiteral("\nWith ids, nothing changes unless every id can be acted on. With a "
                                                             "selection, messages in other states are left alone and counted."),
                          options, QStringLiteral("ID"), QStringLiteral("Message ids.")))
        return *stop;

    // Every flag is checked before the store is touched.
    auto sel = selection(true);
    if (!sel)
        return fail(sel.error());
    OperatorAction action;
    action.kind = kind;
    if (kind == ActionKind::SetPriority) {
        if (!isSet(QStringLiteral("to")))
            return fail(QStringLiteral("--to is missing; give the new priority, 1 (most urgent) to 10"));
        auto p = intOption(QStringLiteral("to"), kHighestPriority, kLowestPriority);
        if (!p)
            return fail(QStringLiteral("--to '%1' is out of range; use 1 (most urgent) to 10").arg(value(QStringLiteral("to"))));
        action.priority = *p;
    }
    Store *store = openStore();
    if (!store)
        return m_status;
    if (kind == ActionKind::Reschedule) {
        const int given = int(isSet(QStringLiteral("at"))) + int(isSet(QStringLiteral("in"))) + int(isSet(QStringLiteral("by")));
        if (given != 1)
            return fail(QStringLiteral("give exactly one of --at TIME, --in DURATION or --by OFFSET"));
        if (isSet(QStringLiteral("at"))) {
            auto t = parseTimestamp(value(QStringLiteral("at")), store->now());
            if (!t)
                return fail(QStringLiteral("--at: ") + t.errorString());
            action.runAt = *t;
        } else if (isSet(QStringLiteral("in"))) {
            auto d = durationOption(QStringLiteral("in"));
            if (!d)
                return fail(d.error());
            action.runAt = store->now() + *d;
        } else {
            auto d = durationOption(QStringLiteral("by"));
            if (!d)
                return fail(d.error());
            if (*d == 0)
                return fail(QStringLiteral("--by 0 would change nothing; give an offset such as 1h or -30m"));
            action.shiftMs = *d;
        }
    }

    auto result = store->apply(*sel, action);
    if (!result)
        return fail(result.error());
    QStringList leftAlone;
    QJsonObject skipped;
    for (auto it = result->skippedByState.cbegin(); it != result->skippedByState.cend(); ++it) {
        leftAlone << QStringLiteral("%1 %2").arg(it.value()).arg(stateName(it.key()));
        skipped.insert(stateName(it.key()), it.value());
    }
    if (result->skippedIntoPast) {
        leftAlone << QStringLiteral("%1 that would move into the past").arg(result->skippedIntoPast);
        skipped.insert(QStringLiteral("into_past"), result->skippedIntoPast);
    }
    if (json()) {
        QJsonArray ids;
        for (qint64 id : result->affectedIds)
            ids << id;
        printJson(QJsonObject{{QStringLiteral("action"), name},
                              {QStringLiteral("affected"), result->affected},
                              {QStringLiteral("ids"), ids},
                              {QStringLiteral("skipped"), skipped},
                              {QStringLiteral("audit_id"), result->auditId}});
        return kOk;
    }
    QString text = QStringLiteral("%1 %2 message%3").arg(pastTense(kind)).arg(result->affected).arg(result->affected == 1 ? QString() : QStringLiteral("s"));
    if (action.runAt)
        text += QStringLiteral(" to ") + formatTimestamp(*action.runAt);
    if (action.shiftMs)
        text += QStringLiteral(" by ") + (*action.shiftMs < 0 ? QStringLiteral("-") + formatDuration(-*action.shiftMs) : formatDuration(*action.shiftMs));
    if (kind == ActionKind::SetPriority)
        text += QStringLiteral(" to priority %1").arg(action.priority);
    text += QStringLiteral(" (audit #%1).").arg(result->auditId);
    if (!leftAlone.isEmpty())
        text += QStringLiteral(" Left alone: ") + leftAlone.join(QStringLiteral(", ")) + QLatin1Char('.');
    printText(text + QLatin1Char('\n'));
    return kOk;
}

} // namespace herald
