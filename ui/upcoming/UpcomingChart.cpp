#include "UpcomingChart.h"

#include "shell/Appearance.h"

#include "model/TimeText.h"
#include "store/StoreThread.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDateTime>
#include <QLabel>
#include <QCursor>
#include <QLocale>
#include <QToolTip>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>

namespace herald {

namespace {

QString quarterText(qint64 ms)
{
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms);
    return at.toString(QStringLiteral("ddd HH:mm"));
}

} // namespace

UpcomingChart::UpcomingChart(QWidget *parent)
    : QWidget(parent), m_chart(new QChart), m_set(new QBarSet(tr("Scheduled"))), m_view(new QChartView(m_chart, this)), m_title(new QLabel(this))
{
    auto *series = new QBarSeries(m_chart);
    series->append(m_set);
    series->setBarWidth(0.9);
    m_chart->addSeries(series);
    m_chart->legend()->hide();
    m_chart->setMargins(QMargins(0, 0, 0, 0));
    m_chart->setBackgroundRoundness(0);
    auto *x = new QBarCategoryAxis(m_chart);
    auto *y = new QValueAxis(m_chart);
    y->setLabelFormat(QStringLiteral("%d"));
    m_chart->addAxis(x, Qt::AlignBottom);
    m_chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    // The window's palette, not Qt Charts' white theme: it sits in a dock of the window.
    applyChartPalette(m_chart, palette());
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setMinimumHeight(140);
    m_title->setForegroundRole(QPalette::PlaceholderText);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 4);
    layout->addWidget(m_title);
    layout->addWidget(m_view, 1);

    connect(m_set, &QBarSet::hovered, this, [this](bool inside, int index) {
        if (!inside || index < 0 || index >= kBuckets) {
            QToolTip::hideText();
            return;
        }
        const qint64 from = m_startMs + index * kBucketMs;
        QToolTip::showText(QCursor::pos(), tr("%1–%2: %3 scheduled")
                                               .arg(quarterText(from), QDateTime::fromMSecsSinceEpoch(from + kBucketMs).toString(QStringLiteral("HH:mm")))
                                               .arg(qint64(m_set->at(index))),
                           m_view);
    });
    connect(m_set, &QBarSet::clicked, this, [this](int index) {
        if (index >= 0 && index < kBuckets)
            Q_EMIT quarterClicked(m_startMs + index * kBucketMs, m_startMs + (index + 1) * kBucketMs);
    });
    show({});
}

UpcomingChart::~UpcomingChart() = default;

void UpcomingChart::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyChartPalette(m_chart, palette());
}

void UpcomingChart::setStoreThread(StoreThread *storeThread)
{
    m_storeThread = storeThread;
    m_queue.clear();
    ++m_generation;
    show({});
}

void UpcomingChart::setQueue(const QString &queue)
{
    m_queue = queue;
    refresh();
}

void UpcomingChart::refresh()
{
    const quint64 generation = ++m_generation;
    if (!m_storeThread || m_queue.isEmpty()) {
        show({});
        return;
    }
    // Bars on the quarter hours of the clock, so that "09:15" means 09:15–09:30.
    const qint64 start = currentTimeMs() / kBucketMs * kBucketMs;
    m_storeThread->post(
        this, [start, queue = m_queue](Store &store) { return store.upcomingHistogram(start, kBucketMs, kBuckets, queue); },
        [this, generation, start](Result<QList<qint64>> counts) {
            if (generation != m_generation)
                return;
            m_startMs = start;
            if (counts) {
                show(*counts);
            } else {
                show({});
                m_title->setText(tr("The upcoming messages could not be read: %1").arg(counts.errorString()));
            }
            Q_EMIT loaded();
        });
}

void UpcomingChart::show(const QList<qint64> &counts)
{
    m_counts = counts;
    QList<qreal> values;
    QStringList categories;
    qint64 total = 0;
    qint64 highest = 0;
    for (int i = 0; i < kBuckets; ++i) {
        const qint64 n = i < counts.size() ? counts.at(i) : 0;
        values << qreal(n);
        total += n;
        highest = std::max(highest, n);
        // Every bar needs a distinct category, though none is shown: 96 labels do not fit under 96 bars
        // (they were elided to "…"); the title gives the span and each bar's tooltip its quarter hour.
        categories << QString::number(i);
    }
    m_set->remove(0, m_set->count());
    m_set->append(values);
    auto *x = qobject_cast<QBarCategoryAxis *>(m_chart->axes(Qt::Horizontal).value(0));
    auto *y = qobject_cast<QValueAxis *>(m_chart->axes(Qt::Vertical).value(0));
    if (x) {
        x->clear();
        x->append(categories);
        x->setLabelsVisible(false);
    }
    if (y) {
        // Whole numbers only: with a top of 1 and five ticks, "%d" printed 0, 0, 0, 0, 1.
        const qint64 top = std::max<qint64>(highest, 1);
        y->setRange(0, qreal(top));
        y->setTickCount(int(std::min<qint64>(top, 4)) + 1);
        if (top > 4)
            y->applyNiceNumbers();
    }
    m_title->setText(m_queue.isEmpty() ? tr("Select a queue to see its upcoming messages.")
                                       : tr("%1 scheduled in %2 from %3 to %4, by quarter hour; click a bar to list them")
                                             .arg(QLocale().toString(total), m_queue, quarterText(m_startMs),
                                                  quarterText(m_startMs + kBuckets * kBucketMs)));
}

} // namespace herald
