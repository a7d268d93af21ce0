#include "ChannelConfig.h"

#include "EmailAddress.h"

#include <QRegularExpression>
#include <QStringList>
#include <QUrl>

#include <algorithm>

namespace herald {

namespace {

enum class OptionType { Text, Bool };

struct OptionSpec
{
    const char *name;
    OptionType type;
    QStringList allowed; // for Text: the only values accepted, when not empty
};

const QList<OptionSpec> &optionsOf(ChannelConfig::Kind kind)
{
    using K = ChannelConfig::Kind;
    static const QList<OptionSpec> none;
    static const QList<OptionSpec> webhook{{"signature_header", OptionType::Text, {}}};
    static const QList<OptionSpec> sms{{"format", OptionType::Text, {QStringLiteral("json"), QStringLiteral("form")}},
                                       {"body", OptionType::Text, {}},
                                       {"auth_header", OptionType::Text, {}},
                                       {"id_field", OptionType::Text, {}}};
    static const QList<OptionSpec> email{{"from", OptionType::Text, {}},
                                         {"reply_to", OptionType::Text, {}},
                                         {"user", OptionType::Text, {}},
                                         {"tls", OptionType::Text, {QStringLiteral("opportunistic"), QStringLiteral("required")}},
                                         {"ca_file", OptionType::Text, {}},
                                         {"insecure_skip_verify", OptionType::Bool, {}}};
    switch (kind) {
    case K::Webhook: return webhook;
    case K::Sms: return sms;
    case K::Email: return email;
    case K::Outbox:
    case K::Push: return none;
    }
    return none;
}

QString optionNames(ChannelConfig::Kind kind)
{
    QStringList names;
    for (const OptionSpec &o : optionsOf(kind))
        names << QLatin1String(o.name);
    return names.isEmpty() ? QStringLiteral("it takes no options") : QStringLiteral("known options: ") + names.join(QStringLiteral(", "));
}

bool isHeaderName(const QString &name)
{
    static const QRegularExpression token(QStringLiteral("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$"));
    return token.match(name).hasMatch();
}

} // namespace

Result<ChannelConfig::Kind> ChannelConfig::parseKind(const QString &text)
{
    const QString t = text.trimmed().toLower();
    for (Kind k : {Kind::Outbox, Kind::Webhook, Kind::Sms, Kind::Email, Kind::Push})
        if (kindName(k) == t)
            return k;
    return Error::badInput(QStringLiteral("channel kind '%1' is unknown; use outbox, webhook, sms, email or push").arg(text));
}

QString ChannelConfig::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Outbox: return QStringLiteral("outbox");
    case Kind::Webhook: return QStringLiteral("webhook");
    case Kind::Sms: return QStringLiteral("sms");
    case Kind::Email: return QStringLiteral("email");
    case Kind::Push: return QStringLiteral("push");
    }
    return {};
}

Status ChannelConfig::validate() const
{
    static const QRegularExpression channelName(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    if (!channelName.match(name).hasMatch())
        return Error::badInput(QStringLiteral("channel name '%1' is not allowed; use 1 to 64 letters, digits, '.', '_' or '-', "
                                              "starting with a letter or digit, e.g. ops-mail")
                                   .arg(name));
    const QString kindText = kindName(kind);
    const auto fail = [&](const QString &field, const QString &problemAndFix) {
        return Error::badInput(QStringLiteral("channel '%1' (%2): %3: %4").arg(name, kindText, field, problemAndFix));
    };

    // URL
    if (kind == Kind::Outbox) {
        if (!url.isEmpty())
            return fail(QStringLiteral("url"), QStringLiteral("an outbox channel sends nowhere, so it takes no URL; remove it"));
    } else {
        const bool isEmail = kind == Kind::Email;
        const QString schemes = isEmail ? QStringLiteral("smtp:// (STARTTLS) or smtps:// (implicit TLS)")
                                        : QStringLiteral("http:// or https://");
        const QString example = isEmail ? QStringLiteral("smtp://mail.example.org:587") : QStringLiteral("https://hooks.example.org/herald");
        if (url.isEmpty())
            return fail(QStringLiteral("url"), QStringLiteral("is missing; give an %1 URL, e.g. %2").arg(schemes, example));
        const QUrl u(url, QUrl::StrictMode);
        if (!u.isValid())
            return fail(QStringLiteral("url"), QStringLiteral("'%1' is not a valid URL (%2); give e.g. %3").arg(url, u.errorString(), example));
        const QString scheme = u.scheme().toLower();
        const bool schemeFits = isEmail ? (scheme == QLatin1String("smtp") || scheme == QLatin1String("smtps"))
                                        : (scheme == QLatin1String("http") || scheme == QLatin1String("https"));
        if (!schemeFits)
            return fail(QStringLiteral("url"), QStringLiteral("scheme '%1' does not fit a %2 channel; use %3, e.g. %4")
                                                   .arg(u.scheme(), kindText, schemes, example));
        if (u.host().isEmpty())
            return fail(QStringLiteral("url"), QStringLiteral("'%1' has no host; give e.g. %2").arg(url, example));
        if (!u.userInfo().isEmpty())
            return fail(QStringLiteral("url"),
                        isEmail ? QStringLiteral("credentials do not belong in the URL; put the user in options.user and the password behind secretRef")
                                : QStringLiteral("credentials do not belong in the URL; put them behind secretRef"));
    }

    // Timeout
    if (timeoutMs <= 0 || timeoutMs > kMaxTimeoutMs)
        return fail(QStringLiteral("timeout"),
                    QStringLiteral("%1 ms is out of range; use more than 0 and at most %2 ms (10 min), e.g. 10000").arg(timeoutMs).arg(kMaxTimeoutMs));

    // Secret reference. Never echoed: a secret pasted here by mistake must not land in a log or a dialog.
    if (!secretRef.isEmpty()) {
        static const QRegularExpression reference(QStringLiteral("^(env:[A-Za-z_][A-Za-z0-9_]*|keychain:[^\\s]+)$"));
        if (!reference.match(secretRef).hasMatch())
            return fail(QStringLiteral("secretRef"),
                        QStringLiteral("is not a reference to a secret; give env:NAME (an environment variable) or keychain:NAME "
                                       "(an entry of the system keychain, service \"herald\"), never the secret itself"));
        if (kind == Kind::Outbox)
            return fail(QStringLiteral("secretRef"), QStringLiteral("an outbox channel uses no secret; remove it"));
    }

    // Options
    const QList<OptionSpec> &specs = optionsOf(kind);
    for (auto it = options.constBegin(); it != options.constEnd(); ++it) {
        const auto spec = std::find_if(specs.cbegin(), specs.cend(), [&](const OptionSpec &s) { return it.key() == QLatin1String(s.name); });
        const QString field = QStringLiteral("option '%1'").arg(it.key());
        if (spec == specs.cend())
            return fail(field, QStringLiteral("is unknown for a %1 channel; remove it (%2)").arg(kindText, optionNames(kind)));
        if (spec->type == OptionType::Bool && !it.value().isBool())
            return fail(field, QStringLiteral("must be true or false"));
        if (spec->type == OptionType::Text) {
            if (!it.value().isString())
                return fail(field, QStringLiteral("must be a string"));
            const QString value = it.value().toString();
            if (!spec->allowed.isEmpty() && !spec->allowed.contains(value))
                return fail(field, QStringLiteral("'%1' is not allowed; use %2").arg(value, spec->allowed.join(QStringLiteral(" or "))));
            if (value.trimmed().isEmpty())
                return fail(field, QStringLiteral("is empty; give a value or remove the option"));
        }
    }
    const auto text = [&](const char *key) { return options.value(QLatin1String(key)).toString(); };

    switch (kind) {
    case Kind::Webhook:
        if (options.contains(QLatin1String("signature_header")) && !isHeaderName(text("signature_header")))
            return fail(QStringLiteral("option 'signature_header'"),
                        QStringLiteral("'%1' is not an HTTP header name; use letters, digits and '-', e.g. X-Herald-Signature").arg(text("signature_header")));
        break;
    case Kind::Sms:
        if (options.contains(QLatin1String("auth_header")) && !isHeaderName(text("auth_header")))
            return fail(QStringLiteral("option 'auth_header'"),
                        QStringLiteral("'%1' is not an HTTP header name; use letters, digits and '-', e.g. Authorization").arg(text("auth_header")));
        break;
    case Kind::Email: {
        if (!options.contains(QLatin1String("from")))
            return fail(QStringLiteral("option 'from'"),
                        QStringLiteral("is missing; an email channel needs the sender, e.g. \"from\": \"Herald <noreply@example.org>\""));
        for (const char *key : {"from", "reply_to"}) {
            if (!options.contains(QLatin1String(key)))
                continue;
            if (const auto address = EmailAddress::parse(text(key), QStringLiteral("option '%1'").arg(QLatin1String(key))); !address)
                return Error::badInput(QStringLiteral("channel '%1' (email): %2").arg(name, address.errorString()));
        }
        const bool hasUser = options.contains(QLatin1String("user"));
        if (hasUser && secretRef.isEmpty())
            return fail(QStringLiteral("secretRef"),
                        QStringLiteral("is missing; option 'user' logs in, so give the password's reference, e.g. env:SMTP_PASSWORD"));
        if (!hasUser && !secretRef.isEmpty())
            return fail(QStringLiteral("option 'user'"),
                        QStringLiteral("is missing; a secretRef is an SMTP password, so give the user it belongs to, or remove the secretRef"));
        break;
    }
    case Kind::Outbox:
    case Kind::Push:
        break;
    }
    return {};
}

} // namespace herald
