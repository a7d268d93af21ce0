#pragma once

#include <QWidget>

#include "model/QueueCounts.h"

#include <optional>

class QAction;
class QComboBox;
class QLabel;
class QStackedWidget;
class QTableView;

namespace herald {

class MessageFilterBar;
class MessageTableModel;

// The messages of the selected queue: a header with the queue's name and how much of it is loaded,
// the filter bar (search, state tabs, filters, match count), and the table, which loads further pages
// as it is scrolled and sorts by run at, priority or id from its header. The model is not owned and
// must outlive the view.
class MessagesView : public QWidget
{
    Q_OBJECT

public:
    explicit MessagesView(MessageTableModel *model, QWidget *parent = nullptr);
    ~MessagesView() override;

    // The queue's counters: its total says "200 of 532 loaded", and the state tabs show them.
    void setQueueCounts(const std::optional<QueueCounts> &counts);
    // Re-reads the messages on screen and puts newer ones on top, keeping the rows the reader looks at
    // where they are (see MessageTableModel::refresh()).
    void refreshVisibleRows();
    QTableView *tableView() const { return m_table; }
    MessageFilterBar *filterBar() const { return m_filterBar; }
    // The page order by name: id, run at, priority or created, each either way; the header follows it.
    QComboBox *sortCombo() const { return m_sortCombo; }
    QString summaryText() const;
    // Edit ▸ Copy rows (Ctrl+C on the table): the selected loaded rows, tab-separated, under the column names.
    QAction *copyAction() const { return m_copy; }
    QString selectedRowsText() const;
    void copySelectedRows();

private:
    void updateSummary();
    void sortIndicatorChanged(int column, Qt::SortOrder order);
    void sortChosen(int index);
    void showSortOrder();

    MessageTableModel *m_model;
    QLabel *m_title;
    QLabel *m_summary;
    MessageFilterBar *m_filterBar;
    QComboBox *m_sortCombo;
    QStackedWidget *m_body;
    QTableView *m_table;
    QLabel *m_placeholder;
    QAction *m_copy = nullptr;
    std::optional<qint64> m_queueTotal;
};

} // namespace herald
