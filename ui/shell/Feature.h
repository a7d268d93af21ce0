#pragma once

#include <QIcon>
#include <QList>
#include <QObject>
#include <QString>
#include <QWidget>

#include <functional>

class QAction;
class QDockWidget;
class QMenu;


namespace herald {

class Settings;
class StoreSession;

// One part of the console as the shell sees it (DESIGN §8; Qt Creator's IOutputPane is the model): a
// section in the navigation with its page, actions for the shell's menus and toolbar, menus of its own,
// docks and status-bar widgets — each optional. The shell builds itself from a list of features, hands
// each the one StoreSession, and knows nothing else of them; a feature lives in its own folder under ui/
// with its widgets, models and dialogs.
//
// The shell owns the features and takes the widgets they hand it into its window. GUI thread only.
class Feature : public QObject
{
    Q_OBJECT

public:
    // Where an action goes in the shell's menus and toolbar; in this order, features in list order
    // within a place.
    enum class Place {
        FileOpen,        // File, below the store items: imports, applies
        FileNew,         // File: New …; the welcome page's create button triggers the first of these
        Edit,
        ViewReload,      // View, next to Reload
        DeliveryMenu,
        ToolsMenu,
        ToolBarDelivery,
        ToolBarCreate,   // the toolbar, before Reload
        ToolBarActions,  // the toolbar, after Reload
    };
    struct Action
    {
        Place place;
        QAction *action;
    };
    // A section of the navigation; the shell adds its shortcut (Ctrl+1 for the first section…).
    struct Section
    {
        QString title;    // in the navigation
        QString menuText; // in View, with its mnemonic
        QIcon icon;
        QString toolTip;
    };
    struct StatusWidget
    {
        QWidget *widget;
        bool permanent;              // right-hand side; else it stretches on the left
        std::function<QString()> text; // its part of the status text, if any (empty: left out)
    };

    using QObject::QObject;

    // Once, before the first store is attached: the feature follows the session's signals from then on.
    virtual void setSession(StoreSession *session) = 0;
    // Once all features exist: a feature finds the others it works with (find<T>()).
    virtual void connectFeatures(const QList<Feature *> &features) { Q_UNUSED(features) }

    // The page of its section, or null for a feature without one.
    virtual QWidget *page() const { return nullptr; }
    virtual Section section() const { return {}; }
    // Under the navigation (the queues); at most one feature has one.
    virtual QWidget *navigationPanel() const { return nullptr; }
    virtual QList<QDockWidget *> docks() const { return {}; }
    virtual QList<Action> actions() const { return {}; }
    // Top-level menus, between Edit and View.
    virtual QList<QMenu *> menus() const { return {}; }
    virtual QList<StatusWidget> statusWidgets() const { return {}; }

    virtual void restoreSettings(const Settings &settings) { Q_UNUSED(settings) }
    virtual void saveSettings(Settings &settings) const { Q_UNUSED(settings) }

    // Its page came on screen; changed: another section was on screen before.
    virtual void activate(bool changed) { Q_UNUSED(changed) }
    // Whether its page shows the store's first content (the shell's contentReady()).
    virtual bool isPageReady() const { return true; }
    // Whether its section is the shell's current one.
    bool isCurrent() const { return m_current; }
    void setCurrent(bool current) { m_current = current; }

    template<typename T>
    static T *find(const QList<Feature *> &features)
    {
        for (Feature *feature : features)
            if (auto *found = qobject_cast<T *>(feature))
                return found;
        return nullptr;
    }

Q_SIGNALS:
    void statusMessage(const QString &message, int timeoutMs);
    // Show my section (the operator picked something that belongs there).
    void sectionRequested();
    // isPageReady() may have changed.
    void pageReadyChanged();

private:
    bool m_current = false;
};

} // namespace herald
