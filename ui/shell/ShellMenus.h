#pragma once

class QAction;
class QMenu;
class QWidget;

namespace herald {

class Settings;
class StoreSession;

// The shell's own menu entries, beside those the features contribute. GUI thread only.

// View ▸ Live refresh (Ctrl+Shift+L): counts and the visible page follow deliveries and other
// processes; unchecked, the page keeps still. Starts as saved; a change is saved and applied to the
// session at once, and turning it back on reads what changed meanwhile.
QAction *createLiveRefreshAction(Settings *settings, StoreSession *session, QWidget *parent);
// Help ▸ About Herald.
QMenu *createHelpMenu(QWidget *parent);

} // namespace herald
