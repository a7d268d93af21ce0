// heraldctl bench: the scenarios of DESIGN §10, measured on a real store with the real runtime and a
// no-op channel. bench/peers/bullmq runs the same scenarios against BullMQ and prints the same JSON.
#include "Cli.h"

#include "channels/Channel.h"
#include "runtime/Engine.h"
#include "store/Backend.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <mutex>

namespace herald {

namespace {

// When each delivery reached the channel, against the time it was due: written by the worker threads.
class StartLog
{
public:
    void add(qint64 latenessMs)
    {
        std::lock_guard lock(m_mutex);
        m_lateness.push_back(latenessMs);
    }
    std::vector<qint64> take()
    {
        std::lock_guard lock(m_mutex);
        return std::exchange(m_lateness, {});
    }

private:
    std::mutex m_mutex;
    std::vector<qint64> m_lateness; // guarded by m_mutex
};

// Succeeds at once, from the worker's event loop, as a network channel whose peer answers instantly
// would (Channel never reports from inside deliver()). BullMQ's side runs `async () => {}`.
class NoopChannel : public Channel
{
public:
    explicit NoopChannel(std::shared_ptr<StartLog> log) : m_log(std::move(log)) {}
    void deliver(const Delivery &delivery, Done done) override
    {
        m_log->add(QDateTime::currentMSecsSinceEpoch() - delivery.message.runAt);
        QTimer::singleShot(0, &m_context, [done = std::move(done)] { done(DeliveryOutcome::success()); });
    }
    void abort(qint64) override {}

private:
    std::shared_ptr<StartLog> m_log;
    QObject m_context;
};

qint64 percentile(const std::vector<qint64> &sorted, double p)
{
    return sorted.empty() ? 0 : sorted[size_t(p * double(sorted.size() - 1))];
}

// The most starts in any window of windowMs, wherever it is placed.
int maxInWindow(std::vector<qint64> starts, qint64 windowMs)
{
    std::sort(starts.begin(), starts.end());
    int best = 0;
    for (size_t lo = 0, hi = 0; hi < starts.size(); ++hi) {
        while (starts[hi] - starts[lo] >= windowMs)
            ++lo;
        best = std::max(best, int(hi - lo + 1));
    }
    return best;
}

struct BenchSettings
{
    StoreUrl url;
    Durability durability = Durability::Normal;
    int messages = 0; // 0: each scenario's default
    QList<int> concurrency{1, 10, 100};
    QList<int> engines{1};       // process: engines on the store at once (more than one: a shared store)
    bool noGlobalLimit = false;  // process: the queue unlimited, each engine running --concurrency of its own
    qint64 spreadMs = 10'000;
    int limit = 50;
    qint64 windowMs = 1'000;
    int chunk = Store::kDefaultChunkSize;
    RuntimeOptions runtime; // the defaults, or what a tuning flag changed
    QStringList variant;    // the tuning flags given, named in every result
};

class Bench
{
public:
    Bench(BenchSettings settings, QTextStream &out) : m_s(std::move(settings)), m_out(out) {}

    Status run(const QString &scenario)
    {
        Store::OpenOptions o;
        o.durability = m_s.durability;
        o.cacheStatements = m_s.runtime.cacheStatements;
        auto store = Store::open(m_s.url, o);
        if (!store)
            return store.error();
        m_store = std::move(store).value();
        const bool all = scenario == QLatin1String("all");
        if (all || scenario == QLatin1String("enqueue"))
            if (auto s = enqueue(); !s)
                return s;
        if (all || scenario == QLatin1String("process"))
            for (int e : std::as_const(m_s.engines))
                for (int c : std::as_const(m_s.concurrency))
                    if (auto s = process(c, e); !s)
                        return s;
        if (all || scenario == QLatin1String("delayed"))
            if (auto s = delayed(); !s)
                return s;
        if (all || scenario == QLatin1String("ratelimit"))
            if (auto s = ratelimit(); !s)
                return s;
        return {};
    }

private:
    // A queue of its own per run, so runs on one store (--db) never see each other's messages.
    Result<QString> addQueue(const QString &scenario, int concurrency, RateLimit rate = {})
    {
        QueueConfig q;
        q.name = QStringLiteral("bench-%1-%2-%3").arg(scenario).arg(QDateTime::currentMSecsSinceEpoch()).arg(++m_serial);
        q.concurrency = concurrency;
        q.rate = rate;
        if (auto s = m_store->addQueue(q); !s)
            return s.error();
        return q.name;
    }

    static QList<NewMessage> messages(const QString &queue, int n, qint64 firstRunAt = 0, qint64 spreadMs = 0)
    {
        QList<NewMessage> out;
        out.reserve(n);
        for (int i = 0; i < n; ++i) {
            NewMessage m;
            m.queue = queue;
            m.type = QStringLiteral("noop");
            m.recipient = QStringLiteral("user-%1").arg(i);
            m.runAt = firstRunAt > 0 ? firstRunAt + spreadMs * i / n : 0;
            out << m;
        }
        return out;
    }

    void print(const QString &scenario, int n, int concurrency, QJsonObject fields)
    {
        fields.insert(QStringLiteral("peer"), QStringLiteral("herald"));
        fields.insert(QStringLiteral("scenario"), scenario);
        fields.insert(QStringLiteral("messages"), n);
        fields.insert(QStringLiteral("concurrency"), concurrency);
        fields.insert(QStringLiteral("durability"), durabilityName(m_s.durability));
        if (!m_s.variant.isEmpty())
            fields.insert(QStringLiteral("variant"), m_s.variant.join(QLatin1Char(' ')));
        m_out << QString::fromUtf8(QJsonDocument(fields).toJson(QJsonDocument::Compact)) << '\n';
        m_out.flush();
    }

    // Runs the runtime on one queue until n deliveries completed, in `engines` engines on the store at
    // once (each with a connection and a runtime of its own, as `heraldctl work` processes would; a
    // shared store only), each running up to `perEngine` deliveries (0: the queue's concurrency);
    // returns the milliseconds from start to the n-th completion (committed).
    Result<double> deliver(const QString &queue, int n, std::shared_ptr<StartLog> log, int engines = 1, int perEngine = 0)
    {
        RuntimeOptions o = m_s.runtime;
        o.queues = {queue};
        o.concurrencyOverride = perEngine;
        o.channelFactory = [log](const ChannelConfig &, const ChannelContext &) -> Result<std::unique_ptr<Channel>> {
            return std::unique_ptr<Channel>(std::make_unique<NoopChannel>(log));
        };
        std::vector<std::unique_ptr<Engine>> running;
        for (int i = 0; i < engines; ++i)
            running.push_back(std::make_unique<Engine>(m_s.url, o));
        QEventLoop loop;
        int completed = 0;
        int other = 0;
        int finished = 0;
        double ms = 0;
        QString error;
        QElapsedTimer t;
        for (const auto &engine : running) {
            QObject::connect(engine.get(), &Engine::delivered, &loop, [&](const DeliveryRecord &r) {
                if (r.outcome != QLatin1String("completed")) {
                    ++other;
                    return;
                }
                if (++completed == n) {
                    ms = double(t.nsecsElapsed()) / 1e6;
                    for (const auto &e : running)
                        e->stop(0);
                }
            });
            QObject::connect(engine.get(), &Engine::finished, &loop, [&](const QString &e) {
                if (!e.isEmpty() && error.isEmpty())
                    error = e;
                if (++finished == engines)
                    loop.quit();
            });
        }
        t.start();
        for (const auto &engine : running) {
            auto mode = engine->start();
            if (!mode)
                return mode.error();
            if (*mode == Engine::Mode::Attached)
                return Error::runtime(QStringLiteral("store %1 is being delivered by %2; benchmark on a store of its own")
                                          .arg(m_s.url.display(), engine->lockHolder()));
        }
        loop.exec();
        if (!error.isEmpty())
            return Error::runtime(error);
        if (completed != n)
            return Error::runtime(QStringLiteral("only %1 of %2 messages completed (%3 other outcomes)").arg(completed).arg(n).arg(other));
        return ms;
    }

    Status enqueue()
    {
        const int n = m_s.messages > 0 ? m_s.messages : 100'000;
        auto queue = addQueue(QStringLiteral("enqueue"), 10);
        if (!queue)
            return queue.error();
        const QList<NewMessage> batch = messages(*queue, n);
        QElapsedTimer t;
        t.start();
        auto bulk = m_store->enqueueBulk(batch, m_s.chunk);
        const double ms = double(t.nsecsElapsed()) / 1e6;
        if (!bulk)
            return bulk.error();
        print(QStringLiteral("enqueue"), n, 0, {{QStringLiteral("per_s"), qRound64(double(n) / ms * 1000.0)}, {QStringLiteral("chunk"), m_s.chunk}});
        return {};
    }

    Status process(int concurrency, int engines)
    {
        const int n = m_s.messages > 0 ? m_s.messages : 20'000;
        // With several engines the queue's concurrency is the limit across all of them (DESIGN §3.2),
        // each engine running up to it; --no-global-limit lifts the queue's limit instead, each engine
        // then running `concurrency` of its own.
        const bool global = !m_s.noGlobalLimit;
        auto queue = addQueue(QStringLiteral("process"), global ? concurrency : 1000 /* the most a queue may have */);
        if (!queue)
            return queue.error();
        if (auto bulk = m_store->enqueueBulk(messages(*queue, n)); !bulk)
            return bulk.error();
        auto ms = deliver(*queue, n, std::make_shared<StartLog>(), engines, global ? 0 : concurrency);
        if (!ms)
            return ms.error();
        QJsonObject fields{{QStringLiteral("per_s"), qRound64(double(n) / *ms * 1000.0)}};
        if (m_s.engines != QList<int>{1}) {
            fields.insert(QStringLiteral("engines"), engines);
            fields.insert(QStringLiteral("global_limit"), global);
        }
        print(QStringLiteral("process"), n, concurrency, fields);
        return {};
    }

    Status delayed()
    {
        const int n = m_s.messages > 0 ? m_s.messages : 2'000;
        const int concurrency = 10;
        auto queue = addQueue(QStringLiteral("delayed"), concurrency);
        if (!queue)
            return queue.error();
        // The first is due 500 ms from now: every message is stored, and the runtime started, before it.
        if (auto bulk = m_store->enqueueBulk(messages(*queue, n, m_store->now() + 500, m_s.spreadMs)); !bulk)
            return bulk.error();
        auto log = std::make_shared<StartLog>();
        if (auto ms = deliver(*queue, n, log); !ms)
            return ms.error();
        std::vector<qint64> lateness = log->take();
        std::sort(lateness.begin(), lateness.end());
        print(QStringLiteral("delayed"), n, concurrency,
              {{QStringLiteral("spread_ms"), m_s.spreadMs},
               {QStringLiteral("lateness_ms_p50"), percentile(lateness, 0.50)},
               {QStringLiteral("lateness_ms_p99"), percentile(lateness, 0.99)},
               {QStringLiteral("lateness_ms_max"), percentile(lateness, 1.0)}});
        return {};
    }

    Status ratelimit()
    {
        const int n = m_s.messages > 0 ? m_s.messages : m_s.limit * 5;
        const int concurrency = 10;
        auto queue = addQueue(QStringLiteral("ratelimit"), concurrency, RateLimit{m_s.limit, m_s.windowMs});
        if (!queue)
            return queue.error();
        auto bulk = m_store->enqueueBulk(messages(*queue, n));
        if (!bulk)
            return bulk.error();
        auto ms = deliver(*queue, n, std::make_shared<StartLog>());
        if (!ms)
            return ms.error();
        // The starts as the store recorded them: the claim times the limiter counts.
        std::vector<qint64> starts;
        for (const Store::EnqueueOutcome &item : std::as_const(bulk->items)) {
            auto attempts = m_store->attempts(item.id);
            if (!attempts)
                return attempts.error();
            for (const Attempt &a : std::as_const(*attempts))
                starts.push_back(a.startedAt);
        }
        print(QStringLiteral("ratelimit"), n, concurrency,
              {{QStringLiteral("limit"), m_s.limit},
               {QStringLiteral("window_ms"), m_s.windowMs},
               {QStringLiteral("max_in_window"), maxInWindow(starts, m_s.windowMs)},
               {QStringLiteral("elapsed_ms"), qRound64(*ms)}});
        return {};
    }

    BenchSettings m_s;
    QTextStream &m_out;
    std::unique_ptr<Store> m_store;
    int m_serial = 0;
};

} // namespace

int Cli::cmdBench()
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("messages"), QStringLiteral("Messages per scenario (defaults: enqueue 100000, process 20000 per concurrency, "
                                                    "delayed 2000, ratelimit 5 windows' worth)."),
         QStringLiteral("N")},
        {QStringLiteral("concurrency"), QStringLiteral("process: the concurrencies to run, comma-separated (default 1,10,100)."), QStringLiteral("N,...")},
        {QStringLiteral("engines"), QStringLiteral("process: run each concurrency with this many engines on the store at once, "
                                                   "comma-separated (default 1; more than 1 needs a shared store, postgres://). The "
                                                   "queue's concurrency is their common limit."),
         QStringLiteral("N,...")},
        {QStringLiteral("no-global-limit"), QStringLiteral("process with --engines: lift the queue's limit; each engine runs --concurrency "
                                                           "deliveries of its own.")},
        {QStringLiteral("durability"), QStringLiteral("normal (default): WAL, synchronous=NORMAL — a commit survives a crash of the process; "
                                                      "a power loss may lose the last commits. full: synchronous=FULL — every commit "
                                                      "is flushed to the disk."),
         QStringLiteral("MODE")},
        {QStringLiteral("spread"), QStringLiteral("delayed: the messages fall due over this long (default 10s)."), QStringLiteral("DURATION")},
        {QStringLiteral("limit"), QStringLiteral("ratelimit: starts allowed per window (default 50)."), QStringLiteral("N")},
        {QStringLiteral("window"), QStringLiteral("ratelimit: the window (default 1s)."), QStringLiteral("DURATION")},
        // What each design choice buys: each flag turns one off, and the results name it.
        {QStringLiteral("chunk"), QStringLiteral("enqueue: messages per transaction (default 500)."), QStringLiteral("N")},
        {QStringLiteral("group-commit"), QStringLiteral("Outcomes wait up to this long to share a transaction (default: the runtime's)."),
         QStringLiteral("DURATION")},
        {QStringLiteral("claim-batch"), QStringLiteral("At most this many messages per claim (default: the runtime's)."), QStringLiteral("N")},
        {QStringLiteral("workers"), QStringLiteral("Delivery threads (default: the runtime's)."), QStringLiteral("N")},
        {QStringLiteral("commit-per-outcome"), QStringLiteral("One delivery outcome per transaction (no group commit).")},
        {QStringLiteral("no-statement-cache"), QStringLiteral("Prepare every statement each time it runs.")},
        {QStringLiteral("checkpoint-in-writer"), QStringLiteral("Let the writer checkpoint the WAL inside its commits (SQLite's default) "
                                                                "instead of a thread of its own.")},
    };
    if (auto stop = parse(QStringLiteral("bench <enqueue|process|delayed|ratelimit|all> [--messages N] [--concurrency N,...] "
                                         "[--durability normal|full] [--db PATH]"),
                          QStringLiteral("Measures the engine with a no-op channel and prints one JSON object per result (DESIGN §10):\n"
                                         "  enqueue    bulk enqueue: per_s\n"
                                         "  process    waiting to completed, per concurrency: per_s\n"
                                         "  delayed    messages due over --spread: lateness_ms_p50, _p99, _max (channel start - run_at)\n"
                                         "  ratelimit  a limited queue over several windows: limit, max_in_window (any window)\n"
                                         "Every result names its durability. The store is a new temporary file unless --db names one\n"
                                         "(each run adds queues of its own there). bench/compare.sh runs BullMQ beside it."),
                          options, QStringLiteral("scenario"), QStringLiteral("enqueue, process, delayed, ratelimit or all.")))
        return *stop;
    const QStringList positional = m_parser.positionalArguments();
    static const QStringList scenarios{QStringLiteral("enqueue"), QStringLiteral("process"), QStringLiteral("delayed"), QStringLiteral("ratelimit"),
                                       QStringLiteral("all")};
    if (positional.size() != 1 || !scenarios.contains(positional.constFirst()))
        return fail(QStringLiteral("name one scenario: enqueue, process, delayed, ratelimit or all"));

    BenchSettings s;
    if (auto v = intOptionInto(QStringLiteral("messages"), 1, 100'000'000, s.messages); !v)
        return fail(v.error());
    if (isSet(QStringLiteral("concurrency"))) {
        s.concurrency.clear();
        for (const QString &part : value(QStringLiteral("concurrency")).split(QLatin1Char(','))) {
            bool ok = false;
            const int c = part.toInt(&ok);
            if (!ok || c < 1 || c > 1000)
                return fail(QStringLiteral("--concurrency '%1': each value must be a whole number from 1 to 1000, e.g. 1,10,100")
                                .arg(value(QStringLiteral("concurrency"))));
            s.concurrency << c;
        }
    }
    if (isSet(QStringLiteral("engines"))) {
        s.engines.clear();
        for (const QString &part : value(QStringLiteral("engines")).split(QLatin1Char(','))) {
            bool ok = false;
            const int e = part.toInt(&ok);
            if (!ok || e < 1 || e > 32)
                return fail(QStringLiteral("--engines '%1': each value must be a whole number from 1 to 32, e.g. 1,2,4")
                                .arg(value(QStringLiteral("engines"))));
            s.engines << e;
        }
    }
    s.noGlobalLimit = isSet(QStringLiteral("no-global-limit"));
    if (isSet(QStringLiteral("durability"))) {
        const auto d = parseDurability(value(QStringLiteral("durability")));
        if (!d)
            return fail(QStringLiteral("--durability '%1' is unknown; use normal or full").arg(value(QStringLiteral("durability"))));
        s.durability = *d;
    }
    for (const auto &[flag, target] : {std::pair<QString, qint64 *>{QStringLiteral("spread"), &s.spreadMs},
                                       std::pair<QString, qint64 *>{QStringLiteral("window"), &s.windowMs}}) {
        if (!isSet(flag))
            continue;
        auto d = durationOption(flag);
        if (!d)
            return fail(d.error());
        if (*d <= 0)
            return fail(QStringLiteral("--%1 must be longer than 0").arg(flag));
        *target = *d;
    }
    if (auto v = intOptionInto(QStringLiteral("limit"), 1, 1'000'000, s.limit); !v)
        return fail(v.error());
    s.runtime.durability = s.durability;
    if (isSet(QStringLiteral("chunk"))) {
        if (auto v = intOptionInto(QStringLiteral("chunk"), 1, 1'000'000, s.chunk); !v)
            return fail(v.error());
        s.variant << QStringLiteral("chunk=%1").arg(s.chunk);
    }
    if (isSet(QStringLiteral("group-commit"))) {
        auto d = durationOption(QStringLiteral("group-commit"));
        if (!d || *d < 0)
            return fail(d ? Error::badInput(QStringLiteral("--group-commit must not be negative")) : d.error());
        s.runtime.groupCommitMs = *d;
        s.variant << QStringLiteral("group-commit=%1ms").arg(*d);
    }
    if (isSet(QStringLiteral("claim-batch"))) {
        if (auto v = intOptionInto(QStringLiteral("claim-batch"), 1, 100'000, s.runtime.maxClaimBatch); !v)
            return fail(v.error());
        s.variant << QStringLiteral("claim-batch=%1").arg(s.runtime.maxClaimBatch);
    }
    if (isSet(QStringLiteral("workers"))) {
        if (auto v = intOptionInto(QStringLiteral("workers"), 1, 64, s.runtime.workerThreads); !v)
            return fail(v.error());
        s.variant << QStringLiteral("workers=%1").arg(s.runtime.workerThreads);
    }
    if (isSet(QStringLiteral("commit-per-outcome"))) {
        s.runtime.maxOutcomesPerCommit = 1;
        s.variant << QStringLiteral("commit-per-outcome");
    }
    if (isSet(QStringLiteral("checkpoint-in-writer"))) {
        s.runtime.checkpointMs = 0;
        s.variant << QStringLiteral("checkpoint-in-writer");
    }
    if (isSet(QStringLiteral("no-statement-cache"))) {
        s.runtime.cacheStatements = false;
        s.variant << QStringLiteral("no-statement-cache");
    }

    QTemporaryDir dir;
    if (isSet(QStringLiteral("db"))) {
        auto url = StoreUrl::resolve(value(QStringLiteral("db")));
        if (!url)
            return fail(url.error());
        s.url = *url;
    } else {
        if (!dir.isValid())
            return fail(Error::runtime(QStringLiteral("cannot create a temporary folder for the benchmark store: %1; set TMPDIR or give --db")
                                           .arg(dir.errorString())));
        s.url = StoreUrl::sqlite(dir.filePath(QStringLiteral("bench.db")));
    }
    if (std::any_of(s.engines.cbegin(), s.engines.cend(), [](int e) { return e > 1; })) {
        auto backend = Backend::forUrl(s.url);
        if (!backend)
            return fail(backend.error());
        if (!(*backend)->capabilities().sharedStore())
            return fail(QStringLiteral("--engines above 1 needs a store many engines may share, e.g. --db postgres://user@host/db; "
                                       "store %1 has one engine at a time").arg(s.url.display()));
    }
    if (s.noGlobalLimit && s.engines == QList<int>{1} && !isSet(QStringLiteral("engines")))
        return fail(QStringLiteral("--no-global-limit goes with --engines N,..."));
    Bench bench(s, m_out);
    if (auto r = bench.run(positional.constFirst()); !r)
        return fail(r.error());
    return kOk;
}

} // namespace herald
