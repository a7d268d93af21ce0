#pragma once

// Operator actions (DESIGN §4): preview, apply by ids (all or nothing) or by selection (in chunks, with
// progress and cancel), the audit row of each, and undo of the last one while its rows still exist.
// Internal to engine/store: created over a Store's StoreContext, used in its thread, holding nothing else.
#include "store/repo/Repository.h"

namespace herald {

class ActionRepository : public Repository
{
public:
    explicit ActionRepository(StoreContext &context) : Repository(context) {}

    Result<ActionPreview> previewAction(const MessageSelection &selection, const OperatorAction &action, int sampleSize);
    Result<ActionResult> apply(const MessageSelection &selection, const OperatorAction &action, const ActionProgress &progress);
    Result<ActionResult> undoLastAction(const QString &actor);
    Result<QList<AuditEntry>> auditForMessage(qint64 messageId);

private:
    struct ApplyTarget
    {
        qint64 id;
        MessageState state;
        qint64 runAt;
    };
    Status checkAction(const MessageSelection &selection, const OperatorAction &action) const;
    // Of targets read earlier, those still in the state (and for a reschedule at the run time) they were read in;
    // called inside the write transaction.
    Result<QList<ApplyTarget>> stillAsRead(const OperatorAction &action, const QList<ApplyTarget> &read);
    Status applyChunk(const OperatorAction &action, const QList<qint64> &ids, qsizetype offset, qsizetype total,
                      const QList<ApplyTarget> &part, qint64 t, ActionResult &result);
};

} // namespace herald
