#pragma once

#include "store/StoreUrl.h"

#include <QObject>
#include <QString>

#include <optional>

class QWidget;

namespace herald {

class Settings;
class StoreBanner;
class StoreSession;

// Opens stores into the session as the operator asked (File ▸ Open store, Open recent, the demo) and
// tells the operator how it goes: a store that cannot be opened in a message box, a store that became
// unreadable (or is read-only) in the banner, the demo's filling and the store's return in the status
// bar; a store that opened joins Open recent. window: the parent of its message boxes. GUI thread only.
class StoreOpener : public QObject
{
    Q_OBJECT

public:
    StoreOpener(StoreSession *session, Settings *settings, StoreBanner *banner, QWidget *window);

    void openStore(const StoreUrl &url, bool readOnly, const QString &profile = {});
    // Opens the demo store (StoreUrl::demoSqlitePath(), never the user's store) and fills it with the
    // demo data the first time.
    void openDemoStore();

Q_SIGNALS:
    void statusMessage(const QString &message, int timeoutMs);

private:
    void storeChanged();
    void storeOpened(const QString &error);
    void storeRead();
    void storeReadFailed(const QString &error, bool firstRead);

    StoreSession *m_session;
    Settings *m_settings;
    StoreBanner *m_banner;
    QWidget *m_window;
    std::optional<QString> m_rememberProfile; // set: remember the store (under this profile) once it opened
    bool m_unreachable = false;               // a read failed after a good one: the banner says why
};

} // namespace herald
