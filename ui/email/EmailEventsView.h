#pragma once

#include "email/EmailEventsModel.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableView;

namespace herald {

class StoreThread;

// The e-mail events section (DESIGN §7): events newest first, filtered by type and recipient, read a page
// at a time as the table scrolls (EmailEventsModel); the selected event's raw SES JSON and, when the
// event is linked to a Herald message, a button that shows that message.
// GUI thread only; the StoreThread is not owned.
class EmailEventsView : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kPageSize = EmailEventsModel::kPageSize;

    explicit EmailEventsView(QWidget *parent = nullptr);

    void setStoreThread(StoreThread *storeThread);
    void reload();
    // Reads the next page, as scrolling to the end of the table does.
    void loadOlder();

    QTableView *table() const { return m_table; }
    EmailEventsModel *model() const { return m_model; }
    QComboBox *typeField() const { return m_type; }
    QLineEdit *recipientField() const { return m_recipient; }
    QPushButton *showMessageButton() const { return m_showMessage; }
    const QList<EmailEvent> &events() const;
    QString detailsText() const;

Q_SIGNALS:
    void loaded();
    // The operator asked to see the Herald message an event is about.
    void messageRequested(qint64 messageId);

private:
    void showSelected();
    void showSummary();

    EmailEventsModel *m_model;
    QComboBox *m_type;
    QLineEdit *m_recipient;
    QTableView *m_table;
    QLabel *m_summary;
    QPlainTextEdit *m_details;
    QPushButton *m_showMessage;
    QString m_error;
};

} // namespace herald
