#include "FailuresFeature.h"

#include "FailuresView.h"
#include "messages/MessageActions.h"
#include "queues/QueuesFeature.h"
#include "shell/StoreSession.h"

#include <QApplication>
#include <QStyle>

namespace herald {

FailuresFeature::FailuresFeature(QObject *parent)
    : Feature(parent),
      m_view(new FailuresView)
{
    connect(m_view, &FailuresView::statusMessage, this, [this](const QString &message) { Q_EMIT statusMessage(message, 10'000); });
}

void FailuresFeature::setSession(StoreSession *session)
{
    connect(session, &StoreSession::storeChanged, this, [this, session] {
        m_view->setStore(session->storeThread(), session->isReadOnly());
        if (isCurrent())
            m_view->reload();
    });
    connect(session, &StoreSession::messagesChanged, this, [this] {
        if (isCurrent())
            m_view->reload(); // a group retried or cancelled, or that undone
    });
}

void FailuresFeature::connectFeatures(const QList<Feature *> &features)
{
    auto *queues = find<QueuesFeature>(features);
    if (!queues)
        return;
    connect(m_view, &FailuresView::showMessagesRequested, queues, &QueuesFeature::showFailureGroup);
    connect(m_view, &FailuresView::retryRequested, queues,
            [queues](const MessageSelection &group) { queues->messageActions()->previewSelection(group, ActionKind::Retry); });
    connect(m_view, &FailuresView::cancelRequested, queues,
            [queues](const MessageSelection &group) { queues->messageActions()->previewSelection(group, ActionKind::Cancel); });
}

QWidget *FailuresFeature::page() const
{
    return m_view;
}

Feature::Section FailuresFeature::section() const
{
    return {tr("Failures"), tr("&Failures"), QApplication::style()->standardIcon(QStyle::SP_MessageBoxWarning),
            tr("Failed messages grouped by cause; retry or cancel a group")};
}

void FailuresFeature::activate(bool changed)
{
    if (changed)
        m_view->reload();
}

} // namespace herald
