#include "PlansFeature.h"

#include "PlansView.h"
#include "details/DetailsFeature.h"
#include "details/MessageDetailsView.h"
#include "messages/MessageActions.h"
#include "queues/QueuesFeature.h"
#include "shell/StoreSession.h"

#include <QAction>
#include <QApplication>
#include <QStyle>

namespace herald {

PlansFeature::PlansFeature(QObject *parent)
    : Feature(parent),
      m_view(new PlansView),
      m_applyAction(new QAction(m_view->applyAction()->icon(), m_view->applyAction()->text(), this))
{
    m_applyAction->setToolTip(m_view->applyAction()->toolTip());
    connect(m_applyAction, &QAction::triggered, this, [this] {
        Q_EMIT sectionRequested();
        m_view->applyAction()->trigger();
    });
    connect(m_view->applyAction(), &QAction::changed, m_applyAction, [this] { m_applyAction->setEnabled(m_view->applyAction()->isEnabled()); });
    connect(m_view, &PlansView::statusMessage, this, [this](const QString &message) { Q_EMIT statusMessage(message, 10'000); });
}

void PlansFeature::setSession(StoreSession *session)
{
    m_session = session;
    connect(session, &StoreSession::storeChanged, this, [this] {
        m_view->setStore(m_session->storeThread(), m_session->isReadOnly());
        if (isCurrent())
            m_view->reload();
    });
    connect(session, &StoreSession::messagesChanged, this, [this] {
        if (isCurrent() && !m_applying)
            m_view->reload(); // an undo may have reverted an apply
    });
}

void PlansFeature::connectFeatures(const QList<Feature *> &features)
{
    auto *queues = find<QueuesFeature>(features);
    if (queues)
        connect(m_view, &PlansView::messageRequested, queues, &QueuesFeature::showMessage);
    if (auto *details = find<DetailsFeature>(features))
        connect(m_view, &PlansView::messageSelected, details->view(), &MessageDetailsView::showMessage);
    // An apply or forget is a bulk action like the others: counts, rows and timers are stale, Undo reverts it.
    connect(m_view, &PlansView::planApplied, this, [this, queues] {
        if (queues)
            queues->messageActions()->noteUndoableAction();
        m_applying = true;
        m_session->notifyMessagesChanged();
        m_applying = false;
    });
}

QWidget *PlansFeature::page() const
{
    return m_view;
}

Feature::Section PlansFeature::section() const
{
    return {tr("Event plans"), tr("Event &plans"), QApplication::style()->standardIcon(QStyle::SP_FileDialogInfoView),
            tr("Applied events, their reminders on a time axis, Apply event file…")};
}

QList<Feature::Action> PlansFeature::actions() const
{
    return {{Place::FileOpen, m_applyAction}};
}

void PlansFeature::activate(bool changed)
{
    if (changed)
        m_view->reload();
}

} // namespace herald
