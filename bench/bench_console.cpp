// The console's message table over millions of messages (DESIGN §10: first page ≤ 300 ms, any page
// ≤ 50 ms, ≤ 250 MB resident over 10,000,000). Prints one JSON object.
//
// Usage: bench_console [--messages N] [--db PATH] [--pages N]
//   --db reuses (or creates) a store, so that the 10,000,000 rows are written once for several runs.
#include "messages/MessageTableModel.h"

#include "model/TimeText.h"
#include "store/Store.h"
#include "store/StoreThread.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

#include <algorithm>
#include <cstdio>

using namespace herald;

namespace {

qint64 residentKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    return -1;
}

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values.at(std::min<qsizetype>(values.size() - 1, qsizetype(p * double(values.size()))));
}

// Asks for a row and waits until its page is in; milliseconds.
double timeRow(MessageTableModel &model, int row)
{
    // A signal spy's wait returns as the page arrives (QTest::qWaitFor polls every 10 ms).
    QSignalSpy loaded(&model, &MessageTableModel::pageLoaded);
    QElapsedTimer clock;
    clock.start();
    model.index(row, 0).data();
    while (!model.isRowLoaded(row))
        if (!loaded.wait(120'000))
            return -1;
    return double(clock.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char *argv[])
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("messages"), QStringLiteral("Messages in the queue (default 10000000)."), QStringLiteral("N"),
                      QStringLiteral("10000000")});
    parser.addOption({QStringLiteral("db"), QStringLiteral("The store to use, filled if its queue is short (default: a temporary one)."),
                      QStringLiteral("PATH")});
    parser.addOption({QStringLiteral("pages"), QStringLiteral("Random pages to read (default 200)."), QStringLiteral("N"), QStringLiteral("200")});
    parser.process(app);
    const qint64 n = parser.value(QStringLiteral("messages")).toLongLong();
    const int pages = parser.value(QStringLiteral("pages")).toInt();
    QTemporaryDir tmp;
    const QString path = parser.isSet(QStringLiteral("db")) ? parser.value(QStringLiteral("db")) : tmp.filePath(QStringLiteral("console.db"));
    const StoreUrl url = StoreUrl::sqlite(path);

    QJsonObject result{{QStringLiteral("scenario"), QStringLiteral("console")}, {QStringLiteral("messages"), n}};
    {
        auto store = Store::open(url);
        if (!store) {
            std::fprintf(stderr, "bench_console: %s\n", qPrintable(store.errorString()));
            return 1;
        }
        QueueConfig queue;
        queue.name = QStringLiteral("bench");
        if (!(*store)->queue(queue.name))
            (void)(*store)->addQueue(queue);
        MessageSelection all;
        all.queue = queue.name;
        const qint64 have = (*store)->countMessages(all).value();
        if (have < n) {
            QElapsedTimer fill;
            fill.start();
            auto inserted = (*store)->insertSyntheticMessages(queue.name, n - have, currentTimeMs() + 86'400'000, 10);
            if (!inserted) {
                std::fprintf(stderr, "bench_console: %s\n", qPrintable(inserted.errorString()));
                return 1;
            }
            result.insert(QStringLiteral("fill_s"), double(fill.elapsed()) / 1000);
        }
    }
    const qint64 rssBefore = residentKiB();

    MessageTableModel model;
    StoreThread storeThread(url);
    model.setStoreThread(&storeThread);
    QSignalSpy loaded(&model, &MessageTableModel::pageLoaded);
    QElapsedTimer clock;
    clock.start();
    model.setQueue(QStringLiteral("bench"));
    if (!loaded.wait(120'000))
        return 1;
    result.insert(QStringLiteral("first_page_ms"), double(clock.nsecsElapsed()) / 1e6);
    QSignalSpy counted(&model, &MessageTableModel::matchCountChanged);
    while (model.rowCount() < n)
        if (!counted.wait(300'000))
            return 1;
    result.insert(QStringLiteral("count_ms"), double(clock.nsecsElapsed()) / 1e6);
    result.insert(QStringLiteral("rows"), model.rowCount());

    // A jump to the end at once, before the background scan has found the page anchors there: it reads
    // the keys up to there. Then the scan finishes, and any page is one short query.
    result.insert(QStringLiteral("jump_to_last_page_at_open_ms"), timeRow(model, model.rowCount() - 1));
    const int lastPage = (model.rowCount() - 1) / MessageTableModel::kPageSize;
    QSignalSpy pagesSpy(&model, &MessageTableModel::pageLoaded);
    while (model.anchorCount() < lastPage)
        if (!QTest::qWaitFor([&] { return model.anchorCount() >= lastPage; }, 300'000))
            return 1;
    result.insert(QStringLiteral("all_anchors_after_open_ms"), double(clock.nsecsElapsed()) / 1e6);
    QList<double> times;
    auto *random = QRandomGenerator::global();
    for (int i = 0; i < pages; ++i)
        times << timeRow(model, int(random->bounded(model.rowCount())));
    result.insert(QStringLiteral("random_page_ms_p50"), percentile(times, 0.5));
    result.insert(QStringLiteral("random_page_ms_p99"), percentile(times, 0.99));
    result.insert(QStringLiteral("random_page_ms_max"), percentile(times, 1.0));
    result.insert(QStringLiteral("pages_cached"), model.cachedPageCount());
    result.insert(QStringLiteral("anchors"), model.anchorCount());
    result.insert(QStringLiteral("rss_mb_before_model"), double(rssBefore) / 1024);
    result.insert(QStringLiteral("rss_mb"), double(residentKiB()) / 1024);
    QTextStream(stdout) << QJsonDocument(result).toJson(QJsonDocument::Compact) << '\n';
    return 0;
}
