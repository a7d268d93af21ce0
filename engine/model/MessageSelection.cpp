#include "MessageSelection.h"

#include "TimeText.h"

#include <QStringList>

namespace herald {

QString MessageSelection::describe() const
{
    QStringList parts;
    if (isById()) {
        QStringList idText;
        for (qsizetype i = 0; i < ids.size() && i < 20; ++i)
            idText << QString::number(ids[i]);
        if (ids.size() > 20)
            idText << QStringLiteral("… (%1 ids)").arg(ids.size());
        parts << QStringLiteral("ids ") + idText.join(QLatin1Char(' '));
    }
    if (!queue.isEmpty())
        parts << QStringLiteral("queue ") + queue;
    if (!states.isEmpty()) {
        QStringList s;
        for (MessageState st : states)
            s << stateName(st);
        parts << QStringLiteral("state ") + s.join(QLatin1Char(','));
    }
    if (!labels.isEmpty()) {
        QStringList l;
        for (auto it = labels.cbegin(); it != labels.cend(); ++it)
            l << it.key() + QLatin1Char('=') + it.value();
        parts << QStringLiteral("labels ") + l.join(QLatin1Char(' '));
    }
    if (!search.isEmpty())
        parts << QStringLiteral("search \"%1\"").arg(search);
    if (!types.isEmpty())
        parts << QStringLiteral("type ") + types.join(QLatin1Char(','));
    if (!channels.isEmpty())
        parts << QStringLiteral("channel ") + channels.join(QLatin1Char(','));
    if (minPriority > 0 || maxPriority > 0)
        parts << QStringLiteral("priority %1-%2").arg(minPriority > 0 ? minPriority : kHighestPriority).arg(maxPriority > 0 ? maxPriority : kLowestPriority);
    if (runAtFrom)
        parts << QStringLiteral("run at from ") + formatTimestamp(*runAtFrom);
    if (runAtTo)
        parts << QStringLiteral("run at before ") + formatTimestamp(*runAtTo);
    if (!failureGroup.isEmpty())
        parts << QStringLiteral("failure group ") + failureGroup;
    else if (!lastErrors.isEmpty())
        parts << QStringLiteral("last error one of %1 texts").arg(lastErrors.size());
    return parts.isEmpty() ? QStringLiteral("all messages") : parts.join(QStringLiteral(", "));
}

qint64 sortKey(const Message &m, MessageSort sort)
{
    switch (sort) {
    case MessageSort::Id: return m.id;
    case MessageSort::RunAt: return m.runAt;
    case MessageSort::Priority: return m.priority;
    case MessageSort::CreatedAt: return m.createdAt;
    }
    return m.id;
}

QList<MessageState> allowedStates(ActionKind kind)
{
    switch (kind) {
    case ActionKind::Cancel: return {MessageState::Scheduled, MessageState::Waiting, MessageState::Active};
    case ActionKind::Reschedule: return {MessageState::Scheduled, MessageState::Waiting};
    case ActionKind::Retry: return {MessageState::Failed};
    case ActionKind::Promote: return {MessageState::Scheduled};
    case ActionKind::SetPriority: return {MessageState::Scheduled, MessageState::Waiting};
    case ActionKind::Restore: return {MessageState::Cancelled};
    case ActionKind::EditPayload: return {MessageState::Scheduled, MessageState::Waiting, MessageState::Failed};
    case ActionKind::Duplicate: return {kAllStates.begin(), kAllStates.end()};
    case ActionKind::Delete: return {MessageState::Completed, MessageState::Failed, MessageState::Cancelled};
    }
    return {};
}

QString actionName(ActionKind kind)
{
    switch (kind) {
    case ActionKind::Cancel: return QStringLiteral("cancel");
    case ActionKind::Reschedule: return QStringLiteral("reschedule");
    case ActionKind::Retry: return QStringLiteral("retry");
    case ActionKind::Promote: return QStringLiteral("promote");
    case ActionKind::SetPriority: return QStringLiteral("priority");
    case ActionKind::Restore: return QStringLiteral("restore");
    case ActionKind::EditPayload: return QStringLiteral("edit");
    case ActionKind::Duplicate: return QStringLiteral("duplicate");
    case ActionKind::Delete: return QStringLiteral("delete");
    }
    return {};
}

} // namespace herald
