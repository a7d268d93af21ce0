#include "Cli.h"

#include "SignalWatcher.h"
#include "channels/Channel.h"
#include "channels/SecretResolver.h"
#include "model/TimeText.h"
#include "runtime/Engine.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>

namespace herald {

int Cli::cmdWork()
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("queue"), QStringLiteral("Deliver only this queue (repeatable; default: every queue)."), QStringLiteral("NAME")},
        {QStringLiteral("concurrency"), QStringLiteral("Deliveries in flight per queue, replacing each queue's setting."), QStringLiteral("N")},
        {QStringLiteral("workers"), QStringLiteral("Delivery threads (default 4)."), QStringLiteral("N")},
        {QStringLiteral("until-idle"), QStringLiteral("Exit when nothing is due now: no waiting or active message, no scheduled one whose time has come.")},
        {QStringLiteral("until-drained"), QStringLiteral("Exit when no scheduled, waiting or active message is left at all.")},
        {QStringLiteral("durability"), QStringLiteral("normal (default): a commit survives a crash of the process; a power loss may lose "
                                                      "the commits since the last checkpoint. full: every commit is flushed to the disk "
                                                      "(SQLite synchronous=FULL), slower."),
         QStringLiteral("MODE")},
        {QStringLiteral("stop-timeout"), QStringLiteral("On SIGINT/SIGTERM, how long deliveries in flight may finish before they are handed back "
                                                        "(default 10s)."),
         QStringLiteral("DURATION")},
        {QStringLiteral("lease"), QStringLiteral("How long a claimed message stays this engine's without a renewal (default 30s; renewed every "
                                                 "third of it while the delivery runs). After a crash, other engines on a shared store take "
                                                 "its messages back this long after its last renewal."),
         QStringLiteral("DURATION")},
        {QStringLiteral("give-up-after"), QStringLiteral("With --until-idle or --until-drained: exit 1 once the store has refused every write "
                                                         "this long (a full disk, say; default 1m). Without them, work keeps trying, backing off."),
         QStringLiteral("DURATION")},
    };
    if (auto stop = parse(QStringLiteral("work [--queue Q]… [--concurrency N] [--until-idle | --until-drained]"),
                          QStringLiteral("Delivers messages until stopped (SIGINT/SIGTERM), or until idle or drained. One line per\n"
                                         "delivery: id, queue, channel, outcome, attempt, lateness, duration (--json: JSON Lines).\n"
                                         "The store must exist: `heraldctl init` creates it."),
                          options))
        return *stop;
    if (isSet(QStringLiteral("until-idle")) && isSet(QStringLiteral("until-drained")))
        return fail(QStringLiteral("give --until-idle or --until-drained, not both"));
    RuntimeOptions o;
    o.queues = m_parser.values(QStringLiteral("queue"));
    if (auto s = intOptionInto(QStringLiteral("concurrency"), 1, 1000, o.concurrencyOverride); !s)
        return fail(s.error());
    if (auto s = intOptionInto(QStringLiteral("workers"), 1, 64, o.workerThreads); !s)
        return fail(s.error());
    if (isSet(QStringLiteral("durability"))) {
        const auto d = parseDurability(value(QStringLiteral("durability")));
        if (!d)
            return fail(QStringLiteral("--durability '%1' is unknown; use normal or full").arg(value(QStringLiteral("durability"))));
        o.durability = *d;
    }
    if (isSet(QStringLiteral("lease"))) {
        auto d = durationOption(QStringLiteral("lease"));
        if (!d || *d < 3000 || *d > 3'600'000)
            return fail(d ? Error::badInput(QStringLiteral("--lease must be from 3s to 1h, e.g. 30s")) : d.error());
        o.leaseMs = *d;
    }
    qint64 stopTimeout = 10'000;
    if (isSet(QStringLiteral("stop-timeout"))) {
        auto d = durationOption(QStringLiteral("stop-timeout"));
        if (!d || *d < 0)
            return fail(d ? Error::badInput(QStringLiteral("--stop-timeout must not be negative")) : d.error());
        stopTimeout = *d;
    }
    if (isSet(QStringLiteral("give-up-after"))) {
        auto d = durationOption(QStringLiteral("give-up-after"));
        if (!d)
            return fail(d.error());
        o.giveUpAfterMs = *d;
    }
    o.channelFactory = &createChannel;
    o.resolveSecret = &SecretResolver::resolve;

    // Check the store and the queues here, so bad input says so before any thread starts.
    Store *store = openStore(CreateStore::Never);
    if (!store)
        return m_status;
    for (const QString &q : std::as_const(o.queues))
        if (auto c = store->queue(q); !c)
            return fail(c.error());
    const StoreUrl url = store->url();
    m_store.reset();

    Engine engine(url, o);
    auto mode = engine.start(isSet(QStringLiteral("until-drained")) ? Engine::ExitWhen::Drained
                             : isSet(QStringLiteral("until-idle"))  ? Engine::ExitWhen::Idle
                                                                    : Engine::ExitWhen::Never);
    if (!mode)
        return fail(mode.error());
    if (*mode == Engine::Mode::Attached)
        return fail(Error::runtime(QStringLiteral("store %1 is already being delivered by %2; only one engine delivers from a "
                                                  "SQLite store (use `heraldctl list` and the other commands meanwhile)")
                                       .arg(url.display(), engine.lockHolder())));
    m_err << "heraldctl work: delivering from " << url.display()
          << (o.queues.isEmpty() ? QStringLiteral(" (every queue)") : QStringLiteral(" (queues ") + o.queues.join(QStringLiteral(", ")) + QLatin1Char(')'))
          << " as " << engine.owner() << '\n';
    m_err.flush();

    SignalWatcher watcher;
    if (auto s = watcher.install(); !s)
        return fail(s.error());
    int signalCount = 0;
    QObject::connect(&watcher, &SignalWatcher::received, &engine, [&](int signal) {
        ++signalCount;
        m_err << "heraldctl work: " << SignalWatcher::name(signal)
              << (signalCount == 1 ? QStringLiteral(": stopping, deliveries in flight may finish for %1 (again to hand them back now)")
                                     .arg(formatDuration(stopTimeout))
                               : QStringLiteral(": handing deliveries in flight back now"))
              << '\n';
        m_err.flush();
        engine.stop(signalCount == 1 ? stopTimeout : 0);
    });

    const bool asJson = json();
    QObject::connect(&engine, &Engine::delivered, &engine, [&](const DeliveryRecord &r) {
        const QString at = formatTimestamp(QDateTime::currentMSecsSinceEpoch());
        if (asJson) {
            m_out << QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("ts"), at},
                                                                 {QStringLiteral("id"), r.messageId},
                                                                 {QStringLiteral("queue"), r.queue},
                                                                 {QStringLiteral("channel"), r.channel},
                                                                 {QStringLiteral("outcome"), r.outcome},
                                                                 {QStringLiteral("attempt"), r.attempt},
                                                                 {QStringLiteral("lateness_ms"), r.latenessMs},
                                                                 {QStringLiteral("duration_ms"), r.durationMs},
                                                                 {QStringLiteral("idempotency_key"), r.idempotencyKey},
                                                                 {QStringLiteral("error"), r.error.isEmpty() ? QJsonValue() : QJsonValue(r.error)}})
                                           .toJson(QJsonDocument::Compact))
                  << '\n';
        } else {
            m_out << at << " delivery id=" << r.messageId << " queue=" << r.queue << " channel=" << r.channel << " outcome=" << r.outcome
                  << " attempt=" << r.attempt << " lateness_ms=" << r.latenessMs << " duration_ms=" << r.durationMs;
            if (!r.error.isEmpty())
                m_out << " error=\"" << QString(r.error).replace(QLatin1Char('"'), QLatin1Char('\'')) << '"';
            m_out << '\n';
        }
        m_out.flush();
    });
    int status = kOk;
    QObject::connect(&engine, &Engine::finished, &engine, [&](const QString &error) {
        if (!error.isEmpty()) {
            m_err << "heraldctl work: " << error << '\n';
            status = kRuntimeError;
        } else {
            m_err << "heraldctl work: stopped\n";
        }
        m_err.flush();
        QCoreApplication::exit(status);
    });
    QCoreApplication::exec();
    return status;
}

} // namespace herald
