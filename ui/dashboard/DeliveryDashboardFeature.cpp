#include "DeliveryDashboardFeature.h"

#include "DeliveryDashboard.h"
#include "failures/FailuresFeature.h"
#include "queues/QueuesFeature.h"
#include "queues/QueuesView.h"
#include "shell/StoreSession.h"

#include <QApplication>
#include <QStyle>

namespace herald {

DeliveryDashboardFeature::DeliveryDashboardFeature(QObject *parent)
    : Feature(parent),
      m_dashboard(new DeliveryDashboard)
{
    connect(m_dashboard, &DeliveryDashboard::statusMessage, this, [this](const QString &message) { Q_EMIT statusMessage(message, 10'000); });
}

void DeliveryDashboardFeature::setSession(StoreSession *session)
{
    connect(session, &StoreSession::storeChanged, this, [this, session] { m_dashboard->setStoreThread(session->storeThread()); });
}

void DeliveryDashboardFeature::connectFeatures(const QList<Feature *> &features)
{
    if (FailuresFeature *failures = find<FailuresFeature>(features))
        connect(m_dashboard, &DeliveryDashboard::failuresRequested, failures, &Feature::sectionRequested);
    if (QueuesFeature *queues = find<QueuesFeature>(features))
        connect(m_dashboard, &DeliveryDashboard::groupActivated, queues, [queues](const QString &queue) {
            queues->queuesView()->setCurrentQueue(queue);
            Q_EMIT queues->sectionRequested();
        });
}

QWidget *DeliveryDashboardFeature::page() const
{
    return m_dashboard;
}

Feature::Section DeliveryDashboardFeature::section() const
{
    return {tr("Delivery dashboard"), tr("De&livery dashboard"), QApplication::style()->standardIcon(QStyle::SP_DialogApplyButton),
            tr("Is delivery healthy: outcomes per bucket, lateness, rate and backlog, per queue, channel and type")};
}

void DeliveryDashboardFeature::activate(bool changed)
{
    if (changed)
        m_dashboard->refresh();
}

} // namespace herald
