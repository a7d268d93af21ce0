#include "UpcomingFeature.h"

#include "UpcomingChart.h"
#include "queues/QueuesFeature.h"
#include "shell/StoreSession.h"

#include <QAction>
#include <QDockWidget>

namespace herald {

UpcomingFeature::UpcomingFeature(QWidget *window, QObject *parent)
    : Feature(parent),
      m_dock(new QDockWidget(tr("Upcoming"), window)),
      m_chart(new UpcomingChart)
{
    m_dock->setObjectName(QStringLiteral("upcomingDock"));
    m_dock->setWidget(m_chart);
    m_dock->toggleViewAction()->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_U));
    // Read when looked at: the histogram is a query of its own.
    connect(m_dock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
        if (visible)
            m_chart->refresh();
    });
}

void UpcomingFeature::setSession(StoreSession *session)
{
    connect(session, &StoreSession::storeChanged, this, [this, session] { m_chart->setStoreThread(session->storeThread()); });
    connect(session, &StoreSession::reloadRequested, m_chart, &UpcomingChart::refresh);
    connect(session, &StoreSession::messagesChanged, m_chart, &UpcomingChart::refresh);
}

void UpcomingFeature::connectFeatures(const QList<Feature *> &features)
{
    if (auto *queues = find<QueuesFeature>(features)) {
        connect(queues, &QueuesFeature::queueSelected, m_chart, &UpcomingChart::setQueue);
        connect(m_chart, &UpcomingChart::quarterClicked, queues, &QueuesFeature::showRunAtWindow);
    }
}

QList<QDockWidget *> UpcomingFeature::docks() const
{
    return {m_dock};
}

} // namespace herald
