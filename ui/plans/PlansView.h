#pragma once

#include "plans/PlanOverview.h"

#include <QPointer>
#include <QWidget>

class QAction;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace herald {

class PlanApplyDialog;
class PlanEventsModel;
class PlanMessagesModel;
class PlanTimeline;
class StoreThread;

// The console's Plans section (DESIGN §11): the applied events (name, status, start, their messages by
// state); the selected event on a time axis (PlanTimeline) above its derived messages; Apply event
// file… and Forget event…, each previewed (PlanApplyDialog) and undoable. Clicking a dot selects its
// messages in the table; double-clicking a row shows the message in its queue.
//
// GUI thread only. Reads and writes through the StoreThread (not owned; setStore() before it goes).
class PlansView : public QWidget
{
    Q_OBJECT

public:
    explicit PlansView(QWidget *parent = nullptr);
    ~PlansView() override;

    void setStore(StoreThread *storeThread, bool readOnly);
    // Re-reads the events and the selected event's messages.
    void reload();

    QAction *applyAction() const { return m_apply; }
    QAction *forgetAction() const { return m_forget; }
    // Previews applying an event file (asks which plan when the event is new and the store has several);
    // the preview is a PlanApplyDialog, announced by previewShown().
    void applyEventFile(const QString &path);
    // Previews forgetting the selected event.
    void forgetCurrentEvent();

    void selectEvent(const QString &eventId);
    QString currentEvent() const;
    // Selects these messages in the table (and rings them on the timeline).
    void selectMessages(const QList<qint64> &ids);
    QList<qint64> selectedMessages() const;

    PlanEventsModel *eventsModel() const { return m_events; }
    PlanMessagesModel *messagesModel() const { return m_messages; }
    PlanTimeline *timeline() const { return m_timeline; }
    QTableView *eventsTable() const { return m_eventsTable; }
    QTableView *messagesTable() const { return m_messagesTable; }
    bool isDetailLoaded() const { return m_detailLoaded; }

Q_SIGNALS:
    void statusMessage(const QString &message);
    // An apply or forget was written: messages changed, and Edit ▸ Undo reverts it.
    void planApplied(const QString &eventId);
    void previewShown(herald::PlanApplyDialog *dialog);
    // The current row of the messages table: the details dock follows it.
    void messageSelected(qint64 id);
    // A message row was double-clicked (or Enter pressed on it): show it in its queue.
    void messageRequested(qint64 id);
    // The events were read, and the selected event's messages (or there is none).
    void loaded();

private:
    void eventsRefreshed();
    void loadDetail();
    void showDetail(const PlanEventDetail &detail);
    void previewApply(const QString &plan, const QByteArray &json, const QString &source, const EventSpec &event);
    void showPreview(PlanApplyDialog *dialog, const QString &eventId, const QString &done);
    void updateActions();
    void warn(const QString &title, const QString &text, const QString &details = {});

    QPointer<StoreThread> m_storeThread;
    bool m_readOnly = false;
    quint64 m_generation = 0;
    quint64 m_detailGeneration = 0;
    bool m_detailLoaded = false;
    QString m_wantedEvent; // to select once the events are read
    PlanEventsModel *m_events;
    QSortFilterProxyModel *m_eventsProxy = nullptr;
    PlanMessagesModel *m_messages;
    QSortFilterProxyModel *m_messagesProxy = nullptr;
    QLabel *m_emptyHint;
    QTableView *m_eventsTable;
    QLabel *m_eventTitle;
    PlanTimeline *m_timeline;
    QTableView *m_messagesTable;
    QAction *m_apply;
    QAction *m_forget;
    QAction *m_reload;
};

} // namespace herald
