#pragma once

#include "channels/Channel.h"

#include <QHash>
#include <QObject>

#include <functional>
#include <memory>
#include <unordered_map>
#include <vector>

class QNetworkAccessManager;

namespace herald {

using ChannelFactory = std::function<Result<std::unique_ptr<Channel>>(const ChannelConfig &, const ChannelContext &)>;

// Delivers messages on one thread of its own (moved there by the runtime). Owns that thread's
// QNetworkAccessManager and one channel instance per channel configuration. All members are used in
// the worker thread only.
class Worker : public QObject
{
    Q_OBJECT

public:
    using Report = std::function<void(qint64 messageId, DeliveryOutcome outcome)>;

    Worker(ChannelFactory factory, ChannelContext context, Report report);
    ~Worker() override;

    // Worker thread. report is called in the worker thread when the delivery ends (never after abort()).
    void deliver(const Delivery &delivery, const ChannelConfig &config);
    void abort(qint64 messageId);
    // Drops every channel (e.g. before the thread ends, so sockets close in their thread).
    void shutdown();

private:
    Channel *channelFor(const ChannelConfig &config, QString *error);

    ChannelFactory m_factory;
    ChannelContext m_context;
    Report m_report;
    std::unique_ptr<QNetworkAccessManager> m_network;
    struct Instance
    {
        ChannelConfig config;
        std::unique_ptr<Channel> channel;
    };
    std::unordered_map<QString, Instance> m_channels; // by channel name
    std::vector<std::unique_ptr<Channel>> m_retired; // replaced by a new configuration
    QHash<qint64, Channel *> m_inFlight;      // message id → the channel delivering it
};

} // namespace herald
