#include "SnsEndpointControl.h"

#include "shell/Settings.h"

#include "email/SnsListener.h"

#include <QAction>
#include <QCheckBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QSpinBox>

namespace herald {

SnsEndpointControl::SnsEndpointControl(Settings *settings, QWidget *dialogParent)
    : QObject(dialogParent), m_settings(settings), m_dialogParent(dialogParent), m_action(new QAction(tr("Receive &SES events…"), this))
{
    m_action->setCheckable(true);
    m_action->setEnabled(false);
    m_action->setToolTip(tr("Listen for Amazon SNS notifications of SES events on this machine (as heraldctl serve does)"));
    connect(m_action, &QAction::triggered, this, &SnsEndpointControl::toggled);
}

SnsEndpointControl::~SnsEndpointControl() = default;

void SnsEndpointControl::setStore(const StoreUrl &url, bool readOnly)
{
    stop();
    m_url = url;
    m_hasStore = true;
    m_readOnly = readOnly;
    m_action->setEnabled(!readOnly);
    m_action->setToolTip(readOnly ? tr("The store is open read-only: events cannot be stored in it")
                                  : tr("Listen for Amazon SNS notifications of SES events on this machine (as heraldctl serve does)"));
}

bool SnsEndpointControl::isListening() const
{
    return m_listener && m_listener->isListening();
}

quint16 SnsEndpointControl::port() const
{
    return m_listener ? m_listener->port() : 0;
}

QString SnsEndpointControl::statusText() const
{
    return isListening() ? tr("SNS endpoint on 127.0.0.1:%1").arg(port()) : QString();
}

Status SnsEndpointControl::start(quint16 port, const QStringList &topics, bool confirmSubscriptions)
{
    stop();
    if (!m_hasStore || m_readOnly)
        return Error::refused(tr("open a writable store first"));
    static const QRegularExpression arn(QStringLiteral("^arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]+$"));
    for (const QString &topic : topics)
        if (!arn.match(topic).hasMatch())
            return Error::badInput(tr("'%1' is not an SNS topic ARN; write e.g. arn:aws:sns:eu-west-1:123456789012:ses-events").arg(topic));
    if (topics.isEmpty())
        return Error::badInput(tr("name at least one SNS topic to accept; notifications from any other are refused"));
    SnsListener::Options options;
    options.port = port;
    options.topics = topics;
    options.confirmSubscriptions = confirmSubscriptions;
    auto listener = std::make_unique<SnsListener>(m_url, options);
    if (auto s = listener->start(); !s)
        return s.error();
    connect(listener.get(), &SnsListener::requestHandled, this, [this](int status, const QString &) {
        if (status == 200)
            Q_EMIT eventsReceived();
    });
    m_listener = std::move(listener);
    m_action->setChecked(true);
    Q_EMIT statusChanged(statusText());
    return {};
}

void SnsEndpointControl::stop()
{
    if (!m_listener)
        return;
    m_listener.reset();
    m_action->setChecked(false);
    Q_EMIT statusChanged({});
}

void SnsEndpointControl::toggled(bool on)
{
    if (!on) {
        stop();
        return;
    }
    m_action->setChecked(false); // checked once listening
    QDialog dialog(m_dialogParent);
    dialog.setWindowTitle(tr("Receive SES events"));
    auto *port = new QSpinBox(&dialog);
    port->setRange(1, 65535);
    port->setValue(m_settings->snsPort());
    auto *topics = new QPlainTextEdit(&dialog);
    topics->setPlaceholderText(tr("arn:aws:sns:eu-west-1:123456789012:ses-events (one per line)"));
    topics->setPlainText(m_settings->snsTopics().join(QLatin1Char('\n')));
    topics->setFixedHeight(topics->fontMetrics().height() * 4 + 8);
    auto *confirm = new QCheckBox(tr("Confirm subscriptions to these topics"), &dialog);
    auto *error = new QLabel(&dialog);
    error->setWordWrap(true);
    error->hide();
    auto *note = new QLabel(tr("Listens on 127.0.0.1 only: put a TLS reverse proxy in front for Amazon to reach it. Signatures are "
                               "verified; topics not listed are refused."),
                            &dialog);
    note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    auto *form = new QFormLayout(&dialog);
    form->addRow(note);
    form->addRow(tr("Port:"), port);
    form->addRow(tr("Topics:"), topics);
    form->addRow(QString(), confirm);
    form->addRow(error);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
        const QStringList list = topics->toPlainText().split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts);
        if (const Status started = start(quint16(port->value()), list, confirm->isChecked()); !started) {
            error->setText(started.errorString());
            error->show();
            return;
        }
        m_settings->setSnsPort(port->value());
        m_settings->setSnsTopics(list);
        dialog.accept();
    });
    dialog.exec();
}

} // namespace herald
