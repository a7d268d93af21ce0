#pragma once

#include "model/Message.h"
#include "model/Result.h"

#include <QDialog>
#include <QPointer>

class QComboBox;
class QDateTimeEdit;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QRadioButton;
class QSpinBox;

namespace herald {

class StoreThread;

// Messages ▸ New message…: enqueues one message from the console, checked as `heraldctl enqueue` checks
// it (type given, channel name known, priority 1–10, when: now, at a time, or after a delay that is not
// negative, payload a JSON object, labels k=v) and then by the store itself (the queue exists, the
// channel is configured). The first problem is shown under the form and its field gets the focus; the
// dialog closes (accepted) only once the store has the message. GUI thread only.
class NewMessageDialog : public QDialog
{
    Q_OBJECT

public:
    NewMessageDialog(StoreThread *storeThread, const QStringList &queues, const QString &currentQueue, QWidget *parent = nullptr);

    // The message the fields describe, or the first thing wrong with them.
    Result<NewMessage> message(qint64 nowMs) const;
    // After acceptance: the new message's id, and whether the dedupe key matched an existing one.
    qint64 createdId() const { return m_createdId; }
    bool wasDuplicate() const { return m_duplicate; }
    QString errorText() const;

    void accept() override;
    void reject() override;

    QComboBox *queueField() const { return m_queue; }
    QLineEdit *typeField() const { return m_type; }
    QComboBox *channelField() const { return m_channel; }
    QLineEdit *recipientField() const { return m_recipient; }
    QSpinBox *priorityField() const { return m_priority; }
    QRadioButton *atMode() const { return m_atMode; }
    QRadioButton *inMode() const { return m_inMode; }
    QDateTimeEdit *atField() const { return m_at; }
    QLineEdit *inField() const { return m_in; }
    QPlainTextEdit *payloadField() const { return m_payload; }
    QLineEdit *labelsField() const { return m_labels; }
    QLineEdit *dedupeField() const { return m_dedupe; }

private:
    void showError(const QString &message, QWidget *field);

    QPointer<StoreThread> m_storeThread;
    QComboBox *m_queue;
    QLineEdit *m_type;
    QComboBox *m_channel;
    QLineEdit *m_recipient;
    QSpinBox *m_priority;
    QRadioButton *m_nowMode;
    QRadioButton *m_atMode;
    QRadioButton *m_inMode;
    QDateTimeEdit *m_at;
    QLineEdit *m_in;
    QPlainTextEdit *m_payload;
    QLineEdit *m_labels;
    QLineEdit *m_dedupe;
    QSpinBox *m_attempts;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    mutable QWidget *m_errorField = nullptr;
    qint64 m_createdId = 0;
    bool m_duplicate = false;
    bool m_writing = false;
};

} // namespace herald
