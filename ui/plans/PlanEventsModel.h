#pragma once

#include "plans/PlanOverview.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace herald {

class StoreThread;

// The Plans section's list of applied events (planEventOverviews, one read per refresh): name, id,
// plan, status, start on the event's clock, and the derived messages counted by state now.
//
// GUI thread only. Reads through the StoreThread (not owned); an answer for an earlier store is dropped.
class PlanEventsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Name, Event, Plan, Status, Starts, Pending, Sent, Failed, Cancelled, Applied, ColumnCount };
    enum Role { EventIdRole = Qt::UserRole + 1, SortRole };

    explicit PlanEventsModel(QObject *parent = nullptr);

    void setStoreThread(StoreThread *storeThread);
    void refresh();

    bool isLoaded() const { return m_loaded; }
    QString errorString() const { return m_error; }
    const PlanEventOverview &eventAt(int row) const { return m_events.at(row); }
    int rowOf(const QString &eventId) const;

    // "Thu 10 Jun 2027 09:00 EDT": a time on the event's clock (the operator's when the zone is unknown).
    static QString eventTime(qint64 ms, const QString &timezone, bool withDay = true);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void refreshed();
    void refreshFailed(const QString &error);

private:
    QPointer<StoreThread> m_storeThread;
    quint64 m_generation = 0;
    QList<PlanEventOverview> m_events;
    bool m_loaded = false;
    QString m_error;
};

} // namespace herald
