#include "StoreOpener.h"

#include "StoreBanner.h"
#include "shell/Settings.h"
#include "shell/StoreSession.h"

#include "demo/DemoData.h"
#include "store/StoreThread.h"

#include <QLocale>
#include <QMessageBox>

#include <utility>

namespace herald {

StoreOpener::StoreOpener(StoreSession *session, Settings *settings, StoreBanner *banner, QWidget *window)
    : QObject(window),
      m_session(session),
      m_settings(settings),
      m_banner(banner),
      m_window(window)
{
    connect(session, &StoreSession::storeChanged, this, &StoreOpener::storeChanged);
    connect(session, &StoreSession::opened, this, &StoreOpener::storeOpened);
    connect(session, &StoreSession::read, this, &StoreOpener::storeRead);
    connect(session, &StoreSession::readFailed, this, &StoreOpener::storeReadFailed);
    connect(banner, &StoreBanner::retryRequested, session, &StoreSession::requestRefresh);
}

void StoreOpener::openStore(const StoreUrl &url, bool readOnly, const QString &profile)
{
    Store::OpenOptions options;
    options.readOnly = readOnly;
    options.changeNothing = readOnly; // an operator inspecting a copy leaves it as it was
    m_session->attach(std::make_unique<StoreThread>(url, options), readOnly);
    m_rememberProfile = profile;
}

void StoreOpener::openDemoStore()
{
    m_session->attach(std::make_unique<StoreThread>(StoreUrl::sqlite(StoreUrl::demoSqlitePath())), false,
                      [this](StoreThread &storeThread, quint64 generation) {
                          Q_EMIT statusMessage(tr("Filling the demo store…"), 0);
                          // Posted before the features' first reads, which the store thread runs after
                          // it: the console never shows the demo half filled.
                          storeThread.post(
                              this, [](Store &store) { return fillDemoData(store); },
                              [this, generation](Result<DemoSummary> filled) {
                                  if (generation != m_session->generation())
                                      return;
                                  if (!filled)
                                      Q_EMIT statusMessage(tr("The demo store could not be filled: %1").arg(filled.errorString()), 0);
                                  else if (filled->alreadyFilled)
                                      Q_EMIT statusMessage(QString(), 0);
                                  else
                                      Q_EMIT statusMessage(tr("Demo store filled with %1 messages").arg(QLocale().toString(filled->inserted)), 5000);
                              });
                      });
}

void StoreOpener::storeChanged()
{
    m_rememberProfile.reset();
    m_unreachable = false;
    m_banner->clearAll();
    if (m_session->isReadOnly())
        m_banner->showReadOnly(m_session->url().display());
}

void StoreOpener::storeOpened(const QString &error)
{
    if (error.isEmpty()) {
        if (m_rememberProfile)
            m_settings->rememberStore({m_session->url().display(), m_session->isReadOnly(), *m_rememberProfile});
        return;
    }
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Cannot open the store"),
                                tr("Herald could not open the store %1.").arg(m_session->url().display()), QMessageBox::Ok, m_window);
    box->setInformativeText(error);
    box->setAttribute(Qt::WA_DeleteOnClose);
    // Window-modal and not exec(): the console keeps running (and refreshing) behind it.
    box->open();
}

void StoreOpener::storeRead()
{
    if (std::exchange(m_unreachable, false)) {
        // Back: what is on screen may be as old as the outage.
        m_banner->clearProblem();
        Q_EMIT statusMessage(tr("The store is back"), 5000);
        m_session->requestReload();
    }
}

void StoreOpener::storeReadFailed(const QString &error, bool firstRead)
{
    if (firstRead)
        return; // the shell shows why in place of the content
    // The console keeps what it showed, says why it is stale, and the refresh timer keeps trying.
    m_unreachable = true;
    const bool onServer = m_session->url().kind() != StoreUrl::Kind::Sqlite;
    const bool locked = error.contains(QLatin1String("locked"), Qt::CaseInsensitive) || error.contains(QLatin1String("busy"), Qt::CaseInsensitive);
    QString headline = tr("<b>The store cannot be read.</b> %1<br>Herald keeps what it showed and tries again every %2 s.");
    if (onServer)
        headline = tr("<b>Reconnecting to the store…</b> %1<br>Herald keeps what it showed and reconnects every %2 s; delivery "
                      "carries on by itself once the server is back.");
    else if (locked)
        headline = tr("<b>The store is locked by another process.</b> %1<br>Herald keeps what it showed and tries again every %2 s.");
    m_banner->showProblem(headline.arg(error.toHtmlEscaped()).arg(StoreSession::kRefreshIntervalMs / 1000));
}

} // namespace herald
