#pragma once

#include "model/MessageSelection.h"
#include "model/Result.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <atomic>
#include <memory>
#include <optional>

namespace herald {

class StoreThread;

// One operator action on a selection, run on the StoreThread in chunks (Store::apply) with progress
// and cancel (DESIGN §8; shaped like KJob: start() never blocks, then progressed()…, finished()).
//
// GUI thread only. The store thread only writes atomics that a timer here reads: no signal is emitted
// from the store thread, so the job may be destroyed while the store works (the answer is then dropped).
// The StoreThread is not owned and must outlive the job's run or be destroyed first.
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

    QPointer<StoreThread> m_storeThread;
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
