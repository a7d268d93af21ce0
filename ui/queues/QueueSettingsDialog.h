#pragma once

#include "model/QueueConfig.h"
#include "model/Result.h"

#include <QDialog>
#include <QPointer>

#include <optional>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace herald {

class StoreThread;

// A queue's settings: concurrency, rate limit, attempts, back-off, retention and default channel.
// Creates a queue (addQueue), or edits one (updateQueue; the name is fixed, the paused flag kept).
// The fields are checked with the engine's own parsers and QueueConfig::validate(), and their message
// is shown under the form; the dialog closes (accepted) only once the store has written the queue, so
// "already exists" shows there too. The StoreThread is not owned; if it goes away first, OK reports
// that instead of writing.
class QueueSettingsDialog : public QDialog
{
    Q_OBJECT

public:
    explicit QueueSettingsDialog(StoreThread *storeThread, QWidget *parent = nullptr);
    // Edits this queue, as the store has it now.
    QueueSettingsDialog(StoreThread *storeThread, const QueueConfig &existing, QWidget *parent = nullptr);
    ~QueueSettingsDialog() override;

    // The settings as typed, or the first thing wrong with them.
    Result<QueueConfig> config() const;
    bool isEditing() const { return m_existing.has_value(); }
    // After acceptance: the name of the queue that was added or saved.
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
    QLineEdit *m_retainCompleted;
    QLineEdit *m_retainFailed;
    QLineEdit *m_retainCancelled;
    std::optional<QueueConfig> m_existing;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    QString m_createdQueue;
    bool m_writing = false;
};

} // namespace herald
