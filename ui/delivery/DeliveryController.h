#pragma once

#include "runtime/DeliveryRecord.h"
#include "store/StoreUrl.h"

#include <QObject>
#include <QString>

#include <memory>

namespace herald {

class Engine;

// The console's side of delivery (DESIGN §5, §8): runs the open store's Engine in this process when
// the store is writable, and says what delivery is doing — delivering, paused, attached to another
// process that holds the store, read-only, or stopped (with the engine's error).
//
// Owns the Engine. GUI thread only; the Engine runs its runtime and workers on threads of its own and
// emits its signals in this thread.
class DeliveryController : public QObject
{
    Q_OBJECT

public:
    enum class State {
        NoStore,
        ReadOnly,   // the store was opened read-only: nothing is ever delivered from here
        Starting,   // writable, the engine not started yet (the store is still opening)
        Delivering,
        Paused,     // by the operator: no new claims; deliveries in flight finish
        Attached,   // another process holds the store's lock and delivers; this console only browses
        Stopped,    // the engine ended, see errorString()
    };

    explicit DeliveryController(QObject *parent = nullptr);
    ~DeliveryController() override;

    // Forgets the current store. Its engine, if any, is destroyed first: that hands the deliveries in
    // flight back and joins the runtime, so two engines of this console never overlap. A writable store
    // waits in Starting for start(); a read-only one never gets an engine.
    void setStore(const StoreUrl &url, bool readOnly);
    // Starts the engine of the writable store given to setStore() (call once the store has opened:
    // until then there is nothing to deliver). Another process holding the store makes it Attached.
    void start();
    // No store (it could not be opened): no engine and nothing to say about delivery.
    void closeStore();

    State state() const { return m_state; }
    // One line for the status bar: "Delivering", "Delivery paused", "Attached: deliveries run in …".
    QString stateText() const;
    // The engine's error when it stopped on one; empty otherwise.
    QString errorString() const { return m_error; }
    // Who delivers when Attached: "process 1234 on ops-01".
    QString lockHolder() const { return m_lockHolder; }
    // The runtime's last report: in flight, rate-limited queues, channels paused by a 429.
    const EngineStatus &status() const { return m_status; }
    // Whether pausing means something here: a writable store whose engine is ours.
    bool canControl() const;

    // The operator's wish, kept across stores: a new engine starts paused when the console is paused.
    bool isPaused() const { return m_paused; }
    void setPaused(bool paused);
    // After this console wrote to the store (a queue created, an action applied): look again now
    // instead of at the next back-stop poll.
    void wake();

Q_SIGNALS:
    // state(), stateText() or status() changed.
    void stateChanged();
    // One finished delivery attempt of this console's engine (completed, retry, failed, …).
    void delivered(const herald::DeliveryRecord &record);
    // The engine stopped on an error (a store that cannot be written, a lock file that cannot be made).
    void failed(const QString &error);

private:
    void setState(State state);
    void engineFinished(const QString &error);
    void statusReported(const EngineStatus &status);

    std::unique_ptr<Engine> m_engine;
    StoreUrl m_url;
    State m_state = State::NoStore;
    bool m_paused = false;
    EngineStatus m_status;
    QString m_error;
    QString m_lockHolder;
};

} // namespace herald
