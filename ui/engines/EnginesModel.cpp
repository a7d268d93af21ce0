#include "EnginesModel.h"

#include "runtime/Engine.h"
#include "store/StoreThread.h"

#include <QApplication>
#include <QBrush>
#include <QDateTime>
#include <QFont>
#include <QLocale>
#include <QPalette>

#include <algorithm>

namespace herald {

namespace {

// What one refresh reads in the store thread.
struct EnginesReading
{
    QList<EngineRow> rows;
    qint64 readAt = 0;
    bool shared = false;
};

Result<EnginesReading> readEngines(Store &store)
{
    auto engines = store.engines();
    if (!engines)
        return engines.error();
    EnginesReading reading;
    reading.readAt = QDateTime::currentMSecsSinceEpoch();
    reading.shared = store.capabilities().sharedStore();
    for (const Store::EngineInfo &e : std::as_const(*engines))
        reading.rows << EngineRow{e, false, {}, reading.readAt - e.heartbeatAt > Store::kEngineSilenceMs};
    // A SQLite store's one engine registers nowhere: it holds the store's lock file (Engine::start).
    if (store.capabilities().singleWriterLock) {
        if (const auto holder = Engine::lockHolderOf(store.url())) {
            EngineRow row;
            row.lockFile = true;
            row.info.host = holder->host;
            row.info.pid = holder->pid;
            row.info.startedAt = holder->since;
            row.application = holder->application;
            row.stale = holder->gone;
            reading.rows << row;
        }
    }
    return reading;
}

constexpr qint64 kSecondMs = 1'000;
constexpr qint64 kMinuteMs = 60 * kSecondMs;
constexpr qint64 kHourMs = 60 * kMinuteMs;

} // namespace

EnginesModel::EnginesModel(QObject *parent) : QAbstractTableModel(parent) {}

void EnginesModel::setStoreThread(StoreThread *storeThread)
{
    ++m_generation;
    m_storeThread = storeThread;
    beginResetModel();
    m_rows.clear();
    m_loaded = false;
    m_shared = false;
    endResetModel();
}

void EnginesModel::refresh()
{
    if (!m_storeThread)
        return;
    const quint64 generation = ++m_generation;
    m_storeThread->post(this, &readEngines, [this, generation](Result<EnginesReading> reading) {
        if (generation != m_generation)
            return;
        if (!reading) {
            Q_EMIT refreshFailed(reading.errorString());
            return;
        }
        beginResetModel();
        m_rows = std::move(reading->rows);
        m_readAt = reading->readAt;
        m_shared = reading->shared;
        m_loaded = true;
        endResetModel();
        Q_EMIT refreshed();
    });
}

int EnginesModel::staleCount() const
{
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(), [](const EngineRow &r) { return r.stale; }));
}

QString EnginesModel::spanText(qint64 ms)
{
    ms = std::max<qint64>(0, ms);
    if (ms < kMinuteMs)
        return tr("%1 s").arg(ms / kSecondMs);
    if (ms < kHourMs)
        return tr("%1 min").arg(ms / kMinuteMs);
    const qint64 minutes = (ms % kHourMs) / kMinuteMs;
    return minutes == 0 ? tr("%1 h").arg(ms / kHourMs) : tr("%1 h %2 min").arg(ms / kHourMs).arg(minutes);
}

int EnginesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EnginesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EnginesModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const EngineRow &r = m_rows.at(index.row());
    switch (role) {
    case EngineIdRole: return r.info.id;
    case StaleRole: return r.stale;
    case SortRole:
        switch (index.column()) {
        case Pid: return r.info.pid;
        case Started: return r.info.startedAt;
        case Heartbeat: return r.info.heartbeatAt;
        case InFlight: return r.info.inFlight;
        case Status: return r.stale;
        default: return display(r, index.column());
        }
    case Qt::TextAlignmentRole:
        return index.column() == Pid || index.column() == InFlight ? QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ForegroundRole:
        // A stale engine is history, not capacity: greyed like text that is not there.
        return r.stale ? QVariant(QApplication::palette().brush(QPalette::Disabled, QPalette::Text)) : QVariant();
    case Qt::FontRole:
        if (r.stale && index.column() == Status) {
            QFont italic;
            italic.setItalic(true);
            return italic;
        }
        return {};
    case Qt::ToolTipRole: return toolTip(r, index.column());
    case Qt::DisplayRole: return display(r, index.column());
    default: return {};
    }
}

QVariant EnginesModel::display(const EngineRow &r, int column) const
{
    const QLocale locale;
    const QString none = QStringLiteral("—");
    switch (column) {
    case Host: return r.info.host;
    case Pid: return QString::number(r.info.pid);
    case Version: return r.lockFile ? none : r.info.version;
    case Started:
        return r.info.startedAt > 0 ? locale.toString(QDateTime::fromMSecsSinceEpoch(r.info.startedAt), QLocale::ShortFormat) : none;
    case Heartbeat: return r.lockFile ? none : tr("%1 ago").arg(spanText(m_readAt - r.info.heartbeatAt));
    case InFlight: return r.lockFile ? none : locale.toString(r.info.inFlight);
    case Queues:
        if (r.lockFile)
            return none;
        return r.info.queues.isEmpty() ? tr("all") : r.info.queues.join(QStringLiteral(", "));
    case Status:
        if (r.lockFile)
            return r.stale ? tr("stale — its process is gone") : tr("live — holds the lock file");
        return r.stale ? tr("stale — silent for %1").arg(spanText(m_readAt - r.info.heartbeatAt)) : tr("live");
    }
    return {};
}

QVariant EnginesModel::toolTip(const EngineRow &r, int column) const
{
    const QLocale locale;
    switch (column) {
    case Host:
        return r.lockFile ? tr("%1, pid %2: the process holding the store's lock file").arg(r.info.host).arg(r.info.pid)
                          : tr("Engine %1").arg(r.info.id);
    case Version:
        return r.lockFile ? tr("The lock file names the program (%1), not its version").arg(r.application) : QVariant();
    case Started:
        return r.info.startedAt > 0 ? locale.toString(QDateTime::fromMSecsSinceEpoch(r.info.startedAt), QLocale::LongFormat) : QVariant();
    case Heartbeat:
        return r.lockFile ? tr("A SQLite store's engine keeps no heartbeat: holding the lock file says it runs")
                          : locale.toString(QDateTime::fromMSecsSinceEpoch(r.info.heartbeatAt), QLocale::LongFormat);
    case InFlight:
        return r.lockFile ? tr("The delivery status in the status bar says what the engine of a SQLite store has in flight") : QVariant();
    case Status:
        if (r.lockFile)
            return r.stale ? tr("The process that wrote the lock file has ended; the next engine to start takes the store over")
                           : tr("The one engine a SQLite store has: the process holding its lock file");
        return r.stale ? tr("No heartbeat for more than %1: the engine has stopped, crashed or lost the store. Its leases "
                            "expire and other engines take its messages over; an hour on, it is forgotten")
                             .arg(spanText(Store::kEngineSilenceMs))
                       : tr("Its heartbeat is younger than %1").arg(spanText(Store::kEngineSilenceMs));
    }
    return {};
}

QVariant EnginesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case Heartbeat: return tr("How long ago the engine last said it was alive; the exact time in each cell's tooltip");
        case InFlight: return tr("Deliveries the engine was running at its last heartbeat");
        case Queues: return tr("The queues the engine delivers from");
        }
        return {};
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Host: return tr("Host");
    case Pid: return tr("PID");
    case Version: return tr("Version");
    case Started: return tr("Started");
    case Heartbeat: return tr("Last heartbeat");
    case InFlight: return tr("In flight");
    case Queues: return tr("Queues");
    case Status: return tr("Status");
    }
    return {};
}

} // namespace herald
