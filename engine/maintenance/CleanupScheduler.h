#pragma once

#include "store/StoreUrl.h"

#include <QThread>
#include <QTimeZone>

#include <atomic>
#include <functional>

namespace herald {

struct CleanupSchedulerOptions
{
    bool enabled = true;
    std::function<qint64()> clock; // empty: the system clock; tests set a fixed one
    QTimeZone zone = QTimeZone::systemTimeZone();
    qint64 recheckMs = 60'000;     // a schedule changed by another process is seen within this
};

// Runs the daily cleanup (CleanupSchedule) for the engine that holds the store's lock, on a thread
// of its own with a store connection of its own, so the dispatcher never waits for it: the cleanup
// deletes in short transactions between which delivery commits (Store::runCleanup).
//
// Created, started and destroyed by one thread (the Engine's). stop() cancels a run under way after
// the chunk in progress, which is recorded as cancelled, and joins the thread.
class CleanupScheduler
{
public:
    CleanupScheduler(StoreUrl url, CleanupSchedulerOptions options);
    ~CleanupScheduler();
    CleanupScheduler(const CleanupScheduler &) = delete;
    CleanupScheduler &operator=(const CleanupScheduler &) = delete;

    void start();
    void stop();

private:
    class Worker;

    StoreUrl m_url;
    CleanupSchedulerOptions m_options;
    QThread m_thread;
    Worker *m_worker = nullptr; // lives in m_thread, deleted there
    std::atomic_bool m_cancel{false};
};

} // namespace herald
