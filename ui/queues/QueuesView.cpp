#include "QueuesView.h"

#include "QueueListModel.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QScrollBar>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

namespace herald {

QueuesView::QueuesView(QueueListModel *model, QWidget *parent) : QWidget(parent), m_model(model), m_view(new QTreeView(this))
{
    m_view->setModel(m_model);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setAlternatingRowColors(true);
    QHeaderView *header = m_view->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(QHeaderView::ResizeToContents);
    header->setSectionResizeMode(QueueListModel::NameColumn, QHeaderView::Stretch);
    header->setMinimumSectionSize(header->fontMetrics().horizontalAdvance(QStringLiteral("0000")));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &QueuesView::currentRowChanged);
    // A reset (another store) drops the selection without a currentRowChanged.
    connect(m_model, &QAbstractItemModel::modelReset, this, &QueuesView::currentRowChanged);
}

QueuesView::~QueuesView() = default;

QSize QueuesView::sizeHint() const
{
    const QHeaderView *header = m_view->header();
    // QTreeView narrows sizeHintForColumn() to protected; the public base declaration reaches the same override.
    const QAbstractItemView *view = m_view;
    int width = 2 * m_view->frameWidth() + m_view->verticalScrollBar()->sizeHint().width();
    for (int column = 0; column < m_model->columnCount(); ++column)
        width += std::max(header->sectionSizeHint(column), view->sizeHintForColumn(column));
    return {width, QWidget::sizeHint().height()};
}

void QueuesView::setCurrentQueue(const QString &queue)
{
    const int row = m_model->rowOf(queue);
    if (row < 0) {
        m_view->selectionModel()->clear();
        return;
    }
    m_view->selectionModel()->setCurrentIndex(m_model->index(row, 0),
                                              QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
}

void QueuesView::currentRowChanged()
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    const QString queue = current.isValid() ? current.data(QueueListModel::QueueNameRole).toString() : QString();
    if (queue == m_currentQueue)
        return;
    m_currentQueue = queue;
    Q_EMIT queueSelected(queue);
}

} // namespace herald
