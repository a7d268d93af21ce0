#pragma once

#include <QList>
#include <QString>

#include <array>
#include <optional>

namespace herald {

// What happened to messages over time, from the delivery rollups (migration 0012): the delivery
// dashboard and `heraldctl delivery`.

// Lateness (an attempt's start after its due time) is counted in these buckets: bucket i holds the
// attempts late by at most kLatenessBoundsMs[i] (and more than the bound before); the last one, the rest.
inline constexpr std::array<qint64, 18> kLatenessBoundsMs{1,     2,     5,     10,     20,     50,     100,    200,     500,
                                                          1'000, 2'000, 5'000, 10'000, 30'000, 60'000, 300'000, 900'000, 3'600'000};
inline constexpr int kLatenessBuckets = int(kLatenessBoundsMs.size()) + 1;
using LatenessHistogram = std::array<qint64, kLatenessBuckets>;

// The bucket of an attempt late by latenessMs (negative counts as on time).
int latenessBucket(qint64 latenessMs);
// The lateness at or under which the fraction q (0–1) of the counted attempts started, interpolated in
// its bucket; none when nothing was counted. The last bucket has no upper bound: its lower bound is given.
std::optional<qint64> latenessPercentile(const LatenessHistogram &histogram, double q);

// An estimate as worth reading: whole seconds under ten minutes, whole minutes beyond.
qint64 roundEstimate(qint64 ms);

enum class OutcomeKind { Delivered, Failed, Retried, Cancelled };

struct DeliveryCounts
{
    qint64 delivered = 0;
    qint64 failed = 0;
    qint64 retried = 0;
    qint64 cancelled = 0;
    qint64 total() const { return delivered + failed + retried + cancelled; }
    DeliveryCounts &operator+=(const DeliveryCounts &o)
    {
        delivered += o.delivered;
        failed += o.failed;
        retried += o.retried;
        cancelled += o.cancelled;
        return *this;
    }
};

struct DeliveryQuery
{
    qint64 fromMs = 0; // the range [from, to)
    qint64 toMs = 0;
    qint64 bucketMs = 60'000;  // the chart's buckets: a multiple of a minute
    qint64 alignOffsetMs = 0;  // buckets start at multiples of bucketMs in this offset from UTC (local days)
    QString queue;             // empty: every queue
    QString channel;           // empty: every channel
    QString type;              // empty: every type
};

// The bucket size that gives a chart of a range about a hundred bars: 1 min for an hour, 5 min for six,
// 15 min for a day, 1 h for a week, 6 h for a month, 1 day beyond.
qint64 deliveryBucketFor(qint64 rangeMs);

struct DeliveryBucket
{
    qint64 startMs = 0;
    DeliveryCounts counts;
};

struct DeliveryGroup
{
    QString queue;
    QString channel;
    QString type;
    DeliveryCounts counts;
};

// A rollup row as stored, for demo data and benchmarks that stand for outcomes of the past (the engine
// writes its own in the transaction of each outcome).
struct DeliveryRollupRow
{
    qint64 bucketMs = 0; // the start of its minute (or hour)
    bool hour = false;   // an hour row, as older minute rows are folded into
    QString queue;
    QString channel;
    QString type;
    DeliveryCounts counts;
    LatenessHistogram lateness{};
};

struct DeliveryDashboardData
{
    DeliveryQuery query;
    QList<DeliveryBucket> buckets; // every bucket of the range, in order, empty ones included
    DeliveryCounts total;
    LatenessHistogram lateness{};
    std::optional<qint64> latenessP50Ms, latenessP95Ms, latenessP99Ms;
    QList<DeliveryGroup> groups; // per queue, channel and type: most failed first, then most delivered
    double deliveredPerMinuteNow = 0; // over the last five minutes, whatever the range
    qint64 backlog = 0;               // waiting and active now, with scheduled ones already due
    std::optional<qint64> backlogEtaMs; // at the current rate; none when nothing is delivered now
};

} // namespace herald
