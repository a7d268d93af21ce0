#pragma once

#include "store/Store.h"

#include <QAbstractTableModel>
#include <QPointer>

namespace herald {

class StoreThread;

// One row of the Engines section: an engine registered in the store (a shared store's heartbeats), or
// on a SQLite store the process holding its lock file, which keeps no heartbeat.
struct EngineRow
{
    Store::EngineInfo info;   // for the lock file's holder: host, pid, and the lock's time as startedAt
    bool lockFile = false;    // the SQLite store's one engine, known by its lock file
    QString application;      // lockFile: the program holding it (herald, heraldctl)
    bool stale = false;       // silent for more than Store::kEngineSilenceMs, or its process gone
};

// The Engines section's table (issue 17): every engine delivering from the store, live or stale, with
// where it runs, since when, its last heartbeat, what it has in flight and from which queues. One read
// per refresh (Store::engines(), and on a SQLite store the lock file), oldest engine first.
//
// GUI thread only. Reads through the StoreThread (not owned); an answer for an earlier store or an
// earlier refresh is dropped. Ages ("12 s ago") are counted from the time of the read.
class EnginesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Host, Pid, Version, Started, Heartbeat, InFlight, Queues, Status, ColumnCount };
    enum Role { EngineIdRole = Qt::UserRole + 1, SortRole, StaleRole };

    explicit EnginesModel(QObject *parent = nullptr);

    void setStoreThread(StoreThread *storeThread);
    void refresh();

    bool isLoaded() const { return m_loaded; }
    // Whether the store is one many engines share (PostgreSQL); false before the first answer.
    bool sharedStore() const { return m_shared; }
    const EngineRow &rowAt(int row) const { return m_rows.at(row); }
    int staleCount() const;
    qint64 readAt() const { return m_readAt; }

    // "45 s", "2 min", "3 h 5 min": how long an engine has been silent or a heartbeat is old.
    static QString spanText(qint64 ms);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

Q_SIGNALS:
    void refreshed();
    void refreshFailed(const QString &error);

private:
    QVariant display(const EngineRow &row, int column) const;
    QVariant toolTip(const EngineRow &row, int column) const;

    QPointer<StoreThread> m_storeThread;
    quint64 m_generation = 0;
    QList<EngineRow> m_rows;
    qint64 m_readAt = 0;
    bool m_shared = false;
    bool m_loaded = false;
};

} // namespace herald
