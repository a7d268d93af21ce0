#pragma once

#include "PlanDiff.h"
#include "model/Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace herald {

class Store;

// Applies an event file with a stored plan (DESIGN §11): reads what earlier applies left for the event,
// derives what the plan implies now, reconciles the two, and — unless dryRun — writes the diff in one
// transaction (Store::writePlanApply). Runs in the thread that owns the store.
struct PlanApplyReport
{
    PlanDiff diff;
    bool dryRun = false;
    qint64 auditId = 0;
    QStringList changedMeanwhile; // pending when read, taken by an engine or an operator before the write
    qint64 basedOnAppliedAt = 0;  // the event's applied_at the diff was computed from (0: never applied)
};

//
// expectedAppliedAt: the basedOnAppliedAt of a preview (a dry run) the operator saw; when the event was
// applied or forgotten since, nothing is written and the error says to preview again (the console's
// Apply event file… runs what its preview showed, or nothing).
Result<PlanApplyReport> applyEventPlan(Store &store, const QString &planName, const QByteArray &eventJson, const QString &source, bool dryRun,
                                       const QString &actor = {}, std::optional<qint64> expectedAppliedAt = std::nullopt);

// Cancels every pending message derived for the event (scheduled or waiting), with the reason; sent ones
// and their records stay, so nothing is sent twice should the event be applied again. Audited and
// undoable like an apply; dryRun lists what it would cancel.
Result<PlanApplyReport> forgetEvent(Store &store, const QString &eventId, bool dryRun, const QString &actor = {},
                                    std::optional<qint64> expectedAppliedAt = std::nullopt);

} // namespace herald
