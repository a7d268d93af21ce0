// The e-mail dashboard over 90 days of 10,000,000 events (DESIGN §10: ≤ 200 ms). Fills a store with
// synthetic events and their rollups (EmailStore::insertSyntheticEvents), then times every read the
// dashboard makes for the whole range: the per-day and per-hour series of every counter, the totals
// and rates, the rate lines, the top bounce reasons and the recipient-domain table. Prints one JSON
// object: each figure is the median of --runs runs (wall clock, and *_cpu_ms the thread's CPU time), with
// the first run beside it.
//
// Usage: bench_email_charts [--events N] [--days N] [--db PATH] [--runs N]
//   --db reuses (or creates) a store, so that the events are written once for several runs.
#include "model/TimeText.h"
#include "store/EmailStore.h"
#include "store/Store.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <functional>

using namespace herald;

namespace {

constexpr qint64 kDayMs = 86'400'000;

struct Timing
{
    double first = 0;
    double median = 0;
    double medianCpu = 0; // this thread's CPU time: what the read costs, whatever else the machine runs
};

double threadCpuMs()
{
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) * 1e3 + double(t.tv_nsec) / 1e6;
}

// Runs read `runs` times; -1 when it fails (the error goes to stderr).
Timing timeIt(int runs, const std::function<Status()> &read)
{
    QList<double> ms, cpu;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer clock;
        const double cpuStart = threadCpuMs();
        clock.start();
        if (auto s = read(); !s) {
            std::fprintf(stderr, "bench_email_charts: %s\n", qPrintable(s.errorString()));
            return {-1, -1};
        }
        ms << double(clock.nsecsElapsed()) / 1e6;
        cpu << threadCpuMs() - cpuStart;
    }
    Timing t;
    t.first = ms.front();
    std::sort(ms.begin(), ms.end());
    std::sort(cpu.begin(), cpu.end());
    t.median = ms.at(ms.size() / 2);
    t.medianCpu = cpu.at(cpu.size() / 2);
    return t;
}

double rounded(double ms)
{
    return double(qRound64(ms * 100)) / 100;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Times the e-mail dashboard's reads over synthetic events."));
    parser.addHelpOption();
    parser.addOption({QStringLiteral("events"), QStringLiteral("E-mail events in the store (default 10000000)."), QStringLiteral("N"),
                      QStringLiteral("10000000")});
    parser.addOption({QStringLiteral("days"), QStringLiteral("Days the events span, ending today (default 90)."), QStringLiteral("N"),
                      QStringLiteral("90")});
    parser.addOption({QStringLiteral("db"), QStringLiteral("The store to use, filled if it has fewer events (default: a temporary one)."),
                      QStringLiteral("PATH")});
    parser.addOption({QStringLiteral("runs"), QStringLiteral("Runs of each read (default 20)."), QStringLiteral("N"), QStringLiteral("20")});
    parser.process(app);
    bool ok = false;
    const qint64 events = parser.value(QStringLiteral("events")).toLongLong(&ok);
    const qint64 days = parser.value(QStringLiteral("days")).toLongLong();
    const int runs = parser.value(QStringLiteral("runs")).toInt();
    if (!ok || events < 1 || days < 1 || days > 3650 || runs < 1) {
        std::fprintf(stderr, "bench_email_charts: --events, --days (1-3650) and --runs must be positive numbers\n");
        return 2;
    }
    QTemporaryDir dir;
    const QString path = parser.isSet(QStringLiteral("db")) ? parser.value(QStringLiteral("db")) : dir.filePath(QStringLiteral("email.db"));
    auto store = Store::open(StoreUrl::sqlite(path));
    if (!store) {
        std::fprintf(stderr, "bench_email_charts: %s\n", qPrintable(store.errorString()));
        return 1;
    }
    EmailStore email(**store);

    QJsonObject out;
    auto have = email.countEvents();
    if (!have) {
        std::fprintf(stderr, "bench_email_charts: %s\n", qPrintable(have.errorString()));
        return 1;
    }
    if (*have < events) {
        // Whole UTC days ending with today; a store filled on an earlier day keeps its own range.
        const qint64 to = currentTimeMs() / kDayMs * kDayMs + kDayMs;
        QElapsedTimer fill;
        fill.start();
        auto inserted = email.insertSyntheticEvents(events - *have, to - days * kDayMs, to);
        if (!inserted) {
            std::fprintf(stderr, "bench_email_charts: %s\n", qPrintable(inserted.errorString()));
            return 1;
        }
        out.insert(QStringLiteral("fill_s"), rounded(double(fill.elapsed()) / 1000));
    }
    auto range = email.eventTimeRange();
    if (!range || !*range) {
        std::fprintf(stderr, "bench_email_charts: no events to chart\n");
        return 1;
    }
    // The dashboard's range: the last `days` whole UTC days that hold events.
    const qint64 to = ((*range)->second + kDayMs - 1) / kDayMs * kDayMs;
    const qint64 from = to - days * kDayMs;

    EmailCounts totals;
    const Timing daySeries = timeIt(runs, [&]() -> Status {
        auto r = email.series(EmailStore::Granularity::Day, from, to);
        return r ? Status{} : Status(r.error());
    });
    const Timing hourSeries = timeIt(runs, [&]() -> Status {
        auto r = email.series(EmailStore::Granularity::Hour, from, to);
        return r ? Status{} : Status(r.error());
    });
    const Timing totalsAndRates = timeIt(runs, [&]() -> Status {
        auto r = email.totals(from, to);
        if (!r)
            return r.error();
        totals = *r;
        (void)EmailRates::from(*r);
        return {};
    });
    const Timing reasons = timeIt(runs, [&]() -> Status {
        auto r = email.bounceReasons(from, to, 10);
        return r ? Status{} : Status(r.error());
    });
    qsizetype domainRows = 0;
    const Timing domainTable = timeIt(runs, [&]() -> Status {
        auto r = email.domains(from, to, 50);
        if (r)
            domainRows = r->size();
        return r ? Status{} : Status(r.error());
    });
    EmailDashboardRequest perDay;
    perDay.from = from;
    perDay.to = to;
    perDay.periodMs = kDayMs;
    perDay.rateWindowMs = 7 * kDayMs;
    EmailDashboardData dashboard;
    const Timing dashboardDay = timeIt(runs, [&]() -> Status {
        auto r = email.dashboard(perDay);
        if (r)
            dashboard = *r;
        return r ? Status{} : Status(r.error());
    });
    EmailDashboardRequest perHour = perDay;
    perHour.periodMs = 3'600'000;
    perHour.rateWindowMs = kDayMs;
    qsizetype hourBuckets = 0;
    const Timing dashboardHour = timeIt(runs, [&]() -> Status {
        auto r = email.dashboard(perHour);
        if (r)
            hourBuckets = r->series.size();
        return r ? Status{} : Status(r.error());
    });
    for (const Timing &t : {daySeries, hourSeries, totalsAndRates, reasons, domainTable, dashboardDay, dashboardHour})
        if (t.median < 0)
            return 1;

    auto count = email.countEvents();
    out.insert(QStringLiteral("events"), count ? double(*count) : -1.0);
    out.insert(QStringLiteral("days"), double(days));
    out.insert(QStringLiteral("runs"), runs);
    out.insert(QStringLiteral("db_mb"), double(QFileInfo(path).size() / (1024 * 1024)));
    out.insert(QStringLiteral("sends_in_range"), double(totals.sends));
    out.insert(QStringLiteral("bounce_rate"), EmailRates::from(totals).bounceRate);
    out.insert(QStringLiteral("complaint_rate"), EmailRates::from(totals).complaintRate);
    out.insert(QStringLiteral("day_buckets"), double(dashboard.series.size()));
    out.insert(QStringLiteral("hour_buckets"), double(hourBuckets));
    out.insert(QStringLiteral("domains_shown"), double(domainRows));
    out.insert(QStringLiteral("bounce_reasons_shown"), double(dashboard.bounceReasons.size()));
    const auto put = [&](const char *name, const Timing &t) {
        out.insert(QLatin1String(name) + QLatin1String("_ms"), rounded(t.median));
        out.insert(QLatin1String(name) + QLatin1String("_first_ms"), rounded(t.first));
        out.insert(QLatin1String(name) + QLatin1String("_cpu_ms"), rounded(t.medianCpu));
    };
    put("series_per_day", daySeries);
    put("series_per_hour", hourSeries);
    put("totals_and_rates", totalsAndRates);
    put("top_bounce_reasons", reasons);
    put("domain_table", domainTable);
    put("dashboard_per_day", dashboardDay);
    put("dashboard_per_hour", dashboardHour);
    // Everything a 90-day dashboard reads when it draws both granularities' series separately.
    out.insert(QStringLiteral("total_ms"),
               rounded(daySeries.median + hourSeries.median + totalsAndRates.median + reasons.median + domainTable.median));
    out.insert(QStringLiteral("total_cpu_ms"), rounded(daySeries.medianCpu + hourSeries.medianCpu + totalsAndRates.medianCpu +
                                                       reasons.medianCpu + domainTable.medianCpu));
    std::printf("%s\n", QJsonDocument(out).toJson(QJsonDocument::Compact).constData());
    return 0;
}
