#pragma once

#include "MessageState.h"

#include <QByteArray>
#include <QMap>
#include <QString>

#include <optional>

namespace herald {

using Labels = QMap<QString, QString>;

inline constexpr int kHighestPriority = 1;
inline constexpr int kLowestPriority = 10;
inline constexpr int kDefaultPriority = 10;

// A stored message (DESIGN §3 `messages`). Times are milliseconds since the epoch, UTC.
struct Message
{
    qint64 id = 0;
    QString queue;
    QString type;
    QString channel;
    QString recipient;
    QByteArray payload = QByteArrayLiteral("{}"); // compact JSON object
    Labels labels;
    int priority = kDefaultPriority;
    MessageState state = MessageState::Scheduled;
    qint64 runAt = 0;
    qint64 createdAt = 0;
    qint64 updatedAt = 0;
    std::optional<qint64> startedAt;
    std::optional<qint64> finishedAt;
    int attempts = 0;
    int maxAttempts = 0;
    QString leaseOwner;
    std::optional<qint64> leaseUntil;
    int stalls = 0;
    QString dedupeKey;
    QString providerMessageId;
    QString lastError;
};

// What a caller asks to enqueue. Empty channel and maxAttempts 0 take the queue's defaults.
struct NewMessage
{
    QString queue;
    QString type;
    QString channel;
    QString recipient;
    QByteArray payload = QByteArrayLiteral("{}");
    Labels labels;
    int priority = kDefaultPriority;
    qint64 runAt = 0; // 0: now
    int maxAttempts = 0;
    QString dedupeKey;
};

// One delivery attempt (DESIGN §3 `attempts`).
struct Attempt
{
    int number = 0;
    qint64 startedAt = 0;
    std::optional<qint64> finishedAt;
    QString outcome; // "", "success", "retry", "failed", "stalled", "cancelled"
    QString error;
    int responseCode = 0;
    QString worker;
};

} // namespace herald
