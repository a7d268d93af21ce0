#pragma once

#include "model/Message.h"
#include "model/MessageSelection.h"

#include <QAbstractTableModel>
#include <QList>
#include <QPointer>
#include <QString>

#include <optional>
#include <utility>

namespace herald {

class StoreThread;

// The messages of one queue that match a filter, newest first unless sorted otherwise, loaded a page at
// a time as the view scrolls (DESIGN §8).
//
// GUI thread only. Pages are read through a StoreThread with keyset paging on (sort key, id) (the next
// page starts after the last row loaded; never OFFSET), one request at a time. setQueue(), setFilter(),
// sort() and setStoreThread() start over; a page asked for before that is dropped when it arrives, and
// so is a match count. refresh() follows deliveries without starting over: rows change in place and,
// newest first, new messages are inserted on top, so selections and the scroll position survive.
// The StoreThread is not owned: point the model elsewhere before destroying it.
class MessageTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        IdColumn,
        TypeColumn,
        RecipientColumn,
        StateColumn,
        PriorityColumn,
        RunAtColumn,
        AttemptsColumn,
        LabelsColumn,
        LastErrorColumn,
        ColumnCount
    };
    enum Role {
        MessageIdRole = Qt::UserRole + 1, // qint64
        StateRole,                        // int: a MessageState
    };
    static constexpr int kPageSize = 200;
    // A refresh re-counts the matches at most this often: a count scans what the filter selects, and
    // refreshes come every few hundred milliseconds while deliveries land.
    static constexpr qint64 kRecountIntervalMs = 2000;

    explicit MessageTableModel(QObject *parent = nullptr);
    ~MessageTableModel() override;

    // Empties the model; call setQueue() to list something from the new store.
    void setStoreThread(StoreThread *storeThread);
    StoreThread *storeThread() const;

    // Empties the model and loads the first page of the queue (an empty name lists nothing).
    void setQueue(const QString &queue);
    QString queue() const { return m_queue; }
    // Starts over on the same queue, to see messages added since the first page.
    void reload() { setQueue(m_queue); }
    // Which of the queue's messages to list (its queue is ignored: setQueue() says which). Starts over.
    void setFilter(const MessageSelection &filter);
    MessageSelection filter() const { return m_filter; }
    // The queue and the filter together: what the table lists, and what "all matching" actions act on.
    MessageSelection selection() const;
    // How many messages match, counted by the store at the last start-over or refresh; none while counting.
    std::optional<qint64> matchCount() const { return m_matchCount; }
    MessageSort sortOrder() const { return m_sort; }
    bool isDescending() const { return m_descending; }
    void setSortOrder(MessageSort sort, bool descending);
    // Header clicks: id, run at and priority sort (created is the id order); other columns are ignored.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    // Re-reads the loaded rows firstRow … lastRow (those on screen; none when firstRow < 0) and inserts
    // the messages newer than the first row on top; rows whose message is gone are removed. When more
    // than a page arrived since, starts over (reload()). Waits for a page or refresh already out; calls
    // made meanwhile fold into one, for the last range asked.
    void refresh(int firstRow, int lastRow);

    // A page (not a refresh) is being read.
    bool isLoading() const { return m_inFlight; }
    bool isRefreshing() const { return m_refreshing; }
    // The last page came back short: everything in the queue at that time is loaded.
    bool hasLoadedAll() const { return m_atEnd; }
    QString errorString() const { return m_error; }

    const Message &messageAt(int row) const { return m_rows.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // "contractor=56 event=41": the labels as an operator types them in selections.
    static QString labelsText(const Labels &labels);

Q_SIGNALS:
    // A page for the current queue arrived: rows first … first + count - 1 were appended (count may be 0).
    void pageLoaded(int first, int count);
    void loadFailed(const QString &error);
    // A refresh was applied: inserted rows on top, changed rows in place, removed rows gone.
    void refreshed(int inserted, int changed, int removed);
    void matchCountChanged();

private:
    struct Refreshed;
    void requestPage();
    void requestRefresh(int firstRow, int lastRow);
    void applyRefresh(Refreshed answer);
    void afterRequest();
    void startOver();
    void requestCount();

    QPointer<StoreThread> m_storeThread;
    QString m_queue;
    MessageSelection m_filter;
    MessageSort m_sort = MessageSort::Id;
    bool m_descending = true;
    std::optional<qint64> m_matchCount;
    qint64 m_countAskedAtMs = 0;
    QList<Message> m_rows;
    quint64 m_generation = 0; // bumped on every start-over: pages asked for before are dropped
    bool m_inFlight = false;  // a page
    bool m_refreshing = false;
    std::optional<std::pair<int, int>> m_refreshAgain; // the rows of a refresh() that came while busy
    bool m_atEnd = false;
    QString m_error;
};

} // namespace herald
