#pragma once

#include "model/MessageSelection.h"

#include <QDialog>
#include <QPointer>

class QDialogButtonBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace herald {

class ActionJob;
class StoreThread;

// Shows what an action would do before it runs (DESIGN §8): the exact count, the breakdown by queue
// and state, what is skipped because of its state, and a sample; then runs it as an ActionJob with a
// progress bar and a Stop button, and closes (accepted) when the job has finished.
//
// GUI thread only. The StoreThread is not owned; the dialog must be gone before it is.
class ActionPreviewDialog : public QDialog
{
    Q_OBJECT

public:
    ActionPreviewDialog(StoreThread *storeThread, MessageSelection selection, OperatorAction action, const ActionPreview &preview,
                        QWidget *parent = nullptr);
    ~ActionPreviewDialog() override;

    // "Cancel 42 messages", as the title and the run button say it.
    static QString actionTitle(ActionKind kind, qint64 count);

    const ActionPreview &preview() const { return m_preview; }
    QString summaryText() const;
    QPushButton *runButton() const { return m_run; }
    QPushButton *stopButton() const { return m_stop; }
    QTableWidget *breakdownTable() const { return m_breakdown; }
    ActionJob *job() const { return m_job; }

Q_SIGNALS:
    // The job finished (completely or stopped); the dialog then closes.
    void actionFinished(const herald::ActionResult &result);
    void actionFailed(const QString &error);

private:
    void run();
    void jobFinished();

    QPointer<StoreThread> m_storeThread;
    MessageSelection m_selection;
    OperatorAction m_action;
    ActionPreview m_preview;
    ActionJob *m_job = nullptr;
    QLabel *m_summary;
    QTableWidget *m_breakdown;
    QTableWidget *m_sample;
    QProgressBar *m_progress;
    QLabel *m_error;
    QPushButton *m_run;
    QPushButton *m_stop;
    QDialogButtonBox *m_buttons;
};

} // namespace herald
