#pragma once

// Event plans (DESIGN §11): their definitions, the events they were applied to, and the messages
// they derived.
// Internal to engine/store: created over a Store's StoreContext, used in its thread, holding nothing else.
#include "model/StoredPlan.h"
#include "store/repo/Repository.h"

namespace herald {

class PlanRepository : public Repository
{
public:
    explicit PlanRepository(StoreContext &context) : Repository(context) {}

    Result<bool> savePlan(const QString &name, const QByteArray &definition, const QString &actor);
    Result<QList<StoredPlan>> plans();
    Result<StoredPlan> plan(const QString &name);

    Result<std::optional<AppliedEvent>> appliedEvent(const QString &eventId);
    Result<QList<PlanMessageRecord>> planRecords(const QString &eventId);
    Result<PlanApplyResult> writePlanApply(const PlanApplyWrite &write);
    // Inside an undo's transaction: puts the plan's own records (the event, its people, the derived
    // messages' records) back as the apply of that audit entry found them.
    Status revertApply(qint64 auditId);
    Result<QList<PlanEventSummary>> planEvents();

private:
    // The messages among ids still pending (scheduled or waiting), locked until the commit where the
    // backend locks rows.
    Result<QSet<qint64>> lockPending(const QList<qint64> &ids);
    // The records' values before an apply changes them (existed = 0 for those it creates), for undo;
    // mayBeNew false: every identity has a record already (the messages it changes or cancels).
    Status journalRecords(qint64 auditId, const QStringList &identities, bool mayBeNew);
};

} // namespace herald
