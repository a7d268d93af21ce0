#include "QueueSettingsDialog.h"

#include "common/FormError.h"

#include "model/TimeText.h"
#include "store/StoreThread.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace herald {

namespace {

QString retentionText(const std::optional<qint64> &ms)
{
    return ms ? formatDuration(*ms) : QString();
}

// Empty keeps messages for ever; otherwise a duration such as 30d.
Result<std::optional<qint64>> parseRetention(const QString &what, const QString &text)
{
    if (text.trimmed().isEmpty())
        return std::optional<qint64>();
    auto ms = parseDuration(text.trimmed());
    if (!ms)
        return Error::badInput(QueueSettingsDialog::tr("Keep %1: %2").arg(what, ms.errorString()));
    return std::optional<qint64>(*ms);
}

} // namespace

QueueSettingsDialog::QueueSettingsDialog(StoreThread *storeThread, QWidget *parent)
    : QDialog(parent),
      m_storeThread(storeThread),
      m_name(new QLineEdit(this)),
      m_concurrency(new QSpinBox(this)),
      m_rateLimit(new QLineEdit(this)),
      m_maxAttempts(new QSpinBox(this)),
      m_backoff(new QLineEdit(this)),
      m_channel(new QComboBox(this)),
      m_retainCompleted(new QLineEdit(this)),
      m_retainFailed(new QLineEdit(this)),
      m_retainCancelled(new QLineEdit(this)),
      m_error(newErrorLabel(this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("Create a queue"));
    const QueueConfig defaults;

    m_name->setObjectName(QStringLiteral("name"));
    m_name->setPlaceholderText(tr("e.g. event-messages"));
    m_concurrency->setObjectName(QStringLiteral("concurrency"));
    m_concurrency->setRange(1, 1000);
    m_concurrency->setValue(defaults.concurrency);
    m_concurrency->setToolTip(tr("How many messages of this queue may be delivered at the same time"));
    m_rateLimit->setObjectName(QStringLiteral("rateLimit"));
    m_rateLimit->setPlaceholderText(tr("no limit; or e.g. 20/1m"));
    m_rateLimit->setToolTip(tr("At most this many delivery starts per window, e.g. 20/1m; empty for no limit"));
    m_maxAttempts->setObjectName(QStringLiteral("maxAttempts"));
    m_maxAttempts->setRange(1, 1000);
    m_maxAttempts->setValue(defaults.maxAttempts);
    m_backoff->setObjectName(QStringLiteral("backoff"));
    m_backoff->setText(defaults.retry.toString());
    m_backoff->setToolTip(tr("Wait before a retry: exponential:5s (5 s, 10 s, 20 s…) or fixed:30s; "
                             "options :cap=10m and :jitter=20%"));
    m_channel->setObjectName(QStringLiteral("channel"));
    m_channel->addItems(knownChannels().split(QStringLiteral(", ")));
    m_channel->setCurrentText(defaults.defaultChannel);
    m_channel->setToolTip(tr("Where messages go when they do not name a channel"));
    const std::pair<QLineEdit *, std::optional<qint64>> retention[] = {
        {m_retainCompleted, defaults.retainCompletedMs}, {m_retainFailed, defaults.retainFailedMs}, {m_retainCancelled, defaults.retainCancelledMs}};
    for (const auto &[field, value] : retention) {
        field->setText(retentionText(value));
        field->setPlaceholderText(tr("for ever"));
        field->setToolTip(tr("How long finished messages are kept before cleanup removes them, e.g. 30d; empty keeps them"));
    }
    m_retainCompleted->setObjectName(QStringLiteral("retainCompleted"));
    m_retainFailed->setObjectName(QStringLiteral("retainFailed"));
    m_retainCancelled->setObjectName(QStringLiteral("retainCancelled"));


    auto *form = new QFormLayout;
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Concurrency:"), m_concurrency);
    form->addRow(tr("&Rate limit:"), m_rateLimit);
    form->addRow(tr("&Max attempts:"), m_maxAttempts);
    form->addRow(tr("&Back-off:"), m_backoff);
    form->addRow(tr("Default c&hannel:"), m_channel);
    form->addRow(tr("Keep c&ompleted:"), m_retainCompleted);
    form->addRow(tr("Keep &failed:"), m_retainFailed);
    form->addRow(tr("Keep canc&elled:"), m_retainCancelled);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));

    connect(m_buttons, &QDialogButtonBox::accepted, this, &QueueSettingsDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QueueSettingsDialog::reject);
    // The message refers to what was typed; once that changes it would only mislead.
    for (QLineEdit *edit : {m_name, m_rateLimit, m_backoff, m_retainCompleted, m_retainFailed, m_retainCancelled})
        connect(edit, &QLineEdit::textEdited, m_error, &QLabel::hide);

    setMinimumWidth(fontMetrics().averageCharWidth() * 72);
}

QueueSettingsDialog::QueueSettingsDialog(StoreThread *storeThread, const QueueConfig &existing, QWidget *parent)
    : QueueSettingsDialog(storeThread, parent)
{
    m_existing = existing;
    setWindowTitle(tr("Settings of queue %1").arg(existing.name));
    m_name->setText(existing.name);
    // The name is how messages and other processes refer to the queue.
    m_name->setReadOnly(true);
    m_concurrency->setValue(existing.concurrency);
    m_rateLimit->setText(existing.rate.isLimited() ? existing.rate.toString() : QString());
    m_maxAttempts->setValue(existing.maxAttempts);
    m_backoff->setText(existing.retry.toString());
    m_channel->setCurrentText(existing.defaultChannel);
    m_retainCompleted->setText(retentionText(existing.retainCompletedMs));
    m_retainFailed->setText(retentionText(existing.retainFailedMs));
    m_retainCancelled->setText(retentionText(existing.retainCancelledMs));
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Save"));
}

QueueSettingsDialog::~QueueSettingsDialog() = default;

Result<QueueConfig> QueueSettingsDialog::config() const
{
    QueueConfig config;
    config.name = m_name->text().trimmed();
    // In the order of the form, so the message is about the first field that needs fixing.
    if (auto s = QueueConfig::validateName(config.name); !s)
        return s.error();
    config.concurrency = m_concurrency->value();
    auto rate = RateLimit::parse(m_rateLimit->text());
    if (!rate)
        return rate.error();
    config.rate = *rate;
    config.maxAttempts = m_maxAttempts->value();
    auto retry = RetryPolicy::parse(m_backoff->text());
    if (!retry)
        return retry.error();
    config.retry = *retry;
    config.defaultChannel = m_channel->currentText();
    const std::pair<QString, QLineEdit *> retention[] = {
        {tr("completed"), m_retainCompleted}, {tr("failed"), m_retainFailed}, {tr("cancelled"), m_retainCancelled}};
    std::optional<qint64> *targets[] = {&config.retainCompletedMs, &config.retainFailedMs, &config.retainCancelledMs};
    for (size_t i = 0; i < std::size(retention); ++i) {
        auto kept = parseRetention(retention[i].first, retention[i].second->text());
        if (!kept)
            return kept.error();
        *targets[i] = *kept;
    }
    if (m_existing)
        config.paused = m_existing->paused;
    if (auto s = config.validate(); !s)
        return s.error();
    return config;
}

QString QueueSettingsDialog::errorText() const
{
    return errorLabelText(m_error);
}

void QueueSettingsDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

void QueueSettingsDialog::accept()
{
    if (m_writing)
        return;
    auto checked = config();
    if (!checked) {
        showError(checked.errorString());
        return;
    }
    if (!m_storeThread) {
        showError(tr("The store was closed; open it again to add the queue."));
        return;
    }
    m_writing = true;
    m_buttons->setEnabled(false);
    const QueueConfig queue = *checked;
    m_storeThread->post(
        this, [queue, editing = isEditing()](Store &store) { return editing ? store.updateQueue(queue) : store.addQueue(queue); },
        [this, name = queue.name](Status added) {
            m_writing = false;
            m_buttons->setEnabled(true);
            if (!added) {
                showError(added.errorString());
                return;
            }
            m_createdQueue = name;
            QDialog::accept();
        });
}

void QueueSettingsDialog::reject()
{
    if (!m_writing)
        QDialog::reject();
}

} // namespace herald
