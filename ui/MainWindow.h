#pragma once

#include "runtime/DeliveryRecord.h"
#include "store/StoreUrl.h"

#include <QMainWindow>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

class QAction;
class QDockWidget;
class QLabel;
class QListWidget;
class QSplitter;
class QStackedWidget;

namespace herald {

class DeliveryController;
class EmailDashboard;
class EmailEventsView;
class SuppressionsView;
class DeliveryStatusWidget;
class MessageActions;
class QueueActions;
class UpcomingChart;
class MessageDetailsView;
class MessageTableModel;
class MessagesView;
class OutboxModel;
class OutboxView;
class PlansView;
class FailuresView;
class EnginesView;
class QueueListModel;
class QueuesView;
class Settings;
class SnsEndpointControl;
class StoreBanner;
class StoreMenu;
class CleanupStatusLabel;
class EnginesStatusLabel;
class StoreThread;
class WelcomeView;

// The console's shell (DESIGN §8): on the left the sections (queues, outbox) above the queues with their
// live counts; on the right the selected queue's messages or the outbox (or, alone, the welcome page of an
// empty store); docks with the details of the current message and the upcoming histogram; menus, a delivery toolbar and a status bar. The features are their own widgets; this
// class wires them to the open store and to its delivery engine (DeliveryController), and refreshes what
// is on screen as deliveries land.
//
// Owns the StoreThread of the open store and destroys it before the models it answers (its destructor
// finishes the queued work and joins the thread). GUI thread only.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    // Queue counts move as workers deliver; while the window is on screen they are re-read this often.
    static constexpr int kRefreshIntervalMs = 2000;
    // While deliveries land, what is on screen is re-read at most this often.
    static constexpr int kLiveRefreshMs = 250;

    enum class Section { Queues, Outbox, EmailEvents, Suppressions, Dashboard, Plans, Failures, Engines };

    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // Closes the open store, after its pending work, and opens this one. Whether it opened is known
    // later: a failure is shown in a message box and in place of the messages. A writable store is
    // delivered from this process once it has opened, unless another process already delivers it.
    // Once it has opened, the store joins File ▸ Open recent (under its profile, for a server store).
    void openStore(const StoreUrl &url, bool readOnly, const QString &profile = {});
    // Opens the demo store (StoreUrl::demoSqlitePath(), never the user's store) and fills it with the
    // demo data the first time.
    void openDemoStore();

    StoreThread *storeThread() const { return m_storeThread.get(); }
    bool isReadOnly() const { return m_readOnly; }
    QueueListModel *queueModel() const { return m_queueModel; }
    MessageTableModel *messageModel() const { return m_messageModel; }
    OutboxModel *outboxModel() const { return m_outboxModel; }
    QueuesView *queuesView() const { return m_queuesView; }
    MessagesView *messagesView() const { return m_messagesView; }
    OutboxView *outboxView() const { return m_outboxView; }
    WelcomeView *welcomeView() const { return m_welcomeView; }
    DeliveryController *deliveryController() const { return m_delivery; }
    QAction *pauseDeliveryAction() const { return m_pauseAction; }
    MessageDetailsView *detailsView() const { return m_detailsView; }
    MessageActions *messageActions() const { return m_messageActions; }
    QueueActions *queueActions() const { return m_queueActions; }
    UpcomingChart *upcomingChart() const { return m_upcoming; }
    QDockWidget *upcomingDock() const { return m_upcomingDock; }
    QDockWidget *detailsDock() const { return m_detailsDock; }
    EmailEventsView *emailEventsView() const { return m_emailEvents; }
    SuppressionsView *suppressionsView() const { return m_suppressions; }
    EmailDashboard *emailDashboard() const { return m_dashboard; }
    PlansView *plansView() const { return m_plans; }
    FailuresView *failuresView() const { return m_failures; }
    EnginesView *enginesView() const { return m_engines; }
    // Shows a message wherever it is: its queue selected, the table searched for its id, the details dock.
    void showMessage(qint64 id);
    Settings *settings() const { return m_settings.get(); }
    StoreMenu *storeMenu() const { return m_storeMenu; }
    StoreBanner *banner() const { return m_banner; }
    QAction *liveRefreshAction() const { return m_liveRefreshAction; }
    QAction *importEmailAction() const { return m_importEmailAction; }
    SnsEndpointControl *snsEndpoint() const { return m_snsEndpoint; }

    // Queues: the selected queue's messages on the right; Outbox: the outbox. Kept across stores.
    void showSection(Section section);
    Section currentSection() const { return m_section; }
    // The right-hand page: welcomeView(), messagesView(), outboxView(), or a page saying the store is
    // opening or failed.
    QWidget *currentPage() const;
    QString statusText() const;
    // Why the open store could not be read (it failed to open, or its first queue counts failed);
    // empty while it opens and once it was read. Shown on the error page.
    QString storeError() const { return m_storeError; }

Q_SIGNALS:
    // Once per opened store, when its first content is on screen: the welcome page, the first page of
    // the selected queue's messages, or why the store could not be read.
    void contentReady();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    using BeforeFirstRead = std::function<void(StoreThread &, quint64 storeGeneration)>;
    void attachStore(std::unique_ptr<StoreThread> storeThread, bool readOnly, const BeforeFirstRead &beforeFirstRead = {});
    void createActions();
    void storeOpened(const QString &error);
    void queuesRefreshed();
    void queuesRefreshFailed(const QString &error);
    void queueSelected(const QString &queue);
    void showPage(QWidget *page);
    QWidget *sectionPage() const;
    bool isSectionPage(QWidget *page) const;
    void showStoreError(const QString &error);
    void deliveryStateChanged();
    void deliveryFailed(const QString &error);
    void delivered(const DeliveryRecord &record);
    void scheduleLiveRefresh();
    void liveRefresh();
    void updateStatus();
    void updateQueueTotal();
    void checkContentReady();
    void updateRefreshTimer();
    void setLiveRefresh(bool on);
    void createQueue();
    void reload();
    void about();
    void messagesChanged();

    std::unique_ptr<Settings> m_settings;
    QueueListModel *m_queueModel;
    MessageTableModel *m_messageModel;
    OutboxModel *m_outboxModel;
    DeliveryController *m_delivery;
    // Reset first in ~MainWindow, while the models its answers go to are alive.
    std::unique_ptr<StoreThread> m_storeThread;
    quint64 m_storeGeneration = 0; // which store a late signal or answer belongs to
    bool m_readOnly = false;
    QString m_storeError;
    bool m_contentPending = false;
    bool m_splitterFitted = false;
    std::optional<QString> m_rememberProfile; // set: remember the store (under this profile) once it opened
    bool m_storeUnreachable = false;          // the last refresh failed after a good one: the banner says why
    QString m_queueToSelect; // just created: selected as soon as the counts show it
    Section m_section = Section::Queues;
    QTimer m_refreshTimer; // the back-stop for changes made by other processes
    QTimer m_liveTimer;    // deliveries of this console's engine, folded into one refresh
    QSet<QString> m_liveQueues; // queues with deliveries since the last live refresh
    bool m_liveClaims = false;  // the in-flight count moved: messages on screen may have become active
    bool m_liveOutbox = false;  // a delivery completed since: the outbox may have grown

    StoreBanner *m_banner;
    StoreMenu *m_storeMenu = nullptr;
    QAction *m_liveRefreshAction = nullptr;
    QSplitter *m_splitter;
    QWidget *m_navigationPane;
    QListWidget *m_navigation;
    QueuesView *m_queuesView;
    QStackedWidget *m_pages;
    QLabel *m_openingPage;
    QLabel *m_errorPage;
    WelcomeView *m_welcomeView;
    MessagesView *m_messagesView;
    OutboxView *m_outboxView;
    EmailEventsView *m_emailEvents;
    SuppressionsView *m_suppressions;
    EmailDashboard *m_dashboard;
    PlansView *m_plans;
    FailuresView *m_failures;
    EnginesView *m_engines;
    QLabel *m_totalsLabel;
    DeliveryStatusWidget *m_deliveryStatus;
    CleanupStatusLabel *m_cleanupStatus = nullptr;
    EnginesStatusLabel *m_enginesStatus = nullptr;
    QLabel *m_storeLabel;
    QDockWidget *m_detailsDock;
    MessageDetailsView *m_detailsView;
    QDockWidget *m_upcomingDock;
    UpcomingChart *m_upcoming;
    MessageActions *m_messageActions = nullptr;
    QueueActions *m_queueActions = nullptr;
    QAction *m_newQueueAction = nullptr;
    QAction *m_importEmailAction = nullptr;
    SnsEndpointControl *m_snsEndpoint = nullptr;
    QAction *m_pauseAction = nullptr;
};

} // namespace herald
