// The delivery dashboard (issue 17) over 90 days of outcomes: how long Store::deliveryDashboard takes
// for the last hour, 24 hours and 90 days. The rollups are those N outcomes leave — spread evenly over
// the days across queue/channel/type groups, a minute row per group and minute as the engine writes
// them — folded as the engine folds them (minute rows older than two days become hour rows), or, with
// --unfolded, every minute row left as written (a store no engine has folded).
// Usage: bench_delivery [--outcomes N] [--days D] [--groups G] [--rounds R] [--unfolded] [--dir DIR]
#include "store/Store.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>

using namespace herald;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("outcomes"), QStringLiteral("Outcomes over the range (default 10000000)."), QStringLiteral("N"),
                      QStringLiteral("10000000")});
    parser.addOption({QStringLiteral("days"), QStringLiteral("Days of history (default 90)."), QStringLiteral("D"), QStringLiteral("90")});
    parser.addOption({QStringLiteral("groups"), QStringLiteral("Queue/channel/type groups (default 6)."), QStringLiteral("G"), QStringLiteral("6")});
    parser.addOption({QStringLiteral("rounds"), QStringLiteral("Reads of each range (default 5)."), QStringLiteral("R"), QStringLiteral("5")});
    parser.addOption({QStringLiteral("unfolded"), QStringLiteral("Leave every minute row as written (no fold).")});
    parser.addOption({QStringLiteral("dir"), QStringLiteral("Folder for the database (default: a temporary one)."), QStringLiteral("DIR")});
    parser.process(app);
    const qint64 outcomes = parser.value(QStringLiteral("outcomes")).toLongLong();
    const int days = std::max(1, parser.value(QStringLiteral("days")).toInt());
    const int groups = std::max(1, parser.value(QStringLiteral("groups")).toInt());
    const int rounds = std::max(1, parser.value(QStringLiteral("rounds")).toInt());
    const bool unfolded = parser.isSet(QStringLiteral("unfolded"));
    QTextStream out(stdout);
    QTemporaryDir tmp;
    const QString dir = parser.isSet(QStringLiteral("dir")) ? parser.value(QStringLiteral("dir")) : tmp.path();
    const QString path = dir + QStringLiteral("/delivery.db");
    QFile::remove(path);
    auto opened = Store::open(StoreUrl::sqlite(path));
    if (!opened) {
        out << opened.errorString() << '\n';
        return 1;
    }
    Store &store = **opened;
    constexpr qint64 kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 end = now - now % kMinute;
    const qint64 start = end - days * kDay;
    const qint64 minutes = (end - start) / kMinute;
    const qint64 perRow = std::max<qint64>(1, outcomes / minutes / groups);
    for (int g = 0; g < std::min(groups, 3); ++g) {
        QueueConfig q;
        q.name = QStringLiteral("queue-%1").arg(g);
        (void)store.addQueue(q);
    }
    QElapsedTimer fill;
    fill.start();
    QList<DeliveryRollupRow> rows;
    qint64 written = 0;
    for (qint64 t = start; t < end; t += kMinute) {
        for (int g = 0; g < groups; ++g) {
            DeliveryRollupRow r;
            r.bucketMs = t;
            r.queue = QStringLiteral("queue-%1").arg(g % 3);
            r.channel = g % 2 ? QStringLiteral("sms") : QStringLiteral("webhook");
            r.type = QStringLiteral("type-%1").arg(g);
            r.counts.delivered = perRow - perRow / 50;
            r.counts.failed = perRow / 100;
            r.counts.retried = perRow / 100;
            r.lateness[0] = perRow * 7 / 10;
            r.lateness[3] = perRow - r.lateness[0];
            rows << r;
            written += perRow;
        }
        if (rows.size() >= 50'000 || t + kMinute >= end) {
            if (auto s = store.addDeliveryRollups(rows); !s) {
                out << s.errorString() << '\n';
                return 1;
            }
            rows.clear();
        }
    }
    qint64 folded = 0;
    if (!unfolded) {
        auto f = store.foldDeliveryRollups();
        if (!f) {
            out << f.errorString() << '\n';
            return 1;
        }
        folded = *f;
    }
    out << QStringLiteral("filled %1 outcomes as %2 minute rows in %3 s%4\n")
               .arg(written)
               .arg(minutes * groups)
               .arg(double(fill.elapsed()) / 1000.0, 0, 'f', 1)
               .arg(unfolded ? QStringLiteral(", left unfolded") : QStringLiteral(", %1 folded into hour rows").arg(folded));

    for (const auto &[label, range] : std::initializer_list<std::pair<QString, qint64>>{
             {QStringLiteral("last hour"), kHour}, {QStringLiteral("24 hours"), kDay}, {QStringLiteral("%1 days").arg(days), days * kDay}}) {
        DeliveryQuery q;
        q.toMs = end + kMinute;
        q.fromMs = q.toMs - range;
        q.bucketMs = deliveryBucketFor(range);
        QList<double> times;
        qint64 total = 0;
        for (int r = 0; r < rounds; ++r) {
            QElapsedTimer t;
            t.start();
            auto d = store.deliveryDashboard(q);
            times << double(t.nsecsElapsed()) / 1e6;
            if (!d) {
                out << d.errorString() << '\n';
                return 1;
            }
            total = d->total.total();
        }
        std::sort(times.begin(), times.end());
        out << QStringLiteral("delivery dashboard  %1 (%2 outcomes, buckets of %3 min): median %4 ms, best %5 ms (%6 rounds)\n")
                   .arg(label, -10)
                   .arg(total)
                   .arg(q.bucketMs / kMinute)
                   .arg(times.at(times.size() / 2), 0, 'f', 1)
                   .arg(times.constFirst(), 0, 'f', 1)
                   .arg(rounds);
    }
    return 0;
}
