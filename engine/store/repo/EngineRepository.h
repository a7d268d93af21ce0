#pragma once

// Engines on a shared store (DESIGN §3.2): registration and heartbeats, and the leases that elect a leader.
// Internal to engine/store: created over a Store's StoreContext, used in its thread, holding nothing else.
#include "store/repo/Repository.h"

namespace herald {

class EngineRepository : public Repository
{
public:
    explicit EngineRepository(StoreContext &context) : Repository(context) {}

    Status heartbeat(const EngineInfo &engine);
    Status unregisterEngine(const QString &id);
    Result<QList<EngineInfo>> liveEngines(qint64 withinMs);
    Result<QList<EngineInfo>> engines();
    Result<bool> tryLead(const QString &name, const QString &holder, qint64 leaseMs);
};

} // namespace herald
