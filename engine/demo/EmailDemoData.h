#pragma once

#include "model/Result.h"

namespace herald {

class Store;

struct EmailDemoSummary
{
    qint64 messages = 0;
    qint64 events = 0; // email_events rows
};

// 90 days of e-mail through the real paths: e-mail reminders in the event-messages queue, enqueued,
// claimed and completed on a simulated clock with SES-style provider ids, and the SES events about
// them (sends, deliveries, some delays, opens and clicks, a few hard and soft bounces and
// complaints, and one bad week whose bounce rate crosses Amazon's 5 % review level) recorded through
// EmailIntake and EmailStore, so rollups, links and suppressions are the real ones. Only into a
// fresh event-messages queue; a second call adds nothing.
Result<EmailDemoSummary> fillEmailDemoData(Store &store, qint64 now);

} // namespace herald
