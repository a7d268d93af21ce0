#include "PagedTableModel.h"

namespace herald {

bool PagedTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_storeThread && !m_atEnd && !m_loading;
}

void PagedTableModel::fetchMore(const QModelIndex &parent)
{
    if (!parent.isValid())
        request();
}

void PagedTableModel::startOver()
{
    ++m_generation; // answers still on their way are dropped
    beginResetModel();
    clearRows();
    m_atEnd = false;
    m_loading = false;
    endResetModel();
    request();
}

void PagedTableModel::request()
{
    if (!m_storeThread || m_loading || m_atEnd)
        return;
    m_loading = true;
    requestPage(m_generation);
}

void PagedTableModel::pageFailed(const QString &error)
{
    m_atEnd = true; // nothing more is asked for until the model starts over
    m_loading = false;
    Q_EMIT failed(error);
    Q_EMIT loaded();
}

void PagedTableModel::pageArrived(qsizetype rows)
{
    m_atEnd = rows < kPageSize;
    m_loading = false;
    Q_EMIT loaded();
}

} // namespace herald
