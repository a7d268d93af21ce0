#pragma once

#include "store/StoreUrl.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

class QSettings;

namespace herald {

// A saved connection to a PostgreSQL or MySQL store (DESIGN §8). The password is never in the settings
// file: when savePassword is set it is in the system keychain under keychainKey().
struct StoreProfile
{
    QString name;
    StoreUrl::Kind kind = StoreUrl::Kind::Postgres;
    QString host;
    int port = 0; // 0: the server's default
    QString database;
    QString user;
    bool savePassword = false;

    // The keychain entry of the password (service "herald").
    QString keychainKey() const;
    // The store URL with this password in it (StoreUrl::display() never shows it).
    Result<StoreUrl> url(const QString &password) const;
    // Name, host and database are needed; the name is how the profile is found again.
    Status validate() const;
    static int defaultPort(StoreUrl::Kind kind);
};

// The console's persistent settings, typed: window state, recent stores, connection profiles and view
// settings, in one place instead of QSettings keys spread over the widgets. Backed by QSettings (the
// user's herald.conf, or an INI file given by tests). Cheap to construct; not thread-safe.
class Settings
{
public:
    static constexpr int kMaxRecentStores = 10;

    enum class Appearance { System, Light, Dark };

    struct RecentStore
    {
        QString url;      // StoreUrl::display(): a file path, or a server URL without its password
        bool readOnly = false;
        QString profile;  // for a server store: the profile that opens it (and holds its password)
        bool operator==(const RecentStore &other) const = default;
    };

    Settings();
    explicit Settings(const QString &iniFile);
    ~Settings();

    // Newest first, at most kMaxRecentStores, each store (url and mode) once.
    QList<RecentStore> recentStores() const;
    void rememberStore(const RecentStore &store);
    void forgetStore(const RecentStore &store);
    void clearRecentStores();

    // By name, sorted.
    QList<StoreProfile> profiles() const;
    std::optional<StoreProfile> profile(const QString &name) const;
    // Adds or replaces the profile of that name.
    void saveProfile(const StoreProfile &profile);
    void removeProfile(const QString &name);

    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &geometry);
    QByteArray windowState() const;
    void setWindowState(const QByteArray &state);
    QByteArray messageHeaderState() const;
    void setMessageHeaderState(const QByteArray &state);

    Appearance appearance() const;
    void setAppearance(Appearance appearance);
    // Whether counts and the visible page follow deliveries and other processes (View ▸ Live refresh).
    bool liveRefresh() const;
    void setLiveRefresh(bool on);

    // The console's SNS endpoint (Delivery ▸ Receive SES events): its port and allowed topics.
    int snsPort() const;
    void setSnsPort(int port);
    QStringList snsTopics() const;
    void setSnsTopics(const QStringList &topics);

    // The folder last used in an open or export file dialog.
    QString lastFolder() const;
    void setLastFolder(const QString &folder);

    void sync();

private:
    std::unique_ptr<QSettings> m_settings;
};

} // namespace herald
