#include "DeliveryDashboard.h"

#include "shell/Appearance.h"
#include "common/SectionWidgets.h"
#include "model/TimeText.h"
#include "store/Store.h"
#include "store/StoreThread.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QEvent>
#include <QFileDialog>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableView>
#include <QTimeZone>
#include <QVBoxLayout>
#include <QValueAxis>

namespace herald {

namespace {

constexpr qint64 kHourMs = 3'600'000;

struct Measure
{
    QString name;
    qint64 DeliveryCounts::*field;
    QColor color;
};

// Bottom to top, as the areas stack.
QList<Measure> measures()
{
    return {{QObject::tr("Delivered"), &DeliveryCounts::delivered, QColor(QStringLiteral("#43a047"))},
            {QObject::tr("Retried"), &DeliveryCounts::retried, QColor(QStringLiteral("#fb8c00"))},
            {QObject::tr("Failed"), &DeliveryCounts::failed, QColor(QStringLiteral("#e53935"))},
            {QObject::tr("Cancelled"), &DeliveryCounts::cancelled, QColor(QStringLiteral("#90a4ae"))}};
}

QString number(qint64 n)
{
    return QLocale().toString(n);
}

QString latenessText(const std::optional<qint64> &ms)
{
    return ms ? formatDuration(*ms) : QStringLiteral("–");
}

// A figure with its caption, as the tiles above the chart.
QLabel *tile(const QString &objectName, QWidget *parent, QHBoxLayout *row)
{
    auto *frame = new QFrame(parent);
    frame->setFrameShape(QFrame::StyledPanel);
    auto *layout = new QVBoxLayout(frame);
    layout->setContentsMargins(10, 6, 10, 6);
    auto *value = new QLabel(frame);
    value->setObjectName(objectName);
    value->setTextFormat(Qt::RichText);
    layout->addWidget(value);
    row->addWidget(frame, 1);
    return value;
}

void setTile(QLabel *label, const QString &caption, const QString &value, const QString &note = {})
{
    label->setText(QStringLiteral("<span style='font-size:small'>%1</span><br><span style='font-size:x-large'><b>%2</b></span>%3")
                       .arg(caption.toHtmlEscaped(), value.toHtmlEscaped(),
                            note.isEmpty() ? QString() : QStringLiteral("<br><span style='font-size:small'>%1</span>").arg(note.toHtmlEscaped())));
}

} // namespace

// ---- DeliveryGroupsModel

void DeliveryGroupsModel::setGroups(const QList<DeliveryGroup> &groups)
{
    beginResetModel();
    m_groups = groups;
    endResetModel();
}

int DeliveryGroupsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_groups.size());
}

int DeliveryGroupsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DeliveryGroupsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_groups.size())
        return {};
    const DeliveryGroup &g = m_groups[index.row()];
    const qint64 attempts = g.counts.delivered + g.counts.failed;
    if (role == Qt::TextAlignmentRole)
        return index.column() >= Delivered ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    if (role == Qt::ForegroundRole && index.column() == Failed && g.counts.failed > 0)
        return QColor(QStringLiteral("#e53935"));
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Queue: return g.queue;
    case Channel: return g.channel;
    case Type: return g.type;
    case Delivered: return number(g.counts.delivered);
    case Failed: return number(g.counts.failed);
    case Retried: return number(g.counts.retried);
    case Cancelled: return number(g.counts.cancelled);
    case FailureRate:
        return attempts == 0 ? QStringLiteral("–") : QLocale().toString(100.0 * double(g.counts.failed) / double(attempts), 'f', 1) + QStringLiteral(" %");
    }
    return {};
}

QVariant DeliveryGroupsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Queue: return tr("Queue");
    case Channel: return tr("Channel");
    case Type: return tr("Type");
    case Delivered: return tr("Delivered");
    case Failed: return tr("Failed");
    case Retried: return tr("Retried");
    case Cancelled: return tr("Cancelled");
    case FailureRate: return tr("Failed of finished");
    }
    return {};
}

// ---- DeliveryDashboard

struct DeliveryDashboard::Read
{
    DeliveryDashboardData data;
    QStringList queues;
    QStringList channels;
};

DeliveryDashboard::DeliveryDashboard(QWidget *parent)
    : QWidget(parent),
      m_range(new QComboBox(this)),
      m_queue(new QComboBox(this)),
      m_channel(new QComboBox(this)),
      m_type(new QComboBox(this)),
      m_failures(new QPushButton(tr("Failures by cause…"), this)),
      m_export(new QPushButton(tr("Export…"), this)),
      m_error(new QLabel(this)),
      m_chart(new QChart),
      m_chartView(new QChartView(m_chart, this)),
      m_groups(new DeliveryGroupsModel(this)),
      m_groupsView(readOnlyTableView(m_groups, this))
{
    m_range->setObjectName(QStringLiteral("deliveryRange"));
    for (const auto &[label, hours] : std::initializer_list<std::pair<QString, int>>{{tr("Last hour"), 1},
                                                                                    {tr("Last 6 hours"), 6},
                                                                                    {tr("Last 24 hours"), 24},
                                                                                    {tr("Last 7 days"), 7 * 24},
                                                                                    {tr("Last 30 days"), 30 * 24},
                                                                                    {tr("Last 90 days"), 90 * 24}})
        m_range->addItem(label, hours);
    m_range->setCurrentIndex(2);
    m_queue->setObjectName(QStringLiteral("deliveryQueue"));
    m_channel->setObjectName(QStringLiteral("deliveryChannel"));
    m_type->setObjectName(QStringLiteral("deliveryType"));
    for (QComboBox *box : {m_queue, m_channel, m_type}) {
        // A fixed width, so that a long queue or type name does not push the buttons off the row.
        box->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        box->setMinimumContentsLength(12);
        fillChoices(box, {}, {});
        connect(box, &QComboBox::activated, this, &DeliveryDashboard::refresh);
    }
    connect(m_range, &QComboBox::activated, this, &DeliveryDashboard::refresh);
    m_failures->setToolTip(tr("Failed messages grouped by the cause in their errors, with Retry and Cancel per group"));
    connect(m_failures, &QPushButton::clicked, this, &DeliveryDashboard::failuresRequested);
    m_export->setToolTip(tr("Save the chart and figures as a PNG picture, or the buckets as CSV"));
    connect(m_export, &QPushButton::clicked, this, &DeliveryDashboard::askExport);

    m_error->setObjectName(QStringLiteral("deliveryError"));
    m_error->setWordWrap(true);
    m_error->hide();

    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chartView->setRenderHint(QPainter::Antialiasing);
    m_chartView->setMinimumHeight(220);

    m_groupsView->setObjectName(QStringLiteral("deliveryGroups"));
    m_groupsView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_groupsView->horizontalHeader()->setStretchLastSection(true);
    m_groupsView->setToolTip(tr("Double-click a group to see its messages"));
    connect(m_groupsView, &QTableView::activated, this, [this](const QModelIndex &index) {
        if (index.isValid() && index.row() < m_groups->groups().size()) {
            const DeliveryGroup &g = m_groups->groups()[index.row()];
            Q_EMIT groupActivated(g.queue, g.channel, g.type);
        }
    });

    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Range:"), this));
    top->addWidget(m_range);
    top->addSpacing(12);
    top->addWidget(new QLabel(tr("Queue:"), this));
    top->addWidget(m_queue);
    top->addWidget(new QLabel(tr("Channel:"), this));
    top->addWidget(m_channel);
    top->addWidget(new QLabel(tr("Type:"), this));
    top->addWidget(m_type);
    top->addStretch(1);
    top->addWidget(m_failures);
    top->addWidget(m_export);

    auto *figures = new QWidget(this);
    figures->setObjectName(QStringLiteral("deliveryFigures"));
    auto *figuresRow = new QHBoxLayout(figures);
    figuresRow->setContentsMargins(0, 0, 0, 0);
    m_delivered = tile(QStringLiteral("deliveredFigure"), figures, figuresRow);
    m_failed = tile(QStringLiteral("failedFigure"), figures, figuresRow);
    m_retried = tile(QStringLiteral("retriedFigure"), figures, figuresRow);
    m_cancelled = tile(QStringLiteral("cancelledFigure"), figures, figuresRow);
    m_lateness = tile(QStringLiteral("latenessFigure"), figures, figuresRow);
    m_now = tile(QStringLiteral("nowFigure"), figures, figuresRow);

    auto *charts = new QWidget(this);
    charts->setObjectName(QStringLiteral("deliveryCharts"));
    auto *chartsLayout = new QVBoxLayout(charts);
    chartsLayout->setContentsMargins(0, 0, 0, 0);
    chartsLayout->addWidget(figures);
    chartsLayout->addWidget(m_chartView, 1);

    auto *groupsBox = new QWidget(this);
    auto *groupsLayout = new QVBoxLayout(groupsBox);
    groupsLayout->setContentsMargins(0, 0, 0, 0);
    groupsLayout->addWidget(new QLabel(tr("<b>Per queue, channel and type</b>"), groupsBox));
    groupsLayout->addWidget(m_groupsView);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(charts);
    split->addWidget(groupsBox);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(top);
    layout->addWidget(m_error);
    layout->addWidget(split, 1);

    m_refreshTimer.setInterval(kRefreshMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &DeliveryDashboard::refresh);
    display(Read{});
}

DeliveryDashboard::~DeliveryDashboard() = default;

void DeliveryDashboard::fillChoices(QComboBox *box, const QStringList &names, const QString &all)
{
    const QString current = box->currentData().toString();
    const QSignalBlocker blocker(box);
    box->clear();
    box->addItem(all.isEmpty() ? tr("All") : all, QString());
    QStringList sorted = names;
    if (!current.isEmpty() && !sorted.contains(current))
        sorted << current; // keep a choice the data no longer shows
    sorted.sort(Qt::CaseInsensitive);
    for (const QString &name : std::as_const(sorted))
        box->addItem(name, name);
    box->setCurrentIndex(std::max(0, box->findData(current)));
}

void DeliveryDashboard::setStoreThread(StoreThread *storeThread)
{
    m_storeThread = storeThread;
    ++m_generation;
    for (QComboBox *box : {m_queue, m_channel, m_type}) {
        const QSignalBlocker blocker(box);
        box->setCurrentIndex(0);
    }
    display(Read{});
    refresh();
}

void DeliveryDashboard::setRange(int hours)
{
    const int index = m_range->findData(hours);
    if (index >= 0)
        m_range->setCurrentIndex(index);
    refresh();
}

void DeliveryDashboard::setFilter(const QString &queue, const QString &channel, const QString &type)
{
    const auto choose = [](QComboBox *box, const QString &value) {
        const QSignalBlocker blocker(box);
        int index = box->findData(value);
        if (index < 0) {
            box->addItem(value, value);
            index = box->count() - 1;
        }
        box->setCurrentIndex(value.isEmpty() ? 0 : index);
    };
    choose(m_queue, queue);
    choose(m_channel, channel);
    choose(m_type, type);
    refresh();
}

void DeliveryDashboard::refresh()
{
    const quint64 generation = ++m_generation;
    if (!m_storeThread)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 range = qint64(m_range->currentData().toInt()) * kHourMs;
    DeliveryQuery query;
    query.bucketMs = deliveryBucketFor(range);
    query.toMs = now - now % 60'000 + 60'000; // the minute under way included
    query.fromMs = query.toMs - range;
    if (query.bucketMs >= 24 * kHourMs) // days start at local midnight
        query.alignOffsetMs = qint64(QTimeZone::systemTimeZone().offsetFromUtc(QDateTime::fromMSecsSinceEpoch(now))) * 1000;
    query.queue = m_queue->currentData().toString();
    query.channel = m_channel->currentData().toString();
    query.type = m_type->currentData().toString();
    m_storeThread->post(
        this,
        [query](Store &store) -> Result<Read> {
            Read read;
            auto data = store.deliveryDashboard(query);
            if (!data)
                return data.error();
            read.data = std::move(data).value();
            auto queues = store.queues();
            if (!queues)
                return queues.error();
            for (const QueueConfig &q : std::as_const(*queues))
                read.queues << q.name;
            auto channels = store.channels();
            if (!channels)
                return channels.error();
            for (const ChannelConfig &c : std::as_const(*channels))
                read.channels << c.name;
            return read;
        },
        [this, generation](Result<Read> read) {
            if (generation != m_generation)
                return;
            if (!read)
                showError(read.errorString());
            else
                display(*read);
            Q_EMIT loaded();
        });
}

void DeliveryDashboard::showError(const QString &error)
{
    m_error->setText(tr("The delivery figures could not be read: %1").arg(error));
    m_error->show();
}

void DeliveryDashboard::display(const Read &read)
{
    m_error->hide();
    m_data = read.data;
    fillChoices(m_queue, read.queues, tr("All queues"));
    fillChoices(m_channel, read.channels, tr("All channels"));
    QStringList types;
    for (const DeliveryGroup &g : std::as_const(m_data.groups))
        if (!types.contains(g.type))
            types << g.type;
    fillChoices(m_type, types, tr("All types"));
    m_groups->setGroups(m_data.groups);

    const DeliveryCounts &t = m_data.total;
    const qint64 finished = t.delivered + t.failed;
    setTile(m_delivered, tr("Delivered"), number(t.delivered),
            finished > 0 ? tr("%1 % of finished").arg(QLocale().toString(100.0 * double(t.delivered) / double(finished), 'f', 1)) : QString());
    setTile(m_failed, tr("Failed"), number(t.failed), t.failed > 0 ? tr("see Failures by cause") : QString());
    setTile(m_retried, tr("Retried"), number(t.retried));
    setTile(m_cancelled, tr("Cancelled"), number(t.cancelled));
    setTile(m_lateness, tr("Lateness p50 · p95 · p99"),
            QStringLiteral("%1 · %2 · %3").arg(latenessText(m_data.latenessP50Ms), latenessText(m_data.latenessP95Ms), latenessText(m_data.latenessP99Ms)));
    const QString eta = m_data.backlog == 0         ? tr("nothing waiting")
                        : m_data.backlogEtaMs      ? tr("backlog %1, through in ~%2").arg(number(m_data.backlog), formatDuration(roundEstimate(*m_data.backlogEtaMs)))
                                                   : tr("backlog %1, not moving").arg(number(m_data.backlog));
    setTile(m_now, tr("Now, per minute"), QLocale().toString(m_data.deliveredPerMinuteNow, 'f', m_data.deliveredPerMinuteNow < 10 ? 1 : 0), eta);
    redraw();
}

QString DeliveryDashboard::figuresText() const
{
    QStringList parts;
    for (QLabel *label : {m_delivered, m_failed, m_retried, m_cancelled, m_lateness, m_now}) {
        QString plain = label->text();
        plain.replace(QStringLiteral("<br>"), QStringLiteral(" "));
        plain.remove(QRegularExpression(QStringLiteral("<[^>]*>")));
        parts << plain;
    }
    return parts.join(QStringLiteral(" | "));
}

void DeliveryDashboard::redraw()
{
    m_chart->removeAllSeries();
    for (QAbstractAxis *axis : m_chart->axes()) {
        m_chart->removeAxis(axis);
        delete axis;
    }
    const QList<DeliveryBucket> &buckets = m_data.buckets;
    m_chart->setTitle(buckets.isEmpty() ? QString()
                                        : tr("Outcomes per %1 (stacked)").arg(formatDuration(m_data.query.bucketMs)));
    if (buckets.isEmpty())
        return;
    const qint64 step = m_data.query.bucketMs;
    auto *x = new QDateTimeAxis(m_chart);
    x->setFormat(step >= 24 * kHourMs ? QStringLiteral("MMM d") : step >= kHourMs ? QStringLiteral("MMM d HH:mm") : QStringLiteral("HH:mm"));
    x->setRange(QDateTime::fromMSecsSinceEpoch(buckets.constFirst().startMs), QDateTime::fromMSecsSinceEpoch(buckets.constLast().startMs + step));
    x->setTickCount(7);
    m_chart->addAxis(x, Qt::AlignBottom);
    auto *y = new QValueAxis(m_chart);
    y->setLabelFormat(QStringLiteral("%d"));
    m_chart->addAxis(y, Qt::AlignLeft);

    // Each measure an area from the sum of those below it to that plus itself, as steps per bucket.
    QList<qint64> below(buckets.size(), 0);
    qint64 top = 1;
    for (const Measure &measure : measures()) {
        auto *upper = new QLineSeries(m_chart);
        auto *lower = new QLineSeries(m_chart);
        for (qsizetype i = 0; i < buckets.size(); ++i) {
            const qint64 v = buckets[i].counts.*measure.field;
            const double from = double(buckets[i].startMs);
            const double to = double(buckets[i].startMs + step);
            lower->append(from, double(below[i]));
            lower->append(to, double(below[i]));
            below[i] += v;
            upper->append(from, double(below[i]));
            upper->append(to, double(below[i]));
            top = std::max(top, below[i]);
        }
        auto *area = new QAreaSeries(upper, lower);
        area->setName(measure.name);
        area->setColor(measure.color);
        area->setBorderColor(measure.color);
        m_chart->addSeries(area);
        area->attachAxis(x);
        area->attachAxis(y);
    }
    y->setRange(0, double(top) * 1.1);
    y->applyNiceNumbers();
    applyChartPalette(m_chart, palette());
}

void DeliveryDashboard::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyChartPalette(m_chart, palette());
}

void DeliveryDashboard::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_refreshTimer.start();
    refresh();
}

void DeliveryDashboard::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_refreshTimer.stop();
}

Status DeliveryDashboard::exportCsv(const QString &path) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::badInput(tr("cannot write %1: %2; choose another folder or file name").arg(path, file.errorString()));
    QByteArray out = "start";
    for (const Measure &measure : measures())
        out += ',' + measure.name.toLower().toUtf8();
    out += '\n';
    for (const DeliveryBucket &b : m_data.buckets) {
        out += QDateTime::fromMSecsSinceEpoch(b.startMs, QTimeZone::utc()).toString(Qt::ISODate).toUtf8();
        for (const Measure &measure : measures())
            out += ',' + QByteArray::number(b.counts.*measure.field);
        out += '\n';
    }
    file.write(out);
    if (!file.commit())
        return Error::runtime(tr("cannot finish %1: %2 (is the disk full?)").arg(path, file.errorString()));
    return {};
}

Status DeliveryDashboard::exportPng(const QString &path)
{
    QWidget *charts = findChild<QWidget *>(QStringLiteral("deliveryCharts"));
    if (!charts->grab().save(path, "PNG"))
        return Error::badInput(tr("cannot write the picture to %1; choose another folder or file name").arg(path));
    return {};
}

void DeliveryDashboard::askExport()
{
    const QString folder = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    QString chosenFilter;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the delivery dashboard"), folder + QStringLiteral("/delivery-dashboard.png"),
                                                      tr("PNG picture (*.png);;CSV buckets (*.csv)"), &chosenFilter);
    if (path.isEmpty())
        return;
    const Status done = path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive) ? exportCsv(path) : exportPng(path);
    if (!done) {
        QMessageBox::warning(this, tr("Export the delivery dashboard"), done.errorString());
        return;
    }
    Q_EMIT statusMessage(tr("Saved %1").arg(path));
}

} // namespace herald
