#pragma once

#include <QString>

namespace herald {

// Failed messages counted by their exact last error and queue (Store::failedErrorCounts): what
// failure groups (engine/failures) are folded from.
struct FailedErrorCount
{
    QString error;
    QString queue;
    qint64 count = 0;
    qint64 firstSeen = 0; // finished_at of the earliest
    qint64 lastSeen = 0;
    qint64 lastId = 0; // the newest such message, a sample
};

} // namespace herald
