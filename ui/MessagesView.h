#pragma once

#include <QWidget>

#include <optional>

class QLabel;
class QStackedWidget;
class QTableView;

namespace herald {

class MessageTableModel;

// The messages of the selected queue: a header with the queue's name and how much of it is loaded,
// and the table, which loads further pages as it is scrolled. The model is not owned and must
// outlive the view.
class MessagesView : public QWidget
{
    Q_OBJECT

public:
    explicit MessagesView(MessageTableModel *model, QWidget *parent = nullptr);
    ~MessagesView() override;

    // How many messages the queue holds according to its counters, to say "200 of 532 loaded".
    void setQueueTotal(std::optional<qint64> total);
    // Re-reads the messages on screen and puts newer ones on top, keeping the rows the reader looks at
    // where they are (see MessageTableModel::refresh()).
    void refreshVisibleRows();
    QTableView *tableView() const { return m_table; }
    QString summaryText() const;

private:
    void updateSummary();

    MessageTableModel *m_model;
    QLabel *m_title;
    QLabel *m_summary;
    QStackedWidget *m_body;
    QTableView *m_table;
    QLabel *m_placeholder;
    std::optional<qint64> m_queueTotal;
};

} // namespace herald
