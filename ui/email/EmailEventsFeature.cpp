#include "EmailEventsFeature.h"

#include "EmailEventsView.h"
#include "EmailImportJob.h"
#include "SnsEndpointControl.h"
#include "queues/QueuesFeature.h"
#include "shell/StoreSession.h"

#include "store/StoreThread.h"

#include <QAction>
#include <QApplication>
#include <QStyle>

namespace herald {

EmailEventsFeature::EmailEventsFeature(Settings *settings, QWidget *window, QObject *parent)
    : Feature(parent),
      m_window(window),
      m_view(new EmailEventsView),
      m_importAction(new QAction(tr("&Import e-mail events…"), this)),
      m_snsEndpoint(new SnsEndpointControl(settings, window))
{
    m_importAction->setToolTip(tr("SNS envelopes, raw SES JSON, JSON Lines of either, or a mongoexport of ses_event"));
    connect(m_importAction, &QAction::triggered, this, &EmailEventsFeature::import);
    connect(m_snsEndpoint, &SnsEndpointControl::statusChanged, this, [this](const QString &text) {
        Q_EMIT statusMessage(text.isEmpty() ? tr("SNS endpoint stopped") : text, 10'000);
    });
}

void EmailEventsFeature::setSession(StoreSession *session)
{
    m_session = session;
    connect(session, &StoreSession::storeChanged, this, [this] {
        m_view->setStoreThread(m_session->storeThread());
        m_snsEndpoint->setStore(m_session->url(), m_session->isReadOnly());
        m_importAction->setEnabled(m_session->canWrite());
    });
    connect(session, &StoreSession::emailEventsChanged, m_view, &EmailEventsView::reload);
    m_importAction->setEnabled(session->canWrite());
}

void EmailEventsFeature::connectFeatures(const QList<Feature *> &features)
{
    if (auto *queues = find<QueuesFeature>(features))
        connect(m_view, &EmailEventsView::messageRequested, queues, &QueuesFeature::showMessage);
}

QWidget *EmailEventsFeature::page() const
{
    return m_view;
}

Feature::Section EmailEventsFeature::section() const
{
    return {tr("E-mail events"), tr("&E-mail events"), QApplication::style()->standardIcon(QStyle::SP_FileDialogContentsView),
            tr("Amazon SES events: deliveries, bounces, complaints…")};
}

QList<Feature::Action> EmailEventsFeature::actions() const
{
    return {{Place::FileOpen, m_importAction}, {Place::DeliveryMenu, m_snsEndpoint->action()}};
}

void EmailEventsFeature::activate(bool changed)
{
    if (changed)
        m_view->reload();
}

void EmailEventsFeature::import()
{
    if (!m_session || !m_session->canWrite())
        return;
    if (EmailImportJob *job = EmailImportJob::askAndRun(m_session->url(), m_window))
        connect(job, &EmailImportJob::finished, m_session, &StoreSession::notifyEmailEventsChanged);
}

} // namespace herald
