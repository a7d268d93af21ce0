#include "QueuesFeature.h"

#include "QueueActions.h"
#include "QueueListModel.h"
#include "QueueSettingsDialog.h"
#include "QueuesView.h"
#include "messages/MessageActions.h"
#include "messages/MessageFilterBar.h"
#include "messages/MessageTableModel.h"
#include "messages/MessagesView.h"
#include "shell/Settings.h"
#include "shell/StoreSession.h"

#include "store/StoreThread.h"

#include <QAction>
#include <QApplication>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QSignalBlocker>
#include <QStyle>
#include <QTableView>
#include <QTreeView>

namespace herald {

namespace {
constexpr int kStatusTimeoutMs = 10'000;
}

QueuesFeature::QueuesFeature(QWidget *window, QObject *parent)
    : Feature(parent),
      m_window(window),
      m_queueModel(new QueueListModel(this)),
      m_messageModel(new MessageTableModel(this)),
      m_queuesView(new QueuesView(m_queueModel)),
      m_messagesView(new MessagesView(m_messageModel)),
      m_messageActions(new MessageActions(m_messageModel, m_messagesView->tableView(), window)),
      m_queueActions(new QueueActions(m_queueModel, m_queuesView, window)),
      m_totalsLabel(new QLabel),
      m_queueMenu(new QMenu(tr("&Queue"), window)),
      m_messagesMenu(new QMenu(tr("&Messages"), window)),
      m_newQueueAction(new QAction(tr("&New queue…"), this)),
      m_findAction(new QAction(tr("&Find messages…"), this)),
      m_editSeparator(new QAction(this))
{
    m_messageActions->setQueueList(m_queueModel);
    m_queueActions->fillMenu(m_queueMenu);
    m_messageActions->fillMenu(m_messagesMenu);
    m_newQueueAction->setShortcut(QKeySequence::New);
    m_newQueueAction->setEnabled(false);
    m_newQueueAction->setIcon(QApplication::style()->standardIcon(QStyle::SP_FileDialogNewFolder));
    connect(m_newQueueAction, &QAction::triggered, this, &QueuesFeature::createQueue);
    m_findAction->setShortcut(QKeySequence::Find);
    connect(m_findAction, &QAction::triggered, this, [this] {
        Q_EMIT sectionRequested();
        m_messagesView->filterBar()->focusSearch();
    });
    m_editSeparator->setSeparator(true);

    const auto status = [this](const QString &message) { Q_EMIT statusMessage(message, kStatusTimeoutMs); };
    connect(m_messageActions, &MessageActions::statusMessage, this, status);
    connect(m_messageActions, &MessageActions::messageCreated, this, &QueuesFeature::messageChosen);
    connect(m_queueActions, &QueueActions::statusMessage, this, status);
    connect(m_queueModel, &QueueListModel::refreshed, this, &QueuesFeature::queuesRefreshed);
    connect(m_queueModel, &QueueListModel::refreshFailed, this, [this](const QString &error) {
        if (m_session)
            m_session->reportReadFailed(error);
    });
    connect(m_queuesView, &QueuesView::queueSelected, this, &QueuesFeature::onQueueSelected);
    // Picking a queue is asking for its messages, whatever section was on screen.
    connect(m_queuesView->treeView(), &QAbstractItemView::clicked, this, &QueuesFeature::sectionRequested);
    connect(m_messageModel, &MessageTableModel::pageLoaded, this, &QueuesFeature::pageReadyChanged);
    connect(m_messageModel, &MessageTableModel::loadFailed, this, &QueuesFeature::pageReadyChanged);
    connect(m_messagesView->tableView()->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                // A start-over (new filter, new page order) clears the current row: the details keep the
                // message they show until another is picked.
                if (current.isValid())
                    Q_EMIT messageChosen(current.data(MessageTableModel::MessageIdRole).toLongLong());
            });
}

void QueuesFeature::setSession(StoreSession *session)
{
    m_session = session;
    connect(session, &StoreSession::storeChanged, this, &QueuesFeature::storeChanged);
    connect(session, &StoreSession::refreshRequested, m_queueModel, &QueueListModel::refresh);
    connect(session, &StoreSession::reloadRequested, this, [this] {
        m_queueModel->refresh();
        m_messageModel->reload();
    });
    connect(session, &StoreSession::messagesChanged, this, [this] {
        m_queueModel->refresh();
        m_messageModel->reload();
    });
    connect(session, &StoreSession::liveChanges, this,
            [this](const QSet<QString> &queues, bool claims, bool) { liveChanges(queues, claims); });
    connect(session, &StoreSession::liveRefreshChanged, this, &QueuesFeature::updateTotals);
    connect(m_messageActions, &MessageActions::messagesChanged, session, &StoreSession::notifyMessagesChanged);
    connect(m_queueActions, &QueueActions::queuesChanged, this, [this] {
        m_queueModel->refresh();
        // A resumed queue, a higher concurrency or rate: the engine reads its queues when woken.
        m_session->wakeDelivery();
    });
}

QWidget *QueuesFeature::page() const
{
    return m_messagesView;
}

Feature::Section QueuesFeature::section() const
{
    return {tr("Queues"), tr("&Queues"), QApplication::style()->standardIcon(QStyle::SP_FileDialogDetailedView),
            tr("The selected queue's messages")};
}

QWidget *QueuesFeature::navigationPanel() const
{
    return m_queuesView;
}

QList<Feature::Action> QueuesFeature::actions() const
{
    QList<Action> actions{{Place::FileNew, m_newQueueAction},
                          {Place::Edit, m_findAction},
                          {Place::Edit, m_messagesView->copyAction()},
                          {Place::Edit, m_editSeparator},
                          {Place::Edit, m_messageActions->undoAction()},
                          {Place::ToolBarCreate, m_newQueueAction}};
    for (ActionKind kind : {ActionKind::Cancel, ActionKind::Reschedule, ActionKind::Retry, ActionKind::Promote})
        actions.append({Place::ToolBarActions, m_messageActions->action(kind, MessageActions::Scope::Selected)});
    actions.append({Place::ToolBarActions, m_messageActions->undoAction()});
    return actions;
}

QList<QMenu *> QueuesFeature::menus() const
{
    return {m_queueMenu, m_messagesMenu};
}

QList<Feature::StatusWidget> QueuesFeature::statusWidgets() const
{
    return {{m_totalsLabel, false, [this] { return m_totalsLabel->text(); }}};
}

void QueuesFeature::restoreSettings(const Settings &settings)
{
    // Column widths and order as the operator left them (the sort is the model's, not the header's).
    if (const QByteArray header = settings.messageHeaderState(); !header.isEmpty()) {
        QHeaderView *columns = m_messagesView->tableView()->horizontalHeader();
        const int sortColumn = columns->sortIndicatorSection();
        const Qt::SortOrder sortOrder = columns->sortIndicatorOrder();
        const QSignalBlocker blocker(columns);
        columns->restoreState(header);
        columns->setSortIndicator(sortColumn, sortOrder);
    }
}

void QueuesFeature::saveSettings(Settings &settings) const
{
    settings.setMessageHeaderState(m_messagesView->tableView()->horizontalHeader()->saveState());
}

void QueuesFeature::activate(bool changed)
{
    // What changed while another section was on screen.
    if (changed)
        m_messagesView->refreshVisibleRows();
}

bool QueuesFeature::isPageReady() const
{
    return !m_messageModel->queue().isEmpty() && !m_messageModel->isLoading();
}

void QueuesFeature::storeChanged()
{
    StoreThread *storeThread = m_session->storeThread();
    const bool readOnly = m_session->isReadOnly();
    m_queueToSelect.clear();
    m_messageModel->setStoreThread(storeThread);
    m_messageActions->setStore(storeThread, readOnly);
    m_queueActions->setStore(storeThread, readOnly);
    m_queueModel->setStoreThread(storeThread);
    m_newQueueAction->setEnabled(m_session->canWrite());
    updateTotals();
}

void QueuesFeature::queuesRefreshed()
{
    if (m_queueModel->rowCount() > 0) {
        if (!m_queueToSelect.isEmpty() && m_queueModel->rowOf(m_queueToSelect) >= 0) {
            // A queue just created: its (empty) messages, ready for the first one.
            m_queuesView->setCurrentQueue(m_queueToSelect);
            m_queueToSelect.clear();
            Q_EMIT sectionRequested();
        } else if (m_queuesView->currentQueue().isEmpty()) {
            // An empty right-hand side helps nobody: start with the first queue.
            m_queuesView->setCurrentQueue(m_queueModel->countsAt(0).queue);
        }
    }
    updateQueueTotal();
    updateTotals();
    if (m_session)
        m_session->reportRead(m_queueModel->rowCount() == 0);
}

void QueuesFeature::onQueueSelected(const QString &queue)
{
    m_messageModel->setQueue(queue);
    Q_EMIT queueSelected(queue);
    updateQueueTotal();
}

void QueuesFeature::updateQueueTotal()
{
    const int row = m_queueModel->rowOf(m_messageModel->queue());
    m_messagesView->setQueueCounts(row < 0 ? std::nullopt : std::optional<QueueCounts>(m_queueModel->countsAt(row)));
}

void QueuesFeature::updateTotals()
{
    if (!m_queueModel->isLoaded()) {
        m_totalsLabel->clear();
        return;
    }
    if (m_queueModel->rowCount() == 0) {
        m_totalsLabel->setText(tr("No queues"));
        return;
    }
    const QLocale locale;
    const QueueCounts totals = m_queueModel->totals();
    const int queues = m_queueModel->rowCount();
    QStringList parts{queues == 1 ? tr("1 queue") : tr("%1 queues").arg(locale.toString(queues)),
                      totals.total() == 1 ? tr("1 message") : tr("%1 messages").arg(locale.toString(totals.total()))};
    for (MessageState state : {MessageState::Waiting, MessageState::Active, MessageState::Failed})
        parts << QStringLiteral("%1 %2").arg(locale.toString(totals.count(state)), stateName(state));
    if (m_session && !m_session->isLiveRefresh())
        parts << tr("live refresh paused");
    m_totalsLabel->setText(parts.join(QStringLiteral(" · ")));
}

void QueuesFeature::liveChanges(const QSet<QString> &queues, bool claims)
{
    m_queueModel->refresh();
    if (m_messagesView->isVisibleTo(m_messagesView->window()) && (claims || queues.contains(m_messageModel->queue()))) {
        m_messagesView->refreshVisibleRows();
        Q_EMIT visibleRowsRefreshed();
    }
}

void QueuesFeature::showMessage(qint64 id)
{
    if (!m_session || !m_session->storeThread())
        return;
    const quint64 generation = m_session->generation();
    m_session->storeThread()->post(
        this, [id](Store &store) { return store.message(id); },
        [this, generation, id](Result<Message> message) {
            if (generation != m_session->generation())
                return;
            if (!message) {
                Q_EMIT statusMessage(tr("Message %1 cannot be shown: %2").arg(id).arg(message.errorString()), kStatusTimeoutMs);
                return;
            }
            Q_EMIT sectionRequested();
            m_queuesView->setCurrentQueue(message->queue);
            m_messagesView->filterBar()->searchField()->setText(QString::number(id));
            Q_EMIT messageShown(id);
        });
}

void QueuesFeature::showFailureGroup(const MessageSelection &group, const QString &fingerprint, const QString &queue)
{
    Q_EMIT sectionRequested();
    m_queuesView->setCurrentQueue(queue);
    m_messagesView->filterBar()->setFailureGroup(group, fingerprint);
}

void QueuesFeature::showRunAtWindow(qint64 fromMs, qint64 toMs)
{
    Q_EMIT sectionRequested();
    m_messagesView->filterBar()->setRunAtWindow(fromMs, toMs);
}

void QueuesFeature::createQueue()
{
    if (!m_session || !m_session->canWrite())
        return;
    auto *dialog = new QueueSettingsDialog(m_session->storeThread(), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const quint64 generation = m_session->generation();
    connect(dialog, &QDialog::accepted, this, [this, dialog, generation] {
        if (generation != m_session->generation())
            return;
        m_queueToSelect = dialog->createdQueue();
        Q_EMIT statusMessage(tr("Queue %1 created").arg(m_queueToSelect), 5000);
        m_queueModel->refresh();
        // The engine reads its queues at start and on its back-stop poll; the new one is delivered now.
        m_session->wakeDelivery();
    });
    dialog->open();
}

} // namespace herald
