#pragma once

#include "PlanApplyJob.h"
#include "common/PreviewDialog.h"

#include "plans/EventSpec.h"

#include <QPointer>

namespace herald {

// Plans ▸ Apply event file… and Forget event…: the diff a dry run computed (PlanDiff), in the console's
// preview dialog — counts by kind of change, then each change — and, on Apply, the same apply run as a
// PlanApplyJob that refuses to write when the event was applied since the preview (the operator gets
// what the preview showed, or nothing). Undoable with Edit ▸ Undo like any bulk action.
//
// GUI thread only. The StoreThread is not owned; the dialog must be gone before it is.
class PlanApplyDialog : public PreviewDialog
{
    Q_OBJECT

public:
    static constexpr int kSampleRows = 500;

    // event: the event as the diff sees it (names, session titles), if known. runText: the run button
    // ("Apply 12 changes"). run: the write.
    PlanApplyDialog(StoreThread *storeThread, const QString &title, const QString &summary, const PlanApplyReport &preview,
                    std::optional<EventSpec> event, const QString &runText, PlanApplyJob::Work run, QWidget *parent = nullptr);
    // "Apply 12 changes" for an apply's preview.
    static QString applyText(const PlanDiff &diff);

    const PlanApplyReport &preview() const { return m_preview; }
    PlanApplyJob *job() const { return m_job; }
    // "6 created, 2 moved, …": the changes of a diff, for the status bar.
    static QString countsText(const PlanDiff &diff);
    // The number of messages a diff writes (created, moved, updated, cancelled, notified).
    static qsizetype changeCount(const PlanDiff &diff);

Q_SIGNALS:
    void applied(const herald::PlanApplyReport &report);
    void applyFailed(const QString &error);

protected:
    void run() override;

private:
    QPointer<StoreThread> m_storeThread;
    PlanApplyReport m_preview;
    PlanApplyJob::Work m_work;
    PlanApplyJob *m_job = nullptr;
};

} // namespace herald
