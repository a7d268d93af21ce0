#pragma once

#include "common/PagedTableModel.h"
#include "email/EmailEvent.h"
#include "store/EmailStore.h"

namespace herald {

// The suppression list of a filter in address order, a page at a time as the view scrolls (keyset on
// the address, which is unique).
class SuppressionsModel : public PagedRows<Suppression>
{
    Q_OBJECT

public:
    enum Column { Address, Reason, Since, Until, SourceEvent, Note, ColumnCount };

    explicit SuppressionsModel(QObject *parent = nullptr) : PagedRows(parent) {}

    // Starts over with this filter (its afterAddress and limit are the model's): the first page is read.
    void setFilter(const EmailStore::SuppressionFilter &filter);
    void reload() { startOver(); }

    const QList<Suppression> &entries() const { return rows(); }
    const Suppression *entry(int i) const { return row(i); }

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    Read pageAfter(const Suppression *last) const override;
    QString cell(const Suppression &s, int column) const;

    EmailStore::SuppressionFilter m_filter;
};

} // namespace herald
