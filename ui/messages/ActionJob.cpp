#include "ActionJob.h"

#include "store/StoreThread.h"

#include <utility>

namespace herald {

ActionJob::ActionJob(StoreThread *storeThread, MessageSelection selection, OperatorAction action, QObject *parent)
    : QObject(parent),
      m_jobThread(storeThread ? std::make_unique<StoreThread>(storeThread->url(), storeThread->options()) : nullptr),
      m_selection(std::move(selection)),
      m_action(std::move(action))
{
    m_poll.setInterval(kProgressPollMs);
    connect(&m_poll, &QTimer::timeout, this, &ActionJob::poll);
}

ActionJob::~ActionJob()
{
    // Whatever is still running stops at its next chunk: nobody is left to see it finish.
    m_shared->cancel = true;
}

void ActionJob::start()
{
    if (m_running || !m_jobThread)
        return;
    m_running = true;
    m_poll.start();
    m_jobThread->post(
        this,
        [shared = m_shared, selection = m_selection, action = m_action](Store &store) {
            ActionProgress progress;
            progress.cancel = &shared->cancel;
            progress.report = [shared](qint64 done, qint64 total) {
                shared->total = total;
                shared->done = done;
            };
            return store.apply(selection, action, progress);
        },
        [this](Result<ActionResult> result) {
            m_poll.stop();
            poll();
            m_running = false;
            if (result)
                m_result = std::move(result).value();
            else
                m_error = result.errorString();
            Q_EMIT finished();
        });
}

void ActionJob::cancel()
{
    m_shared->cancel = true;
}

void ActionJob::poll()
{
    const qint64 done = m_shared->done;
    if (done == m_reportedDone)
        return;
    m_reportedDone = done;
    Q_EMIT progressed(done, m_shared->total);
}

} // namespace herald
