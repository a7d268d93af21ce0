#include "Cli.h"

#include "TextTable.h"
#include "channels/Channel.h"
#include "channels/SecretResolver.h"
#include "model/TimeText.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QTimer>

namespace herald {

namespace {

QJsonObject channelToJson(const ChannelConfig &c)
{
    // The secret reference names where the secret lives; the secret itself is never read here.
    return QJsonObject{{QStringLiteral("name"), c.name},
                       {QStringLiteral("kind"), ChannelConfig::kindName(c.kind)},
                       {QStringLiteral("url"), c.url},
                       {QStringLiteral("timeout"), formatDuration(c.timeoutMs)},
                       {QStringLiteral("secret"), c.secretRef.isEmpty() ? QJsonValue() : QJsonValue(c.secretRef)},
                       {QStringLiteral("options"), c.options}};
}

} // namespace

int Cli::cmdChannel()
{
    const QString sub = takeSubcommand();
    m_commandName = QStringLiteral("channel ") + sub;
    if (sub == QLatin1String("add"))
        return cmdChannelAddOrSet(true);
    if (sub == QLatin1String("set"))
        return cmdChannelAddOrSet(false);
    if (sub == QLatin1String("list"))
        return cmdChannelList();
    if (sub == QLatin1String("remove"))
        return cmdChannelRemove();
    if (sub == QLatin1String("test"))
        return cmdChannelTest();
    if (sub.isEmpty() && (m_args.contains(QLatin1String("--help")) || m_args.contains(QLatin1String("-h")))) {
        printText(QStringLiteral("Usage: heraldctl channel <add|list|set|test|remove> [options]\n\n"
                                 "  add NAME --kind K --url U   Configure a delivery channel (webhook, sms, email, push)\n"
                                 "  list                        List channels (secrets are references, never shown)\n"
                                 "  set NAME [options]          Change a channel\n"
                                 "  test NAME --to RECIPIENT    Send one test message through the channel now\n"
                                 "  remove NAME                 Remove a channel no queue uses by default\n"));
        return kOk;
    }
    m_commandName = QStringLiteral("channel");
    return fail(sub.isEmpty() ? QStringLiteral("name a sub-command: add, list, set, test or remove")
                              : QStringLiteral("unknown sub-command '%1'; use add, list, set, test or remove").arg(sub));
}

int Cli::cmdChannelAddOrSet(bool add)
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("kind"), QStringLiteral("webhook, sms, email or push."), QStringLiteral("KIND")},
        {QStringLiteral("url"), QStringLiteral("Endpoint: https://… (webhook, sms, push) or smtp://host:587, smtps://host:465 (email)."),
         QStringLiteral("URL")},
        {QStringLiteral("secret"), QStringLiteral("Where the secret lives: env:NAME or keychain:NAME (never the secret itself)."),
         QStringLiteral("REF")},
        {QStringLiteral("timeout"), QStringLiteral("Per delivery, e.g. 10s (default 10s)."), QStringLiteral("DURATION")},
        {QStringLiteral("option"), QStringLiteral("A kind-specific option, repeatable: --option from=ops@example.org --option format=form."),
         QStringLiteral("KEY=VALUE")},
        {QStringLiteral("no-secret"), QStringLiteral("With set: remove the secret reference.")},
    };
    if (auto stop = parse(add ? QStringLiteral("channel add NAME --kind KIND --url URL [--secret env:NAME] [--timeout 10s] [--option k=v]…")
                              : QStringLiteral("channel set NAME [--url URL] [--secret REF] [--timeout D] [--option k=v]…"),
                          add ? QStringLiteral("Configures a delivery channel. Messages and queues name it in their channel field.")
                              : QStringLiteral("Changes the settings given; the others stay. --option k= removes option k."),
                          options, QStringLiteral("NAME"), QStringLiteral("The channel's name, e.g. hooks.")))
        return *stop;
    const QStringList names = m_parser.positionalArguments();
    if (names.size() != 1)
        return fail(QStringLiteral("give exactly one channel name, e.g. `heraldctl %1 hooks`").arg(m_commandName));
    ChannelConfig c;
    Store *store = nullptr;
    if (add) {
        c.name = names.front();
        if (auto s = validateChannelName(c.name); !s)
            return fail(s.error());
        if (!isSet(QStringLiteral("kind")))
            return fail(QStringLiteral("--kind is missing; use webhook, sms, email or push"));
    } else {
        store = openStore();
        if (!store)
            return m_status;
        auto existing = store->channel(names.front());
        if (!existing)
            return fail(existing.error());
        c = *existing;
    }
    if (isSet(QStringLiteral("kind"))) {
        auto kind = ChannelConfig::parseKind(value(QStringLiteral("kind")));
        if (!kind)
            return fail(QStringLiteral("--kind: ") + kind.errorString());
        c.kind = *kind;
    }
    if (isSet(QStringLiteral("url")))
        c.url = value(QStringLiteral("url"));
    if (isSet(QStringLiteral("secret")))
        c.secretRef = value(QStringLiteral("secret"));
    if (isSet(QStringLiteral("no-secret")))
        c.secretRef.clear();
    if (isSet(QStringLiteral("timeout"))) {
        auto d = durationOption(QStringLiteral("timeout"));
        if (!d)
            return fail(d.error());
        c.timeoutMs = *d;
    }
    for (const QString &kv : m_parser.values(QStringLiteral("option"))) {
        const qsizetype eq = kv.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return fail(QStringLiteral("--option '%1' is not KEY=VALUE; write e.g. --option from=ops@example.org").arg(kv));
        const QString key = kv.left(eq);
        const QString text = kv.mid(eq + 1);
        if (text.isEmpty()) {
            c.options.remove(key);
            continue;
        }
        // true, false and numbers are typed; anything else is a string.
        const QJsonDocument typed = QJsonDocument::fromJson(QByteArray("[") + text.toUtf8() + "]");
        const QJsonValue v = typed.isArray() && typed.array().size() == 1 && !typed.array().at(0).isObject() && !typed.array().at(0).isArray()
                                 ? typed.array().at(0)
                                 : QJsonValue(text);
        c.options.insert(key, v);
    }
    if (auto s = c.validate(); !s)
        return fail(s.error());
    if (!store) {
        store = openStore();
        if (!store)
            return m_status;
    }
    if (auto s = add ? store->addChannel(c) : store->updateChannel(c); !s)
        return fail(s.error());
    if (json())
        printJson(channelToJson(c));
    else
        printText(QStringLiteral("Channel %1 %2: %3 %4, timeout %5%6.\n")
                      .arg(c.name, add ? QStringLiteral("added") : QStringLiteral("updated"), ChannelConfig::kindName(c.kind), c.url,
                           formatDuration(c.timeoutMs),
                           c.secretRef.isEmpty() ? QString() : QStringLiteral(", secret from ") + c.secretRef));
    return kOk;
}

int Cli::cmdChannelList()
{
    if (auto stop = parse(QStringLiteral("channel list [--json]"), QStringLiteral("Lists configured channels. Secrets show as their references."), {}))
        return *stop;
    Store *store = openStoreForReading();
    if (!store)
        return m_status;
    auto channels = store->channels();
    if (!channels)
        return fail(channels.error());
    if (json()) {
        QJsonArray out;
        for (const ChannelConfig &c : *channels)
            out << channelToJson(c);
        printJson(out);
        return kOk;
    }
    if (channels->isEmpty()) {
        printText(QStringLiteral("No channels configured: every message goes to the outbox. Add one with "
                                 "`heraldctl channel add NAME --kind webhook --url https://…`.\n"));
        return kOk;
    }
    TextTable table({QStringLiteral("NAME"), QStringLiteral("KIND"), QStringLiteral("URL"), QStringLiteral("TIMEOUT"), QStringLiteral("SECRET"),
                     QStringLiteral("OPTIONS")});
    for (const ChannelConfig &c : *channels)
        table.addRow({c.name, ChannelConfig::kindName(c.kind), c.url, formatDuration(c.timeoutMs), c.secretRef,
                      QString::fromUtf8(QJsonDocument(c.options).toJson(QJsonDocument::Compact))});
    printText(table.render());
    return kOk;
}

int Cli::cmdChannelRemove()
{
    if (auto stop = parse(QStringLiteral("channel remove NAME"), QStringLiteral("Removes a channel that no queue uses by default."), {},
                          QStringLiteral("NAME"), QStringLiteral("The channel.")))
        return *stop;
    const QStringList names = m_parser.positionalArguments();
    if (names.size() != 1)
        return fail(QStringLiteral("give exactly one channel name"));
    Store *store = openStore();
    if (!store)
        return m_status;
    if (auto s = store->removeChannel(names.front()); !s)
        return fail(s.error());
    if (json())
        printJson(QJsonObject{{QStringLiteral("removed"), names.front()}});
    else
        printText(QStringLiteral("Channel %1 removed.\n").arg(names.front()));
    return kOk;
}

int Cli::cmdChannelTest()
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("to"), QStringLiteral("The recipient of the test message."), QStringLiteral("RECIPIENT")},
        {QStringLiteral("payload"), QStringLiteral("Payload JSON (default: a short test text)."), QStringLiteral("JSON")},
    };
    if (auto stop = parse(QStringLiteral("channel test NAME --to RECIPIENT [--payload JSON]"),
                          QStringLiteral("Sends one test message through the channel now, outside any queue, and prints the outcome.\n"
                                         "Exit status 0 when the peer accepted it, 1 when it did not."),
                          options, QStringLiteral("NAME"), QStringLiteral("The channel.")))
        return *stop;
    const QStringList names = m_parser.positionalArguments();
    if (names.size() != 1)
        return fail(QStringLiteral("give exactly one channel name"));
    Message m;
    m.id = 0;
    m.queue = QStringLiteral("(test)");
    m.type = QStringLiteral("channel_test");
    m.channel = names.front();
    m.recipient = value(QStringLiteral("to"));
    m.attempts = 1;
    m.maxAttempts = 1;
    m.payload = QByteArrayLiteral("{\"subject\":\"Herald channel test\",\"body\":\"This is a test message from Herald.\"}");
    if (isSet(QStringLiteral("payload"))) {
        const QJsonDocument doc = QJsonDocument::fromJson(value(QStringLiteral("payload")).toUtf8());
        if (!doc.isObject())
            return fail(QStringLiteral("--payload is not a JSON object"));
        m.payload = doc.toJson(QJsonDocument::Compact);
    }
    Store *store = openStore();
    if (!store)
        return m_status;
    m.createdAt = m.runAt = store->now();
    auto config = store->channel(names.front());
    if (!config)
        return fail(config.error());
    QNetworkAccessManager network;
    ChannelContext context;
    context.network = &network;
    context.resolveSecret = &SecretResolver::resolve;
    context.isSuppressed = [store](const QString &address) { return store->isSuppressed(address); };
    auto channel = createChannel(*config, context);
    if (!channel)
        return fail(channel.error());
    QEventLoop loop;
    std::optional<DeliveryOutcome> outcome;
    QTimer::singleShot(0, &loop, [&] {
        (*channel)->deliver(Delivery{m, QStringLiteral("herald-test-%1").arg(m.createdAt)}, [&](DeliveryOutcome o) {
            outcome = std::move(o);
            loop.quit();
        });
    });
    loop.exec();
    static const char *kinds[] = {"success", "retryable", "permanent", "suppressed"};
    if (json()) {
        printJson(QJsonObject{{QStringLiteral("outcome"), QLatin1String(kinds[int(outcome->kind)])},
                              {QStringLiteral("provider_message_id"), outcome->providerMessageId},
                              {QStringLiteral("response_code"), outcome->responseCode},
                              {QStringLiteral("error"), outcome->error}});
    } else {
        printText(QStringLiteral("%1: %2%3\n")
                      .arg(names.front(), QLatin1String(kinds[int(outcome->kind)]),
                           outcome->kind == DeliveryOutcome::Kind::Success
                               ? (outcome->providerMessageId.isEmpty() ? QString() : QStringLiteral(" (provider id %1)").arg(outcome->providerMessageId))
                               : QStringLiteral(": ") + outcome->error));
    }
    return outcome->kind == DeliveryOutcome::Kind::Success ? kOk : kRuntimeError;
}

} // namespace herald
