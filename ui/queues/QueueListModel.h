#pragma once

#include "model/QueueCounts.h"

#include <QAbstractTableModel>
#include <QList>
#include <QPointer>
#include <QString>

#include <optional>

namespace herald {

class StoreThread;

// The queues of a store with their message counts per state (DESIGN §8), one row per queue, by name.
//
// GUI thread only. Counts are read through a StoreThread, so refresh() returns at once and the rows
// change when the answer comes back. A refresh that finds the same queues updates the rows in place
// (dataChanged), so selections and persistent indexes survive; new or vanished queues are inserted or
// removed as rows. The StoreThread is not owned: point the model elsewhere (or at nullptr) before
// destroying it; answers from a previous StoreThread are dropped.
class QueueListModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        NameColumn,
        ScheduledColumn,
        WaitingColumn,
        ActiveColumn,
        CompletedColumn,
        FailedColumn,
        CancelledColumn,
        TotalColumn,
        ColumnCount
    };
    enum Role {
        QueueNameRole = Qt::UserRole + 1, // QString: the name without decoration
        PausedRole,                       // bool
    };

    explicit QueueListModel(QObject *parent = nullptr);
    ~QueueListModel() override;

    // Clears the rows and asks the new store for its queues.
    void setStoreThread(StoreThread *storeThread);
    StoreThread *storeThread() const;

    // At most one request is out at a time; calls made meanwhile fold into one more request after it,
    // so a slow store never piles up work and the last call always sees the latest counts.
    void refresh();

    // True once counts from the current store have arrived (rowCount() 0 then means "no queues").
    bool isLoaded() const { return m_loaded; }
    QString errorString() const { return m_error; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    const QueueCounts &countsAt(int row) const { return m_rows.at(row); }
    int rowOf(const QString &queue) const; // -1 when the store has no such queue
    QueueCounts totals() const;            // summed over every queue; its name is empty

    // The state a count column shows; std::nullopt for the name and total columns.
    static std::optional<MessageState> stateOfColumn(int column);

Q_SIGNALS:
    // After counts from the current store were applied.
    void refreshed();
    void refreshFailed(const QString &error);

private:
    void apply(QList<QueueCounts> fresh);

    QPointer<StoreThread> m_storeThread;
    QList<QueueCounts> m_rows;
    quint64 m_generation = 0; // bumped when the store changes: answers for older ones are dropped
    bool m_inFlight = false;
    bool m_refreshAgain = false;
    bool m_loaded = false;
    QString m_error;
};

} // namespace herald
