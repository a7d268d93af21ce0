#pragma once

#include "model/MessageSelection.h"

#include <QHash>
#include <QObject>
#include <QPointer>

class QAction;
class QDialog;
class QMenu;
class QTableView;
class QWidget;

namespace herald {

class ActionPreviewDialog;
class ExportJob;
class MessageTableModel;
class QueueListModel;
class StoreThread;

// The operator actions on messages (DESIGN §8): cancel, reschedule, retry, run now, change priority,
// restore and delete, on the selected rows or on every message matching the table's filter, and undo
// of the last one. Each asks what it needs (RescheduleDialog, a priority), previews (ActionPreviewDialog),
// runs as a job, and then announces messagesChanged() so that the window refreshes and wakes the engine.
// An action that cannot apply is disabled with the reason in its tooltip.
//
// GUI thread only. The model, the table and the StoreThread are not owned; setStore() before the
// StoreThread goes.
class MessageActions : public QObject
{
    Q_OBJECT

public:
    enum class Scope { Selected, Matching };
    static constexpr std::array kKinds{ActionKind::Cancel,  ActionKind::Reschedule,  ActionKind::Retry,
                                       ActionKind::Promote, ActionKind::SetPriority, ActionKind::Restore,
                                       ActionKind::EditPayload, ActionKind::Duplicate, ActionKind::Delete};

    MessageActions(MessageTableModel *model, QTableView *table, QWidget *dialogParent);
    ~MessageActions() override;

    void setStore(StoreThread *storeThread, bool readOnly);

    QAction *action(ActionKind kind, Scope scope) const;
    QAction *undoAction() const { return m_undo; }
    // Messages ▸ New message… (NewMessageDialog), into the queues the list shows.
    QAction *newMessageAction() const { return m_newMessage; }
    void setQueueList(QueueListModel *queues);
    // Messages ▸ Export matching…: every message matching the table's filter, to CSV or JSON Lines.
    QAction *exportAction() const { return m_export; }
    // Exports without asking for the file (the action asks, then calls this); progress in a dialog.
    ExportJob *exportTo(const QString &path);
    // The actions on the selection, then a submenu for all matching, then undo.
    void fillMenu(QMenu *menu) const;
    // Who the audit log names: the console and the operating-system user.
    static QString actor();
    // Another part of the console took an undoable bulk action (an event plan's apply): Undo reverts it.
    void noteUndoableAction();
    // The preview of an action on a selection that is not the table's (a failure group across queues),
    // then the run, as for the table's own selections.
    void previewSelection(const MessageSelection &selection, ActionKind kind);

Q_SIGNALS:
    // An action or an undo changed messages: counts, rows and the engine's timers are stale.
    void messagesChanged();
    void statusMessage(const QString &message);
    // A preview is on screen, waiting for the operator to run it or close it.
    void previewShown(herald::ActionPreviewDialog *dialog);
    // A dialog that asks before the preview (reschedule, priority, payload, new message) is on screen.
    void dialogShown(QDialog *dialog);
    // A message was enqueued from the console.
    void messageCreated(qint64 id);
    // An export ended: the file holds count messages, or error says why there is no file.
    void exportFinished(const QString &path, qint64 count, const QString &error);

private:
    void trigger(ActionKind kind, Scope scope);
    // Previews shown on one selection, run on another: the selected rows whose state the action does not
    // apply to are shown as skipped, but left out of the run, since the store refuses a list of ids
    // with any such message in it as a whole.
    void preview(const MessageSelection &shown, const MessageSelection &run, const OperatorAction &action);
    void undo();
    void newMessage();
    void exportMatching();
    void editPayload(qint64 id);
    void updateEnabled();
    MessageSelection selectedIds(const QList<MessageState> &states = {}) const;

    MessageTableModel *m_model;
    QTableView *m_table;
    QWidget *m_dialogParent;
    QPointer<StoreThread> m_storeThread;
    bool m_readOnly = false;
    bool m_canUndo = false;
    quint64 m_generation = 0; // bumped per store: answers for the previous one are dropped
    QHash<int, QAction *> m_actions; // key: int(kind) * 2 + int(scope)
    QAction *m_undo;
    QAction *m_newMessage;
    QAction *m_export;
    QPointer<QueueListModel> m_queues;
    QMenu *m_matchingMenu;
};

} // namespace herald
