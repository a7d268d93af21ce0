#pragma once

#include "Channel.h"

#include <QObject>

#include <map>

namespace herald {

// The bookkeeping every channel shares, so each keeps the Channel contract the same way: done is called
// exactly once, never from inside deliver(), never after abort() of that message, never after the channel
// is destroyed. Lives in, and is used only from, the worker thread that created it.
class ChannelBase : public QObject, public Channel
{
    Q_OBJECT

public:
    ~ChannelBase() override;

    void abort(qint64 messageId) override;

    const ChannelConfig &config() const { return m_config; }
    // Values no outcome's error may carry (the channel's resolved secret): finish() redacts them, with
    // every other credential a peer may echo (Redaction.h).
    void setSecretsToRedact(QStringList secrets) { m_secrets = std::move(secrets); }
    // ChannelContext::reached, called by markReached().
    void setReachedCallback(std::function<void(qint64 messageId)> reached) { m_reached = std::move(reached); }

protected:
    explicit ChannelBase(ChannelConfig config);

    using Ticket = quint64;

    // Registers a delivery; its done waits for finish() or finishLater().
    Ticket begin(qint64 messageId, Done done);
    // What abort() (or destruction) must do to stop the delivery's I/O; it must not call done.
    void setCancel(Ticket ticket, std::function<void()> cancel);
    bool isPending(Ticket ticket) const { return m_pending.count(ticket) != 0; }
    // The delivery has left for the peer (see ChannelContext::reached); the first call per delivery counts.
    void markReached(Ticket ticket);
    // Calls done now, if the delivery is still pending. Only from the event loop, never from deliver().
    void finish(Ticket ticket, DeliveryOutcome outcome);
    // Calls done from the event loop, if the delivery is still pending then. Safe from deliver().
    void finishLater(Ticket ticket, DeliveryOutcome outcome);
    // Cancels every pending delivery without calling done. Subclasses call it first in their destructor,
    // while the cancel functions may still touch their members.
    void cancelAll();

private:
    struct Pending
    {
        qint64 messageId = 0;
        Done done;
        std::function<void()> cancel;
        bool reached = false;
    };

    ChannelConfig m_config;
    QStringList m_secrets;
    std::function<void(qint64)> m_reached;
    std::map<Ticket, Pending> m_pending;
    Ticket m_nextTicket = 1;
};

} // namespace herald
