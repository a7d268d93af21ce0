#pragma once

// Delivery channels, the local outbox and the suppression list.
// Internal to engine/store: created over a Store's StoreContext, used in its thread, holding nothing else.
#include "store/repo/Repository.h"

namespace herald {

class ChannelRepository : public Repository
{
public:
    explicit ChannelRepository(StoreContext &context) : Repository(context) {}

    Status addChannel(const ChannelConfig &c);
    Status updateChannel(const ChannelConfig &c);
    Status removeChannel(const QString &name);
    Result<ChannelConfig> channel(const QString &name);
    Result<QList<ChannelConfig>> channels();
    Status requireChannel(const QString &name);
    Result<QList<OutboxEntry>> outbox(qint64 afterId, int limit);
    Result<bool> isSuppressed(const QString &address);
    Status addSuppression(const QString &address, const QString &reason);
};

} // namespace herald
