#include "ScrollAnchor.h"

#include <QHeaderView>
#include <QScrollBar>
#include <QTableView>

namespace herald {

ScrollAnchor::ScrollAnchor(QTableView *view) : QObject(view), m_view(view)
{
    QAbstractItemModel *model = m_view->model();
    connect(model, &QAbstractItemModel::rowsAboutToBeInserted, this, &ScrollAnchor::rowsAboutToBeInserted);
    connect(model, &QAbstractItemModel::rowsInserted, this, &ScrollAnchor::rowsInserted);
}

ScrollAnchor::~ScrollAnchor() = default;

void ScrollAnchor::rowsAboutToBeInserted(const QModelIndex &parent, int first, int last)
{
    const QScrollBar *bar = m_view->verticalScrollBar();
    m_shiftBy = !parent.isValid() && first <= m_view->rowAt(0) && bar->value() > bar->minimum() ? last - first + 1 : 0;
}

void ScrollAnchor::rowsInserted()
{
    if (m_shiftBy == 0)
        return;
    QScrollBar *bar = m_view->verticalScrollBar();
    const int step = m_view->verticalScrollMode() == QAbstractItemView::ScrollPerItem ? 1 : m_view->verticalHeader()->defaultSectionSize();
    const int shift = m_shiftBy * step;
    m_shiftBy = 0;
    // The view recomputes the range only at its next layout; widen it now so the value is not clamped
    // to the old end. The layout then sets the same range again.
    bar->setMaximum(bar->maximum() + shift);
    bar->setValue(bar->value() + shift);
}

} // namespace herald
