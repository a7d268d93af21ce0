#pragma once

#include "email/EmailEvent.h"
#include "store/EmailStore.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace herald {

class StoreThread;

// The e-mail events of a filter, newest first, read a page at a time as the view scrolls (Qt's
// canFetchMore/fetchMore; keyset paging on the id, so a page never repeats or skips a row that
// arrived meanwhile). Reads run on the StoreThread; a newer filter drops the answers of an older one.
// GUI thread only; the StoreThread is not owned.
class EmailEventsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Occurred, Type, SubType, Recipient, Message, Detail, ColumnCount };
    static constexpr int kPageSize = 200;

    explicit EmailEventsModel(QObject *parent = nullptr);

    void setStoreThread(StoreThread *storeThread); // then setFilter() or reload()
    // Starts over with this filter (its beforeId and limit are the model's): the first page is read.
    void setFilter(const EmailStore::EventFilter &filter);
    void reload() { setFilter(m_filter); }

    const QList<EmailEvent> &events() const { return m_events; }
    const EmailEvent *event(int row) const { return row >= 0 && row < m_events.size() ? &m_events.at(row) : nullptr; }
    bool atEnd() const { return m_atEnd; }
    bool isLoading() const { return m_loading; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    // A page arrived (possibly empty: the end).
    void loaded();
    void failed(const QString &error);

private:
    void request();
    QString cell(const EmailEvent &e, int column) const;

    QPointer<StoreThread> m_storeThread;
    EmailStore::EventFilter m_filter;
    QList<EmailEvent> m_events;
    quint64 m_generation = 0;
    bool m_loading = false;
    bool m_atEnd = true;
};

} // namespace herald
