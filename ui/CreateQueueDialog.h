#pragma once

#include "model/QueueConfig.h"
#include "model/Result.h"

#include <QDialog>
#include <QPointer>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace herald {

class StoreThread;

// Asks for a new queue's settings and adds it to the store. The fields are checked with the engine's
// own parsers and QueueConfig::validate(), and their message is shown under the form; the dialog
// closes (accepted) only once the store has added the queue, so "already exists" shows there too.
// The StoreThread is not owned; if it goes away first, OK reports that instead of writing.
class CreateQueueDialog : public QDialog
{
    Q_OBJECT

public:
    explicit CreateQueueDialog(StoreThread *storeThread, QWidget *parent = nullptr);
    ~CreateQueueDialog() override;

    // The settings as typed, or the first thing wrong with them.
    Result<QueueConfig> config() const;
    // After acceptance: the name of the queue that was added.
    QString createdQueue() const { return m_createdQueue; }
    QString errorText() const;

    void accept() override;
    // Refused while the store is adding the queue, so the answer always finds the dialog.
    void reject() override;

private:
    void showError(const QString &message);

    QPointer<StoreThread> m_storeThread;
    QLineEdit *m_name;
    QSpinBox *m_concurrency;
    QLineEdit *m_rateLimit;
    QSpinBox *m_maxAttempts;
    QLineEdit *m_backoff;
    QComboBox *m_channel;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    QString m_createdQueue;
    bool m_writing = false;
};

} // namespace herald
