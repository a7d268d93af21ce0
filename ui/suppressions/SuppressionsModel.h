#pragma once

#include "email/EmailEvent.h"
#include "store/EmailStore.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace herald {

class StoreThread;

// The suppression list of a filter in address order, read a page at a time as the view scrolls (Qt's
// canFetchMore/fetchMore; keyset paging on the address, which is unique, so a page never repeats or
// skips an entry added or removed meanwhile). Reads run on the StoreThread; a newer filter drops the
// answers of an older one. GUI thread only; the StoreThread is not owned.
class SuppressionsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Address, Reason, Since, Until, SourceEvent, Note, ColumnCount };
    static constexpr int kPageSize = 200;

    explicit SuppressionsModel(QObject *parent = nullptr);

    void setStoreThread(StoreThread *storeThread); // then setFilter() or reload()
    // Starts over with this filter (its afterAddress and limit are the model's): the first page is read.
    void setFilter(const EmailStore::SuppressionFilter &filter);
    void reload() { setFilter(m_filter); }

    const QList<Suppression> &entries() const { return m_entries; }
    const Suppression *entry(int row) const { return row >= 0 && row < m_entries.size() ? &m_entries.at(row) : nullptr; }
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
    QString cell(const Suppression &s, int column) const;

    QPointer<StoreThread> m_storeThread;
    EmailStore::SuppressionFilter m_filter;
    QList<Suppression> m_entries;
    quint64 m_generation = 0;
    bool m_loading = false;
    bool m_atEnd = true;
};

} // namespace herald
