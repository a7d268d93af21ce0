#include "SuppressionsFeature.h"

#include "SuppressionsView.h"
#include "shell/StoreSession.h"

#include <QApplication>
#include <QStyle>

namespace herald {

SuppressionsFeature::SuppressionsFeature(QObject *parent)
    : Feature(parent),
      m_view(new SuppressionsView)
{
    connect(m_view, &SuppressionsView::changed, this, [this](const QString &message) { Q_EMIT statusMessage(message, 10'000); });
}

void SuppressionsFeature::setSession(StoreSession *session)
{
    connect(session, &StoreSession::storeChanged, this, [this, session] { m_view->setStore(session->storeThread(), session->isReadOnly()); });
    connect(session, &StoreSession::emailEventsChanged, m_view, &SuppressionsView::reload);
}

QWidget *SuppressionsFeature::page() const
{
    return m_view;
}

Feature::Section SuppressionsFeature::section() const
{
    return {tr("Suppressions"), tr("&Suppressions"), QApplication::style()->standardIcon(QStyle::SP_MessageBoxCritical),
            tr("Addresses the e-mail channel no longer sends to")};
}

void SuppressionsFeature::activate(bool changed)
{
    if (changed)
        m_view->reload();
}

} // namespace herald
