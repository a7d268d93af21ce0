#include "EnginesView.h"

#include "EnginesModel.h"
#include "common/SectionWidgets.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

namespace herald {

EnginesView::EnginesView(QWidget *parent)
    : QWidget(parent),
      m_model(new EnginesModel(this)),
      m_summary(new QLabel(this)),
      m_table(sortedTableView(m_model, EnginesModel::SortRole, this)),
      m_refresh(new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), tr("Refresh"), this))
{
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->sortByColumn(EnginesModel::Started, Qt::AscendingOrder);
    m_summary->setWordWrap(true);
    m_refresh->setToolTip(tr("Read the engines again (the view also does every %1 s while it is on screen)").arg(kRefreshMs / 1000));

    auto *header = new QHBoxLayout;
    header->addWidget(sectionTitle(tr("Engines"), this));
    header->addSpacing(12);
    header->addWidget(m_summary, 1);
    header->addWidget(m_refresh);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(m_table, 1);

    m_autoRefresh.setInterval(kRefreshMs);
    connect(&m_autoRefresh, &QTimer::timeout, this, &EnginesView::reload);
    connect(m_refresh, &QPushButton::clicked, this, &EnginesView::reload);
    connect(m_model, &EnginesModel::refreshed, this, [this] {
        updateSummary();
        m_table->resizeColumnsToContents();
        Q_EMIT loaded();
    });
    connect(m_model, &EnginesModel::refreshFailed, this, [this](const QString &error) {
        m_summary->setText(tr("The engines cannot be read: %1").arg(error));
        Q_EMIT loaded();
    });
}

void EnginesView::setStore(StoreThread *storeThread)
{
    m_model->setStoreThread(storeThread);
    m_summary->clear();
    if (isVisible())
        reload();
}

void EnginesView::reload()
{
    m_model->refresh();
}

void EnginesView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_autoRefresh.start();
    reload();
}

void EnginesView::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_autoRefresh.stop();
}

void EnginesView::updateSummary()
{
    const QLocale locale;
    const int stale = m_model->staleCount();
    const int live = m_model->rowCount() - stale;
    QString text;
    if (!m_model->sharedStore()) {
        text = live > 0 ? tr("A SQLite store has one engine: the process holding its lock file")
                        : tr("No engine is delivering: no process holds this SQLite store's lock file");
    } else if (live == 0) {
        text = tr("No engine is delivering from this store: start one with `heraldctl work`, or a console with delivery on");
    } else {
        text = live == 1 ? tr("1 engine delivering") : tr("%1 engines delivering").arg(locale.toString(live));
    }
    if (stale > 0)
        text += stale == 1 ? tr("; 1 stale, silent or gone") : tr("; %1 stale, silent or gone").arg(locale.toString(stale));
    m_summary->setText(text);
}

} // namespace herald
