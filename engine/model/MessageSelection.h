#pragma once

#include "Message.h"

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <atomic>
#include <functional>
#include <optional>

namespace herald {

// Which messages an operator action or a listing applies to: either explicit ids,
// or a filter (queue, states, labels: every label must match).
struct MessageSelection
{
    QList<qint64> ids;
    QString queue;
    QList<MessageState> states;
    Labels labels;
    QString search;      // text in the recipient, type or payload, or an exact id
    QStringList types;   // any of these types
    QStringList channels;
    int minPriority = 0; // 0: no bound
    int maxPriority = 0;
    std::optional<qint64> runAtFrom; // run_at >= from
    std::optional<qint64> runAtTo;   // run_at < to
    // A failure group (engine/failures): its id names it in the audit log and messages; lastErrors,
    // which failureGroupSelection() fills from the store, are the exact error texts it folds.
    QString failureGroup;
    QStringList lastErrors; // the message's last error is one of these

    bool isById() const { return !ids.isEmpty(); }
    bool hasFilter() const
    {
        return !queue.isEmpty() || !states.isEmpty() || !labels.isEmpty() || !search.isEmpty() || !types.isEmpty() || !channels.isEmpty() ||
               minPriority > 0 || maxPriority > 0 || runAtFrom || runAtTo || !failureGroup.isEmpty() || !lastErrors.isEmpty();
    }
    bool isEmpty() const { return !isById() && !hasFilter(); }
    // "queue event-messages, labels event=41 contractor=56": for the audit log and messages.
    QString describe() const;
};

// A page of a listing: keyset paging on id, never OFFSET.
enum class MessageSort { Id, RunAt, Priority, CreatedAt };

// A page of a listing: keyset paging on (sort key, id), never OFFSET. The first page has no key;
// each next page starts after the last row of the previous one (afterKey = its sort value, afterId = its id).
struct MessagePageRequest
{
    MessageSelection selection;
    MessageSort sort = MessageSort::Id;
    qint64 afterId = 0;  // 0: from the start (or the end, descending)
    qint64 afterKey = 0; // the sort value of the row afterId (not used when sorting by id)
    int limit = 100;
    bool descending = false;
};
qint64 sortKey(const Message &m, MessageSort sort);

enum class ActionKind { Cancel, Reschedule, Retry, Promote, SetPriority, Restore, EditPayload, Duplicate, Delete };
QString actionName(ActionKind kind);
// The states a message must be in for the action to apply to it; the others are skipped (selections)
// or refused (ids). The console disables what cannot apply with this.
QList<MessageState> allowedStates(ActionKind kind);

struct OperatorAction
{
    ActionKind kind = ActionKind::Cancel;
    std::optional<qint64> runAt;   // Reschedule: to this time (with spreadUntil: the window's start)
    std::optional<qint64> shiftMs; // Reschedule: by this offset
    int priority = 0;              // SetPriority
    QString actor;                 // who, for the audit log
    std::optional<qint64> spreadUntil; // Reschedule: spread evenly over [runAt, spreadUntil), in run_at order
    QByteArray payload;            // EditPayload: the new payload, a JSON object
};

// What an action on a selection would do, before it runs (DESIGN §8: preview, then run).
struct ActionPreview
{
    qint64 matching = 0;   // messages the selection holds
    qint64 applicable = 0; // of which the action applies to
    QMap<MessageState, qint64> skippedByState;
    QMap<QString, QMap<MessageState, qint64>> byQueueAndState; // the applicable ones
    QList<Message> sample; // the first applicable ones, by id
};

// Progress and cancel for a long action; callbacks run in the calling thread between chunks.
struct ActionProgress
{
    std::function<void(qint64 done, qint64 total)> report;
    const std::atomic_bool *cancel = nullptr;
};

struct ActionResult
{
    ActionKind kind = ActionKind::Cancel;
    qint64 affected = 0;
    QList<qint64> affectedIds;
    QMap<MessageState, qint64> skippedByState; // selections: rows left alone because of their state
    qint64 skippedIntoPast = 0;                // shifted reschedules that would land in the past
    // Compare-and-set: messages whose state (or, for a reschedule, run time) changed between the read of
    // the selection and the write — claimed, completed or retried by an engine, or changed by another
    // operator — are left as they are and counted here, never overwritten.
    qint64 changedMeanwhile = 0;
    QList<qint64> changedMeanwhileIds; // the first 1,000
    qint64 auditId = 0;
    bool cancelled = false;                    // stopped by ActionProgress::cancel; the chunks done stay done
    QList<qint64> createdIds;                  // Duplicate: the new messages
};

} // namespace herald
