#include "CleanupFeature.h"

#include "CleanupDialog.h"
#include "CleanupStatusLabel.h"
#include "shell/StoreSession.h"

#include <QAction>

namespace herald {

CleanupFeature::CleanupFeature(QWidget *window, QObject *parent)
    : Feature(parent),
      m_window(window),
      m_cleanupAction(new QAction(tr("&Cleanup…"), this)),
      m_status(new CleanupStatusLabel)
{
    connect(m_cleanupAction, &QAction::triggered, this, &CleanupFeature::openDialog);
}

void CleanupFeature::setSession(StoreSession *session)
{
    m_session = session;
    connect(session, &StoreSession::storeChanged, this, [this] { m_status->setStoreThread(m_session->storeThread()); });
}

QList<Feature::Action> CleanupFeature::actions() const
{
    return {{Place::ToolsMenu, m_cleanupAction}};
}

QList<Feature::StatusWidget> CleanupFeature::statusWidgets() const
{
    return {{m_status, true, {}}};
}

void CleanupFeature::openDialog()
{
    auto *dialog = new CleanupDialog(m_session->storeThread(), m_session->isReadOnly(), m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    connect(dialog, &CleanupDialog::runFinished, m_status, &CleanupStatusLabel::refresh);
    dialog->show();
}

} // namespace herald
