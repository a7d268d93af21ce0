#include "StoreSession.h"

#include "store/StoreThread.h"

#include <utility>

namespace herald {

StoreSession::StoreSession(QObject *parent)
    : QObject(parent)
{
    m_refreshTimer.setInterval(kRefreshIntervalMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &StoreSession::requestRefresh);
    m_liveTimer.setSingleShot(true);
    m_liveTimer.setInterval(kLiveRefreshMs);
    connect(&m_liveTimer, &QTimer::timeout, this, &StoreSession::emitLive);
}

StoreSession::~StoreSession()
{
    m_storeThread.reset();
}

StoreUrl StoreSession::url() const
{
    return m_storeThread ? m_storeThread->url() : StoreUrl();
}

void StoreSession::attach(std::unique_ptr<StoreThread> storeThread, bool readOnly, const BeforeFirstRead &beforeFirstRead)
{
    // First of all: the previous store's engine hands its deliveries back and stops before anything of
    // the next store runs.
    Q_EMIT storeAboutToChange(storeThread->url(), readOnly);
    const quint64 generation = ++m_generation;
    // Before anything is posted: the first piece of work opens the store and emits opened().
    connect(storeThread.get(), &StoreThread::opened, this, [this, generation](const QString &error) {
        if (generation == m_generation)
            Q_EMIT opened(error);
    });
    if (beforeFirstRead)
        beforeFirstRead(*storeThread, generation);

    std::unique_ptr<StoreThread> previous = std::exchange(m_storeThread, std::move(storeThread));
    m_readOnly = readOnly;
    m_read = false;
    m_liveTimer.stop();
    m_liveQueues.clear();
    m_liveClaims = false;
    m_liveCompleted = false;
    Q_EMIT storeChanged();
    // Joins the previous store thread after the work it already has; its answers arrive later and are
    // dropped by the models, which now belong to the new store.
    previous.reset();
}

void StoreSession::notifyMessagesChanged()
{
    Q_EMIT messagesChanged();
}

void StoreSession::notifyEmailEventsChanged()
{
    Q_EMIT emailEventsChanged();
}

void StoreSession::wakeDelivery()
{
    Q_EMIT deliveryWakeRequested();
}

void StoreSession::requestReload()
{
    Q_EMIT reloadRequested();
}

void StoreSession::requestRefresh()
{
    Q_EMIT refreshRequested();
}

void StoreSession::reportRead(bool storeIsEmpty)
{
    m_read = true;
    Q_EMIT read(storeIsEmpty);
}

void StoreSession::reportReadFailed(const QString &error)
{
    Q_EMIT readFailed(error, !m_read);
}

void StoreSession::setLiveRefresh(bool on)
{
    if (on == m_liveRefresh)
        return;
    m_liveRefresh = on;
    updateRefreshTimer();
    Q_EMIT liveRefreshChanged(on);
}

void StoreSession::setOnScreen(bool onScreen)
{
    m_onScreen = onScreen;
    updateRefreshTimer();
}

void StoreSession::updateRefreshTimer()
{
    if (m_onScreen && m_liveRefresh)
        m_refreshTimer.start();
    else
        m_refreshTimer.stop();
}

void StoreSession::noteDelivered(const QString &queue, bool completed)
{
    m_liveQueues.insert(queue);
    m_liveCompleted = m_liveCompleted || completed;
    scheduleLive();
}

void StoreSession::noteClaimsChanged()
{
    m_liveClaims = true;
    scheduleLive();
}

void StoreSession::scheduleLive()
{
    // Not restarted by later deliveries: a steady stream still refreshes every kLiveRefreshMs instead of
    // waiting for a pause in it.
    if (!m_liveTimer.isActive())
        m_liveTimer.start();
}

void StoreSession::emitLive()
{
    const QSet<QString> queues = std::exchange(m_liveQueues, {});
    const bool claims = std::exchange(m_liveClaims, false);
    const bool completed = std::exchange(m_liveCompleted, false);
    // Off screen nothing is looked at; showing the console re-reads the counts. Paused, the pages keep
    // still until live refresh is on again (which reloads).
    if (!m_storeThread || !m_onScreen || !m_liveRefresh)
        return;
    Q_EMIT liveChanges(queues, claims, completed);
}

} // namespace herald
