#include "FailuresView.h"

#include "FailureGroupsModel.h"
#include "common/SectionWidgets.h"

#include "store/StoreThread.h"

#include <QComboBox>
#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace herald {

namespace {

constexpr qint64 kHourMs = 3'600'000;

} // namespace

FailuresView::FailuresView(QWidget *parent)
    : QWidget(parent),
      m_model(new FailureGroupsModel(this)),
      m_range(new QComboBox(this)),
      m_summary(new QLabel(this)),
      m_table(sortedTableView(m_model, FailureGroupsModel::SortRole, this, &m_proxy)),
      m_sample(new QPlainTextEdit(this)),
      m_show(new QPushButton(tr("Show messages"), this)),
      m_retry(new QPushButton(tr("Retry group…"), this)),
      m_cancel(new QPushButton(tr("Cancel group…"), this))
{
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->sortByColumn(FailureGroupsModel::Count, Qt::DescendingOrder);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(FailureGroupsModel::Error, QHeaderView::Stretch);

    const std::pair<QString, qint64> ranges[] = {{tr("Last hour"), kHourMs},       {tr("Last 24 hours"), 24 * kHourMs},
                                                 {tr("Last 7 days"), 7 * 24 * kHourMs}, {tr("Last 30 days"), 30 * 24 * kHourMs},
                                                 {tr("All failed messages"), 0}};
    for (const auto &[text, span] : ranges)
        m_range->addItem(text, span);
    m_range->setCurrentIndex(m_range->count() - 1);
    m_range->setToolTip(tr("Failures that happened in this range"));

    auto *header = new QHBoxLayout;
    header->addWidget(sectionTitle(tr("Failures"), this));
    header->addSpacing(12);
    header->addWidget(m_range);
    header->addWidget(m_summary, 1);

    m_sample->setReadOnly(true);
    m_sample->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_sample->setPlaceholderText(tr("Pick a group: its newest error shows here as it was"));
    m_show->setToolTip(tr("The message table, filtered by this group (its largest queue first)"));
    auto *detail = new QWidget(this);
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(new QLabel(tr("The newest error of the group, as it was:"), detail), 1);
    buttons->addWidget(m_show);
    buttons->addWidget(m_retry);
    buttons->addWidget(m_cancel);
    detailLayout->addLayout(buttons);
    detailLayout->addWidget(m_sample, 1);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(detail);
    splitter->setChildrenCollapsible(false);
    splitter->setSizes({400, 150});

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(header);
    layout->addWidget(splitter, 1);

    connect(m_range, &QComboBox::currentIndexChanged, this, &FailuresView::rangeChanged);
    connect(m_model, &FailureGroupsModel::refreshed, this, [this] {
        const QLocale locale;
        m_summary->setText(m_model->rowCount() == 0 ? tr("No failed messages in this range")
                                                    : tr("%1 failed messages in %2 groups")
                                                          .arg(locale.toString(m_model->totalFailed()), locale.toString(m_model->rowCount())));
        m_table->resizeColumnToContents(FailureGroupsModel::Count);
        m_table->resizeColumnToContents(FailureGroupsModel::Queues);
        m_table->resizeColumnToContents(FailureGroupsModel::FirstSeen);
        m_table->resizeColumnToContents(FailureGroupsModel::LastSeen);
        if (m_model->rowCount() > 0)
            selectGroup(m_model->rowOf(m_wanted) >= 0 ? m_wanted : m_model->groupAt(int(m_proxy->mapToSource(m_proxy->index(0, 0)).row())).id);
        updateDetail();
        Q_EMIT loaded();
    });
    connect(m_model, &FailureGroupsModel::refreshFailed, this, [this](const QString &error) {
        Q_EMIT statusMessage(tr("Failures cannot be read: %1").arg(error));
        Q_EMIT loaded();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this] {
        if (const auto group = currentGroup())
            m_wanted = group->id;
        updateDetail();
    });
    connect(m_table, &QAbstractItemView::activated, m_show, &QPushButton::click);
    connect(m_show, &QPushButton::clicked, this, [this] {
        if (const auto group = currentGroup()) {
            // The queue with most of the group's failures first: the table shows one queue at a time.
            QString queue;
            qint64 most = -1;
            for (auto it = group->byQueue.cbegin(); it != group->byQueue.cend(); ++it)
                if (it.value() > most) {
                    most = it.value();
                    queue = it.key();
                }
            Q_EMIT showMessagesRequested(group->selection(), group->fingerprint, queue);
        }
    });
    connect(m_retry, &QPushButton::clicked, this, [this] {
        if (const auto group = currentGroup())
            Q_EMIT retryRequested(group->selection());
    });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (const auto group = currentGroup())
            Q_EMIT cancelRequested(withRetryingMessages(group->selection()));
    });
    rangeChanged();
    updateDetail();
}

void FailuresView::setStore(StoreThread *storeThread, bool readOnly)
{
    m_readOnly = readOnly;
    m_wanted.clear();
    m_model->setStoreThread(storeThread);
    m_summary->clear();
    updateDetail();
}

void FailuresView::reload()
{
    rangeChanged();
}

void FailuresView::rangeChanged()
{
    const qint64 span = m_range->currentData().toLongLong();
    m_model->setSince(span > 0 ? std::optional<qint64>(QDateTime::currentMSecsSinceEpoch() - span) : std::nullopt);
    m_model->refresh();
}

std::optional<FailureGroup> FailuresView::currentGroup() const
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    if (!current.isValid())
        return std::nullopt;
    return m_model->groupAt(m_proxy->mapToSource(current).row());
}

void FailuresView::selectGroup(const QString &groupId)
{
    const int row = m_model->rowOf(groupId);
    if (row < 0)
        return;
    const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
    m_table->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
}

void FailuresView::updateDetail()
{
    const auto group = currentGroup();
    m_sample->setPlainText(group ? group->sample : QString());
    m_show->setEnabled(group.has_value());
    m_retry->setEnabled(group.has_value() && !m_readOnly);
    m_cancel->setEnabled(group.has_value() && !m_readOnly);
    m_retry->setToolTip(m_readOnly ? tr("The store is open read-only")
                                   : tr("Send every failed message of this group again, in every queue, after a preview (Ctrl+Z undoes it)"));
    m_cancel->setToolTip(m_readOnly ? tr("The store is open read-only")
                                    : tr("Stop retrying this cause: cancel the group's messages still to be retried, in every queue, "
                                         "after a preview; the failed ones stay as they are (Ctrl+Z undoes it)"));
}

} // namespace herald
