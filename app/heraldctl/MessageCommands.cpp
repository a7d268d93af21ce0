#include "Cli.h"

#include "TextTable.h"
#include "model/MessageJson.h"
#include "model/TimeText.h"

#include <QFile>
#include <QJsonDocument>

namespace herald {

namespace {

QString labelsText(const Labels &labels)
{
    QStringList parts;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        parts << it.key() + QLatin1Char('=') + it.value();
    return parts.join(QLatin1Char(' '));
}

void addMessageRow(TextTable &table, const Message &m)
{
    table.addRow({QString::number(m.id), m.queue, m.type, stateName(m.state), QString::number(m.priority), formatTimestampSeconds(m.runAt),
                  QStringLiteral("%1/%2").arg(m.attempts).arg(m.maxAttempts), m.recipient, labelsText(m.labels), m.lastError});
}

TextTable messageTable()
{
    return TextTable({QStringLiteral("ID"), QStringLiteral("QUEUE"), QStringLiteral("TYPE"), QStringLiteral("STATE"), QStringLiteral("PRI"),
                      QStringLiteral("RUN AT"), QStringLiteral("TRIES"), QStringLiteral("RECIPIENT"), QStringLiteral("LABELS"),
                      QStringLiteral("LAST ERROR")},
                     {true, false, false, false, true, false, true});
}

} // namespace

int Cli::cmdEnqueue()
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("queue"), QStringLiteral("The queue (for --file: the queue of lines that name none)."), QStringLiteral("NAME")},
        {QStringLiteral("type"), QStringLiteral("The kind of message, e.g. speaker_alert."), QStringLiteral("TYPE")},
        {QStringLiteral("channel"), QStringLiteral("outbox, webhook, sms, email or push (default: the queue's)."), QStringLiteral("NAME")},
        {QStringLiteral("to"), QStringLiteral("The recipient: phone number, e-mail address, device token…"), QStringLiteral("RECIPIENT")},
        {QStringLiteral("priority"), QStringLiteral("1 (most urgent) to 10 (default)."), QStringLiteral("N")},
        {QStringLiteral("at"), QStringLiteral("When to send, ISO 8601 (e.g. 2026-11-24T09:30:00Z)."), QStringLiteral("TIME")},
        {QStringLiteral("in"), QStringLiteral("When to send, from now (e.g. 15m)."), QStringLiteral("DURATION")},
        {QStringLiteral("payload"), QStringLiteral("A JSON object for the templates."), QStringLiteral("JSON")},
        {QStringLiteral("dedupe-key"), QStringLiteral("Not enqueued again while a message with this key is in the queue."), QStringLiteral("KEY")},
        {QStringLiteral("label"), QStringLiteral("A label, repeatable: --label event=41 --label contractor=56."), QStringLiteral("KEY=VALUE")},
        {QStringLiteral("attempts"), QStringLiteral("Max attempts for this message (default: the queue's)."), QStringLiteral("N")},
        {QStringLiteral("file"), QStringLiteral("Enqueue every line of a JSON Lines file (- for standard input)."), QStringLiteral("FILE")},
        {QStringLiteral("chunk-size"), QStringLiteral("Messages per transaction with --file (default 500)."), QStringLiteral("N")},
        {QStringLiteral("skip-invalid"), QStringLiteral("With --file: enqueue the valid lines and report the others.")},
    };
    if (auto stop = parse(QStringLiteral("enqueue --queue Q --type T [options] | enqueue --file F.jsonl [--queue Q]"),
                          QStringLiteral("Enqueues one message from flags and prints its id, or every line of a JSON Lines file\n"
                                         "(keys: queue, type, channel, recipient, priority, run_at or delay, max_attempts,\n"
                                         "dedupe_key, labels, payload) and prints inserted and duplicate counts. A file with a bad\n"
                                         "line inserts nothing unless --skip-invalid is given."),
                          options))
        return *stop;
    if (isSet(QStringLiteral("file")))
        return cmdEnqueueFile();

    NewMessage m;
    m.queue = value(QStringLiteral("queue"));
    if (m.queue.isEmpty())
        return fail(QStringLiteral("--queue is missing; name the queue, e.g. --queue event-messages"));
    m.type = value(QStringLiteral("type")).trimmed();
    if (m.type.isEmpty())
        return fail(QStringLiteral("--type is missing; name the kind of message, e.g. --type speaker_alert"));
    m.channel = value(QStringLiteral("channel"));
    if (!m.channel.isEmpty()) {
        if (auto s = validateChannelName(m.channel); !s)
            return fail(QStringLiteral("--channel: ") + s.errorString());
    }
    m.recipient = value(QStringLiteral("to")).trimmed();
    if (isSet(QStringLiteral("priority"))) {
        auto p = intOption(QStringLiteral("priority"), kHighestPriority, kLowestPriority);
        if (!p)
            return fail(QStringLiteral("--priority '%1' is out of range; use 1 (most urgent) to 10").arg(value(QStringLiteral("priority"))));
        m.priority = *p;
    }
    if (auto s = intOptionInto(QStringLiteral("attempts"), 1, 1000, m.maxAttempts); !s)
        return fail(s.error());
    if (isSet(QStringLiteral("at")) && isSet(QStringLiteral("in")))
        return fail(QStringLiteral("give --at or --in, not both"));
    Store *store = openStore();
    if (!store)
        return m_status;
    const qint64 now = store->now();
    if (isSet(QStringLiteral("at"))) {
        auto t = parseTimestamp(value(QStringLiteral("at")), now);
        if (!t)
            return fail(QStringLiteral("--at: ") + t.errorString());
        m.runAt = *t;
    } else if (isSet(QStringLiteral("in"))) {
        auto d = durationOption(QStringLiteral("in"));
        if (!d || *d < 0)
            return fail(d ? Error::badInput(QStringLiteral("--in must not be negative")) : d.error());
        m.runAt = now + *d;
    }
    if (isSet(QStringLiteral("payload"))) {
        QJsonParseError err{};
        const QJsonDocument doc = QJsonDocument::fromJson(value(QStringLiteral("payload")).toUtf8(), &err);
        if (err.error != QJsonParseError::NoError || !doc.isObject())
            return fail(QStringLiteral("--payload is not a JSON object (%1); write e.g. --payload '{\"name\": \"Ana\"}'")
                            .arg(err.error != QJsonParseError::NoError ? err.errorString() : QStringLiteral("not an object")));
        m.payload = doc.toJson(QJsonDocument::Compact);
    }
    m.dedupeKey = value(QStringLiteral("dedupe-key"));
    auto labels = parseLabelArgument(m_parser.values(QStringLiteral("label")));
    if (!labels)
        return fail(labels.error());
    m.labels = *labels;

    auto outcome = store->enqueue(m);
    if (!outcome)
        return fail(outcome.error());
    if (json()) {
        printJson(QJsonObject{{QStringLiteral("id"), outcome->id}, {QStringLiteral("duplicate"), outcome->duplicate}});
    } else {
        printText(QString::number(outcome->id) + QLatin1Char('\n'));
        if (outcome->duplicate) {
            m_err << "heraldctl enqueue: dedupe key '" << m.dedupeKey << "' is already in queue " << m.queue << ": message "
                  << outcome->id << " was not enqueued again\n";
            m_err.flush();
        }
    }
    return kOk;
}

int Cli::cmdEnqueueFile()
{
    int chunk = Store::kDefaultChunkSize;
    if (auto s = intOptionInto(QStringLiteral("chunk-size"), 1, 100000, chunk); !s)
        return fail(s.error());
    const QString path = value(QStringLiteral("file"));
    QFile file;
    const bool stdinInput = path == QLatin1String("-");
    const bool opened = stdinInput ? file.open(stdin, QIODevice::ReadOnly) : (file.setFileName(path), file.open(QIODevice::ReadOnly));
    if (!opened)
        return fail(QStringLiteral("--file '%1' cannot be read: %2").arg(path, file.errorString()));
    Store *store = openStore();
    if (!store)
        return m_status;
    const JsonLinesBatch batch = parseJsonLines(file, stdinInput ? QStringLiteral("<stdin>") : path, value(QStringLiteral("queue")), store->now());
    const bool skip = isSet(QStringLiteral("skip-invalid"));
    if (!batch.errors.isEmpty()) {
        for (const QString &e : batch.errors)
            m_err << e << '\n';
        m_err.flush();
        if (!skip)
            return fail(QStringLiteral("%1 of %2 lines are invalid; nothing was enqueued. Fix them, or add --skip-invalid to "
                                       "enqueue the valid lines only")
                            .arg(batch.errors.size())
                            .arg(batch.lines));
    }
    auto outcome = store->enqueueBulk(batch.messages, chunk);
    if (!outcome)
        return fail(outcome.error());
    if (json())
        printJson(QJsonObject{{QStringLiteral("inserted"), outcome->inserted},
                              {QStringLiteral("duplicates"), outcome->duplicates},
                              {QStringLiteral("invalid"), batch.errors.size()}});
    else
        printText(QStringLiteral("inserted %1, duplicates %2%3\n")
                      .arg(outcome->inserted)
                      .arg(outcome->duplicates)
                      .arg(batch.errors.isEmpty() ? QString() : QStringLiteral(", invalid %1 (skipped)").arg(batch.errors.size())));
    return kOk;
}

int Cli::cmdList()
{
    QList<QCommandLineOption> options = selectionOptions(QStringLiteral("Only"));
    options << QCommandLineOption(QStringLiteral("limit"), QStringLiteral("At most N messages (default 50)."), QStringLiteral("N"))
            << QCommandLineOption(QStringLiteral("after"), QStringLiteral("Only ids after this one (for paging)."), QStringLiteral("ID"))
            << QCommandLineOption(QStringLiteral("count"), QStringLiteral("Print how many messages match instead of listing them."));
    if (auto stop = parse(QStringLiteral("list [--queue Q] [--state S] [--label k=v] [--search TEXT] [--limit N] [--after ID] [--json]"),
                          QStringLiteral("Lists messages in id order; --json prints one JSON object per line."), options))
        return *stop;
    auto sel = selection(false);
    if (!sel)
        return fail(sel.error());
    MessagePageRequest request;
    request.selection = *sel;
    request.limit = 50;
    if (auto s = intOptionInto(QStringLiteral("limit"), 1, 1'000'000, request.limit); !s)
        return fail(s.error());
    if (isSet(QStringLiteral("after"))) {
        bool ok = false;
        request.afterId = value(QStringLiteral("after")).toLongLong(&ok);
        if (!ok || request.afterId < 0)
            return fail(QStringLiteral("--after '%1' is not a message id").arg(value(QStringLiteral("after"))));
    }
    Store *store = openStoreForReading();
    if (!store)
        return m_status;
    if (auto s = resolveFailureGroup(*store, request.selection); !s)
        return fail(s.error());
    if (isSet(QStringLiteral("count"))) {
        auto n = store->countMessages(request.selection);
        if (!n)
            return fail(n.error());
        if (json())
            printJson(QJsonObject{{QStringLiteral("count"), *n}});
        else
            printText(QString::number(*n) + QLatin1Char('\n'));
        return kOk;
    }
    auto page = store->listMessages(request);
    if (!page)
        return fail(page.error());
    if (json()) {
        for (const Message &m : *page)
            m_out << QString::fromUtf8(QJsonDocument(messageToJson(m)).toJson(QJsonDocument::Compact)) << '\n';
        m_out.flush();
        return kOk;
    }
    if (page->isEmpty()) {
        printText(QStringLiteral("No messages match.\n"));
        return kOk;
    }
    TextTable table = messageTable();
    for (const Message &m : *page)
        addMessageRow(table, m);
    printText(table.render());
    if (page->size() == request.limit)
        printText(QStringLiteral("(first %1; more with --after %2)\n").arg(request.limit).arg(page->back().id));
    return kOk;
}

int Cli::cmdShow()
{
    if (auto stop = parse(QStringLiteral("show ID [--json]"), QStringLiteral("Shows one message with its attempts."), {}, QStringLiteral("ID"),
                          QStringLiteral("The message id.")))
        return *stop;
    const QStringList ids = m_parser.positionalArguments();
    bool ok = false;
    const qint64 id = ids.size() == 1 ? ids.front().toLongLong(&ok) : 0;
    if (!ok || id <= 0)
        return fail(QStringLiteral("give one message id, e.g. `heraldctl show 12`"));
    Store *store = openStoreForReading();
    if (!store)
        return m_status;
    auto m = store->message(id);
    if (!m)
        return fail(m.error());
    auto attempts = store->attempts(id);
    if (!attempts)
        return fail(attempts.error());
    auto history = store->auditForMessage(id);
    if (!history)
        return fail(history.error());
    if (json()) {
        QJsonObject o = messageToJson(*m);
        QJsonArray actions;
        for (const AuditEntry &e : *history)
            actions << QJsonObject{{QStringLiteral("audit_id"), e.id},
                                   {QStringLiteral("at"), formatTimestamp(e.at)},
                                   {QStringLiteral("actor"), e.actor},
                                   {QStringLiteral("action"), e.action}};
        o.insert(QStringLiteral("actions"), actions);
        QJsonArray list;
        for (const Attempt &a : *attempts)
            list << QJsonObject{{QStringLiteral("number"), a.number},
                                {QStringLiteral("started_at"), formatTimestamp(a.startedAt)},
                                {QStringLiteral("finished_at"), a.finishedAt ? QJsonValue(formatTimestamp(*a.finishedAt)) : QJsonValue()},
                                {QStringLiteral("outcome"), a.outcome},
                                {QStringLiteral("error"), a.error.isEmpty() ? QJsonValue() : QJsonValue(a.error)},
                                {QStringLiteral("response_code"), a.responseCode},
                                {QStringLiteral("worker"), a.worker}};
        o.insert(QStringLiteral("attempt_log"), list);
        printJson(o);
        return kOk;
    }
    QString text;
    const auto field = [&text](const QString &name, const QString &v) {
        if (!v.isEmpty())
            text += name.leftJustified(14) + v + QLatin1Char('\n');
    };
    field(QStringLiteral("id"), QString::number(m->id));
    field(QStringLiteral("queue"), m->queue);
    field(QStringLiteral("type"), m->type);
    field(QStringLiteral("channel"), m->channel);
    field(QStringLiteral("recipient"), m->recipient);
    field(QStringLiteral("state"), stateName(m->state));
    field(QStringLiteral("priority"), QString::number(m->priority));
    field(QStringLiteral("run at"), formatTimestamp(m->runAt));
    field(QStringLiteral("created at"), formatTimestamp(m->createdAt));
    field(QStringLiteral("started at"), m->startedAt ? formatTimestamp(*m->startedAt) : QString());
    field(QStringLiteral("finished at"), m->finishedAt ? formatTimestamp(*m->finishedAt) : QString());
    field(QStringLiteral("attempts"), QStringLiteral("%1 of %2").arg(m->attempts).arg(m->maxAttempts));
    field(QStringLiteral("stalls"), m->stalls ? QString::number(m->stalls) : QString());
    field(QStringLiteral("lease"), m->leaseUntil ? m->leaseOwner + QStringLiteral(" until ") + formatTimestamp(*m->leaseUntil) : QString());
    field(QStringLiteral("dedupe key"), m->dedupeKey);
    field(QStringLiteral("labels"), labelsText(m->labels));
    field(QStringLiteral("provider id"), m->providerMessageId);
    field(QStringLiteral("last error"), m->lastError);
    field(QStringLiteral("payload"), QString::fromUtf8(m->payload));
    if (!attempts->isEmpty()) {
        text += QStringLiteral("\nattempts:\n");
        TextTable table({QStringLiteral("#"), QStringLiteral("STARTED"), QStringLiteral("TOOK"), QStringLiteral("OUTCOME"),
                         QStringLiteral("CODE"), QStringLiteral("ERROR")},
                        {true, false, true, false, true});
        for (const Attempt &a : *attempts)
            table.addRow({QString::number(a.number), formatTimestamp(a.startedAt),
                          a.finishedAt ? formatDuration(*a.finishedAt - a.startedAt) : QStringLiteral("running"), a.outcome,
                          a.responseCode ? QString::number(a.responseCode) : QString(), a.error});
        text += table.render();
    }
    if (!history->isEmpty()) {
        text += QStringLiteral("\noperator actions:\n");
        for (const AuditEntry &e : *history)
            text += QStringLiteral("  #%1 %2 %3 by %4\n").arg(e.id).arg(formatTimestampSeconds(e.at), e.action, e.actor);
    }
    printText(text);
    return kOk;
}

int Cli::cmdUpcoming()
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("hours"), QStringLiteral("How far ahead to look (default 24)."), QStringLiteral("N")},
        {QStringLiteral("queue"), QStringLiteral("Only this queue."), QStringLiteral("NAME")},
        {QStringLiteral("limit"), QStringLiteral("At most N messages (default 1000)."), QStringLiteral("N")},
    };
    if (auto stop = parse(QStringLiteral("upcoming [--hours 24] [--queue Q] [--json]"),
                          QStringLiteral("Scheduled messages due in the next hours, soonest first."), options))
        return *stop;
    int hours = 24;
    if (auto s = intOptionInto(QStringLiteral("hours"), 1, 24 * 366, hours); !s)
        return fail(s.error());
    int limit = 1000;
    if (auto s = intOptionInto(QStringLiteral("limit"), 1, 1'000'000, limit); !s)
        return fail(s.error());
    Store *store = openStoreForReading();
    if (!store)
        return m_status;
    auto list = store->upcoming(qint64(hours) * 3'600'000, value(QStringLiteral("queue")), limit);
    if (!list)
        return fail(list.error());
    if (json()) {
        QJsonArray out;
        for (const Message &m : *list)
            out << messageToJson(m);
        printJson(out);
        return kOk;
    }
    if (list->isEmpty()) {
        printText(QStringLiteral("Nothing scheduled in the next %1 hours.\n").arg(hours));
        return kOk;
    }
    TextTable table = messageTable();
    for (const Message &m : *list)
        addMessageRow(table, m);
    printText(table.render());
    return kOk;
}

int Cli::cmdAudit()
{
    const QList<QCommandLineOption> options{{QStringLiteral("limit"), QStringLiteral("The newest N entries (default 50)."), QStringLiteral("N")}};
    if (auto stop = parse(QStringLiteral("audit [--limit N] [--json]"), QStringLiteral("Shows operator actions, newest first."), options))
        return *stop;
    int limit = 50;
    if (auto s = intOptionInto(QStringLiteral("limit"), 1, 1'000'000, limit); !s)
        return fail(s.error());
    Store *store = openStoreForReading();
    if (!store)
        return m_status;
    auto entries = store->auditLog(limit);
    if (!entries)
        return fail(entries.error());
    if (json()) {
        QJsonArray out;
        for (const AuditEntry &e : *entries)
            out << QJsonObject{{QStringLiteral("id"), e.id},
                               {QStringLiteral("at"), formatTimestamp(e.at)},
                               {QStringLiteral("actor"), e.actor},
                               {QStringLiteral("action"), e.action},
                               {QStringLiteral("selection"), e.selection},
                               {QStringLiteral("affected"), e.affected},
                               {QStringLiteral("details"), QJsonDocument::fromJson(e.details).object()}};
        printJson(out);
        return kOk;
    }
    TextTable table({QStringLiteral("ID"), QStringLiteral("AT"), QStringLiteral("WHO"), QStringLiteral("ACTION"), QStringLiteral("AFFECTED"),
                     QStringLiteral("SELECTION")},
                    {true, false, false, false, true});
    for (const AuditEntry &e : *entries)
        table.addRow({QString::number(e.id), formatTimestampSeconds(e.at), e.actor, e.action, QString::number(e.affected), e.selection});
    printText(table.render());
    return kOk;
}

} // namespace herald
