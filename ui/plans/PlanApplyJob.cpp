#include "PlanApplyJob.h"

#include "store/StoreThread.h"

namespace herald {

PlanApplyJob::PlanApplyJob(StoreThread *storeThread, Work work, QObject *parent)
    : QObject(parent), m_storeThread(storeThread), m_work(std::move(work))
{
}

void PlanApplyJob::start()
{
    if (m_running)
        return;
    if (!m_storeThread) {
        m_error = tr("the store is closed");
        Q_EMIT finished();
        return;
    }
    m_running = true;
    m_storeThread->post(this, m_work, [this](Result<PlanApplyReport> report) {
        m_running = false;
        if (report)
            m_report = std::move(*report);
        else
            m_error = report.errorString();
        Q_EMIT finished();
    });
}

} // namespace herald
