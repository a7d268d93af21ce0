#include "MessageSelection.h"

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
    return parts.isEmpty() ? QStringLiteral("all messages") : parts.join(QStringLiteral(", "));
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
    }
    return {};
}

} // namespace herald
