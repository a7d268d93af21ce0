#include "MessageState.h"

#include <QStringList>

namespace herald {

QString stateName(MessageState s)
{
    switch (s) {
    case MessageState::Scheduled: return QStringLiteral("scheduled");
    case MessageState::Waiting: return QStringLiteral("waiting");
    case MessageState::Active: return QStringLiteral("active");
    case MessageState::Completed: return QStringLiteral("completed");
    case MessageState::Failed: return QStringLiteral("failed");
    case MessageState::Cancelled: return QStringLiteral("cancelled");
    }
    return QStringLiteral("unknown");
}

std::optional<MessageState> parseState(const QString &name)
{
    const QString n = name.trimmed().toLower();
    for (MessageState s : kAllStates)
        if (stateName(s) == n)
            return s;
    // Words operators bring from BullMQ and Sidekiq.
    if (n == QLatin1String("delayed"))
        return MessageState::Scheduled;
    if (n == QLatin1String("canceled"))
        return MessageState::Cancelled;
    return std::nullopt;
}

QString stateNames()
{
    QStringList names;
    for (MessageState s : kAllStates)
        names << stateName(s);
    return names.join(QStringLiteral(", "));
}

} // namespace herald
