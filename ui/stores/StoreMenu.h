#pragma once

#include "store/StoreUrl.h"

#include <QObject>

class QAction;
class QMenu;
class QWidget;

namespace herald {

class Settings;

// The File menu's ways to a store (DESIGN §8): Open store… (ConnectDialog: a file or a server profile),
// Open read-only… (a file, inspected offline), Open recent ▸ (from Settings, newest first) and the demo
// store. It only asks; the window opens what openRequested() names and, once it has opened, calls
// Settings::rememberStore. GUI thread only.
class StoreMenu : public QObject
{
    Q_OBJECT

public:
    StoreMenu(Settings *settings, QWidget *dialogParent);

    void fillMenu(QMenu *file);
    QAction *openAction() const { return m_open; }
    QAction *openReadOnlyAction() const { return m_openReadOnly; }
    QMenu *recentMenu() const { return m_recent; }

    // Opens the connection dialog, on the file page with this path, or on the server page with this profile.
    void showConnectDialog(const QString &path = {}, const QString &profile = {}, bool readOnly = false);

Q_SIGNALS:
    void openRequested(const herald::StoreUrl &url, bool readOnly, const QString &profile);
    void demoRequested();

private:
    void openReadOnly();
    void fillRecent();
    void openRecent(const QString &url, bool readOnly, const QString &profile);

    Settings *m_settings;
    QWidget *m_dialogParent;
    QAction *m_open;
    QAction *m_openReadOnly;
    QAction *m_demo;
    QMenu *m_recent;
};

} // namespace herald
