#include "EnginesStatusLabel.h"

#include "store/Backend.h"
#include "store/StoreThread.h"

#include <QDateTime>
#include <QLocale>

namespace herald {

EnginesStatusLabel::EnginesStatusLabel(QWidget *parent) : QLabel(parent)
{
    setObjectName(QStringLiteral("enginesStatus"));
    m_refresh.setInterval(kRefreshMs);
    connect(&m_refresh, &QTimer::timeout, this, &EnginesStatusLabel::refresh);
    hide();
}

void EnginesStatusLabel::setStoreThread(StoreThread *storeThread)
{
    ++m_generation;
    m_count = -1;
    clear();
    setToolTip({});
    bool shared = false;
    if (storeThread) {
        if (auto backend = Backend::forUrl(storeThread->url()))
            shared = (*backend)->capabilities().sharedStore();
    }
    m_storeThread = shared ? storeThread : nullptr;
    setVisible(shared);
    if (shared) {
        m_refresh.start();
        refresh();
    } else {
        m_refresh.stop();
    }
}

void EnginesStatusLabel::refresh()
{
    if (!m_storeThread)
        return;
    m_storeThread->post(
        this, [](Store &store) { return store.liveEngines(); },
        [this, generation = m_generation](Result<QList<Store::EngineInfo>> engines) {
            if (generation != m_generation)
                return;
            if (!engines) {
                m_count = -1;
                setText(tr("Engines: unknown"));
                setToolTip(engines.errorString());
                Q_EMIT refreshed();
                return;
            }
            m_count = int(engines->size());
            setText(m_count == 0 ? tr("No engine delivering") : m_count == 1 ? tr("1 engine delivering") : tr("%1 engines delivering").arg(m_count));
            if (m_count == 0) {
                setToolTip(tr("No engine has a fresh heartbeat in this store: nothing is delivered until `heraldctl work` or a "
                              "console with delivery on runs against it"));
            } else {
                const QLocale locale;
                const qint64 now = QDateTime::currentMSecsSinceEpoch();
                QStringList lines;
                for (const Store::EngineInfo &e : std::as_const(*engines))
                    lines << tr("%1, pid %2, Herald %3: %4 in flight, heartbeat %5 s ago")
                                 .arg(e.host.toHtmlEscaped())
                                 .arg(e.pid)
                                 .arg(e.version.toHtmlEscaped())
                                 .arg(locale.toString(e.inFlight))
                                 .arg(locale.toString(qMax<qint64>(0, (now - e.heartbeatAt) / 1000)));
                setToolTip(lines.join(QStringLiteral("<br>")));
            }
            Q_EMIT refreshed();
        });
}

} // namespace herald
