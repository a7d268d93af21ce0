#include "PlanSpec.h"

#include "SpecReader.h"
#include "channels/TemplateRenderer.h"
#include "model/QueueConfig.h"
#include "model/TimeText.h"

#include <QHash>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>

#include <array>

namespace herald {

namespace {

struct AnchorName
{
    PlanRule::Anchor anchor;
    const char *name;
};
constexpr std::array<AnchorName, 5> kAnchors{{{PlanRule::Anchor::Registration, "registration"},
                                              {PlanRule::Anchor::EventStart, "event.start"},
                                              {PlanRule::Anchor::EventEnd, "event.end"},
                                              {PlanRule::Anchor::SessionStart, "session.start"},
                                              {PlanRule::Anchor::SessionEnd, "session.end"}}};

struct AudienceName
{
    PlanRule::Audience audience;
    const char *name;
};
constexpr std::array<AudienceName, 3> kAudiences{{{PlanRule::Audience::Attendees, "attendees"},
                                                  {PlanRule::Audience::Speaker, "speaker"},
                                                  {PlanRule::Audience::SessionAttendees, "session_attendees"}}};

struct TriggerName
{
    PlanRule::Trigger trigger;
    const char *name;
};
constexpr std::array<TriggerName, 3> kTriggers{{{PlanRule::Trigger::TimeChange, "time_change"},
                                                {PlanRule::Trigger::VenueChange, "venue_change"},
                                                {PlanRule::Trigger::Cancellation, "cancellation"}}};

const QString kAnchorList = QStringLiteral("registration, event.start, event.end, session.start or session.end");
const QString kAudienceList = QStringLiteral("attendees, speaker or session_attendees");
const QString kTriggerList = QStringLiteral("time_change, venue_change or cancellation");

QStringList keys(std::initializer_list<const char *> names)
{
    QStringList out;
    for (const char *n : names)
        out << QString::fromLatin1(n);
    return out;
}

const QStringList &planKeys()
{
    static const QStringList k = keys({"name", "queue", "channel", "rules", "templates"});
    return k;
}
const QStringList &timeRuleKeys()
{
    static const QStringList k = keys({"type", "at", "offset", "local_time", "day_offset", "to", "priority", "channel"});
    return k;
}
const QStringList &changeRuleKeys()
{
    static const QStringList k = keys({"type", "on", "to", "priority", "channel"});
    return k;
}
const QStringList &templateKeys()
{
    static const QStringList k = keys({"subject", "text", "html"});
    return k;
}

bool isName(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    return re.match(text).hasMatch();
}

bool isLocale(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$"));
    return re.match(text).hasMatch();
}

// "-15m", "+2h", "+0m" or "0": a signed duration. The sign is required, because "15m" for a reminder
// written as "15 minutes before" would silently run 15 minutes after.
Result<qint64> parseOffset(const QString &text)
{
    const QString t = text.trimmed();
    if (t == QLatin1String("0"))
        return qint64(0);
    const auto bad = [&] {
        return Error::badInput(QStringLiteral("\"%1\" is not a duration; write it as -15m, +2h or +1d").arg(text));
    };
    if (t.startsWith(QLatin1Char('+')) || t.startsWith(QLatin1Char('-'))) {
        const auto d = parseDuration(t.mid(1));
        if (!d)
            return bad();
        return t.startsWith(QLatin1Char('-')) ? -*d : *d;
    }
    if (parseDuration(t))
        return Error::badInput(QStringLiteral("\"%1\" has no sign; write -%1 for before the anchor or +%1 for after it").arg(t));
    return bad();
}

QString formatOffset(qint64 ms)
{
    return (ms < 0 ? QStringLiteral("-") : QStringLiteral("+")) + formatDuration(ms < 0 ? -ms : ms);
}

std::optional<QTime> parseLocalTime(const QString &text)
{
    static const QRegularExpression re(QStringLiteral("^([01]?\\d|2[0-3]):([0-5]\\d)$"));
    const auto m = re.match(text.trimmed());
    if (!m.hasMatch())
        return std::nullopt;
    return QTime(m.captured(1).toInt(), m.captured(2).toInt());
}

// Cuts "template 'PATH' " from TemplateRenderer's message: the problem line already starts with PATH.
QString templateProblem(const QString &path, const QString &message)
{
    const QString prefix = QStringLiteral("template '%1' ").arg(path);
    return message.startsWith(prefix) ? message.mid(prefix.size()) : message;
}

void checkTemplate(SpecReader &reader, const QString &path, const QString &text)
{
    if (const Status s = TemplateRenderer::check(text, path); !s)
        reader.problem(path, templateProblem(path, s.errorString()));
}

std::optional<PlanTemplate> readTemplate(SpecReader &reader, const QJsonValue &value, const QString &path)
{
    if (value.isString()) {
        checkTemplate(reader, path, value.toString());
        return PlanTemplate{QString(), value.toString(), QString()};
    }
    if (!value.isObject()) {
        reader.problem(path, QStringLiteral("%1 is not a template; give the text, or an object with subject, text and html")
                                 .arg(SpecReader::show(value)));
        return std::nullopt;
    }
    const QJsonObject o = value.toObject();
    reader.checkKeys(o, path, templateKeys(), QStringLiteral("a template"));
    PlanTemplate t;
    const auto part = [&](const char *key, QString &into) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined() || v.isNull())
            return;
        const QString where = SpecReader::join(path, QLatin1String(key));
        if (!v.isString()) {
            reader.problem(where, QStringLiteral("%1 is not a string; give the template as text").arg(SpecReader::show(v)));
            return;
        }
        into = v.toString();
        checkTemplate(reader, where, into);
    };
    part("subject", t.subject);
    part("text", t.text);
    part("html", t.html);
    if (t.text.isEmpty() && t.html.isEmpty()) {
        reader.problem(path, QStringLiteral("has no text and no html; give at least one"));
        return std::nullopt;
    }
    return t;
}

QJsonValue templateToJson(const PlanTemplate &t)
{
    if (t.subject.isEmpty() && t.html.isEmpty())
        return t.text;
    QJsonObject o;
    if (!t.subject.isEmpty())
        o.insert(QStringLiteral("subject"), t.subject);
    if (!t.text.isEmpty())
        o.insert(QStringLiteral("text"), t.text);
    if (!t.html.isEmpty())
        o.insert(QStringLiteral("html"), t.html);
    return o;
}

// Reads rules[index]; nullopt when it has a problem (all reported).
std::optional<PlanRule> readRule(SpecReader &reader, const QJsonValue &value, const QString &path)
{
    if (!value.isObject()) {
        reader.problem(path, QStringLiteral("%1 is not a rule; give an object such as "
                                            "{\"type\": \"speaker_alert\", \"at\": \"session.start\", \"offset\": \"-15m\", \"to\": \"speaker\"}")
                                 .arg(SpecReader::show(value)));
        return std::nullopt;
    }
    const QJsonObject o = value.toObject();
    const bool hasAt = o.contains(QLatin1String("at"));
    const bool hasOn = o.contains(QLatin1String("on"));
    if (hasAt && hasOn) {
        reader.problem(path, QStringLiteral("gives both \"at\" and \"on\"; a rule is either a time rule (at) or a change rule (on)"));
        return std::nullopt;
    }
    if (!hasAt && !hasOn) {
        reader.problem(path, QStringLiteral("gives neither \"at\" (a time rule, e.g. \"at\": \"event.start\") "
                                            "nor \"on\" (a change rule, e.g. \"on\": \"venue_change\")"));
        return std::nullopt;
    }
    PlanRule rule;
    rule.kind = hasAt ? PlanRule::Kind::Time : PlanRule::Kind::Change;
    reader.checkKeys(o, path, hasAt ? timeRuleKeys() : changeRuleKeys(), hasAt ? QStringLiteral("a time rule") : QStringLiteral("a change rule"));
    bool ok = true;

    if (const auto type = reader.text(o, path, QStringLiteral("type"), true,
                                      QStringLiteral("name the message type, e.g. \"speaker_alert\""))) {
        rule.type = type->trimmed();
        if (!isName(rule.type)) {
            reader.problem(SpecReader::join(path, QStringLiteral("type")),
                           QStringLiteral("\"%1\" is not a message type; use 1 to 64 letters, digits, '.', '_' or '-', e.g. speaker_alert")
                               .arg(*type));
            ok = false;
        }
    } else {
        ok = false;
    }

    bool audienceOk = false;
    if (const auto to = reader.text(o, path, QStringLiteral("to"), true, QStringLiteral("name the audience: ") + kAudienceList)) {
        for (const AudienceName &a : kAudiences) {
            if (*to == QLatin1String(a.name)) {
                rule.audience = a.audience;
                audienceOk = true;
            }
        }
        if (!audienceOk)
            reader.problem(SpecReader::join(path, QStringLiteral("to")),
                           QStringLiteral("\"%1\" is not an audience; use %2").arg(*to, kAudienceList));
    }
    ok = ok && audienceOk;

    if (const auto p = reader.integer(o, path, QStringLiteral("priority"), kHighestPriority, kLowestPriority, false,
                                      QStringLiteral("1 is the most urgent, 10 the default")))
        rule.priority = int(*p);
    else if (o.contains(QLatin1String("priority")) && !o.value(QLatin1String("priority")).isNull())
        ok = false;

    if (const auto channel = reader.text(o, path, QStringLiteral("channel"), false, QStringLiteral("name a channel, e.g. sms"))) {
        if (const Status s = validateChannelName(*channel); !s) {
            reader.problem(SpecReader::join(path, QStringLiteral("channel")), s.errorString());
            ok = false;
        }
        rule.channel = *channel;
    }

    const QString toPath = SpecReader::join(path, QStringLiteral("to"));
    if (rule.kind == PlanRule::Kind::Change) {
        bool triggerOk = false;
        if (const auto on = reader.text(o, path, QStringLiteral("on"), true, QStringLiteral("name the change: ") + kTriggerList)) {
            for (const TriggerName &t : kTriggers) {
                if (*on == QLatin1String(t.name)) {
                    rule.trigger = t.trigger;
                    triggerOk = true;
                }
            }
            if (!triggerOk)
                reader.problem(SpecReader::join(path, QStringLiteral("on")),
                               QStringLiteral("\"%1\" is not a change; use %2").arg(*on, kTriggerList));
        }
        if (triggerOk && audienceOk && rule.trigger != PlanRule::Trigger::TimeChange
            && rule.audience == PlanRule::Audience::SessionAttendees) {
            reader.problem(toPath, QStringLiteral("session_attendees has no meaning for %1, which concerns the whole event; "
                                                  "use attendees or speaker")
                                       .arg(rule.trigger == PlanRule::Trigger::VenueChange ? QStringLiteral("a venue change")
                                                                                           : QStringLiteral("a cancellation")));
            ok = false;
        }
        return ok && triggerOk ? std::optional<PlanRule>(rule) : std::nullopt;
    }

    bool anchorOk = false;
    if (const auto at = reader.text(o, path, QStringLiteral("at"), true, QStringLiteral("name the anchor: ") + kAnchorList)) {
        for (const AnchorName &a : kAnchors) {
            if (*at == QLatin1String(a.name)) {
                rule.anchor = a.anchor;
                anchorOk = true;
            }
        }
        if (!anchorOk)
            reader.problem(SpecReader::join(path, QStringLiteral("at")),
                           QStringLiteral("\"%1\" is not an anchor; use %2").arg(*at, kAnchorList));
    }
    ok = ok && anchorOk;

    const QJsonValue offset = o.value(QLatin1String("offset"));
    const QJsonValue localTime = o.value(QLatin1String("local_time"));
    const bool hasOffset = !offset.isUndefined() && !offset.isNull();
    const bool hasLocalTime = !localTime.isUndefined() && !localTime.isNull();
    const QString offsetPath = SpecReader::join(path, QStringLiteral("offset"));
    const QString localPath = SpecReader::join(path, QStringLiteral("local_time"));
    if (hasOffset && hasLocalTime) {
        reader.problem(path, QStringLiteral("gives both offset and local_time; give one: an offset such as \"-15m\", "
                                            "or a local_time such as \"20:00\" with a day_offset such as -1"));
        ok = false;
    } else if (!hasOffset && !hasLocalTime) {
        reader.problem(path, QStringLiteral("gives no time; add \"offset\" (e.g. \"-15m\", or \"0\" for the anchor itself) "
                                            "or \"local_time\" with \"day_offset\" (e.g. \"20:00\" and -1)"));
        ok = false;
    } else if (hasOffset) {
        if (!offset.isString()) {
            reader.problem(offsetPath, QStringLiteral("%1 is not a duration; write it as -15m, +2h or +1d").arg(SpecReader::show(offset)));
            ok = false;
        } else if (const auto ms = parseOffset(offset.toString())) {
            rule.offsetMs = *ms;
        } else {
            reader.problem(offsetPath, ms.errorString());
            ok = false;
        }
        if (o.contains(QLatin1String("day_offset"))) {
            reader.problem(SpecReader::join(path, QStringLiteral("day_offset")),
                           QStringLiteral("goes with local_time; with an offset, put the days in the offset, e.g. -1d"));
            ok = false;
        }
    } else {
        const auto t = localTime.isString() ? parseLocalTime(localTime.toString()) : std::nullopt;
        if (!t) {
            reader.problem(localPath, QStringLiteral("%1 is not a time of day; write it as HH:MM on a 24-hour clock, e.g. \"20:00\"")
                                          .arg(SpecReader::show(localTime)));
            ok = false;
        }
        rule.localTime = t;
        const QJsonValue days = o.value(QLatin1String("day_offset"));
        if (const auto d = reader.integer(o, path, QStringLiteral("day_offset"), -366, 366, false,
                                          QStringLiteral("give whole days from the anchor's day, e.g. -1 for the day before")))
            rule.dayOffset = int(*d);
        else if (!days.isUndefined() && !days.isNull())
            ok = false;
    }

    if (anchorOk && audienceOk) {
        const bool sessionAudience = rule.audience != PlanRule::Audience::Attendees;
        if (rule.isSessionAnchored() && !sessionAudience) {
            reader.problem(toPath, QStringLiteral("\"attendees\" with a session anchor would message every attendee once per session; "
                                                  "use session_attendees (the session's own attendees) or speaker"));
            ok = false;
        } else if (!rule.isSessionAnchored() && sessionAudience) {
            reader.problem(toPath, QStringLiteral("\"%1\" needs a session anchor (session.start or session.end), since speakers "
                                                  "and session attendees belong to a session; with %2 use attendees")
                                       .arg(PlanRule::audienceName(rule.audience), PlanRule::anchorName(rule.anchor)));
            ok = false;
        }
    }
    return ok ? std::optional<PlanRule>(rule) : std::nullopt;
}

} // namespace

QString PlanRule::anchorName(Anchor anchor)
{
    for (const AnchorName &a : kAnchors)
        if (a.anchor == anchor)
            return QString::fromLatin1(a.name);
    return {};
}

QString PlanRule::audienceName(Audience audience)
{
    for (const AudienceName &a : kAudiences)
        if (a.audience == audience)
            return QString::fromLatin1(a.name);
    return {};
}

QString PlanRule::triggerName(Trigger trigger)
{
    for (const TriggerName &t : kTriggers)
        if (t.trigger == trigger)
            return QString::fromLatin1(t.name);
    return {};
}

Result<PlanSpec> PlanSpec::parse(const QByteArray &json, const QString &source)
{
    auto object = SpecReader::parseObject(json, source,
                                          QStringLiteral("{\"name\": \"conference\", \"queue\": \"event-messages\", "
                                                         "\"channel\": \"sms\", \"rules\": [...], \"templates\": {...}}"));
    if (!object)
        return object.error();
    return fromJson(*object, source);
}

Result<PlanSpec> PlanSpec::fromJson(const QJsonObject &o, const QString &source)
{
    SpecReader reader(source);
    PlanSpec plan;
    reader.checkKeys(o, QString(), planKeys(), QStringLiteral("a plan"));

    if (const auto nameText = reader.text(o, QString(), QStringLiteral("name"), true, QStringLiteral("name the plan, e.g. \"conference\""))) {
        plan.name = nameText->trimmed();
        if (!isName(plan.name))
            reader.problem(QStringLiteral("name"), QStringLiteral("\"%1\" is not a plan name; use 1 to 64 letters, digits, '.', '_' or '-', "
                                                                  "e.g. conference")
                                                       .arg(*nameText));
    }
    if (const auto queueText = reader.text(o, QString(), QStringLiteral("queue"), true,
                                           QStringLiteral("name the queue the messages go to, e.g. \"event-messages\""))) {
        plan.queue = queueText->trimmed();
        if (const Status s = QueueConfig::validateName(plan.queue); !s)
            reader.problem(QStringLiteral("queue"), s.errorString());
    }
    if (const auto channelText = reader.text(o, QString(), QStringLiteral("channel"), true,
                                             QStringLiteral("name the rules' default channel, e.g. \"sms\""))) {
        plan.channel = channelText->trimmed();
        if (const Status s = validateChannelName(plan.channel); !s)
            reader.problem(QStringLiteral("channel"), s.errorString());
    }

    QHash<QString, qsizetype> ruleOfType;
    QSet<QString> typesNamed; // by any rule, even one refused: its templates are not reported as strays
    bool rulesRead = false;    // without rules, templates are not reported as strays either
    if (const auto ruleList = reader.array(o, QString(), QStringLiteral("rules"), true,
                                        QStringLiteral("give a list of rules, e.g. [{\"type\": \"check_in_reminder_1_hour\", "
                                                       "\"at\": \"event.start\", \"offset\": \"-1h\", \"to\": \"attendees\"}]"))) {
        rulesRead = !ruleList->isEmpty();
        if (ruleList->isEmpty())
            reader.problem(QStringLiteral("rules"), QStringLiteral("empty; give at least one rule"));
        for (qsizetype i = 0; i < ruleList->size(); ++i) {
            const QString path = SpecReader::at(QStringLiteral("rules"), i);
            typesNamed.insert(ruleList->at(i).toObject().value(QLatin1String("type")).toString().trimmed());
            auto rule = readRule(reader, ruleList->at(i), path);
            if (!rule)
                continue;
            if (const auto seen = ruleOfType.constFind(rule->type); seen != ruleOfType.cend()) {
                reader.problem(SpecReader::join(path, QStringLiteral("type")),
                               QStringLiteral("\"%1\" is already the type of rules[%2]; give each rule its own type (it names the "
                                              "rule's templates and messages), e.g. %1_2")
                                   .arg(rule->type)
                                   .arg(*seen));
                continue;
            }
            ruleOfType.insert(rule->type, i);
            plan.rules << *rule;
        }
    }

    if (const auto templateTypes = reader.object(o, QString(), QStringLiteral("templates"), true,
                                             QStringLiteral("give the texts per message type and locale, e.g. "
                                                            "{\"speaker_alert\": {\"en\": \"Your session starts in 15 minutes\"}}"))) {
        for (auto it = templateTypes->constBegin(); it != templateTypes->constEnd(); ++it) {
            const QString path = SpecReader::join(QStringLiteral("templates"), it.key());
            if (!it->isObject() || it->toObject().isEmpty()) {
                reader.problem(path, QStringLiteral("give the text per locale, e.g. {\"en\": \"…\", \"es\": \"…\"}"));
                continue;
            }
            if (rulesRead && !typesNamed.contains(it.key())) {
                reader.problem(path, QStringLiteral("no rule has this type; remove it, or fix the type of its rule"));
                continue;
            }
            const QJsonObject locales = it->toObject();
            for (auto l = locales.constBegin(); l != locales.constEnd(); ++l) {
                const QString localePath = SpecReader::join(path, l.key());
                if (!isLocale(l.key())) {
                    reader.problem(localePath, QStringLiteral("\"%1\" is not a locale; use a language code such as en, es or es-MX").arg(l.key()));
                    continue;
                }
                if (const auto t = readTemplate(reader, *l, localePath))
                    plan.templates[it.key()].insert(l.key(), *t);
            }
        }
        for (const PlanRule &r : std::as_const(plan.rules)) {
            if (!templateTypes->contains(r.type))
                reader.problem(SpecReader::join(SpecReader::at(QStringLiteral("rules"), ruleOfType.value(r.type)), QStringLiteral("type")),
                               QStringLiteral("\"%1\" has no templates; add templates.%1 with at least an \"en\" text").arg(r.type));
        }
    }

    if (reader.hasProblems())
        return reader.error();
    return plan;
}

QJsonObject PlanSpec::toJson() const
{
    QJsonArray rulesJson;
    for (const PlanRule &r : rules) {
        QJsonObject o{{QStringLiteral("type"), r.type},
                      {QStringLiteral("to"), PlanRule::audienceName(r.audience)},
                      {QStringLiteral("priority"), r.priority}};
        if (!r.channel.isEmpty())
            o.insert(QStringLiteral("channel"), r.channel);
        if (r.kind == PlanRule::Kind::Change) {
            o.insert(QStringLiteral("on"), PlanRule::triggerName(r.trigger));
        } else {
            o.insert(QStringLiteral("at"), PlanRule::anchorName(r.anchor));
            if (r.localTime) {
                o.insert(QStringLiteral("local_time"), r.localTime->toString(QStringLiteral("HH:mm")));
                o.insert(QStringLiteral("day_offset"), r.dayOffset);
            } else {
                o.insert(QStringLiteral("offset"), formatOffset(r.offsetMs));
            }
        }
        rulesJson.append(o);
    }
    QJsonObject templatesJson;
    for (auto it = templates.cbegin(); it != templates.cend(); ++it) {
        QJsonObject locales;
        for (auto l = it->cbegin(); l != it->cend(); ++l)
            locales.insert(l.key(), templateToJson(*l));
        templatesJson.insert(it.key(), locales);
    }
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("queue"), queue},
                       {QStringLiteral("channel"), channel},
                       {QStringLiteral("rules"), rulesJson},
                       {QStringLiteral("templates"), templatesJson}};
}

const PlanRule *PlanSpec::rule(const QString &type) const
{
    for (const PlanRule &r : rules)
        if (r.type == type)
            return &r;
    return nullptr;
}

std::pair<QString, PlanTemplate> PlanSpec::templateFor(const QString &type, const QString &locale) const
{
    const QMap<QString, PlanTemplate> locales = templates.value(type);
    if (locales.isEmpty())
        return {};
    QStringList candidates;
    if (!locale.isEmpty())
        candidates << locale;
    static const QRegularExpression separator(QStringLiteral("[-_]"));
    if (const qsizetype cut = locale.indexOf(separator); cut > 0)
        candidates << locale.left(cut).toLower();
    candidates << locale.toLower() << QStringLiteral("en");
    for (const QString &c : std::as_const(candidates)) {
        if (const auto it = locales.constFind(c); it != locales.cend())
            return {c, *it};
    }
    return {locales.firstKey(), locales.first()};
}

} // namespace herald
