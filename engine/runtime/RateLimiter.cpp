#include "RateLimiter.h"

#include <climits>

namespace herald {

void RateLimiter::setLimit(const RateLimit &limit)
{
    m_limit = limit;
}

void RateLimiter::forget(qint64 nowMs)
{
    // A start at s counts against every window that contains it: [s, s + W).
    while (!m_starts.empty() && m_starts.front() + m_limit.windowMs <= nowMs)
        m_starts.pop_front();
}

int RateLimiter::available(qint64 nowMs)
{
    if (!m_limit.isLimited())
        return INT_MAX;
    forget(nowMs);
    return std::max(0, m_limit.maxStarts - int(m_starts.size()));
}

void RateLimiter::recordStarts(qint64 nowMs, int count)
{
    if (!m_limit.isLimited())
        return;
    for (int i = 0; i < count; ++i)
        m_starts.push_back(nowMs);
}

qint64 RateLimiter::nextAllowedAt(qint64 nowMs)
{
    if (available(nowMs) > 0)
        return nowMs;
    // The oldest start that keeps the window full leaves it at start + W.
    const size_t excess = m_starts.size() - size_t(m_limit.maxStarts);
    return m_starts[excess] + m_limit.windowMs;
}

} // namespace herald
