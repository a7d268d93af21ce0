#pragma once

#include "common/PreviewDialog.h"

#include "model/MessageSelection.h"

#include <QPointer>

namespace herald {

class ActionJob;
class StoreThread;

// Shows what an action would do before it runs (DESIGN §8): the exact count, the breakdown by queue
// and state, what is skipped because of its state, and a sample; then runs it as an ActionJob with a
// progress bar and a Stop button, and closes (accepted) when the job has finished (PreviewDialog).
//
// GUI thread only. The StoreThread is not owned; the dialog must be gone before it is.
class ActionPreviewDialog : public PreviewDialog
{
    Q_OBJECT

public:
    ActionPreviewDialog(StoreThread *storeThread, MessageSelection selection, OperatorAction action, const ActionPreview &preview,
                        QWidget *parent = nullptr);
    ~ActionPreviewDialog() override;

    // "Cancel 42 messages", as the title and the run button say it.
    static QString actionTitle(ActionKind kind, qint64 count);

    const ActionPreview &preview() const { return m_preview; }
    ActionJob *job() const { return m_job; }

Q_SIGNALS:
    // The job finished (completely or stopped); the dialog then closes.
    void actionFinished(const herald::ActionResult &result);
    void actionFailed(const QString &error);

protected:
    void run() override;
    void stop() override;

private:
    void jobFinished();

    QPointer<StoreThread> m_storeThread;
    MessageSelection m_selection;
    OperatorAction m_action;
    ActionPreview m_preview;
    ActionJob *m_job = nullptr;
};

} // namespace herald
