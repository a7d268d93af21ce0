#include "SuppressionsModel.h"

#include "store/StoreThread.h"

#include <QDateTime>

namespace herald {

namespace {

QString when(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace

SuppressionsModel::SuppressionsModel(QObject *parent) : QAbstractTableModel(parent) {}

void SuppressionsModel::setStoreThread(StoreThread *storeThread)
{
    m_storeThread = storeThread; // read from at the next setFilter() or reload()
}

void SuppressionsModel::setFilter(const EmailStore::SuppressionFilter &filter)
{
    ++m_generation; // answers to the previous filter are dropped
    m_filter = filter;
    m_filter.afterAddress.clear();
    m_filter.limit = kPageSize;
    beginResetModel();
    m_entries.clear();
    m_atEnd = false;
    m_loading = false;
    endResetModel();
    request();
}

void SuppressionsModel::request()
{
    if (!m_storeThread || m_loading || m_atEnd)
        return;
    m_loading = true;
    EmailStore::SuppressionFilter filter = m_filter;
    filter.afterAddress = m_entries.isEmpty() ? QString() : m_entries.constLast().address;
    const quint64 generation = m_generation;
    m_storeThread->post(
        this, [filter](Store &store) { return EmailStore(store).suppressions(filter); },
        [this, generation](Result<QList<Suppression>> page) {
            if (generation != m_generation)
                return;
            if (!page) {
                m_atEnd = true; // nothing more is asked for until the next reload
                m_loading = false;
                Q_EMIT failed(page.errorString());
                Q_EMIT loaded();
                return;
            }
            // Still loading while the rows go in: a view (or a tester) that asks for more from its
            // rowsInserted handlers must not read the page after this one before this one is in.
            m_atEnd = page->size() < kPageSize;
            if (!page->isEmpty()) {
                const int first = int(m_entries.size());
                beginInsertRows({}, first, first + int(page->size()) - 1);
                m_entries += *page;
                endInsertRows();
            }
            m_loading = false;
            Q_EMIT loaded();
        });
}

int SuppressionsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
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
    const Suppression &s = m_entries.at(index.row());
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

bool SuppressionsModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_storeThread && !m_atEnd && !m_loading;
}

void SuppressionsModel::fetchMore(const QModelIndex &parent)
{
    if (!parent.isValid())
        request();
}

} // namespace herald
