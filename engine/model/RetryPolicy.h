#pragma once

#include "Result.h"

#include <QString>

namespace herald {

// How long a retryable failure waits before its next attempt.
// Text form: "exponential:5s", "fixed:30s", with optional ":cap=10m" and ":jitter=20%".
struct RetryPolicy
{
    enum class Kind { Exponential, Fixed };

    Kind kind = Kind::Exponential;
    qint64 baseMs = 5'000;
    qint64 capMs = 0;      // 0: no cap
    double jitter = 0.0;   // 0..1: the delay varies by ± this fraction

    static Result<RetryPolicy> parse(const QString &text);
    QString toString() const;

    // Delay after the given failed attempt (1 = the first). random01 in [0, 1) drives the jitter,
    // so callers and tests decide where randomness comes from.
    qint64 delayAfterAttempt(int attempt, double random01 = 0.5) const;

    bool operator==(const RetryPolicy &) const = default;
};

} // namespace herald
