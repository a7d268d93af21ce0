#include "Cli.h"
#include "TextTable.h"

#include "model/TimeText.h"
#include "plans/PlanApply.h"
#include "plans/PlanSpec.h"
#include "store/Store.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

namespace herald {

namespace {

QString ruleText(const PlanSpec &plan, const PlanRule &r)
{
    QString when;
    if (r.kind == PlanRule::Kind::Change) {
        when = QStringLiteral("on ") + PlanRule::triggerName(r.trigger);
    } else if (r.localTime) {
        when = QStringLiteral("%1 local, %2 day(s) from %3")
                   .arg(r.localTime->toString(QStringLiteral("HH:mm")))
                   .arg(r.dayOffset >= 0 ? QLatin1Char('+') + QString::number(r.dayOffset) : QString::number(r.dayOffset),
                        PlanRule::anchorName(r.anchor));
    } else if (r.offsetMs == 0) {
        when = QStringLiteral("at ") + PlanRule::anchorName(r.anchor);
    } else {
        when = (r.offsetMs < 0 ? QStringLiteral("-") : QStringLiteral("+")) + formatDuration(std::abs(r.offsetMs)) + QStringLiteral(" from ") +
               PlanRule::anchorName(r.anchor);
    }
    return QStringLiteral("%1: %2, to %3 by %4, priority %5").arg(r.type, when, PlanRule::audienceName(r.audience), plan.channelOf(r)).arg(r.priority);
}

// The diff, then what the run was: {created, moved, …, dry_run, changed_meanwhile, audit_id}.
QJsonObject reportJson(const PlanApplyReport &report)
{
    QJsonObject out = report.diff.toJson();
    out.insert(QStringLiteral("dry_run"), report.dryRun);
    out.insert(QStringLiteral("changed_meanwhile"), QJsonArray::fromStringList(report.changedMeanwhile));
    if (report.auditId > 0)
        out.insert(QStringLiteral("audit_id"), report.auditId);
    return out;
}

// A plan or event file, or standard input for "-".
Result<QByteArray> readSpecFile(const QString &path, const QString &what)
{
    QFile file;
    const bool opened = path == QLatin1String("-") ? file.open(stdin, QIODevice::ReadOnly) : (file.setFileName(path), file.open(QIODevice::ReadOnly));
    if (!opened)
        return Error::badInput(QStringLiteral("cannot read %1 file '%2': %3").arg(what, path, file.errorString()));
    return file.readAll();
}

QStringList localesOf(const PlanSpec &plan)
{
    QStringList locales;
    for (const auto &perLocale : plan.templates)
        for (auto it = perLocale.cbegin(); it != perLocale.cend(); ++it)
            if (!locales.contains(it.key()))
                locales << it.key();
    locales.sort();
    return locales;
}

} // namespace

int Cli::cmdPlan()
{
    const QString sub = takeSubcommand();
    m_commandName = QStringLiteral("plan ") + sub;
    if (sub == QLatin1String("define"))
        return cmdPlanDefine();
    if (sub == QLatin1String("list"))
        return cmdPlanList();
    if (sub == QLatin1String("show"))
        return cmdPlanShow();
    if (sub == QLatin1String("apply"))
        return cmdPlanApply();
    if (sub == QLatin1String("events"))
        return cmdPlanEvents();
    if (sub == QLatin1String("forget"))
        return cmdPlanForget();
    if (sub.isEmpty() && (m_args.contains(QLatin1String("--help")) || m_args.contains(QLatin1String("-h")))) {
        printText(QStringLiteral("Usage: heraldctl plan <define|list|show|apply|events|forget> [options]\n\n"
                                 "  define FILE        Check a plan file (DESIGN §11) and store it under its name, replacing one of that name\n"
                                 "  list               The plans in the store\n"
                                 "  show NAME          A plan's rules and templates (--json: the plan file)\n"
                                 "  apply EVENT.json --plan NAME [--dry-run]   Derive the event's messages and reconcile them with the store\n"
                                 "  events             The events plans were applied to, with their messages by state\n"
                                 "  forget EVENT       Cancel every pending message derived for the event\n"));
        return kOk;
    }
    m_commandName = QStringLiteral("plan");
    return fail(sub.isEmpty() ? QStringLiteral("name a sub-command: define, list, show, apply, events or forget")
                              : QStringLiteral("unknown sub-command '%1'; use define, list, show, apply, events or forget").arg(sub));
}

int Cli::cmdPlanDefine()
{
    if (auto stop = parse(QStringLiteral("plan define FILE [--json]"),
                          QStringLiteral("Checks a plan file — its rules (anchors, offsets or local times, audiences, priorities, channels)\n"
                                         "and a template for every rule's type — and stores it under the name the file gives, replacing\n"
                                         "the definition of a plan of that name. A file with any problem is refused whole, every problem\n"
                                         "listed with its JSON path, and nothing is stored (exit status 2). FILE - reads standard input."),
                          {}, QStringLiteral("FILE"), QStringLiteral("The plan file (JSON), or - for standard input.")))
        return *stop;
    const QStringList files = m_parser.positionalArguments();
    if (files.size() != 1)
        return fail(QStringLiteral("give one plan file, e.g. `heraldctl plan define evening.json`"));
    auto text = readSpecFile(files.front(), QStringLiteral("plan"));
    if (!text)
        return fail(text.error());
    auto plan = PlanSpec::parse(*text, files.front() == QLatin1String("-") ? QStringLiteral("standard input") : files.front());
    if (!plan)
        return fail(plan.error());
    Store *store = openStore();
    if (!store)
        return m_status;
    // Stored in the plan file form, so that what is kept is exactly what was checked.
    const QByteArray definition = QJsonDocument(plan->toJson()).toJson(QJsonDocument::Compact);
    auto created = store->savePlan(plan->name, definition);
    if (!created)
        return fail(created.error());
    if (json()) {
        printJson(QJsonObject{{QStringLiteral("name"), plan->name},
                              {QStringLiteral("created"), *created},
                              {QStringLiteral("rules"), plan->rules.size()},
                              {QStringLiteral("locales"), QJsonArray::fromStringList(localesOf(*plan))}});
        return kOk;
    }
    QString out = QStringLiteral("Plan '%1' %2: %3 rule(s), templates in %4; queue %5, channel %6.\n")
                      .arg(plan->name, *created ? QStringLiteral("defined") : QStringLiteral("replaced"))
                      .arg(plan->rules.size())
                      .arg(localesOf(*plan).join(QStringLiteral(", ")), plan->queue, plan->channel);
    for (const PlanRule &r : std::as_const(plan->rules))
        out += QStringLiteral("  ") + ruleText(*plan, r) + QLatin1Char('\n');
    printText(out);
    return kOk;
}

int Cli::cmdPlanList()
{
    if (auto stop = parse(QStringLiteral("plan list [--json]"), QStringLiteral("The plans in the store, by name."), {}))
        return *stop;
    Store *store = openStoreForReading();
    if (!store)
        return m_status;
    auto stored = store->plans();
    if (!stored)
        return fail(stored.error());
    QList<std::pair<StoredPlan, PlanSpec>> plans;
    for (const StoredPlan &p : std::as_const(*stored)) {
        auto spec = PlanSpec::parse(p.definition, QStringLiteral("plan '%1' in the store").arg(p.name));
        if (!spec)
            return fail(spec.error());
        plans.append({p, *spec});
    }
    if (json()) {
        QJsonArray out;
        for (const auto &[p, spec] : std::as_const(plans))
            out << QJsonObject{{QStringLiteral("name"), p.name},
                               {QStringLiteral("queue"), spec.queue},
                               {QStringLiteral("channel"), spec.channel},
                               {QStringLiteral("rules"), spec.rules.size()},
                               {QStringLiteral("locales"), QJsonArray::fromStringList(localesOf(spec))},
                               {QStringLiteral("created_at"), formatTimestamp(p.createdAt)},
                               {QStringLiteral("updated_at"), formatTimestamp(p.updatedAt)}};
        printJson(out);
        return kOk;
    }
    if (plans.isEmpty()) {
        printText(QStringLiteral("No plans yet. Define one with `heraldctl plan define FILE`.\n"));
        return kOk;
    }
    TextTable table({QStringLiteral("PLAN"), QStringLiteral("QUEUE"), QStringLiteral("CHANNEL"), QStringLiteral("RULES"), QStringLiteral("LOCALES"),
                     QStringLiteral("UPDATED")},
                    {false, false, false, true, false, false});
    for (const auto &[p, spec] : std::as_const(plans))
        table.addRow({p.name, spec.queue, spec.channel, QString::number(spec.rules.size()), localesOf(spec).join(QLatin1Char(',')),
                      formatTimestamp(p.updatedAt)});
    printText(table.render());
    return kOk;
}

int Cli::cmdPlanShow()
{
    if (auto stop = parse(QStringLiteral("plan show NAME [--json]"),
                          QStringLiteral("A plan's rules and templates; --json prints it as a plan file, ready to edit and define again."),
                          {}, QStringLiteral("NAME"), QStringLiteral("The plan's name (see `heraldctl plan list`).")))
        return *stop;
    const QStringList names = m_parser.positionalArguments();
    if (names.size() != 1)
        return fail(QStringLiteral("name one plan, e.g. `heraldctl plan show evening`; `heraldctl plan list` lists them"));
    Store *store = openStoreForReading();
    if (!store)
        return m_status;
    auto stored = store->plan(names.front());
    if (!stored)
        return fail(stored.error());
    auto plan = PlanSpec::parse(stored->definition, QStringLiteral("plan '%1' in the store").arg(stored->name));
    if (!plan)
        return fail(plan.error());
    if (json()) {
        printJson(plan->toJson());
        return kOk;
    }
    QString out = QStringLiteral("Plan %1 — queue %2, channel %3; defined %4, changed %5\n\nRules:\n")
                      .arg(plan->name, plan->queue, plan->channel, formatTimestamp(stored->createdAt), formatTimestamp(stored->updatedAt));
    for (const PlanRule &r : std::as_const(plan->rules))
        out += QStringLiteral("  ") + ruleText(*plan, r) + QLatin1Char('\n');
    out += QStringLiteral("\nTemplates:\n");
    for (auto type = plan->templates.cbegin(); type != plan->templates.cend(); ++type)
        for (auto locale = type->cbegin(); locale != type->cend(); ++locale) {
            QString text = locale->text.isEmpty() ? locale->subject : locale->text;
            text.replace(QLatin1Char('\n'), QLatin1Char(' '));
            if (text.size() > 90)
                text = text.left(89) + QChar(0x2026);
            out += QStringLiteral("  %1 [%2]: %3\n").arg(type.key(), locale.key(), text);
        }
    printText(out);
    return kOk;
}

int Cli::cmdPlanApply()
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("plan"), QStringLiteral("The plan to apply (see `heraldctl plan list`)."), QStringLiteral("NAME")},
        {QStringLiteral("dry-run"), QStringLiteral("Print the diff and change nothing.")},
    };
    if (auto stop = parse(QStringLiteral("plan apply EVENT.json --plan NAME [--dry-run] [--json]"),
                          QStringLiteral("Derives the messages the plan implies for the event (DESIGN §11) and reconciles them with what\n"
                                         "earlier applies created: missing ones are created, pending ones moved or updated, pending ones\n"
                                         "no longer implied cancelled with the reason, change notices sent once per change; sent messages\n"
                                         "are never touched nor sent again, times already past are skipped, a draft schedules nothing.\n"
                                         "Prints the diff (--json: one object with created, moved, updated, cancelled, notified, unchanged\n"
                                         "and skipped). The whole diff is written in one transaction and audited; a message an engine\n"
                                         "took meanwhile is left alone and named. A bad event file is refused whole (exit status 2)."),
                          options, QStringLiteral("EVENT.json"), QStringLiteral("The event file (JSON), or - for standard input.")))
        return *stop;
    const QStringList files = m_parser.positionalArguments();
    if (files.size() != 1)
        return fail(QStringLiteral("give one event file, e.g. `heraldctl plan apply event-41.json --plan conference`"));
    if (!isSet(QStringLiteral("plan")))
        return fail(QStringLiteral("name the plan with --plan NAME (see `heraldctl plan list`)"));
    auto text = readSpecFile(files.front(), QStringLiteral("event"));
    if (!text)
        return fail(text.error());
    const bool dryRun = isSet(QStringLiteral("dry-run"));
    Store *store = dryRun ? openStoreForReading() : openStore();
    if (!store)
        return m_status;
    auto report = applyEventPlan(*store, value(QStringLiteral("plan")), *text,
                                 files.front() == QLatin1String("-") ? QStringLiteral("standard input") : files.front(), dryRun);
    if (!report)
        return fail(report.error());
    if (json()) {
        printJson(reportJson(*report));
        return kOk;
    }
    QString out = report->diff.summary();
    if (!out.endsWith(QLatin1Char('\n')))
        out += QLatin1Char('\n');
    for (const QString &identity : std::as_const(report->changedMeanwhile))
        out += QStringLiteral("left alone, taken meanwhile: %1\n").arg(identity);
    out += dryRun ? QStringLiteral("Dry run: nothing was changed.\n")
                  : report->diff.isEmpty() ? QStringLiteral("Nothing to change.\n")
                                           : QStringLiteral("Applied (audit #%1).\n").arg(report->auditId);
    printText(out);
    return kOk;
}

int Cli::cmdPlanEvents()
{
    if (auto stop = parse(QStringLiteral("plan events [--json]"),
                          QStringLiteral("The events plans were applied to, newest first, with their derived messages by state\n"
                                         "(removed: finished messages cleanup has since removed; their records stay)."),
                          {}))
        return *stop;
    Store *store = openStoreForReading();
    if (!store)
        return m_status;
    auto events = store->planEvents();
    if (!events)
        return fail(events.error());
    if (json()) {
        QJsonArray out;
        for (const PlanEventSummary &e : std::as_const(*events)) {
            QJsonObject counts;
            for (auto it = e.counts.cbegin(); it != e.counts.cend(); ++it)
                counts.insert(stateName(it.key()), it.value());
            out << QJsonObject{{QStringLiteral("event"), e.eventId},     {QStringLiteral("plan"), e.plan},
                               {QStringLiteral("name"), e.name},         {QStringLiteral("status"), e.status},
                               {QStringLiteral("applied_at"), formatTimestamp(e.appliedAt)}, {QStringLiteral("counts"), counts},
                               {QStringLiteral("removed"), e.removed}};
        }
        printJson(out);
        return kOk;
    }
    if (events->isEmpty()) {
        printText(QStringLiteral("No event applied yet. Apply one with `heraldctl plan apply EVENT.json --plan NAME`.\n"));
        return kOk;
    }
    TextTable table({QStringLiteral("EVENT"), QStringLiteral("NAME"), QStringLiteral("STATUS"), QStringLiteral("PLAN"), QStringLiteral("APPLIED"),
                     QStringLiteral("MESSAGES")},
                    {false, false, false, false, false, false});
    for (const PlanEventSummary &e : std::as_const(*events)) {
        QStringList parts;
        for (auto it = e.counts.cbegin(); it != e.counts.cend(); ++it)
            parts << QStringLiteral("%1 %2").arg(it.value()).arg(stateName(it.key()));
        if (e.removed > 0)
            parts << QStringLiteral("%1 removed").arg(e.removed);
        table.addRow({e.eventId, e.name, e.status, e.plan, formatTimestamp(e.appliedAt), parts.join(QStringLiteral(", "))});
    }
    printText(table.render());
    return kOk;
}

int Cli::cmdPlanForget()
{
    const QList<QCommandLineOption> options{{QStringLiteral("dry-run"), QStringLiteral("List what would be cancelled and change nothing.")}};
    if (auto stop = parse(QStringLiteral("plan forget EVENT [--dry-run] [--json]"),
                          QStringLiteral("Cancels every pending (scheduled or waiting) message plans derived for the event, with the\n"
                                         "reason. Sent messages and the records of every derived message stay, so applying the event\n"
                                         "again never sends a reminder twice. Audited; `heraldctl undo` puts the messages back."),
                          options, QStringLiteral("EVENT"), QStringLiteral("The event's id (see `heraldctl plan events`).")))
        return *stop;
    const QStringList ids = m_parser.positionalArguments();
    if (ids.size() != 1)
        return fail(QStringLiteral("name one event, e.g. `heraldctl plan forget 41`; `heraldctl plan events` lists them"));
    const bool dryRun = isSet(QStringLiteral("dry-run"));
    Store *store = dryRun ? openStoreForReading() : openStore();
    if (!store)
        return m_status;
    auto report = forgetEvent(*store, ids.front(), dryRun);
    if (!report)
        return fail(report.error());
    if (json()) {
        printJson(reportJson(*report));
        return kOk;
    }
    QString out = QStringLiteral("%1 pending message(s) of event %2 %3; %4 left as they are (sent, failed, cancelled or removed).\n")
                      .arg(report->diff.cancelled.size())
                      .arg(ids.front(), dryRun ? QStringLiteral("would be cancelled") : QStringLiteral("cancelled"))
                      .arg(report->diff.unchanged.size());
    for (const QString &identity : std::as_const(report->changedMeanwhile))
        out += QStringLiteral("left alone, taken meanwhile: %1\n").arg(identity);
    if (!dryRun && report->auditId > 0)
        out += QStringLiteral("Audit #%1; `heraldctl undo` puts them back.\n").arg(report->auditId);
    printText(out);
    return kOk;
}

} // namespace herald
