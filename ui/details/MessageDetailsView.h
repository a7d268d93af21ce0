#pragma once

#include "email/EmailEvent.h"
#include "model/Message.h"
#include "model/QueueCounts.h"

#include <QPointer>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QTableWidget;
class QTabWidget;

namespace herald {

class RenderedMessageView;
class StoreThread;

// Everything about one message, for the details dock: its fields, its payload pretty-printed, the
// message as each channel kind and locale would send it (RenderedMessageView), its labels, the
// attempts made to deliver it (start, duration, outcome, code, error), the operator actions recorded
// on it and, for e-mail, the SES events linked to it.
//
// GUI thread only. showMessage() reads through the StoreThread (not owned; point the view elsewhere
// before destroying it); an answer for a message shown before the last call is dropped.
class MessageDetailsView : public QWidget
{
    Q_OBJECT

public:
    explicit MessageDetailsView(QWidget *parent = nullptr);
    ~MessageDetailsView() override;

    // Clears the view.
    void setStoreThread(StoreThread *storeThread);
    // 0 clears the view. Asking again for the message on screen re-reads it (after an action on it).
    void showMessage(qint64 id);
    qint64 messageId() const { return m_id; }

    // The text shown, field by field, for tests and for copying.
    QString fieldsText() const;
    QString payloadText() const;
    QTableWidget *attemptsTable() const { return m_attempts; }
    QTableWidget *auditTable() const { return m_audit; }
    QTableWidget *emailEventsTable() const { return m_emailEvents; }
    RenderedMessageView *renderedView() const { return m_rendered; }

Q_SIGNALS:
    // The message asked for last is on screen (or why it could not be read is).
    void loaded();

private:
    struct Details
    {
        Message message;
        QList<Attempt> attempts;
        QList<AuditEntry> audit;
        QList<EmailEvent> emailEvents; // the SES events linked to it, newest first
    };
    void showDetails(const Details &details);
    void showError(const QString &error);
    void showEmailEvents(const QList<EmailEvent> &events);

    QPointer<StoreThread> m_storeThread;
    qint64 m_id = 0;
    quint64 m_generation = 0;
    QLabel *m_fields;
    QPlainTextEdit *m_payload;
    RenderedMessageView *m_rendered;
    QTableWidget *m_attempts;
    QTableWidget *m_audit;
    QLabel *m_emailEventsHeading;
    QTableWidget *m_emailEvents;
};

} // namespace herald
