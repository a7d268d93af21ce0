#include "Worker.h"

#include <QNetworkAccessManager>

namespace herald {

Worker::Worker(ChannelFactory factory, ChannelContext context, Report report)
    : m_factory(std::move(factory)), m_context(std::move(context)), m_report(std::move(report))
{
}

Worker::~Worker() = default;

void Worker::shutdown()
{
    m_inFlight.clear();
    m_channels.clear();
    m_retired.clear();
    m_network.reset();
}

Channel *Worker::channelFor(const ChannelConfig &config, QString *error)
{
    auto it = m_channels.find(config.name);
    if (it != m_channels.end() && it->second.config == config)
        return it->second.channel.get();
    if (!m_network) {
        // Created here, in the worker thread, so its sockets belong to this thread.
        m_network = std::make_unique<QNetworkAccessManager>();
        m_context.network = m_network.get();
    }
    auto created = m_factory(config, m_context);
    if (!created) {
        *error = created.errorString();
        return nullptr;
    }
    if (it != m_channels.end())
        m_retired.push_back(std::move(it->second.channel)); // deliveries may still be running on it
    Instance &instance = m_channels[config.name];
    instance.config = config;
    instance.channel = std::move(created).value();
    return instance.channel.get();
}

void Worker::deliver(const Delivery &delivery, const ChannelConfig &config)
{
    const qint64 id = delivery.message.id;
    QString error;
    Channel *channel = channelFor(config, &error);
    if (!channel) {
        // A secret that is not set, say: the operator can fix it and the retry will go out.
        m_report(id, DeliveryOutcome::retryable(QStringLiteral("channel '%1' cannot be used: %2").arg(config.name, error)));
        return;
    }
    m_inFlight.insert(id, channel);
    channel->deliver(delivery, [this, id](DeliveryOutcome outcome) {
        if (m_inFlight.remove(id) == 0)
            return; // aborted meanwhile
        m_report(id, std::move(outcome));
    });
}

void Worker::abort(qint64 messageId)
{
    if (Channel *channel = m_inFlight.take(messageId))
        channel->abort(messageId);
}

} // namespace herald
