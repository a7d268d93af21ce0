// Cleanup beside delivery (DESIGN §10: "cleanup of 1 million rows never blocks delivery for more than
// 100 ms"). Fills a store with N old completed messages, starts the engine on a stream of messages due
// at a steady rate through a no-op channel, and runs the cleanup of the N rows on a thread and
// connection of its own, as the engine's schedule does. Reports, as JSON, the longest gap between
// consecutive delivery completions and the lateness of the messages due, before and during the cleanup.
// Usage: bench_cleanup [--rows N] [--rate PER_SECOND] [--baseline-ms MS]
#include "maintenance/CleanupSchedule.h"
#include "model/TimeText.h"
#include "runtime/Engine.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <thread>

using namespace herald;

namespace {

constexpr qint64 kDay = 86'400'000;

// Succeeds at once, from the event loop, as a network channel that answers instantly would.
class NoopChannel : public Channel
{
public:
    void deliver(const Delivery &, Done done) override
    {
        QTimer::singleShot(0, &m_context, [done = std::move(done)] { done(DeliveryOutcome::success()); });
    }
    void abort(qint64) override {}

private:
    QObject m_context;
};

double percentile(QList<qint64> v, double p)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0.0 : double(v[qsizetype(p * double(v.size() - 1))]);
}

struct Phase
{
    QList<qint64> lateness; // claim - run_at, ms
    qint64 deliveries = 0;
    double longestGapMs = 0;
    qint64 lastCompletionNs = -1;
    qint64 startNs = 0;
    QList<std::pair<double, double>> longGaps; // (ms after the phase began, gap ms) of gaps over 50 ms

    void add(qint64 atNs, qint64 latenessMs)
    {
        if (lastCompletionNs >= 0) {
            const double gap = double(atNs - lastCompletionNs) / 1e6;
            longestGapMs = std::max(longestGapMs, gap);
            if (gap > 50.0 && longGaps.size() < 20)
                longGaps << std::pair{std::round(double(lastCompletionNs - startNs) / 1e6), std::round(gap)};
        }
        lastCompletionNs = atNs;
        lateness << latenessMs;
        ++deliveries;
    }
    QJsonObject json() const
    {
        QJsonArray gaps;
        for (const auto &[at, gap] : longGaps)
            gaps.append(QJsonArray{at, gap});
        return QJsonObject{{QStringLiteral("gaps_over_50ms_at_and_length"), gaps},{QStringLiteral("deliveries"), deliveries},
                           {QStringLiteral("longest_gap_ms"), std::round(longestGapMs * 10) / 10},
                           {QStringLiteral("lateness_p50_ms"), percentile(lateness, 0.50)},
                           {QStringLiteral("lateness_p99_ms"), percentile(lateness, 0.99)},
                           {QStringLiteral("lateness_max_ms"), percentile(lateness, 1.0)}};
    }
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("rows"), QStringLiteral("Old completed messages to remove (default 1000000)."), QStringLiteral("N"),
                      QStringLiteral("1000000")});
    parser.addOption({QStringLiteral("rate"), QStringLiteral("Messages due per second meanwhile (default 200)."), QStringLiteral("N"),
                      QStringLiteral("200")});
    parser.addOption({QStringLiteral("baseline-ms"), QStringLiteral("Delivery without cleanup first, for comparison (default 5000)."),
                      QStringLiteral("MS"), QStringLiteral("5000")});
    parser.process(app);
    QTextStream out(stdout);
    QTextStream err(stderr);
    const qint64 rows = parser.value(QStringLiteral("rows")).toLongLong();
    const int rate = std::max(1, parser.value(QStringLiteral("rate")).toInt());
    const qint64 baselineMs = parser.value(QStringLiteral("baseline-ms")).toLongLong();

    QTemporaryDir dir;
    const StoreUrl url = StoreUrl::sqlite(dir.filePath(QStringLiteral("bench.db")));
    QElapsedTimer fillTime;
    fillTime.start();
    {
        auto opened = Store::open(url);
        if (!opened) {
            err << opened.errorString() << '\n';
            return 1;
        }
        Store &store = **opened;
        QueueConfig old;
        old.name = QStringLiteral("old");
        QueueConfig live;
        live.name = QStringLiteral("live");
        live.concurrency = 10;
        const qint64 now = store.now();
        if (auto s = store.addQueue(old); !s) {
            err << s.errorString() << '\n';
            return 1;
        }
        if (auto s = store.addQueue(live); !s) {
            err << s.errorString() << '\n';
            return 1;
        }
        auto inserted = store.insertSyntheticMessages(QStringLiteral("old"), rows, now - 41 * kDay, 0);
        auto finished = inserted ? store.finishSyntheticMessages(QStringLiteral("old"), MessageState::Completed, now - 40 * kDay, rows)
                                 : Result<qint64>(inserted.error());
        if (!finished || *finished != rows) {
            err << "filling the store: " << (finished ? QStringLiteral("%1 rows").arg(*finished) : finished.errorString()) << '\n';
            return 1;
        }
    }
    err << QStringLiteral("filled %1 old completed messages in %2 s\n").arg(rows).arg(double(fillTime.elapsed()) / 1000.0, 0, 'f', 1);
    err.flush();

    // The stream: rate messages a second, from 3 s on (the engine has started by then), for long enough to
    // outlast the cleanup (the engine is stopped when the cleanup ends). Enqueued up front so that
    // enqueueing is not what is measured.
    const qint64 streamMs = baselineMs + 300'000;
    qint64 streamStart = 0;
    {
        auto store = Store::open(url);
        streamStart = (*store)->now() + 3000;
        QList<NewMessage> batch;
        const qint64 n = streamMs * rate / 1000;
        for (qint64 i = 0; i < n; ++i) {
            NewMessage m;
            m.queue = QStringLiteral("live");
            m.type = QStringLiteral("noop");
            m.runAt = streamStart + i * 1000 / rate;
            batch << m;
        }
        if (auto bulk = (*store)->enqueueBulk(batch); !bulk) {
            err << bulk.errorString() << '\n';
            return 1;
        }
    }

    RuntimeOptions options;
    options.channelFactory = [](const ChannelConfig &, const ChannelContext &) -> Result<std::unique_ptr<Channel>> {
        return std::unique_ptr<Channel>(std::make_unique<NoopChannel>());
    };
    options.cleanup.enabled = false; // the cleanup below is the one measured
    Engine engine(url, options);
    QElapsedTimer clock;
    clock.start();
    Phase baseline, during;
    std::atomic_int phase{-1}; // -1 warming up, 0 baseline, 1 cleanup running, 2 done
    QObject::connect(&engine, &Engine::delivered, &app, [&](const DeliveryRecord &r) {
        if (r.outcome != QLatin1String("completed"))
            return;
        const qint64 at = clock.nsecsElapsed();
        if (phase == 0)
            baseline.add(at, r.latenessMs);
        else if (phase == 1)
            during.add(at, r.latenessMs);
    });
    QObject::connect(&engine, &Engine::finished, &app, [](const QString &) { QCoreApplication::exit(0); });
    (void)engine.start();

    Result<CleanupResult> result = CleanupResult{};
    double cleanupMs = 0;
    std::thread cleaner;
    const qint64 untilStream = std::max<qint64>(0, streamStart - currentTimeMs());
    QTimer::singleShot(int(untilStream + 500), &app, [&] {
        baseline.startNs = clock.nsecsElapsed();
        phase = 0;
    });
    QTimer::singleShot(int(untilStream + 500 + baselineMs), &app, [&] {
        phase = 1;
        during.startNs = clock.nsecsElapsed();
        during.lastCompletionNs = baseline.lastCompletionNs; // a gap across the start counts
        cleaner = std::thread([&] {
            QElapsedTimer t;
            t.start();
            auto store = Store::open(url);
            if (!store)
                result = store.error();
            else
                result = runRecordedCleanup(**store, RetentionPolicy{}, CleanupOptions{}, QStringLiteral("bench"));
            cleanupMs = double(t.nsecsElapsed()) / 1e6;
            QMetaObject::invokeMethod(
                &engine,
                [&] {
                    // Main thread, like the completions: a stall up to the end of the cleanup counts too.
                    phase = 2;
                    during.add(clock.nsecsElapsed(), -1);
                    during.lateness.removeLast();
                    --during.deliveries;
                    engine.stop(0);
                },
                Qt::QueuedConnection);
        });
    });
    QCoreApplication::exec();
    if (cleaner.joinable())
        cleaner.join();
    if (!result) {
        err << "cleanup: " << result.errorString() << '\n';
        return 1;
    }
    const QJsonObject report{{QStringLiteral("rows"), rows},
                             {QStringLiteral("removed"), result->removed.messageTotal()},
                             {QStringLiteral("cleanup_ms"), std::round(cleanupMs)},
                             {QStringLiteral("rows_per_s"), std::round(double(result->removed.messageTotal()) / cleanupMs * 1000.0)},
                             {QStringLiteral("stream_rate_per_s"), rate},
                             {QStringLiteral("before_cleanup"), baseline.json()},
                             {QStringLiteral("during_cleanup"), during.json()},
                             {QStringLiteral("target_ms"), 100},
                             {QStringLiteral("within_target"), during.longestGapMs <= 100.0}};
    out << QJsonDocument(report).toJson(QJsonDocument::Indented);
    return 0;
}
