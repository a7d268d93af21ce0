#include "SuppressionsModel.h"


#include <QDateTime>

namespace herald {

namespace {

QString when(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace

void SuppressionsModel::setFilter(const EmailStore::SuppressionFilter &filter)
{
    m_filter = filter;
    startOver();
}

SuppressionsModel::Read SuppressionsModel::pageAfter(const Suppression *last) const
{
    EmailStore::SuppressionFilter filter = m_filter;
    filter.afterAddress = last ? last->address : QString();
    filter.limit = kPageSize;
    return [filter](Store &store) { return EmailStore(store).suppressions(filter); };
}

int SuppressionsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString SuppressionsModel::cell(const Suppression &s, int column) const
{
    switch (column) {
    case Address: return s.address;
    case Reason: return s.reason;
    case Since: return when(s.createdAt);
    case Until: return s.expiresAt ? when(*s.expiresAt) : tr("for ever");
    case SourceEvent: return s.sourceEvent;
    case Note: return s.note;
    default: return {};
    }
}

QVariant SuppressionsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Suppression &s = *entry(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case Qt::ToolTipRole: return cell(s, index.column());
    case Qt::UserRole: return s.address;
    default: return {};
    }
}

QVariant SuppressionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Address: return tr("Address");
    case Reason: return tr("Reason");
    case Since: return tr("Since");
    case Until: return tr("Until");
    case SourceEvent: return tr("Source event");
    case Note: return tr("Note");
    default: return {};
    }
}

} // namespace herald
