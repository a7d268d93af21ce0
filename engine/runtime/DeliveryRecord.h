#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>

namespace herald {

// One finished delivery attempt, for logs and the console.
struct DeliveryRecord
{
    qint64 messageId = 0;
    QString queue;
    QString channel;
    QString outcome; // completed, retry, failed, suppressed, lost (the message stopped being ours), handed back
    int attempt = 0;
    qint64 latenessMs = 0; // claim time - run_at
    qint64 durationMs = 0; // delivery start to outcome
    QString error;
    int responseCode = 0;
    QString idempotencyKey;
};

// The runtime's state as the console shows it.
struct EngineStatus
{
    int inFlight = 0;
    bool paused = false;
    QStringList rateLimitedQueues; // queues waiting for their rate limit's next start
    QStringList pausedChannels;    // channels paused by a peer's 429
};

} // namespace herald

Q_DECLARE_METATYPE(herald::DeliveryRecord)
Q_DECLARE_METATYPE(herald::EngineStatus)
