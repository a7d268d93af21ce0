#pragma once

#include <QPointer>
#include <QWidget>

class QBarSet;
class QChart;
class QChartView;
class QLabel;

namespace herald {

class StoreThread;

// The scheduled messages of a queue over the next 24 hours, in 96 bars of 15 minutes (Store::
// upcomingHistogram, one query per refresh). Clicking a bar asks for that quarter hour
// (quarterClicked), which the window turns into the table's run-at filter.
//
// GUI thread only. Reads through the StoreThread (not owned; point the chart elsewhere before it
// goes); an answer asked before the last setQueue() or setStoreThread() is dropped.
class UpcomingChart : public QWidget
{
    Q_OBJECT

public:
    static constexpr int kBuckets = 96;
    static constexpr qint64 kBucketMs = 15 * 60'000;

    explicit UpcomingChart(QWidget *parent = nullptr);
    ~UpcomingChart() override;

    void setStoreThread(StoreThread *storeThread);
    void setQueue(const QString &queue);
    // Re-reads the histogram from the current quarter hour on.
    void refresh();

    // Where the bars start (a quarter hour, local clock) and their counts, once loaded.
    qint64 startMs() const { return m_startMs; }
    QList<qint64> counts() const { return m_counts; }
    QChartView *chartView() const { return m_view; }
    QBarSet *barSet() const { return m_set; }

Q_SIGNALS:
    void loaded();
    // A bar was clicked: run_at in [fromMs, toMs).
    void quarterClicked(qint64 fromMs, qint64 toMs);

protected:
    void changeEvent(QEvent *event) override;

private:
    void show(const QList<qint64> &counts);

    QPointer<StoreThread> m_storeThread;
    QString m_queue;
    quint64 m_generation = 0;
    qint64 m_startMs = 0;
    QList<qint64> m_counts;
    QChart *m_chart;
    QBarSet *m_set;
    QChartView *m_view;
    QLabel *m_title;
};

} // namespace herald
