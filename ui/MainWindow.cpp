#include "MainWindow.h"

#include "Appearance.h"
#include "QueueSettingsDialog.h"
#include "DeliveryController.h"
#include "CleanupDialog.h"
#include "CleanupStatusLabel.h"
#include "DeliveryStatusWidget.h"
#include "EnginesStatusLabel.h"
#include "EmailDashboard.h"
#include "EmailEventsView.h"
#include "EmailImportJob.h"
#include "MessageActions.h"
#include "MessageDetailsView.h"
#include "MessageFilterBar.h"
#include "MessageTableModel.h"
#include "MessagesView.h"
#include "OutboxModel.h"
#include "OutboxView.h"
#include "QueueActions.h"
#include "QueueListModel.h"
#include "QueuesView.h"
#include "Settings.h"
#include "SnsEndpointControl.h"
#include "StoreBanner.h"
#include "StoreMenu.h"
#include "SuppressionsView.h"
#include "UpcomingChart.h"
#include "WelcomeView.h"
#include "engines/EnginesView.h"
#include "failures/FailuresView.h"
#include "plans/PlansView.h"

#include "demo/DemoData.h"
#include "store/StoreThread.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QSignalBlocker>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QLocale>
#include <QMenuBar>
#include <QMessageBox>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTableView>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>
#include <utility>

namespace herald {

namespace {

QLabel *pageLabel(QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    label->setMargin(24);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent),
      m_settings(std::make_unique<Settings>()),
      m_queueModel(new QueueListModel(this)),
      m_messageModel(new MessageTableModel(this)),
      m_outboxModel(new OutboxModel(this)),
      m_delivery(new DeliveryController(this)),
      m_banner(new StoreBanner(this)),
      m_splitter(new QSplitter(Qt::Horizontal, this)),
      m_navigationPane(new QWidget(m_splitter)),
      m_navigation(new QListWidget(m_navigationPane)),
      m_queuesView(new QueuesView(m_queueModel, m_navigationPane)),
      m_pages(new QStackedWidget(m_splitter)),
      m_openingPage(pageLabel(m_pages)),
      m_errorPage(pageLabel(m_pages)),
      m_welcomeView(new WelcomeView(m_pages)),
      m_messagesView(new MessagesView(m_messageModel, m_pages)),
      m_outboxView(new OutboxView(m_outboxModel, m_pages)),
      m_emailEvents(new EmailEventsView(m_pages)),
      m_suppressions(new SuppressionsView(m_pages)),
      m_dashboard(new EmailDashboard(m_pages)),
      m_plans(new PlansView(m_pages)),
      m_failures(new FailuresView(m_pages)),
      m_engines(new EnginesView(m_pages)),
      m_totalsLabel(new QLabel(this)),
      m_deliveryStatus(new DeliveryStatusWidget(m_delivery, this)),
      m_storeLabel(new QLabel(this)),
      m_detailsDock(new QDockWidget(tr("Details"), this)),
      m_detailsView(new MessageDetailsView),
      m_upcomingDock(new QDockWidget(tr("Upcoming"), this)),
      m_upcoming(new UpcomingChart)
{
    m_openingPage->setForegroundRole(QPalette::PlaceholderText);
    m_pages->addWidget(m_openingPage);
    m_pages->addWidget(m_errorPage);
    m_pages->addWidget(m_welcomeView);
    m_pages->addWidget(m_messagesView);
    m_pages->addWidget(m_outboxView);
    m_pages->addWidget(m_emailEvents);
    m_pages->addWidget(m_suppressions);
    m_pages->addWidget(m_dashboard);
    m_pages->addWidget(m_plans);
    m_pages->addWidget(m_failures);
    m_pages->addWidget(m_engines);

    // The sections, in Section order. A short list rather than tabs: email events, suppressions and the
    // dashboard join it later (DESIGN §8).
    m_navigation->addItem(new QListWidgetItem(style()->standardIcon(QStyle::SP_FileDialogDetailedView), tr("Queues")));
    m_navigation->addItem(new QListWidgetItem(style()->standardIcon(QStyle::SP_ArrowRight), tr("Outbox")));
    m_navigation->item(int(Section::Queues))->setToolTip(tr("The selected queue's messages (Ctrl+1)"));
    m_navigation->item(int(Section::Outbox))->setToolTip(tr("What the outbox channel captured instead of sending (Ctrl+2)"));
    m_navigation->addItem(new QListWidgetItem(style()->standardIcon(QStyle::SP_FileDialogContentsView), tr("E-mail events")));
    m_navigation->addItem(new QListWidgetItem(style()->standardIcon(QStyle::SP_MessageBoxCritical), tr("Suppressions")));
    m_navigation->addItem(new QListWidgetItem(style()->standardIcon(QStyle::SP_ComputerIcon), tr("E-mail dashboard")));
    m_navigation->item(int(Section::EmailEvents))->setToolTip(tr("Amazon SES events: deliveries, bounces, complaints… (Ctrl+3)"));
    m_navigation->item(int(Section::Suppressions))->setToolTip(tr("Addresses the e-mail channel no longer sends to (Ctrl+4)"));
    m_navigation->item(int(Section::Dashboard))->setToolTip(tr("Volumes, bounce and complaint rates against Amazon's levels (Ctrl+5)"));
    m_navigation->addItem(new QListWidgetItem(style()->standardIcon(QStyle::SP_FileDialogInfoView), tr("Event plans")));
    m_navigation->item(int(Section::Plans))->setToolTip(tr("Applied events, their reminders on a time axis, Apply event file… (Ctrl+6)"));
    connect(m_plans, &PlansView::statusMessage, this, [this](const QString &message) { statusBar()->showMessage(message, 10'000); });
    connect(m_plans, &PlansView::messageRequested, this, &MainWindow::showMessage);
    connect(m_plans, &PlansView::messageSelected, m_detailsView, &MessageDetailsView::showMessage);
    m_navigation->addItem(new QListWidgetItem(style()->standardIcon(QStyle::SP_MessageBoxWarning), tr("Failures")));
    m_navigation->item(int(Section::Failures))->setToolTip(tr("Failed messages grouped by cause; retry a group (Ctrl+7)"));
    connect(m_failures, &FailuresView::statusMessage, this, [this](const QString &message) { statusBar()->showMessage(message, 10'000); });
    connect(m_failures, &FailuresView::showMessagesRequested, this,
            [this](const MessageSelection &group, const QString &fingerprint, const QString &queue) {
                showSection(Section::Queues);
                m_queuesView->setCurrentQueue(queue);
                m_messagesView->filterBar()->setFailureGroup(group, fingerprint);
            });
    m_navigation->addItem(new QListWidgetItem(style()->standardIcon(QStyle::SP_DriveNetIcon), tr("Engines")));
    m_navigation->item(int(Section::Engines))->setToolTip(tr("The engines delivering from the store, live and stale (Ctrl+8)"));
    connect(m_emailEvents, &EmailEventsView::messageRequested, this, &MainWindow::showMessage);
    connect(m_suppressions, &SuppressionsView::changed, this, [this](const QString &message) { statusBar()->showMessage(message, 10'000); });
    connect(m_dashboard, &EmailDashboard::statusMessage, this, [this](const QString &message) { statusBar()->showMessage(message, 10'000); });
    m_navigation->setCurrentRow(int(Section::Queues));
    m_navigation->setSelectionMode(QAbstractItemView::SingleSelection);
    m_navigation->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_navigation->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // A sidebar rather than a boxed list: no frame, the window's background, rows tall enough to aim at.
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->viewport()->setBackgroundRole(QPalette::Window);
    const int rowHeight = m_navigation->fontMetrics().height() + 10;
    for (int row = 0; row < m_navigation->count(); ++row)
        m_navigation->item(row)->setSizeHint(QSize(0, rowHeight));
    m_navigation->setFixedHeight(m_navigation->count() * rowHeight + 2 * m_navigation->frameWidth());
    // A rule between the sections and the queues, so that the section picked last (the outbox, say)
    // does not read as the title of the queue table under it.
    auto *rule = new QFrame(m_navigationPane);
    rule->setFrameShape(QFrame::HLine);
    rule->setFrameShadow(QFrame::Sunken);
    auto *navigationLayout = new QVBoxLayout(m_navigationPane);
    navigationLayout->setContentsMargins(0, 0, 0, 0);
    navigationLayout->addWidget(m_navigation);
    navigationLayout->addSpacing(2);
    navigationLayout->addWidget(rule);
    navigationLayout->addSpacing(2);
    navigationLayout->addWidget(m_queuesView, 1);

    m_splitter->addWidget(m_navigationPane);
    m_splitter->addWidget(m_pages);
    m_splitter->setChildrenCollapsible(false);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);

    auto *central = new QWidget(this);
    auto *centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(8, 8, 8, 0);
    centralLayout->addWidget(m_banner);
    centralLayout->addWidget(m_splitter, 1);
    connect(m_banner, &StoreBanner::retryRequested, m_queueModel, &QueueListModel::refresh);
    setCentralWidget(central);

    m_storeLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusBar()->addWidget(m_totalsLabel, 1);
    statusBar()->addPermanentWidget(m_deliveryStatus);
    statusBar()->addPermanentWidget(m_cleanupStatus = new CleanupStatusLabel(this));
    statusBar()->addPermanentWidget(m_enginesStatus = new EnginesStatusLabel(this));
    statusBar()->addPermanentWidget(m_storeLabel);

    m_detailsDock->setObjectName(QStringLiteral("detailsDock"));
    m_detailsDock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    m_detailsDock->setWidget(m_detailsView);
    // Below, not beside: beside it the queue list and the message columns were squeezed to ellipses at 1280 px.
    addDockWidget(Qt::BottomDockWidgetArea, m_detailsDock);
    resizeDocks({m_detailsDock}, {260}, Qt::Vertical);
    m_upcomingDock->setObjectName(QStringLiteral("upcomingDock"));
    m_upcomingDock->setWidget(m_upcoming);
    addDockWidget(Qt::BottomDockWidgetArea, m_upcomingDock);
    tabifyDockWidget(m_detailsDock, m_upcomingDock);
    m_detailsDock->raise();
    connect(m_upcoming, &UpcomingChart::quarterClicked, this, [this](qint64 fromMs, qint64 toMs) {
        showSection(Section::Queues);
        m_messagesView->filterBar()->setRunAtWindow(fromMs, toMs);
    });
    // Read when looked at: the histogram is a query of its own.
    connect(m_upcomingDock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible)
            m_upcoming->refresh();
    });

    m_messageActions = new MessageActions(m_messageModel, m_messagesView->tableView(), this);
    m_messageActions->setQueueList(m_queueModel);
    connect(m_messageActions, &MessageActions::messagesChanged, this, &MainWindow::messagesChanged);
    connect(m_messageActions, &MessageActions::messageCreated, m_detailsView, &MessageDetailsView::showMessage);
    connect(m_messageActions, &MessageActions::statusMessage, this, [this](const QString &message) { statusBar()->showMessage(message, 10'000); });
    connect(m_failures, &FailuresView::retryRequested, this,
            [this](const MessageSelection &group) { m_messageActions->previewSelection(group, ActionKind::Retry); });
    // An apply or forget is a bulk action like the others: counts, rows and timers are stale, Undo reverts it.
    connect(m_plans, &PlansView::planApplied, this, [this] {
        m_messageActions->noteUndoableAction();
        m_delivery->wake();
        m_queueModel->refresh();
        m_messageModel->reload();
        m_upcoming->refresh();
    });

    m_queueActions = new QueueActions(m_queueModel, m_queuesView, this);
    connect(m_queueActions, &QueueActions::queuesChanged, this, [this] {
        m_queueModel->refresh();
        // A resumed queue, a higher concurrency or rate: the engine reads its queues when woken.
        m_delivery->wake();
    });
    connect(m_queueActions, &QueueActions::statusMessage, this, [this](const QString &message) { statusBar()->showMessage(message, 10'000); });

    createActions();

    connect(m_queueModel, &QueueListModel::refreshed, this, &MainWindow::queuesRefreshed);
    connect(m_queueModel, &QueueListModel::refreshFailed, this, &MainWindow::queuesRefreshFailed);
    connect(m_queuesView, &QueuesView::queueSelected, this, &MainWindow::queueSelected);
    connect(m_messageModel, &MessageTableModel::pageLoaded, this, &MainWindow::checkContentReady);
    connect(m_messageModel, &MessageTableModel::loadFailed, this, &MainWindow::checkContentReady);
    connect(m_welcomeView, &WelcomeView::createQueueRequested, this, &MainWindow::createQueue);
    connect(m_welcomeView, &WelcomeView::openDemoRequested, this, &MainWindow::openDemoStore);
    connect(m_outboxModel, &OutboxModel::pageLoaded, this, &MainWindow::checkContentReady);
    connect(m_outboxModel, &OutboxModel::refreshed, this, &MainWindow::checkContentReady);
    connect(m_outboxModel, &OutboxModel::loadFailed, this, &MainWindow::checkContentReady);
    connect(m_navigation, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0)
            showSection(Section(row));
    });
    // Picking a queue is asking for its messages, whatever section was on screen.
    connect(m_queuesView->treeView(), &QAbstractItemView::clicked, this, [this] { showSection(Section::Queues); });

    connect(m_messagesView->tableView()->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                // A start-over (new filter, new page order) clears the current row: the dock keeps the
                // message it shows until another is picked.
                if (current.isValid())
                    m_detailsView->showMessage(current.data(MessageTableModel::MessageIdRole).toLongLong());
            });

    connect(m_delivery, &DeliveryController::stateChanged, this, &MainWindow::deliveryStateChanged);
    connect(m_delivery, &DeliveryController::failed, this, &MainWindow::deliveryFailed);
    connect(m_delivery, &DeliveryController::delivered, this, &MainWindow::delivered);

    m_refreshTimer.setInterval(kRefreshIntervalMs);
    connect(&m_refreshTimer, &QTimer::timeout, m_queueModel, &QueueListModel::refresh);
    m_liveTimer.setSingleShot(true);
    m_liveTimer.setInterval(kLiveRefreshMs);
    connect(&m_liveTimer, &QTimer::timeout, this, &MainWindow::liveRefresh);

    applyAppearance(m_settings->appearance());
    resize(1280, 800);
    restoreGeometry(m_settings->windowGeometry());
    restoreState(m_settings->windowState());
    // Column widths and order as the operator left them (the sort is the model's, not the header's).
    if (const QByteArray header = m_settings->messageHeaderState(); !header.isEmpty()) {
        QHeaderView *columns = m_messagesView->tableView()->horizontalHeader();
        const int sortColumn = columns->sortIndicatorSection();
        const Qt::SortOrder sortOrder = columns->sortIndicatorOrder();
        const QSignalBlocker blocker(columns);
        columns->restoreState(header);
        columns->setSortIndicator(sortColumn, sortOrder);
    }
    m_liveRefreshAction->setChecked(m_settings->liveRefresh());
    showPage(m_openingPage);
    updateStatus();
    deliveryStateChanged();
}

MainWindow::~MainWindow()
{
    m_storeThread.reset();
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    m_queueModel->refresh();
    updateRefreshTimer();
}

void MainWindow::hideEvent(QHideEvent *event)
{
    QMainWindow::hideEvent(event);
    updateRefreshTimer();
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::WindowStateChange)
        updateRefreshTimer();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_settings->setWindowGeometry(saveGeometry());
    m_settings->setWindowState(saveState());
    m_settings->setMessageHeaderState(m_messagesView->tableView()->horizontalHeader()->saveState());
    m_settings->sync();
    QMainWindow::closeEvent(event);
}

void MainWindow::setLiveRefresh(bool on)
{
    m_liveRefreshAction->setChecked(on);
    m_settings->setLiveRefresh(on);
    updateRefreshTimer();
    if (on)
        reload(); // what changed while it was paused
    updateStatus();
}

void MainWindow::updateRefreshTimer()
{
    if (isVisible() && !isMinimized() && m_liveRefreshAction->isChecked())
        m_refreshTimer.start();
    else
        m_refreshTimer.stop();
}

void MainWindow::createActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_storeMenu = new StoreMenu(m_settings.get(), this);
    m_storeMenu->fillMenu(file);
    connect(m_storeMenu, &StoreMenu::openRequested, this, &MainWindow::openStore);
    connect(m_storeMenu, &StoreMenu::demoRequested, this, &MainWindow::openDemoStore);
    file->addSeparator();
    m_importEmailAction = file->addAction(tr("&Import e-mail events…"), this, [this] {
        if (EmailImportJob *job = m_storeThread && !m_readOnly ? EmailImportJob::askAndRun(m_storeThread->url(), this) : nullptr)
            connect(job, &EmailImportJob::finished, this, [this] {
                m_emailEvents->reload();
                m_dashboard->refresh();
                m_suppressions->reload();
            });
    });
    m_importEmailAction->setToolTip(tr("SNS envelopes, raw SES JSON, JSON Lines of either, or a mongoexport of ses_event"));
    // Apply event file… from the File menu too: it opens the Plans section, where its result shows.
    QAction *applyEvent = file->addAction(m_plans->applyAction()->icon(), m_plans->applyAction()->text(), this, [this] {
        showSection(Section::Plans);
        m_plans->applyAction()->trigger();
    });
    applyEvent->setToolTip(m_plans->applyAction()->toolTip());
    connect(m_plans->applyAction(), &QAction::changed, applyEvent, [this, applyEvent] { applyEvent->setEnabled(m_plans->applyAction()->isEnabled()); });
    m_newQueueAction = file->addAction(tr("&New queue…"), this, &MainWindow::createQueue);
    m_newQueueAction->setShortcut(QKeySequence::New);
    m_newQueueAction->setEnabled(false);
    m_newQueueAction->setIcon(style()->standardIcon(QStyle::SP_FileDialogNewFolder));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *find = edit->addAction(tr("&Find messages…"), this, [this] {
        showSection(Section::Queues);
        m_messagesView->filterBar()->focusSearch();
    });
    find->setShortcut(QKeySequence::Find);
    edit->addAction(m_messagesView->copyAction());
    edit->addSeparator();
    edit->addAction(m_messageActions->undoAction());

    QMenu *queueMenu = menuBar()->addMenu(tr("&Queue"));
    m_queueActions->fillMenu(queueMenu);

    QMenu *messages = menuBar()->addMenu(tr("&Messages"));
    m_messageActions->fillMenu(messages);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *queues = view->addAction(tr("&Queues"), this, [this] { showSection(Section::Queues); });
    queues->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    QAction *outbox = view->addAction(tr("&Outbox"), this, [this] { showSection(Section::Outbox); });
    outbox->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    const std::pair<Section, QString> moreSections[] = {{Section::EmailEvents, tr("&E-mail events")},
                                                         {Section::Suppressions, tr("&Suppressions")},
                                                         {Section::Dashboard, tr("E-mail &dashboard")},
                                                         {Section::Plans, tr("Event &plans")},
                                                         {Section::Failures, tr("&Failures")},
                                                         {Section::Engines, tr("E&ngines")}};
    for (const auto &[section, text] : moreSections) {
        QAction *show = view->addAction(text, this, [this, section = section] { showSection(section); });
        show->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + int(section))));
    }
    view->addSeparator();
    QAction *reloadAction = view->addAction(tr("&Reload"), this, &MainWindow::reload);
    reloadAction->setShortcut(QKeySequence::Refresh);
    reloadAction->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_liveRefreshAction = view->addAction(tr("&Live refresh"));
    m_liveRefreshAction->setCheckable(true);
    m_liveRefreshAction->setChecked(true);
    m_liveRefreshAction->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    m_liveRefreshAction->setToolTip(tr("Counts and the visible page follow deliveries and other processes; pause it to read a "
                                       "page that keeps still (Ctrl+Shift+L)"));
    connect(m_liveRefreshAction, &QAction::triggered, this, &MainWindow::setLiveRefresh);
    view->addSeparator();
    QAction *details = m_detailsDock->toggleViewAction();
    details->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    view->addAction(details);
    QAction *upcoming = m_upcomingDock->toggleViewAction();
    upcoming->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_U));
    view->addAction(upcoming);
    view->addSeparator();
    view->addMenu(createAppearanceMenu(m_settings.get(), this));

    QMenu *delivery = menuBar()->addMenu(tr("&Delivery"));
    m_pauseAction = delivery->addAction(tr("&Pause delivery"));
    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    m_pauseAction->setIcon(style()->standardIcon(QStyle::SP_MediaPause));
    // triggered (the operator), not toggled: the check mark also follows the controller, and that must
    // not echo back into it.
    connect(m_pauseAction, &QAction::triggered, m_delivery, &DeliveryController::setPaused);
    delivery->addSeparator();
    m_snsEndpoint = new SnsEndpointControl(m_settings.get(), this);
    delivery->addAction(m_snsEndpoint->action());
    connect(m_snsEndpoint, &SnsEndpointControl::statusChanged, this, [this](const QString &text) {
        statusBar()->showMessage(text.isEmpty() ? tr("SNS endpoint stopped") : text, 10'000);
    });

    QToolBar *toolBar = addToolBar(tr("Delivery"));
    toolBar->setObjectName(QStringLiteral("deliveryToolBar"));
    toolBar->setMovable(false);
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolBar->addAction(m_pauseAction);
    toolBar->addSeparator();
    toolBar->addAction(m_newQueueAction);
    toolBar->addAction(reloadAction);
    toolBar->addSeparator();
    for (ActionKind kind : {ActionKind::Cancel, ActionKind::Reschedule, ActionKind::Retry, ActionKind::Promote})
        toolBar->addAction(m_messageActions->action(kind, MessageActions::Scope::Selected));
    toolBar->addAction(m_messageActions->undoAction());

    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    tools->addAction(tr("&Cleanup…"), this, [this] {
        auto *dialog = new CleanupDialog(m_storeThread.get(), m_readOnly, this); // window-modal: the store stays while it is open
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setWindowModality(Qt::WindowModal);
        connect(dialog, &CleanupDialog::runFinished, m_cleanupStatus, &CleanupStatusLabel::refresh);
        dialog->show();
    });

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *aboutAction = help->addAction(tr("&About Herald"), this, &MainWindow::about);
    aboutAction->setMenuRole(QAction::AboutRole);
}

void MainWindow::openStore(const StoreUrl &url, bool readOnly, const QString &profile)
{
    Store::OpenOptions options;
    options.readOnly = readOnly;
    options.changeNothing = readOnly; // an operator inspecting a copy leaves it as it was
    attachStore(std::make_unique<StoreThread>(url, options), readOnly);
    m_rememberProfile = profile;
}

void MainWindow::openDemoStore()
{
    attachStore(std::make_unique<StoreThread>(StoreUrl::sqlite(StoreUrl::demoSqlitePath())), false,
                [this](StoreThread &storeThread, quint64 generation) {
                    statusBar()->showMessage(tr("Filling the demo store…"));
                    // Posted before the models' first reads, which the store thread runs after it:
                    // the console never shows the demo half filled.
                    storeThread.post(
                        this, [](Store &store) { return fillDemoData(store); },
                        [this, generation](Result<DemoSummary> filled) {
                            if (generation != m_storeGeneration)
                                return;
                            if (!filled)
                                statusBar()->showMessage(tr("The demo store could not be filled: %1").arg(filled.errorString()));
                            else if (filled->alreadyFilled)
                                statusBar()->clearMessage();
                            else
                                statusBar()->showMessage(tr("Demo store filled with %1 messages").arg(QLocale().toString(filled->inserted)), 5000);
                        });
                });
}

void MainWindow::attachStore(std::unique_ptr<StoreThread> storeThread, bool readOnly, const BeforeFirstRead &beforeFirstRead)
{
    // First of all: the previous store's engine hands its deliveries back and stops before anything of
    // the next store runs.
    m_delivery->setStore(storeThread->url(), readOnly);
    const quint64 generation = ++m_storeGeneration;
    // Before anything is posted: the first piece of work opens the store and emits opened().
    connect(storeThread.get(), &StoreThread::opened, this, [this, generation](const QString &error) {
        if (generation == m_storeGeneration)
            storeOpened(error);
    });
    if (beforeFirstRead)
        beforeFirstRead(*storeThread, generation);
    if (!readOnly) {
        // Once the store has opened (migrated) and the demo, if any, is filled: the engine opens a
        // connection of its own and must find the store ready, and must not deliver half a demo.
        storeThread->post(
            this, [](Store &) { return Result<bool>(true); },
            [this, generation](Result<bool> opened) {
                if (generation != m_storeGeneration)
                    return;
                if (opened)
                    m_delivery->start();
                else
                    m_delivery->closeStore();
            });
    }

    std::unique_ptr<StoreThread> previous = std::exchange(m_storeThread, std::move(storeThread));
    m_readOnly = readOnly;
    m_storeError.clear();
    m_rememberProfile.reset();
    m_storeUnreachable = false;
    m_banner->clearAll();
    if (readOnly)
        m_banner->showReadOnly(m_storeThread->url().display());
    m_queueToSelect.clear();
    m_contentPending = true;
    m_messageModel->setStoreThread(m_storeThread.get());
    m_detailsView->setStoreThread(m_storeThread.get());
    m_messageActions->setStore(m_storeThread.get(), readOnly);
    m_queueActions->setStore(m_storeThread.get(), readOnly);
    m_upcoming->setStoreThread(m_storeThread.get());
    m_outboxModel->setStoreThread(m_storeThread.get());
    m_emailEvents->setStoreThread(m_storeThread.get());
    m_suppressions->setStore(m_storeThread.get(), readOnly);
    m_snsEndpoint->setStore(m_storeThread->url(), readOnly);
    m_dashboard->setStoreThread(m_storeThread.get());
    if (m_section == Section::Dashboard)
        m_dashboard->refresh();
    m_plans->setStore(m_storeThread.get(), readOnly);
    if (m_section == Section::Plans)
        m_plans->reload();
    m_failures->setStore(m_storeThread.get(), readOnly);
    if (m_section == Section::Failures)
        m_failures->reload();
    m_engines->setStore(m_storeThread.get());
    m_queueModel->setStoreThread(m_storeThread.get());
    m_cleanupStatus->setStoreThread(m_storeThread.get());
    m_enginesStatus->setStoreThread(m_storeThread.get());
    if (m_section == Section::Outbox)
        m_outboxModel->refresh();
    m_liveTimer.stop();
    m_liveQueues.clear();
    m_liveClaims = false;
    m_liveOutbox = false;
    // Joins the previous store thread after the work it already has; its answers arrive later and are
    // dropped by the models, which now belong to the new store.
    previous.reset();

    const StoreUrl &url = m_storeThread->url();
    setWindowTitle(url.kind() == StoreUrl::Kind::Sqlite ? QFileInfo(url.sqlitePath()).fileName() : url.display());
    m_welcomeView->setStore(url.display(), readOnly);
    m_openingPage->setText(tr("Opening %1…").arg(url.display()));
    showPage(m_openingPage);
    updateStatus();
}

void MainWindow::storeOpened(const QString &error)
{
    if (error.isEmpty()) {
        if (m_rememberProfile)
            m_settings->rememberStore({m_storeThread->url().display(), m_readOnly, *m_rememberProfile});
        return;
    }
    showStoreError(error);
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Cannot open the store"),
                                tr("Herald could not open the store %1.").arg(m_storeThread->url().display()), QMessageBox::Ok, this);
    box->setInformativeText(error);
    box->setAttribute(Qt::WA_DeleteOnClose);
    // Window-modal and not exec(): the console keeps running (and refreshing) behind it.
    box->open();
}

void MainWindow::showStoreError(const QString &error)
{
    m_storeError = error;
    m_errorPage->setText(tr("The store %1 cannot be read.\n\n%2").arg(m_storeThread->url().display(), error));
    showPage(m_errorPage);
    checkContentReady();
}

void MainWindow::queuesRefreshed()
{
    if (std::exchange(m_storeUnreachable, false)) {
        // Back: what is on screen may be as old as the outage.
        m_banner->clearProblem();
        statusBar()->showMessage(tr("The store is back"), 5000);
        reload();
    }
    if (m_queueModel->rowCount() == 0) {
        showPage(m_welcomeView);
    } else {
        showPage(sectionPage());
        if (!m_queueToSelect.isEmpty() && m_queueModel->rowOf(m_queueToSelect) >= 0) {
            m_queuesView->setCurrentQueue(m_queueToSelect);
            m_queueToSelect.clear();
        } else if (m_queuesView->currentQueue().isEmpty()) {
            // An empty right-hand side helps nobody: start with the first queue.
            m_queuesView->setCurrentQueue(m_queueModel->countsAt(0).queue);
        }
    }
    updateQueueTotal();
    updateStatus();
    checkContentReady();
}

void MainWindow::queuesRefreshFailed(const QString &error)
{
    if (!m_queueModel->isLoaded()) {
        showStoreError(error);
        return;
    }
    // The console keeps what it showed, says why it is stale, and the refresh timer keeps trying.
    m_storeUnreachable = true;
    const bool onServer = m_storeThread && m_storeThread->url().kind() != StoreUrl::Kind::Sqlite;
    const bool locked = error.contains(QLatin1String("locked"), Qt::CaseInsensitive) || error.contains(QLatin1String("busy"), Qt::CaseInsensitive);
    QString headline = tr("<b>The store cannot be read.</b> %1<br>Herald keeps what it showed and tries again every %2 s.");
    if (onServer)
        headline = tr("<b>Reconnecting to the store…</b> %1<br>Herald keeps what it showed and reconnects every %2 s; delivery "
                      "carries on by itself once the server is back.");
    else if (locked)
        headline = tr("<b>The store is locked by another process.</b> %1<br>Herald keeps what it showed and tries again every %2 s.");
    m_banner->showProblem(headline.arg(error.toHtmlEscaped()).arg(kRefreshIntervalMs / 1000));

}

void MainWindow::queueSelected(const QString &queue)
{
    m_messageModel->setQueue(queue);
    m_upcoming->setQueue(queue);
    updateQueueTotal();
}

void MainWindow::updateQueueTotal()
{
    const int row = m_queueModel->rowOf(m_messageModel->queue());
    m_messagesView->setQueueCounts(row < 0 ? std::nullopt : std::optional<QueueCounts>(m_queueModel->countsAt(row)));
}

void MainWindow::showSection(Section section)
{
    const bool changed = section != m_section;
    m_section = section;
    if (m_navigation->currentRow() != int(section))
        m_navigation->setCurrentRow(int(section));
    // What changed while the other section was on screen.
    switch (section) {
    case Section::Outbox: m_outboxModel->refresh(); break;
    case Section::Queues:
        if (changed)
            m_messagesView->refreshVisibleRows();
        break;
    case Section::EmailEvents:
        if (changed)
            m_emailEvents->reload();
        break;
    case Section::Suppressions:
        if (changed)
            m_suppressions->reload();
        break;
    case Section::Dashboard:
        if (changed)
            m_dashboard->refresh();
        break;
    case Section::Plans:
        if (changed)
            m_plans->reload();
        break;
    case Section::Failures:
        if (changed)
            m_failures->reload();
        break;
    case Section::Engines: break; // reads itself on showing, and every few seconds while shown
    }
    if (changed && isSectionPage(currentPage()))
        showPage(sectionPage());
}

QWidget *MainWindow::sectionPage() const
{
    switch (m_section) {
    case Section::Outbox: return m_outboxView;
    case Section::EmailEvents: return m_emailEvents;
    case Section::Suppressions: return m_suppressions;
    case Section::Dashboard: return m_dashboard;
    case Section::Plans: return m_plans;
    case Section::Failures: return m_failures;
    case Section::Engines: return m_engines;
    case Section::Queues: break;
    }
    return m_messagesView;
}

bool MainWindow::isSectionPage(QWidget *page) const
{
    return page == m_messagesView || page == m_outboxView || page == m_emailEvents || page == m_suppressions || page == m_dashboard || page == m_plans ||
           page == m_failures || page == m_engines;
}

void MainWindow::showMessage(qint64 id)
{
    if (!m_storeThread)
        return;
    const quint64 generation = m_storeGeneration;
    m_storeThread->post(
        this, [id](Store &store) { return store.message(id); },
        [this, generation, id](Result<Message> message) {
            if (generation != m_storeGeneration)
                return;
            if (!message) {
                statusBar()->showMessage(tr("Message %1 cannot be shown: %2").arg(id).arg(message.errorString()), 10'000);
                return;
            }
            showSection(Section::Queues);
            m_queuesView->setCurrentQueue(message->queue);
            m_messagesView->filterBar()->searchField()->setText(QString::number(id));
            m_detailsDock->show();
            m_detailsDock->raise();
            m_detailsView->showMessage(id);
        });
}

void MainWindow::showPage(QWidget *page)
{
    m_pages->setCurrentWidget(page);
    // Without queues the list would be an empty box beside the page that explains why.
    const bool showQueues = isSectionPage(page);
    m_navigationPane->setVisible(showQueues);
    if (showQueues && !m_splitterFitted) {
        // Once, with the first queues known: after that the splitter stays where the user put it.
        m_splitterFitted = true;
        const int total = m_splitter->width() - m_splitter->handleWidth();
        const int queues = std::min(m_queuesView->sizeHint().width(), total / 2);
        m_splitter->setSizes({queues, total - queues});
    }
}

QWidget *MainWindow::currentPage() const
{
    return m_pages->currentWidget();
}

QString MainWindow::statusText() const
{
    QStringList parts{m_totalsLabel->text()};
    if (const QString delivery = m_deliveryStatus->text(); !delivery.isEmpty())
        parts << delivery;
    if (m_enginesStatus->isVisibleTo(this) && !m_enginesStatus->text().isEmpty())
        parts << m_enginesStatus->text();
    parts << m_storeLabel->text();
    return parts.join(QStringLiteral(" | "));
}

void MainWindow::updateStatus()
{
    const bool hasStore = m_storeThread != nullptr;
    m_storeLabel->setText(hasStore ? m_storeThread->url().display() : tr("No store"));
    m_newQueueAction->setEnabled(hasStore && !m_readOnly);
    m_importEmailAction->setEnabled(hasStore && !m_readOnly);

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
    if (!m_liveRefreshAction->isChecked())
        parts << tr("live refresh paused");
    m_totalsLabel->setText(parts.join(QStringLiteral(" · ")));
}

void MainWindow::checkContentReady()
{
    if (!m_contentPending)
        return;
    QWidget *page = currentPage();
    const bool ready = page == m_welcomeView || page == m_errorPage ||
                       (page == m_messagesView && !m_messageModel->queue().isEmpty() && !m_messageModel->isLoading()) ||
                       (page == m_outboxView && (m_outboxModel->isLoaded() || !m_outboxModel->errorString().isEmpty()));
    if (!ready)
        return;
    m_contentPending = false;
    Q_EMIT contentReady();
}

void MainWindow::createQueue()
{
    if (!m_storeThread || m_readOnly)
        return;
    auto *dialog = new QueueSettingsDialog(m_storeThread.get(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const quint64 generation = m_storeGeneration;
    connect(dialog, &QDialog::accepted, this, [this, dialog, generation] {
        if (generation != m_storeGeneration)
            return;
        m_queueToSelect = dialog->createdQueue();
        statusBar()->showMessage(tr("Queue %1 created").arg(m_queueToSelect), 5000);
        m_queueModel->refresh();
        // The engine reads its queues at start and on its back-stop poll; the new one is delivered now.
        m_delivery->wake();
    });
    dialog->open();
}

void MainWindow::reload()
{
    m_queueModel->refresh();
    m_detailsView->showMessage(m_detailsView->messageId());
    m_upcoming->refresh();
    m_messageModel->reload();
    if (m_section == Section::Outbox)
        m_outboxModel->reload();
}

void MainWindow::deliveryStateChanged()
{
    m_pauseAction->setEnabled(m_delivery->canControl());
    m_pauseAction->setChecked(m_delivery->isPaused());
    m_pauseAction->setToolTip(m_delivery->isPaused() ? tr("Delivery is paused: no new deliveries start. Resume with Ctrl+P.")
                                                     : tr("Pause delivery: no new deliveries start; those in flight finish (Ctrl+P)"));
    // The in-flight count moves when messages are claimed, before any delivery lands: the Active counts
    // and the rows on screen too.
    m_liveClaims = true;
    scheduleLiveRefresh();
}

void MainWindow::deliveryFailed(const QString &error)
{
    statusBar()->showMessage(tr("Delivery stopped: %1").arg(error));
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Delivery stopped"),
                                tr("Herald stopped delivering from %1. The console still shows the store; open it again "
                                   "(File ▸ Open store) or restart Herald to deliver again.")
                                    .arg(m_storeThread ? m_storeThread->url().display() : QString()),
                                QMessageBox::Ok, this);
    box->setInformativeText(error);
    box->setAttribute(Qt::WA_DeleteOnClose);
    // Window-modal and not exec(): the console keeps running (and refreshing) behind it.
    box->open();
}

void MainWindow::delivered(const DeliveryRecord &record)
{
    m_liveQueues.insert(record.queue);
    if (record.outcome == QLatin1String("completed"))
        m_liveOutbox = true;
    scheduleLiveRefresh();
}

void MainWindow::scheduleLiveRefresh()
{
    // Not restarted by later deliveries: a steady stream still refreshes every kLiveRefreshMs
    // instead of waiting for a pause in it.
    if (!m_liveTimer.isActive())
        m_liveTimer.start();
}

void MainWindow::liveRefresh()
{
    const QSet<QString> queues = std::exchange(m_liveQueues, {});
    const bool claims = std::exchange(m_liveClaims, false);
    const bool outbox = std::exchange(m_liveOutbox, false);
    // Off screen nothing is looked at; showing the window re-reads the counts (showEvent). Paused, the
    // page keeps still until live refresh is on again (which reloads).
    if (!m_storeThread || !isVisible() || isMinimized() || !m_liveRefreshAction->isChecked())
        return;
    m_queueModel->refresh();
    if (currentPage() == m_messagesView && (claims || queues.contains(m_messageModel->queue()))) {
        m_messagesView->refreshVisibleRows();
        if (m_detailsDock->isVisible() && m_detailsView->messageId() > 0)
            m_detailsView->showMessage(m_detailsView->messageId());
    }
    if (outbox && currentPage() == m_outboxView)
        m_outboxModel->refresh();
}

void MainWindow::messagesChanged()
{
    if (m_section == Section::Plans)
        m_plans->reload(); // an undo may have reverted an apply
    if (m_section == Section::Failures)
        m_failures->reload(); // a group retried, or its retry undone
    // The engine's timer was set for the old run_at values, and restored or retried messages are due now.
    m_delivery->wake();
    m_queueModel->refresh();
    m_messageModel->reload();
    m_detailsView->showMessage(m_detailsView->messageId());
    m_upcoming->refresh();
}

void MainWindow::about()
{
    QMessageBox::about(this, tr("About Herald"),
                       tr("<h3>Herald %1</h3><p>An operations console for scheduled message delivery: queues of SMS, "
                          "push, email and webhook messages, with retries, rate limits and an audit log.</p>")
                           .arg(QCoreApplication::applicationVersion()));
}

} // namespace herald
