#include "StoreMenu.h"

#include "ConnectDialog.h"
#include "shell/Settings.h"

#include <QAction>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>

namespace herald {

StoreMenu::StoreMenu(Settings *settings, QWidget *dialogParent)
    : QObject(dialogParent),
      m_settings(settings),
      m_dialogParent(dialogParent),
      m_open(new QAction(tr("&Open store…"), this)),
      m_openReadOnly(new QAction(tr("Open &read-only…"), this)),
      m_demo(new QAction(tr("Open &demo store"), this)),
      m_recent(new QMenu(tr("Open &recent")))
{
    m_open->setShortcut(QKeySequence::Open);
    m_open->setToolTip(tr("Open a SQLite store, or a PostgreSQL or MySQL server through a saved profile (Ctrl+O)"));
    connect(m_open, &QAction::triggered, this, [this] { showConnectDialog(); });
    m_openReadOnly->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    m_openReadOnly->setToolTip(tr("Inspect a store or a copy of one: no workers, no writes, every action disabled (Ctrl+Shift+O)"));
    connect(m_openReadOnly, &QAction::triggered, this, &StoreMenu::openReadOnly);
    connect(m_demo, &QAction::triggered, this, &StoreMenu::demoRequested);
    connect(m_recent, &QMenu::aboutToShow, this, &StoreMenu::fillRecent);
    connect(this, &QObject::destroyed, m_recent, &QObject::deleteLater);
    fillRecent();
}

void StoreMenu::fillMenu(QMenu *file)
{
    file->addAction(m_open);
    file->addAction(m_openReadOnly);
    file->addMenu(m_recent);
    file->addAction(m_demo);
}

void StoreMenu::showConnectDialog(const QString &path, const QString &profile, bool readOnly)
{
    auto *dialog = new ConnectDialog(m_settings, m_dialogParent);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("connectDialog"));
    if (!path.isEmpty())
        dialog->setFilePath(path);
    if (!profile.isEmpty())
        dialog->selectProfile(profile);
    dialog->setReadOnly(readOnly);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { Q_EMIT openRequested(dialog->url(), dialog->readOnly(), dialog->profileName()); });
    dialog->open();
}

void StoreMenu::openReadOnly()
{
    const QString path = QFileDialog::getOpenFileName(m_dialogParent, tr("Open a store read-only"), m_settings->lastFolder(),
                                                      tr("Herald stores and archives (*.db *.sqlite *.sqlite3);;All files (*)"));
    if (path.isEmpty())
        return;
    m_settings->setLastFolder(QFileInfo(path).absolutePath());
    Q_EMIT openRequested(StoreUrl::sqlite(path), true, {});
}

void StoreMenu::fillRecent()
{
    m_recent->clear();
    const QList<Settings::RecentStore> stores = m_settings->recentStores();
    for (const Settings::RecentStore &store : stores) {
        QString text = store.profile.isEmpty() ? QDir::toNativeSeparators(store.url) : tr("%1 (%2)").arg(store.profile, store.url);
        if (store.readOnly)
            text += tr(" — read-only");
        QAction *action = m_recent->addAction(text);
        action->setToolTip(store.url);
        connect(action, &QAction::triggered, this, [this, store] { openRecent(store.url, store.readOnly, store.profile); });
    }
    if (stores.isEmpty()) {
        m_recent->addAction(tr("No recent stores"))->setEnabled(false);
        return;
    }
    m_recent->addSeparator();
    m_recent->addAction(tr("&Clear the list"), this, [this] { m_settings->clearRecentStores(); });
}

void StoreMenu::openRecent(const QString &url, bool readOnly, const QString &profile)
{
    if (!profile.isEmpty()) {
        // The password is the profile's business: the dialog reads it from the keychain, or asks.
        showConnectDialog({}, profile, readOnly);
        return;
    }
    auto parsed = StoreUrl::parse(url);
    if (!parsed) {
        showConnectDialog();
        return;
    }
    Q_EMIT openRequested(*parsed, readOnly, {});
}

} // namespace herald
