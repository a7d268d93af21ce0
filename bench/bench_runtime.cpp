// The runtime end to end with a no-op channel (DESIGN §10): how long N due messages take to drain at
// concurrency 10, and how late delayed messages start. Usage: bench_runtime [--messages N] [--delayed N]
#include "runtime/Engine.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTextStream>
#include <QTimer>

#include <algorithm>

using namespace herald;

namespace {

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

RuntimeOptions options()
{
    RuntimeOptions o;
    o.channelFactory = [](const ChannelConfig &, const ChannelContext &) -> Result<std::unique_ptr<Channel>> {
        return std::unique_ptr<Channel>(std::make_unique<NoopChannel>());
    };
    return o;
}

QList<NewMessage> messages(int n, qint64 runAtFrom, qint64 spreadMs)
{
    QList<NewMessage> out;
    for (int i = 0; i < n; ++i) {
        NewMessage m;
        m.queue = QStringLiteral("bench");
        m.type = QStringLiteral("noop");
        m.runAt = spreadMs > 0 ? runAtFrom + (spreadMs * i) / n : 0;
        out << m;
    }
    return out;
}

double percentile(QList<qint64> v, double p)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0.0 : double(v[qsizetype(p * double(v.size() - 1))]);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("messages"), QStringLiteral("Due messages to drain (default 20000)."), QStringLiteral("N"), QStringLiteral("20000")});
    parser.addOption({QStringLiteral("delayed"), QStringLiteral("Delayed messages over 5 s (default 1000)."), QStringLiteral("N"), QStringLiteral("1000")});
    parser.process(app);
    QTextStream out(stdout);
    QTemporaryDir dir;
    const StoreUrl url = StoreUrl::sqlite(dir.filePath(QStringLiteral("bench.db")));
    {
        auto store = Store::open(url);
        QueueConfig q;
        q.name = QStringLiteral("bench");
        q.concurrency = 10;
        auto added = (*store)->addQueue(q);
        auto bulk = (*store)->enqueueBulk(messages(parser.value(QStringLiteral("messages")).toInt(), 0, 0));
        if (!added || !bulk) {
            out << added.errorString() << bulk.errorString() << '\n';
            return 1;
        }
    }

    // 1. Drain N due messages at concurrency 10.
    {
        Engine engine(url, options());
        QElapsedTimer t;
        int delivered = 0;
        QObject::connect(&engine, &Engine::delivered, &app, [&delivered](const DeliveryRecord &) { ++delivered; });
        QObject::connect(&engine, &Engine::finished, &app, [] { QCoreApplication::exit(0); });
        t.start();
        (void)engine.start(Engine::ExitWhen::Drained);
        QCoreApplication::exec();
        const double ms = double(t.nsecsElapsed()) / 1e6;
        out << QStringLiteral("drain            %1 messages at concurrency 10 in %2 ms: %3 messages/s (no-op channel, group commit)\n")
                   .arg(delivered)
                   .arg(ms, 0, 'f', 0)
                   .arg(double(delivered) / ms * 1000.0, 0, 'f', 0);
    }

    // 2. Lateness of delayed messages: run_at spread over the next 5 s, the engine already running.
    {
        Engine engine(url, options());
        QList<qint64> lateness;
        QObject::connect(&engine, &Engine::delivered, &app, [&lateness](const DeliveryRecord &r) { lateness << r.latenessMs; });
        QObject::connect(&engine, &Engine::finished, &app, [] { QCoreApplication::exit(0); });
        const int n = parser.value(QStringLiteral("delayed")).toInt();
        {
            auto store = Store::open(url);
            if (auto bulk = (*store)->enqueueBulk(messages(n, (*store)->now() + 500, 5000)); !bulk) {
                out << bulk.errorString() << '\n';
                return 1;
            }
        }
        (void)engine.start(Engine::ExitWhen::Drained);
        QCoreApplication::exec();
        out << QStringLiteral("lateness         %1 delayed messages over 5 s: p50 %2 ms, p99 %3 ms, max %4 ms (claim time - run_at)\n")
                   .arg(lateness.size())
                   .arg(percentile(lateness, 0.50), 0, 'f', 0)
                   .arg(percentile(lateness, 0.99), 0, 'f', 0)
                   .arg(percentile(lateness, 1.0), 0, 'f', 0);
    }
    return 0;
}
