#pragma once

#include "RateLimit.h"
#include "Result.h"
#include "RetryPolicy.h"

#include <QString>

#include <optional>

namespace herald {

// A queue's settings (DESIGN §3 `queues`). Retention: how long terminal messages are kept;
// std::nullopt keeps them for ever.
struct QueueConfig
{
    QString name;
    int concurrency = 10;
    RateLimit rate;
    int maxAttempts = 3;
    RetryPolicy retry;
    bool paused = false;
    std::optional<qint64> retainCompletedMs = 30LL * 86'400'000;
    // The source systems' defaults: sent kept 30 days, failed 7.
    std::optional<qint64> retainFailedMs = 7LL * 86'400'000;
    std::optional<qint64> retainCancelledMs = 7LL * 86'400'000;
    QString defaultChannel = QStringLiteral("outbox");

    // Checks every field; the message names the field and the fix.
    Status validate() const;
    static Status validateName(const QString &name);

    bool operator==(const QueueConfig &) const = default;
};

// The built-in channel names: "outbox", and the kinds, which a message may name without any channel
// configured (it is then captured in the outbox). Other names must be configured channels.
bool isChannelKindName(const QString &channel);
QString knownChannels();
Status validateChannelName(const QString &name);

} // namespace herald
