#include "PlanApplyJob.h"

#include "store/StoreThread.h"

namespace herald {

PlanApplyJob::PlanApplyJob(StoreThread *storeThread, Work work, QObject *parent)
    : QObject(parent),
      m_jobThread(storeThread ? std::make_unique<StoreThread>(storeThread->url(), storeThread->options()) : nullptr),
      m_work(std::move(work))
{
}

PlanApplyJob::~PlanApplyJob() = default;

void PlanApplyJob::start()
{
    if (m_running)
        return;
    if (!m_jobThread) {
        m_error = tr("the store is closed");
        Q_EMIT finished();
        return;
    }
    m_running = true;
    m_jobThread->post(this, m_work, [this](Result<PlanApplyReport> report) {
        m_running = false;
        if (report)
            m_report = std::move(*report);
        else
            m_error = report.errorString();
        Q_EMIT finished();
    });
}

} // namespace herald
