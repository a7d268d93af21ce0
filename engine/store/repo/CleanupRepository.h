#pragma once

// Cleanup (issue 6): what a run would remove, the run itself in short transactions so delivery keeps
// going (archiving each chunk first where asked), the engine's cleanup schedule and the record of runs.
// Internal to engine/store: created over a Store's StoreContext, used in its thread, holding nothing else.
#include "store/repo/Repository.h"

namespace herald {

class CleanupRepository : public Repository
{
public:
    explicit CleanupRepository(StoreContext &context) : Repository(context) {}

    Result<CleanupCounts> previewCleanup(const RetentionPolicy &policy);
    Result<CleanupResult> runCleanup(const RetentionPolicy &policy, const CleanupOptions &options, const ActionProgress &progress);
    Result<CleanupScheduleSettings> cleanupSchedule();
    Status setCleanupSchedule(const CleanupScheduleSettings &settings);
    Result<qint64> beginCleanupRun(const QString &trigger);
    Status finishCleanupRun(qint64 runId, const CleanupResult &result, const QString &error);
    Result<QList<CleanupRun>> cleanupRuns(int limit, const QString &trigger);
    Result<qint64> finishSyntheticMessages(const QString &queueName, MessageState state, qint64 finishedAt, qint64 count);

private:
    struct CleanupTarget
    {
        qint64 queueId;
        QString queue;
        MessageState state;
        qint64 cutoff; // finished_at < cutoff
    };
    Result<QList<CleanupTarget>> cleanupTargets(const RetentionPolicy &policy);
};

} // namespace herald
