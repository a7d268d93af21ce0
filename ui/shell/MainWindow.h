#pragma once

#include "Feature.h"
#include "Navigation.h"

#include "store/StoreUrl.h"

#include <QMainWindow>

#include <memory>

class QLabel;

namespace herald {

class Settings;
class StoreBanner;
class StoreMenu;
class StoreOpener;
class StoreSession;
class WelcomeView;

// The console's shell (DESIGN §8): it builds the navigation (the features' sections, and the queues
// under them), the menus, the toolbar, the docks and the status bar from the list of features
// (createFeatures()), hands each the one StoreSession, and knows nothing else of them. It opens stores,
// shows the welcome page of an empty store, the opening and error pages, and the banner when the store
// cannot be read.
//
// Owns the StoreSession (and so the open store's StoreThread) and destroys it before the features whose
// models its answers go to. GUI thread only.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
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

    StoreSession *session() const { return m_session.get(); }
    const QList<Feature *> &features() const { return m_features; }
    template<typename T>
    T *feature() const { return Feature::find<T>(m_features); }

    // Shows a feature's section (its page on the right). Kept across stores.
    void showSection(Feature *feature) { m_navigation->showSection(feature); }
    Feature *currentSection() const { return m_navigation->currentSection(); }
    // The right-hand page: the welcome page, a section's page, or a page saying the store is opening or failed.
    QWidget *currentPage() const { return m_navigation->currentPage(); }
    QString statusText() const;
    // Why the open store could not be read (it failed to open, or its first read failed); empty while it
    // opens and once it was read. Shown on the error page.
    QString storeError() const { return m_storeError; }

    Settings *settings() const { return m_settings.get(); }
    StoreMenu *storeMenu() const { return m_storeMenu; }
    StoreBanner *banner() const { return m_banner; }
    WelcomeView *welcomeView() const { return m_welcomeView; }
    QAction *liveRefreshAction() const { return m_liveRefreshAction; }

Q_SIGNALS:
    // Once per opened store, when its first content is on screen: the welcome page, the first content of
    // the current section, or why the store could not be read.
    void contentReady();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;
    void changeEvent(QEvent *event) override;
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void addActions(QWidget *target, Feature::Place place) const;
    QList<Feature::StatusWidget> statusWidgets() const;
    void storeChanged();
    void storeRead(bool storeIsEmpty);
    void showStoreError(const QString &error);
    void checkContentReady();
    void updateOnScreen();

    std::unique_ptr<Settings> m_settings;
    std::unique_ptr<StoreSession> m_session; // reset first in ~MainWindow, while the features are alive
    QList<Feature *> m_features;
    QString m_storeError;
    bool m_contentPending = false;

    StoreBanner *m_banner;
    StoreOpener *m_opener;
    StoreMenu *m_storeMenu = nullptr;
    Navigation *m_navigation = nullptr;
    QLabel *m_openingPage;
    QLabel *m_errorPage;
    WelcomeView *m_welcomeView;
    QLabel *m_storeLabel;
    QAction *m_liveRefreshAction = nullptr;
};

} // namespace herald
