#include "Channel.h"

#include "EmailChannel.h"
#include "OutboxChannel.h"
#include "PushChannel.h"
#include "SecretResolver.h"
#include "SmsChannel.h"
#include "WebhookChannel.h"

namespace herald {

Result<std::unique_ptr<Channel>> createChannel(const ChannelConfig &config, const ChannelContext &context)
{
    if (const Status valid = config.validate(); !valid)
        return valid.error();

    QString secret;
    if (!config.secretRef.isEmpty()) {
        auto resolved = context.resolveSecret ? context.resolveSecret(config.secretRef) : SecretResolver::resolve(config.secretRef);
        if (!resolved)
            return Error{resolved.error().kind, QStringLiteral("channel '%1': %2").arg(config.name, resolved.errorString())};
        secret = std::move(*resolved);
    }
    const bool needsNetwork = config.kind == ChannelConfig::Kind::Webhook || config.kind == ChannelConfig::Kind::Sms
                              || config.kind == ChannelConfig::Kind::Push;
    if (needsNetwork && !context.network)
        return Error::runtime(QStringLiteral("channel '%1': the worker thread gave no QNetworkAccessManager; create one in that thread "
                                             "and pass it in ChannelContext::network")
                                  .arg(config.name));

    // Every channel's outcomes pass through the redaction of its own secret (ChannelBase::finish), and
    // every channel says when a delivery has left for its peer.
    const auto configured = [&secret, &context](auto channel) -> Result<std::unique_ptr<Channel>> {
        channel->setSecretsToRedact(secret.isEmpty() ? QStringList{} : QStringList{secret});
        channel->setReachedCallback(context.reached);
        return std::unique_ptr<Channel>(std::move(channel));
    };
    switch (config.kind) {
    case ChannelConfig::Kind::Outbox:
        return configured(std::make_unique<OutboxChannel>(config));
    case ChannelConfig::Kind::Webhook:
        return configured(std::make_unique<WebhookChannel>(config, context.network, secret));
    case ChannelConfig::Kind::Sms: {
        auto sms = SmsChannel::create(config, context.network, secret);
        if (!sms)
            return sms.error();
        return configured(std::move(*sms));
    }
    case ChannelConfig::Kind::Push:
        return configured(std::make_unique<PushChannel>(config, context.network, secret));
    case ChannelConfig::Kind::Email: {
        auto email = EmailChannel::create(config, context.isSuppressed, secret);
        if (!email)
            return email.error();
        return configured(std::move(*email));
    }
    }
    return Error::runtime(QStringLiteral("channel '%1': unknown kind").arg(config.name));
}

} // namespace herald
