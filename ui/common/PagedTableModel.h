#pragma once

#include "model/Result.h"
#include "store/StoreThread.h"

#include <QAbstractTableModel>
#include <QPointer>

#include <functional>

namespace herald {

class Store;

// A read-only table read a page at a time as its view scrolls (Qt's canFetchMore/fetchMore), on a
// StoreThread, with keyset paging: each page is read after the last row already loaded, so a page never
// repeats or skips a row that arrived or left meanwhile. startOver() (a new filter) drops the answers
// still on their way. The model stays loading until a page's rows are in, so that a view or a tester
// asking for more from its rowsInserted handler never reads the same page twice.
// GUI thread only; the StoreThread is not owned. The rows themselves are in PagedRows below.
class PagedTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    static constexpr int kPageSize = 200;

    void setStoreThread(StoreThread *storeThread) { m_storeThread = storeThread; } // then start over
    bool atEnd() const { return m_atEnd; }
    bool isLoading() const { return m_loading; }

    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

Q_SIGNALS:
    // A page arrived (possibly empty: the end), or its read failed.
    void loaded();
    void failed(const QString &error);

protected:
    explicit PagedTableModel(QObject *parent) : QAbstractTableModel(parent) {}

    // Forgets every row and reads the first page.
    void startOver();
    // The rows: cleared, and the read of the page after the last loaded row posted.
    virtual void clearRows() = 0;
    virtual void requestPage(quint64 generation) = 0;

    StoreThread *storeThread() const { return m_storeThread; }
    // For the page's answer: whether it still belongs to what the model shows; then pageArrived().
    bool isCurrent(quint64 generation) const { return generation == m_generation; }
    void pageFailed(const QString &error);
    void pageArrived(qsizetype rows); // after the rows went in (between begin/endInsertRows)

private:
    void request();

    QPointer<StoreThread> m_storeThread;
    quint64 m_generation = 0;
    bool m_loading = false;
    bool m_atEnd = true;
};

// The rows of a PagedTableModel, of one type: a subclass says how to read the page after a row.
template<typename Row>
class PagedRows : public PagedTableModel
{
public:
    const QList<Row> &rows() const { return m_rows; }
    const Row *row(int i) const { return i >= 0 && i < m_rows.size() ? &m_rows.at(i) : nullptr; }
    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }

protected:
    using PagedTableModel::PagedTableModel;
    using Read = std::function<Result<QList<Row>>(Store &)>;
    // The read of the page after `last` (null: the first page), at most kPageSize rows.
    virtual Read pageAfter(const Row *last) const = 0;

private:
    void clearRows() override { m_rows.clear(); }
    void requestPage(quint64 generation) override
    {
        storeThread()->post(this, pageAfter(m_rows.isEmpty() ? nullptr : &m_rows.constLast()), [this, generation](Result<QList<Row>> page) {
            if (!isCurrent(generation))
                return;
            if (!page) {
                pageFailed(page.errorString());
                return;
            }
            if (!page->isEmpty()) {
                const int first = int(m_rows.size());
                beginInsertRows({}, first, first + int(page->size()) - 1);
                m_rows += *page;
                endInsertRows();
            }
            pageArrived(page->size());
        });
    }

    QList<Row> m_rows;
};

} // namespace herald
