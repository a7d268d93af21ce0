#include "Engine.h"

#include "store/Backend.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QSysInfo>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <signal.h>
#endif

namespace herald {

Engine::Engine(StoreUrl url, RuntimeOptions options, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_options(std::move(options))
{
    m_owner = QStringLiteral("%1:%2:%3")
                  .arg(QSysInfo::machineHostName())
                  .arg(QCoreApplication::applicationPid())
                  .arg(QRandomGenerator::global()->generate() % 100000);
    m_thread.setObjectName(QStringLiteral("herald-runtime"));
}

Engine::~Engine()
{
    if (m_runtime) {
        Runtime *runtime = m_runtime;
        // Waits on the runtime thread, which never waits on this one.
        QMetaObject::invokeMethod(runtime, [runtime] { runtime->stop(0); }, Qt::BlockingQueuedConnection);
    }
    m_cleanup.reset(); // after the runtime: joining it first would let the runtime start claiming meanwhile
    m_thread.quit();
    m_thread.wait();
}

std::optional<Engine::LockHolder> Engine::lockHolderOf(const StoreUrl &url)
{
    const QString path = url.sqlitePath() + QStringLiteral(".lock");
    LockHolder holder;
    if (!QLockFile(path).getLockInfo(&holder.pid, &holder.host, &holder.application))
        return std::nullopt;
    holder.since = QFileInfo(path).lastModified().toMSecsSinceEpoch();
#ifdef Q_OS_UNIX
    // What QLockFile checks before it takes over a lock; a process on another host cannot be asked.
    holder.gone = holder.host == QSysInfo::machineHostName() && holder.pid > 0 && ::kill(pid_t(holder.pid), 0) != 0 && errno == ESRCH;
#endif
    return holder;
}

Result<Engine::Mode> Engine::start(ExitWhen exitWhen)
{
    if (m_mode != Mode::Stopped)
        return m_mode;
    const auto backend = Backend::forUrl(m_url);
    if (!backend)
        return backend.error();
    if ((*backend)->capabilities().singleWriterLock) {
        // One engine per SQLite file runs workers; the lock dies with its process (kill -9 included).
        m_lock = std::make_unique<QLockFile>(m_url.sqlitePath() + QStringLiteral(".lock"));
        m_lock->setStaleLockTime(0);
        if (!m_lock->tryLock(0)) {
            if (m_lock->error() != QLockFile::LockFailedError)
                return Error::runtime(QStringLiteral("cannot create the lock file %1.lock; check the folder's permissions").arg(m_url.sqlitePath()));
            qint64 pid = 0;
            QString host, app;
            m_lock->getLockInfo(&pid, &host, &app);
            m_lockHolder = QStringLiteral("process %1 on %2").arg(pid).arg(host);
            m_lock.reset();
            m_mode = Mode::Attached;
            return m_mode;
        }
    }
    if (m_options.cleanup.enabled) {
        m_cleanup = std::make_unique<CleanupScheduler>(m_url, m_options.cleanup);
        m_cleanup->start();
    }
    m_runtime = new Runtime(m_url, m_options, m_owner);
    m_runtime->setExitWhen(exitWhen);
    m_runtime->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_runtime, &QObject::deleteLater);
    // Emitted in the runtime thread, delivered here.
    connect(m_runtime, &Runtime::delivered, this, [this](const QList<DeliveryRecord> &records) {
        for (const DeliveryRecord &r : records)
            Q_EMIT delivered(r);
    });
    connect(m_runtime, &Runtime::statusChanged, this, &Engine::statusChanged);
    connect(m_runtime, &Runtime::finished, this, &Engine::runtimeFinished);
    m_thread.start();
    Runtime *runtime = m_runtime;
    QMetaObject::invokeMethod(
        runtime,
        [runtime] {
            if (auto s = runtime->start(); !s)
                runtime->finishWithError(s.errorString());
        },
        Qt::QueuedConnection);
    m_mode = Mode::Running;
    return m_mode;
}

void Engine::wake()
{
    if (Runtime *runtime = m_runtime)
        QMetaObject::invokeMethod(runtime, [runtime] { runtime->wake(); }, Qt::QueuedConnection);
}

void Engine::setPaused(bool paused)
{
    if (Runtime *runtime = m_runtime)
        QMetaObject::invokeMethod(runtime, [runtime, paused] { runtime->setPaused(paused); }, Qt::QueuedConnection);
}

void Engine::stop(qint64 timeoutMs)
{
    if (Runtime *runtime = m_runtime)
        QMetaObject::invokeMethod(runtime, [runtime, timeoutMs] { runtime->stop(timeoutMs); }, Qt::QueuedConnection);
    else if (m_mode == Mode::Attached) {
        m_mode = Mode::Stopped;
        Q_EMIT finished(QString());
    }
}

void Engine::runtimeFinished(const QString &error)
{
    m_runtime = nullptr; // deleted with its thread
    m_cleanup.reset();
    m_thread.quit();
    m_thread.wait();
    m_lock.reset();
    m_mode = Mode::Stopped;
    Q_EMIT finished(error);
}

} // namespace herald
