#include "Cli.h"
#include "TextTable.h"

#include "store/StoreCopy.h"

#include <QJsonArray>
#include <QJsonObject>

namespace herald {

int Cli::cmdStore()
{
    const QString sub = takeSubcommand();
    m_commandName = QStringLiteral("store ") + sub;
    if (sub == QLatin1String("copy"))
        return cmdStoreCopy();
    if (sub.isEmpty() && (m_args.contains(QLatin1String("--help")) || m_args.contains(QLatin1String("-h")))) {
        printText(QStringLiteral("Usage: heraldctl store <copy> [options]\n\n"
                                 "  copy FROM TO       Copy a whole store into a new or empty one (SQLite to PostgreSQL or back)\n"));
        return kOk;
    }
    m_commandName = QStringLiteral("store");
    return fail(sub.isEmpty() ? QStringLiteral("name a sub-command: copy") : QStringLiteral("unknown sub-command '%1'; use copy").arg(sub));
}

int Cli::cmdStoreCopy()
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("chunk"), QStringLiteral("Rows per transaction on the target (default %1).").arg(StoreCopy::kDefaultChunkSize),
         QStringLiteral("N")},
        {QStringLiteral("force"), QStringLiteral("Copy although engines are delivering from FROM: the copy is FROM as it was when the copy "
                                                 "began, and what they deliver afterwards may be delivered again from TO.")},
    };
    if (auto stop = parse(QStringLiteral("store copy FROM TO [--chunk N] [--force] [--json]"),
                          QStringLiteral("Copies a whole store — queues, channels, messages in every state with their labels and attempts,\n"
                                         "the outbox, e-mail events and their rollups, suppressions, the audit log, settings and the record\n"
                                         "of cleanups — into a new or empty store, from SQLite to PostgreSQL or back, keeping every id.\n"
                                         "FROM is read in one snapshot and never changed; TO is written in chunks, one transaction each,\n"
                                         "with progress on standard error. At the end the rows of every table are counted on both sides:\n"
                                         "exit status 1 when a count differs. A non-empty TO, FROM and TO being one store, FROM at an older\n"
                                         "schema (upgrade it with `heraldctl --db FROM init`) and engines delivering from either are\n"
                                         "refused with exit status 2, before anything is written."),
                          options, QStringLiteral("FROM TO"),
                          QStringLiteral("The store to copy from and the one to copy into: file paths, sqlite:/path or postgres://user@host/db.")))
        return *stop;
    if (isSet(QStringLiteral("db")))
        return fail(QStringLiteral("--db is not used here: give the store to copy from and the one to copy into as FROM and TO, e.g. "
                                   "`heraldctl store copy herald.db postgres://herald@db.example.com/herald`"));
    if (isSet(QStringLiteral("wait-for-store")))
        return fail(QStringLiteral("--wait-for-store is not used here: start the copy once both stores answer"));
    const QStringList stores = m_parser.positionalArguments();
    if (stores.size() != 2)
        return fail(QStringLiteral("give two stores, the one to copy from and the one to copy into, e.g. `heraldctl store copy herald.db "
                                   "postgres://herald@db.example.com/herald`"));
    auto from = StoreUrl::parse(stores.at(0));
    if (!from)
        return fail(Error{from.error().kind, QStringLiteral("FROM: ") + from.error().message});
    auto to = StoreUrl::parse(stores.at(1));
    if (!to)
        return fail(Error{to.error().kind, QStringLiteral("TO: ") + to.error().message});
    StoreCopy::Options o;
    if (isSet(QStringLiteral("chunk"))) {
        auto chunk = intOption(QStringLiteral("chunk"), 1, 1'000'000);
        if (!chunk)
            return fail(chunk.error());
        o.chunkSize = *chunk;
    }
    o.ignoreLiveEngines = isSet(QStringLiteral("force"));

    StoreCopy copy(*from, *to, o);
    auto planned = copy.prepare();
    if (!planned)
        return fail(planned.error());
    const bool quiet = json();
    if (!quiet) {
        qint64 rows = 0;
        for (const StoreCopy::TableCount &c : std::as_const(*planned))
            rows += c.source;
        m_err << "Copying " << rows << " rows in " << planned->size() << " tables from " << from->display() << " to " << to->display() << '\n';
        m_err.flush();
    }
    auto report = copy.run([this, quiet](const QString &table, qint64 copied, qint64 total) {
        if (quiet || (copied == 0 && total > 0))
            return;
        if (copied < total)
            m_err << "  " << table << ": " << copied << " of " << total << " rows\n";
        else
            m_err << "  " << table << ": " << copied << (copied == 1 ? " row" : " rows") << '\n';
        m_err.flush();
    });
    if (!report)
        return fail(report.error());

    if (json()) {
        QJsonArray tables;
        for (const StoreCopy::TableCount &c : std::as_const(report->tables))
            tables << QJsonObject{{QStringLiteral("table"), c.table},
                                  {QStringLiteral("source"), c.source},
                                  {QStringLiteral("target"), c.target},
                                  {QStringLiteral("ok"), c.matches()}};
        printJson(QJsonObject{{QStringLiteral("from"), from->display()},
                              {QStringLiteral("to"), to->display()},
                              {QStringLiteral("tables"), tables},
                              {QStringLiteral("counter_mismatches"), QJsonArray::fromStringList(report->counterMismatches)},
                              {QStringLiteral("ok"), report->ok()}});
    } else {
        TextTable table({QStringLiteral("TABLE"), QStringLiteral("SOURCE"), QStringLiteral("TARGET"), QString()}, {false, true, true, false});
        for (const StoreCopy::TableCount &c : std::as_const(report->tables))
            table.addRow({c.table, QString::number(c.source), QString::number(c.target), c.matches() ? QStringLiteral("ok") : QStringLiteral("MISMATCH")});
        QString text = table.render();
        for (const QString &m : std::as_const(report->counterMismatches))
            text += QStringLiteral("queue counter MISMATCH in the target: %1\n").arg(m);
        if (report->ok())
            text += QStringLiteral("Copied %1 rows from %2 to %3; every count matches. %2 is unchanged; point --db (or HERALD_DB) at %3 to "
                                   "use the copy.\n")
                        .arg(report->sourceRows())
                        .arg(from->display(), to->display());
        printText(text);
    }
    if (!report->ok()) {
        QStringList differ;
        for (const StoreCopy::TableCount &c : std::as_const(report->tables))
            if (!c.matches())
                differ << c.table;
        if (!report->counterMismatches.isEmpty())
            differ << QStringLiteral("queue counters");
        return fail(Error::runtime(QStringLiteral("the copy in %1 differs from %2 (%3): something else wrote to it meanwhile, or the copy "
                                                  "went wrong. Do not use it: delete it (the file, or drop the database and create it "
                                                  "again) and copy again")
                                       .arg(to->display(), from->display(), differ.join(QStringLiteral(", ")))));
    }
    return kOk;
}

} // namespace herald
