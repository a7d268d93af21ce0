#include "ActionPreviewDialog.h"

#include "ActionJob.h"

#include "store/StoreThread.h"

#include <QDateTime>
#include <QLocale>

namespace herald {

namespace {

QString statesText(const QMap<MessageState, qint64> &byState)
{
    const QLocale locale;
    QStringList parts;
    for (auto it = byState.cbegin(); it != byState.cend(); ++it)
        parts << QStringLiteral("%1 %2").arg(locale.toString(it.value()), stateName(it.key()));
    return parts.join(QStringLiteral(", "));
}

} // namespace

QString ActionPreviewDialog::actionTitle(ActionKind kind, qint64 count)
{
    const QString n = QLocale().toString(count);
    const QString messages = count == 1 ? tr("1 message") : tr("%1 messages").arg(n);
    switch (kind) {
    case ActionKind::Cancel: return tr("Cancel %1").arg(messages);
    case ActionKind::Reschedule: return tr("Reschedule %1").arg(messages);
    case ActionKind::Retry: return tr("Retry %1").arg(messages);
    case ActionKind::Promote: return tr("Run %1 now").arg(messages);
    case ActionKind::SetPriority: return tr("Change the priority of %1").arg(messages);
    case ActionKind::Restore: return tr("Restore %1").arg(messages);
    case ActionKind::EditPayload: return tr("Edit the payload of %1").arg(messages);
    case ActionKind::Duplicate: return tr("Duplicate %1").arg(messages);
    case ActionKind::Delete: return tr("Delete %1").arg(messages);
    }
    return {};
}

ActionPreviewDialog::ActionPreviewDialog(StoreThread *storeThread, MessageSelection selection, OperatorAction action,
                                         const ActionPreview &preview, QWidget *parent)
    : PreviewDialog({tr("Queue"), tr("State"), tr("Messages")}, {tr("ID"), tr("Type"), tr("Recipient"), tr("State"), tr("Run at")}, parent),
      m_storeThread(storeThread),
      m_selection(std::move(selection)),
      m_action(std::move(action)),
      m_preview(preview)
{
    const QLocale locale;
    setWindowTitle(actionTitle(m_action.kind, m_preview.applicable) + QStringLiteral("?"));
    QString summary = m_preview.applicable == m_preview.matching
                          ? tr("%1 of the selection.").arg(actionTitle(m_action.kind, m_preview.applicable))
                          : tr("%1 of the %2 matching.").arg(actionTitle(m_action.kind, m_preview.applicable), locale.toString(m_preview.matching));
    if (!m_preview.skippedByState.isEmpty())
        summary += QLatin1Char('\n') + tr("Left alone because of their state: %1.").arg(statesText(m_preview.skippedByState));
    if (m_action.kind == ActionKind::Delete)
        summary += QLatin1Char('\n') + tr("Deleted messages cannot be brought back by Undo.");
    summary += QLatin1Char('\n') + tr("Selection: %1").arg(m_selection.describe());
    setSummary(summary);

    setBreakdownTitle(tr("By queue and state"));
    for (auto queue = m_preview.byQueueAndState.cbegin(); queue != m_preview.byQueueAndState.cend(); ++queue)
        for (auto state = queue.value().cbegin(); state != queue.value().cend(); ++state)
            addBreakdownRow({queue.key(), stateName(state.key()), locale.toString(state.value())}, 2);
    setSampleTitle(m_preview.sample.size() < m_preview.applicable ? tr("The first %1").arg(m_preview.sample.size()) : tr("All of them"));
    for (const Message &m : m_preview.sample)
        addSampleRow({QString::number(m.id), m.type, m.recipient.isEmpty() ? tr("(none)") : m.recipient, stateName(m.state),
                      QDateTime::fromMSecsSinceEpoch(m.runAt).toString(QStringLiteral("yyyy-MM-dd HH:mm"))});
    fitTables();

    setRun(actionTitle(m_action.kind, m_preview.applicable),
           m_preview.applicable > 0 ? QString() : tr("None of the selected messages is in a state this action applies to."));
}

ActionPreviewDialog::~ActionPreviewDialog() = default;

void ActionPreviewDialog::run()
{
    if (m_job || !m_storeThread)
        return;
    m_job = new ActionJob(m_storeThread, m_selection, m_action, this);
    connect(m_job, &ActionJob::progressed, this, [this](qint64 done, qint64) { setProgress(done); });
    connect(m_job, &ActionJob::finished, this, &ActionPreviewDialog::jobFinished);
    startRunning(m_preview.applicable, true);
    m_job->start();
}

void ActionPreviewDialog::stop()
{
    if (m_job)
        m_job->cancel();
}

void ActionPreviewDialog::jobFinished()
{
    if (const auto result = m_job->result()) {
        Q_EMIT actionFinished(*result);
        finishRunning(true);
        return;
    }
    finishRunning(false, tr("The action failed: %1").arg(m_job->errorString()));
    Q_EMIT actionFailed(m_job->errorString());
}

} // namespace herald
