#include "QueueActions.h"

#include "QueueListModel.h"
#include "QueueSettingsDialog.h"
#include "QueuesView.h"

#include "store/StoreThread.h"

#include <QAction>
#include <QKeySequence>
#include <QMenu>
#include <QMessageBox>
#include <QTreeView>

namespace herald {

QueueActions::QueueActions(QueueListModel *model, QueuesView *view, QWidget *dialogParent)
    : QObject(dialogParent), m_model(model), m_view(view), m_dialogParent(dialogParent), m_pause(new QAction(tr("&Pause queue"), this)),
      m_edit(new QAction(tr("Queue &settings…"), this))
{
    m_pause->setCheckable(true);
    m_pause->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_edit->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
    // triggered, not toggled: the check mark follows the counts too, and that must not write back.
    connect(m_pause, &QAction::triggered, this, &QueueActions::setPaused);
    connect(m_edit, &QAction::triggered, this, &QueueActions::edit);

    QTreeView *tree = m_view->treeView();
    tree->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(tree, &QWidget::customContextMenuRequested, this, [this, tree](const QPoint &position) {
        QMenu menu;
        fillMenu(&menu);
        menu.exec(tree->viewport()->mapToGlobal(position));
    });
    connect(m_view, &QueuesView::queueSelected, this, &QueueActions::updateEnabled);
    connect(m_model, &QueueListModel::refreshed, this, &QueueActions::updateEnabled);
    updateEnabled();
}

QueueActions::~QueueActions() = default;

void QueueActions::setStore(StoreThread *storeThread, bool readOnly)
{
    m_storeThread = storeThread;
    m_readOnly = readOnly;
    ++m_generation;
    updateEnabled();
}

void QueueActions::fillMenu(QMenu *menu) const
{
    menu->addAction(m_pause);
    menu->addAction(m_edit);
}

void QueueActions::updateEnabled()
{
    const QString queue = m_view->currentQueue();
    const int row = m_model->rowOf(queue);
    const bool paused = row >= 0 && m_model->countsAt(row).paused;
    QString reason;
    if (!m_storeThread)
        reason = tr("No store is open.");
    else if (m_readOnly)
        reason = tr("The store is open read-only: its queues cannot be changed.");
    else if (row < 0)
        reason = tr("Select a queue first.");
    m_pause->setChecked(paused);
    m_pause->setText(paused ? tr("Resume queue %1").arg(queue) : row >= 0 ? tr("&Pause queue %1").arg(queue) : tr("&Pause queue"));
    m_pause->setEnabled(reason.isEmpty());
    m_pause->setToolTip(reason.isEmpty() ? (paused ? tr("Deliver this queue's messages again") : tr("Start no new delivery from this queue; those in flight finish"))
                                         : reason);
    m_edit->setEnabled(reason.isEmpty());
    m_edit->setToolTip(reason.isEmpty() ? tr("Concurrency, rate limit, attempts, back-off, retention, default channel") : reason);
}

void QueueActions::setPaused(bool paused)
{
    const QString queue = m_view->currentQueue();
    if (!m_storeThread || m_readOnly || queue.isEmpty())
        return;
    const quint64 generation = m_generation;
    m_storeThread->post(
        this, [queue, paused](Store &store) { return store.setPaused(queue, paused); },
        [this, generation, queue, paused](Status done) {
            if (generation != m_generation)
                return;
            if (!done)
                Q_EMIT statusMessage(tr("Queue %1 could not be changed: %2").arg(queue, done.errorString()));
            else
                Q_EMIT statusMessage(paused ? tr("Queue %1 paused").arg(queue) : tr("Queue %1 resumed").arg(queue));
            Q_EMIT queuesChanged();
        });
}

void QueueActions::edit()
{
    const QString queue = m_view->currentQueue();
    if (!m_storeThread || m_readOnly || queue.isEmpty())
        return;
    const quint64 generation = m_generation;
    m_storeThread->post(
        this, [queue](Store &store) { return store.queue(queue); },
        [this, generation](Result<QueueConfig> config) {
            if (generation != m_generation || !m_storeThread)
                return;
            if (!config) {
                Q_EMIT statusMessage(tr("The queue's settings could not be read: %1").arg(config.errorString()));
                return;
            }
            auto *dialog = new QueueSettingsDialog(m_storeThread, *config, m_dialogParent);
            dialog->setAttribute(Qt::WA_DeleteOnClose);
            connect(dialog, &QDialog::accepted, this, [this, name = config->name] {
                Q_EMIT statusMessage(tr("Settings of queue %1 saved").arg(name));
                Q_EMIT queuesChanged();
            });
            dialog->open();
        });
}

} // namespace herald
