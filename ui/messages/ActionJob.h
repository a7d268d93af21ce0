#pragma once

#include "model/MessageSelection.h"
#include "model/Result.h"

#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>
#include <optional>

namespace herald {

class StoreThread;

// One operator action on a selection, run in chunks (Store::apply) with progress and cancel (DESIGN §8;
// shaped like KJob: start() never blocks, then progressed()…, finished()). It runs on a connection and
// thread of its own (jobThread(), opened like the console's StoreThread), so the console's tables go on
// paging while it works.
//
// GUI thread only. The job's thread only writes atomics that a timer here reads: no signal is emitted
// from it, so the job may be destroyed while it works (the chunk under way ends first, the rest is
// dropped). The console's StoreThread is not owned and only lends its store's URL and options.
class ActionJob : public QObject
{
    Q_OBJECT

public:
    static constexpr int kProgressPollMs = 50;

    ActionJob(StoreThread *storeThread, MessageSelection selection, OperatorAction action, QObject *parent = nullptr);
    ~ActionJob() override;

    void start();
    // Stops after the chunk under way; the chunks done stay done (the result says cancelled).
    void cancel();
    bool isRunning() const { return m_running; }

    const OperatorAction &action() const { return m_action; }
    // The job's own store thread (null without a store): work posted to it runs before the job's.
    StoreThread *jobThread() const { return m_jobThread.get(); }
    // After finished(): the result, or why the action failed.
    std::optional<ActionResult> result() const { return m_result; }
    QString errorString() const { return m_error; }

Q_SIGNALS:
    void progressed(qint64 done, qint64 total);
    void finished();

private:
    struct Shared
    {
        std::atomic<qint64> done{0};
        std::atomic<qint64> total{0};
        std::atomic_bool cancel{false};
    };
    void poll();

    std::unique_ptr<StoreThread> m_jobThread;
    MessageSelection m_selection;
    OperatorAction m_action;
    std::shared_ptr<Shared> m_shared = std::make_shared<Shared>();
    QTimer m_poll;
    qint64 m_reportedDone = -1;
    bool m_running = false;
    std::optional<ActionResult> m_result;
    QString m_error;
};

} // namespace herald
