#include "EmailLinker.h"

#include "store/Store.h"

#include <algorithm>

namespace herald {

EmailLinker::EmailLinker(Store &store, qint64 intervalMs, qint64 windowMs, QObject *parent)
    : QObject(parent), m_store(store), m_timer(this), m_windowMs(windowMs)
{
    m_timer.setInterval(int(std::clamp<qint64>(intervalMs, 1, 24 * 3'600'000LL)));
    connect(&m_timer, &QTimer::timeout, this, &EmailLinker::timedPass);
}

void EmailLinker::timedPass()
{
    if (!m_holder.isEmpty()) {
        // Held for three intervals: a leader that dies is replaced within that, one that lives renews it
        // at every pass.
        auto leads = m_store.tryLead(QStringLiteral("email-linking"), m_holder, 3 * qint64(m_timer.interval()));
        if (!leads) {
            qWarning("herald: the e-mail linking lease: %s", qPrintable(leads.errorString()));
            return;
        }
        if (!*leads)
            return;
    }
    if (auto r = linkNow(); !r)
        qWarning("herald: linking e-mail events: %s", qPrintable(r.errorString()));
}

void EmailLinker::start()
{
    m_timer.start();
}

void EmailLinker::stop()
{
    m_timer.stop();
}

Result<qint64> EmailLinker::linkNow()
{
    auto linked = EmailStore(m_store).linkUnlinkedSince(m_store.now() - m_windowMs);
    Q_EMIT linkPassed(linked ? *linked : 0, linked ? QString() : linked.errorString());
    return linked;
}

Result<qint64> EmailLinker::messagesCompleted(const QList<EmailStore::ProviderLink> &messages)
{
    return EmailStore(m_store).linkMessages(messages);
}

} // namespace herald
