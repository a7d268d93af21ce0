#include "PlanTimeline.h"

#include "PlanEventsModel.h"
#include "PlanMessagesModel.h"

#include <QDateTime>
#include <QGuiApplication>
#include <QHash>
#include <QLocale>
#include <QMap>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QResizeEvent>
#include <QScrollBar>
#include <QTimeZone>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace herald {

namespace {

constexpr qint64 kMinute = 60'000;
constexpr qint64 kHour = 60 * kMinute;
constexpr qint64 kDay = 24 * kHour;
constexpr int kDot = 4; // radius

bool isDark()
{
    return QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
}

QColor withAlpha(QColor c, int alpha)
{
    c.setAlpha(alpha);
    return c;
}

} // namespace

QColor PlanTimeline::stateColor(std::optional<MessageState> state)
{
    const bool dark = isDark();
    if (!state) // sent, then removed by cleanup
        return dark ? QColor(0x5f, 0x8f, 0x62) : QColor(0x9c, 0xc9, 0x9f);
    switch (*state) {
    case MessageState::Scheduled: return dark ? QColor(0x9a, 0xa9, 0xb5) : QColor(0x60, 0x7d, 0x8b);
    case MessageState::Waiting: return dark ? QColor(0xf2, 0xc8, 0x79) : QColor(0xe0, 0x8e, 0x0b);
    case MessageState::Active: return dark ? QColor(0x9c, 0xc7, 0xf5) : QColor(0x15, 0x65, 0xc0);
    case MessageState::Completed: return dark ? QColor(0x9f, 0xd3, 0xa2) : QColor(0x2e, 0x7d, 0x32);
    case MessageState::Failed: return dark ? QColor(0xf2, 0xa7, 0xa0) : QColor(0xc6, 0x28, 0x28);
    case MessageState::Cancelled: return dark ? QColor(0x6b, 0x6f, 0x75) : QColor(0xbd, 0xbd, 0xbd);
    }
    return {};
}

PlanTimeline::PlanTimeline(QWidget *parent) : QAbstractScrollArea(parent)
{
    viewport()->setMouseTracking(true);
    viewport()->setBackgroundRole(QPalette::Base);
    horizontalScrollBar()->setSingleStep(40);
    verticalScrollBar()->setSingleStep(kLane);
    setMinimumHeight(kAxis + 4 * kLane);
}

void PlanTimeline::setDetail(const PlanEventDetail &detail)
{
    m_detail = detail;
    m_selected.clear();
    layoutLanes();
    m_zoom = 1;
    updateScrollBars();
    horizontalScrollBar()->setValue(0);
    verticalScrollBar()->setValue(0);
    viewport()->update();
}

void PlanTimeline::clear()
{
    setDetail({});
}

void PlanTimeline::setSelectedMessages(const QSet<qint64> &ids)
{
    if (ids == m_selected)
        return;
    m_selected = ids;
    viewport()->update();
}

void PlanTimeline::layoutLanes()
{
    m_lanes.clear();
    m_t0 = m_t1 = 0;
    qint64 lo = std::numeric_limits<qint64>::max();
    qint64 hi = std::numeric_limits<qint64>::min();
    auto span = [&](qint64 from, qint64 to) {
        lo = std::min(lo, from);
        hi = std::max(hi, to);
    };
    if (const auto &spec = m_detail.spec) {
        span(spec->startMs, spec->endMs);
        m_lanes << Lane{Lane::Kind::Event, tr("Event"), {}, {}};
        // Sessions packed greedily, by start, into the first row where they do not overlap.
        QList<int> order(spec->sessions.size());
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return spec->sessions.at(a).startMs < spec->sessions.at(b).startMs; });
        QList<qint64> rowEnds;
        const int firstSessionLane = int(m_lanes.size());
        for (int i : std::as_const(order)) {
            const EventSession &s = spec->sessions.at(i);
            span(s.startMs, s.endMs);
            int row = 0;
            while (row < rowEnds.size() && rowEnds.at(row) > s.startMs)
                ++row;
            if (row == rowEnds.size()) {
                rowEnds << 0;
                m_lanes << Lane{Lane::Kind::Sessions, row == 0 ? tr("Sessions") : QString(), {}, {}};
            }
            rowEnds[row] = s.endMs;
            m_lanes[firstSessionLane + row].sessions << i;
        }
    }
    // One lane per rule (notices of a type share one), in the order their first message runs.
    QHash<QString, int> laneOfType;
    for (int i = 0; i < m_detail.messages.size(); ++i) {
        const PlanTimelineMessage &m = m_detail.messages.at(i);
        span(m.runAt, m.runAt);
        const QString title = m.type.isEmpty() ? tr("(unknown rule)") : m.type;
        auto it = laneOfType.find(title);
        if (it == laneOfType.end()) {
            it = laneOfType.insert(title, int(m_lanes.size()));
            m_lanes << Lane{Lane::Kind::Messages, title, {}, {}};
        }
        m_lanes[*it].messages << i; // m_detail.messages is by run time already
    }
    if (lo > hi)
        return;
    const qint64 margin = std::max<qint64>((hi - lo) / 30, 30 * kMinute);
    m_t0 = lo - margin;
    m_t1 = hi + margin;
}

double PlanTimeline::contentWidth() const
{
    return std::max(100.0, double(viewport()->width() - kGutter) * m_zoom);
}

void PlanTimeline::updateScrollBars()
{
    const int visible = std::max(1, viewport()->width() - kGutter);
    const double width = contentWidth();
    horizontalScrollBar()->setPageStep(visible);
    horizontalScrollBar()->setRange(0, int(std::min(double(std::numeric_limits<int>::max() / 2), std::max(0.0, width - visible))));
    const int height = int(m_lanes.size()) * kLane + 8;
    const int visibleHeight = std::max(1, viewport()->height() - kAxis);
    verticalScrollBar()->setPageStep(visibleHeight);
    verticalScrollBar()->setRange(0, std::max(0, height - visibleHeight));
}

void PlanTimeline::setZoom(double factor, int anchorX)
{
    factor = std::clamp(factor, 1.0, kMaxZoom);
    if (anchorX < kGutter)
        anchorX = kGutter + (viewport()->width() - kGutter) / 2;
    const qint64 anchor = timeAt(anchorX);
    m_zoom = factor;
    updateScrollBars();
    if (m_t1 > m_t0) {
        const double offset = double(anchor - m_t0) / double(m_t1 - m_t0) * contentWidth();
        horizontalScrollBar()->setValue(int(std::lround(offset - (anchorX - kGutter))));
    }
    viewport()->update();
}

void PlanTimeline::zoomToEvent()
{
    if (!m_detail.spec || m_t1 <= m_t0)
        return;
    const qint64 from = std::max(m_t0, m_detail.spec->startMs - 3 * kHour / 2);
    const qint64 to = std::min(m_t1, m_detail.spec->endMs + 3 * kHour);
    if (to <= from)
        return;
    m_zoom = std::clamp(double(m_t1 - m_t0) / double(to - from), 1.0, kMaxZoom);
    updateScrollBars();
    scrollTo(from);
    viewport()->update();
}

qint64 PlanTimeline::timeAt(int viewportX) const
{
    if (m_t1 <= m_t0)
        return 0;
    const double x = viewportX - kGutter + horizontalScrollBar()->value();
    return m_t0 + qint64(std::llround(x / contentWidth() * double(m_t1 - m_t0)));
}

int PlanTimeline::xOf(qint64 ms) const
{
    if (m_t1 <= m_t0)
        return kGutter;
    const double x = double(ms - m_t0) / double(m_t1 - m_t0) * contentWidth();
    return kGutter + int(std::lround(x)) - horizontalScrollBar()->value();
}

int PlanTimeline::laneTop(int lane) const
{
    return kAxis + lane * kLane - verticalScrollBar()->value();
}

int PlanTimeline::laneAt(int viewportY) const
{
    if (viewportY < kAxis)
        return -1;
    const int lane = (viewportY - kAxis + verticalScrollBar()->value()) / kLane;
    return lane < m_lanes.size() ? lane : -1;
}

QStringList PlanTimeline::laneTitles() const
{
    QStringList titles;
    for (const Lane &lane : m_lanes)
        titles << lane.title;
    return titles;
}

QList<int> PlanTimeline::laneMessagesNear(const Lane &lane, int x, int px) const
{
    const qint64 from = timeAt(x - px);
    const qint64 to = timeAt(x + px);
    auto runAt = [this](int i) { return m_detail.messages.at(i).runAt; };
    auto first = std::lower_bound(lane.messages.cbegin(), lane.messages.cend(), from, [&](int i, qint64 t) { return runAt(i) < t; });
    QList<int> near;
    for (auto it = first; it != lane.messages.cend() && runAt(*it) <= to; ++it)
        near << *it;
    return near;
}

int PlanTimeline::sessionAt(const Lane &lane, int x) const
{
    if (!m_detail.spec)
        return -1;
    const qint64 t = timeAt(x);
    for (int i : lane.sessions) {
        const EventSession &s = m_detail.spec->sessions.at(i);
        if (t >= s.startMs && t <= s.endMs)
            return i;
    }
    return -1;
}

QList<qint64> PlanTimeline::messagesAt(const QPoint &pos) const
{
    QList<qint64> ids;
    const int laneIndex = pos.x() >= kGutter ? laneAt(pos.y()) : -1;
    if (laneIndex < 0)
        return ids;
    const Lane &lane = m_lanes.at(laneIndex);
    if (lane.kind == Lane::Kind::Messages) {
        for (int i : laneMessagesNear(lane, pos.x(), kDot + 2))
            if (const qint64 id = m_detail.messages.at(i).messageId; id > 0)
                ids << id;
    } else if (lane.kind == Lane::Kind::Sessions) {
        if (const int s = sessionAt(lane, pos.x()); s >= 0) {
            const QString &session = m_detail.spec->sessions.at(s).id;
            for (const PlanTimelineMessage &m : std::as_const(m_detail.messages))
                if (m.session == session && m.messageId > 0)
                    ids << m.messageId;
        }
    }
    return ids;
}

QPoint PlanTimeline::pointOf(qint64 messageId) const
{
    for (int l = 0; l < m_lanes.size(); ++l)
        for (int i : m_lanes.at(l).messages)
            if (m_detail.messages.at(i).messageId == messageId) {
                const QPoint p(xOf(m_detail.messages.at(i).runAt), laneTop(l) + kLane / 2);
                return viewport()->rect().contains(p) && p.x() >= kGutter ? p : QPoint();
            }
    return {};
}

QString PlanTimeline::toolTipAt(const QPoint &pos) const
{
    const int laneIndex = pos.x() >= kGutter ? laneAt(pos.y()) : -1;
    if (laneIndex < 0)
        return {};
    const Lane &lane = m_lanes.at(laneIndex);
    const QString zone = m_detail.spec ? m_detail.spec->timezone : QString();
    if (lane.kind == Lane::Kind::Event) {
        const EventSpec &e = *m_detail.spec;
        if (timeAt(pos.x()) < e.startMs || timeAt(pos.x()) > e.endMs)
            return {};
        return tr("<b>%1</b> (%2, %3)<br>%4 – %5")
            .arg(e.name.toHtmlEscaped(), e.id.toHtmlEscaped(), EventSpec::statusName(e.status), PlanEventsModel::eventTime(e.startMs, zone),
                 PlanEventsModel::eventTime(e.endMs, zone, false));
    }
    if (lane.kind == Lane::Kind::Sessions) {
        const int s = sessionAt(lane, pos.x());
        if (s < 0)
            return {};
        const EventSession &session = m_detail.spec->sessions.at(s);
        const EventPerson *speaker = session.speakerId.isEmpty() ? nullptr : m_detail.spec->person(session.speakerId);
        return tr("<b>%1</b> (%2)<br>%3 – %4%5<br>Click: its messages")
            .arg(session.title.toHtmlEscaped(), session.id.toHtmlEscaped(), PlanEventsModel::eventTime(session.startMs, zone),
                 PlanEventsModel::eventTime(session.endMs, zone, false),
                 speaker ? tr("<br>Speaker: %1").arg(speaker->displayName().toHtmlEscaped()) : QString());
    }
    const QList<int> near = laneMessagesNear(lane, pos.x(), kDot + 2);
    if (near.isEmpty())
        return {};
    const PlanTimelineMessage &first = m_detail.messages.at(near.constFirst());
    QMap<QString, int> byState;
    for (int i : near)
        ++byState[PlanMessagesModel::stateText(m_detail.messages.at(i))];
    QStringList states;
    for (auto it = byState.cbegin(); it != byState.cend(); ++it)
        states << QStringLiteral("%1 %2").arg(QLocale().toString(it.value()), it.key());
    const QString who = near.size() == 1 ? (first.personName.isEmpty() ? first.person : first.personName).toHtmlEscaped()
                                         : tr("%1 messages").arg(QLocale().toString(qsizetype(near.size())));
    return tr("<b>%1</b>: %2<br>%3<br>%4").arg(lane.title.toHtmlEscaped(), who, PlanEventsModel::eventTime(first.runAt, zone), states.join(QStringLiteral(", ")));
}

void PlanTimeline::scrollTo(qint64 leftMs)
{
    if (m_t1 <= m_t0)
        return;
    horizontalScrollBar()->setValue(int(std::lround(double(leftMs - m_t0) / double(m_t1 - m_t0) * contentWidth())));
}

void PlanTimeline::resizeEvent(QResizeEvent *event)
{
    // The same time stays at the left edge: the content is as wide as the viewport times the zoom.
    const int oldWidth = event->oldSize().width();
    qint64 left = -1;
    if (oldWidth > 0 && m_t1 > m_t0) {
        const double oldContent = std::max(100.0, double(oldWidth - kGutter) * m_zoom);
        left = m_t0 + qint64(std::llround(horizontalScrollBar()->value() / oldContent * double(m_t1 - m_t0)));
    }
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
    if (left >= 0)
        scrollTo(left);
}

void PlanTimeline::scrollContentsBy(int, int)
{
    viewport()->update();
}

void PlanTimeline::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    const QList<qint64> ids = messagesAt(event->position().toPoint());
    if (!ids.isEmpty())
        Q_EMIT messagesClicked(ids);
}

void PlanTimeline::wheelEvent(QWheelEvent *event)
{
    if (!(event->modifiers() & Qt::ControlModifier)) {
        QAbstractScrollArea::wheelEvent(event);
        return;
    }
    const int steps = event->angleDelta().y() / 120;
    if (steps != 0)
        setZoom(m_zoom * std::pow(1.5, steps), int(event->position().x()));
    event->accept();
}

bool PlanTimeline::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipAt(help->pos());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, viewport());
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void PlanTimeline::paintEvent(QPaintEvent *)
{
    QPainter p(viewport());
    const QPalette &pal = palette();
    const int width = viewport()->width();
    const int height = viewport()->height();
    p.fillRect(viewport()->rect(), pal.color(QPalette::Base));
    if (m_lanes.isEmpty()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(viewport()->rect(), Qt::AlignCenter, tr("Pick an event to see its messages on a time axis"));
        return;
    }

    // Lanes, behind the axis and the gutter.
    p.save();
    p.setClipRect(QRect(0, kAxis, width, height - kAxis));
    for (int l = 0; l < m_lanes.size(); ++l) {
        const int top = laneTop(l);
        if (top + kLane < kAxis || top > height)
            continue;
        if (l % 2 == 1)
            p.fillRect(QRect(0, top, width, kLane), pal.color(QPalette::AlternateBase));
        p.save();
        p.setClipRect(QRect(kGutter, std::max(top, kAxis), width - kGutter, kLane));
        paintLane(p, m_lanes.at(l), top, width);
        p.restore();
        p.setPen(pal.color(QPalette::WindowText));
        const QRect title(8, top, kGutter - 16, kLane);
        p.drawText(title, Qt::AlignVCenter | Qt::AlignLeft, p.fontMetrics().elidedText(m_lanes.at(l).title, Qt::ElideRight, title.width()));
    }
    p.restore();

    // Now, across every lane.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now > m_t0 && now < m_t1) {
        const int x = xOf(now);
        if (x >= kGutter && x < width) {
            p.setPen(QPen(QColor(0xe5, 0x39, 0x35), 1, Qt::DashLine));
            p.drawLine(x, kAxis - 6, x, height);
            p.drawText(QRect(x + 3, kAxis - 16, 40, 14), Qt::AlignLeft | Qt::AlignVCenter, tr("now"));
        }
    }
    paintAxis(p, width);
    p.setPen(pal.color(QPalette::Mid));
    p.drawLine(kGutter - 1, 0, kGutter - 1, height);
}

void PlanTimeline::paintAxis(QPainter &p, int width)
{
    const QPalette &pal = palette();
    p.fillRect(QRect(0, 0, width, kAxis), pal.color(QPalette::Window));
    p.setPen(pal.color(QPalette::Mid));
    p.drawLine(0, kAxis - 1, width, kAxis - 1);
    if (m_t1 <= m_t0)
        return;
    const QString zoneId = m_detail.spec ? m_detail.spec->timezone : QString();
    const QTimeZone zone(zoneId.toUtf8());
    auto local = [&](qint64 ms) { return zone.isValid() ? QDateTime::fromMSecsSinceEpoch(ms, zone) : QDateTime::fromMSecsSinceEpoch(ms); };
    p.setPen(pal.color(QPalette::PlaceholderText));
    p.drawText(QRect(8, 0, kGutter - 16, kAxis), Qt::AlignVCenter | Qt::AlignLeft,
               zone.isValid() ? tr("Times in %1").arg(zoneId) : tr("Local times"));

    const double pxPerMs = contentWidth() / double(m_t1 - m_t0);
    static const qint64 steps[] = {5 * kMinute, 15 * kMinute, 30 * kMinute, kHour,   2 * kHour, 3 * kHour,
                                   6 * kHour,   12 * kHour,   kDay,         2 * kDay, 7 * kDay};
    qint64 step = steps[std::size(steps) - 1];
    for (qint64 s : steps)
        if (double(s) * pxPerMs >= 64) {
            step = s;
            break;
        }
    const QLocale locale;
    QDateTime tick = local(m_t0);
    tick = QDateTime(tick.date(), QTime(0, 0), tick.timeZone());
    const qint64 firstVisible = timeAt(kGutter);
    const qint64 lastVisible = timeAt(width);
    bool dayLabelled = false;
    p.save();
    p.setClipRect(QRect(kGutter, 0, width - kGutter, viewport()->height()));
    while (tick.toMSecsSinceEpoch() <= std::min(m_t1, lastVisible + step)) {
        const qint64 t = tick.toMSecsSinceEpoch();
        const QDateTime next = step >= kDay ? tick.addDays(step / kDay) : tick.addMSecs(step);
        if (t >= firstVisible - step) {
            const int x = xOf(t);
            const bool midnight = tick.time() == QTime(0, 0);
            p.setPen(withAlpha(pal.color(QPalette::Mid), midnight ? 255 : 110));
            p.drawLine(x, kAxis - (midnight ? 14 : 6), x, viewport()->height());
            p.setPen(pal.color(QPalette::WindowText));
            if (step >= kDay) {
                p.drawText(QRect(x + 3, 4, 160, 16), Qt::AlignLeft | Qt::AlignVCenter, locale.toString(tick, QStringLiteral("ddd d MMM")));
            } else {
                p.drawText(QRect(x + 3, kAxis - 18, 60, 16), Qt::AlignLeft | Qt::AlignVCenter, locale.toString(tick, QStringLiteral("HH:mm")));
                if (midnight || (!dayLabelled && x >= kGutter)) {
                    p.drawText(QRect(std::max(x, kGutter) + 3, 2, 160, 16), Qt::AlignLeft | Qt::AlignVCenter,
                               locale.toString(tick, QStringLiteral("ddd d MMM yyyy")));
                    dayLabelled = true;
                }
            }
        }
        if (next <= tick)
            break;
        tick = next;
    }
    p.restore();
}

void PlanTimeline::paintLane(QPainter &p, const Lane &lane, int top, int width)
{
    const QPalette &pal = palette();
    const int middle = top + kLane / 2;
    p.setRenderHint(QPainter::Antialiasing, true);
    if (lane.kind == Lane::Kind::Event) {
        const EventSpec &e = *m_detail.spec;
        const QRect bar(QPoint(xOf(e.startMs), top + 4), QPoint(std::max(xOf(e.endMs), xOf(e.startMs) + 2), top + kLane - 5));
        QColor fill = pal.color(QPalette::Highlight);
        if (e.status != EventSpec::Status::Active)
            fill = pal.color(QPalette::PlaceholderText);
        p.setPen(Qt::NoPen);
        p.setBrush(withAlpha(fill, 200));
        p.drawRoundedRect(bar, 3, 3);
        p.setPen(pal.color(QPalette::HighlightedText));
        const QRect text = bar.adjusted(6, 0, -4, 0).intersected(QRect(kGutter + 4, top, width, kLane));
        const QString label = e.status == EventSpec::Status::Active ? e.name : QStringLiteral("%1 (%2)").arg(e.name, EventSpec::statusName(e.status));
        p.drawText(text, Qt::AlignVCenter | Qt::AlignLeft, p.fontMetrics().elidedText(label, Qt::ElideRight, text.width()));
        return;
    }
    if (lane.kind == Lane::Kind::Sessions) {
        for (int i : lane.sessions) {
            const EventSession &s = m_detail.spec->sessions.at(i);
            const int x0 = xOf(s.startMs);
            const int x1 = std::max(xOf(s.endMs), x0 + 2);
            if (x1 < kGutter || x0 > width)
                continue;
            const QRect bar(QPoint(x0, top + 5), QPoint(x1, top + kLane - 6));
            p.setPen(withAlpha(pal.color(QPalette::Highlight), 220));
            p.setBrush(withAlpha(pal.color(QPalette::Highlight), 60));
            p.drawRoundedRect(bar, 3, 3);
            if (bar.width() > 24) {
                p.setPen(pal.color(QPalette::WindowText));
                const QRect text = bar.adjusted(4, 0, -2, 0);
                p.drawText(text, Qt::AlignVCenter | Qt::AlignLeft, p.fontMetrics().elidedText(s.title, Qt::ElideRight, text.width()));
            }
        }
        return;
    }
    // Messages: the ones a few pixels apart share a dot per state, with their count beside it.
    const QList<int> visible = laneMessagesNear(lane, kGutter + (width - kGutter) / 2, (width - kGutter) / 2 + 2 * kDot);
    int labelEnd = std::numeric_limits<int>::min();
    QFont small = p.font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    for (qsizetype i = 0; i < visible.size();) {
        const int x = xOf(m_detail.messages.at(visible.at(i)).runAt);
        QMap<int, int> byState; // state order → count (-1: removed)
        bool selected = false;
        qsizetype j = i;
        for (; j < visible.size(); ++j) {
            const PlanTimelineMessage &m = m_detail.messages.at(visible.at(j));
            if (xOf(m.runAt) - x > 2)
                break;
            ++byState[m.state ? int(*m.state) : -1];
            selected = selected || (m.messageId > 0 && m_selected.contains(m.messageId));
        }
        const int n = int(byState.size());
        int k = 0;
        int total = 0;
        for (auto it = byState.cbegin(); it != byState.cend(); ++it, ++k) {
            const int y = middle + int(std::lround((k - (n - 1) / 2.0) * 7));
            const std::optional<MessageState> state = it.key() < 0 ? std::nullopt : std::optional(MessageState(it.key()));
            p.setPen(QPen(pal.color(QPalette::Base), 1));
            p.setBrush(stateColor(state));
            p.drawEllipse(QPoint(x, y), kDot, kDot);
            total += it.value();
        }
        if (selected) {
            p.setPen(QPen(pal.color(QPalette::Highlight), 2));
            p.setBrush(Qt::NoBrush);
            const int half = kDot + 3 + (n - 1) * 4;
            p.drawRoundedRect(QRect(x - kDot - 3, middle - half, 2 * (kDot + 3), 2 * half), 4, 4);
        }
        if (total > 1 && x + kDot + 2 > labelEnd) {
            p.setFont(small);
            p.setPen(pal.color(QPalette::PlaceholderText));
            const QString count = QLocale().toString(total);
            const int w = p.fontMetrics().horizontalAdvance(count);
            p.drawText(QRect(x + kDot + 2, top, w + 2, kLane), Qt::AlignVCenter | Qt::AlignLeft, count);
            labelEnd = x + kDot + 4 + w;
            p.setFont(font());
        }
        i = j;
    }
}

} // namespace herald
