#pragma once

#include "Result.h"

#include <QString>

namespace herald {

// "At most maxStarts delivery starts in any window of windowMs", written "20/1m".
// maxStarts == 0 means no limit ("none").
struct RateLimit
{
    int maxStarts = 0;
    qint64 windowMs = 0;

    bool isLimited() const { return maxStarts > 0; }
    static Result<RateLimit> parse(const QString &text);
    QString toString() const;

    bool operator==(const RateLimit &) const = default;
};

} // namespace herald
