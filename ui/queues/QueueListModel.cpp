#include "QueueListModel.h"

#include "store/StoreThread.h"

#include <QFont>
#include <QGuiApplication>
#include <QPalette>

#include <algorithm>

namespace herald {

QueueListModel::QueueListModel(QObject *parent) : QAbstractTableModel(parent) {}

QueueListModel::~QueueListModel() = default;

StoreThread *QueueListModel::storeThread() const
{
    return m_storeThread;
}

void QueueListModel::setStoreThread(StoreThread *storeThread)
{
    beginResetModel();
    m_storeThread = storeThread;
    m_rows.clear();
    ++m_generation;
    m_inFlight = false;
    m_refreshAgain = false;
    m_loaded = false;
    m_error.clear();
    endResetModel();
    refresh();
}

void QueueListModel::refresh()
{
    if (!m_storeThread)
        return;
    if (m_inFlight) {
        m_refreshAgain = true;
        return;
    }
    m_inFlight = true;
    const quint64 generation = m_generation;
    m_storeThread->post(
        this,
        [](Store &store) -> Result<QList<QueueCounts>> {
            if (auto there = store.checkStillThere(); !there)
                return there.error();
            return store.stats();
        },
        [this, generation](Result<QList<QueueCounts>> counts) {
            if (generation != m_generation)
                return;
            m_inFlight = false;
            if (counts) {
                m_error.clear();
                m_loaded = true;
                apply(std::move(counts).value());
                Q_EMIT refreshed();
            } else {
                m_error = counts.errorString();
                Q_EMIT refreshFailed(m_error);
            }
            if (m_refreshAgain) {
                m_refreshAgain = false;
                refresh();
            }
        });
}

void QueueListModel::apply(QList<QueueCounts> fresh)
{
    // The model decides the order, not the database's collation, so that the merge below can rely on it.
    std::sort(fresh.begin(), fresh.end(), [](const QueueCounts &a, const QueueCounts &b) { return a.queue < b.queue; });
    const auto inFresh = [&fresh](const QString &name) {
        return std::any_of(fresh.cbegin(), fresh.cend(), [&name](const QueueCounts &c) { return c.queue == name; });
    };

    // Vanished queues first, from the back so the rows still to visit keep their numbers.
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        if (!inFresh(m_rows.at(row).queue)) {
            beginRemoveRows({}, row, row);
            m_rows.removeAt(row);
            endRemoveRows();
        }
    }
    // What is left is a sorted subset of fresh: walking both in step finds where new queues go.
    for (int row = 0; row < int(fresh.size()); ++row) {
        if (row < int(m_rows.size()) && m_rows.at(row).queue == fresh.at(row).queue)
            continue;
        beginInsertRows({}, row, row);
        m_rows.insert(row, fresh.at(row));
        endInsertRows();
    }

    int firstChanged = -1;
    int lastChanged = -1;
    for (int row = 0; row < int(m_rows.size()); ++row) {
        QueueCounts &current = m_rows[row];
        const QueueCounts &next = fresh.at(row);
        if (current.paused == next.paused && current.byState == next.byState)
            continue;
        current = next;
        if (firstChanged < 0)
            firstChanged = row;
        lastChanged = row;
    }
    if (firstChanged >= 0)
        Q_EMIT dataChanged(index(firstChanged, 0), index(lastChanged, ColumnCount - 1));
}

int QueueListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int QueueListModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

std::optional<MessageState> QueueListModel::stateOfColumn(int column)
{
    switch (column) {
    case ScheduledColumn: return MessageState::Scheduled;
    case WaitingColumn: return MessageState::Waiting;
    case ActiveColumn: return MessageState::Active;
    case CompletedColumn: return MessageState::Completed;
    case FailedColumn: return MessageState::Failed;
    case CancelledColumn: return MessageState::Cancelled;
    default: return std::nullopt;
    }
}

QVariant QueueListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QueueCounts &counts = m_rows.at(index.row());
    const int column = index.column();
    const qint64 count = column == TotalColumn ? counts.total()
                         : stateOfColumn(column) ? counts.count(*stateOfColumn(column))
                                                 : 0;

    switch (role) {
    case Qt::DisplayRole:
        if (column == NameColumn)
            return counts.paused ? tr("%1 (paused)").arg(counts.queue) : counts.queue;
        return count;
    case Qt::ToolTipRole:
        if (column == NameColumn && counts.paused)
            return tr("Queue %1 is paused: its messages are kept but none is delivered until it is resumed.").arg(counts.queue);
        return {};
    case Qt::TextAlignmentRole:
        if (column == NameColumn)
            return QVariant::fromValue(Qt::AlignLeft | Qt::AlignVCenter);
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    case Qt::ForegroundRole:
        // Zeros recede so that the states holding messages stand out when scanning the list.
        if ((column != NameColumn && count == 0) || (column == NameColumn && counts.paused))
            return QGuiApplication::palette().color(QPalette::PlaceholderText);
        return {};
    case Qt::FontRole:
        if (column == NameColumn && counts.paused) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case QueueNameRole: return counts.queue;
    case PausedRole: return counts.paused;
    default: return {};
    }
}

QVariant QueueListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::TextAlignmentRole)
        return QVariant::fromValue((section == NameColumn ? Qt::AlignLeft : Qt::AlignRight) | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole) {
        switch (section) {
        case ScheduledColumn: return tr("Waiting for their time or for a retry back-off");
        case WaitingColumn: return tr("Due and ready to be delivered");
        case ActiveColumn: return tr("Being delivered by a worker now");
        case CompletedColumn: return tr("Delivered");
        case FailedColumn: return tr("Gave up: permanent error or attempts exhausted");
        case CancelledColumn: return tr("Cancelled by an operator");
        case TotalColumn: return tr("Every message the queue holds");
        default: return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn: return tr("Queue");
    case ScheduledColumn: return tr("Scheduled");
    case WaitingColumn: return tr("Waiting");
    case ActiveColumn: return tr("Active");
    case CompletedColumn: return tr("Completed");
    case FailedColumn: return tr("Failed");
    case CancelledColumn: return tr("Cancelled");
    case TotalColumn: return tr("Total");
    default: return {};
    }
}

int QueueListModel::rowOf(const QString &queue) const
{
    for (int row = 0; row < int(m_rows.size()); ++row)
        if (m_rows.at(row).queue == queue)
            return row;
    return -1;
}

QueueCounts QueueListModel::totals() const
{
    QueueCounts sum;
    for (const QueueCounts &counts : m_rows)
        for (size_t i = 0; i < sum.byState.size(); ++i)
            sum.byState[i] += counts.byState[i];
    return sum;
}

} // namespace herald
