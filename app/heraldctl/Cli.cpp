#include "Cli.h"

#include "model/FailureFingerprint.h"

#include "TextTable.h"
#include "demo/DemoData.h"
#include "model/MessageJson.h"
#include "model/TextInput.h"
#include "model/TimeText.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QThread>

#include <algorithm>
#include <cstdio>

namespace herald {

Cli::Cli() : m_out(stdout), m_err(stderr)
{
    m_commands = {
        {QStringLiteral("init"), QStringLiteral("Create the store (or upgrade its schema) and say where it is"), &Cli::cmdInit},
        {QStringLiteral("queue"), QStringLiteral("Manage queues: add, list, set, pause, resume"), &Cli::cmdQueue},
        {QStringLiteral("enqueue"), QStringLiteral("Enqueue one message from flags, or many from --file F.jsonl"), &Cli::cmdEnqueue},
        {QStringLiteral("import"), QStringLiteral("Import a legacy queue with its history: send-event FILE, event-messages --from postgres://…"),
         &Cli::cmdImport},
        {QStringLiteral("list"), QStringLiteral("List messages by queue, state and labels"), &Cli::cmdList},
        {QStringLiteral("show"), QStringLiteral("Show one message with its attempts"), &Cli::cmdShow},
        {QStringLiteral("stats"), QStringLiteral("Counts per state for every queue"), &Cli::cmdStats},
        {QStringLiteral("upcoming"), QStringLiteral("Scheduled messages due in the next hours"), &Cli::cmdUpcoming},
        {QStringLiteral("cancel"), QStringLiteral("Cancel messages (ids or a selection)"), &Cli::cmdCancel},
        {QStringLiteral("reschedule"), QStringLiteral("Move messages to a time (--at, --in) or by an offset (--by)"), &Cli::cmdReschedule},
        {QStringLiteral("retry"), QStringLiteral("Send failed messages again"), &Cli::cmdRetry},
        {QStringLiteral("promote"), QStringLiteral("Run scheduled messages now"), &Cli::cmdPromote},
        {QStringLiteral("priority"), QStringLiteral("Change the priority of messages (--to 1..10)"), &Cli::cmdPriority},
        {QStringLiteral("restore"), QStringLiteral("Bring cancelled messages back"), &Cli::cmdRestore},
        {QStringLiteral("edit"), QStringLiteral("Replace the payload of a scheduled, waiting or failed message"), &Cli::cmdEdit},
        {QStringLiteral("duplicate"), QStringLiteral("Enqueue copies of messages"), &Cli::cmdDuplicate},
        {QStringLiteral("delete"), QStringLiteral("Delete completed, failed or cancelled messages"), &Cli::cmdDelete},
        {QStringLiteral("undo"), QStringLiteral("Undo the last operator action while its messages still exist"), &Cli::cmdUndo},
        {QStringLiteral("delivery"), QStringLiteral("Is delivery healthy: outcomes, lateness p50/p95/p99, rate and backlog (--since 24h)"), &Cli::cmdDelivery},
        {QStringLiteral("failures"), QStringLiteral("Failed messages grouped by cause (--since 24h); act on one with --failure-group ID"), &Cli::cmdFailures},
        {QStringLiteral("export"), QStringLiteral("Export the selected messages as CSV or JSON Lines"), &Cli::cmdExport},
        {QStringLiteral("cleanup"), QStringLiteral("Remove old terminal messages by retention, with preview and archive"), &Cli::cmdCleanup},
        {QStringLiteral("audit"), QStringLiteral("Show the audit log of operator actions"), &Cli::cmdAudit},
        {QStringLiteral("channel"), QStringLiteral("Configure delivery channels: add, list, set, test, remove"), &Cli::cmdChannel},
        {QStringLiteral("work"), QStringLiteral("Deliver messages (headless worker); --until-idle, --until-drained"), &Cli::cmdWork},
        {QStringLiteral("engines"), QStringLiteral("The engines delivering from a shared store, with their heartbeats"), &Cli::cmdEngines},
        {QStringLiteral("plan"), QStringLiteral("Event plans: define, list, show, apply an event file, events, forget (reminders that follow the event)"), &Cli::cmdPlan},
        {QStringLiteral("store"), QStringLiteral("Copy a whole store into a new or empty one: store copy FROM TO (SQLite, PostgreSQL)"), &Cli::cmdStore},
        {QStringLiteral("serve"), QStringLiteral("Receive SES events from Amazon SNS over HTTP (--listen, --topic)"), &Cli::cmdServe},
        {QStringLiteral("email"), QStringLiteral("E-mail events: import, stats (bounce and complaint rates), list"), &Cli::cmdEmail},
        {QStringLiteral("suppression"), QStringLiteral("The suppression list: list, add, remove, import, export, policy"), &Cli::cmdSuppression},
        {QStringLiteral("demo"), QStringLiteral("Fill the store with demo queues and messages"), &Cli::cmdDemo},
        {QStringLiteral("bench"), QStringLiteral("Measure enqueue, processing, delayed lateness and rate limiting (JSON)"), &Cli::cmdBench},
    };
}

int Cli::run(const QStringList &arguments)
{
    const QStringList args = arguments.mid(1);
    const qsizetype commandAt = firstWord(args);
    if (commandAt < 0) {
        if (args.contains(QLatin1String("--version"))) {
            printText(QStringLiteral("heraldctl ") + QCoreApplication::applicationVersion() + QLatin1Char('\n'));
            return kOk;
        }
        const int status = usage();
        return args.isEmpty() || args.contains(QLatin1String("--help")) || args.contains(QLatin1String("-h")) ? status : kBadInput;
    }
    m_commandName = args[commandAt];
    m_args = args;
    m_args.removeAt(commandAt);
    for (const Command &c : std::as_const(m_commands))
        if (c.name == m_commandName)
            return (this->*c.handler)();
    if (m_commandName == QLatin1String("help")) {
        usage();
        return kOk;
    }
    m_err << "heraldctl: unknown command '" << m_commandName << "'; run `heraldctl --help` for the list of commands\n";
    m_err.flush();
    return kBadInput;
}

qsizetype Cli::firstWord(const QStringList &args)
{
    // The first word that is neither an option nor the value of --db.
    for (qsizetype i = 0; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--db")) {
            ++i;
            continue;
        }
        if (!args[i].startsWith(QLatin1Char('-')))
            return i;
    }
    return -1;
}

QString Cli::takeSubcommand()
{
    const qsizetype at = firstWord(m_args);
    return at >= 0 ? m_args.takeAt(at) : QString();
}

int Cli::usage()
{
    QString text = QStringLiteral("Usage: heraldctl [--db URL] [--json] <command> [options]\n\n"
                                  "Herald's command-line tool: queues, messages and operator actions.\n\nCommands:\n");
    for (const Command &c : std::as_const(m_commands))
        text += QStringLiteral("  %1%2\n").arg(c.name.leftJustified(12), c.summary);
    text += QStringLiteral("\nEvery command takes --db URL (a file path, sqlite:/path; default: $HERALD_DB, else %1),\n"
                           "--json for machine-readable output and --help.\n"
                           "Exit status: 0 success, 2 bad input or refused action, 1 runtime failure.\n\n"
                           "Durability: the store is SQLite in WAL mode with synchronous=NORMAL. A committed change survives\n"
                           "a crash of the process (kill -9 included); a power loss or an OS crash may lose the changes\n"
                           "committed since the last checkpoint, never the store's consistency. `work --durability full`\n"
                           "flushes every commit to the disk (synchronous=FULL), at a cost `bench --durability full` measures.\n")
                .arg(StoreUrl::defaultSqlitePath());
    printText(text);
    return kOk;
}

void Cli::addGlobalOptions(QCommandLineParser &parser) const
{
    parser.addOption(QCommandLineOption(QStringLiteral("db"), QStringLiteral("The store: a file path, sqlite:/path or postgres://user@host:port/database (default: $HERALD_DB, else %1).")
                                                                  .arg(StoreUrl::defaultSqlitePath()),
                                        QStringLiteral("URL")));
    parser.addOption(QCommandLineOption(QStringLiteral("wait-for-store"),
                                        QStringLiteral("While a database server does not answer (down, starting, no free connection), keep "
                                                       "trying for up to DURATION, e.g. 5m, before giving up (default: give up at once)."),
                                        QStringLiteral("DURATION")));
    parser.addOption(QCommandLineOption(QStringLiteral("json"), QStringLiteral("Machine-readable JSON output.")));
    parser.addOption(QCommandLineOption({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help.")));
}

std::optional<int> Cli::parse(const QString &usageLine, const QString &description, const QList<QCommandLineOption> &options,
                const QString &positionalName, const QString &positionalHelp)
{
    addGlobalOptions(m_parser);
    m_parser.addOptions(options);
    m_parser.setApplicationDescription(description);
    if (!positionalName.isEmpty())
        m_parser.addPositionalArgument(positionalName, positionalHelp);
    if (!m_parser.parse(QStringList{QStringLiteral("heraldctl")} + m_args)) {
        m_err << "heraldctl " << m_commandName << ": " << m_parser.errorText() << "; see `heraldctl " << m_commandName << " --help`\n";
        m_err.flush();
        return kBadInput;
    }
    if (m_parser.isSet(QStringLiteral("help"))) {
        QString help = m_parser.helpText();
        help = help.mid(help.indexOf(QLatin1Char('\n')) + 1);
        printText(QStringLiteral("Usage: heraldctl ") + usageLine + QLatin1Char('\n') + help);
        return kOk;
    }
    if (positionalName.isEmpty() && !m_parser.positionalArguments().isEmpty()) {
        m_err << "heraldctl " << m_commandName << ": unexpected argument '" << m_parser.positionalArguments().constFirst()
              << "'; see `heraldctl " << m_commandName << " --help`\n";
        m_err.flush();
        return kBadInput;
    }
    return std::nullopt;
}

Store *Cli::openStore(CreateStore create)
{
    return openStoreWith(create, false);
}

Store *Cli::openStoreForReading()
{
    return openStoreWith(CreateStore::IfMissing, true);
}

Store *Cli::openStoreWith(CreateStore create, bool forReading)
{
    if (m_store)
        return m_store.get();
    auto url = StoreUrl::resolve(m_parser.value(QStringLiteral("db")));
    if (!url) {
        fail(url.error());
        return nullptr;
    }
    const bool missing = url->kind() == StoreUrl::Kind::Sqlite && !QFileInfo::exists(url->sqlitePath());
    if (create == CreateStore::Never && missing) {
        fail(QStringLiteral("store '%1' does not exist; create it first with `heraldctl --db %1 init`, or point --db (or HERALD_DB) "
                            "at an existing store")
                 .arg(url->sqlitePath()));
        return nullptr;
    }
    Store::OpenOptions o;
    // A missing store is created even for reading, as by every command, so a first `stats` on a new
    // machine shows an empty store rather than an error: there is nothing to keep as it was.
    if (forReading && !missing) {
        o.readOnly = true;
        o.changeNothing = true;
        o.reclaimLeases = false;
    }
    qint64 waitMs = 0;
    if (m_parser.isSet(QStringLiteral("wait-for-store"))) {
        auto d = parseDuration(m_parser.value(QStringLiteral("wait-for-store")));
        if (!d || *d < 0) {
            fail(d ? Error::badInput(QStringLiteral("--wait-for-store must not be negative, e.g. 5m")) : d.error());
            return nullptr;
        }
        waitMs = *d;
    }
    QElapsedTimer waited;
    waited.start();
    qint64 pauseMs = 1000;
    auto store = Store::open(*url, o);
    while (!store && store.error().transient && waited.elapsed() < waitMs) {
        // A server that is not up yet (a worker started at boot before its database): said once per try,
        // with growing pauses up to 30 s, until it answers or the wait is over.
        pauseMs = std::min(pauseMs, waitMs - waited.elapsed());
        m_err << "heraldctl " << m_commandName << ": " << store.error().message << "; trying again in " << formatDuration(std::max<qint64>(pauseMs, 1))
              << '\n';
        m_err.flush();
        QThread::msleep(static_cast<unsigned long>(std::max<qint64>(pauseMs, 1)));
        pauseMs = std::min<qint64>(pauseMs * 2, 30'000);
        store = Store::open(*url, o);
    }
    if (!store) {
        fail(store.error());
        return nullptr;
    }
    m_store = std::move(store).value();
    return m_store.get();
}

int Cli::fail(const Error &error)
{
    m_err << "heraldctl " << m_commandName << ": " << error.message << '\n';
    m_err.flush();
    m_status = error.isUserError() ? kBadInput : kRuntimeError;
    return m_status;
}

int Cli::fail(const QString &badInputMessage)
{
    return fail(Error::badInput(badInputMessage));
}

void Cli::printJson(const QJsonValue &value)
{
    QJsonDocument doc = value.isArray() ? QJsonDocument(value.toArray()) : QJsonDocument(value.toObject());
    m_out << QString::fromUtf8(doc.toJson(QJsonDocument::Indented));
    m_out.flush();
}

void Cli::printText(const QString &text)
{
    m_out << text;
    m_out.flush();
}

Result<int> Cli::intOption(const QString &name, int min, int max)
{
    bool ok = false;
    const int v = value(name).toInt(&ok);
    if (!ok || v < min || v > max)
        return Error::badInput(QStringLiteral("--%1 '%2' is not a whole number from %3 to %4").arg(name, value(name)).arg(min).arg(max));
    return v;
}

Status Cli::intOptionInto(const QString &name, int min, int max, int &target)
{
    if (!isSet(name))
        return {};
    auto v = intOption(name, min, max);
    if (!v)
        return v.error();
    target = *v;
    return {};
}

Result<qint64> Cli::durationOption(const QString &name)
{
    QString text = value(name);
    const bool negative = text.startsWith(QLatin1Char('-'));
    if (negative)
        text = text.mid(1);
    auto d = parseDuration(text);
    if (!d)
        return Error::badInput(QStringLiteral("--%1: %2").arg(name, d.errorString()));
    return negative ? -*d : *d;
}

Result<std::optional<qint64>> Cli::retentionOption(const QString &name)
{
    if (value(name).compare(QLatin1String("none"), Qt::CaseInsensitive) == 0 ||
        value(name).compare(QLatin1String("forever"), Qt::CaseInsensitive) == 0)
        return std::optional<qint64>{};
    auto d = parseDuration(value(name));
    if (!d || *d <= 0)
        return Error::badInput(QStringLiteral("--%1 '%2' is not a retention; give a duration such as 30d, or none to keep for ever")
                                   .arg(name, value(name)));
    return std::optional<qint64>(*d);
}

Result<QList<MessageState>> Cli::stateOption()
{
    QList<MessageState> states;
    for (const QString &v : m_parser.values(QStringLiteral("state"))) {
        for (const QString &part : v.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const auto s = parseState(part);
            if (!s)
                return Error::badInput(QStringLiteral("--state '%1' is unknown; use one of %2").arg(part, stateNames()));
            if (!states.contains(*s))
                states << *s;
        }
    }
    return states;
}

Result<MessageSelection> Cli::selection(bool requireSomething)
{
    MessageSelection sel;
    for (const QString &p : m_parser.positionalArguments()) {
        bool ok = false;
        const qint64 id = p.toLongLong(&ok);
        if (!ok || id <= 0)
            return Error::badInput(QStringLiteral("'%1' is not a message id; ids are positive whole numbers, e.g. `heraldctl %2 12 13`")
                                       .arg(p, m_commandName));
        sel.ids << id;
    }
    sel.queue = value(QStringLiteral("queue"));
    auto states = stateOption();
    if (!states)
        return states.error();
    sel.states = *states;
    auto labels = parseLabelArgument(m_parser.values(QStringLiteral("label")));
    if (!labels)
        return labels.error();
    sel.labels = *labels;
    sel.search = value(QStringLiteral("search"));
    if (sel.search.size() > kMaxSearchChars)
        return Error::badInput(QStringLiteral("--search is %1 characters long; give at most %2").arg(sel.search.size()).arg(kMaxSearchChars));
    for (const QString &v : m_parser.values(QStringLiteral("type")))
        sel.types << v.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &v : m_parser.values(QStringLiteral("channel")))
        sel.channels << v.split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (isSet(QStringLiteral("priority"))) {
        // "3" or "1-5"
        const QStringList bounds = value(QStringLiteral("priority")).split(QLatin1Char('-'));
        bool ok1 = false, ok2 = false;
        const int lo = bounds.value(0).toInt(&ok1);
        const int hi = bounds.size() == 2 ? bounds.value(1).toInt(&ok2) : lo;
        if (!ok1 || (bounds.size() == 2 && !ok2) || bounds.size() > 2 || lo < kHighestPriority || hi > kLowestPriority || lo > hi)
            return Error::badInput(QStringLiteral("--priority '%1' is not a priority or a range of them; write e.g. 1 or 1-3 (1 most urgent … 10)")
                                       .arg(value(QStringLiteral("priority"))));
        sel.minPriority = lo;
        sel.maxPriority = hi;
    }
    if (isSet(QStringLiteral("failure-group"))) {
        sel.failureGroup = value(QStringLiteral("failure-group")).trimmed().toLower();
        if (!isFailureGroupId(sel.failureGroup))
            return Error::badInput(QStringLiteral("--failure-group '%1' is not a failure group id; ids are 12 hex digits, as `heraldctl failures` "
                                                  "lists them")
                                       .arg(value(QStringLiteral("failure-group"))));
    }
    const qint64 t = currentTimeMs();
    for (const auto &[flag, field] : {std::pair<QString, std::optional<qint64> *>{QStringLiteral("due-from"), &sel.runAtFrom},
                                      std::pair<QString, std::optional<qint64> *>{QStringLiteral("due-before"), &sel.runAtTo}}) {
        if (!isSet(flag))
            continue;
        auto at = parseTimestamp(value(flag), t);
        if (!at)
            return Error::badInput(QStringLiteral("--%1: ").arg(flag) + at.errorString());
        *field = *at;
    }
    if (requireSomething && sel.isEmpty())
        return Error::badInput(QStringLiteral("give message ids or a selection (--queue Q, --state S, --label k=v, --search TEXT, …); "
                                              "%1 never applies to every message at once")
                                   .arg(m_commandName));
    return sel;
}

QList<QCommandLineOption> Cli::selectionOptions(const QString &verb)
{
    return {
        {QStringLiteral("queue"), verb + QStringLiteral(" the messages of this queue."), QStringLiteral("NAME")},
        {QStringLiteral("state"), verb + QStringLiteral(" messages in these states (repeatable or comma-separated): ") + stateNames() + QLatin1Char('.'),
         QStringLiteral("STATE")},
        {QStringLiteral("label"), verb + QStringLiteral(" messages with this label (repeatable; all must match), e.g. --label event=41."),
         QStringLiteral("KEY=VALUE")},
        {QStringLiteral("search"), verb + QStringLiteral(" messages whose recipient, type or payload contains TEXT, or whose id is TEXT."),
         QStringLiteral("TEXT")},
        {QStringLiteral("type"), verb + QStringLiteral(" messages of these types (repeatable or comma-separated)."), QStringLiteral("TYPE")},
        {QStringLiteral("channel"), verb + QStringLiteral(" messages of these channels (repeatable or comma-separated)."), QStringLiteral("NAME")},
        {QStringLiteral("priority"), verb + QStringLiteral(" messages of this priority or range, e.g. 1 or 1-3."), QStringLiteral("P")},
        {QStringLiteral("due-from"), verb + QStringLiteral(" messages due at or after this time (ISO 8601)."), QStringLiteral("TIME")},
        {QStringLiteral("due-before"), verb + QStringLiteral(" messages due before this time (ISO 8601)."), QStringLiteral("TIME")},
        {QStringLiteral("failure-group"), verb + QStringLiteral(" the failed messages of this failure group (`heraldctl failures` lists them); "
                                                         "cancel takes those still to be retried."),
         QStringLiteral("ID")},
    };
}

// ---- init, stats, demo -----------------------------------------------------------------------

int Cli::cmdInit()
{
    if (auto stop = parse(QStringLiteral("init [--db URL]"), QStringLiteral("Creates the store, or upgrades its schema, and prints where it is."), {}))
        return *stop;
    Store *store = openStore();
    if (!store)
        return m_status;
    if (json())
        printJson(QJsonObject{{QStringLiteral("store"), store->url().display()}, {QStringLiteral("schema_version"), store->schemaVersion()}});
    else
        printText(QStringLiteral("Store %1 is ready (schema version %2).\n").arg(store->url().display()).arg(store->schemaVersion()));
    return kOk;
}

int Cli::cmdStats()
{
    if (auto stop = parse(QStringLiteral("stats [--json]"), QStringLiteral("Counts per state for every queue, from the maintained counters."), {}))
        return *stop;
    Store *store = openStoreForReading();
    if (!store)
        return m_status;
    auto stats = store->stats();
    if (!stats)
        return fail(stats.error());
    if (json()) {
        QJsonArray out;
        for (const QueueCounts &c : *stats) {
            QJsonObject o{{QStringLiteral("queue"), c.queue}};
            for (MessageState s : kAllStates)
                o.insert(stateName(s), c.count(s));
            o.insert(QStringLiteral("total"), c.total());
            out << o;
        }
        printJson(out);
        return kOk;
    }
    if (stats->isEmpty()) {
        printText(QStringLiteral("No queues yet. Create one with `heraldctl queue add NAME`, or try `heraldctl demo`.\n"));
        return kOk;
    }
    QStringList headers{QStringLiteral("QUEUE")};
    for (MessageState s : kAllStates)
        headers << stateName(s).toUpper();
    headers << QStringLiteral("TOTAL");
    TextTable table(headers, {false, true, true, true, true, true, true, true});
    for (const QueueCounts &c : *stats) {
        QStringList row{c.queue + (c.paused ? QStringLiteral(" (paused)") : QString())};
        for (MessageState s : kAllStates)
            row << QString::number(c.count(s));
        row << QString::number(c.total());
        table.addRow(row);
    }
    printText(table.render());
    return kOk;
}

int Cli::cmdDemo()
{
    if (auto stop = parse(QStringLiteral("demo [--db URL]"),
               QStringLiteral("Fills the store with the demo queues (event-messages, incentive-notify, send-event) and messages\n"
                              "in every state, and 90 days of e-mail events. Running it again adds nothing."),
               {}))
        return *stop;
    Store *store = openStore();
    if (!store)
        return m_status;
    auto summary = fillDemoData(*store);
    if (!summary)
        return fail(summary.error());
    if (json())
        printJson(QJsonObject{{QStringLiteral("store"), store->url().display()},
                              {QStringLiteral("queues_created"), summary->queuesCreated},
                              {QStringLiteral("inserted"), summary->inserted},
                              {QStringLiteral("email_events"), summary->emailEvents},
                              {QStringLiteral("already_filled"), summary->alreadyFilled}});
    else if (summary->alreadyFilled)
        printText(QStringLiteral("The demo data is already in %1; nothing added. See `heraldctl stats`.\n").arg(store->url().display()));
    else
        printText(QStringLiteral("Added %1 demo queues, %2 messages and %3 e-mail events to %4. See `heraldctl stats` and "
                                 "`heraldctl email stats --from 90d`.\n")
                      .arg(summary->queuesCreated)
                      .arg(summary->inserted)
                      .arg(summary->emailEvents)
                      .arg(store->url().display()));
    return kOk;
}

} // namespace herald
