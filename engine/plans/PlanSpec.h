#pragma once

#include "model/Message.h"
#include "model/Result.h"

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QTime>

#include <optional>
#include <utility>

namespace herald {

// One rule of a plan (DESIGN §11): a time rule (`at`) or a change rule (`on`).
//
// A time rule schedules one message per anchor instance and recipient:
//   at        registration | event.start | event.end | session.start | session.end
//   offset    a signed duration from the anchor: -15m, +2h, +7m, -1d (exact: -1d is 24 hours, also
//             across a daylight-saving change), "0" or +0m for the anchor itself; or
//   local_time "HH:MM" on the anchor's day in the event's time zone, moved by day_offset whole days
//             (-1: the day before), so 20:00 the night before is 20:00 on the local clock.
//   to        attendees (registration, event.*), speaker or session_attendees (session.* only; the
//             anchor instance is then one session, and "attendees" would mean everyone once per session).
//
// A change rule notifies its audience once per distinct change, compared with the event as it was last
// applied while active:
//   on        time_change (to: attendees when the event's start or end moved; speaker or
//             session_attendees of each session whose start or end moved), venue_change (to: attendees,
//             or speaker: every speaker of the event), cancellation (to: attendees or speaker).
//
// Both kinds: type (a message type, unique in the plan: it keys the templates and the derived
// messages' identity), priority 1 (most urgent) … 10 (default 10), channel (default: the plan's).
struct PlanRule
{
    enum class Kind { Time, Change };
    enum class Anchor { Registration, EventStart, EventEnd, SessionStart, SessionEnd };
    enum class Audience { Attendees, Speaker, SessionAttendees };
    enum class Trigger { TimeChange, VenueChange, Cancellation };

    Kind kind = Kind::Time;
    QString type;
    Audience audience = Audience::Attendees;
    int priority = kDefaultPriority;
    QString channel; // empty: the plan's

    // Time rules.
    Anchor anchor = Anchor::EventStart;
    qint64 offsetMs = 0;           // used when localTime is not set
    std::optional<QTime> localTime; // on the anchor's local day + dayOffset
    int dayOffset = 0;

    // Change rules.
    Trigger trigger = Trigger::TimeChange;

    bool isSessionAnchored() const { return anchor == Anchor::SessionStart || anchor == Anchor::SessionEnd; }

    static QString anchorName(Anchor anchor);
    static QString audienceName(Audience audience);
    static QString triggerName(Trigger trigger);

    bool operator==(const PlanRule &) const = default;
};

// What one locale of a message type says: Mustache templates, rendered at delivery with the data the
// derived message carries (event, session, attendee, change). A plan file gives either a string (the
// text) or an object with any of subject, text and html (e-mail wants a subject).
struct PlanTemplate
{
    QString subject;
    QString text;
    QString html;

    bool operator==(const PlanTemplate &) const = default;
};

// A plan file (DESIGN §11), read whole and checked before anything uses it:
//   {"name", "queue", "channel", "rules": [...], "templates": {TYPE: {LOCALE: TEXT | {subject, text, html}}}}
// Every rule's type needs templates (at least one locale), and every templates entry needs a rule.
// A value type: copy it freely; any thread may read it.
struct PlanSpec
{
    QString name;
    QString queue;
    QString channel;
    QList<PlanRule> rules;
    QMap<QString, QMap<QString, PlanTemplate>> templates; // type → locale → template

    // Every problem of the file, one line each, with its JSON path
    // ("plan.json: rules[2].offset: \"15 minutes\" is not a duration; write it as -15m, +2h or +1d").
    static Result<PlanSpec> parse(const QByteArray &json, const QString &source);
    static Result<PlanSpec> fromJson(const QJsonObject &object, const QString &source);
    // The plan file form: fromJson(toJson()) gives the same plan.
    QJsonObject toJson() const;

    const PlanRule *rule(const QString &type) const;
    QString channelOf(const PlanRule &rule) const { return rule.channel.isEmpty() ? channel : rule.channel; }

    // The template of type for a recipient's locale: that locale ("es-MX"), its language ("es"), "en",
    // else the alphabetically first locale the plan has. Returns the locale used and the template.
    std::pair<QString, PlanTemplate> templateFor(const QString &type, const QString &locale) const;

    bool operator==(const PlanSpec &) const = default;
};

} // namespace herald
