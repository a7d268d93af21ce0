#include "ZonedTime.h"

#include <QDateTime>

#include <optional>

namespace herald {

namespace {

constexpr qint64 kDayMs = 86'400'000;

int offsetAt(const QTimeZone &zone, qint64 ms)
{
    return zone.offsetFromUtc(QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()));
}

} // namespace

qint64 zonedInstant(QDate date, QTime time, const QTimeZone &zone)
{
    // From the zone's offsets rather than QDateTime(date, time, zone), so that what a skipped or a
    // repeated time means is the rule stated in the header, whatever the Qt version does.
    const qint64 naive = QDateTime(date, time, QTimeZone::utc()).toMSecsSinceEpoch();
    const int before = offsetAt(zone, naive - kDayMs);
    const int after = offsetAt(zone, naive + kDayMs);
    std::optional<qint64> best;
    for (int offset : {before, after}) {
        const qint64 candidate = naive - qint64(offset) * 1000;
        if (offsetAt(zone, candidate) == offset && (!best || candidate < *best))
            best = candidate;
    }
    if (best)
        return *best;
    // In the gap: the clock jumps from before the time to after it at the transition.
    const QTimeZone::OffsetData next =
        zone.nextTransition(QDateTime::fromMSecsSinceEpoch(naive - qint64(after) * 1000 - 1, QTimeZone::utc()));
    if (next.atUtc.isValid())
        return next.atUtc.toMSecsSinceEpoch();
    return naive - qint64(before) * 1000;
}

QString zonedIso(qint64 ms, const QTimeZone &zone)
{
    return QDateTime::fromMSecsSinceEpoch(ms, zone).toString(ms % 1000 == 0 ? Qt::ISODate : Qt::ISODateWithMs);
}

QDate zonedDate(qint64 ms, const QTimeZone &zone)
{
    return QDateTime::fromMSecsSinceEpoch(ms, zone).date();
}

QTime zonedTime(qint64 ms, const QTimeZone &zone)
{
    return QDateTime::fromMSecsSinceEpoch(ms, zone).time();
}

} // namespace herald
