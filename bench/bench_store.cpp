// The SQLite store on its own, with no runtime: how fast bulk enqueue, claim/complete and keyset
// pages are on this machine. Usage: bench_store [--messages N] [--dir DIR]
#include "store/Store.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>

using namespace herald;

namespace {

QList<NewMessage> makeMessages(int n)
{
    QList<NewMessage> out;
    out.reserve(n);
    for (int i = 0; i < n; ++i) {
        NewMessage m;
        m.queue = QStringLiteral("bench");
        m.type = QStringLiteral("checkin_reminder");
        m.recipient = QStringLiteral("+1415555%1").arg(i % 10000, 4, 10, QLatin1Char('0'));
        m.priority = 1 + i % 10;
        m.labels = {{QStringLiteral("event"), QString::number(40 + i % 8)}, {QStringLiteral("contractor"), QString::number(i % 500)}};
        m.payload = QByteArrayLiteral("{\"contractor\":{\"first_name\":\"Ana\"},\"event\":{\"name\":\"Summit\"}}");
        out << m;
    }
    return out;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("messages"), QStringLiteral("Messages to enqueue (default 100000)."), QStringLiteral("N"), QStringLiteral("100000")});
    parser.addOption({QStringLiteral("dir"), QStringLiteral("Folder for the database (default: a temporary one)."), QStringLiteral("DIR")});
    parser.process(app);
    const int n = parser.value(QStringLiteral("messages")).toInt();
    QTextStream out(stdout);
    QTemporaryDir tmp;
    const QString dir = parser.isSet(QStringLiteral("dir")) ? parser.value(QStringLiteral("dir")) : tmp.path();
    const QString path = dir + QStringLiteral("/bench.db");
    QFile::remove(path);

    auto opened = Store::open(StoreUrl::sqlite(path));
    if (!opened) {
        out << opened.errorString() << '\n';
        return 1;
    }
    Store &store = **opened;
    QueueConfig q;
    q.name = QStringLiteral("bench");
    (void)store.addQueue(q);
    const QList<NewMessage> messages = makeMessages(n);

    QElapsedTimer t;
    t.start();
    auto bulk = store.enqueueBulk(messages);
    const double enqueueMs = double(t.nsecsElapsed()) / 1e6;
    if (!bulk) {
        out << bulk.errorString() << '\n';
        return 1;
    }
    out << QStringLiteral("bulk enqueue     %1 messages in %2 ms: %3 messages/s (chunks of 500, 2 labels each)\n")
               .arg(n)
               .arg(enqueueMs, 0, 'f', 1)
               .arg(double(n) / enqueueMs * 1000.0, 0, 'f', 0);

    MessagePageRequest page;
    page.selection.queue = QStringLiteral("bench");
    page.limit = 200;
    page.descending = true;
    QList<double> pageMs;
    qint64 after = 0;
    for (int i = 0; i < 50; ++i) {
        page.afterId = after;
        t.restart();
        auto rows = store.listMessages(page);
        pageMs << double(t.nsecsElapsed()) / 1e6;
        if (!rows || rows->isEmpty())
            break;
        after = rows->back().id;
    }
    std::sort(pageMs.begin(), pageMs.end());
    out << QStringLiteral("keyset page      200 rows, newest first: median %1 ms, worst %2 ms over %3 pages\n")
               .arg(pageMs[pageMs.size() / 2], 0, 'f', 2)
               .arg(pageMs.back(), 0, 'f', 2)
               .arg(pageMs.size());

    t.restart();
    qint64 done = 0;
    const int batch = 10;
    const int rounds = std::min(n / batch, 2000);
    for (int i = 0; i < rounds; ++i) {
        auto claimed = store.claim(QStringLiteral("bench"), batch, QStringLiteral("bench"), 30'000);
        if (!claimed)
            return 1;
        for (const Message &m : *claimed)
            if (store.complete(m.id, QStringLiteral("bench")).value())
                ++done;
    }
    const double lifecycleMs = double(t.nsecsElapsed()) / 1e6;
    out << QStringLiteral("claim+complete   %1 messages in %2 ms: %3 messages/s (claims of %4, one transaction per "
                          "completion: no group commit yet)\n")
               .arg(done)
               .arg(lifecycleMs, 0, 'f', 1)
               .arg(double(done) / lifecycleMs * 1000.0, 0, 'f', 0)
               .arg(batch);
    return 0;
}
