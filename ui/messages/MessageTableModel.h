#pragma once

#include "model/Message.h"
#include "model/MessageSelection.h"
#include "store/Store.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>
#include <QList>
#include <QPointer>
#include <QString>

#include <optional>
#include <utility>

namespace herald {

class StoreThread;

// The messages of one queue that match a filter, newest first unless sorted otherwise (DESIGN §8), over
// millions of rows: the table has a row for every match as soon as the store has counted them, and reads
// only the pages that are looked at.
//
// GUI thread only. Pages are read through a StoreThread with keyset paging on (sort key, id), one request
// at a time, the page asked for last first: a page starts after the last row of the page before it, when
// that is loaded, or after a page anchor (Store::pageAnchors), found by a chunked scan of the keys when
// the reader jumps far ahead, and in the background once the count is in, so that any page is then one
// short query. Never OFFSET over the listing, never a cursor left open. Rows not loaded yet show as
// placeholders; at most kMaxCachedPages pages stay in memory (the least recently shown go first).
// setQueue(), setFilter(), sort() and setStoreThread() start over; a page, anchor or count asked for
// before that is dropped when it arrives (by generation). refresh() follows deliveries without starting
// over: rows change in place, messages gone are marked so, and, newest first, new messages are inserted
// on top, so selections and the scroll position survive. The StoreThread is not owned.
class MessageTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        IdColumn,
        TypeColumn,
        ChannelColumn,
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
    // Pages kept in memory (their rows are the model's memory): a few screens up and down of each of the
    // last places looked at.
    static constexpr int kMaxCachedPages = 60;
    // Anchors found per scan request: a short query (kPageSize × this keys read) between page reads.
    static constexpr int kAnchorsPerScan = 500;
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

    // A page or page anchors for a page looked at (not a refresh, not the background scan) are being read.
    bool isLoading() const { return m_inFlight && !m_inBackground; }
    bool isRefreshing() const { return m_refreshing; }
    // The end of the listing is known (a page came back short, or the count says where it is) and every
    // row has a message: nothing is waiting to be read.
    bool hasLoadedAll() const;
    QString errorString() const { return m_error; }

    // The message at a row, or an empty one (id 0) for a row not loaded yet.
    const Message &messageAt(int row) const;
    bool isRowLoaded(int row) const;
    // Whether the row's message is gone from the store since it was read (a refresh found it missing).
    bool isRowGone(int row) const;
    // For tests and benchmarks: the pages and anchors held now.
    int cachedPageCount() const { return int(m_pages.size()); }
    int anchorCount() const { return int(m_anchors.size()); }

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
    struct Page
    {
        QList<Message> rows;
        mutable quint64 used = 0; // m_tick when last shown
    };
    void want(int page) const;
    void pump();
    void requestPage(int page);
    void requestAnchors(int fromPage, int toPage);
    void storePage(int page, QList<Message> rows);
    void evict();
    // The keyset position a page starts after: nullopt when unknown, a zero id for the first page.
    std::optional<Store::PageAnchor> startOf(int page) const;
    const Message *rowMessage(int row) const;
    Message *rowMessage(int row);
    void requestRefresh(int firstRow, int lastRow);
    void applyRefresh(Refreshed answer);
    void afterRequest();
    void startOver();
    void requestCount();
    void setSnapshotRows(int rows);

    QPointer<StoreThread> m_storeThread;
    QString m_queue;
    MessageSelection m_filter;
    MessageSort m_sort = MessageSort::Id;
    bool m_descending = true;
    std::optional<qint64> m_matchCount;
    qint64 m_countAskedAtMs = 0;
    QList<Message> m_head;             // rows 0 … m_head.size() - 1: newer messages a refresh put on top
    int m_snapshotRows = 0;            // the rows after the head, page p holding rows p·kPageSize …
    QHash<int, Page> m_pages;
    QHash<int, Store::PageAnchor> m_anchors; // m_anchors[p]: the position page p starts after
    int m_anchorsUpTo = 0;             // every page up to this one has a known start
    QSet<qint64> m_gone;
    mutable QList<int> m_wanted;       // pages shown but not loaded, the last shown last
    mutable bool m_pumpScheduled = false;
    mutable quint64 m_tick = 0;
    quint64 m_generation = 0; // bumped on every start-over: answers asked for before are dropped
    bool m_inFlight = false;  // a page or anchors
    bool m_inBackground = false; // what is in flight is the background anchor scan
    bool m_refreshing = false;
    std::optional<std::pair<int, int>> m_refreshAgain; // the rows of a refresh() that came while busy
    bool m_atEnd = false;     // the listing's end is known: no page after the last
    QString m_error;
};

} // namespace herald
