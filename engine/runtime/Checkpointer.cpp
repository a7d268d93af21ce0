#include "Checkpointer.h"

#include <QTimer>

namespace herald {

namespace {

// Lives in the checkpointer's thread: its store and timer are created, used and destroyed there.
class CheckpointTask : public QObject
{
public:
    CheckpointTask(StoreUrl url, Durability durability, qint64 intervalMs)
        : m_url(std::move(url)), m_durability(durability), m_intervalMs(intervalMs), m_timer(this)
    {
    }

    void begin()
    {
        Store::OpenOptions o;
        o.durability = m_durability;
        o.reclaimLeases = false; // the runtime's writer does that
        auto store = Store::open(m_url, o);
        if (!store) {
            // The writer then keeps a longer log; nothing is lost.
            qWarning("herald: the checkpointer cannot open the store: %s", qPrintable(store.errorString()));
            return;
        }
        m_store = std::move(store).value();
        connect(&m_timer, &QTimer::timeout, this, [this] {
            if (auto s = m_store->checkpoint(); !s)
                qWarning("herald: %s", qPrintable(s.errorString()));
        });
        m_timer.start(int(m_intervalMs));
    }

private:
    StoreUrl m_url;
    Durability m_durability;
    qint64 m_intervalMs;
    QTimer m_timer;
    std::unique_ptr<Store> m_store;
};

} // namespace

Checkpointer::Checkpointer(StoreUrl url, Durability durability, qint64 intervalMs)
    : m_url(std::move(url)), m_durability(durability), m_intervalMs(intervalMs)
{
    m_thread.setObjectName(QStringLiteral("herald-checkpoint"));
}

Checkpointer::~Checkpointer()
{
    stop();
}

void Checkpointer::start()
{
    if (m_thread.isRunning())
        return;
    auto *task = new CheckpointTask(m_url, m_durability, m_intervalMs);
    task->moveToThread(&m_thread);
    // Deleted in its own thread once the thread's loop ends, with its store.
    QObject::connect(&m_thread, &QThread::finished, task, &QObject::deleteLater);
    m_thread.start();
    QMetaObject::invokeMethod(task, [task] { task->begin(); }, Qt::QueuedConnection);
}

void Checkpointer::stop()
{
    m_thread.quit();
    m_thread.wait();
}

} // namespace herald
