#pragma once

#include "Message.h"

#include <QList>
#include <QMap>
#include <QString>

namespace herald {

// Which messages an operator action or a listing applies to: either explicit ids,
// or a filter (queue, states, labels: every label must match).
struct MessageSelection
{
    QList<qint64> ids;
    QString queue;
    QList<MessageState> states;
    Labels labels;

    bool isById() const { return !ids.isEmpty(); }
    bool hasFilter() const { return !queue.isEmpty() || !states.isEmpty() || !labels.isEmpty(); }
    bool isEmpty() const { return !isById() && !hasFilter(); }
    // "queue event-messages, labels event=41 contractor=56": for the audit log and messages.
    QString describe() const;
};

// A page of a listing: keyset paging on id, never OFFSET.
struct MessagePageRequest
{
    MessageSelection selection;
    qint64 afterId = 0; // ascending: ids > afterId; descending: ids < afterId (0: from the end)
    int limit = 100;
    bool descending = false;
};

enum class ActionKind { Cancel, Reschedule, Retry, Promote, SetPriority, Restore };
QString actionName(ActionKind kind);

struct OperatorAction
{
    ActionKind kind = ActionKind::Cancel;
    std::optional<qint64> runAt;   // Reschedule: to this time
    std::optional<qint64> shiftMs; // Reschedule: by this offset
    int priority = 0;              // SetPriority
    QString actor;                 // who, for the audit log
};

struct ActionResult
{
    ActionKind kind = ActionKind::Cancel;
    qint64 affected = 0;
    QList<qint64> affectedIds;
    QMap<MessageState, qint64> skippedByState; // selections: rows left alone because of their state
    qint64 skippedIntoPast = 0;                // shifted reschedules that would land in the past
    qint64 auditId = 0;
};

} // namespace herald
