#include "CleanupScheduler.h"

#include "CleanupSchedule.h"
#include "model/TimeText.h"
#include "store/Store.h"

#include <QCoreApplication>
#include <QSysInfo>
#include <QTimer>

#include <algorithm>
#include <climits>

namespace herald {

// The scheduler's side in its thread: a store connection opened and closed there, and a timer that
// looks at the schedule at the next run or every recheckMs, whichever comes first.
class CleanupScheduler::Worker : public QObject
{
public:
    Worker(StoreUrl url, CleanupSchedulerOptions options, const std::atomic_bool *cancel)
        : m_url(std::move(url)), m_options(std::move(options)), m_cancel(cancel), m_timer(this)
    {
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &Worker::check);
    }

    void start()
    {
        Store::OpenOptions o;
        o.clock = m_options.clock;
        auto store = Store::open(m_url, o);
        if (!store) {
            qWarning("herald: the cleanup schedule is not running: %s", qPrintable(store.errorString()));
            return;
        }
        m_store = std::move(store).value();
        m_startedAt = m_store->now();
        check();
    }

    void check()
    {
        if (!m_store || m_cancel->load())
            return;
        const qint64 now = m_store->now();
        auto settings = m_store->cleanupSchedule();
        auto last = m_store->cleanupRuns(1, QStringLiteral("schedule"));
        if (!settings || !last) {
            qWarning("herald: reading the cleanup schedule: %s", qPrintable(settings ? last.errorString() : settings.errorString()));
            arm(m_options.recheckMs);
            return;
        }
        const std::optional<qint64> lastStart = last->isEmpty() ? std::nullopt : std::optional<qint64>(last->first().startedAt);
        std::optional<qint64> next = CleanupSchedule::nextRun(*settings, lastStart, m_startedAt, m_options.zone);
        // On a shared store every engine has a scheduler: the one holding the "cleanup" lease runs it;
        // the others then see its run recorded and wait for the next occurrence.
        bool leads = true;
        if (next && *next <= now) {
            auto lead = m_store->tryLead(QStringLiteral("cleanup"), m_holder, kLeadMs);
            if (!lead)
                qWarning("herald: the cleanup lease: %s", qPrintable(lead.errorString()));
            leads = lead && *lead;
        }
        if (next && *next <= now && leads) {
            run(*settings);
            if (m_cancel->load())
                return;
            next = CleanupSchedule::nextRun(*settings, m_store->now(), m_startedAt, m_options.zone);
        }
        arm(next ? *next - m_store->now() : m_options.recheckMs);
    }

private:
    void run(const CleanupScheduleSettings &settings)
    {
        ActionProgress progress;
        progress.cancel = m_cancel;
        auto result = runRecordedCleanup(*m_store, CleanupSchedule::policy(settings), CleanupOptions{}, QStringLiteral("schedule"), progress);
        if (!result)
            qWarning("herald: the scheduled cleanup failed: %s", qPrintable(result.errorString()));
        else if (result->removed.messageTotal() + result->removed.outbox + result->removed.audit + result->removed.emailEvents > 0)
            qInfo("herald: the scheduled cleanup removed %lld messages, %lld outbox renderings, %lld audit entries, %lld e-mail events%s",
                  result->removed.messageTotal(), result->removed.outbox, result->removed.audit, result->removed.emailEvents,
                  result->cancelled ? " (stopped)" : "");
    }

    void arm(qint64 ms)
    {
        m_timer.start(int(std::clamp<qint64>(ms, 0, std::min<qint64>(m_options.recheckMs, INT_MAX))));
    }

    static constexpr qint64 kLeadMs = 3'600'000; // longer than a run takes to be recorded as started

    StoreUrl m_url;
    CleanupSchedulerOptions m_options;
    const QString m_holder = QStringLiteral("%1:%2:%3")
                                 .arg(QSysInfo::machineHostName())
                                 .arg(QCoreApplication::applicationPid())
                                 .arg(quintptr(this), 0, 16);
    const std::atomic_bool *m_cancel;
    QTimer m_timer;
    std::unique_ptr<Store> m_store;
    qint64 m_startedAt = 0;
};

CleanupScheduler::CleanupScheduler(StoreUrl url, CleanupSchedulerOptions options) : m_url(std::move(url)), m_options(std::move(options))
{
    m_thread.setObjectName(QStringLiteral("herald-cleanup"));
}

CleanupScheduler::~CleanupScheduler()
{
    stop();
}

void CleanupScheduler::start()
{
    if (m_worker)
        return;
    m_cancel = false;
    m_worker = new Worker(m_url, m_options, &m_cancel);
    m_worker->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start(QThread::LowPriority);
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(worker, [worker] { worker->start(); }, Qt::QueuedConnection);
}

void CleanupScheduler::stop()
{
    if (!m_worker)
        return;
    m_cancel = true; // a run under way stops after its chunk
    m_thread.quit();
    m_thread.wait();
    m_worker = nullptr; // deleted in its thread on finished
}

} // namespace herald
