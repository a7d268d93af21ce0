#pragma once

#include "EmailEvent.h"
#include "EmailRates.h"

#include <QList>

namespace herald {

// Everything the e-mail dashboard draws for one range, read from the rollup tables in one call
// (EmailStore::dashboard). Plain values: build it on the thread that owns the store and hand it to the
// GUI thread by value.
struct EmailRatePoint
{
    qint64 start = 0;  // the bucket's first millisecond, UTC
    EmailRates rates;  // over the trailing window that ends with this bucket (EmailDashboardRequest::rateWindowMs)
};

struct EmailDashboardRequest
{
    qint64 from = 0;                 // ms; rounded down to the bucket's start
    qint64 to = 0;                   // ms, exclusive
    qint64 periodMs = 86'400'000;    // 3,600,000 (per hour) or 86,400,000 (per UTC day)
    // The rate lines: each point is the rate over this long, ending with its bucket, so one quiet hour
    // does not spike the line. 0: each bucket alone. Amazon watches rates over a representative volume
    // rather than per hour; a day for hourly charts and 7 days for daily ones read well.
    qint64 rateWindowMs = 0;
    int bounceReasons = 10;          // top N reasons
    int domains = 50;                // top N recipient domains, by sends
};

struct EmailDashboardData
{
    EmailDashboardRequest request;
    QList<EmailBucket> series;         // one per bucket in [from, to), empty ones included, oldest first
    QList<EmailRatePoint> rateSeries;  // one per bucket of series
    EmailCounts totals;                // the sum of series
    EmailRates rates;                  // over totals
    QList<BounceReason> bounceReasons; // most frequent first (UTC days starting in the range)
    QList<DomainCounts> domains;       // most sends first (UTC days starting in the range)
};

} // namespace herald
