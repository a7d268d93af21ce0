#include "NewMessageDialog.h"

#include "common/FormError.h"
#include "PayloadDialog.h"

#include "model/MessageJson.h"
#include "model/QueueConfig.h"
#include "model/TimeText.h"
#include "store/StoreThread.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

namespace herald {

NewMessageDialog::NewMessageDialog(StoreThread *storeThread, const QStringList &queues, const QString &currentQueue, QWidget *parent)
    : QDialog(parent),
      m_storeThread(storeThread),
      m_queue(new QComboBox(this)),
      m_type(new QLineEdit(this)),
      m_channel(new QComboBox(this)),
      m_recipient(new QLineEdit(this)),
      m_priority(new QSpinBox(this)),
      m_nowMode(new QRadioButton(tr("&Now"), this)),
      m_atMode(new QRadioButton(tr("&At"), this)),
      m_inMode(new QRadioButton(tr("&In"), this)),
      m_at(new QDateTimeEdit(QDateTime::currentDateTime().addSecs(3600), this)),
      m_in(new QLineEdit(this)),
      m_payload(new QPlainTextEdit(this)),
      m_labels(new QLineEdit(this)),
      m_dedupe(new QLineEdit(this)),
      m_attempts(new QSpinBox(this)),
      m_error(newErrorLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("New message"));
    m_queue->setObjectName(QStringLiteral("queue"));
    m_queue->addItems(queues);
    if (!currentQueue.isEmpty())
        m_queue->setCurrentText(currentQueue);
    m_type->setObjectName(QStringLiteral("type"));
    m_type->setPlaceholderText(tr("e.g. speaker_alert"));
    m_channel->setObjectName(QStringLiteral("channel"));
    m_channel->addItem(tr("The queue's default"), QString());
    for (const QString &name : knownChannels().split(QStringLiteral(", ")))
        m_channel->addItem(name, name);
    m_recipient->setObjectName(QStringLiteral("recipient"));
    m_recipient->setPlaceholderText(tr("phone number, e-mail address, device token or URL"));
    m_priority->setObjectName(QStringLiteral("priority"));
    m_priority->setRange(kHighestPriority, kLowestPriority);
    m_priority->setValue(kDefaultPriority);
    m_priority->setToolTip(tr("%1 is the most urgent, %2 the least").arg(kHighestPriority).arg(kLowestPriority));
    m_at->setObjectName(QStringLiteral("at"));
    m_at->setCalendarPopup(true);
    m_at->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    m_in->setObjectName(QStringLiteral("in"));
    m_in->setPlaceholderText(tr("e.g. 15m, 2h, 1d"));
    m_nowMode->setChecked(true);
    auto *modes = new QButtonGroup(this);
    for (QRadioButton *mode : {m_nowMode, m_atMode, m_inMode})
        modes->addButton(mode);
    const auto updateModes = [this] {
        m_at->setEnabled(m_atMode->isChecked());
        m_in->setEnabled(m_inMode->isChecked());
    };
    connect(modes, &QButtonGroup::buttonToggled, this, updateModes);
    updateModes();
    auto *when = new QHBoxLayout;
    when->addWidget(m_nowMode);
    when->addWidget(m_atMode);
    when->addWidget(m_at);
    when->addWidget(m_inMode);
    when->addWidget(m_in);
    m_payload->setObjectName(QStringLiteral("payload"));
    m_payload->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_payload->setPlaceholderText(QStringLiteral("{\"name\": \"Ana\", \"session\": \"Keynote\"}"));
    m_payload->setTabChangesFocus(true);
    m_payload->setFixedHeight(fontMetrics().height() * 6);
    m_labels->setObjectName(QStringLiteral("labels"));
    m_labels->setPlaceholderText(tr("e.g. event=41 contractor=56"));
    m_dedupe->setObjectName(QStringLiteral("dedupe"));
    m_dedupe->setPlaceholderText(tr("optional: not enqueued again while a message with this key is in the queue"));
    m_attempts->setObjectName(QStringLiteral("attempts"));
    m_attempts->setRange(0, 1000);
    m_attempts->setSpecialValueText(tr("the queue's"));


    auto *form = new QFormLayout;
    form->addRow(tr("&Queue:"), m_queue);
    form->addRow(tr("&Type:"), m_type);
    form->addRow(tr("C&hannel:"), m_channel);
    form->addRow(tr("&Recipient:"), m_recipient);
    form->addRow(tr("&Priority:"), m_priority);
    form->addRow(tr("When:"), when);
    form->addRow(tr("Pa&yload:"), m_payload);
    form->addRow(tr("&Labels:"), m_labels);
    form->addRow(tr("&Dedupe key:"), m_dedupe);
    form->addRow(tr("Max atte&mpts:"), m_attempts);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("&Enqueue"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &NewMessageDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &NewMessageDialog::reject);
    for (QLineEdit *edit : {m_type, m_recipient, m_in, m_labels, m_dedupe})
        connect(edit, &QLineEdit::textEdited, m_error, &QLabel::hide);
    connect(m_payload, &QPlainTextEdit::textChanged, m_error, &QLabel::hide);
    setMinimumWidth(fontMetrics().averageCharWidth() * 90);
}

Result<NewMessage> NewMessageDialog::message(qint64 nowMs) const
{
    // In the order of the form, so the message is about the first field that needs fixing.
    NewMessage m;
    m_errorField = m_queue;
    m.queue = m_queue->currentText();
    if (m.queue.isEmpty())
        return Error::badInput(tr("There is no queue to enqueue into; create one first (File ▸ New queue)."));
    m_errorField = m_type;
    m.type = m_type->text().trimmed();
    if (m.type.isEmpty())
        return Error::badInput(tr("Type is missing: name the kind of message, e.g. speaker_alert."));
    m_errorField = m_channel;
    m.channel = m_channel->currentData().toString();
    if (!m.channel.isEmpty())
        if (auto s = validateChannelName(m.channel); !s)
            return Error::badInput(tr("Channel: %1").arg(s.errorString()));
    m.recipient = m_recipient->text().trimmed();
    m.priority = m_priority->value();
    if (m_atMode->isChecked()) {
        m_errorField = m_at;
        m.runAt = m_at->dateTime().toMSecsSinceEpoch();
        if (m.runAt <= 0)
            return Error::badInput(tr("At: %1 is not a time Herald can schedule; pick a later one.").arg(m_at->text()));
    } else if (m_inMode->isChecked()) {
        m_errorField = m_in;
        auto delay = parseDuration(m_in->text().trimmed());
        if (!delay)
            return Error::badInput(tr("In: %1").arg(delay.errorString()));
        if (*delay < 0)
            return Error::badInput(tr("In: the delay must not be negative; use Now to send at once."));
        m.runAt = nowMs + *delay;
    }
    m_errorField = m_payload;
    auto payload = parsePayloadObject(m_payload->toPlainText().toUtf8());
    if (!payload)
        return payload.error();
    m.payload = *payload;
    m_errorField = m_labels;
    const QStringList labelWords = m_labels->text().split(QRegularExpression(QStringLiteral("[\\s,]+")), Qt::SkipEmptyParts);
    auto labels = parseLabelArgument(labelWords);
    if (!labels)
        return Error::badInput(tr("Labels: %1").arg(labels.errorString()));
    m.labels = *labels;
    m.dedupeKey = m_dedupe->text().trimmed();
    m.maxAttempts = m_attempts->value();
    m_errorField = nullptr;
    return m;
}

QString NewMessageDialog::errorText() const
{
    return errorLabelText(m_error);
}

void NewMessageDialog::showError(const QString &message, QWidget *field)
{
    m_error->setText(message);
    m_error->show();
    if (field)
        field->setFocus();
}

void NewMessageDialog::accept()
{
    if (m_writing)
        return;
    auto checked = message(QDateTime::currentMSecsSinceEpoch());
    if (!checked) {
        showError(checked.errorString(), m_errorField);
        return;
    }
    if (!m_storeThread) {
        showError(tr("The store was closed; open it again to enqueue."), nullptr);
        return;
    }
    m_writing = true;
    m_buttons->setEnabled(false);
    m_storeThread->post(
        this, [m = *checked](Store &store) { return store.enqueue(m); },
        [this](Result<Store::EnqueueOutcome> outcome) {
            m_writing = false;
            m_buttons->setEnabled(true);
            if (!outcome) {
                showError(outcome.errorString(), nullptr);
                return;
            }
            m_createdId = outcome->id;
            m_duplicate = outcome->duplicate;
            QDialog::accept();
        });
}

void NewMessageDialog::reject()
{
    // The answer must find the dialog: it cannot go while the store is writing.
    if (!m_writing)
        QDialog::reject();
}

} // namespace herald
