#include "TemplateRenderer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QStringList>
#include <QUrl>

#include <kainjow/mustache.hpp>

#include <climits>
#include <optional>

namespace herald {

namespace mustache = kainjow::mustache;

namespace {

mustache::data toMustache(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Object: {
        mustache::data object{mustache::data::type::object};
        const QJsonObject o = value.toObject();
        for (auto it = o.constBegin(); it != o.constEnd(); ++it)
            object.set(it.key().toStdString(), toMustache(it.value()));
        return object;
    }
    case QJsonValue::Array: {
        mustache::data list{mustache::data::type::list};
        for (const QJsonValue &item : value.toArray())
            list.push_back(toMustache(item));
        return list;
    }
    case QJsonValue::Bool:
        return mustache::data{value.toBool()};
    case QJsonValue::String:
    case QJsonValue::Double:
        return mustache::data{TemplateRenderer::textOf(value).toStdString()};
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        break;
    }
    // Null is falsy in a section and renders empty as a variable, like a missing name.
    return mustache::data{false};
}

std::string jsonStringEscape(const std::string &s)
{
    std::string out;
    out.reserve(s.size() + 8);
    for (const char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        case '\b': out += "\\b"; break;
        case '\f': out += "\\f"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                static const char hex[] = "0123456789abcdef";
                out += "\\u00";
                out += hex[(c >> 4) & 0xf];
                out += hex[c & 0xf];
            } else {
                out += c; // UTF-8 bytes pass through: JSON text is UTF-8
            }
        }
    }
    return out;
}

std::string formEscape(const std::string &s)
{
    return QUrl::toPercentEncoding(QString::fromStdString(s)).toStdString();
}

Result<QString> renderWith(const QString &templateText, const mustache::data &data, TemplateRenderer::Escape escape, const QString &field)
{
    mustache::mustache tmpl{templateText.toStdString()};
    const auto cannotRender = [&](const std::string &problem) {
        return Error::badInput(QStringLiteral("template '%1' cannot render: %2; fix its Mustache syntax")
                                   .arg(field, QString::fromStdString(problem)));
    };
    if (!tmpl.is_valid())
        return cannotRender(tmpl.error_message());
    switch (escape) {
    case TemplateRenderer::Escape::Html: break; // kainjow's default
    case TemplateRenderer::Escape::None: tmpl.set_custom_escape([](const std::string &s) { return s; }); break;
    case TemplateRenderer::Escape::Json: tmpl.set_custom_escape(jsonStringEscape); break;
    case TemplateRenderer::Escape::FormUrlEncoded: tmpl.set_custom_escape(formEscape); break;
    }
    const std::string out = tmpl.render(data);
    if (!tmpl.is_valid())
        return cannotRender(tmpl.error_message());
    return QString::fromStdString(out);
}

struct Source
{
    QString text;
    QString field;   // where it came from, for errors
    QString variant; // localization key, empty for a top-level field
};

// The first of keys found in the first locale variant that has one, else at the top level.
Result<std::optional<Source>> pick(const QJsonObject &payload, const QStringList &locales, const QStringList &keys)
{
    const auto fromObject = [&](const QJsonObject &object, const QString &prefix, const QString &variant) -> Result<std::optional<Source>> {
        for (const QString &key : keys) {
            if (!object.contains(key))
                continue;
            const QJsonValue v = object.value(key);
            const QString field = prefix + key;
            if (v.isNull())
                continue;
            if (!v.isString())
                return Error::badInput(QStringLiteral("template '%1' is not a string; give the template as text").arg(field));
            return std::optional<Source>(Source{v.toString(), field, variant});
        }
        return std::optional<Source>();
    };
    const QJsonObject localization = payload.value(QLatin1String("localization")).toObject();
    for (const QString &locale : locales) {
        const QJsonValue variant = localization.value(locale);
        if (!variant.isObject())
            continue;
        auto found = fromObject(variant.toObject(), QStringLiteral("payload.localization.%1.").arg(locale), locale);
        if (!found || *found)
            return found;
    }
    return fromObject(payload, QStringLiteral("payload."), QString());
}

QStringList localeCandidates(const QString &requested)
{
    QStringList candidates{requested};
    const qsizetype cut = requested.indexOf(QRegularExpression(QStringLiteral("[-_]")));
    if (cut > 0)
        candidates << requested.left(cut).toLower();
    candidates << QStringLiteral("en");
    candidates.removeDuplicates();
    return candidates;
}

} // namespace

QString TemplateRenderer::textOf(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::String: return value.toString();
    case QJsonValue::Bool: return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        // Whole numbers print as integers (ids: 12345678901, not 1.2345678901e+10).
        const qint64 whole = value.toInteger(LLONG_MIN);
        if (whole != LLONG_MIN)
            return QString::number(whole);
        return QString::number(value.toDouble(), 'g', QLocale::FloatingPointShortest);
    }
    case QJsonValue::Object: return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Array: return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Null:
    case QJsonValue::Undefined: break;
    }
    return {};
}

Result<QJsonObject> TemplateRenderer::payloadOf(const Message &message)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(message.payload, &error);
    if (error.error != QJsonParseError::NoError)
        return Error::badInput(QStringLiteral("the payload of message %1 is not JSON (%2 at byte %3); re-enqueue it with a JSON object")
                                   .arg(message.id)
                                   .arg(error.errorString())
                                   .arg(error.offset));
    if (!doc.isObject())
        return Error::badInput(QStringLiteral("the payload of message %1 is not a JSON object; re-enqueue it with an object such as {\"body\": \"…\"}")
                                   .arg(message.id));
    return doc.object();
}

QString TemplateRenderer::requestedLocale(const Message &message, const QJsonObject &payload)
{
    const QString fromPayload = payload.value(QLatin1String("locale")).toString().trimmed();
    if (!fromPayload.isEmpty())
        return fromPayload;
    const QString fromLabel = message.labels.value(QStringLiteral("locale")).trimmed();
    if (!fromLabel.isEmpty())
        return fromLabel;
    return QStringLiteral("en");
}

QJsonObject TemplateRenderer::dataFor(const Message &message, const QJsonObject &payload)
{
    QJsonObject labels;
    for (auto it = message.labels.cbegin(); it != message.labels.cend(); ++it)
        labels.insert(it.key(), it.value());
    QJsonObject data{
        {QStringLiteral("recipient"), message.recipient},
        {QStringLiteral("message"),
         QJsonObject{{QStringLiteral("id"), message.id},
                     {QStringLiteral("type"), message.type},
                     {QStringLiteral("queue"), message.queue},
                     {QStringLiteral("attempt"), message.attempts}}},
        {QStringLiteral("labels"), labels},
    };
    for (auto it = payload.constBegin(); it != payload.constEnd(); ++it)
        data.insert(it.key(), it.value());
    return data;
}

Result<QString> TemplateRenderer::render(const QString &templateText, const QJsonObject &data, Escape escape, const QString &field)
{
    return renderWith(templateText, toMustache(data), escape, field);
}

Status TemplateRenderer::check(const QString &templateText, const QString &field)
{
    const mustache::mustache tmpl{templateText.toStdString()};
    if (!tmpl.is_valid())
        return Error::badInput(QStringLiteral("template '%1' cannot render: %2; fix its Mustache syntax")
                                   .arg(field, QString::fromStdString(tmpl.error_message())));
    return {};
}

Result<RenderedContent> TemplateRenderer::render(const Message &message)
{
    const auto payload = payloadOf(message);
    if (!payload)
        return payload.error();
    const QString requested = requestedLocale(message, *payload);
    const QStringList locales = localeCandidates(requested);
    const mustache::data data = toMustache(dataFor(message, *payload));

    RenderedContent content;
    QString variantUsed;
    struct Field
    {
        QStringList keys;
        QString *out;
        Escape escape;
    };
    // Body first: its variant is the one the reader sees most, so it names the locale.
    const Field fields[] = {
        {{QStringLiteral("body"), QStringLiteral("text")}, &content.text, Escape::None},
        {{QStringLiteral("subject"), QStringLiteral("title")}, &content.subject, Escape::None},
        {{QStringLiteral("html")}, &content.html, Escape::Html},
    };
    for (const Field &f : fields) {
        const auto source = pick(*payload, locales, f.keys);
        if (!source)
            return source.error();
        if (!*source)
            continue;
        const auto rendered = renderWith((*source)->text, data, f.escape, (*source)->field);
        if (!rendered)
            return rendered.error();
        *f.out = *rendered;
        if (variantUsed.isEmpty())
            variantUsed = (*source)->variant;
    }
    content.locale = variantUsed.isEmpty() ? requested : variantUsed;
    return content;
}

} // namespace herald
