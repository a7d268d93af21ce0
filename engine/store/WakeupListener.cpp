#include "WakeupListener.h"

#include "Backend.h"

#include <QAtomicInteger>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>

namespace herald {

WakeupListener::WakeupListener(StoreUrl url, QObject *parent) : QObject(parent), m_url(std::move(url))
{
    static QAtomicInteger<quint64> counter;
    m_connectionName = QStringLiteral("herald-wakeup-%1").arg(counter.fetchAndAddRelaxed(1));
}

WakeupListener::~WakeupListener()
{
    close();
}

void WakeupListener::close()
{
    m_listening = false;
    if (m_db.isValid()) {
        if (m_db.driver())
            disconnect(m_db.driver(), nullptr, this, nullptr);
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
    }
}

Status WakeupListener::open()
{
    close();
    if (!m_backend) {
        auto backend = Backend::forUrl(m_url);
        if (!backend)
            return backend.error();
        m_backend = std::move(backend).value();
    }
    if (!m_backend->capabilities().listenNotify)
        return Error::refused(QStringLiteral("store '%1' pushes no wake-ups; engines poll it").arg(m_url.display()));
    m_db = QSqlDatabase::addDatabase(m_backend->driverName(), m_connectionName);
    if (auto s = m_backend->configure(m_db, m_url, false, false); !s)
        return s;
    if (!m_db.open())
        return m_backend->openError(m_url, m_db.lastError());
    const QString channel = QString::fromLatin1(Backend::kWakeupChannel);
    if (!m_db.driver()->subscribeToNotification(channel))
        return Error::runtime(QStringLiteral("store '%1': cannot listen for wake-ups: %2").arg(m_url.display(), m_db.driver()->lastError().text()));
    connect(m_db.driver(), &QSqlDriver::notification, this,
            [this](const QString &name, QSqlDriver::NotificationSource, const QVariant &payload) {
                if (name == QLatin1String(Backend::kWakeupChannel))
                    Q_EMIT wakeup(payload.toString());
            });
    m_listening = true;
    return {};
}

void WakeupListener::check()
{
    if (m_listening) {
        QSqlQuery q(m_db);
        if (q.exec(QStringLiteral("SELECT 1")))
            return;
    }
    // Lost (a server restart, a killed backend): listen again on a new connection, and wake once for
    // whatever was enqueued meanwhile.
    if (auto s = open(); !s) {
        qWarning("herald: wake-ups: %s; polling until the server is back", qPrintable(s.errorString()));
        return;
    }
    Q_EMIT wakeup(QString());
}

} // namespace herald
