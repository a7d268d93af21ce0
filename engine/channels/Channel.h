#pragma once

#include "Delivery.h"
#include "model/ChannelConfig.h"
#include "model/Result.h"

#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace herald {

class SuppressionCheck;

// A delivery channel. An instance belongs to one worker thread: it is created, used and destroyed
// there, and may use that thread's event loop (QNetworkAccessManager replies, timers).
//
// deliver() starts one delivery and returns at once; done is called exactly once, in the same
// thread, with the outcome — unless abort() was called for that message first, in which case done
// is never called. A channel must never block its thread for longer than it takes to start I/O
// (blocking work such as libcurl runs on a pool thread and reports back).
//
// done is never called from inside deliver(), even for an outcome known at once (a bad phone number,
// a template that cannot render): it always comes from the thread's event loop, so the caller may
// finish its own bookkeeping after deliver() returns. Destroying a channel drops the deliveries still
// in flight: their done is never called. Destroy channels before the QNetworkAccessManager they use.
class Channel
{
public:
    virtual ~Channel() = default;

    using Done = std::function<void(DeliveryOutcome)>;
    virtual void deliver(const Delivery &delivery, Done done) = 0;
    // Cancels the delivery of this message if it is in flight (the operator cancelled it).
    virtual void abort(qint64 messageId) = 0;
};

// What a channel may need from the rest of the engine; all of it safe to call from worker threads.
struct ChannelContext
{
    QNetworkAccessManager *network = nullptr; // owned by the worker thread
    // email: true when the address must not be sent to (suppression list); an error when that cannot be
    // told (the store unreadable), which the channel treats as "do not send now" — a safety check fails
    // closed. May be empty: nothing is suppressed.
    std::function<Result<bool>(const QString &address)> isSuppressed;
    // Resolves a secret reference ("env:NAME", "keychain:NAME") to the secret; an error names the reference.
    // May be empty: SecretResolver::resolve is used.
    std::function<Result<QString>(const QString &reference)> resolveSecret;
    // Called once per delivery, in the worker thread, when the message has left for the peer: the HTTP
    // request written, the SMTP transfer begun (the outbox has no peer and never calls it). Only a delivery
    // that got this far counts as a stall if its engine dies; one that never left is handed back uncounted.
    // May be empty.
    std::function<void(qint64 messageId)> reached;
};

// Builds the channel for a configuration, in the calling (worker) thread. An error says what is wrong
// with the configuration (it is checked again here because secrets are resolved now).
Result<std::unique_ptr<Channel>> createChannel(const ChannelConfig &config, const ChannelContext &context);

} // namespace herald
