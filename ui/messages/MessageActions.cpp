#include "MessageActions.h"

#include "ActionPreviewDialog.h"
#include "ExportJob.h"
#include "MessageTableModel.h"
#include "NewMessageDialog.h"
#include "PayloadDialog.h"
#include "queues/QueueListModel.h"
#include "RescheduleDialog.h"

#include "store/StoreThread.h"

#include <QAction>
#include <QFileDialog>
#include <QProgressDialog>
#include <QStandardPaths>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QKeySequence>
#include <QMenu>
#include <QMessageBox>
#include <QSet>
#include <QTableView>

namespace herald {

namespace {

int key(ActionKind kind, MessageActions::Scope scope)
{
    return int(kind) * 2 + int(scope);
}

QString selectedText(ActionKind kind)
{
    switch (kind) {
    case ActionKind::Cancel: return MessageActions::tr("&Cancel");
    case ActionKind::Reschedule: return MessageActions::tr("&Reschedule…");
    case ActionKind::Retry: return MessageActions::tr("Re&try");
    case ActionKind::Promote: return MessageActions::tr("Run &now");
    case ActionKind::SetPriority: return MessageActions::tr("Change &priority…");
    case ActionKind::Restore: return MessageActions::tr("Re&store");
    case ActionKind::EditPayload: return MessageActions::tr("&Edit payload…");
    case ActionKind::Duplicate: return MessageActions::tr("D&uplicate");
    case ActionKind::Delete: return MessageActions::tr("&Delete");
    default: return {};
    }
}

QString matchingText(ActionKind kind)
{
    switch (kind) {
    case ActionKind::Cancel: return MessageActions::tr("&Cancel all matching…");
    case ActionKind::Reschedule: return MessageActions::tr("&Reschedule all matching…");
    case ActionKind::Retry: return MessageActions::tr("Re&try all matching…");
    case ActionKind::Promote: return MessageActions::tr("Run all matching &now…");
    case ActionKind::SetPriority: return MessageActions::tr("Change the &priority of all matching…");
    case ActionKind::Restore: return MessageActions::tr("Re&store all matching…");
    case ActionKind::EditPayload: return MessageActions::tr("&Edit payload (one message at a time)");
    case ActionKind::Duplicate: return MessageActions::tr("D&uplicate all matching…");
    case ActionKind::Delete: return MessageActions::tr("&Delete all matching…");
    default: return {};
    }
}

QKeySequence shortcut(ActionKind kind)
{
    switch (kind) {
    case ActionKind::Cancel: return QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K);
    case ActionKind::Reschedule: return QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R);
    case ActionKind::Retry: return QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T);
    case ActionKind::Promote: return QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N);
    case ActionKind::SetPriority: return QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_I);
    case ActionKind::Restore: return QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S);
    case ActionKind::EditPayload: return QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E);
    case ActionKind::Duplicate: return QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_D);
    case ActionKind::Delete: return QKeySequence::Delete;
    default: return {};
    }
}

QString statesList(const QList<MessageState> &states)
{
    QStringList names;
    for (MessageState state : states)
        names << stateName(state);
    if (names.size() < 2)
        return names.join(QString());
    const QString last = names.takeLast();
    return MessageActions::tr("%1 or %2").arg(names.join(QStringLiteral(", ")), last);
}

} // namespace

MessageActions::MessageActions(MessageTableModel *model, QTableView *table, QWidget *dialogParent)
    : QObject(dialogParent), m_model(model), m_table(table), m_dialogParent(dialogParent), m_undo(new QAction(tr("&Undo last action"), this)),
      m_newMessage(new QAction(tr("&New message…"), this)),
      m_export(new QAction(tr("E&xport matching…"), this)),
      m_matchingMenu(new QMenu(tr("All &matching the filter"), dialogParent))
{
    m_newMessage->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    connect(m_newMessage, &QAction::triggered, this, &MessageActions::newMessage);
    m_export->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_X));
    connect(m_export, &QAction::triggered, this, &MessageActions::exportMatching);
    for (ActionKind kind : kKinds) {
        auto *selected = new QAction(selectedText(kind), this);
        selected->setShortcut(shortcut(kind));
        // On the table and its menus only: Delete in the search box deletes text.
        selected->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        m_table->addAction(selected);
        connect(selected, &QAction::triggered, this, [this, kind] { trigger(kind, Scope::Selected); });
        m_actions.insert(key(kind, Scope::Selected), selected);

        auto *matching = new QAction(matchingText(kind), this);
        connect(matching, &QAction::triggered, this, [this, kind] { trigger(kind, Scope::Matching); });
        m_actions.insert(key(kind, Scope::Matching), matching);
        m_matchingMenu->addAction(matching);
    }
    m_undo->setShortcut(QKeySequence::Undo);
    connect(m_undo, &QAction::triggered, this, &MessageActions::undo);

    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &position) {
        QMenu menu;
        // What the table itself offers (copy) first, then the actions.
        for (QAction *own : m_table->actions())
            if (!m_actions.values().contains(own)) {
                menu.addAction(own);
                menu.addSeparator();
            }
        fillMenu(&menu);
        menu.exec(m_table->viewport()->mapToGlobal(position));
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &MessageActions::updateEnabled);
    connect(m_model, &QAbstractItemModel::modelReset, this, &MessageActions::updateEnabled);
    connect(m_model, &QAbstractItemModel::dataChanged, this, &MessageActions::updateEnabled);
    connect(m_model, &MessageTableModel::matchCountChanged, this, &MessageActions::updateEnabled);
    updateEnabled();
}

MessageActions::~MessageActions() = default;

QString MessageActions::actor()
{
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME");
    return user.isEmpty() ? QStringLiteral("console") : QStringLiteral("console:") + user;
}

void MessageActions::setStore(StoreThread *storeThread, bool readOnly)
{
    m_storeThread = storeThread;
    m_readOnly = readOnly;
    m_canUndo = false;
    ++m_generation;
    updateEnabled();
}

void MessageActions::previewSelection(const MessageSelection &selection, ActionKind kind)
{
    if (!m_storeThread || m_readOnly || selection.isEmpty())
        return;
    OperatorAction action;
    action.kind = kind;
    action.actor = actor();
    preview(selection, selection, action);
}

void MessageActions::noteUndoableAction()
{
    m_canUndo = m_storeThread && !m_readOnly;
    updateEnabled();
}

void MessageActions::setQueueList(QueueListModel *queues)
{
    m_queues = queues;
    connect(queues, &QAbstractItemModel::modelReset, this, &MessageActions::updateEnabled);
    connect(queues, &QAbstractItemModel::rowsInserted, this, &MessageActions::updateEnabled);
    connect(queues, &QAbstractItemModel::rowsRemoved, this, &MessageActions::updateEnabled);
    updateEnabled();
}

QAction *MessageActions::action(ActionKind kind, Scope scope) const
{
    return m_actions.value(key(kind, scope));
}

void MessageActions::fillMenu(QMenu *menu) const
{
    menu->addAction(m_newMessage);
    menu->addSeparator();
    for (ActionKind kind : kKinds)
        menu->addAction(action(kind, Scope::Selected));
    menu->addSeparator();
    menu->addMenu(m_matchingMenu);
    menu->addSeparator();
    menu->addAction(m_export);
    menu->addSeparator();
    menu->addAction(m_undo);
}

MessageSelection MessageActions::selectedIds(const QList<MessageState> &states) const
{
    MessageSelection selection;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows()) {
        const qint64 id = index.data(MessageTableModel::MessageIdRole).toLongLong();
        // A row whose page is not loaded yet has no message to act on.
        if (id > 0 && (states.isEmpty() || states.contains(MessageState(index.data(MessageTableModel::StateRole).toInt()))))
            selection.ids << id;
    }
    return selection;
}

void MessageActions::updateEnabled()
{
    QString common;
    if (!m_storeThread)
        common = tr("No store is open.");
    else if (m_readOnly)
        common = tr("The store is open read-only: no message can be changed.");

    QSet<MessageState> selectedStates;
    for (const QModelIndex &index : m_table->selectionModel()->selectedRows())
        if (index.data(MessageTableModel::MessageIdRole).toLongLong() > 0)
            selectedStates.insert(MessageState(index.data(MessageTableModel::StateRole).toInt()));
    const std::optional<qint64> matching = m_model->matchCount();

    for (ActionKind kind : kKinds) {
        const QList<MessageState> allowed = allowedStates(kind);
        QString reason = common;
        if (reason.isEmpty() && selectedStates.isEmpty())
            reason = tr("Select one or more messages first.");
        if (reason.isEmpty() && kind == ActionKind::EditPayload && m_table->selectionModel()->selectedRows().size() != 1)
            reason = tr("Edit the payload of one message at a time: select only it.");
        if (reason.isEmpty()) {
            bool any = false;
            for (MessageState state : selectedStates)
                any = any || allowed.contains(state);
            if (!any)
                reason = tr("Only %1 messages; the selected ones are %2.").arg(statesList(allowed), statesList(selectedStates.values()));
        }
        QAction *selected = action(kind, Scope::Selected);
        selected->setEnabled(reason.isEmpty());
        selected->setToolTip(reason.isEmpty() ? selected->text().remove(QLatin1Char('&')) : reason);

        QString matchingReason = common;
        if (matchingReason.isEmpty() && m_model->queue().isEmpty())
            matchingReason = tr("Select a queue first.");
        if (matchingReason.isEmpty() && matching && *matching == 0)
            matchingReason = tr("No message matches the filter.");
        if (matchingReason.isEmpty() && kind == ActionKind::EditPayload)
            matchingReason = tr("A payload is edited one message at a time: select it and use Edit payload.");
        QAction *all = action(kind, Scope::Matching);
        all->setEnabled(matchingReason.isEmpty());
        all->setToolTip(matchingReason.isEmpty() ? tr("Every message matching the filter, not only those loaded; previewed first.")
                                                 : matchingReason);
    }
    m_matchingMenu->setEnabled(common.isEmpty());
    QString newReason = common;
    if (newReason.isEmpty() && (!m_queues || m_queues->rowCount() == 0))
        newReason = tr("Create a queue first (File ▸ New queue).");
    // Export reads only: a read-only store exports too.
    QString exportReason = m_storeThread ? QString() : tr("No store is open.");
    if (exportReason.isEmpty() && m_model->queue().isEmpty())
        exportReason = tr("Select a queue first.");
    if (exportReason.isEmpty() && matching && *matching == 0)
        exportReason = tr("No message matches the filter.");
    m_export->setEnabled(exportReason.isEmpty());
    m_export->setToolTip(exportReason.isEmpty() ? tr("Every message matching the filter, to a CSV or JSON Lines file (Ctrl+Shift+X)")
                                                : exportReason);
    m_newMessage->setEnabled(newReason.isEmpty());
    m_newMessage->setToolTip(newReason.isEmpty() ? tr("Enqueue a message into a queue, checked as heraldctl enqueue checks it (Ctrl+E)")
                                                 : newReason);
    QString undoReason = common;
    if (undoReason.isEmpty() && !m_canUndo)
        undoReason = tr("Nothing to undo: no action was taken on this store since it was opened.");
    m_undo->setEnabled(undoReason.isEmpty());
    m_undo->setToolTip(undoReason.isEmpty() ? tr("Undo the last action, for the messages that still exist (Ctrl+Z)") : undoReason);
}

void MessageActions::trigger(ActionKind kind, Scope scope)
{
    if (!m_storeThread || m_readOnly)
        return;
    const MessageSelection selection = scope == Scope::Selected ? selectedIds() : m_model->selection();
    const MessageSelection run = scope == Scope::Selected ? selectedIds(allowedStates(kind)) : selection;
    if (selection.isEmpty() || run.isEmpty())
        return;
    const qint64 count = scope == Scope::Selected ? selection.ids.size() : m_model->matchCount().value_or(0);
    OperatorAction action;
    action.kind = kind;
    action.actor = actor();

    if (kind == ActionKind::Reschedule) {
        auto *dialog = new RescheduleDialog(count, m_dialogParent);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        connect(dialog, &QDialog::accepted, this, [this, dialog, selection, run, actor = action.actor] {
            if (auto asked = dialog->validatedAction()) {
                asked->actor = actor;
                preview(selection, run, *asked);
            }
        });
        dialog->open();
        return;
    }
    if (kind == ActionKind::EditPayload) {
        if (selection.ids.size() == 1 && run.ids.size() == 1)
            editPayload(run.ids.constFirst());
        return;
    }
    if (kind == ActionKind::SetPriority) {
        auto *dialog = new QInputDialog(m_dialogParent);
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setWindowTitle(ActionPreviewDialog::actionTitle(kind, count));
        dialog->setLabelText(tr("Priority, from %1 (most urgent) to %2:").arg(kHighestPriority).arg(kLowestPriority));
        dialog->setInputMode(QInputDialog::IntInput);
        dialog->setIntRange(kHighestPriority, kLowestPriority);
        dialog->setIntValue(kDefaultPriority);
        connect(dialog, &QInputDialog::intValueSelected, this, [this, selection, run, action](int priority) mutable {
            action.priority = priority;
            preview(selection, run, action);
        });
        dialog->open();
        Q_EMIT dialogShown(dialog);
        return;
    }
    preview(selection, run, action);
}

void MessageActions::preview(const MessageSelection &shown, const MessageSelection &run, const OperatorAction &action)
{
    if (!m_storeThread)
        return;
    const quint64 generation = m_generation;
    m_storeThread->post(
        this, [shown, action](Store &store) { return store.previewAction(shown, action); },
        [this, generation, run, action](Result<ActionPreview> preview) {
            if (generation != m_generation || !m_storeThread)
                return;
            if (!preview) {
                auto *box = new QMessageBox(QMessageBox::Warning, ActionPreviewDialog::actionTitle(action.kind, 0),
                                            tr("The action cannot run: %1").arg(preview.errorString()), QMessageBox::Ok, m_dialogParent);
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->open();
                return;
            }
            auto *dialog = new ActionPreviewDialog(m_storeThread, run, action, *preview, m_dialogParent);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            connect(dialog, &ActionPreviewDialog::actionFinished, this, [this, generation](const ActionResult &result) {
                if (generation != m_generation)
                    return;
                // Delete leaves nothing to bring back, and copies are removed with Delete once terminal;
                // every other action can be undone.
                m_canUndo = result.kind != ActionKind::Delete && result.kind != ActionKind::Duplicate && result.affected > 0;
                updateEnabled();
                QString message = tr("%1 done").arg(ActionPreviewDialog::actionTitle(result.kind, result.affected));
                if (result.cancelled)
                    message += tr(" (stopped before the end)");
                if (result.skippedIntoPast > 0)
                    message += tr("; %1 left alone: the shift would have put them in the past").arg(result.skippedIntoPast);
                if (result.changedMeanwhile > 0)
                    message += tr("; %1 left alone: changed meanwhile by an engine or another operator").arg(result.changedMeanwhile);
                Q_EMIT statusMessage(message);
                Q_EMIT messagesChanged();
            });
            dialog->open();
            Q_EMIT previewShown(dialog);
        });
}

void MessageActions::editPayload(qint64 id)
{
    const quint64 generation = m_generation;
    // The payload as the store has it now, not as the page loaded it.
    m_storeThread->post(
        this, [id](Store &store) { return store.message(id); },
        [this, generation, id](Result<Message> message) {
            if (generation != m_generation || !m_storeThread)
                return;
            if (!message) {
                Q_EMIT statusMessage(tr("Message %1 cannot be edited: %2").arg(id).arg(message.errorString()));
                return;
            }
            auto *dialog = new PayloadDialog(id, message->payload, m_dialogParent);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            connect(dialog, &QDialog::accepted, this, [this, dialog, id] {
                OperatorAction action;
                action.kind = ActionKind::EditPayload;
                action.actor = actor();
                action.payload = dialog->payload().value();
                MessageSelection one;
                one.ids = {id};
                preview(one, one, action);
            });
            dialog->open();
            Q_EMIT dialogShown(dialog);
        });
}

void MessageActions::newMessage()
{
    if (!m_storeThread || m_readOnly || !m_queues)
        return;
    QStringList queues;
    for (int row = 0; row < m_queues->rowCount(); ++row)
        queues << m_queues->countsAt(row).queue;
    auto *dialog = new NewMessageDialog(m_storeThread, queues, m_model->queue(), m_dialogParent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const qint64 id = dialog->createdId();
        Q_EMIT statusMessage(dialog->wasDuplicate() ? tr("Not enqueued: message %1 has the same dedupe key").arg(id)
                                                    : tr("Message %1 enqueued").arg(id));
        Q_EMIT messagesChanged();
        Q_EMIT messageCreated(id);
    });
    dialog->open();
    Q_EMIT dialogShown(dialog);
}

void MessageActions::exportMatching()
{
    if (!m_storeThread || m_model->queue().isEmpty())
        return;
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    const QString path = QFileDialog::getSaveFileName(m_dialogParent, tr("Export messages"),
                                                      folder + QLatin1Char('/') + m_model->queue() + QStringLiteral("-messages.csv"),
                                                      tr("CSV (*.csv);;JSON Lines (*.jsonl)"));
    if (!path.isEmpty())
        exportTo(path);
}

ExportJob *MessageActions::exportTo(const QString &path)
{
    if (!m_storeThread)
        return nullptr;
    auto *job = new ExportJob(m_storeThread->url(), m_model->selection(), ExportJob::formatForPath(path), path, this);
    auto *progress = new QProgressDialog(tr("Exporting to %1…").arg(path), tr("Stop"), 0, 0, m_dialogParent);
    progress->setObjectName(QStringLiteral("exportProgress"));
    progress->setWindowTitle(tr("Export messages"));
    progress->setAttribute(Qt::WA_DeleteOnClose);
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    progress->setMinimumDuration(300);
    connect(progress, &QProgressDialog::canceled, job, &ExportJob::cancel);
    connect(job, &ExportJob::progressed, progress, [progress](qint64 done, qint64 total) {
        // QProgressDialog counts in int; the fraction is what shows.
        progress->setMaximum(total > 0 ? 1000 : 0);
        progress->setValue(total > 0 ? int(done * 1000 / total) : 0);
        progress->setLabelText(tr("Exported %1 of %2 messages…").arg(QLocale().toString(done), QLocale().toString(total)));
    });
    connect(job, &ExportJob::finished, this, [this, job, progress] {
        progress->disconnect(job); // closing a progress dialog says "canceled"
        progress->close();
        job->deleteLater();
        const Result<qint64> result = job->result();
        if (result) {
            Q_EMIT statusMessage(tr("Exported %1 messages to %2").arg(QLocale().toString(*result), job->path()));
            Q_EMIT exportFinished(job->path(), *result, {});
            return;
        }
        Q_EMIT statusMessage(tr("Export: %1").arg(result.errorString()));
        if (!job->wasCancelled()) {
            auto *box = new QMessageBox(QMessageBox::Warning, tr("Export messages"), tr("The export failed: %1").arg(result.errorString()),
                                        QMessageBox::Ok, m_dialogParent);
            box->setAttribute(Qt::WA_DeleteOnClose);
            box->open();
        }
        Q_EMIT exportFinished(job->path(), 0, result.errorString());
    });
    job->start();
    return job;
}

void MessageActions::undo()
{
    if (!m_storeThread || m_readOnly || !m_canUndo)
        return;
    m_canUndo = false;
    updateEnabled();
    const quint64 generation = m_generation;
    m_storeThread->post(
        this, [actor = actor()](Store &store) { return store.undoLastAction(actor); },
        [this, generation](Result<ActionResult> undone) {
            if (generation != m_generation)
                return;
            if (!undone) {
                Q_EMIT statusMessage(tr("Nothing was undone: %1").arg(undone.errorString()));
                return;
            }
            Q_EMIT statusMessage(undone->affected == 1 ? tr("Undone: 1 message is back as it was")
                                                       : tr("Undone: %1 messages are back as they were").arg(undone->affected));
            Q_EMIT messagesChanged();
        });
}

} // namespace herald
