#pragma once

#include <QList>
#include <QString>

#include <array>
#include <optional>

namespace herald {

// DESIGN §4. The numeric values are stored in the database: never renumber.
enum class MessageState : int {
    Scheduled = 0, // waiting for its time or its retry back-off
    Waiting = 1,   // due, ready to be claimed
    Active = 2,    // claimed by a worker, under a lease
    Completed = 3,
    Failed = 4,
    Cancelled = 5,
};

inline constexpr std::array<MessageState, 6> kAllStates{MessageState::Scheduled, MessageState::Waiting,
                                                        MessageState::Active,    MessageState::Completed,
                                                        MessageState::Failed,    MessageState::Cancelled};

QString stateName(MessageState s);
std::optional<MessageState> parseState(const QString &name);
// "scheduled, waiting, active, completed, failed, cancelled": for error messages.
QString stateNames();
inline bool isTerminal(MessageState s)
{
    return s == MessageState::Completed || s == MessageState::Failed || s == MessageState::Cancelled;
}

} // namespace herald
