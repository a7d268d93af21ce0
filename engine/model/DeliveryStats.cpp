#include "DeliveryStats.h"

#include <algorithm>
#include <cmath>

namespace herald {

int latenessBucket(qint64 latenessMs)
{
    const auto it = std::lower_bound(kLatenessBoundsMs.cbegin(), kLatenessBoundsMs.cend(), std::max<qint64>(0, latenessMs));
    return int(it - kLatenessBoundsMs.cbegin());
}

std::optional<qint64> latenessPercentile(const LatenessHistogram &histogram, double q)
{
    qint64 total = 0;
    for (qint64 n : histogram)
        total += n;
    if (total <= 0)
        return std::nullopt;
    // The rank of the attempt sought (1-based), then its bucket.
    const double rank = std::max(1.0, std::ceil(std::clamp(q, 0.0, 1.0) * double(total)));
    qint64 seen = 0;
    for (int i = 0; i < kLatenessBuckets; ++i) {
        const qint64 n = histogram[size_t(i)];
        if (n <= 0 || double(seen + n) < rank) {
            seen += std::max<qint64>(0, n);
            continue;
        }
        const qint64 lower = i == 0 ? 0 : kLatenessBoundsMs[size_t(i - 1)];
        if (i == kLatenessBuckets - 1)
            return lower;
        const qint64 upper = kLatenessBoundsMs[size_t(i)];
        const double within = (rank - double(seen)) / double(n);
        return lower + qint64(std::llround(within * double(upper - lower)));
    }
    return kLatenessBoundsMs.back();
}

qint64 roundEstimate(qint64 ms)
{
    const qint64 unit = ms < 600'000 ? 1'000 : 60'000;
    return std::max(unit, (ms + unit / 2) / unit * unit);
}

qint64 deliveryBucketFor(qint64 rangeMs)
{
    constexpr qint64 kMinute = 60'000, kHour = 60 * kMinute, kDay = 24 * kHour;
    if (rangeMs <= 2 * kHour)
        return kMinute;
    if (rangeMs <= 8 * kHour)
        return 5 * kMinute;
    if (rangeMs <= 2 * kDay)
        return 15 * kMinute;
    if (rangeMs <= 8 * kDay)
        return kHour;
    if (rangeMs <= 32 * kDay)
        return 6 * kHour;
    return kDay;
}

} // namespace herald
