#include "MessagesView.h"

#include "MessageFilterBar.h"
#include "MessageTableModel.h"
#include "common/ScrollAnchor.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QMimeData>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QSignalBlocker>
#include <QStackedWidget>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace herald {

namespace {

int sortValue(MessageSort sort, bool descending)
{
    return int(sort) * 2 + (descending ? 1 : 0);
}

// The header column of an order; created has none of its own and shows on the id, which follows it.
int sortColumn(MessageSort sort)
{
    switch (sort) {
    case MessageSort::RunAt: return MessageTableModel::RunAtColumn;
    case MessageSort::Priority: return MessageTableModel::PriorityColumn;
    case MessageSort::Id:
    case MessageSort::CreatedAt: return MessageTableModel::IdColumn;
    }
    return MessageTableModel::IdColumn;
}

} // namespace

MessagesView::MessagesView(MessageTableModel *model, QWidget *parent)
    : QWidget(parent),
      m_model(model),
      m_title(new QLabel(this)),
      m_summary(new QLabel(this)),
      m_filterBar(new MessageFilterBar(this)),
      m_sortCombo(new QComboBox(this)),
      m_body(new QStackedWidget(this)),
      m_table(new QTableView(m_body)),
      m_placeholder(new QLabel(m_body))
{
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setForegroundRole(QPalette::PlaceholderText);

    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    new ScrollAnchor(m_table);

    // Widths from the text each column usually holds, measured once: resizing to contents would
    // re-measure every loaded row on every page and make the columns jump while scrolling.
    QHeaderView *header = m_table->horizontalHeader();
    header->setHighlightSections(false);
    header->setStretchLastSection(true);
    header->setSectionResizeMode(QHeaderView::Interactive);
    const QFontMetrics metrics = m_table->fontMetrics();
    const int padding = 2 * metrics.averageCharWidth() + 2 * m_table->style()->pixelMetric(QStyle::PM_FocusFrameHMargin);
    const auto widthFor = [&](const QString &sample) { return metrics.horizontalAdvance(sample) + padding; };
    const auto headerWidth = [&](int column) { return header->sectionSizeHint(column); };
    const std::pair<int, QString> samples[] = {
        {MessageTableModel::IdColumn, QStringLiteral("000000")},
        {MessageTableModel::TypeColumn, QStringLiteral("achievement_reward")},
        {MessageTableModel::ChannelColumn, QStringLiteral("webhook")},
        {MessageTableModel::RecipientColumn, QStringLiteral("+5511987654321")},
        {MessageTableModel::StateColumn, QStringLiteral("completed")},
        {MessageTableModel::PriorityColumn, QStringLiteral("10")},
        {MessageTableModel::RunAtColumn, QStringLiteral("2026-11-24 09:30 CEST · 23 h 59 min late")},
        {MessageTableModel::AttemptsColumn, QStringLiteral("10/10")},
        {MessageTableModel::LabelsColumn, QStringLiteral("contractor=56 event=41")},
        // Only a start when the window is narrow: as the last section it stretches to fill what is left.
        {MessageTableModel::LastErrorColumn, QStringLiteral("503 Service Unavailable from the gateway")},
    };
    for (const auto &[column, sample] : samples)
        header->resizeSection(column, std::max(widthFor(sample), headerWidth(column)));
    header->setMinimumSectionSize(widthFor(QStringLiteral("000")));
    m_sortCombo->setObjectName(QStringLiteral("messageSort"));
    m_sortCombo->setToolTip(tr("The order of the messages; a click on the ID, Run at or Priority header sorts too"));
    const std::pair<QString, int> orders[] = {
        {tr("Newest first"), sortValue(MessageSort::Id, true)},
        {tr("Oldest first"), sortValue(MessageSort::Id, false)},
        {tr("Run at, soonest first"), sortValue(MessageSort::RunAt, false)},
        {tr("Run at, latest first"), sortValue(MessageSort::RunAt, true)},
        {tr("Priority, most urgent first"), sortValue(MessageSort::Priority, false)},
        {tr("Priority, least urgent first"), sortValue(MessageSort::Priority, true)},
        {tr("Created, newest first"), sortValue(MessageSort::CreatedAt, true)},
        {tr("Created, oldest first"), sortValue(MessageSort::CreatedAt, false)},
    };
    for (const auto &[name, value] : orders)
        m_sortCombo->addItem(name, value);
    connect(m_sortCombo, &QComboBox::activated, this, &MessagesView::sortChosen);
    header->setSortIndicatorShown(true);
    header->setSortIndicator(MessageTableModel::IdColumn, Qt::DescendingOrder);
    header->setSectionsClickable(true);
    connect(header, &QHeaderView::sortIndicatorChanged, this, &MessagesView::sortIndicatorChanged);

    m_copy = new QAction(tr("&Copy rows"), this);
    m_copy->setShortcut(QKeySequence::Copy);
    m_copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_copy->setToolTip(tr("Copy the selected rows as tab-separated text, with the column names (Ctrl+C)"));
    m_table->addAction(m_copy);
    connect(m_copy, &QAction::triggered, this, &MessagesView::copySelectedRows);

    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setForegroundRole(QPalette::PlaceholderText);
    m_body->addWidget(m_table);
    m_body->addWidget(m_placeholder);

    auto *headerRow = new QHBoxLayout;
    headerRow->addWidget(m_title);
    headerRow->addStretch(1);
    headerRow->addWidget(m_summary);
    headerRow->addSpacing(12);
    headerRow->addWidget(m_sortCombo);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(headerRow);
    layout->addWidget(m_filterBar);
    layout->addWidget(m_body, 1);

    connect(m_model, &QAbstractItemModel::modelReset, this, &MessagesView::updateSummary);
    connect(m_model, &QAbstractItemModel::modelReset, this, &MessagesView::showSortOrder);
    connect(m_model, &MessageTableModel::pageLoaded, this, &MessagesView::updateSummary);
    connect(m_model, &MessageTableModel::loadFailed, this, &MessagesView::updateSummary);
    connect(m_model, &MessageTableModel::refreshed, this, &MessagesView::updateSummary);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &MessagesView::updateSummary);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &MessagesView::updateSummary);
    connect(m_model, &MessageTableModel::matchCountChanged, this, [this] {
        m_filterBar->setMatchCount(m_model->matchCount());
        updateSummary();
    });
    connect(m_filterBar, &MessageFilterBar::filterChanged, this, [this] { m_model->setFilter(m_filterBar->filter()); });
    updateSummary();
}

MessagesView::~MessagesView() = default;

void MessagesView::setQueueCounts(const std::optional<QueueCounts> &counts)
{
    m_filterBar->setCounts(counts);
    const std::optional<qint64> total = counts ? std::optional<qint64>(counts->total()) : std::nullopt;
    if (total == m_queueTotal)
        return;
    m_queueTotal = total;
    updateSummary();
}

void MessagesView::sortChosen(int index)
{
    const int value = m_sortCombo->itemData(index).toInt();
    m_model->setSortOrder(MessageSort(value / 2), value % 2 == 1);
    showSortOrder();
}

void MessagesView::showSortOrder()
{
    const QSignalBlocker blocker(m_table->horizontalHeader());
    m_table->horizontalHeader()->setSortIndicator(sortColumn(m_model->sortOrder()), m_model->isDescending() ? Qt::DescendingOrder : Qt::AscendingOrder);
    m_sortCombo->setCurrentIndex(m_sortCombo->findData(sortValue(m_model->sortOrder(), m_model->isDescending())));
}

void MessagesView::sortIndicatorChanged(int column, Qt::SortOrder order)
{
    // Only id, run at and priority have a keyset order in the store; a click elsewhere keeps the order.
    const bool sortable = column == MessageTableModel::IdColumn || column == MessageTableModel::RunAtColumn ||
                          column == MessageTableModel::PriorityColumn;
    if (sortable)
        m_model->sort(column, order);
    showSortOrder();
}

void MessagesView::refreshVisibleRows()
{
    const int first = m_table->rowAt(0);
    int last = m_table->rowAt(m_table->viewport()->height() - 1);
    if (last < 0) // the rows end above the bottom of the viewport
        last = m_model->rowCount() - 1;
    m_model->refresh(first, last);
}

QString MessagesView::selectedRowsText() const
{
    const QHeaderView *header = m_table->horizontalHeader();
    QList<int> columns; // in the order on screen, the hidden ones left out
    for (int visual = 0; visual < header->count(); ++visual)
        if (!header->isSectionHidden(header->logicalIndex(visual)))
            columns << header->logicalIndex(visual);
    QList<int> rows;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        if (m_model->isRowLoaded(index.row())) // a placeholder has nothing to copy
            rows << index.row();
    if (rows.isEmpty())
        return {};
    std::sort(rows.begin(), rows.end());
    const auto clean = [](QString text) { return text.replace(QLatin1Char('\t'), QLatin1Char(' ')).replace(QLatin1Char('\n'), QLatin1Char(' ')); };
    QStringList lines;
    QStringList names;
    for (int column : columns)
        names << m_model->headerData(column, Qt::Horizontal).toString();
    lines << names.join(QLatin1Char('\t'));
    for (int row : rows) {
        QStringList cells;
        for (int column : columns)
            cells << clean(m_model->index(row, column).data().toString());
        lines << cells.join(QLatin1Char('\t'));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

void MessagesView::copySelectedRows()
{
    const QString text = selectedRowsText();
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text);
}

QString MessagesView::summaryText() const
{
    return m_summary->text();
}

void MessagesView::updateSummary()
{
    const QLocale locale;
    const int loaded = m_model->rowCount();
    m_title->setText(m_model->queue());

    QString summary;
    QString placeholder;
    if (!m_model->errorString().isEmpty()) {
        if (loaded == 0)
            placeholder = tr("The messages could not be read.\n%1").arg(m_model->errorString());
        else
            summary = tr("%1 loaded; the next page could not be read: %2").arg(locale.toString(loaded), m_model->errorString());
    } else if (m_model->queue().isEmpty()) {
        placeholder = tr("Select a queue to see its messages.");
    } else if (loaded == 0 && m_model->isLoading()) {
        summary = tr("Loading…");
    } else if (loaded == 0) {
        placeholder = m_model->filter().hasFilter() ? tr("No message of %1 matches the filter.").arg(m_model->queue())
                                                    : tr("Queue %1 holds no messages.").arg(m_model->queue());
    } else if (!m_model->matchCount() && !m_model->hasLoadedAll()) {
        summary = tr("Counting…");
    } else if (m_model->filter().hasFilter()) {
        // Every match has a row; pages are read as they come into view.
        summary = loaded == 1 ? tr("1 matching message") : tr("%1 matching messages").arg(locale.toString(loaded));
    } else {
        summary = loaded == 1 ? tr("1 message") : tr("%1 messages").arg(locale.toString(loaded));
    }
    m_summary->setText(summary);
    m_placeholder->setText(placeholder);
    m_body->setCurrentWidget(placeholder.isEmpty() ? static_cast<QWidget *>(m_table) : m_placeholder);
}

} // namespace herald
