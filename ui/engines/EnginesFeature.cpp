#include "EnginesFeature.h"

#include "EnginesStatusLabel.h"
#include "EnginesView.h"
#include "shell/StoreSession.h"

#include <QApplication>
#include <QStyle>

namespace herald {

EnginesFeature::EnginesFeature(QObject *parent)
    : Feature(parent),
      m_view(new EnginesView),
      m_status(new EnginesStatusLabel)
{
}

void EnginesFeature::setSession(StoreSession *session)
{
    connect(session, &StoreSession::storeChanged, this, [this, session] {
        m_view->setStore(session->storeThread());
        m_status->setStoreThread(session->storeThread());
    });
}

QWidget *EnginesFeature::page() const
{
    return m_view;
}

Feature::Section EnginesFeature::section() const
{
    return {tr("Engines"), tr("E&ngines"), QApplication::style()->standardIcon(QStyle::SP_DriveNetIcon),
            tr("The engines delivering from the store, live and stale")};
}

QList<Feature::StatusWidget> EnginesFeature::statusWidgets() const
{
    return {{m_status, true, [this] { return m_status->isVisibleTo(m_status->window()) ? m_status->text() : QString(); }}};
}

} // namespace herald
