#include "EmailDashboard.h"

#include "shell/Appearance.h"
#include "common/FormError.h"

#include "store/EmailStore.h"
#include "store/StoreThread.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableWidget>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>

namespace herald {

namespace {

struct Measure
{
    QString name;
    QColor color;
    qint64 EmailCounts::*field;
};

const QList<Measure> &measures()
{
    static const QList<Measure> all{
        {EmailDashboard::tr("Sends"), QColor(QStringLiteral("#5b8def")), &EmailCounts::sends},
        {EmailDashboard::tr("Deliveries"), QColor(QStringLiteral("#43a047")), &EmailCounts::deliveries},
        {EmailDashboard::tr("Hard bounces"), QColor(QStringLiteral("#e53935")), &EmailCounts::hardBounces},
        {EmailDashboard::tr("Soft bounces"), QColor(QStringLiteral("#fb8c00")), &EmailCounts::softBounces},
        {EmailDashboard::tr("Complaints"), QColor(QStringLiteral("#8e24aa")), &EmailCounts::complaints},
        {EmailDashboard::tr("Opens"), QColor(QStringLiteral("#00897b")), &EmailCounts::opens},
        {EmailDashboard::tr("Clicks"), QColor(QStringLiteral("#6d4c41")), &EmailCounts::clicks},
    };
    return all;
}

QTableWidgetItem *number(qint64 n)
{
    auto *item = new QTableWidgetItem(QLocale().toString(n));
    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
    return item;
}

QString percent(double rate)
{
    return QLocale().toString(rate * 100, 'f', rate < 0.01 ? 2 : 1) + QStringLiteral(" %");
}

// A band between two levels across the chart's width, in a level's colour.
void addBand(QChart *chart, qint64 from, qint64 to, double low, double high, const QColor &color, const QString &name)
{
    auto *upper = new QLineSeries(chart);
    auto *lower = new QLineSeries(chart);
    upper->append(double(from), high);
    upper->append(double(to), high);
    lower->append(double(from), low);
    lower->append(double(to), low);
    auto *band = new QAreaSeries(upper, lower);
    band->setName(name);
    QColor fill = color;
    fill.setAlpha(45);
    band->setBrush(fill);
    band->setPen(Qt::NoPen);
    chart->addSeries(band);
}

} // namespace

struct EmailDashboard::Data
{
    qint64 from = 0;
    qint64 to = 0;
    bool hourly = false;
    QList<EmailBucket> buckets;
    EmailCounts totals;
    QList<BounceReason> reasons;
    QList<DomainCounts> domains;
};

EmailDashboard::EmailDashboard(QWidget *parent)
    : QWidget(parent),
      m_range(new QComboBox(this)),
      m_granularity(new QComboBox(this)),
      m_export(new QPushButton(tr("Export…"), this)),
      m_banner(new QLabel(this)),
      m_volumes(new QChart),
      m_bounceRate(new QChart),
      m_complaintRate(new QChart),
      m_volumesView(new QChartView(m_volumes, this)),
      m_bounceView(new QChartView(m_bounceRate, this)),
      m_complaintView(new QChartView(m_complaintRate, this)),
      m_reasons(newReadOnlyTable({tr("Bounces"), tr("Type"), tr("Sub-type"), tr("Diagnostic")}, this)),
      m_domains(newReadOnlyTable({tr("Domain"), tr("Sends"), tr("Deliveries"), tr("Hard"), tr("Soft"), tr("Complaints"), tr("Bounce rate")}, this))
{
    m_range->setObjectName(QStringLiteral("dashboardRange"));
    m_range->addItem(tr("Last 24 hours"), 1);
    m_range->addItem(tr("Last 7 days"), 7);
    m_range->addItem(tr("Last 30 days"), 30);
    m_range->addItem(tr("Last 90 days"), 90);
    m_range->setCurrentIndex(3);
    m_granularity->setObjectName(QStringLiteral("dashboardGranularity"));
    m_granularity->addItem(tr("Per day"), false);
    m_granularity->addItem(tr("Per hour"), true);
    connect(m_range, &QComboBox::currentIndexChanged, this, &EmailDashboard::refresh);
    connect(m_granularity, &QComboBox::currentIndexChanged, this, &EmailDashboard::refresh);
    m_export->setToolTip(tr("Save the charts as a PNG picture, or the series as CSV"));
    connect(m_export, &QPushButton::clicked, this, &EmailDashboard::askExport);

    m_banner->setObjectName(QStringLiteral("rateBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextFormat(Qt::RichText);
    m_banner->setMargin(6);
    m_banner->setAutoFillBackground(true);
    m_banner->hide();

    for (QChart *chart : {m_volumes, m_bounceRate, m_complaintRate}) {
        chart->setMargins(QMargins(4, 4, 4, 4));
        chart->setBackgroundRoundness(0);
        chart->legend()->setAlignment(Qt::AlignBottom);
    }
    m_volumes->setTitle(tr("Events per recipient"));
    m_bounceRate->setTitle(tr("Bounce rate (review 5 %, pause 10 %)"));
    m_complaintRate->setTitle(tr("Complaint rate (review 0.1 %, pause 0.5 %)"));
    for (QChartView *view : {m_volumesView, m_bounceView, m_complaintView}) {
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumHeight(180);
    }

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Range:"), this));
    top->addWidget(m_range);
    top->addWidget(m_granularity);
    top->addStretch(1);
    top->addWidget(m_export);

    auto *rates = new QHBoxLayout;
    rates->addWidget(m_bounceView);
    rates->addWidget(m_complaintView);
    auto *charts = new QWidget(this);
    charts->setObjectName(QStringLiteral("dashboardCharts"));
    auto *chartsLayout = new QVBoxLayout(charts);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->addWidget(m_volumesView, 3);
    chartsLayout->addLayout(rates, 2);

    auto *tables = new QSplitter(Qt::Horizontal, this);
    auto *reasonsBox = new QWidget(tables);
    auto *reasonsLayout = new QVBoxLayout(reasonsBox);
    reasonsLayout->setContentsMargins(0, 0, 0, 0);
    reasonsLayout->addWidget(new QLabel(tr("<b>Top bounce reasons</b>"), reasonsBox));
    reasonsLayout->addWidget(m_reasons);
    auto *domainsBox = new QWidget(tables);
    auto *domainsLayout = new QVBoxLayout(domainsBox);
    domainsLayout->setContentsMargins(0, 0, 0, 0);
    domainsLayout->addWidget(new QLabel(tr("<b>Recipient domains</b>"), domainsBox));
    domainsLayout->addWidget(m_domains);
    tables->addWidget(reasonsBox);
    tables->addWidget(domainsBox);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(charts);
    split->addWidget(tables);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_banner);
    layout->addWidget(split, 1);
}

EmailDashboard::~EmailDashboard() = default;

void EmailDashboard::setStoreThread(StoreThread *storeThread)
{
    m_storeThread = storeThread;
    ++m_generation;
    show(Data{});
}

void EmailDashboard::setRange(int days, bool hourly)
{
    const QSignalBlocker rangeBlocker(m_range);
    const QSignalBlocker granularityBlocker(m_granularity);
    const int index = m_range->findData(days);
    if (index >= 0)
        m_range->setCurrentIndex(index);
    m_granularity->setCurrentIndex(hourly ? 1 : 0);
    refresh();
}

void EmailDashboard::refresh()
{
    const quint64 generation = ++m_generation;
    if (!m_storeThread)
        return;
    const bool hourly = m_granularity->currentData().toBool();
    const qint64 step = hourly ? EmailStore::kHourMs : EmailStore::kDayMs;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 to = (now / step + 1) * step; // the bucket under way included
    const qint64 from = to - qint64(m_range->currentData().toInt()) * EmailStore::kDayMs;
    m_storeThread->post(
        this,
        [from, to, hourly](Store &store) -> Result<Data> {
            EmailStore email(store);
            Data read;
            read.from = from;
            read.to = to;
            read.hourly = hourly;
            auto series = email.series(hourly ? EmailStore::Granularity::Hour : EmailStore::Granularity::Day, from, to);
            if (!series)
                return series.error();
            read.buckets = std::move(series).value();
            for (const EmailBucket &b : std::as_const(read.buckets))
                read.totals += b.counts;
            auto reasons = email.bounceReasons(from, to, 20);
            if (!reasons)
                return reasons.error();
            read.reasons = std::move(reasons).value();
            auto domains = email.domains(from, to, 100);
            if (!domains)
                return domains.error();
            read.domains = std::move(domains).value();
            return read;
        },
        [this, generation](Result<Data> read) {
            if (generation != m_generation)
                return;
            if (!read)
                showError(read.errorString());
            else
                show(*read);
            Q_EMIT loaded();
        });
}

void EmailDashboard::showError(const QString &error)
{
    m_banner->setText(tr("<b>The e-mail events could not be read.</b> %1").arg(error.toHtmlEscaped()));
    m_banner->show();
}

QString EmailDashboard::bannerText() const
{
    return m_banner->isHidden() ? QString() : m_banner->text();
}

void EmailDashboard::show(const Data &read)
{
    m_buckets = read.buckets;
    m_totals = read.totals;
    m_hourly = read.hourly;

    // The banner: a rate past Amazon's review or pause level over the range.
    const EmailRates rates = EmailRates::from(m_totals);
    QStringList problems;
    if (rates.bounceLevel != RateLevel::Healthy)
        problems << tr("bounce rate %1 is past Amazon's %2 level (%3)")
                        .arg(percent(rates.bounceRate), rateLevelName(rates.bounceLevel),
                             percent(rates.bounceLevel == RateLevel::Pause ? EmailRates::kBouncePause : EmailRates::kBounceReview));
    if (rates.complaintLevel != RateLevel::Healthy)
        problems << tr("complaint rate %1 is past Amazon's %2 level (%3)")
                        .arg(percent(rates.complaintRate), rateLevelName(rates.complaintLevel),
                             percent(rates.complaintLevel == RateLevel::Pause ? EmailRates::kComplaintPause : EmailRates::kComplaintReview));
    const bool pause = rates.bounceLevel == RateLevel::Pause || rates.complaintLevel == RateLevel::Pause;
    if (problems.isEmpty()) {
        m_banner->hide();
    } else {
        m_banner->setText(tr("<b>%1:</b> %2. Look at the top bounce reasons and the domains below; suppressed addresses "
                             "are no longer sent to.")
                              .arg(pause ? tr("Sending at risk") : tr("Under review"), problems.join(tr("; "))));
        QPalette p = m_banner->palette();
        const bool dark = isDark(palette());
        p.setColor(QPalette::Window, pause ? QColor(dark ? QStringLiteral("#5c2b29") : QStringLiteral("#fbe3e1"))
                                           : QColor(dark ? QStringLiteral("#5a4a1e") : QStringLiteral("#fff4d6")));
        m_banner->setPalette(p);
        m_banner->show();
    }

    m_reasons->setRowCount(int(read.reasons.size()));
    for (int row = 0; row < read.reasons.size(); ++row) {
        const BounceReason &r = read.reasons.at(row);
        m_reasons->setItem(row, 0, number(r.count));
        m_reasons->setItem(row, 1, new QTableWidgetItem(r.bounceType));
        m_reasons->setItem(row, 2, new QTableWidgetItem(r.bounceSubType));
        auto *diagnostic = new QTableWidgetItem(r.diagnostic);
        diagnostic->setToolTip(r.diagnostic);
        m_reasons->setItem(row, 3, diagnostic);
    }
    m_domains->setRowCount(int(read.domains.size()));
    for (int row = 0; row < read.domains.size(); ++row) {
        const DomainCounts &d = read.domains.at(row);
        m_domains->setItem(row, 0, new QTableWidgetItem(d.domain));
        m_domains->setItem(row, 1, number(d.counts.sends));
        m_domains->setItem(row, 2, number(d.counts.deliveries));
        m_domains->setItem(row, 3, number(d.counts.hardBounces));
        m_domains->setItem(row, 4, number(d.counts.softBounces));
        m_domains->setItem(row, 5, number(d.counts.complaints));
        auto *rate = new QTableWidgetItem(percent(EmailRates::from(d.counts).bounceRate));
        rate->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_domains->setItem(row, 6, rate);
    }
    m_reasons->resizeColumnsToContents();
    m_domains->resizeColumnsToContents();
    redraw();
}

void EmailDashboard::redraw()
{
    for (QChart *chart : {m_volumes, m_bounceRate, m_complaintRate}) {
        chart->removeAllSeries();
        for (QAbstractAxis *axis : chart->axes())
        {
            chart->removeAxis(axis);
            delete axis;
        }
    }
    if (m_buckets.isEmpty())
        return;
    const qint64 step = m_hourly ? EmailStore::kHourMs : EmailStore::kDayMs;
    const qint64 from = m_buckets.constFirst().start;
    const qint64 to = m_buckets.constLast().start + step;
    const QString format = m_hourly ? QStringLiteral("MMM d HH:mm") : QStringLiteral("MMM d");

    const auto timeAxis = [&](QChart *chart) {
        auto *x = new QDateTimeAxis(chart);
        x->setFormat(format);
        x->setRange(QDateTime::fromMSecsSinceEpoch(from), QDateTime::fromMSecsSinceEpoch(to));
        x->setTickCount(7);
        chart->addAxis(x, Qt::AlignBottom);
        return x;
    };

    // Volumes.
    qint64 top = 1;
    QDateTimeAxis *x = timeAxis(m_volumes);
    auto *y = new QValueAxis(m_volumes);
    y->setLabelFormat(QStringLiteral("%d"));
    m_volumes->addAxis(y, Qt::AlignLeft);
    for (const Measure &measure : measures()) {
        auto *series = new QLineSeries(m_volumes);
        series->setName(measure.name);
        series->setColor(measure.color);
        for (const EmailBucket &b : std::as_const(m_buckets)) {
            const qint64 v = b.counts.*measure.field;
            series->append(double(b.start), double(v));
            top = std::max(top, v);
        }
        m_volumes->addSeries(series);
        series->attachAxis(x);
        series->attachAxis(y);
    }
    y->setRange(0, double(top) * 1.1);
    y->applyNiceNumbers();

    // Rates against the levels.
    const auto rateChart = [&](QChart *chart, double review, double pause, double EmailRates::*rate, const QColor &color) {
        QDateTimeAxis *rx = timeAxis(chart);
        auto *ry = new QValueAxis(chart);
        ry->setLabelFormat(pause < 0.01 ? QStringLiteral("%.2f %%") : QStringLiteral("%.0f %%"));
        chart->addAxis(ry, Qt::AlignLeft);
        auto *line = new QLineSeries(chart);
        line->setName(tr("Rate"));
        line->setColor(color);
        double highest = 0;
        for (const EmailBucket &b : std::as_const(m_buckets)) {
            const EmailRates r = EmailRates::from(b.counts);
            const double value = r.basis > 0 ? r.*rate * 100 : 0;
            line->append(double(b.start), value);
            highest = std::max(highest, value);
        }
        const double ceiling = std::max(pause * 100 * 1.5, highest * 1.1);
        addBand(chart, from, to, review * 100, pause * 100, QColor(QStringLiteral("#f9a825")), tr("Review"));
        addBand(chart, from, to, pause * 100, ceiling, QColor(QStringLiteral("#e53935")), tr("Pause"));
        chart->addSeries(line);
        for (QAbstractSeries *series : chart->series()) {
            series->attachAxis(rx);
            series->attachAxis(ry);
        }
        ry->setRange(0, ceiling);
        ry->applyNiceNumbers();
    };
    rateChart(m_bounceRate, EmailRates::kBounceReview, EmailRates::kBouncePause, &EmailRates::bounceRate, QColor(QStringLiteral("#e53935")));
    rateChart(m_complaintRate, EmailRates::kComplaintReview, EmailRates::kComplaintPause, &EmailRates::complaintRate,
              QColor(QStringLiteral("#8e24aa")));
    for (QChart *chart : {m_volumes, m_bounceRate, m_complaintRate})
        applyChartPalette(chart, palette());
}

void EmailDashboard::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        for (QChart *chart : {m_volumes, m_bounceRate, m_complaintRate})
            applyChartPalette(chart, palette());
}

Status EmailDashboard::exportCsv(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::badInput(tr("cannot write %1: %2; choose another folder or file name").arg(path, file.errorString()));
    QByteArray out = "start";
    for (const Measure &measure : measures())
        out += ',' + measure.name.toLower().replace(QLatin1Char(' '), QLatin1Char('_')).toUtf8();
    out += ",bounce_rate,complaint_rate\n";
    for (const EmailBucket &b : m_buckets) {
        out += QDateTime::fromMSecsSinceEpoch(b.start, Qt::UTC).toString(Qt::ISODate).toUtf8();
        for (const Measure &measure : measures())
            out += ',' + QByteArray::number(b.counts.*measure.field);
        const EmailRates r = EmailRates::from(b.counts);
        out += ',' + QByteArray::number(r.bounceRate, 'f', 6) + ',' + QByteArray::number(r.complaintRate, 'f', 6) + '\n';
    }
    file.write(out);
    if (!file.commit())
        return Error::runtime(tr("cannot finish %1: %2 (is the disk full?)").arg(path, file.errorString()));
    return {};
}

Status EmailDashboard::exportPng(const QString &path)
{
    QWidget *charts = findChild<QWidget *>(QStringLiteral("dashboardCharts"));
    if (!charts->grab().save(path, "PNG"))
        return Error::badInput(tr("cannot write the picture to %1; choose another folder or file name").arg(path));
    return {};
}

void EmailDashboard::askExport()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    QString chosenFilter;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the dashboard"), folder + QStringLiteral("/email-dashboard.png"),
                                                      tr("PNG picture (*.png);;CSV series (*.csv)"), &chosenFilter);
    if (path.isEmpty())
        return;
    const Status done = path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive) ? exportCsv(path) : exportPng(path);
    if (!done) {
        QMessageBox::warning(this, tr("Export the dashboard"), done.errorString());
        return;
    }
    Q_EMIT statusMessage(tr("Saved %1").arg(path));
}

} // namespace herald
