#pragma once

#include "DeliveryRecord.h"
#include "Runtime.h"

#include <QLockFile>
#include <QObject>
#include <QThread>

#include <memory>
#include <optional>

namespace herald {

// The engine facade (DESIGN §5): starts the runtime thread on a store, or attaches when another
// process already delivers from it. Lives in the thread that creates it (the GUI thread in the
// console, the main thread in heraldctl); its signals are emitted in that thread.
class Engine : public QObject
{
    Q_OBJECT

public:
    enum class Mode { Stopped, Running, Attached };
    using ExitWhen = Runtime::ExitWhen;

    Engine(StoreUrl url, RuntimeOptions options, QObject *parent = nullptr);
    ~Engine() override; // hands deliveries in flight back at once and joins the runtime thread

    // Takes the store's lock and starts delivering, or, when another process holds the lock, stays
    // attached (no workers) and says who holds it. Store errors arrive through finished().
    Result<Mode> start(ExitWhen exitWhen = ExitWhen::Never);
    Mode mode() const { return m_mode; }
    // Who holds the lock when attached: "process 1234 on host ops-01".
    QString lockHolder() const { return m_lockHolder; }
    QString owner() const { return m_owner; }

    // The process holding a SQLite store's lock file, i.e. its one engine, read without taking the lock
    // (so that an engine starting meanwhile is not kept out): nothing when no lock file is there. `gone`
    // when the holder was on this host and has died, leaving the file behind (the next engine's start
    // replaces it). Any thread.
    struct LockHolder
    {
        qint64 pid = 0;
        QString host;
        QString application;
        qint64 since = 0; // when the lock file was written, ms since the epoch
        bool gone = false;
    };
    static std::optional<LockHolder> lockHolderOf(const StoreUrl &url);

    void wake();                      // after an enqueue or an operator action in this process
    void setPaused(bool paused);      // claims stop; deliveries in flight finish
    void stop(qint64 timeoutMs = 10'000);

Q_SIGNALS:
    void delivered(const herald::DeliveryRecord &record);
    void statusChanged(const herald::EngineStatus &status);
    // The runtime ended: stop() done, the exit condition met, or an error (non-empty) such as a store
    // that cannot be opened.
    void finished(const QString &error);

private:
    void runtimeFinished(const QString &error);

    StoreUrl m_url;
    RuntimeOptions m_options;
    QString m_owner;
    std::unique_ptr<QLockFile> m_lock;
    QThread m_thread;
    Runtime *m_runtime = nullptr; // lives in m_thread
    std::unique_ptr<CleanupScheduler> m_cleanup; // while we hold the lock
    Mode m_mode = Mode::Stopped;
    QString m_lockHolder;
};

} // namespace herald
