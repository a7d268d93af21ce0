#include "MainWindow.h"

#include "Appearance.h"
#include "FeatureList.h"
#include "Navigation.h"
#include "Settings.h"
#include "ShellMenus.h"
#include "StoreSession.h"
#include "WelcomeView.h"
#include "stores/StoreBanner.h"
#include "stores/StoreMenu.h"
#include "stores/StoreOpener.h"

#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QStatusBar>
#include <QStyle>
#include <QToolBar>
#include <QVBoxLayout>

namespace herald {

namespace {

QLabel *pageLabel()
{
    auto *label = new QLabel;
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
      m_session(std::make_unique<StoreSession>()),
      m_features(createFeatures(this, m_settings.get())),
      m_banner(new StoreBanner(this)),
      m_opener(new StoreOpener(m_session.get(), m_settings.get(), m_banner, this)),
      m_openingPage(pageLabel()),
      m_errorPage(pageLabel()),
      m_welcomeView(new WelcomeView),
      m_storeLabel(new QLabel(this))
{
    QList<Feature *> sections;
    QWidget *navigationPanel = nullptr;
    for (Feature *feature : std::as_const(m_features)) {
        feature->setSession(m_session.get());
        connect(feature, &Feature::statusMessage, statusBar(), &QStatusBar::showMessage);
        connect(feature, &Feature::sectionRequested, this, [this, feature] { showSection(feature); });
        connect(feature, &Feature::pageReadyChanged, this, &MainWindow::checkContentReady);
        if (feature->page())
            sections.append(feature);
        if (!navigationPanel)
            navigationPanel = feature->navigationPanel();
    }
    for (Feature *feature : std::as_const(m_features))
        feature->connectFeatures(m_features);
    connect(m_opener, &StoreOpener::statusMessage, statusBar(), &QStatusBar::showMessage);
    connect(m_session.get(), &StoreSession::storeChanged, this, &MainWindow::storeChanged);
    connect(m_session.get(), &StoreSession::opened, this, [this](const QString &error) {
        if (!error.isEmpty())
            showStoreError(error);
    });
    connect(m_session.get(), &StoreSession::read, this, &MainWindow::storeRead);
    connect(m_session.get(), &StoreSession::readFailed, this, [this](const QString &error, bool firstRead) {
        if (firstRead)
            showStoreError(error);
    });

    m_navigation = new Navigation(sections, navigationPanel, this);
    m_openingPage->setForegroundRole(QPalette::PlaceholderText);
    for (QWidget *page : {static_cast<QWidget *>(m_openingPage), static_cast<QWidget *>(m_errorPage), static_cast<QWidget *>(m_welcomeView)})
        m_navigation->addPage(page);
    connect(m_welcomeView, &WelcomeView::openDemoRequested, this, &MainWindow::openDemoStore);
    auto *central = new QWidget(this);
    auto *centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(8, 8, 8, 0);
    centralLayout->addWidget(m_banner);
    centralLayout->addWidget(m_navigation, 1);
    setCentralWidget(central);

    m_storeLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    for (const Feature::StatusWidget &status : statusWidgets())
        status.permanent ? statusBar()->addPermanentWidget(status.widget) : statusBar()->addWidget(status.widget, 1);
    statusBar()->addPermanentWidget(m_storeLabel);

    // Below, not beside: beside it the queue list and the message columns were squeezed to ellipses at
    // 1280 px. Tabbed, the first in front.
    QList<QDockWidget *> docks;
    for (Feature *feature : std::as_const(m_features))
        docks += feature->docks();
    for (QDockWidget *dock : std::as_const(docks)) {
        addDockWidget(Qt::BottomDockWidgetArea, dock);
        if (dock == docks.first())
            resizeDocks({dock}, {260}, Qt::Vertical);
        else
            tabifyDockWidget(docks.first(), dock);
    }
    if (!docks.isEmpty())
        docks.first()->raise();
    buildMenus();

    applyAppearance(m_settings->appearance());
    resize(1280, 800);
    restoreGeometry(m_settings->windowGeometry());
    restoreState(m_settings->windowState());
    for (Feature *feature : std::as_const(m_features))
        feature->restoreSettings(*m_settings);
    m_navigation->showPage(m_openingPage);
    m_storeLabel->setText(tr("No store"));
}

MainWindow::~MainWindow()
{
    m_session.reset();
}

void MainWindow::addActions(QWidget *target, Feature::Place place) const
{
    for (Feature *feature : m_features)
        for (const Feature::Action &action : feature->actions())
            if (action.place == place)
                target->addAction(action.action);
}

void MainWindow::buildMenus()
{
    using Place = Feature::Place;
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_storeMenu = new StoreMenu(m_settings.get(), this);
    m_storeMenu->fillMenu(file);
    connect(m_storeMenu, &StoreMenu::openRequested, this, &MainWindow::openStore);
    connect(m_storeMenu, &StoreMenu::demoRequested, this, &MainWindow::openDemoStore);
    file->addSeparator();
    addActions(file, Place::FileOpen);
    addActions(file, Place::FileNew);
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);
    quit->setMenuRole(QAction::QuitRole);
    // The welcome page's create button is File ▸ New.
    for (Feature *feature : std::as_const(m_features))
        for (const Feature::Action &action : feature->actions())
            if (action.place == Place::FileNew)
                connect(m_welcomeView, &WelcomeView::createQueueRequested, action.action, &QAction::trigger);

    addActions(menuBar()->addMenu(tr("&Edit")), Place::Edit);
    for (Feature *feature : std::as_const(m_features))
        for (QMenu *menu : feature->menus())
            menuBar()->addMenu(menu);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    for (int index = 0; index < m_navigation->sections().size(); ++index) {
        Feature *section = m_navigation->sections()[index];
        view->addAction(section->section().menuText, this, [this, section] { showSection(section); })->setShortcut(QKeySequence(Qt::CTRL | (Qt::Key_1 + index)));
    }
    view->addSeparator();
    QAction *reload = view->addAction(tr("&Reload"), m_session.get(), &StoreSession::requestReload);
    reload->setShortcut(QKeySequence::Refresh);
    reload->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    m_liveRefreshAction = createLiveRefreshAction(m_settings.get(), m_session.get(), this);
    view->addAction(m_liveRefreshAction);
    view->addSeparator();
    for (Feature *feature : std::as_const(m_features))
        for (QDockWidget *dock : feature->docks())
            view->addAction(dock->toggleViewAction());
    view->addSeparator();
    view->addMenu(createAppearanceMenu(m_settings.get(), this));

    addActions(menuBar()->addMenu(tr("&Delivery")), Place::DeliveryMenu);
    QToolBar *toolBar = addToolBar(tr("Delivery"));
    toolBar->setObjectName(QStringLiteral("deliveryToolBar"));
    toolBar->setMovable(false);
    toolBar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    addActions(toolBar, Place::ToolBarDelivery);
    toolBar->addSeparator();
    addActions(toolBar, Place::ToolBarCreate);
    toolBar->addAction(reload);
    toolBar->addSeparator();
    addActions(toolBar, Place::ToolBarActions);
    addActions(menuBar()->addMenu(tr("&Tools")), Place::ToolsMenu);
    menuBar()->addMenu(createHelpMenu(this));
}

void MainWindow::showEvent(QShowEvent *event)
{
    QMainWindow::showEvent(event);
    m_session->requestRefresh();
    updateOnScreen();
}

void MainWindow::hideEvent(QHideEvent *event)
{
    QMainWindow::hideEvent(event);
    updateOnScreen();
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::WindowStateChange)
        updateOnScreen();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    m_settings->setWindowGeometry(saveGeometry());
    m_settings->setWindowState(saveState());
    for (Feature *feature : std::as_const(m_features))
        feature->saveSettings(*m_settings);
    m_settings->sync();
    QMainWindow::closeEvent(event);
}

void MainWindow::updateOnScreen()
{
    m_session->setOnScreen(isVisible() && !isMinimized());
}

void MainWindow::openStore(const StoreUrl &url, bool readOnly, const QString &profile)
{
    m_opener->openStore(url, readOnly, profile);
}

void MainWindow::openDemoStore()
{
    m_opener->openDemoStore();
}

void MainWindow::storeChanged()
{
    const StoreUrl url = m_session->url();
    m_storeError.clear();
    m_contentPending = true;
    setWindowTitle(url.kind() == StoreUrl::Kind::Sqlite ? QFileInfo(url.sqlitePath()).fileName() : url.display());
    m_welcomeView->setStore(url.display(), m_session->isReadOnly());
    m_openingPage->setText(tr("Opening %1…").arg(url.display()));
    m_navigation->showPage(m_openingPage);
    m_storeLabel->setText(url.display());
}

void MainWindow::showStoreError(const QString &error)
{
    m_storeError = error;
    m_errorPage->setText(tr("The store %1 cannot be read.\n\n%2").arg(m_session->url().display(), error));
    m_navigation->showPage(m_errorPage);
    checkContentReady();
}

void MainWindow::storeRead(bool storeIsEmpty)
{
    Feature *section = m_navigation->currentSection();
    m_navigation->showPage(storeIsEmpty || !section ? m_welcomeView : section->page());
    checkContentReady();
}

QString MainWindow::statusText() const
{
    QStringList parts;
    for (const Feature::StatusWidget &status : statusWidgets())
        if (const QString text = status.text ? status.text() : QString(); !text.isEmpty())
            parts << text;
    parts << m_storeLabel->text();
    return parts.join(QStringLiteral(" | "));
}

QList<Feature::StatusWidget> MainWindow::statusWidgets() const
{
    QList<Feature::StatusWidget> widgets; // those on the left first, then the permanent ones
    for (bool permanent : {false, true})
        for (Feature *feature : m_features)
            for (const Feature::StatusWidget &status : feature->statusWidgets())
                if (status.permanent == permanent)
                    widgets << status;
    return widgets;
}

void MainWindow::checkContentReady()
{
    if (!m_contentPending)
        return;
    QWidget *page = currentPage();
    Feature *section = currentSection();
    if (page != m_welcomeView && page != m_errorPage && !(section && page == section->page() && section->isPageReady()))
        return;
    m_contentPending = false;
    Q_EMIT contentReady();
}

} // namespace herald
