#pragma once

#include "common/PagedTableModel.h"
#include "email/EmailEvent.h"
#include "store/EmailStore.h"

namespace herald {

// The e-mail events of a filter, newest first, a page at a time as the view scrolls (keyset on the id).
class EmailEventsModel : public PagedRows<EmailEvent>
{
    Q_OBJECT

public:
    enum Column { Occurred, Type, SubType, Recipient, Message, Detail, ColumnCount };

    explicit EmailEventsModel(QObject *parent = nullptr) : PagedRows(parent) {}

    // Starts over with this filter (its beforeId and limit are the model's): the first page is read.
    void setFilter(const EmailStore::EventFilter &filter);
    void reload() { startOver(); }

    const QList<EmailEvent> &events() const { return rows(); }
    const EmailEvent *event(int i) const { return row(i); }

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    Read pageAfter(const EmailEvent *last) const override;
    QString cell(const EmailEvent &e, int column) const;

    EmailStore::EventFilter m_filter;
};

} // namespace herald
