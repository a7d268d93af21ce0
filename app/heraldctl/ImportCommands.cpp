// heraldctl import: legacy queues with their history (issue 18).
#include "Cli.h"

#include "SignalWatcher.h"
#include "TextTable.h"
#include "import/EventMessagesSource.h"
#include "import/QueueImport.h"
#include "import/SendEventSource.h"
#include "store/LegacyTable.h"

#include <QCoreApplication>
#include <QTimeZone>
#include <QUrl>

namespace herald {

namespace {

QList<QCommandLineOption> commonImportOptions()
{
    return {
        {QStringLiteral("queue"), QStringLiteral("The queue the messages go to (it must exist: `heraldctl queue add`)."), QStringLiteral("NAME")},
        {QStringLiteral("channel"), QStringLiteral("Deliver every imported message on this channel (default: the source's, else the queue's)."),
         QStringLiteral("C")},
        {QStringLiteral("dry-run"), QStringLiteral("Read and map every row, print the counts per source status and Herald state and the rows "
                                                   "skipped, and write nothing.")},
        {QStringLiteral("skip-invalid"), QStringLiteral("Import the readable rows even when others cannot be read (they are listed); by default "
                                                        "nothing is imported then.")},
        {QStringLiteral("chunk"), QStringLiteral("Rows per transaction (default 500)."), QStringLiteral("N")},
    };
}

QJsonArray problemsJson(const QList<ImportProblem> &problems)
{
    QJsonArray out;
    for (const ImportProblem &p : problems)
        out << QJsonObject{{QStringLiteral("row"), p.sourceId}, {QStringLiteral("reason"), p.reason}};
    return out;
}

} // namespace

int Cli::cmdImport()
{
    const QString sub = takeSubcommand();
    m_commandName = QStringLiteral("import ") + sub;
    if (sub == QLatin1String("send-event"))
        return cmdImportSendEvent();
    if (sub == QLatin1String("event-messages"))
        return cmdImportEventMessages();
    if (sub.isEmpty() && (m_args.contains(QLatin1String("--help")) || m_args.contains(QLatin1String("-h")))) {
        printText(QStringLiteral("Usage: heraldctl import <send-event|event-messages> [options]\n\n"
                                 "  send-event FILE --queue NAME            A mongoexport of send_event (JSON Lines or a JSON array)\n"
                                 "  event-messages --from postgres://… --queue NAME --source-timezone ZONE   The event_messages table\n\n"
                                 "Each keeps the history: sent rows are imported completed and never sent again. --dry-run first.\n"));
        return kOk;
    }
    m_commandName = QStringLiteral("import");
    return fail(sub.isEmpty() ? QStringLiteral("name a source: send-event or event-messages")
                              : QStringLiteral("unknown source '%1'; use send-event or event-messages").arg(sub));
}

int Cli::cmdImportSendEvent()
{
    if (auto stop = parse(QStringLiteral("import send-event FILE --queue NAME [--channel C] [--dry-run] [--skip-invalid] [--json]"),
                          QStringLiteral("Imports a mongoexport of the legacy send_event collection (JSON Lines or a JSON array) with its\n"
                                         "history: one message per data[] item and user id; pending, retry and scheduled documents are\n"
                                         "scheduled at scheduled_at, processing ones waiting (they may have been half-sent: at-least-once),\n"
                                         "completed and failed ones are kept as they ended and never sent. retry_count becomes attempts;\n"
                                         "priority 0-5 (higher first) becomes 10, 7, 5, 3, 2, 1; metadata campaign_id, batch_id and source\n"
                                         "become labels campaign, batch and source. Importing again adds nothing."),
                          commonImportOptions(), QStringLiteral("FILE"), QStringLiteral("The mongoexport file; - reads standard input.")))
        return *stop;
    const QStringList files = m_parser.positionalArguments();
    if (files.size() != 1)
        return fail(QStringLiteral("give one mongoexport file of send_event (or - for standard input)"));
    const QString name = files.front() == QLatin1String("-") ? QStringLiteral("standard input") : files.front();
    auto content = readInput(files.front());
    if (!content)
        return fail(Error::badInput(content.errorString() + QStringLiteral("; give the path of a mongoexport of send_event")));
    if (content->trimmed().isEmpty())
        return fail(QStringLiteral("'%1' is empty; export the collection with `mongoexport --collection send_event --out FILE`").arg(name));
    if (value(QStringLiteral("queue")).isEmpty())
        return fail(QStringLiteral("name the queue to import into with --queue NAME"));
    SendEventSource source(*content, name, {value(QStringLiteral("queue")), value(QStringLiteral("channel"))});
    return runImport(source);
}

int Cli::cmdImportEventMessages()
{
    QList<QCommandLineOption> options = commonImportOptions();
    options << QCommandLineOption(QStringLiteral("from"), QStringLiteral("The PostgreSQL database holding the table: postgres://user[:password]@host[:port]/db "
                                                                         "(or the password in PGPASSWORD or ~/.pgpass)."),
                                  QStringLiteral("URL"))
            << QCommandLineOption(QStringLiteral("table"), QStringLiteral("The table (default event_messages)."), QStringLiteral("NAME"))
            << QCommandLineOption(QStringLiteral("source-timezone"),
                                  QStringLiteral("The time zone of the table's `timestamp without time zone` values, e.g. America/New_York or UTC."),
                                  QStringLiteral("ZONE"));
    if (auto stop = parse(QStringLiteral("import event-messages --from postgres://… [--table event_messages] --queue NAME --source-timezone ZONE "
                                         "[--channel C] [--dry-run] [--skip-invalid] [--json]"),
                          QStringLiteral("Imports the legacy event_messages table with its history: scheduled rows are scheduled at\n"
                                         "scheduled_time (read on the --source-timezone clock), sent rows completed at actual_send_time,\n"
                                         "failed rows failed with error_message, cancelled rows cancelled; none of those is sent again.\n"
                                         "phone is the recipient; event_id, contractor_id and message_type become labels event,\n"
                                         "contractor and message_type. The source is only read. Importing again adds nothing."),
                          options))
        return *stop;
    const QString from = value(QStringLiteral("from"));
    if (from.isEmpty())
        return fail(QStringLiteral("name the source database with --from postgres://user@host:port/database"));
    const QUrl shown(from);
    const QString fromShown = shown.isValid() ? shown.toDisplayString(QUrl::RemovePassword) : QStringLiteral("(unreadable URL)");
    auto url = StoreUrl::parse(from);
    if (!url || url->kind() != StoreUrl::Kind::Postgres)
        return fail(QStringLiteral("--from '%1' is not a PostgreSQL URL; write postgres://user@host:5432/database").arg(fromShown));
    const QString zoneName = value(QStringLiteral("source-timezone"));
    if (zoneName.isEmpty())
        return fail(QStringLiteral("give --source-timezone ZONE: event_messages keeps times without a zone, so say whose clock they are on "
                                   "(e.g. America/New_York, or UTC)"));
    const QTimeZone zone(zoneName.toUtf8());
    if (!zone.isValid())
        return fail(QStringLiteral("--source-timezone '%1' is not a time zone this machine knows; give an IANA name such as America/New_York "
                                   "or UTC (Debian: install tzdata)")
                        .arg(zoneName));
    if (value(QStringLiteral("queue")).isEmpty())
        return fail(QStringLiteral("name the queue to import into with --queue NAME"));
    auto table = LegacyTable::open(*url, isSet(QStringLiteral("table")) ? value(QStringLiteral("table")) : QStringLiteral("event_messages"));
    if (!table)
        return fail(table.error());
    EventMessagesSource source(std::move(table).value(), zone, {value(QStringLiteral("queue")), value(QStringLiteral("channel"))});
    return runImport(source);
}

int Cli::runImport(ImportSource &source)
{
    QueueImport::Options o;
    if (isSet(QStringLiteral("chunk"))) {
        auto chunk = intOption(QStringLiteral("chunk"), 1, 100'000);
        if (!chunk)
            return fail(chunk.error());
        o.chunkSize = *chunk;
    }
    o.skipInvalid = isSet(QStringLiteral("skip-invalid"));
    const bool dryRun = isSet(QStringLiteral("dry-run"));
    Store *store = dryRun ? openStoreForReading() : openStore();
    if (!store)
        return m_status;
    const QString queue = value(QStringLiteral("queue"));
    if (auto q = store->queue(queue); !q)
        return fail(q.error());
    auto plan = source.read();
    if (!plan)
        return fail(plan.error());
    const auto mapping = plan->mappingCounts(store->now());

    QJsonArray mappingJson;
    TextTable table({QStringLiteral("SOURCE STATUS"), QStringLiteral("HERALD STATE"), QStringLiteral("ROWS")}, {false, false, true});
    for (const auto &[key, count] : mapping) {
        mappingJson << QJsonObject{{QStringLiteral("source_status"), key.first}, {QStringLiteral("state"), stateName(key.second)},
                                   {QStringLiteral("rows"), count}};
        table.addRow({key.first, stateName(key.second), QString::number(count)});
    }
    QJsonObject out{{QStringLiteral("source"), plan->source},
                    {QStringLiteral("queue"), queue},
                    {QStringLiteral("source_records"), plan->sourceRecords},
                    {QStringLiteral("messages"), plan->rows.size()},
                    {QStringLiteral("mapping"), mappingJson},
                    {QStringLiteral("skipped"), problemsJson(plan->skipped)},
                    {QStringLiteral("invalid"), problemsJson(plan->invalid)},
                    {QStringLiteral("notes"), QJsonArray::fromStringList(plan->notes)},
                    {QStringLiteral("dry_run"), dryRun}};
    QString text = QStringLiteral("%1 into queue %2: %3 source records, %4 messages\n").arg(plan->source, queue).arg(plan->sourceRecords).arg(plan->rows.size());
    text += table.render();
    if (!plan->skipped.isEmpty()) {
        text += QStringLiteral("skipped %1:\n").arg(plan->skipped.size());
        for (const ImportProblem &p : std::as_const(plan->skipped))
            text += QStringLiteral("  %1: %2\n").arg(p.sourceId, p.reason);
    }
    if (!plan->invalid.isEmpty()) {
        text += QStringLiteral("invalid %1%2:\n").arg(plan->invalid.size()).arg(o.skipInvalid ? QStringLiteral(" (skipped: --skip-invalid)") : QString());
        for (const ImportProblem &p : std::as_const(plan->invalid))
            text += QStringLiteral("  %1: %2\n").arg(p.sourceId, p.reason);
    }
    for (const QString &note : std::as_const(plan->notes))
        text += QStringLiteral("note: %1\n").arg(note);

    if (dryRun) {
        QList<ImportedMessage> all;
        for (const ImportRow &r : std::as_const(plan->rows))
            all << r.message;
        if (auto s = store->checkImported(all); !s)
            return fail(s.error());
        if (json()) {
            printJson(out);
        } else {
            text += QStringLiteral("Dry run: nothing was written.\n");
            printText(text);
        }
        if (auto s = QueueImport::check(*plan, o.skipInvalid); !s)
            return fail(s.error());
        return kOk;
    }
    if (auto s = QueueImport::check(*plan, o.skipInvalid); !s) {
        if (!json())
            printText(text);
        return fail(s.error());
    }
    // SIGINT or SIGTERM stops the import between two chunks: what was committed stays, and the same import
    // run again finishes it. The chunks run in this thread, so the watcher is heard after each one.
    std::atomic_bool cancel{false};
    SignalWatcher watcher;
    if (auto s = watcher.install(); !s)
        return fail(s.error());
    QObject::connect(&watcher, &SignalWatcher::received, &watcher, [&cancel](int) { cancel = true; });
    o.cancel = &cancel;
    const bool quiet = json();
    o.progress = [this, quiet](qint64 done, qint64 total) {
        QCoreApplication::processEvents();
        if (quiet)
            return;
        m_err << "  " << done << " of " << total << " rows\n";
        m_err.flush();
    };
    auto report = QueueImport::run(*store, *plan, o);
    if (!report)
        return fail(report.error());
    if (report->cancelled)
        return fail(Error::runtime(QStringLiteral("stopped after %1 new messages (%2 already imported); what went in stays: run the same import "
                                                  "again to finish it (audit entry #%3)")
                                       .arg(report->inserted)
                                       .arg(report->alreadyImported)
                                       .arg(report->auditId)));
    QJsonObject byState;
    QStringList states;
    for (auto it = report->byState.cbegin(); it != report->byState.cend(); ++it) {
        byState.insert(stateName(it.key()), it.value());
        states << QStringLiteral("%1 %2").arg(it.value()).arg(stateName(it.key()));
    }
    out.insert(QStringLiteral("inserted"), report->inserted);
    out.insert(QStringLiteral("already_imported"), report->alreadyImported);
    out.insert(QStringLiteral("inserted_by_state"), byState);
    out.insert(QStringLiteral("audit_id"), report->auditId);
    if (json()) {
        printJson(out);
    } else {
        text += QStringLiteral("Imported %1 new messages%2; %3 already imported (unchanged); %4 skipped%5. Audit entry #%6.\n")
                    .arg(report->inserted)
                    .arg(states.isEmpty() ? QString() : QStringLiteral(" (") + states.join(QStringLiteral(", ")) + QLatin1Char(')'))
                    .arg(report->alreadyImported)
                    .arg(report->skipped)
                    .arg(o.skipInvalid && report->invalid > 0 ? QStringLiteral(", %1 invalid left out").arg(report->invalid) : QString())
                    .arg(report->auditId);
        printText(text);
    }
    return kOk;
}

} // namespace herald
