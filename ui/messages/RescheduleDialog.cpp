#include "RescheduleDialog.h"

#include "model/TimeText.h"

#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QGridLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace herald {

namespace {

QLabel *errorLabel(const QString &name, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(name);
    label->setStyleSheet(QStringLiteral("color: #c62828;"));
    label->setWordWrap(true);
    return label;
}

QDateTimeEdit *timeEdit(const QString &name, const QDateTime &value, QWidget *parent)
{
    auto *edit = new QDateTimeEdit(value, parent);
    edit->setObjectName(name);
    edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm"));
    edit->setCalendarPopup(true);
    return edit;
}

} // namespace

RescheduleDialog::RescheduleDialog(qint64 count, QWidget *parent)
    : QDialog(parent),
      m_atMode(new QRadioButton(tr("&To"), this)),
      m_shiftMode(new QRadioButton(tr("&Shift by"), this)),
      m_spreadMode(new QRadioButton(tr("S&pread from"), this)),
      m_at(timeEdit(QStringLiteral("rescheduleAt"), QDateTime::currentDateTime().addSecs(3600), this)),
      m_shift(new QLineEdit(QStringLiteral("+2h"), this)),
      m_spreadFrom(timeEdit(QStringLiteral("rescheduleSpreadFrom"), QDateTime::currentDateTime().addSecs(600), this)),
      m_spreadUntil(timeEdit(QStringLiteral("rescheduleSpreadUntil"), QDateTime::currentDateTime().addSecs(600 + 3600), this)),
      m_atError(errorLabel(QStringLiteral("rescheduleAtError"), this)),
      m_shiftError(errorLabel(QStringLiteral("rescheduleShiftError"), this)),
      m_spreadError(errorLabel(QStringLiteral("rescheduleSpreadError"), this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(count == 1 ? tr("Reschedule 1 message") : tr("Reschedule %1 messages").arg(QLocale().toString(count)));
    m_shift->setObjectName(QStringLiteral("rescheduleShift"));
    m_shift->setToolTip(tr("An offset such as +2h, -30m or +1d12h; later unless it starts with -"));
    m_atMode->setChecked(true);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Preview…"));

    auto *grid = new QGridLayout;
    grid->addWidget(m_atMode, 0, 0);
    grid->addWidget(m_at, 0, 1, 1, 3);
    grid->addWidget(m_atError, 0, 4);
    grid->addWidget(m_shiftMode, 1, 0);
    grid->addWidget(m_shift, 1, 1, 1, 3);
    grid->addWidget(m_shiftError, 1, 4);
    grid->addWidget(m_spreadMode, 2, 0);
    grid->addWidget(m_spreadFrom, 2, 1);
    grid->addWidget(new QLabel(tr("until"), this), 2, 2);
    grid->addWidget(m_spreadUntil, 2, 3);
    grid->addWidget(m_spreadError, 2, 4);
    grid->setColumnMinimumWidth(4, 220);
    grid->setColumnStretch(4, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Times are local. A spread keeps the messages' order by run at."), this));
    layout->addLayout(grid);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &RescheduleDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QRadioButton *mode : {m_atMode, m_shiftMode, m_spreadMode})
        connect(mode, &QRadioButton::toggled, this, &RescheduleDialog::clearReasons);
    // Editing a field picks its way of rescheduling.
    connect(m_at, &QDateTimeEdit::dateTimeChanged, this, [this] { m_atMode->setChecked(true); });
    connect(m_shift, &QLineEdit::textEdited, this, [this] { m_shiftMode->setChecked(true); });
    connect(m_spreadFrom, &QDateTimeEdit::dateTimeChanged, this, [this] { m_spreadMode->setChecked(true); });
    connect(m_spreadUntil, &QDateTimeEdit::dateTimeChanged, this, [this] { m_spreadMode->setChecked(true); });
    clearReasons();
}

RescheduleDialog::~RescheduleDialog() = default;

void RescheduleDialog::clearReasons()
{
    for (QLabel *error : {m_atError, m_shiftError, m_spreadError})
        error->clear();
}

std::optional<OperatorAction> RescheduleDialog::validatedAction()
{
    clearReasons();
    const qint64 now = currentTimeMs();
    OperatorAction action;
    action.kind = ActionKind::Reschedule;
    if (m_atMode->isChecked()) {
        const qint64 at = m_at->dateTime().toMSecsSinceEpoch();
        if (at <= now) {
            m_atError->setText(tr("That time is in the past; use Run now to send now."));
            return std::nullopt;
        }
        action.runAt = at;
    } else if (m_shiftMode->isChecked()) {
        QString text = m_shift->text().trimmed();
        const bool earlier = text.startsWith(QLatin1Char('-'));
        if (text.startsWith(QLatin1Char('-')) || text.startsWith(QLatin1Char('+')))
            text = text.mid(1).trimmed();
        const auto shift = parseDuration(text);
        if (!shift) {
            m_shiftError->setText(shift.errorString());
            return std::nullopt;
        }
        if (*shift == 0) {
            m_shiftError->setText(tr("A shift of nothing changes nothing; give e.g. +2h."));
            return std::nullopt;
        }
        if (*shift > kMaxShiftMs) {
            m_shiftError->setText(tr("%1 is more than ten years; check the offset.").arg(m_shift->text().trimmed()));
            return std::nullopt;
        }
        action.shiftMs = earlier ? -*shift : *shift;
    } else {
        const qint64 from = m_spreadFrom->dateTime().toMSecsSinceEpoch();
        const qint64 until = m_spreadUntil->dateTime().toMSecsSinceEpoch();
        if (from <= now) {
            m_spreadError->setText(tr("The window starts in the past."));
            return std::nullopt;
        }
        if (until <= from) {
            m_spreadError->setText(tr("The window is empty: it ends before it starts."));
            return std::nullopt;
        }
        action.runAt = from;
        action.spreadUntil = until;
    }
    return action;
}

void RescheduleDialog::accept()
{
    if (validatedAction())
        QDialog::accept();
}

} // namespace herald
