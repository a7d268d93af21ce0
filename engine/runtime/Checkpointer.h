#pragma once

#include "store/Store.h"

#include <QThread>

namespace herald {

// Checkpoints the store's write-ahead log from a thread of its own, so that the fsyncs of a checkpoint
// (tens of milliseconds on a busy disk) run beside the runtime's transactions rather than inside one
// of them, where they would make claims late. The runtime's writer opens its store with
// autoCheckpoint off. Owned and driven by the runtime thread; the store it opens lives in its thread.
class Checkpointer
{
public:
    Checkpointer(StoreUrl url, Durability durability, qint64 intervalMs);
    ~Checkpointer(); // stop()

    void start();
    // Joins the thread; a checkpoint under way finishes first.
    void stop();

private:
    StoreUrl m_url;
    Durability m_durability;
    qint64 m_intervalMs;
    QThread m_thread;
};

} // namespace herald
