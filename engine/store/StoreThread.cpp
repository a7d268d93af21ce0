#include "StoreThread.h"

#include <utility>

namespace herald {

StoreThread::StoreThread(StoreUrl url, Store::OpenOptions options, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_options(std::move(options))
{
    m_thread.setObjectName(QStringLiteral("herald-store"));
    m_worker = new QObject;
    m_worker->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

StoreThread::~StoreThread()
{
    // Close the connection in the thread that opened it, after the work already queued. This waits on
    // the store thread, never the other way round.
    QMetaObject::invokeMethod(m_worker, [this] { m_store.reset(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

Store *StoreThread::storeInThread()
{
    const bool onServer = m_url.kind() != StoreUrl::Kind::Sqlite;
    if (!m_triedOpen || (onServer && !m_store)) {
        const bool first = !m_triedOpen;
        m_triedOpen = true;
        auto opened = Store::open(m_url, m_options);
        if (opened) {
            m_store = std::move(opened).value();
            if (first)
                Q_EMIT this->opened(QString());
        } else {
            m_openError = opened.error();
            if (first)
                Q_EMIT this->opened(m_openError.message);
        }
    } else if (m_store && std::exchange(m_lastFailed, false)) {
        // A failed answer may mean a lost connection; a failed reconnect leaves the next work failing with
        // the server's words, and the work after it tries again.
        (void)m_store->reconnectIfLost();
    }
    return m_store.get();
}

} // namespace herald
