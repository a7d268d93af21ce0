#include "OutboxFeature.h"

#include "OutboxModel.h"
#include "OutboxView.h"
#include "shell/StoreSession.h"

#include <QApplication>
#include <QStyle>

namespace herald {

OutboxFeature::OutboxFeature(QObject *parent)
    : Feature(parent),
      m_model(new OutboxModel(this)),
      m_view(new OutboxView(m_model))
{
    connect(m_model, &OutboxModel::pageLoaded, this, &OutboxFeature::pageReadyChanged);
    connect(m_model, &OutboxModel::refreshed, this, &OutboxFeature::pageReadyChanged);
    connect(m_model, &OutboxModel::loadFailed, this, &OutboxFeature::pageReadyChanged);
}

void OutboxFeature::setSession(StoreSession *session)
{
    connect(session, &StoreSession::storeChanged, this, [this, session] {
        m_model->setStoreThread(session->storeThread());
        if (isCurrent())
            m_model->refresh();
    });
    connect(session, &StoreSession::reloadRequested, this, [this] {
        if (isCurrent())
            m_model->reload();
    });
    // A delivery completed: the outbox may have grown.
    connect(session, &StoreSession::liveChanges, this, [this](const QSet<QString> &, bool, bool completed) {
        if (completed && m_view->isVisibleTo(m_view->window()))
            m_model->refresh();
    });
}

QWidget *OutboxFeature::page() const
{
    return m_view;
}

Feature::Section OutboxFeature::section() const
{
    return {tr("Outbox"), tr("&Outbox"), QApplication::style()->standardIcon(QStyle::SP_ArrowRight),
            tr("What the outbox channel captured instead of sending")};
}

void OutboxFeature::activate(bool changed)
{
    Q_UNUSED(changed)
    m_model->refresh(); // what was captured while another section was on screen
}

bool OutboxFeature::isPageReady() const
{
    return m_model->isLoaded() || !m_model->errorString().isEmpty();
}

} // namespace herald
