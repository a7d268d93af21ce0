#include "Cli.h"

#include "TextTable.h"
#include "model/TimeText.h"

namespace herald {

namespace {
QJsonValue retentionJson(const std::optional<qint64> &ms)
{
    return ms ? QJsonValue(formatDuration(*ms)) : QJsonValue(QJsonValue::Null);
}
QString retentionText(const std::optional<qint64> &ms)
{
    return ms ? formatDuration(*ms) : QStringLiteral("forever");
}
} // namespace

QJsonObject queueToJson(const QueueConfig &c)
{
    return QJsonObject{{QStringLiteral("name"), c.name},
                       {QStringLiteral("concurrency"), c.concurrency},
                       {QStringLiteral("rate"), c.rate.toString()},
                       {QStringLiteral("max_attempts"), c.maxAttempts},
                       {QStringLiteral("backoff"), c.retry.toString()},
                       {QStringLiteral("paused"), c.paused},
                       {QStringLiteral("channel"), c.defaultChannel},
                       {QStringLiteral("retain_completed"), retentionJson(c.retainCompletedMs)},
                       {QStringLiteral("retain_failed"), retentionJson(c.retainFailedMs)},
                       {QStringLiteral("retain_cancelled"), retentionJson(c.retainCancelledMs)}};
}

int Cli::cmdQueue()
{
    const QString sub = takeSubcommand();
    m_commandName = QStringLiteral("queue ") + sub;
    if (sub == QLatin1String("add"))
        return cmdQueueAddOrSet(true);
    if (sub == QLatin1String("set"))
        return cmdQueueAddOrSet(false);
    if (sub == QLatin1String("list"))
        return cmdQueueList();
    if (sub == QLatin1String("pause"))
        return cmdQueuePause(true);
    if (sub == QLatin1String("resume"))
        return cmdQueuePause(false);
    const QString help = QStringLiteral("Usage: heraldctl queue <add|list|set|pause|resume> [options]\n\n"
                                        "  add NAME     Create a queue (see `heraldctl queue add --help`)\n"
                                        "  list         List queues and their settings\n"
                                        "  set NAME     Change a queue's settings\n"
                                        "  pause NAME   Stop starting deliveries from the queue\n"
                                        "  resume NAME  Start deliveries again\n");
    if (sub.isEmpty() && (m_args.contains(QLatin1String("--help")) || m_args.contains(QLatin1String("-h")))) {
        printText(help);
        return kOk;
    }
    m_commandName = QStringLiteral("queue");
    return fail(sub.isEmpty() ? QStringLiteral("name a sub-command: add, list, set, pause or resume")
                              : QStringLiteral("unknown sub-command '%1'; use add, list, set, pause or resume").arg(sub));
}

int Cli::cmdQueueAddOrSet(bool add)
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("concurrency"), QStringLiteral("Deliveries in flight at once (default 10)."), QStringLiteral("N")},
        {QStringLiteral("rate"), QStringLiteral("At most MAX starts per WINDOW, e.g. 20/1m; none for no limit (default none)."),
         QStringLiteral("MAX/WINDOW")},
        {QStringLiteral("attempts"), QStringLiteral("Attempts before a message fails (default 3)."), QStringLiteral("N")},
        {QStringLiteral("backoff"), QStringLiteral("Delay between attempts: exponential:5s (default), fixed:30s, "
                                                   "with optional :cap=10m and :jitter=20%."),
         QStringLiteral("SPEC")},
        {QStringLiteral("channel"), QStringLiteral("Default channel: outbox (default), webhook, sms, email, push."), QStringLiteral("NAME")},
        {QStringLiteral("retain-completed"), QStringLiteral("Keep completed messages this long (default 30d; none keeps them)."),
         QStringLiteral("DURATION")},
        {QStringLiteral("retain-failed"), QStringLiteral("Keep failed messages this long (default 7d)."), QStringLiteral("DURATION")},
        {QStringLiteral("retain-cancelled"), QStringLiteral("Keep cancelled messages this long (default 7d)."), QStringLiteral("DURATION")},
        {QStringLiteral("paused"), QStringLiteral("Create the queue paused.")},
    };
    if (auto stop = parse(add ? QStringLiteral("queue add NAME [options]") : QStringLiteral("queue set NAME [options]"),
                          add ? QStringLiteral("Creates a queue.") : QStringLiteral("Changes the settings given; the others stay."), options,
                          QStringLiteral("NAME"), QStringLiteral("The queue's name, e.g. event-messages.")))
        return *stop;
    const QStringList names = m_parser.positionalArguments();
    if (names.size() != 1)
        return fail(QStringLiteral("give exactly one queue name, e.g. `heraldctl %1 event-messages`").arg(m_commandName));
    Store *store = openStore();
    if (!store)
        return m_status;
    QueueConfig c;
    if (add) {
        c.name = names.front();
        if (auto s = QueueConfig::validateName(c.name); !s)
            return fail(s.error());
    } else {
        auto existing = store->queue(names.front());
        if (!existing)
            return fail(existing.error());
        c = *existing;
    }
    if (auto s = intOptionInto(QStringLiteral("concurrency"), 1, 1000, c.concurrency); !s)
        return fail(s.error());
    if (isSet(QStringLiteral("rate"))) {
        auto r = RateLimit::parse(value(QStringLiteral("rate")));
        if (!r)
            return fail(QStringLiteral("--rate: ") + r.errorString());
        c.rate = *r;
    }
    if (auto s = intOptionInto(QStringLiteral("attempts"), 1, 1000, c.maxAttempts); !s)
        return fail(s.error());
    if (isSet(QStringLiteral("backoff"))) {
        auto r = RetryPolicy::parse(value(QStringLiteral("backoff")));
        if (!r)
            return fail(QStringLiteral("--backoff: ") + r.errorString());
        c.retry = *r;
    }
    if (isSet(QStringLiteral("channel"))) {
        c.defaultChannel = value(QStringLiteral("channel"));
        if (auto s = validateChannelName(c.defaultChannel); !s)
            return fail(QStringLiteral("--channel: ") + s.errorString());
    }
    const QList<std::pair<QString, std::optional<qint64> *>> retentions{
        {QStringLiteral("retain-completed"), &c.retainCompletedMs},
        {QStringLiteral("retain-failed"), &c.retainFailedMs},
        {QStringLiteral("retain-cancelled"), &c.retainCancelledMs}};
    for (const auto &[flag, field] : retentions) {
        if (!isSet(flag))
            continue;
        auto r = retentionOption(flag);
        if (!r)
            return fail(r.error());
        *field = *r;
    }
    if (isSet(QStringLiteral("paused")))
        c.paused = true;
    if (auto s = add ? store->addQueue(c) : store->updateQueue(c); !s)
        return fail(s.error());
    if (json())
        printJson(queueToJson(c));
    else
        printText(QStringLiteral("Queue %1 %2: concurrency %3, rate %4, %5 attempts, back-off %6, channel %7%8.\n")
                      .arg(c.name, add ? QStringLiteral("created") : QStringLiteral("updated"))
                      .arg(c.concurrency)
                      .arg(c.rate.toString())
                      .arg(c.maxAttempts)
                      .arg(c.retry.toString(), c.defaultChannel, c.paused ? QStringLiteral(", paused") : QString()));
    return kOk;
}

int Cli::cmdQueueList()
{
    if (auto stop = parse(QStringLiteral("queue list [--json]"), QStringLiteral("Lists queues and their settings."), {}))
        return *stop;
    Store *store = openStoreForReading();
    if (!store)
        return m_status;
    auto queues = store->queues();
    if (!queues)
        return fail(queues.error());
    if (json()) {
        QJsonArray out;
        for (const QueueConfig &c : *queues)
            out << queueToJson(c);
        printJson(out);
        return kOk;
    }
    if (queues->isEmpty()) {
        printText(QStringLiteral("No queues yet. Create one with `heraldctl queue add NAME`.\n"));
        return kOk;
    }
    TextTable table({QStringLiteral("NAME"), QStringLiteral("CONCURRENCY"), QStringLiteral("RATE"), QStringLiteral("ATTEMPTS"),
                     QStringLiteral("BACKOFF"), QStringLiteral("CHANNEL"), QStringLiteral("KEEP COMPLETED/FAILED/CANCELLED"),
                     QStringLiteral("STATE")},
                    {false, true, false, true});
    for (const QueueConfig &c : *queues)
        table.addRow({c.name, QString::number(c.concurrency), c.rate.toString(), QString::number(c.maxAttempts), c.retry.toString(),
                      c.defaultChannel,
                      retentionText(c.retainCompletedMs) + QLatin1Char('/') + retentionText(c.retainFailedMs) + QLatin1Char('/') +
                          retentionText(c.retainCancelledMs),
                      c.paused ? QStringLiteral("paused") : QStringLiteral("running")});
    printText(table.render());
    return kOk;
}

int Cli::cmdQueuePause(bool paused)
{
    if (auto stop = parse(paused ? QStringLiteral("queue pause NAME") : QStringLiteral("queue resume NAME"),
                          paused ? QStringLiteral("Stops starting deliveries from the queue; messages stay where they are.")
                                 : QStringLiteral("Starts deliveries from the queue again."),
                          {}, QStringLiteral("NAME"), QStringLiteral("The queue.")))
        return *stop;
    const QStringList names = m_parser.positionalArguments();
    if (names.size() != 1)
        return fail(QStringLiteral("give exactly one queue name, e.g. `heraldctl %1 event-messages`").arg(m_commandName));
    Store *store = openStore();
    if (!store)
        return m_status;
    if (auto s = store->setPaused(names.front(), paused); !s)
        return fail(s.error());
    if (json())
        printJson(QJsonObject{{QStringLiteral("queue"), names.front()}, {QStringLiteral("paused"), paused}});
    else
        printText(QStringLiteral("Queue %1 %2.\n").arg(names.front(), paused ? QStringLiteral("paused") : QStringLiteral("resumed")));
    return kOk;
}

} // namespace herald
