#include "ActionPreviewDialog.h"

#include "ActionJob.h"
#include "MessageTableModel.h"

#include "store/StoreThread.h"

#include <QDateTime>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <limits>

namespace herald {

namespace {

QTableWidget *table(const QStringList &headers, QWidget *parent)
{
    auto *t = new QTableWidget(0, int(headers.size()), parent);
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->hide();
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionMode(QAbstractItemView::NoSelection);
    t->setWordWrap(false);
    t->horizontalHeader()->setStretchLastSection(true);
    return t;
}

void addRow(QTableWidget *t, const QStringList &cells)
{
    const int row = t->rowCount();
    t->insertRow(row);
    for (int column = 0; column < cells.size(); ++column)
        t->setItem(row, column, new QTableWidgetItem(cells.at(column)));
}

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
    : QDialog(parent),
      m_storeThread(storeThread),
      m_selection(std::move(selection)),
      m_action(std::move(action)),
      m_preview(preview),
      m_summary(new QLabel(this)),
      m_breakdown(table({tr("Queue"), tr("State"), tr("Messages")}, this)),
      m_sample(table({tr("ID"), tr("Type"), tr("Recipient"), tr("State"), tr("Run at")}, this)),
      m_progress(new QProgressBar(this)),
      m_error(new QLabel(this)),
      m_run(new QPushButton(this)),
      m_stop(new QPushButton(tr("Stop"), this)),
      m_buttons(new QDialogButtonBox(this))
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
    m_summary->setText(summary);
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);

    for (auto queue = m_preview.byQueueAndState.cbegin(); queue != m_preview.byQueueAndState.cend(); ++queue)
        for (auto state = queue.value().cbegin(); state != queue.value().cend(); ++state)
            addRow(m_breakdown, {queue.key(), stateName(state.key()), locale.toString(state.value())});
    for (int row = 0; row < m_breakdown->rowCount(); ++row)
        m_breakdown->item(row, 2)->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_breakdown->resizeColumnsToContents();
    // As tall as its rows (up to six): the sample below is what deserves the room.
    const int rows = std::clamp(m_breakdown->rowCount(), 1, 6);
    m_breakdown->setFixedHeight(m_breakdown->horizontalHeader()->sizeHint().height() + rows * m_breakdown->verticalHeader()->defaultSectionSize() +
                                2 * m_breakdown->frameWidth());
    for (const Message &m : m_preview.sample)
        addRow(m_sample, {QString::number(m.id), m.type, m.recipient.isEmpty() ? tr("(none)") : m.recipient, stateName(m.state),
                          QDateTime::fromMSecsSinceEpoch(m.runAt).toString(QStringLiteral("yyyy-MM-dd HH:mm"))});
    m_sample->resizeColumnsToContents();

    m_progress->setRange(0, int(std::min<qint64>(m_preview.applicable, std::numeric_limits<int>::max())));
    m_progress->setValue(0);
    m_progress->hide();
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->setWordWrap(true);
    m_error->hide();

    m_run->setText(actionTitle(m_action.kind, m_preview.applicable));
    m_run->setEnabled(m_preview.applicable > 0);
    if (m_preview.applicable == 0)
        m_run->setToolTip(tr("None of the selected messages is in a state this action applies to."));
    m_run->setDefault(false);
    m_buttons->addButton(m_run, QDialogButtonBox::AcceptRole);
    // Beside the progress bar, not in the button box (which shows its buttons): only a running job stops.
    m_stop->hide();
    QPushButton *close = m_buttons->addButton(QDialogButtonBox::Close);
    // A bulk action must be asked for: Enter does not run it.
    close->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_summary);
    auto *byQueue = new QLabel(tr("By queue and state"), this);
    layout->addWidget(byQueue);
    layout->addWidget(m_breakdown);
    layout->addWidget(new QLabel(m_preview.sample.size() < m_preview.applicable ? tr("The first %1").arg(m_preview.sample.size()) : tr("All of them"), this));
    layout->addWidget(m_sample, 1);
    auto *progressRow = new QHBoxLayout;
    progressRow->addWidget(m_progress, 1);
    progressRow->addWidget(m_stop);
    layout->addLayout(progressRow);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    resize(640, 480);

    connect(m_run, &QPushButton::clicked, this, &ActionPreviewDialog::run);
    connect(close, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_stop, &QPushButton::clicked, this, [this] {
        if (m_job)
            m_job->cancel();
        m_stop->setEnabled(false);
        m_stop->setText(tr("Stopping…"));
    });
}

ActionPreviewDialog::~ActionPreviewDialog() = default;

QString ActionPreviewDialog::summaryText() const
{
    return m_summary->text();
}

void ActionPreviewDialog::run()
{
    if (m_job || !m_storeThread)
        return;
    m_job = new ActionJob(m_storeThread, m_selection, m_action, this);
    connect(m_job, &ActionJob::progressed, this, [this](qint64 done, qint64) { m_progress->setValue(int(std::min<qint64>(done, m_progress->maximum()))); });
    connect(m_job, &ActionJob::finished, this, &ActionPreviewDialog::jobFinished);
    m_run->setEnabled(false);
    m_buttons->button(QDialogButtonBox::Close)->setEnabled(false);
    m_progress->show();
    m_stop->show();
    m_job->start();
}

void ActionPreviewDialog::jobFinished()
{
    m_stop->hide();
    m_buttons->button(QDialogButtonBox::Close)->setEnabled(true);
    if (const auto result = m_job->result()) {
        m_progress->setValue(m_progress->maximum());
        Q_EMIT actionFinished(*result);
        accept();
        return;
    }
    m_error->setText(tr("The action failed: %1").arg(m_job->errorString()));
    m_error->show();
    Q_EMIT actionFailed(m_job->errorString());
}

} // namespace herald
