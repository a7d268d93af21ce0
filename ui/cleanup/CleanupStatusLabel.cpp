#include "CleanupStatusLabel.h"

#include "maintenance/CleanupSchedule.h"
#include "store/StoreThread.h"

#include <QDateTime>

namespace herald {

CleanupStatusLabel::CleanupStatusLabel(QWidget *parent) : QLabel(parent)
{
    m_refresh.setInterval(kRefreshMs);
    connect(&m_refresh, &QTimer::timeout, this, &CleanupStatusLabel::refresh);
    hide();
}

void CleanupStatusLabel::setStoreThread(StoreThread *storeThread)
{
    m_storeThread = storeThread;
    ++m_generation;
    setVisible(storeThread != nullptr);
    clear();
    if (storeThread) {
        m_refresh.start();
        refresh();
    } else {
        m_refresh.stop();
    }
}

void CleanupStatusLabel::refresh()
{
    if (!m_storeThread)
        return;
    m_storeThread->post(
        this, [](Store &store) { return readCleanupStatus(store, store.now()); },
        [this, generation = m_generation](Result<CleanupStatus> status) {
            if (generation != m_generation)
                return;
            if (!status) {
                setText(tr("Cleanup: unknown"));
                setToolTip(status.errorString());
                return;
            }
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            const QString last = status->lastRun ? describeLocalTime(status->lastRun->startedAt, now) : tr("never");
            QString next = tr("off");
            if (status->nextRun)
                next = status->due ? tr("due") : describeLocalTime(*status->nextRun, now);
            setText(tr("Cleanup: last %1, next %2").arg(last, next));
            setToolTip(status->lastRun && !status->lastRun->error.isEmpty()
                           ? tr("The last cleanup failed: %1").arg(status->lastRun->error)
                           : tr("Tools ▸ Cleanup… shows what a run removes and sets the daily schedule"));
        });
}

} // namespace herald
