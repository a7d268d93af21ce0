#pragma once

#include "email/EmailEvent.h"
#include "email/EmailRates.h"
#include "model/Result.h"

#include <QPointer>
#include <QWidget>

class QChart;
class QChartView;
class QComboBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace herald {

class StoreThread;

// The e-mail dashboard (DESIGN §7, §8): over a chosen range, per day or per hour, the volumes (sends,
// deliveries, hard and soft bounces, complaints, opens, clicks), the bounce and complaint rates against
// Amazon's review and pause levels drawn as bands, the top bounce reasons and a table per recipient
// domain; a banner when a rate is past a level. Everything is read from the rollup tables through
// EmailStore, in one request on the StoreThread. Export as PNG (the charts) and CSV (the series).
// GUI thread only; the StoreThread is not owned.
class EmailDashboard : public QWidget
{
    Q_OBJECT

public:
    explicit EmailDashboard(QWidget *parent = nullptr);
    ~EmailDashboard() override;

    void setStoreThread(StoreThread *storeThread);
    void refresh();

    // The range and granularity, for tests: days back from now (0: everything stored), per hour or day.
    void setRange(int days, bool hourly);
    const QList<EmailBucket> &buckets() const { return m_buckets; }
    EmailCounts totals() const { return m_totals; }
    EmailRates rates() const { return EmailRates::from(m_totals); }
    QString bannerText() const;
    QTableWidget *reasonsTable() const { return m_reasons; }
    QTableWidget *domainsTable() const { return m_domains; }
    QChart *volumeChart() const { return m_volumes; }
    QChart *bounceChart() const { return m_bounceRate; }
    QChart *complaintChart() const { return m_complaintRate; }

    Status exportCsv(const QString &path) const;
    Status exportPng(const QString &path);

Q_SIGNALS:
    void loaded();
    void statusMessage(const QString &message);

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Data;
    void show(const Data &read);
    void showError(const QString &error);
    void redraw();
    void askExport();

    QPointer<StoreThread> m_storeThread;
    quint64 m_generation = 0;
    QComboBox *m_range;
    QComboBox *m_granularity;
    QPushButton *m_export;
    QLabel *m_banner;
    QChart *m_volumes;
    QChart *m_bounceRate;
    QChart *m_complaintRate;
    QChartView *m_volumesView;
    QChartView *m_bounceView;
    QChartView *m_complaintView;
    QTableWidget *m_reasons;
    QTableWidget *m_domains;
    QList<EmailBucket> m_buckets;
    EmailCounts m_totals;
    bool m_hourly = false;
};

} // namespace herald
