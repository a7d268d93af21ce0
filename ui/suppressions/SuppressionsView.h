#pragma once

#include "model/Result.h"
#include "suppressions/SuppressionsModel.h"

#include <QPointer>
#include <QWidget>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableView;

namespace herald {

class StoreThread;

// The suppression list (DESIGN §7): addresses the e-mail channel no longer sends to, why (hard bounce,
// soft bounces, complaint, manual), the event that caused it, since when and until when; filtered by
// reason and address. Add (manual, with a reason and an optional expiry) and Remove, disabled with the
// reason on a read-only store. The list is read a page at a time as the table scrolls (SuppressionsModel);
// Add, Remove and a new filter start over from the first page. GUI thread only; the StoreThread is not owned.
class SuppressionsView : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kPageSize = SuppressionsModel::kPageSize;

    explicit SuppressionsView(QWidget *parent = nullptr);

    void setStore(StoreThread *storeThread, bool readOnly);
    // Starts over from the first page with the filter fields' values.
    void reload();

    // Checked like `heraldctl suppression add`: an address with an @, a note; the expiry in days (0: never).
    Status add(const QString &address, const QString &note, int expiresInDays);
    void removeSelected();

    QTableView *table() const { return m_table; }
    SuppressionsModel *model() const { return m_model; }
    QPushButton *addButton() const { return m_add; }
    QPushButton *removeButton() const { return m_remove; }
    QComboBox *reasonField() const { return m_reason; }
    QLineEdit *addressField() const { return m_address; }
    QString summaryText() const;
    // The entries read so far (a page at a time), in address order.
    const QList<Suppression> &entries() const;

Q_SIGNALS:
    // A page arrived, or could not be read.
    void loaded();
    void changed(const QString &message);

private:
    void askAdd();
    void updateButtons();
    void showSummary();

    QPointer<StoreThread> m_storeThread;
    bool m_readOnly = false;
    SuppressionsModel *m_model;
    QComboBox *m_reason;
    QLineEdit *m_address;
    QCheckBox *m_expired;
    QLabel *m_summary;
    QTableView *m_table;
    QPushButton *m_add;
    QPushButton *m_remove;
    QString m_error;
};

} // namespace herald
