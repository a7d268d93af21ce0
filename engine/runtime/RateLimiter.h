#pragma once

#include "model/RateLimit.h"

#include <QtGlobal>

#include <deque>

namespace herald {

// "At most N starts in any window of W" for one queue, as a log of recent start times: a start is
// allowed only when fewer than N starts lie in the W before it, so no window of length W, wherever it
// is placed, ever holds more than N. Runtime thread only.
class RateLimiter
{
public:
    void setLimit(const RateLimit &limit);
    const RateLimit &limit() const { return m_limit; }

    // Starts allowed at nowMs (INT_MAX when unlimited).
    int available(qint64 nowMs);
    void recordStarts(qint64 nowMs, int count);
    // When the next start becomes allowed, if none is allowed now.
    qint64 nextAllowedAt(qint64 nowMs);

private:
    void forget(qint64 nowMs);

    RateLimit m_limit;
    std::deque<qint64> m_starts; // ascending
};

} // namespace herald
