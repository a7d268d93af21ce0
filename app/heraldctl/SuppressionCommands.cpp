#include "Cli.h"

#include "TextTable.h"
#include "model/TimeText.h"
#include "store/EmailStore.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>

namespace herald {

namespace {

QJsonObject suppressionToJson(const Suppression &s, qint64 now)
{
    return QJsonObject{{QStringLiteral("address"), s.address},
                       {QStringLiteral("reason"), s.reason},
                       {QStringLiteral("source_event"), s.sourceEvent.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s.sourceEvent)},
                       {QStringLiteral("note"), s.note.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s.note)},
                       {QStringLiteral("created_at"), formatTimestamp(s.createdAt)},
                       {QStringLiteral("expires_at"), s.expiresAt ? QJsonValue(formatTimestamp(*s.expiresAt)) : QJsonValue(QJsonValue::Null)},
                       {QStringLiteral("active"), s.activeAt(now)}};
}

const QString kReasons = QStringLiteral("hard_bounce, soft_bounce, complaint or manual");

} // namespace

int Cli::cmdSuppression()
{
    const QString sub = takeSubcommand();
    m_commandName = QStringLiteral("suppression ") + sub;
    if (sub == QLatin1String("list"))
        return cmdSuppressionList(false);
    if (sub == QLatin1String("export"))
        return cmdSuppressionList(true);
    if (sub == QLatin1String("add"))
        return cmdSuppressionAdd();
    if (sub == QLatin1String("remove"))
        return cmdSuppressionRemove();
    if (sub == QLatin1String("import"))
        return cmdSuppressionImport();
    if (sub == QLatin1String("policy"))
        return cmdSuppressionPolicy();
    if (sub.isEmpty() && (m_args.contains(QLatin1String("--help")) || m_args.contains(QLatin1String("-h")))) {
        printText(QStringLiteral("Usage: heraldctl suppression <list|add|remove|import|export|policy> [options]\n\n"
                                 "  list                  Addresses the email channel will not send to (--json: JSON Lines)\n"
                                 "  add ADDRESS…          Suppress addresses by hand (--reason, --note, --expires)\n"
                                 "  remove ADDRESS…       Allow addresses again\n"
                                 "  import FILE|-         Add entries from JSON Lines (as exported) or lines of address[,reason[,note]]\n"
                                 "  export [FILE]         Write every entry as JSON Lines\n"
                                 "  policy                Show or set when soft bounces suppress (--soft-bounces, --window, --expiry)\n"));
        return kOk;
    }
    m_commandName = QStringLiteral("suppression");
    return fail(sub.isEmpty() ? QStringLiteral("name a sub-command: list, add, remove, import, export or policy")
                              : QStringLiteral("unknown sub-command '%1'; use list, add, remove, import, export or policy").arg(sub));
}

int Cli::cmdSuppressionList(bool exportAll)
{
    const QList<QCommandLineOption> options = exportAll ? QList<QCommandLineOption>{}
                                                        : QList<QCommandLineOption>{
                                                              {QStringLiteral("reason"), QStringLiteral("Only entries with this reason: ") + kReasons + QLatin1Char('.'),
                                                               QStringLiteral("REASON")},
                                                              {QStringLiteral("active"), QStringLiteral("Leave out expired entries.")},
                                                          };
    if (auto stop = exportAll ? parse(QStringLiteral("suppression export [FILE]"),
                                      QStringLiteral("Writes every suppression, expired ones included, as JSON Lines to FILE or standard output;\n"
                                                     "`heraldctl suppression import` reads it back."),
                                      options, QStringLiteral("FILE"), QStringLiteral("Where to write (default: standard output)."))
                              : parse(QStringLiteral("suppression list [--reason R] [--active] [--json]"),
                                      QStringLiteral("Lists the suppression list: address, reason, source event, created, expires.\n"
                                                     "--json prints JSON Lines with address, reason, source_event, created_at, expires_at."),
                                      options))
        return *stop;
    EmailStore::SuppressionFilter f;
    if (!exportAll) {
        f.reason = value(QStringLiteral("reason"));
        if (!f.reason.isEmpty() && !SuppressionReason::isKnown(f.reason))
            return fail(QStringLiteral("--reason '%1' is unknown; use %2").arg(f.reason, kReasons));
        f.includeExpired = !isSet(QStringLiteral("active"));
    }
    const QStringList targets = m_parser.positionalArguments();
    if (targets.size() > 1)
        return fail(QStringLiteral("give at most one file to export to"));
    Store *store = openStoreForReading();
    if (!store)
        return m_status;
    auto list = EmailStore(*store).suppressions(f);
    if (!list)
        return fail(list.error());
    const qint64 now = store->now();
    if (exportAll || json()) {
        QByteArray lines;
        for (const Suppression &s : *list)
            lines += QJsonDocument(suppressionToJson(s, now)).toJson(QJsonDocument::Compact) + '\n';
        if (exportAll && !targets.isEmpty() && targets.front() != QLatin1String("-")) {
            QFile file(targets.front());
            if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(lines) != lines.size())
                return fail(QStringLiteral("cannot write '%1': %2").arg(targets.front(), file.errorString()));
            if (!json())
                m_err << "heraldctl suppression export: wrote " << list->size() << " entries to " << targets.front() << '\n';
            m_err.flush();
            return kOk;
        }
        m_out << QString::fromUtf8(lines);
        m_out.flush();
        return kOk;
    }
    if (list->isEmpty()) {
        printText(QStringLiteral("The suppression list is empty.\n"));
        return kOk;
    }
    TextTable table({QStringLiteral("ADDRESS"), QStringLiteral("REASON"), QStringLiteral("CREATED"), QStringLiteral("EXPIRES"), QStringLiteral("SOURCE EVENT"),
                     QStringLiteral("NOTE")});
    for (const Suppression &s : *list)
        table.addRow({s.address, s.reason, formatTimestampSeconds(s.createdAt),
                      s.expiresAt ? formatTimestampSeconds(*s.expiresAt) + (s.activeAt(now) ? QString() : QStringLiteral(" (expired)")) : QStringLiteral("never"),
                      s.sourceEvent, s.note.left(60)});
    printText(table.render());
    return kOk;
}

int Cli::cmdSuppressionAdd()
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("reason"), QStringLiteral("Why: ") + kReasons + QStringLiteral(" (default manual)."), QStringLiteral("REASON")},
        {QStringLiteral("note"), QStringLiteral("Free text kept with the entry."), QStringLiteral("TEXT")},
        {QStringLiteral("expires"), QStringLiteral("When the entry stops counting: a duration from now (30d) or an ISO time (default never)."),
         QStringLiteral("WHEN")},
    };
    if (auto stop = parse(QStringLiteral("suppression add ADDRESS… [--reason R] [--note TEXT] [--expires 30d]"),
                          QStringLiteral("Suppresses addresses: the email channel cancels messages to them with reason suppressed.\n"
                                         "An address already on the list gets this entry instead."),
                          options, QStringLiteral("ADDRESS"), QStringLiteral("E-mail addresses to suppress.")))
        return *stop;
    const QStringList addresses = m_parser.positionalArguments();
    if (addresses.isEmpty())
        return fail(QStringLiteral("give the addresses to suppress, e.g. `heraldctl suppression add ana@example.org`"));
    Suppression entry;
    entry.reason = isSet(QStringLiteral("reason")) ? value(QStringLiteral("reason")) : SuppressionReason::Manual;
    if (!SuppressionReason::isKnown(entry.reason))
        return fail(QStringLiteral("--reason '%1' is unknown; use %2").arg(entry.reason, kReasons));
    entry.note = value(QStringLiteral("note"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (isSet(QStringLiteral("expires"))) {
        const QString text = value(QStringLiteral("expires"));
        if (auto d = parseDuration(text); d && *d > 0)
            entry.expiresAt = now + *d;
        else if (auto t = parseTimestamp(text, now); t && *t > now)
            entry.expiresAt = *t;
        else
            return fail(QStringLiteral("--expires '%1' is neither a duration such as 30d nor a future ISO time").arg(text));
    }
    for (const QString &a : addresses)
        if (!a.contains(QLatin1Char('@')) || a.trimmed().contains(QLatin1Char(' ')))
            return fail(QStringLiteral("'%1' is not an e-mail address; give it as ana@example.org").arg(a));
    Store *store = openStore();
    if (!store)
        return m_status;
    EmailStore email(*store);
    for (const QString &a : addresses) {
        entry.address = a;
        if (auto s = email.suppress(entry); !s)
            return fail(s.error());
    }
    if (!json())
        printText(QStringLiteral("suppressed %1\n").arg(addresses.join(QStringLiteral(", "))));
    else
        printJson(QJsonObject{{QStringLiteral("suppressed"), QJsonArray::fromStringList(addresses)}});
    return kOk;
}

int Cli::cmdSuppressionRemove()
{
    if (auto stop = parse(QStringLiteral("suppression remove ADDRESS…"),
                          QStringLiteral("Takes addresses off the suppression list, so they may be sent to again."), {}, QStringLiteral("ADDRESS"),
                          QStringLiteral("E-mail addresses to allow again.")))
        return *stop;
    const QStringList addresses = m_parser.positionalArguments();
    if (addresses.isEmpty())
        return fail(QStringLiteral("give the addresses to remove, e.g. `heraldctl suppression remove ana@example.org`"));
    Store *store = openStore();
    if (!store)
        return m_status;
    EmailStore email(*store);
    for (const QString &a : addresses)
        if (auto s = email.unsuppress(a); !s)
            return fail(s.error());
    if (!json())
        printText(QStringLiteral("removed %1\n").arg(addresses.join(QStringLiteral(", "))));
    else
        printJson(QJsonObject{{QStringLiteral("removed"), QJsonArray::fromStringList(addresses)}});
    return kOk;
}

int Cli::cmdSuppressionImport()
{
    if (auto stop = parse(QStringLiteral("suppression import FILE|-"),
                          QStringLiteral("Adds entries from JSON Lines (as `suppression export` writes them) or from plain lines of\n"
                                         "address[,reason[,note]] (a header line is skipped). An address already suppressed for\n"
                                         "longer keeps its entry. Nothing is imported when a line is bad."),
                          {}, QStringLiteral("FILE"), QStringLiteral("The file to read; - reads standard input.")))
        return *stop;
    const QStringList files = m_parser.positionalArguments();
    if (files.size() != 1)
        return fail(QStringLiteral("give exactly one file to import, or - for standard input"));
    auto content = readInput(files.front());
    if (!content)
        return fail(content.error());
    const QString name = files.front() == QLatin1String("-") ? QStringLiteral("stdin") : files.front();
    QList<Suppression> entries;
    QStringList errors;
    const QList<QByteArray> lines = content->split('\n');
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const QString where = QStringLiteral("%1:%2").arg(name).arg(i + 1);
        Suppression s;
        if (line.startsWith('{')) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            s.address = o.value(QLatin1String("address")).toString();
            s.reason = o.value(QLatin1String("reason")).toString();
            s.sourceEvent = o.value(QLatin1String("source_event")).toString();
            s.note = o.value(QLatin1String("note")).toString();
            if (auto t = parseTimestamp(o.value(QLatin1String("created_at")).toString(), now); t && o.value(QLatin1String("created_at")).isString())
                s.createdAt = *t;
            if (o.value(QLatin1String("expires_at")).isString()) {
                auto t = parseTimestamp(o.value(QLatin1String("expires_at")).toString(), now);
                if (!t) {
                    errors << where + QStringLiteral(": expires_at is not a time");
                    continue;
                }
                s.expiresAt = *t;
            }
        } else {
            const QList<QByteArray> fields = line.split(',');
            s.address = QString::fromUtf8(fields.value(0)).trimmed();
            if (i == 0 && !s.address.contains(QLatin1Char('@')))
                continue; // a header line
            s.reason = QString::fromUtf8(fields.value(1)).trimmed();
            s.note = QString::fromUtf8(fields.mid(2).join(',')).trimmed();
        }
        if (!s.address.contains(QLatin1Char('@')) && !s.address.contains(QLatin1Char(':')))
            errors << where + QStringLiteral(": '%1' is not an address").arg(s.address.left(80));
        else if (!s.reason.isEmpty() && !SuppressionReason::isKnown(s.reason))
            errors << where + QStringLiteral(": reason '%1' is unknown; use %2").arg(s.reason.left(40), kReasons);
        else
            entries << s;
    }
    if (!errors.isEmpty())
        return fail(QStringLiteral("nothing imported:\n  ") + errors.join(QStringLiteral("\n  ")));
    Store *store = openStore();
    if (!store)
        return m_status;
    auto changed = EmailStore(*store).importSuppressions(entries);
    if (!changed)
        return fail(changed.error());
    if (json())
        printJson(QJsonObject{{QStringLiteral("read"), entries.size()}, {QStringLiteral("changed"), *changed}});
    else
        printText(QStringLiteral("read %1 entries, %2 added or extended\n").arg(entries.size()).arg(*changed));
    return kOk;
}

int Cli::cmdSuppressionPolicy()
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("soft-bounces"), QStringLiteral("Soft bounces within the window that suppress an address (0: never; default 3)."),
         QStringLiteral("N")},
        {QStringLiteral("window"), QStringLiteral("The window soft bounces are counted in (default 7d)."), QStringLiteral("DURATION")},
        {QStringLiteral("expiry"), QStringLiteral("How long a soft-bounce suppression lasts, or none (default 30d)."), QStringLiteral("DURATION")},
    };
    if (auto stop = parse(QStringLiteral("suppression policy [--soft-bounces N] [--window 7d] [--expiry 30d|none]"),
                          QStringLiteral("Shows, or changes, when bounces suppress an address. Hard bounces and complaints always do,\n"
                                         "for ever; soft bounces after N within the window, until the expiry."),
                          options))
        return *stop;
    Store *store = openStore();
    if (!store)
        return m_status;
    EmailStore email(*store);
    auto policy = email.suppressionPolicy();
    if (!policy)
        return fail(policy.error());
    SuppressionPolicy p = *policy;
    const bool change = isSet(QStringLiteral("soft-bounces")) || isSet(QStringLiteral("window")) || isSet(QStringLiteral("expiry"));
    if (auto s = intOptionInto(QStringLiteral("soft-bounces"), 0, 1000, p.softBounceThreshold); !s)
        return fail(s.error());
    if (isSet(QStringLiteral("window"))) {
        auto d = durationOption(QStringLiteral("window"));
        if (!d || *d <= 0)
            return fail(d ? Error::badInput(QStringLiteral("--window must be longer than zero, e.g. 7d")) : d.error());
        p.softBounceWindowMs = *d;
    }
    if (isSet(QStringLiteral("expiry"))) {
        auto e = retentionOption(QStringLiteral("expiry"));
        if (!e)
            return fail(QStringLiteral("--expiry '%1' is not a duration such as 30d, or none").arg(value(QStringLiteral("expiry"))));
        p.softBounceExpiryMs = *e;
    }
    if (change)
        if (auto s = email.setSuppressionPolicy(p); !s)
            return fail(s.error());
    if (json())
        printJson(QJsonObject{{QStringLiteral("soft_bounces"), p.softBounceThreshold},
                              {QStringLiteral("window"), formatDuration(p.softBounceWindowMs)},
                              {QStringLiteral("expiry"), p.softBounceExpiryMs ? QJsonValue(formatDuration(*p.softBounceExpiryMs)) : QJsonValue()}});
    else
        printText(QStringLiteral("Hard bounces and complaints suppress for ever; %1\n")
                      .arg(p.softBounceThreshold == 0 ? QStringLiteral("soft bounces never suppress.")
                                                      : QStringLiteral("%1 soft bounces within %2 suppress %3.")
                                                            .arg(p.softBounceThreshold)
                                                            .arg(formatDuration(p.softBounceWindowMs),
                                                                 p.softBounceExpiryMs ? QStringLiteral("for ") + formatDuration(*p.softBounceExpiryMs)
                                                                                      : QStringLiteral("for ever"))));
    return kOk;
}

} // namespace herald
