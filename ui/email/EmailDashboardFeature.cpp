#include "EmailDashboardFeature.h"

#include "EmailDashboard.h"
#include "shell/StoreSession.h"

#include <QApplication>
#include <QStyle>

namespace herald {

EmailDashboardFeature::EmailDashboardFeature(QObject *parent)
    : Feature(parent),
      m_dashboard(new EmailDashboard)
{
    connect(m_dashboard, &EmailDashboard::statusMessage, this, [this](const QString &message) { Q_EMIT statusMessage(message, 10'000); });
}

void EmailDashboardFeature::setSession(StoreSession *session)
{
    connect(session, &StoreSession::storeChanged, this, [this, session] {
        m_dashboard->setStoreThread(session->storeThread());
        if (isCurrent())
            m_dashboard->refresh();
    });
    connect(session, &StoreSession::emailEventsChanged, m_dashboard, &EmailDashboard::refresh);
}

QWidget *EmailDashboardFeature::page() const
{
    return m_dashboard;
}

Feature::Section EmailDashboardFeature::section() const
{
    return {tr("E-mail dashboard"), tr("E-mail &dashboard"), QApplication::style()->standardIcon(QStyle::SP_ComputerIcon),
            tr("Volumes, bounce and complaint rates against Amazon's levels")};
}

void EmailDashboardFeature::activate(bool changed)
{
    if (changed)
        m_dashboard->refresh();
}

} // namespace herald
