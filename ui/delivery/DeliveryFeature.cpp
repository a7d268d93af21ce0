#include "DeliveryFeature.h"

#include "DeliveryController.h"
#include "DeliveryStatusWidget.h"
#include "shell/StoreSession.h"

#include "store/StoreThread.h"

#include <QAction>
#include <QApplication>
#include <QMessageBox>
#include <QStyle>

namespace herald {

DeliveryFeature::DeliveryFeature(QWidget *window, QObject *parent)
    : Feature(parent),
      m_window(window),
      m_controller(new DeliveryController(this)),
      m_status(new DeliveryStatusWidget(m_controller)),
      m_pauseAction(new QAction(tr("&Pause delivery"), this)),
      m_separator(new QAction(this))
{
    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    m_pauseAction->setIcon(QApplication::style()->standardIcon(QStyle::SP_MediaPause));
    // triggered (the operator), not toggled: the check mark also follows the controller, and that must
    // not echo back into it.
    connect(m_pauseAction, &QAction::triggered, m_controller, &DeliveryController::setPaused);
    m_separator->setSeparator(true);
    connect(m_controller, &DeliveryController::stateChanged, this, &DeliveryFeature::stateChanged);
    connect(m_controller, &DeliveryController::failed, this, &DeliveryFeature::deliveryFailed);
    connect(m_controller, &DeliveryController::delivered, this, [this](const DeliveryRecord &record) {
        if (m_session)
            m_session->noteDelivered(record.queue, record.outcome == QLatin1String("completed"));
    });
}

void DeliveryFeature::setSession(StoreSession *session)
{
    m_session = session;
    // Before anything of the next store runs: the previous store's engine hands its deliveries back and stops.
    connect(session, &StoreSession::storeAboutToChange, m_controller, &DeliveryController::setStore);
    connect(session, &StoreSession::storeChanged, this, &DeliveryFeature::storeChanged);
    connect(session, &StoreSession::deliveryWakeRequested, m_controller, &DeliveryController::wake);
    // The engine's timer was set for the old run_at values, and restored or retried messages are due now.
    connect(session, &StoreSession::messagesChanged, m_controller, &DeliveryController::wake);
    stateChanged();
}

void DeliveryFeature::storeChanged()
{
    if (m_session->isReadOnly())
        return;
    // Once the store has opened (migrated) and the demo, if any, is filled: the engine opens a connection
    // of its own and must find the store ready, and must not deliver half a demo.
    const quint64 generation = m_session->generation();
    m_session->storeThread()->post(
        this, [](Store &) { return Result<bool>(true); },
        [this, generation](Result<bool> opened) {
            if (generation != m_session->generation())
                return;
            if (opened)
                m_controller->start();
            else
                m_controller->closeStore();
        });
}

QList<Feature::Action> DeliveryFeature::actions() const
{
    return {{Place::DeliveryMenu, m_pauseAction}, {Place::DeliveryMenu, m_separator}, {Place::ToolBarDelivery, m_pauseAction}};
}

QList<Feature::StatusWidget> DeliveryFeature::statusWidgets() const
{
    return {{m_status, true, [this] { return m_status->text(); }}};
}

void DeliveryFeature::stateChanged()
{
    m_pauseAction->setEnabled(m_controller->canControl());
    m_pauseAction->setChecked(m_controller->isPaused());
    m_pauseAction->setToolTip(m_controller->isPaused() ? tr("Delivery is paused: no new deliveries start. Resume with Ctrl+P.")
                                                       : tr("Pause delivery: no new deliveries start; those in flight finish (Ctrl+P)"));
    // The in-flight count moves when messages are claimed, before any delivery lands: the Active counts
    // and the rows on screen too.
    if (m_session)
        m_session->noteClaimsChanged();
}

void DeliveryFeature::deliveryFailed(const QString &error)
{
    Q_EMIT statusMessage(tr("Delivery stopped: %1").arg(error), 0);
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Delivery stopped"),
                                tr("Herald stopped delivering from %1. The console still shows the store; open it again "
                                   "(File ▸ Open store) or restart Herald to deliver again.")
                                    .arg(m_session && m_session->hasStore() ? m_session->url().display() : QString()),
                                QMessageBox::Ok, m_window);
    box->setInformativeText(error);
    box->setAttribute(Qt::WA_DeleteOnClose);
    // Window-modal and not exec(): the console keeps running (and refreshing) behind it.
    box->open();
}

} // namespace herald
