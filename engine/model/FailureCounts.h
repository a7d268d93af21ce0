#pragma once

#include <QString>

namespace herald {

// Failed messages counted by failure group and queue (Store::failedErrorCounts): what failure groups
// (engine/failures) are folded from. Failures recorded before the store kept their group (schema 10)
// come counted by exact error instead, with no group: engine/failures fingerprints them.
struct FailedErrorCount
{
    QString group; // the stored failure group; empty for an older failure, counted by its exact error
    QString error; // the exact error; for a group, that of its newest failure in the queue
    QString queue;
    qint64 count = 0;
    qint64 firstSeen = 0; // finished_at of the earliest
    qint64 lastSeen = 0;
    qint64 lastId = 0; // the newest such message, a sample
};

} // namespace herald
