#pragma once

#include "ImportPlan.h"
#include "model/Result.h"

#include <atomic>

namespace herald {

// Where the messages to import come from (issue 18): a legacy queue read whole and mapped, row by row,
// to messages with their history. A source knows its own format and mapping tables; QueueImport writes
// what it read. A new legacy queue is one more subclass. The MySQL incentive_notify_queue, for one:
// LegacyTable::open(mysql://…, "incentive_notify_queue") reads it as soon as the MySQL Backend exists
// (LegacyTable takes the driver, QMYSQL, and the connection set-up from Backend::forUrl), and its
// source adds only its required columns, its status and priority tables and its row mapping, as
// EventMessagesSource does; `heraldctl import incentive-notify-queue` then hands it to the same runImport.
//
// Threading: a source is used in one thread (a database source opens its connection there).
class ImportSource
{
public:
    // Where the messages go, and how a source may choose within it.
    struct Target
    {
        QString queue;
        QString channel; // empty: the source's own channel column where it has one, else the queue's default
    };

    virtual ~ImportSource() = default;
    // Reads every row and maps it. Rows that cannot be read are listed in ImportPlan::invalid, not errors:
    // the caller decides (refuse all, or --skip-invalid). An Error: the source itself cannot be read.
    virtual Result<ImportPlan> read(const std::atomic_bool *cancel = nullptr) = 0;
};

} // namespace herald
