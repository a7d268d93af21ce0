#pragma once

#include "model/QueueCounts.h"

#include <QAbstractTableModel>
#include <QList>
#include <QPointer>
#include <QString>

namespace herald {

class StoreThread;

// The outbox (DESIGN §6, §8): what the outbox channel captured instead of sending, newest first, one
// row per rendering, loaded a page at a time as the view scrolls.
//
// GUI thread only. Pages are read through a StoreThread with keyset paging on the outbox id (the next
// page starts below the last id loaded; never OFFSET), one request (page or refresh) at a time; the
// rendered JSON is parsed on the store thread. refresh() puts renderings captured since on top without starting over.
// setStoreThread() and reload() start over; answers asked for before are dropped (generation token).
// The StoreThread is not owned: point the model elsewhere before destroying it.
class OutboxModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { WhenColumn, MessageColumn, QueueColumn, ChannelColumn, ToColumn, ContentColumn, ColumnCount };
    enum Role {
        EntryIdRole = Qt::UserRole + 1, // qint64: the outbox row
        MessageIdRole,                  // qint64: the message it rendered
    };
    static constexpr int kPageSize = 200;

    // One rendering with the fields of its JSON (keys to, subject, text, html, locale).
    struct Rendering
    {
        OutboxEntry entry;
        QString to; // as rendered; the message's recipient when the rendering has none
        QString subject;
        QString text;
        QString html;
        QString locale;
    };

    explicit OutboxModel(QObject *parent = nullptr);
    ~OutboxModel() override;

    // Empties the model; the first page loads on fetchMore() or refresh().
    void setStoreThread(StoreThread *storeThread);
    StoreThread *storeThread() const;

    // Empties the model and loads the newest page.
    void reload();
    // Inserts the renderings captured since the newest row on top (the first page when nothing is
    // loaded yet). When more than a page arrived since, starts over. Calls made while a request is out
    // fold into one after it.
    void refresh();

    // A page (not a refresh) is being read.
    bool isLoading() const { return m_inFlight; }
    // A first page (or a refresh) has come back for this store.
    bool isLoaded() const { return m_loaded; }
    bool hasLoadedAll() const { return m_atEnd; }
    QString errorString() const { return m_error; }

    const Rendering &renderingAt(int row) const { return m_rows.at(row); }
    int rowOfEntry(qint64 entryId) const; // -1 when not loaded

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // A rendering's JSON as the outbox channel writes it; fields it lacks stay empty.
    static Rendering parse(OutboxEntry entry);

Q_SIGNALS:
    // Rows first … first + count - 1 were appended (count may be 0).
    void pageLoaded(int first, int count);
    // count renderings were inserted on top by refresh().
    void refreshed(int count);
    void loadFailed(const QString &error);

private:
    void requestPage();
    void requestNewest();
    void applyNewest(QList<Rendering> newest);
    void afterRequest();

    QPointer<StoreThread> m_storeThread;
    QList<Rendering> m_rows;
    quint64 m_generation = 0; // bumped on every start-over: answers asked for before are dropped
    bool m_inFlight = false;   // a page
    bool m_refreshing = false;
    bool m_refreshAgain = false;
    bool m_loaded = false;
    bool m_atEnd = false;
    QString m_error;
};

} // namespace herald
