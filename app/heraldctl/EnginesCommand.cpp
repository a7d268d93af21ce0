#include "Cli.h"
#include "TextTable.h"

#include "model/TimeText.h"
#include "store/Store.h"

#include <QJsonArray>
#include <QJsonObject>

namespace herald {

int Cli::cmdEngines()
{
    if (auto stop = parse(QStringLiteral("engines [--json]"),
                          QStringLiteral("The engines delivering from the store now (a heartbeat within the last 30 s): where they run,\n"
                                         "since when, how many deliveries each has in flight and from which queues. A SQLite store has\n"
                                         "at most one engine, and it registers on shared (PostgreSQL) stores only."),
                          {}))
        return *stop;
    Store *store = openStoreForReading();
    if (!store)
        return m_status;
    auto engines = store->liveEngines();
    if (!engines)
        return fail(engines.error());
    if (json()) {
        QJsonArray out;
        for (const Store::EngineInfo &e : *engines)
            out << QJsonObject{{QStringLiteral("id"), e.id},
                               {QStringLiteral("host"), e.host},
                               {QStringLiteral("pid"), e.pid},
                               {QStringLiteral("version"), e.version},
                               {QStringLiteral("started_at"), formatTimestamp(e.startedAt)},
                               {QStringLiteral("heartbeat_at"), formatTimestamp(e.heartbeatAt)},
                               {QStringLiteral("in_flight"), e.inFlight},
                               {QStringLiteral("queues"), QJsonArray::fromStringList(e.queues)}};
        printJson(out);
        return kOk;
    }
    if (engines->isEmpty()) {
        printText(store->capabilities().sharedStore()
                      ? QStringLiteral("No engine is delivering from this store. Start one with `heraldctl work`.\n")
                      : QStringLiteral("No engine registered: on a SQLite store the one engine holds the store's lock file instead.\n"));
        return kOk;
    }
    TextTable table({QStringLiteral("ENGINE"), QStringLiteral("HOST"), QStringLiteral("PID"), QStringLiteral("VERSION"), QStringLiteral("STARTED"),
                     QStringLiteral("HEARTBEAT"), QStringLiteral("IN FLIGHT"), QStringLiteral("QUEUES")},
                    {false, false, true, false, false, false, true, false});
    for (const Store::EngineInfo &e : *engines)
        table.addRow({e.id, e.host, QString::number(e.pid), e.version, formatTimestamp(e.startedAt), formatTimestamp(e.heartbeatAt),
                      QString::number(e.inFlight), e.queues.isEmpty() ? QStringLiteral("all") : e.queues.join(QStringLiteral(", "))});
    printText(table.render());
    return kOk;
}

} // namespace herald
