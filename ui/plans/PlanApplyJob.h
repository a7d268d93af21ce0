#pragma once

#include "plans/PlanApply.h"

#include <QObject>

#include <functional>
#include <memory>
#include <optional>

namespace herald {

class Store;
class StoreThread;

// An event plan's apply (or forget) run for the console: one transaction on a connection and thread of
// its own (opened like the console's StoreThread), so the console's tables go on paging while it is
// written and then see it whole. Shaped like ActionJob: start() never blocks, then finished(). There is
// nothing to stop half way: the diff is written whole or not at all.
//
// GUI thread only. The console's StoreThread is not owned and only lends its store's URL and options;
// the answer is dropped when the job is gone first (which waits for the transaction to end).
class PlanApplyJob : public QObject
{
    Q_OBJECT

public:
    using Work = std::function<Result<PlanApplyReport>(Store &)>;

    PlanApplyJob(StoreThread *storeThread, Work work, QObject *parent = nullptr);
    ~PlanApplyJob() override;

    void start();
    bool isRunning() const { return m_running; }
    // After finished(): the report, or why nothing was written.
    std::optional<PlanApplyReport> report() const { return m_report; }
    QString errorString() const { return m_error; }

Q_SIGNALS:
    void finished();

private:
    std::unique_ptr<StoreThread> m_jobThread;
    Work m_work;
    bool m_running = false;
    std::optional<PlanApplyReport> m_report;
    QString m_error;
};

} // namespace herald
