#pragma once

#include "model/Result.h"

namespace herald {

class Store;

struct DemoSummary
{
    int queuesCreated = 0;
    qint64 inserted = 0;
    qint64 emailEvents = 0;
    bool alreadyFilled = false;
};

// Fills a store with the queues and messages of the source systems (DESIGN §1): event-messages,
// incentive-notify and send-event, spread over the past two days and the next two weeks, in every
// state, with attempts and errors. The messages go through the real lifecycle (enqueue, claim,
// complete, fail, cancel) on a simulated clock, and 90 days of e-mail reminders with their SES events
// (fillEmailDemoData). Idempotent: a second call adds nothing.
Result<DemoSummary> fillDemoData(Store &store);

} // namespace herald
