#pragma once

#include "email/EmailEvent.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace herald {

class StoreThread;

// The e-mail events section (DESIGN §7): events newest first, filtered by type and recipient, read a page
// at a time (keyset on id; "Load older" reads the next); the selected event's fields and raw SES JSON,
// and, when the event is linked to a Herald message, a button that shows that message.
// GUI thread only; the StoreThread is not owned.
class EmailEventsView : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kPageSize = 200;

    explicit EmailEventsView(QWidget *parent = nullptr);

    void setStoreThread(StoreThread *storeThread);
    void reload();
    void loadOlder();

    QTableWidget *table() const { return m_table; }
    QComboBox *typeField() const { return m_type; }
    QLineEdit *recipientField() const { return m_recipient; }
    QPushButton *showMessageButton() const { return m_showMessage; }
    const QList<EmailEvent> &events() const { return m_events; }
    QString detailsText() const;

Q_SIGNALS:
    void loaded();
    // The operator asked to see the Herald message an event is about.
    void messageRequested(qint64 messageId);

private:
    void request(bool older);
    void append(const QList<EmailEvent> &events);
    void showSelected();

    QPointer<StoreThread> m_storeThread;
    quint64 m_generation = 0;
    QComboBox *m_type;
    QLineEdit *m_recipient;
    QTableWidget *m_table;
    QPushButton *m_older;
    QLabel *m_summary;
    QPlainTextEdit *m_details;
    QPushButton *m_showMessage;
    QList<EmailEvent> m_events;
    bool m_atEnd = false;
};

} // namespace herald
