#pragma once

// Event plans (DESIGN §11): their definitions.
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
};

} // namespace herald
