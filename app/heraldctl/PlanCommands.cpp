#include "Cli.h"
#include "TextTable.h"

#include "model/TimeText.h"
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
    if (sub.isEmpty() && (m_args.contains(QLatin1String("--help")) || m_args.contains(QLatin1String("-h")))) {
        printText(QStringLiteral("Usage: heraldctl plan <define|list|show> [options]\n\n"
                                 "  define FILE        Check a plan file (DESIGN §11) and store it under its name, replacing one of that name\n"
                                 "  list               The plans in the store\n"
                                 "  show NAME          A plan's rules and templates (--json: the plan file)\n"));
        return kOk;
    }
    m_commandName = QStringLiteral("plan");
    return fail(sub.isEmpty() ? QStringLiteral("name a sub-command: define, list or show")
                              : QStringLiteral("unknown sub-command '%1'; use define, list or show").arg(sub));
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
    QFile file;
    const bool fromStdin = files.front() == QLatin1String("-");
    const bool opened = fromStdin ? file.open(stdin, QIODevice::ReadOnly) : (file.setFileName(files.front()), file.open(QIODevice::ReadOnly));
    if (!opened)
        return fail(QStringLiteral("cannot read plan file '%1': %2").arg(files.front(), file.errorString()));
    const QByteArray text = file.readAll();
    auto plan = PlanSpec::parse(text, fromStdin ? QStringLiteral("standard input") : files.front());
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

} // namespace herald
