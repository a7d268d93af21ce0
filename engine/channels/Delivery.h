#pragma once

#include "model/Message.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace herald {

// One delivery attempt handed to a channel.
struct Delivery
{
    Message message;        // as claimed: attempts is this attempt's number
    QString idempotencyKey; // the same on every attempt of this message
};

// How an attempt ended, classified by the channel (DESIGN §6).
struct DeliveryOutcome
{
    enum class Kind {
        Success,   // providerMessageId set when the peer gave one
        Retryable, // timeout, connection refused/reset, 408, 429, 5xx, garbage answer; retryAfterMs from the peer
        Permanent, // other 4xx, bad recipient, template that cannot render: fails at once
        Suppressed // email to a suppressed address: not sent, the message is cancelled with reason "suppressed"
    };

    Kind kind = Kind::Success;
    QString providerMessageId;
    QString error; // for people: what happened, e.g. "HTTP 503 from https://hooks.example.org/…: Service Unavailable"
    std::optional<qint64> retryAfterMs;
    int responseCode = 0;
    // What was sent (or, for the outbox, what would have been), as a JSON object:
    // {"channel", "kind", "to", "subject"?, "text"?, "html"?, "request"?}. The runtime stores it in the outbox for
    // outbox deliveries.
    QByteArray rendered;
    // Push: the peer said the device token is gone (404/410 UNREGISTERED).
    bool staleRecipient = false;
    // The channel asked the whole channel to pause (HTTP 429 with Retry-After).
    bool pauseChannel = false;

    static DeliveryOutcome success(QString providerId = {}, QByteArray rendered = {})
    {
        DeliveryOutcome o;
        o.providerMessageId = std::move(providerId);
        o.rendered = std::move(rendered);
        return o;
    }
    static DeliveryOutcome retryable(QString error, int code = 0, std::optional<qint64> retryAfterMs = {})
    {
        DeliveryOutcome o;
        o.kind = Kind::Retryable;
        o.error = std::move(error);
        o.responseCode = code;
        o.retryAfterMs = retryAfterMs;
        return o;
    }
    static DeliveryOutcome permanent(QString error, int code = 0)
    {
        DeliveryOutcome o;
        o.kind = Kind::Permanent;
        o.error = std::move(error);
        o.responseCode = code;
        return o;
    }
};

} // namespace herald
