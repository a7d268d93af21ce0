#pragma once

#include "plans/PlanApply.h"

#include <QObject>
#include <QPointer>

#include <functional>
#include <optional>

namespace herald {

class Store;
class StoreThread;

// An event plan's apply (or forget) run for the console: one transaction on the StoreThread, so the
// console's other reads wait for it and then see it whole. Shaped like ActionJob: start() never blocks,
// then finished(). There is nothing to stop half way: the diff is written whole or not at all.
//
// GUI thread only. The StoreThread is not owned; the answer is dropped when the job is gone first.
class PlanApplyJob : public QObject
{
    Q_OBJECT

public:
    using Work = std::function<Result<PlanApplyReport>(Store &)>;

    PlanApplyJob(StoreThread *storeThread, Work work, QObject *parent = nullptr);

    void start();
    bool isRunning() const { return m_running; }
    // After finished(): the report, or why nothing was written.
    std::optional<PlanApplyReport> report() const { return m_report; }
    QString errorString() const { return m_error; }

Q_SIGNALS:
    void finished();

private:
    QPointer<StoreThread> m_storeThread;
    Work m_work;
    bool m_running = false;
    std::optional<PlanApplyReport> m_report;
    QString m_error;
};

} // namespace herald
