#include "DeliveryStatusWidget.h"

#include "common/FormError.h"

#include "DeliveryController.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QStringList>

namespace herald {

namespace {

QColor warningColor(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128 ? QColor(QStringLiteral("#f2c879")) : QColor(QStringLiteral("#8a5a00"));
}

} // namespace

DeliveryStatusWidget::DeliveryStatusWidget(DeliveryController *controller, QWidget *parent)
    : QWidget(parent),
      m_controller(controller),
      m_state(new QLabel(this)),
      m_inFlight(new QLabel(this)),
      m_rateLimited(new QLabel(this)),
      m_pausedChannels(new QLabel(this))
{
    auto *layout = new QHBoxLayout(this);
    // Apart from the store's name beside it, which the status bar would otherwise set against the state.
    layout->setContentsMargins(0, 0, 12, 0);
    layout->setSpacing(12);
    for (QLabel *label : {m_rateLimited, m_pausedChannels, m_inFlight, m_state}) {
        label->setTextInteractionFlags(Qt::TextSelectableByMouse);
        layout->addWidget(label);
    }
    m_rateLimited->setToolTip(tr("These queues have used their rate limit's allowance: their next messages start when "
                                 "the window moves on."));
    m_inFlight->setToolTip(tr("Deliveries this console's workers are running now"));

    connect(m_controller, &DeliveryController::stateChanged, this, &DeliveryStatusWidget::showState);
    showState();
}

DeliveryStatusWidget::~DeliveryStatusWidget() = default;

void DeliveryStatusWidget::showState()
{
    using State = DeliveryController::State;
    const State state = m_controller->state();
    const EngineStatus &status = m_controller->status();

    m_state->setText(m_controller->stateText());
    QPalette palette = this->palette();
    switch (state) {
    case State::Attached:
        m_state->setToolTip(tr("Another Herald process holds this store and delivers its messages. This console "
                               "shows them and can change them, but does not deliver; pausing is done there."));
        break;
    case State::ReadOnly: m_state->setToolTip(tr("Nothing in this store can be changed from here, and nothing is delivered.")); break;
    case State::Paused:
        // A paused console is the one state an operator forgets about: it stands out.
        m_state->setToolTip(tr("No new deliveries start until delivery is resumed; those in flight finish."));
        palette.setColor(QPalette::WindowText, warningColor(palette));
        break;
    case State::Stopped:
        m_state->setToolTip(m_controller->errorString());
        if (!m_controller->errorString().isEmpty())
            palette.setColor(QPalette::WindowText, errorColor(palette));
        break;
    default: m_state->setToolTip(QString()); break;
    }
    m_state->setPalette(palette);

    const bool running = state == State::Delivering || state == State::Paused;
    m_inFlight->setVisible(running);
    m_inFlight->setText(tr("%1 in flight").arg(QLocale().toString(status.inFlight)));
    m_rateLimited->setVisible(running && !status.rateLimitedQueues.isEmpty());
    m_rateLimited->setText(tr("Rate limit: %1").arg(status.rateLimitedQueues.join(QStringLiteral(", "))));
    m_pausedChannels->setVisible(running && !status.pausedChannels.isEmpty());
    m_pausedChannels->setText(tr("Paused by the peer (429): %1").arg(status.pausedChannels.join(QStringLiteral(", "))));
    m_pausedChannels->setToolTip(tr("The provider asked to slow down: these channels start no delivery until the time it "
                                    "gave has passed."));
}

QString DeliveryStatusWidget::text() const
{
    QStringList parts;
    for (QLabel *label : {m_rateLimited, m_pausedChannels, m_inFlight, m_state})
        if (label->isVisibleTo(this) && !label->text().isEmpty())
            parts << label->text();
    return parts.join(QStringLiteral(" | "));
}

} // namespace herald
