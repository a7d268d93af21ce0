#pragma once

#include "plans/PlanOverview.h"

#include <QAbstractScrollArea>
#include <QColor>
#include <QList>
#include <QSet>

namespace herald {

// An applied event on a time axis (DESIGN §11, the Plans section): the event, its sessions (packed in
// as few rows as overlap allows) and every derived message, one row per rule, each a dot coloured by
// its state. Messages at the same moment share a dot with their count. Times are on the event's clock.
//
// Fitted to the width at first; Ctrl+wheel (or zoomIn/zoomOut) zooms around the pointer and the
// scroll bars pan. Clicking a dot (or a session's bar: the messages anchored on it) emits
// messagesClicked; the selected messages are ringed. Painted directly, not one item per message: an
// event of 5,000 attendees has ~35,000 of them. GUI thread only.
class PlanTimeline : public QAbstractScrollArea
{
    Q_OBJECT

public:
    static constexpr int kGutter = 190; // lane titles
    static constexpr int kAxis = 40;    // tick labels
    static constexpr int kLane = 22;
    static constexpr double kMaxZoom = 2000;

    explicit PlanTimeline(QWidget *parent = nullptr);

    void setDetail(const PlanEventDetail &detail);
    void clear();
    void setSelectedMessages(const QSet<qint64> &ids);

    double zoom() const { return m_zoom; }
    // factor 1 fits the whole range in the width. anchorX: a viewport x that keeps its time (-1: the middle).
    void setZoom(double factor, int anchorX = -1);
    void zoomIn() { setZoom(m_zoom * 2); }
    void zoomOut() { setZoom(m_zoom / 2); }
    void fit() { setZoom(1); }
    // From 90 minutes before the event starts to three hours after it ends (its sessions and reminders).
    void zoomToEvent();
    // The time at the left edge of the lanes; scrollTo() puts a time there (a reload keeps the view).
    qint64 leftTime() const { return timeAt(kGutter); }
    void scrollTo(qint64 leftMs);

    // Palette-aware; nullopt is a message cleanup removed (it had been sent).
    static QColor stateColor(std::optional<MessageState> state);

    // For tests and the tooltips: the lanes' titles, top to bottom; where a message's dot is drawn
    // (viewport coordinates; a null point when it is off screen or unknown); what a point would select.
    QStringList laneTitles() const;
    QPoint pointOf(qint64 messageId) const;
    QList<qint64> messagesAt(const QPoint &viewportPos) const;
    qint64 timeAt(int viewportX) const;
    int xOf(qint64 ms) const;

Q_SIGNALS:
    void messagesClicked(const QList<qint64> &messageIds);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    struct Lane
    {
        enum class Kind { Event, Sessions, Messages } kind = Kind::Messages;
        QString title;
        QList<int> sessions; // Sessions: indices into the spec's sessions
        QList<int> messages; // Messages: indices into m_detail.messages, by run time
    };

    void layoutLanes();
    void updateScrollBars();
    double contentWidth() const;
    int laneTop(int lane) const;
    int laneAt(int viewportY) const;
    // The messages of a lane within `px` pixels of x, by run time.
    QList<int> laneMessagesNear(const Lane &lane, int x, int px) const;
    int sessionAt(const Lane &lane, int x) const;
    QString toolTipAt(const QPoint &pos) const;
    void paintAxis(QPainter &p, int width);
    void paintLane(QPainter &p, const Lane &lane, int top, int width);

    PlanEventDetail m_detail;
    QList<Lane> m_lanes;
    QSet<qint64> m_selected;
    qint64 m_t0 = 0;
    qint64 m_t1 = 0;
    double m_zoom = 1;
};

} // namespace herald
