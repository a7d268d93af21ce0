#include "EmailLinker.h"

#include "store/Store.h"

#include <algorithm>

namespace herald {

EmailLinker::EmailLinker(Store &store, qint64 intervalMs, qint64 windowMs, QObject *parent)
    : QObject(parent), m_store(store), m_timer(this), m_windowMs(windowMs)
{
    m_timer.setInterval(int(std::clamp<qint64>(intervalMs, 1, 24 * 3'600'000LL)));
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (auto r = linkNow(); !r)
            qWarning("herald: linking e-mail events: %s", qPrintable(r.errorString()));
    });
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
