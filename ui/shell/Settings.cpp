#include "Settings.h"

#include <QSettings>
#include <QUrl>

#include <algorithm>

namespace herald {

namespace {

const QString kRecent = QStringLiteral("stores/recent");
const QString kProfiles = QStringLiteral("stores/profiles");

QString kindName(StoreUrl::Kind kind)
{
    return kind == StoreUrl::Kind::Mysql ? QStringLiteral("mysql") : QStringLiteral("postgres");
}

} // namespace

QString StoreProfile::keychainKey() const
{
    // Keychain references are "keychain:KEY" without spaces; a profile name may have them.
    return QStringLiteral("store-profile-") + QString::fromLatin1(QUrl::toPercentEncoding(name));
}

int StoreProfile::defaultPort(StoreUrl::Kind kind)
{
    return kind == StoreUrl::Kind::Mysql ? 3306 : 5432;
}

Status StoreProfile::validate() const
{
    if (name.trimmed().isEmpty())
        return Error::badInput(QStringLiteral("the profile has no name; name it, e.g. production"));
    if (kind == StoreUrl::Kind::Sqlite)
        return Error::badInput(QStringLiteral("profile '%1': profiles are for PostgreSQL and MySQL; open a SQLite file directly").arg(name));
    if (host.trimmed().isEmpty())
        return Error::badInput(QStringLiteral("profile '%1' has no host; give the server's name or address, e.g. db.example.com").arg(name));
    if (port < 0 || port > 65535)
        return Error::badInput(QStringLiteral("profile '%1': port %2 is out of range; use 1 to 65535, or 0 for the default").arg(name).arg(port));
    if (database.trimmed().isEmpty())
        return Error::badInput(QStringLiteral("profile '%1' names no database; give the database Herald's tables are in, e.g. herald").arg(name));
    return {};
}

Result<StoreUrl> StoreProfile::url(const QString &password) const
{
    if (auto s = validate(); !s)
        return s.error();
    QUrl url;
    url.setScheme(kindName(kind));
    url.setHost(host.trimmed());
    if (port > 0)
        url.setPort(port);
    url.setUserName(user);
    url.setPassword(password);
    url.setPath(QLatin1Char('/') + database.trimmed());
    return StoreUrl::parse(url.toString(QUrl::FullyEncoded));
}

Settings::Settings()
    : m_settings(std::make_unique<QSettings>())
{
}

Settings::Settings(const QString &iniFile)
    : m_settings(std::make_unique<QSettings>(iniFile, QSettings::IniFormat))
{
}

Settings::~Settings() = default;

QList<Settings::RecentStore> Settings::recentStores() const
{
    QList<RecentStore> out;
    const int n = m_settings->beginReadArray(kRecent);
    for (int i = 0; i < n && out.size() < kMaxRecentStores; ++i) {
        m_settings->setArrayIndex(i);
        RecentStore r{m_settings->value(QStringLiteral("url")).toString(), m_settings->value(QStringLiteral("readOnly")).toBool(),
                      m_settings->value(QStringLiteral("profile")).toString()};
        if (!r.url.isEmpty() && !out.contains(r))
            out << r;
    }
    m_settings->endArray();
    return out;
}

namespace {

void writeRecent(QSettings &settings, const QList<Settings::RecentStore> &stores)
{
    settings.remove(kRecent);
    settings.beginWriteArray(kRecent, int(stores.size()));
    for (int i = 0; i < stores.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(QStringLiteral("url"), stores[i].url);
        settings.setValue(QStringLiteral("readOnly"), stores[i].readOnly);
        settings.setValue(QStringLiteral("profile"), stores[i].profile);
    }
    settings.endArray();
}

} // namespace

void Settings::rememberStore(const RecentStore &store)
{
    QList<RecentStore> stores = recentStores();
    stores.removeAll(store);
    stores.prepend(store);
    while (stores.size() > kMaxRecentStores)
        stores.removeLast();
    writeRecent(*m_settings, stores);
}

void Settings::forgetStore(const RecentStore &store)
{
    QList<RecentStore> stores = recentStores();
    stores.removeAll(store);
    writeRecent(*m_settings, stores);
}

void Settings::clearRecentStores()
{
    writeRecent(*m_settings, {});
}

QList<StoreProfile> Settings::profiles() const
{
    QList<StoreProfile> out;
    const int n = m_settings->beginReadArray(kProfiles);
    for (int i = 0; i < n; ++i) {
        m_settings->setArrayIndex(i);
        StoreProfile p;
        p.name = m_settings->value(QStringLiteral("name")).toString();
        p.kind = m_settings->value(QStringLiteral("kind")).toString() == QLatin1String("mysql") ? StoreUrl::Kind::Mysql : StoreUrl::Kind::Postgres;
        p.host = m_settings->value(QStringLiteral("host")).toString();
        p.port = m_settings->value(QStringLiteral("port")).toInt();
        p.database = m_settings->value(QStringLiteral("database")).toString();
        p.user = m_settings->value(QStringLiteral("user")).toString();
        p.savePassword = m_settings->value(QStringLiteral("savePassword")).toBool();
        if (!p.name.isEmpty())
            out << p;
    }
    m_settings->endArray();
    std::sort(out.begin(), out.end(), [](const StoreProfile &a, const StoreProfile &b) { return a.name.localeAwareCompare(b.name) < 0; });
    return out;
}

std::optional<StoreProfile> Settings::profile(const QString &name) const
{
    for (const StoreProfile &p : profiles())
        if (p.name == name)
            return p;
    return std::nullopt;
}

namespace {

void writeProfiles(QSettings &settings, const QList<StoreProfile> &profiles)
{
    settings.remove(kProfiles);
    settings.beginWriteArray(kProfiles, int(profiles.size()));
    for (int i = 0; i < profiles.size(); ++i) {
        const StoreProfile &p = profiles[i];
        settings.setArrayIndex(i);
        settings.setValue(QStringLiteral("name"), p.name);
        settings.setValue(QStringLiteral("kind"), kindName(p.kind));
        settings.setValue(QStringLiteral("host"), p.host);
        settings.setValue(QStringLiteral("port"), p.port);
        settings.setValue(QStringLiteral("database"), p.database);
        settings.setValue(QStringLiteral("user"), p.user);
        settings.setValue(QStringLiteral("savePassword"), p.savePassword);
    }
    settings.endArray();
}

} // namespace

void Settings::saveProfile(const StoreProfile &profile)
{
    QList<StoreProfile> all = profiles();
    all.erase(std::remove_if(all.begin(), all.end(), [&](const StoreProfile &p) { return p.name == profile.name; }), all.end());
    all << profile;
    writeProfiles(*m_settings, all);
}

void Settings::removeProfile(const QString &name)
{
    QList<StoreProfile> all = profiles();
    all.erase(std::remove_if(all.begin(), all.end(), [&](const StoreProfile &p) { return p.name == name; }), all.end());
    writeProfiles(*m_settings, all);
}

QByteArray Settings::windowGeometry() const
{
    return m_settings->value(QStringLiteral("window/geometry")).toByteArray();
}

void Settings::setWindowGeometry(const QByteArray &geometry)
{
    m_settings->setValue(QStringLiteral("window/geometry"), geometry);
}

QByteArray Settings::windowState() const
{
    return m_settings->value(QStringLiteral("window/state")).toByteArray();
}

void Settings::setWindowState(const QByteArray &state)
{
    m_settings->setValue(QStringLiteral("window/state"), state);
}

QByteArray Settings::messageHeaderState() const
{
    return m_settings->value(QStringLiteral("messages/header")).toByteArray();
}

void Settings::setMessageHeaderState(const QByteArray &state)
{
    m_settings->setValue(QStringLiteral("messages/header"), state);
}

Settings::Appearance Settings::appearance() const
{
    const QString value = m_settings->value(QStringLiteral("view/appearance")).toString();
    if (value == QLatin1String("light"))
        return Appearance::Light;
    if (value == QLatin1String("dark"))
        return Appearance::Dark;
    return Appearance::System;
}

void Settings::setAppearance(Appearance appearance)
{
    m_settings->setValue(QStringLiteral("view/appearance"), appearance == Appearance::Light  ? QStringLiteral("light")
                                                            : appearance == Appearance::Dark ? QStringLiteral("dark")
                                                                                             : QStringLiteral("system"));
}

bool Settings::liveRefresh() const
{
    return m_settings->value(QStringLiteral("view/liveRefresh"), true).toBool();
}

void Settings::setLiveRefresh(bool on)
{
    m_settings->setValue(QStringLiteral("view/liveRefresh"), on);
}

int Settings::snsPort() const
{
    return m_settings->value(QStringLiteral("sns/port"), 8088).toInt();
}

void Settings::setSnsPort(int port)
{
    m_settings->setValue(QStringLiteral("sns/port"), port);
}

QStringList Settings::snsTopics() const
{
    return m_settings->value(QStringLiteral("sns/topics")).toStringList();
}

void Settings::setSnsTopics(const QStringList &topics)
{
    m_settings->setValue(QStringLiteral("sns/topics"), topics);
}

QString Settings::lastFolder() const
{
    return m_settings->value(QStringLiteral("files/lastFolder")).toString();
}

void Settings::setLastFolder(const QString &folder)
{
    m_settings->setValue(QStringLiteral("files/lastFolder"), folder);
}

void Settings::sync()
{
    m_settings->sync();
}

} // namespace herald
