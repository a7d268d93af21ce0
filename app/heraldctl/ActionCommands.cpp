#include "Cli.h"

#include "failures/FailureGroups.h"
#include "maintenance/MessageExport.h"
#include "model/TimeText.h"

#include <QFile>
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
    case ActionKind::EditPayload: return QStringLiteral("Edited");
    case ActionKind::Duplicate: return QStringLiteral("Duplicated");
    case ActionKind::Delete: return QStringLiteral("Deleted");
    }
    return {};
}

QString description(ActionKind kind)
{
    switch (kind) {
    case ActionKind::Cancel: return QStringLiteral("Cancels scheduled, waiting or active messages.");
    case ActionKind::Reschedule:
        return QStringLiteral("Moves scheduled or waiting messages to a time (--at, --in), by an offset (--by 1h, --by -30m), or\n"
                              "spreads them evenly from --at/--in until --spread-until (or over --spread-over), in the order\n"
                              "they were due. A time in the past is refused: use promote to run messages now.");
    case ActionKind::Retry: return QStringLiteral("Sends failed messages again now, with their attempts reset.");
    case ActionKind::Promote: return QStringLiteral("Makes scheduled messages due now.");
    case ActionKind::SetPriority: return QStringLiteral("Sets the priority (1 most urgent … 10) of scheduled or waiting messages.");
    case ActionKind::Restore: return QStringLiteral("Brings cancelled messages back: scheduled if their time is ahead, else waiting.");
    case ActionKind::EditPayload: return QStringLiteral("Replaces the payload of one scheduled, waiting or failed message.");
    case ActionKind::Duplicate: return QStringLiteral("Enqueues copies of messages, due at their time or now, with no history.");
    case ActionKind::Delete: return QStringLiteral("Deletes completed, failed or cancelled messages with their attempts. Not undoable.");
    }
    return {};
}

QString countsText(const QMap<MessageState, qint64> &counts)
{
    QStringList parts;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        parts << QStringLiteral("%1 %2").arg(it.value()).arg(stateName(it.key()));
    return parts.join(QStringLiteral(", "));
}

QJsonObject countsJson(const QMap<MessageState, qint64> &counts)
{
    QJsonObject o;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        o.insert(stateName(it.key()), it.value());
    return o;
}

} // namespace

int Cli::cmdAction(ActionKind kind)
{
    QList<QCommandLineOption> options = selectionOptions(QStringLiteral("Select"));
    options << QCommandLineOption(QStringLiteral("dry-run"),
                                  QStringLiteral("Show what would change — count, queues and states, a sample — and change nothing."));
    if (kind == ActionKind::Reschedule) {
        options << QCommandLineOption(QStringLiteral("at"), QStringLiteral("The new time, ISO 8601."), QStringLiteral("TIME"))
                << QCommandLineOption(QStringLiteral("in"), QStringLiteral("The new time, from now (e.g. 2h)."), QStringLiteral("DURATION"))
                << QCommandLineOption(QStringLiteral("by"), QStringLiteral("Shift each message's time by this offset (e.g. 1d, -30m)."),
                                      QStringLiteral("OFFSET"))
                << QCommandLineOption(QStringLiteral("spread-until"), QStringLiteral("Spread evenly from the new time until this time."),
                                      QStringLiteral("TIME"))
                << QCommandLineOption(QStringLiteral("spread-over"), QStringLiteral("Spread evenly over this long from the new time."),
                                      QStringLiteral("DURATION"));
    }
    if (kind == ActionKind::SetPriority)
        options << QCommandLineOption(QStringLiteral("to"), QStringLiteral("The new priority, 1 to 10."), QStringLiteral("N"));
    if (kind == ActionKind::EditPayload)
        options << QCommandLineOption(QStringLiteral("payload"), QStringLiteral("The new payload, a JSON object."), QStringLiteral("JSON"));
    const QString name = actionName(kind);
    QString usageLine = name + QStringLiteral(" ID… | ") + name + QStringLiteral(" --queue Q [--state S] [--label k=v] [--search T]…");
    if (kind == ActionKind::Reschedule)
        usageLine += QStringLiteral(" (--at TIME | --in DURATION [--spread-until TIME | --spread-over D] | --by OFFSET)");
    if (kind == ActionKind::SetPriority)
        usageLine += QStringLiteral(" --to N");
    if (kind == ActionKind::EditPayload)
        usageLine = QStringLiteral("edit ID --payload JSON");
    if (auto stop = parse(usageLine,
                          description(kind) + QStringLiteral("\nWith ids, nothing changes unless every id can be acted on. With a "
                                                             "selection, messages in other states are left alone and counted.\n"
                                                             "Every action is in the audit log; `heraldctl undo` reverts the last one."),
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
    if (kind == ActionKind::EditPayload) {
        if (sel->ids.size() != 1 || sel->hasFilter())
            return fail(QStringLiteral("edit takes exactly one message id, e.g. `heraldctl edit 12 --payload '{…}'`"));
        if (!isSet(QStringLiteral("payload")))
            return fail(QStringLiteral("--payload is missing; give the new payload as a JSON object"));
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(value(QStringLiteral("payload")).toUtf8(), &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            return fail(QStringLiteral("--payload is not a JSON object (%1); write e.g. --payload '{\"name\": \"Ana\"}'")
                            .arg(err.error != QJsonParseError::NoError ? err.errorString() : QStringLiteral("not an object")));
        action.payload = doc.toJson(QJsonDocument::Compact);
    }
    Store *store = isSet(QStringLiteral("dry-run")) ? openStoreForReading() : openStore();
    if (!store)
        return m_status;
    if (auto s = resolveFailureGroup(*store, *sel); !s)
        return fail(s.error());
    if (kind == ActionKind::Cancel && !sel->failureGroup.isEmpty() && !isSet(QStringLiteral("state")))
        *sel = withRetryingMessages(*sel); // cancelling a cause stops its retries
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
        if (isSet(QStringLiteral("spread-until")) || isSet(QStringLiteral("spread-over"))) {
            if (!action.runAt)
                return fail(QStringLiteral("a spread starts at --at or --in; it cannot go with --by"));
            if (isSet(QStringLiteral("spread-until")) && isSet(QStringLiteral("spread-over")))
                return fail(QStringLiteral("give --spread-until or --spread-over, not both"));
            if (isSet(QStringLiteral("spread-until"))) {
                auto t = parseTimestamp(value(QStringLiteral("spread-until")), store->now());
                if (!t)
                    return fail(QStringLiteral("--spread-until: ") + t.errorString());
                action.spreadUntil = *t;
            } else {
                auto d = durationOption(QStringLiteral("spread-over"));
                if (!d)
                    return fail(d.error());
                action.spreadUntil = *action.runAt + *d;
            }
        }
    }

    if (isSet(QStringLiteral("dry-run"))) {
        auto preview = store->previewAction(*sel, action);
        if (!preview)
            return fail(preview.error());
        if (json()) {
            QJsonObject byQueue;
            for (auto it = preview->byQueueAndState.cbegin(); it != preview->byQueueAndState.cend(); ++it)
                byQueue.insert(it.key(), countsJson(it.value()));
            QJsonArray sample;
            for (const Message &m : preview->sample)
                sample << m.id;
            printJson(QJsonObject{{QStringLiteral("action"), name},
                                  {QStringLiteral("matching"), preview->matching},
                                  {QStringLiteral("applicable"), preview->applicable},
                                  {QStringLiteral("skipped"), countsJson(preview->skippedByState)},
                                  {QStringLiteral("by_queue"), byQueue},
                                  {QStringLiteral("sample"), sample}});
            return kOk;
        }
        QString text = QStringLiteral("Would %1 %2 of the %3 matching messages.\n").arg(name).arg(preview->applicable).arg(preview->matching);
        for (auto it = preview->byQueueAndState.cbegin(); it != preview->byQueueAndState.cend(); ++it)
            text += QStringLiteral("  %1: %2\n").arg(it.key(), countsText(it.value()));
        if (!preview->skippedByState.isEmpty())
            text += QStringLiteral("Left alone: %1.\n").arg(countsText(preview->skippedByState));
        if (!preview->sample.isEmpty()) {
            QStringList ids;
            for (const Message &m : preview->sample)
                ids << QString::number(m.id);
            text += QStringLiteral("First ids: %1\n").arg(ids.join(QLatin1Char(' ')));
        }
        text += QStringLiteral("Nothing was changed (--dry-run).\n");
        printText(text);
        return kOk;
    }

    ActionProgress progress;
    if (!json() && !sel->isById())
        progress.report = [this, name](qint64 done, qint64 total) {
            if (total > 5000) {
                m_err << QStringLiteral("\r%1: %2 of %3").arg(name).arg(done).arg(total);
                m_err.flush();
            }
        };
    auto result = store->apply(*sel, action, progress);
    if (!result)
        return fail(result.error());
    if (result->affected > 5000 && progress.report) {
        m_err << '\n';
        m_err.flush();
    }
    QStringList leftAlone;
    QJsonObject skipped = countsJson(result->skippedByState);
    if (!result->skippedByState.isEmpty())
        leftAlone << countsText(result->skippedByState);
    if (result->skippedIntoPast) {
        leftAlone << QStringLiteral("%1 that would move into the past").arg(result->skippedIntoPast);
        skipped.insert(QStringLiteral("into_past"), result->skippedIntoPast);
    }
    if (result->changedMeanwhile) {
        leftAlone << QStringLiteral("%1 changed meanwhile (by an engine or another operator)").arg(result->changedMeanwhile);
        skipped.insert(QStringLiteral("changed_meanwhile"), result->changedMeanwhile);
    }
    if (json()) {
        QJsonArray ids, created;
        for (qint64 id : std::as_const(result->affectedIds))
            ids << id;
        for (qint64 id : std::as_const(result->createdIds))
            created << id;
        QJsonObject o{{QStringLiteral("action"), name},
                      {QStringLiteral("affected"), result->affected},
                      {QStringLiteral("ids"), ids},
                      {QStringLiteral("skipped"), skipped},
                      {QStringLiteral("audit_id"), result->auditId}};
        if (kind == ActionKind::Duplicate)
            o.insert(QStringLiteral("created"), created);
        printJson(o);
        return kOk;
    }
    QString text = QStringLiteral("%1 %2 message%3").arg(pastTense(kind)).arg(result->affected).arg(result->affected == 1 ? QString() : QStringLiteral("s"));
    if (action.runAt && action.spreadUntil)
        text += QStringLiteral(" over %1 – %2").arg(formatTimestamp(*action.runAt), formatTimestamp(*action.spreadUntil));
    else if (action.runAt)
        text += QStringLiteral(" to ") + formatTimestamp(*action.runAt);
    if (action.shiftMs)
        text += QStringLiteral(" by ") + (*action.shiftMs < 0 ? QStringLiteral("-") + formatDuration(-*action.shiftMs) : formatDuration(*action.shiftMs));
    if (kind == ActionKind::SetPriority)
        text += QStringLiteral(" to priority %1").arg(action.priority);
    if (!result->createdIds.isEmpty()) {
        QStringList created;
        for (qint64 id : std::as_const(result->createdIds))
            created << QString::number(id);
        text += QStringLiteral(" as ") + created.join(QLatin1Char(' '));
    }
    text += QStringLiteral(" (audit #%1).").arg(result->auditId);
    if (!leftAlone.isEmpty())
        text += QStringLiteral(" Left alone: ") + leftAlone.join(QStringLiteral(", ")) + QLatin1Char('.');
    printText(text + QLatin1Char('\n'));
    return kOk;
}

int Cli::cmdUndo()
{
    if (auto stop = parse(QStringLiteral("undo [--json]"),
                          QStringLiteral("Undoes the last operator action (not delete or duplicate): its messages get back the state,\n"
                                         "time, priority, attempts and payload they had, unless something changed them since."),
                          {}))
        return *stop;
    Store *store = openStore();
    if (!store)
        return m_status;
    auto result = store->undoLastAction();
    if (!result)
        return fail(result.error());
    if (json()) {
        QJsonArray ids;
        for (qint64 id : std::as_const(result->affectedIds))
            ids << id;
        printJson(QJsonObject{{QStringLiteral("action"), QStringLiteral("undo")},
                              {QStringLiteral("affected"), result->affected},
                              {QStringLiteral("ids"), ids},
                              {QStringLiteral("audit_id"), result->auditId}});
    } else {
        printText(QStringLiteral("Undone: %1 message%2 put back (audit #%3).\n")
                      .arg(result->affected)
                      .arg(result->affected == 1 ? QString() : QStringLiteral("s"))
                      .arg(result->auditId));
    }
    return kOk;
}

int Cli::cmdExport()
{
    QList<QCommandLineOption> options = selectionOptions(QStringLiteral("Only"));
    options << QCommandLineOption(QStringLiteral("format"), QStringLiteral("csv or jsonl (default jsonl)."), QStringLiteral("FORMAT"))
            << QCommandLineOption(QStringLiteral("out"), QStringLiteral("The file to write (default: standard output)."), QStringLiteral("FILE"));
    if (auto stop = parse(QStringLiteral("export [--format csv|jsonl] [--out FILE] [--queue Q] [--state S] [--label k=v]…"),
                          QStringLiteral("Writes the selected messages (all when nothing is selected), in id order."), options))
        return *stop;
    auto sel = selection(false);
    if (!sel)
        return fail(sel.error());
    const QString formatText = isSet(QStringLiteral("format")) ? value(QStringLiteral("format")).toLower() : QStringLiteral("jsonl");
    if (formatText != QLatin1String("csv") && formatText != QLatin1String("jsonl"))
        return fail(QStringLiteral("--format '%1' is unknown; use csv or jsonl").arg(value(QStringLiteral("format"))));
    QFile out;
    const bool toFile = isSet(QStringLiteral("out"));
    if (toFile) {
        out.setFileName(value(QStringLiteral("out")));
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return fail(QStringLiteral("--out '%1' cannot be written: %2").arg(out.fileName(), out.errorString()));
    } else if (!out.open(stdout, QIODevice::WriteOnly)) {
        return fail(Error::runtime(QStringLiteral("cannot write to standard output")));
    }
    Store *store = openStoreForReading();
    if (!store)
        return m_status;
    if (auto s = resolveFailureGroup(*store, *sel); !s)
        return fail(s.error());
    ActionProgress progress;
    if (toFile)
        progress.report = [this](qint64 done, qint64 total) {
            m_err << QStringLiteral("\rexported %1 of %2").arg(done).arg(total);
            m_err.flush();
        };
    auto n = exportMessages(*store, *sel, formatText == QLatin1String("csv") ? ExportFormat::Csv : ExportFormat::JsonLines, out, progress);
    if (!n)
        return fail(n.error());
    out.close();
    if (toFile) {
        m_err << QStringLiteral("\rexported %1 messages to %2\n").arg(*n).arg(out.fileName());
        m_err.flush();
    }
    return kOk;
}

} // namespace herald
