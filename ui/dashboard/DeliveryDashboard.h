#pragma once

#include "model/DeliveryStats.h"
#include "model/Result.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <QTimer>
#include <QWidget>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QPushButton;
class QTableView;

namespace herald {

class StoreThread;

// The groups of the delivery dashboard: per queue, channel and type, the failing ones first.
class DeliveryGroupsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Queue, Channel, Type, Delivered, Failed, Retried, Cancelled, FailureRate, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    void setGroups(const QList<DeliveryGroup> &groups);
    const QList<DeliveryGroup> &groups() const { return m_groups; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    QList<DeliveryGroup> m_groups;
};

// The delivery dashboard (DESIGN §8), the console's first look: is delivery healthy, and if not, why?
// Over the last hour to 90 days, per queue, channel and type: delivered, failed, retried and cancelled
// per bucket as stacked areas, the lateness of the attempts (p50/p95/p99), the rate now and when the
// backlog will be through at that rate, and a table per group. Read from the delivery rollups in one
// request on the StoreThread (never a scan of the attempts); refreshed every 15 s while shown. Export
// as PNG (the chart and figures) and CSV (the buckets). GUI thread only; the StoreThread is not owned.
class DeliveryDashboard : public QWidget
{
    Q_OBJECT

public:
    explicit DeliveryDashboard(QWidget *parent = nullptr);
    ~DeliveryDashboard() override;

    void setStoreThread(StoreThread *storeThread);
    void refresh();

    // For tests and the tour: the range (one of the choices, in hours back from now) and the filters
    // (empty: all).
    void setRange(int hours);
    void setFilter(const QString &queue, const QString &channel, const QString &type);
    const DeliveryDashboardData &data() const { return m_data; }
    QChart *chart() const { return m_chart; }
    QTableView *groupsView() const { return m_groupsView; }
    DeliveryGroupsModel *groupsModel() const { return m_groups; }
    QString figuresText() const; // the tiles, as one line of text

    Status exportCsv(const QString &path) const;
    Status exportPng(const QString &path);

    static constexpr int kRefreshMs = 15'000;

Q_SIGNALS:
    void loaded();
    void statusMessage(const QString &message);
    // The operator asked why messages failed: the failure groups, over this range and queue.
    void failuresRequested();
    // The operator opened a group: its messages (of that queue, channel and type).
    void groupActivated(const QString &queue, const QString &channel, const QString &type);

protected:
    void changeEvent(QEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    struct Read;
    void display(const Read &read);
    void showError(const QString &error);
    void redraw();
    void askExport();
    static void fillChoices(QComboBox *box, const QStringList &names, const QString &all);

    QPointer<StoreThread> m_storeThread;
    quint64 m_generation = 0;
    QTimer m_refreshTimer;
    QComboBox *m_range;
    QComboBox *m_queue;
    QComboBox *m_channel;
    QComboBox *m_type;
    QPushButton *m_failures;
    QPushButton *m_export;
    QLabel *m_error;
    QLabel *m_delivered;
    QLabel *m_failed;
    QLabel *m_retried;
    QLabel *m_cancelled;
    QLabel *m_lateness;
    QLabel *m_now;
    QChart *m_chart;
    QChartView *m_chartView;
    DeliveryGroupsModel *m_groups;
    QTableView *m_groupsView;
    DeliveryDashboardData m_data;
};

} // namespace herald
