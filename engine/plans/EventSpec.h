#pragma once

#include "model/Result.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTimeZone>

namespace herald {

// A person an event's messages go to: an attendee, or a speaker given inline in a session.
struct EventPerson
{
    QString id; // the caller's id; unique among the event's attendees and inline speakers
    QString firstName;
    QString lastName;
    QString name; // as given; displayName() falls back to the first and last names
    QString phone;
    QString email;
    QString pushToken;
    QString locale;       // empty: the plan's templates choose ("en", else their first locale)
    QStringList sessions; // attendees: the ids of the sessions they attend
    QJsonObject data;     // free-form, for templates (attendee.data.*)
    bool isAttendee = true;

    QString displayName() const;

    bool operator==(const EventPerson &) const = default;
};

struct EventSession
{
    QString id;
    QString title;
    qint64 startMs = 0;
    qint64 endMs = 0;
    QString speakerId; // an attendee's id or an inline speaker's; empty: no speaker
    QJsonObject data;

    bool operator==(const EventSession &) const = default;
};

// An event file (DESIGN §11), read whole and checked before anything uses it:
//   {"id", "name", "status": "draft" | "active" | "cancelled", "timezone": IANA id, "start", "end",
//    "venue"?, "data"?, "sessions"?: [{"id", "title"?, "start", "end", "speaker"?, "data"?}],
//    "attendees"?: [{"id", "first_name"?, "last_name"?, "name"?, "phone"?, "email"?, "push_token"?,
//                    "locale"?, "sessions"?: [ID…], "data"?}]}
//
// - Ids (event, sessions, attendees, speakers) are strings or whole numbers (41 reads as "41").
// - Times are ISO 8601 and local to `timezone` unless they carry Z or an offset. A local time that a
//   daylight-saving change skips is the change itself; one that comes twice is its first occurrence.
//   A session may lie outside the event's start and end (a workshop the day before): not checked.
// - A session's speaker is an attendee's id (a speaker who is also an attendee: one person, one set of
//   contact details), or an object {"id", "name" or "first_name"/"last_name", "phone", "email",
//   "push_token", "locale", "data"} for a speaker who is not an attendee. Such an object's id must not
//   be an attendee's; it may be given again in another session (identically) or named there by id.
// - venue is text or an object (e.g. {"name", "address"}); a venue change compares it whole.
// - data objects are free-form and reach the templates as event.data, session.data, attendee.data.
// - Refused, with the JSON path: not JSON, unknown fields, missing id/name/status/timezone/start/end,
//   an unknown time zone, an end before its start, duplicate session or attendee ids, an attendee's
//   session or a speaker id the event lacks, a malformed locale.
// A value type: copy it freely; any thread may read it.
struct EventSpec
{
    enum class Status { Draft, Active, Cancelled };

    QString id;
    QString name;
    Status status = Status::Draft;
    QString timezone; // IANA id, e.g. Europe/Madrid
    qint64 startMs = 0;
    qint64 endMs = 0;
    QJsonValue venue; // text or object; null when not given
    QJsonObject data;
    QList<EventSession> sessions;
    QList<EventPerson> attendees;
    QList<EventPerson> speakers; // inline speakers (not attendees), each once, in order of first mention

    // Every problem of the file, one line each, with its JSON path
    // ("event.json: attendees[3].sessions[0]: \"s9\" is not a session of this event; …").
    static Result<EventSpec> parse(const QByteArray &json, const QString &source);
    static Result<EventSpec> fromJson(const QJsonObject &object, const QString &source);
    // The event file form, times on the event's clock with their offset: fromJson(toJson()) gives the
    // same event.
    QJsonObject toJson() const;
    // The snapshot a store keeps to compare the next apply with: toJson() and when the apply that
    // stored it ran (kept as the active snapshot, that is when its people were told).
    QByteArray toSnapshot(qint64 appliedAtMs) const;
    // A snapshot back; appliedAtMs (if given) is 0 for one stored before the time was kept.
    static Result<EventSpec> parseSnapshot(const QByteArray &snapshot, const QString &source, qint64 *appliedAtMs = nullptr);

    QTimeZone zone() const { return QTimeZone(timezone.toUtf8()); }
    // An attendee or an inline speaker; nullptr when none has this id. Linear: for lookups in a loop,
    // index the lists once.
    const EventPerson *person(const QString &personId) const;
    const EventSession *session(const QString &sessionId) const;

    static QString statusName(Status status);

    bool operator==(const EventSpec &) const = default;
};

} // namespace herald
