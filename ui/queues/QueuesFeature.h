#pragma once

#include "shell/Feature.h"

#include "model/MessageSelection.h"

class QAction;
class QLabel;
class QMenu;

namespace herald {

class MessageActions;
class MessageTableModel;
class MessagesView;
class QueueActions;
class QueueListModel;
class QueuesView;
class StoreSession;

// The queues and their messages: the queue list under the navigation with its live counts, the
// selected queue's messages as the Queues section, the Queue and Messages menus, the bulk actions on the
// toolbar, New queue, and the totals in the status bar. It keeps the store's heartbeat: its queue
// counts are the read the session reports (StoreSession::reportRead()).
//
// window: the parent of its dialogs. GUI thread only.
class QueuesFeature : public Feature
{
    Q_OBJECT

public:
    explicit QueuesFeature(QWidget *window, QObject *parent = nullptr);

    void setSession(StoreSession *session) override;
    QWidget *page() const override;
    Section section() const override;
    QWidget *navigationPanel() const override;
    QList<Action> actions() const override;
    QList<QMenu *> menus() const override;
    QList<StatusWidget> statusWidgets() const override;
    void restoreSettings(const Settings &settings) override;
    void saveSettings(Settings &settings) const override;
    void activate(bool changed) override;
    bool isPageReady() const override;

    QueueListModel *queueModel() const { return m_queueModel; }
    MessageTableModel *messageModel() const { return m_messageModel; }
    QueuesView *queuesView() const { return m_queuesView; }
    MessagesView *messagesView() const { return m_messagesView; }
    MessageActions *messageActions() const { return m_messageActions; }
    QueueActions *queueActions() const { return m_queueActions; }
    QAction *newQueueAction() const { return m_newQueueAction; }

    // Shows a message wherever it is: its queue selected, the table searched for its id; messageShown().
    void showMessage(qint64 id);
    // The queue's messages filtered to a failure group, or to what is due in a window of time.
    void showFailureGroup(const MessageSelection &group, const QString &fingerprint, const QString &queue);
    void showRunAtWindow(qint64 fromMs, qint64 toMs);
    void createQueue();

Q_SIGNALS:
    void queueSelected(const QString &queue);
    // The current row of the table, or a message just created: the details follow it.
    void messageChosen(qint64 id);
    // showMessage() found it: the details show it in front.
    void messageShown(qint64 id);
    // Live refresh re-read the rows on screen.
    void visibleRowsRefreshed();

private:
    void storeChanged();
    void queuesRefreshed();
    void onQueueSelected(const QString &queue);
    void updateQueueTotal();
    void updateTotals();
    void liveChanges(const QSet<QString> &queues, bool claims);

    QWidget *m_window;
    StoreSession *m_session = nullptr;
    QueueListModel *m_queueModel;
    MessageTableModel *m_messageModel;
    QueuesView *m_queuesView;
    MessagesView *m_messagesView;
    MessageActions *m_messageActions;
    QueueActions *m_queueActions;
    QLabel *m_totalsLabel;
    QMenu *m_queueMenu;
    QMenu *m_messagesMenu;
    QAction *m_newQueueAction;
    QAction *m_findAction;
    QAction *m_editSeparator;
    QString m_queueToSelect; // just created: selected as soon as the counts show it
};

} // namespace herald
