#include "ChannelBase.h"

#include "Redaction.h"

namespace herald {

ChannelBase::ChannelBase(ChannelConfig config)
    : m_config(std::move(config))
{
}

ChannelBase::~ChannelBase()
{
    cancelAll();
}

ChannelBase::Ticket ChannelBase::begin(qint64 messageId, Done done)
{
    const Ticket ticket = m_nextTicket++;
    m_pending.emplace(ticket, Pending{messageId, std::move(done), {}, false});
    return ticket;
}

void ChannelBase::setCancel(Ticket ticket, std::function<void()> cancel)
{
    if (const auto it = m_pending.find(ticket); it != m_pending.end())
        it->second.cancel = std::move(cancel);
}

void ChannelBase::markReached(Ticket ticket)
{
    const auto it = m_pending.find(ticket);
    if (it == m_pending.end() || it->second.reached)
        return;
    it->second.reached = true;
    if (m_reached)
        m_reached(it->second.messageId);
}

void ChannelBase::finish(Ticket ticket, DeliveryOutcome outcome)
{
    const auto it = m_pending.find(ticket);
    if (it == m_pending.end())
        return;
    // Erased before the call: done may deliver again, or destroy this channel.
    Done done = std::move(it->second.done);
    m_pending.erase(it);
    outcome.error = redactPeerText(outcome.error, m_secrets);
    done(std::move(outcome));
}

void ChannelBase::finishLater(Ticket ticket, DeliveryOutcome outcome)
{
    QMetaObject::invokeMethod(
        this, [this, ticket, outcome = std::move(outcome)]() mutable { finish(ticket, std::move(outcome)); }, Qt::QueuedConnection);
}

void ChannelBase::abort(qint64 messageId)
{
    std::vector<std::function<void()>> cancels;
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (it->second.messageId == messageId) {
            cancels.push_back(std::move(it->second.cancel));
            it = m_pending.erase(it);
        } else {
            ++it;
        }
    }
    for (const auto &cancel : cancels)
        if (cancel)
            cancel();
}

void ChannelBase::cancelAll()
{
    std::map<Ticket, Pending> pending;
    pending.swap(m_pending);
    for (auto &[ticket, p] : pending)
        if (p.cancel)
            p.cancel();
}

} // namespace herald
