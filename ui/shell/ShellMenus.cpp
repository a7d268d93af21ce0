#include "ShellMenus.h"

#include "Settings.h"
#include "StoreSession.h"

#include <QAction>
#include <QCoreApplication>
#include <QMenu>
#include <QMessageBox>

namespace herald {

QAction *createLiveRefreshAction(Settings *settings, StoreSession *session, QWidget *parent)
{
    auto *action = new QAction(QMenu::tr("&Live refresh"), parent);
    action->setCheckable(true);
    action->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_L));
    action->setToolTip(QMenu::tr("Counts and the visible page follow deliveries and other processes; pause it to read a "
                                 "page that keeps still (Ctrl+Shift+L)"));
    action->setChecked(settings->liveRefresh());
    session->setLiveRefresh(settings->liveRefresh());
    QObject::connect(action, &QAction::triggered, session, [settings, session](bool on) {
        settings->setLiveRefresh(on);
        session->setLiveRefresh(on);
        if (on)
            session->requestReload(); // what changed while it was paused
    });
    return action;
}

QMenu *createHelpMenu(QWidget *parent)
{
    auto *help = new QMenu(QMenu::tr("&Help"), parent);
    help->addAction(QMenu::tr("&About Herald"), parent, [parent] {
        QMessageBox::about(parent, QMenu::tr("About Herald"),
                           QMenu::tr("<h3>Herald %1</h3><p>An operations console for scheduled message delivery: queues of SMS, "
                                     "push, email and webhook messages, with retries, rate limits and an audit log.</p>")
                               .arg(QCoreApplication::applicationVersion()));
    })->setMenuRole(QAction::AboutRole);
    return help;
}

} // namespace herald
