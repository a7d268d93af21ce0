#include "ImportFeature.h"

#include "ImportQueueDialog.h"
#include "shell/StoreSession.h"

#include <QAction>

namespace herald {

ImportFeature::ImportFeature(QWidget *window, QObject *parent)
    : Feature(parent), m_window(window), m_importAction(new QAction(tr("&Import queue…"), this))
{
    m_importAction->setToolTip(tr("Bring a legacy queue across with its history: what was sent stays sent"));
    m_importAction->setEnabled(false);
    connect(m_importAction, &QAction::triggered, this, &ImportFeature::openDialog);
}

void ImportFeature::setSession(StoreSession *session)
{
    m_session = session;
    connect(session, &StoreSession::storeChanged, this, [this] {
        m_importAction->setEnabled(m_session->canWrite());
        if (m_dialog)
            m_dialog->close(); // it imports into the store it was opened on
    });
}

ImportQueueDialog *ImportFeature::dialog() const
{
    return m_dialog;
}

QList<Feature::Action> ImportFeature::actions() const
{
    return {{Place::FileOpen, m_importAction}};
}

void ImportFeature::openDialog()
{
    if (!m_session || !m_session->canWrite())
        return;
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    m_dialog = new ImportQueueDialog(m_session->storeThread(), m_window);
    m_dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_dialog, &ImportQueueDialog::imported, m_session, &StoreSession::notifyMessagesChanged);
    m_dialog->open();
}

} // namespace herald
