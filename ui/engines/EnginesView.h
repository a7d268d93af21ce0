#pragma once

#include <QTimer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace herald {

class EnginesModel;
class StoreThread;

// The console's Engines section (issue 17): every engine delivering from the store — where it runs,
// since when, its last heartbeat, what it has in flight and from which queues — with those silent for
// longer than Store::kEngineSilenceMs marked stale. On a SQLite store, the one engine holding its lock
// file, or none. Refreshed by its button and every kRefreshMs while on screen.
//
// GUI thread only. Reads through the StoreThread (not owned; setStore() before it goes). Only reads,
// so a read-only store shows the same.
class EnginesView : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kRefreshMs = 5'000;

    explicit EnginesView(QWidget *parent = nullptr);

    void setStore(StoreThread *storeThread);
    void reload();

    EnginesModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QPushButton *refreshButton() const { return m_refresh; }
    QLabel *summary() const { return m_summary; }

Q_SIGNALS:
    void loaded();

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    void updateSummary();

    EnginesModel *m_model;
    QLabel *m_summary;
    QTableView *m_table;
    QPushButton *m_refresh;
    QTimer m_autoRefresh;
};

} // namespace herald
