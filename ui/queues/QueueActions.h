#pragma once

#include <QObject>
#include <QPointer>

class QAction;
class QMenu;

namespace herald {

class QueueListModel;
class QueuesView;
class StoreThread;

// What an operator does to a queue from the queue list (context menu, Queues menu): pause or resume
// it, and edit its settings (QueueSettingsDialog). Disabled with the reason on a read-only store or
// without a queue. Announces queuesChanged() after a write, for the window to refresh and wake the engine.
//
// GUI thread only. The model, the view and the StoreThread are not owned; setStore() before the
// StoreThread goes.
class QueueActions : public QObject
{
    Q_OBJECT

public:
    QueueActions(QueueListModel *model, QueuesView *view, QWidget *dialogParent);
    ~QueueActions() override;

    void setStore(StoreThread *storeThread, bool readOnly);

    // Checked while the current queue is paused: triggering it pauses or resumes.
    QAction *pauseAction() const { return m_pause; }
    QAction *editAction() const { return m_edit; }
    void fillMenu(QMenu *menu) const;

Q_SIGNALS:
    void queuesChanged();
    void statusMessage(const QString &message);

private:
    void updateEnabled();
    void setPaused(bool paused);
    void edit();

    QueueListModel *m_model;
    QueuesView *m_view;
    QWidget *m_dialogParent;
    QPointer<StoreThread> m_storeThread;
    bool m_readOnly = false;
    quint64 m_generation = 0;
    QAction *m_pause;
    QAction *m_edit;
};

} // namespace herald
