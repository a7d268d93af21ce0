#pragma once

#include "RenderedContent.h"
#include "model/Message.h"
#include "model/Result.h"

#include <QJsonObject>
#include <QString>

namespace herald {

// Mustache templates (DESIGN §6), rendered with kainjow mustache. Stateless: any thread may call.
//
// A message's templates come from its payload: subject (or title), body (or text), html. Variants in
// payload.localization.<locale>.{subject,title,body,text,html} are chosen by the recipient's locale
// (payload.locale, else the label "locale", else "en"; "es-MX" also tries "es"), falling back to the
// "en" variant, then to the top-level fields, field by field.
//
// The data is the payload object plus "recipient", "message" {id, type, queue, attempt} and "labels";
// a payload key of the same name wins, so a template never loses the author's own data. Dotted names
// ({{contractor.first_name}}) reach into objects; a missing name renders empty (the Mustache rule).
//
// Escaping follows what the field is: html escapes {{x}} for HTML ({{{x}}} does not); subject and text
// are plain text and are never HTML-escaped, so "O'Brien & Sons" reaches an SMS or a text/plain part
// as written instead of as "O&apos;Brien &amp; Sons".
class TemplateRenderer
{
public:
    enum class Escape {
        Html,           // & < > " ' become entities
        None,           // plain text
        Json,           // the value goes inside a JSON string: quotes, backslashes, control characters escaped
        FormUrlEncoded, // percent-encoding for application/x-www-form-urlencoded values
    };

    // A template that cannot render is a permanent error naming the field (e.g. "payload.localization.es.body").
    static Result<RenderedContent> render(const Message &message);

    // One template. field names it in errors.
    static Result<QString> render(const QString &templateText, const QJsonObject &data, Escape escape, const QString &field);

    // Parses without rendering, for checking a configured template before any message needs it.
    static Status check(const QString &templateText, const QString &field);

    // The message's payload as a JSON object; an error when it is not one.
    static Result<QJsonObject> payloadOf(const Message &message);

    // The data templates see (see above).
    static QJsonObject dataFor(const Message &message, const QJsonObject &payload);

    // payload.locale, else the "locale" label, else "en".
    static QString requestedLocale(const Message &message, const QJsonObject &payload);

    // How a JSON value reads in a template: whole numbers without a fraction, objects as compact JSON.
    static QString textOf(const QJsonValue &value);
};

} // namespace herald
