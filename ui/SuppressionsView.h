#pragma once

#include "email/EmailEvent.h"
#include "model/Result.h"

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace herald {

class StoreThread;

// The suppression list (DESIGN §7): addresses the e-mail channel no longer sends to, why (hard bounce,
// soft bounces, complaint, manual), the event that caused it, since when and until when; filtered by
// reason and address. Add (manual, with a reason and an optional expiry) and Remove, disabled with the
// reason on a read-only store. GUI thread only; the StoreThread is not owned.
class SuppressionsView : public QWidget
{
    Q_OBJECT

public:
    explicit SuppressionsView(QWidget *parent = nullptr);

    void setStore(StoreThread *storeThread, bool readOnly);
    void reload();

    // Checked like `heraldctl suppression add`: an address with an @, a note; the expiry in days (0: never).
    Status add(const QString &address, const QString &note, int expiresInDays);
    void removeSelected();

    QTableWidget *table() const { return m_table; }
    QPushButton *addButton() const { return m_add; }
    QPushButton *removeButton() const { return m_remove; }
    QLineEdit *addressField() const { return m_address; }
    const QList<Suppression> &entries() const { return m_entries; }

Q_SIGNALS:
    void loaded();
    void changed(const QString &message);

private:
    void askAdd();
    void updateButtons();

    QPointer<StoreThread> m_storeThread;
    bool m_readOnly = false;
    quint64 m_generation = 0;
    QComboBox *m_reason;
    QLineEdit *m_address;
    QCheckBox *m_expired;
    QLabel *m_summary;
    QTableWidget *m_table;
    QPushButton *m_add;
    QPushButton *m_remove;
    QList<Suppression> m_entries;
};

} // namespace herald
