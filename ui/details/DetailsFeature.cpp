#include "DetailsFeature.h"

#include "MessageDetailsView.h"
#include "queues/QueuesFeature.h"
#include "shell/StoreSession.h"

#include <QAction>
#include <QDockWidget>

namespace herald {

DetailsFeature::DetailsFeature(QWidget *window, QObject *parent)
    : Feature(parent),
      m_dock(new QDockWidget(tr("Details"), window)),
      m_view(new MessageDetailsView)
{
    m_dock->setObjectName(QStringLiteral("detailsDock"));
    m_dock->setFeatures(QDockWidget::DockWidgetClosable | QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    m_dock->setWidget(m_view);
    m_dock->toggleViewAction()->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
}

void DetailsFeature::setSession(StoreSession *session)
{
    connect(session, &StoreSession::storeChanged, this, [this, session] { m_view->setStoreThread(session->storeThread()); });
    connect(session, &StoreSession::reloadRequested, this, &DetailsFeature::showAgain);
    connect(session, &StoreSession::messagesChanged, this, &DetailsFeature::showAgain);
}

void DetailsFeature::connectFeatures(const QList<Feature *> &features)
{
    if (auto *queues = find<QueuesFeature>(features)) {
        connect(queues, &QueuesFeature::messageChosen, m_view, &MessageDetailsView::showMessage);
        connect(queues, &QueuesFeature::messageShown, this, &DetailsFeature::showMessageInFront);
        connect(queues, &QueuesFeature::visibleRowsRefreshed, this, [this] {
            if (m_dock->isVisible() && m_view->messageId() > 0)
                m_view->showMessage(m_view->messageId());
        });
    }
}

QList<QDockWidget *> DetailsFeature::docks() const
{
    return {m_dock};
}

void DetailsFeature::showMessageInFront(qint64 id)
{
    m_dock->show();
    m_dock->raise();
    m_view->showMessage(id);
}

void DetailsFeature::showAgain()
{
    m_view->showMessage(m_view->messageId());
}

} // namespace herald
