#include "FailureGroupsModel.h"

#include "store/StoreThread.h"

#include <QDateTime>
#include <QLocale>

namespace herald {

FailureGroupsModel::FailureGroupsModel(QObject *parent) : QAbstractTableModel(parent) {}

void FailureGroupsModel::setStoreThread(StoreThread *storeThread)
{
    ++m_generation;
    m_storeThread = storeThread;
    beginResetModel();
    m_groups.clear();
    m_loaded = false;
    endResetModel();
}

void FailureGroupsModel::setSince(std::optional<qint64> since)
{
    m_since = since;
}

void FailureGroupsModel::refresh()
{
    if (!m_storeThread)
        return;
    const quint64 generation = ++m_generation;
    m_storeThread->post(
        this, [since = m_since](Store &store) { return failureGroups(store, since); },
        [this, generation](Result<QList<FailureGroup>> groups) {
            if (generation != m_generation)
                return;
            if (!groups) {
                Q_EMIT refreshFailed(groups.errorString());
                return;
            }
            beginResetModel();
            m_groups = std::move(*groups);
            m_loaded = true;
            endResetModel();
            Q_EMIT refreshed();
        });
}

int FailureGroupsModel::rowOf(const QString &groupId) const
{
    for (int row = 0; row < m_groups.size(); ++row)
        if (m_groups.at(row).id == groupId)
            return row;
    return -1;
}

qint64 FailureGroupsModel::totalFailed() const
{
    qint64 n = 0;
    for (const FailureGroup &g : m_groups)
        n += g.count;
    return n;
}

int FailureGroupsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_groups.size());
}

int FailureGroupsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FailureGroupsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_groups.size())
        return {};
    const FailureGroup &g = m_groups.at(index.row());
    const QLocale locale;
    switch (role) {
    case GroupIdRole: return g.id;
    case SortRole:
        switch (index.column()) {
        case Count: return g.count;
        case FirstSeen: return g.firstSeen;
        case LastSeen: return g.lastSeen;
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::TextAlignmentRole:
        return index.column() == Count ? QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == Error)
            return tr("Group %1. The newest error, as it was:\n%2").arg(g.id, g.sample);
        return {};
    case Qt::DisplayRole:
        switch (index.column()) {
        case Count: return locale.toString(g.count);
        case Error: return g.fingerprint;
        case Queues: return g.queuesText();
        case FirstSeen: return locale.toString(QDateTime::fromMSecsSinceEpoch(g.firstSeen), QLocale::ShortFormat);
        case LastSeen: return locale.toString(QDateTime::fromMSecsSinceEpoch(g.lastSeen), QLocale::ShortFormat);
        }
        return {};
    default: return {};
    }
}

QVariant FailureGroupsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole && section == Error)
        return tr("The error with its digits, ids, addresses and URLs normalised: failures with the same cause share a row");
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Count: return tr("Failed");
    case Error: return tr("Error");
    case Queues: return tr("Queues");
    case FirstSeen: return tr("First");
    case LastSeen: return tr("Last");
    }
    return {};
}

} // namespace herald
