#pragma once

#include "model/MessageSelection.h"

#include <QDialog>

#include <optional>

class QDateTimeEdit;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QRadioButton;

namespace herald {

// Asks when to reschedule: to a date-time, shifted by an offset such as +2h or -30m, or spread evenly
// over a window. Refuses what cannot be meant (a time in the past, an empty window, an offset that
// does not parse or overflows), with the reason next to the field; it then stays open and nothing runs.
// GUI thread only; reads no store.
class RescheduleDialog : public QDialog
{
    Q_OBJECT

public:
    // Further than this an offset is a typing mistake, and run_at arithmetic would overflow long before
    // qint64 does in the store's date functions.
    static constexpr qint64 kMaxShiftMs = qint64(10) * 366 * 24 * 3600 * 1000;

    explicit RescheduleDialog(qint64 count, QWidget *parent = nullptr);
    ~RescheduleDialog() override;

    // The Reschedule action the fields describe, when valid; sets the reasons next to the fields.
    std::optional<OperatorAction> validatedAction();

    void accept() override;

private:
    void clearReasons();

    QRadioButton *m_atMode;
    QRadioButton *m_shiftMode;
    QRadioButton *m_spreadMode;
    QDateTimeEdit *m_at;
    QLineEdit *m_shift;
    QDateTimeEdit *m_spreadFrom;
    QDateTimeEdit *m_spreadUntil;
    QLabel *m_atError;
    QLabel *m_shiftError;
    QLabel *m_spreadError;
    QDialogButtonBox *m_buttons;
};

} // namespace herald
