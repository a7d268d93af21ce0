#include "EventSpec.h"

#include "SpecReader.h"
#include "model/TimeText.h"
#include "model/ZonedTime.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

#include <optional>

namespace herald {

namespace {

QStringList keys(std::initializer_list<const char *> names)
{
    QStringList out;
    for (const char *n : names)
        out << QString::fromLatin1(n);
    return out;
}

const QStringList &eventKeys()
{
    static const QStringList k =
        keys({"id", "name", "status", "timezone", "start", "end", "venue", "data", "sessions", "attendees"});
    return k;
}
const QStringList &sessionKeys()
{
    static const QStringList k = keys({"id", "title", "start", "end", "speaker", "data"});
    return k;
}
const QStringList &attendeeKeys()
{
    static const QStringList k =
        keys({"id", "first_name", "last_name", "name", "phone", "email", "push_token", "locale", "sessions", "data"});
    return k;
}
const QStringList &speakerKeys()
{
    static const QStringList k = keys({"id", "first_name", "last_name", "name", "phone", "email", "push_token", "locale", "data"});
    return k;
}

const QString kTimeHint = QStringLiteral("give the time local to the event's timezone, e.g. \"2026-03-08T10:00\", or with an offset, "
                                         "e.g. \"2026-03-08T10:00:00-04:00\"");

// The time parts of an ISO text that carries its own offset; a date alone ("2026-03-08") does not.
bool hasOffset(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("[T ]\\d{2}:\\d{2}(:\\d{2}([.,]\\d+)?)?(Z|z|[+-]\\d{2}(:?\\d{2})?)$"));
    return re.match(text).hasMatch();
}

// A time field; zone is invalid when the event's timezone was refused (the text is still checked).
std::optional<qint64> readTime(SpecReader &reader, const QJsonObject &o, const QString &path, const QString &key,
                               const QTimeZone &zone)
{
    const auto text = reader.text(o, path, key, true, kTimeHint);
    if (!text)
        return std::nullopt;
    const QString where = SpecReader::join(path, key);
    const QString t = text->trimmed();
    if (t.compare(QLatin1String("now"), Qt::CaseInsensitive) == 0) {
        reader.problem(where, QStringLiteral("\"now\" is not a time an event can keep; ") + kTimeHint);
        return std::nullopt;
    }
    const auto read = parseTimestamp(t, 0);
    if (!read) {
        reader.problem(where, read.errorString());
        return std::nullopt;
    }
    if (hasOffset(t))
        return *read;
    if (!zone.isValid())
        return std::nullopt;
    // parseTimestamp read the wall-clock fields as UTC; put them on the event's clock.
    const QDateTime fields = QDateTime::fromMSecsSinceEpoch(*read, QTimeZone::utc());
    return zonedInstant(fields.date(), fields.time(), zone);
}

bool isLocale(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$"));
    return re.match(text).hasMatch();
}

// The fields an attendee and an inline speaker share.
EventPerson readPerson(SpecReader &reader, const QJsonObject &o, const QString &path, const QString &idHint)
{
    EventPerson p;
    if (const auto personId = reader.id(o, path, QStringLiteral("id"), idHint))
        p.id = *personId;
    const auto optionalText = [&](const char *key, QString &into, const QString &hint) {
        if (const auto v = reader.text(o, path, QString::fromLatin1(key), false, hint))
            into = v->trimmed();
    };
    optionalText("first_name", p.firstName, QStringLiteral("give the first name as text"));
    optionalText("last_name", p.lastName, QStringLiteral("give the last name as text"));
    optionalText("name", p.name, QStringLiteral("give the full name as text"));
    optionalText("phone", p.phone, QStringLiteral("give the phone number as text, e.g. \"+34600123456\""));
    optionalText("email", p.email, QStringLiteral("give the e-mail address as text, e.g. \"ana@example.org\""));
    optionalText("push_token", p.pushToken, QStringLiteral("give the push subscription's token as text"));
    optionalText("locale", p.locale, QStringLiteral("give a language code such as \"en\" or \"es\""));
    if (!p.locale.isEmpty() && !isLocale(p.locale))
        reader.problem(SpecReader::join(path, QStringLiteral("locale")),
                       QStringLiteral("\"%1\" is not a locale; use a language code such as en, es or es-MX").arg(p.locale));
    if (const auto d = reader.object(o, path, QStringLiteral("data"), false, QStringLiteral("give an object of values for the templates")))
        p.data = *d;
    return p;
}

QJsonObject personToJson(const EventPerson &p)
{
    QJsonObject o{{QStringLiteral("id"), p.id}};
    const auto put = [&](const char *key, const QString &value) {
        if (!value.isEmpty())
            o.insert(QString::fromLatin1(key), value);
    };
    put("first_name", p.firstName);
    put("last_name", p.lastName);
    put("name", p.name);
    put("phone", p.phone);
    put("email", p.email);
    put("push_token", p.pushToken);
    put("locale", p.locale);
    if (p.isAttendee && !p.sessions.isEmpty())
        o.insert(QStringLiteral("sessions"), QJsonArray::fromStringList(p.sessions));
    if (!p.data.isEmpty())
        o.insert(QStringLiteral("data"), p.data);
    return o;
}

void checkOrder(SpecReader &reader, const QString &path, qint64 start, qint64 end, const QTimeZone &zone)
{
    if (end < start)
        reader.problem(SpecReader::join(path, QStringLiteral("end")),
                       QStringLiteral("%1 is before the start, %2; give an end at or after the start")
                           .arg(zonedIso(end, zone), zonedIso(start, zone)));
}

} // namespace

QString EventPerson::displayName() const
{
    if (!name.isEmpty())
        return name;
    return QString(firstName + QLatin1Char(' ') + lastName).trimmed();
}

QString EventSpec::statusName(Status status)
{
    switch (status) {
    case Status::Draft: return QStringLiteral("draft");
    case Status::Active: return QStringLiteral("active");
    case Status::Cancelled: return QStringLiteral("cancelled");
    }
    return {};
}

Result<EventSpec> EventSpec::parse(const QByteArray &json, const QString &source)
{
    auto object = SpecReader::parseObject(json, source,
                                          QStringLiteral("{\"id\": \"41\", \"name\": \"…\", \"status\": \"active\", "
                                                         "\"timezone\": \"Europe/Madrid\", \"start\": \"…\", \"end\": \"…\", "
                                                         "\"sessions\": [...], \"attendees\": [...]}"));
    if (!object)
        return object.error();
    return fromJson(*object, source);
}

Result<EventSpec> EventSpec::fromJson(const QJsonObject &o, const QString &source)
{
    SpecReader reader(source);
    EventSpec event;
    reader.checkKeys(o, QString(), eventKeys(), QStringLiteral("an event"));

    if (const auto eventId = reader.id(o, QString(), QStringLiteral("id"), QStringLiteral("give the event's id in your system, e.g. \"41\"")))
        event.id = *eventId;
    if (const auto eventName = reader.text(o, QString(), QStringLiteral("name"), true, QStringLiteral("give the event's name as text")))
        event.name = eventName->trimmed();
    if (const auto statusText = reader.text(o, QString(), QStringLiteral("status"), true,
                                            QStringLiteral("give draft, active or cancelled"))) {
        const QString s = statusText->trimmed();
        if (s == QLatin1String("draft"))
            event.status = Status::Draft;
        else if (s == QLatin1String("active"))
            event.status = Status::Active;
        else if (s == QLatin1String("cancelled"))
            event.status = Status::Cancelled;
        else
            reader.problem(QStringLiteral("status"), QStringLiteral("\"%1\" is not a status; use draft (nothing is scheduled), active or cancelled")
                                                         .arg(*statusText));
    }
    QTimeZone eventZone;
    if (const auto tz = reader.text(o, QString(), QStringLiteral("timezone"), true,
                                    QStringLiteral("give the IANA time zone of the event's times, e.g. \"Europe/Madrid\""))) {
        event.timezone = tz->trimmed();
        const QByteArray zoneId = event.timezone.toUtf8();
        if (QTimeZone::isTimeZoneIdAvailable(zoneId))
            eventZone = QTimeZone(zoneId);
        if (!eventZone.isValid())
            reader.problem(QStringLiteral("timezone"), QStringLiteral("\"%1\" is not a known IANA time zone; give one such as "
                                                                      "Europe/Madrid or America/New_York")
                                                           .arg(event.timezone));
    }
    const auto start = readTime(reader, o, QString(), QStringLiteral("start"), eventZone);
    const auto end = readTime(reader, o, QString(), QStringLiteral("end"), eventZone);
    if (start)
        event.startMs = *start;
    if (end)
        event.endMs = *end;
    if (start && end)
        checkOrder(reader, QString(), *start, *end, eventZone);

    const QJsonValue venueValue = o.value(QLatin1String("venue"));
    if (venueValue.isString() || venueValue.isObject())
        event.venue = venueValue;
    else if (!venueValue.isUndefined() && !venueValue.isNull())
        reader.problem(QStringLiteral("venue"), QStringLiteral("%1 is not a venue; give text, or an object such as "
                                                               "{\"name\": \"Hall A\", \"address\": \"…\"}")
                                                    .arg(SpecReader::show(venueValue)));
    if (const auto d = reader.object(o, QString(), QStringLiteral("data"), false, QStringLiteral("give an object of values for the templates")))
        event.data = *d;

    // Sessions, with their speakers as written (an id, or an inline object).
    struct SpeakerMention
    {
        QString path;
        QString id;
        bool inlineObject = false;
        QJsonObject object;
    };
    QList<SpeakerMention> mentions;
    QHash<QString, qsizetype> sessionIndex;
    if (const auto list = reader.array(o, QString(), QStringLiteral("sessions"), false,
                                       QStringLiteral("give a list of sessions, e.g. [{\"id\": \"s1\", \"start\": \"…\", \"end\": \"…\"}]"))) {
        for (qsizetype i = 0; i < list->size(); ++i) {
            const QString path = SpecReader::at(QStringLiteral("sessions"), i);
            if (!list->at(i).isObject()) {
                reader.problem(path, QStringLiteral("%1 is not a session; give an object such as "
                                                    "{\"id\": \"s1\", \"title\": \"…\", \"start\": \"…\", \"end\": \"…\", \"speaker\": \"a3\"}")
                                         .arg(SpecReader::show(list->at(i))));
                continue;
            }
            const QJsonObject so = list->at(i).toObject();
            reader.checkKeys(so, path, sessionKeys(), QStringLiteral("a session"));
            EventSession s;
            if (const auto sessionId = reader.id(so, path, QStringLiteral("id"), QStringLiteral("give the session's id, e.g. \"s1\""))) {
                s.id = *sessionId;
                if (const auto seen = sessionIndex.constFind(s.id); seen != sessionIndex.cend())
                    reader.problem(SpecReader::join(path, QStringLiteral("id")),
                                   QStringLiteral("\"%1\" is already the id of sessions[%2]; give each session its own id").arg(s.id).arg(*seen));
                else
                    sessionIndex.insert(s.id, i);
            }
            if (const auto title = reader.text(so, path, QStringLiteral("title"), false, QStringLiteral("give the title as text")))
                s.title = title->trimmed();
            const auto sessionStart = readTime(reader, so, path, QStringLiteral("start"), eventZone);
            const auto sessionEnd = readTime(reader, so, path, QStringLiteral("end"), eventZone);
            if (sessionStart)
                s.startMs = *sessionStart;
            if (sessionEnd)
                s.endMs = *sessionEnd;
            if (sessionStart && sessionEnd)
                checkOrder(reader, path, *sessionStart, *sessionEnd, eventZone);
            if (const auto d = reader.object(so, path, QStringLiteral("data"), false, QStringLiteral("give an object of values for the templates")))
                s.data = *d;
            const QString speakerPath = SpecReader::join(path, QStringLiteral("speaker"));
            const QJsonValue speaker = so.value(QLatin1String("speaker"));
            const QString speakerHint = QStringLiteral("name an attendee's id, or give the speaker as an object "
                                                       "{\"id\", \"name\", \"phone\", \"email\", \"locale\"}");
            if (speaker.isObject()) {
                const QJsonObject spo = speaker.toObject();
                reader.checkKeys(spo, speakerPath, speakerKeys(), QStringLiteral("a speaker"));
                EventPerson p = readPerson(reader, spo, speakerPath, QStringLiteral("give the speaker's id in your system, e.g. \"sp1\""));
                p.isAttendee = false;
                if (!p.id.isEmpty()) {
                    s.speakerId = p.id;
                    mentions << SpeakerMention{speakerPath, p.id, true, spo};
                    bool known = false;
                    for (const EventPerson &other : std::as_const(event.speakers))
                        known = known || other.id == p.id;
                    if (!known)
                        event.speakers << p;
                }
            } else if (!speaker.isUndefined() && !speaker.isNull()) {
                if (const auto ref = reader.idValue(speaker, speakerPath, speakerHint)) {
                    s.speakerId = *ref;
                    mentions << SpeakerMention{speakerPath, *ref, false, {}};
                }
            }
            event.sessions << s;
        }
    }

    QHash<QString, qsizetype> attendeeIndex;
    if (const auto list = reader.array(o, QString(), QStringLiteral("attendees"), false,
                                       QStringLiteral("give a list of attendees, e.g. [{\"id\": \"a1\", \"first_name\": \"Ana\", "
                                                      "\"phone\": \"+34600123456\"}]"))) {
        for (qsizetype i = 0; i < list->size(); ++i) {
            const QString path = SpecReader::at(QStringLiteral("attendees"), i);
            if (!list->at(i).isObject()) {
                reader.problem(path, QStringLiteral("%1 is not an attendee; give an object such as "
                                                    "{\"id\": \"a1\", \"first_name\": \"Ana\", \"phone\": \"+34600123456\"}")
                                         .arg(SpecReader::show(list->at(i))));
                continue;
            }
            const QJsonObject ao = list->at(i).toObject();
            reader.checkKeys(ao, path, attendeeKeys(), QStringLiteral("an attendee"));
            EventPerson p = readPerson(reader, ao, path, QStringLiteral("give the attendee's id in your system, e.g. \"56\""));
            if (!p.id.isEmpty()) {
                if (const auto seen = attendeeIndex.constFind(p.id); seen != attendeeIndex.cend())
                    reader.problem(SpecReader::join(path, QStringLiteral("id")),
                                   QStringLiteral("\"%1\" is already the id of attendees[%2]; give each attendee once").arg(p.id).arg(*seen));
                else
                    attendeeIndex.insert(p.id, i);
            }
            const QString sessionsPath = SpecReader::join(path, QStringLiteral("sessions"));
            if (const auto ids = reader.array(ao, path, QStringLiteral("sessions"), false,
                                              QStringLiteral("give a list of session ids, e.g. [\"s1\", \"s2\"]"))) {
                for (qsizetype k = 0; k < ids->size(); ++k) {
                    const QString idPath = SpecReader::at(sessionsPath, k);
                    const auto sessionId = reader.idValue(ids->at(k), idPath, QStringLiteral("name a session's id, e.g. \"s1\""));
                    if (!sessionId)
                        continue;
                    if (!sessionIndex.contains(*sessionId))
                        reader.problem(idPath, QStringLiteral("\"%1\" is not a session of this event; name one of its sessions' ids, "
                                                              "or add the session to \"sessions\"")
                                                   .arg(*sessionId));
                    else if (p.sessions.contains(*sessionId))
                        reader.problem(idPath, QStringLiteral("\"%1\" is listed twice; list each session once").arg(*sessionId));
                    else
                        p.sessions << *sessionId;
                }
            }
            event.attendees << p;
        }
    }

    // Speakers, now that every attendee and inline speaker is known.
    QHash<QString, QJsonObject> inlineSpeaker;
    for (const SpeakerMention &m : std::as_const(mentions)) {
        if (!m.inlineObject)
            continue;
        if (attendeeIndex.contains(m.id)) {
            reader.problem(SpecReader::join(m.path, QStringLiteral("id")),
                           QStringLiteral("\"%1\" is an attendee's id; to make that attendee the speaker write \"speaker\": \"%1\", "
                                          "otherwise give the speaker another id")
                               .arg(m.id));
            continue;
        }
        if (const auto first = inlineSpeaker.constFind(m.id); first == inlineSpeaker.cend())
            inlineSpeaker.insert(m.id, m.object);
        else if (*first != m.object)
            reader.problem(m.path, QStringLiteral("speaker \"%1\" is given with other details in an earlier session; give the same "
                                                  "details each time, or write \"speaker\": \"%1\" here")
                                       .arg(m.id));
    }
    for (const SpeakerMention &m : std::as_const(mentions)) {
        if (!m.inlineObject && !attendeeIndex.contains(m.id) && !inlineSpeaker.contains(m.id))
            reader.problem(m.path, QStringLiteral("\"%1\" is not an attendee of this event; name an attendee's id, or give the speaker "
                                                  "as an object {\"id\", \"name\", \"phone\", \"email\", \"locale\"}")
                                       .arg(m.id));
    }

    if (reader.hasProblems())
        return reader.error();
    return event;
}

namespace {
const QString kSnapshotAppliedAt = QStringLiteral("applied_at"); // beside the event's own keys
} // namespace

QByteArray EventSpec::toSnapshot(qint64 appliedAtMs) const
{
    QJsonObject o = toJson();
    o.insert(kSnapshotAppliedAt, appliedAtMs);
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

Result<EventSpec> EventSpec::parseSnapshot(const QByteArray &snapshot, const QString &source, qint64 *appliedAtMs)
{
    auto object = SpecReader::parseObject(snapshot, source, QStringLiteral("an event snapshot"));
    if (!object)
        return object.error();
    if (appliedAtMs)
        *appliedAtMs = object->value(kSnapshotAppliedAt).toInteger(0);
    object->remove(kSnapshotAppliedAt);
    return fromJson(*object, source);
}

QJsonObject EventSpec::toJson() const
{
    const QTimeZone z = zone();
    QJsonArray sessionsJson;
    for (const EventSession &s : sessions) {
        QJsonObject so{{QStringLiteral("id"), s.id},
                       {QStringLiteral("start"), zonedIso(s.startMs, z)},
                       {QStringLiteral("end"), zonedIso(s.endMs, z)}};
        if (!s.title.isEmpty())
            so.insert(QStringLiteral("title"), s.title);
        if (const EventPerson *speaker = s.speakerId.isEmpty() ? nullptr : person(s.speakerId))
            so.insert(QStringLiteral("speaker"), speaker->isAttendee ? QJsonValue(speaker->id) : QJsonValue(personToJson(*speaker)));
        if (!s.data.isEmpty())
            so.insert(QStringLiteral("data"), s.data);
        sessionsJson.append(so);
    }
    QJsonArray attendeesJson;
    for (const EventPerson &p : attendees)
        attendeesJson.append(personToJson(p));
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("name"), name},
                  {QStringLiteral("status"), statusName(status)},
                  {QStringLiteral("timezone"), timezone},
                  {QStringLiteral("start"), zonedIso(startMs, z)},
                  {QStringLiteral("end"), zonedIso(endMs, z)},
                  {QStringLiteral("sessions"), sessionsJson},
                  {QStringLiteral("attendees"), attendeesJson}};
    if (venue.isString() || venue.isObject())
        o.insert(QStringLiteral("venue"), venue);
    if (!data.isEmpty())
        o.insert(QStringLiteral("data"), data);
    return o;
}

const EventPerson *EventSpec::person(const QString &personId) const
{
    for (const EventPerson &p : attendees)
        if (p.id == personId)
            return &p;
    for (const EventPerson &p : speakers)
        if (p.id == personId)
            return &p;
    return nullptr;
}

const EventSession *EventSpec::session(const QString &sessionId) const
{
    for (const EventSession &s : sessions)
        if (s.id == sessionId)
            return &s;
    return nullptr;
}

} // namespace herald
