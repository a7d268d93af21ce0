#pragma once

// Internal to engine/store: what every repository shares. A repository works through the StoreContext
// of one Store (its connection, backend, prepared statements, clock and write gate) and holds nothing
// else, so it is created for one call and used in the Store's thread. Its SQL is portable, as named
// constants at the top of its .cpp, with the dialect's differences taken from the Backend's fragments.
#include "store/Store.h"
#include "store/StoreContext.h"

namespace herald {

class Repository
{
public:
    using Statement = StoreContext::Statement;
    using WriteTransaction = StoreContext::WriteTransaction;
    using EnqueueOutcome = Store::EnqueueOutcome;
    using BulkOutcome = Store::BulkOutcome;
    using PageAnchor = Store::PageAnchor;
    using Failure = Store::Failure;
    using Completion = Store::Completion;
    using FailureReport = Store::FailureReport;
    using ClaimRequest = Store::ClaimRequest;
    using WriteBatch = Store::WriteBatch;
    using BatchResult = Store::BatchResult;
    using Backlog = Store::Backlog;
    using EngineInfo = Store::EngineInfo;
    static constexpr int kMaxStalls = Store::kMaxStalls;
    static constexpr int kMaxUncountedHandBacks = Store::kMaxUncountedHandBacks;
    static constexpr int kCleanupChunk = Store::kCleanupChunk;

protected:
    explicit Repository(StoreContext &context) : m_ctx(context) {}

    StoreContext &m_ctx;
};

} // namespace herald
