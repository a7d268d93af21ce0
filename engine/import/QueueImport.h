#pragma once

#include "ImportPlan.h"
#include "model/Result.h"

#include <QMap>

#include <atomic>
#include <functional>

namespace herald {

class Store;

// Writes what an ImportSource read (issue 18), in the shape of the other long operations: the plan is
// the preview, run() goes in chunks (one transaction each) with progress and a cancel flag checked
// between them, and ends with an audit entry and a report. Every row carries its source identity, so a
// run that stopped (cancelled, the store went away) is resumed by running it again: what was written is
// counted as already imported, the rest goes in.
//
// Threading: run() in the thread that owns the Store.
class QueueImport
{
public:
    struct Options
    {
        int chunkSize = 500;
        bool skipInvalid = false;                  // import the readable rows of a plan with invalid ones
        const std::atomic_bool *cancel = nullptr;  // checked between chunks
        std::function<void(qint64 done, qint64 total)> progress; // after each chunk: rows written or found imported
        QString actor;                             // the audit entry's; empty: the OS user
    };
    struct Report
    {
        qint64 inserted = 0;
        qint64 alreadyImported = 0;             // rows whose identity the queue held: nothing changed
        QMap<MessageState, qint64> byState;     // inserted, by the state they were written in
        qint64 skipped = 0;
        qint64 invalid = 0;                     // left out with --skip-invalid
        bool cancelled = false;
        qint64 auditId = 0;
    };

    // Refuses a plan with invalid rows (unless skipInvalid), naming each row and grouping unknown statuses
    // with their counts: nothing is written then.
    static Status check(const ImportPlan &plan, bool skipInvalid);
    static Result<Report> run(Store &store, const ImportPlan &plan, const Options &options);
};

} // namespace herald
