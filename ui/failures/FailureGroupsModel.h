#pragma once

#include "failures/FailureGroups.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <optional>

namespace herald {

class StoreThread;

// The Failures section's table: failed messages grouped by cause (failureGroups, one read per
// refresh), largest first, with their queues, first and last failure and the newest error as it was.
//
// GUI thread only. Reads through the StoreThread (not owned); an answer for an earlier store or range
// is dropped.
class FailureGroupsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Count, Error, Queues, FirstSeen, LastSeen, ColumnCount };
    enum Role { GroupIdRole = Qt::UserRole + 1, SortRole };

    explicit FailureGroupsModel(QObject *parent = nullptr);

    void setStoreThread(StoreThread *storeThread);
    // Failures at or after `since` (all, when not given), from the next refresh on.
    void setSince(std::optional<qint64> since);
    void refresh();

    bool isLoaded() const { return m_loaded; }
    const FailureGroup &groupAt(int row) const { return m_groups.at(row); }
    int rowOf(const QString &groupId) const;
    qint64 totalFailed() const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void refreshed();
    void refreshFailed(const QString &error);

private:
    QPointer<StoreThread> m_storeThread;
    std::optional<qint64> m_since;
    quint64 m_generation = 0;
    QList<FailureGroup> m_groups;
    bool m_loaded = false;
};

} // namespace herald
