#include "Cli.h"

#include "SignalWatcher.h"
#include "TextTable.h"
#include "email/EmailImporter.h"
#include "email/EmailIntake.h"
#include "email/EmailRates.h"
#include "email/SnsListener.h"
#include "email/SnsVerifier.h"
#include "model/TimeText.h"
#include "store/EmailStore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QRegularExpression>

#include <memory>

namespace herald {

namespace {

constexpr qint64 kDay = 24 * 3'600'000LL;

bool isTopicArn(const QString &arn)
{
    static const QRegularExpression re(QStringLiteral("^arn:aws(-cn|-us-gov)?:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_.-]{1,256}$"));
    return re.match(arn).hasMatch();
}

QJsonValue textOrNull(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

QJsonObject eventToJson(const EmailEvent &e)
{
    QJsonObject o{{QStringLiteral("id"), e.id},
                  {QStringLiteral("sns_message_id"), e.snsMessageId},
                  {QStringLiteral("type"), e.eventType},
                  {QStringLiteral("sub_type"), textOrNull(e.subType)},
                  {QStringLiteral("recipient"), e.recipient},
                  {QStringLiteral("occurred_at"), formatTimestamp(e.occurredAt)},
                  {QStringLiteral("received_at"), formatTimestamp(e.receivedAt)},
                  {QStringLiteral("mail_message_id"), textOrNull(e.mailMessageId)},
                  {QStringLiteral("message_id"), e.messageId ? QJsonValue(*e.messageId) : QJsonValue(QJsonValue::Null)},
                  {QStringLiteral("topic_arn"), textOrNull(e.topicArn)},
                  {QStringLiteral("bounce_type"), textOrNull(e.bounceType)},
                  {QStringLiteral("bounce_subtype"), textOrNull(e.bounceSubType)},
                  {QStringLiteral("action"), textOrNull(e.action)},
                  {QStringLiteral("status"), textOrNull(e.status)},
                  {QStringLiteral("diagnostic_code"), textOrNull(e.diagnosticCode)},
                  {QStringLiteral("complaint_feedback_type"), textOrNull(e.complaintFeedbackType)},
                  {QStringLiteral("click_link"), textOrNull(e.clickLink)},
                  {QStringLiteral("source"), e.source}};
    const QJsonDocument raw = QJsonDocument::fromJson(e.raw);
    o.insert(QStringLiteral("raw"), raw.isObject() ? QJsonValue(raw.object()) : QJsonValue(QString::fromUtf8(e.raw)));
    return o;
}

QJsonObject countsToJson(const EmailCounts &c)
{
    const EmailRates r = EmailRates::from(c);
    return QJsonObject{{QStringLiteral("sends"), c.sends},
                       {QStringLiteral("deliveries"), c.deliveries},
                       {QStringLiteral("hard_bounces"), c.hardBounces},
                       {QStringLiteral("soft_bounces"), c.softBounces},
                       {QStringLiteral("suppression_list_bounces"), c.suppressionListBounces},
                       {QStringLiteral("complaints"), c.complaints},
                       {QStringLiteral("rejects"), c.rejects},
                       {QStringLiteral("opens"), c.opens},
                       {QStringLiteral("clicks"), c.clicks},
                       {QStringLiteral("delays"), c.delays},
                       {QStringLiteral("rendering_failures"), c.renderingFailures},
                       {QStringLiteral("bounce_rate"), r.bounceRate},
                       {QStringLiteral("complaint_rate"), r.complaintRate},
                       {QStringLiteral("bounce_level"), rateLevelName(r.bounceLevel)},
                       {QStringLiteral("complaint_level"), rateLevelName(r.complaintLevel)},
                       {QStringLiteral("rate_basis"), r.basis}};
}

QString percent(double rate)
{
    return QString::number(rate * 100.0, 'f', 2) + QLatin1Char('%');
}

} // namespace

Result<qint64> Cli::timeOption(const QString &name)
{
    const QString text = value(name);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (auto ago = parseDuration(text))
        return now - *ago;
    auto t = parseTimestamp(text, now);
    if (!t)
        return Error::badInput(QStringLiteral("--%1 '%2' is not a time; give an ISO 8601 time such as 2026-11-01T00:00:00Z, now, "
                                              "or a duration ago such as 7d")
                                   .arg(name, text));
    return *t;
}

Result<QByteArray> Cli::readInput(const QString &path)
{
    QFile file;
    if (path == QLatin1String("-")) {
        if (!file.open(stdin, QIODevice::ReadOnly))
            return Error::badInput(QStringLiteral("cannot read standard input"));
    } else {
        file.setFileName(path);
        if (!file.open(QIODevice::ReadOnly))
            return Error::badInput(QStringLiteral("cannot read '%1': %2").arg(path, file.errorString()));
    }
    return file.readAll();
}

// ---- serve -----------------------------------------------------------------------------------

int Cli::cmdServe()
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("listen"), QStringLiteral("Address and port to listen on (default 127.0.0.1:8088; port 0 picks a free one). "
                                                  "Anything but loopback faces the network: put TLS in front."),
         QStringLiteral("ADDRESS:PORT")},
        {QStringLiteral("topic"), QStringLiteral("An SNS topic ARN whose messages are accepted (repeatable). ARN=/PATH gives the topic a "
                                                 "path of its own: accepted there only, and nothing else is accepted there. Topics "
                                                 "without a path share every other path."),
         QStringLiteral("ARN[=/PATH]")},
        {QStringLiteral("confirm-subscriptions"), QStringLiteral("Confirm SubscriptionConfirmation messages of allowed topics (GET SubscribeURL).")},
        {QStringLiteral("link-every"), QStringLiteral("Link events received within the last day to their messages this often, for events "
                                                      "that arrived before their message's provider id (default 30s; 0: never)."),
         QStringLiteral("DURATION")},
        {QStringLiteral("token"), QStringLiteral("Accept raw SES JSON (SNS raw message delivery) from requests carrying this token, as "
                                                 "?token=… or an X-Herald-Token header. Default: $HERALD_SNS_TOKEN."),
         QStringLiteral("TOKEN")},
        {QStringLiteral("certificates"), QStringLiteral("Read SNS signing certificates from this folder (named as in SigningCertURL) "
                                                        "instead of fetching them."),
         QStringLiteral("DIR")},
        {QStringLiteral("ignore-certificate-expiry"), QStringLiteral("Accept expired signing certificates (test certificates only).")},
        {QStringLiteral("max-body"), QStringLiteral("Largest request body in bytes (default 262144)."), QStringLiteral("BYTES")},
        {QStringLiteral("timeout"), QStringLiteral("Time a client has to send its whole request (default 10s)."), QStringLiteral("DURATION")},
    };
    if (auto stop = parse(QStringLiteral("serve [--listen 127.0.0.1:8088] --topic ARN[=/PATH]… [--confirm-subscriptions] [--token T]"),
                          QStringLiteral("Receives Amazon SES events from Amazon SNS over HTTP, verifies their signatures and stores them.\n"
                                         "One line per request on standard output (--json: JSON Lines). Stops on SIGINT/SIGTERM.\n"
                                         "The store must exist: `heraldctl init` creates it."),
                          options))
        return *stop;
    SnsListener::Options o;
    const QString listen = isSet(QStringLiteral("listen")) ? value(QStringLiteral("listen")) : QStringLiteral("127.0.0.1:8088");
    const qsizetype colon = listen.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const int port = listen.mid(colon + 1).toInt(&portOk);
    QString host = listen.left(colon);
    if (host.startsWith(QLatin1Char('[')) && host.endsWith(QLatin1Char(']')))
        host = host.mid(1, host.size() - 2);
    if (host == QLatin1String("localhost"))
        host = QStringLiteral("127.0.0.1");
    if (colon <= 0 || !portOk || port < 0 || port > 65535 || !o.address.setAddress(host))
        return fail(QStringLiteral("--listen '%1' is not ADDRESS:PORT; give e.g. 127.0.0.1:8088 or 0.0.0.0:8088").arg(listen));
    o.port = quint16(port);
    static const QRegularExpression pathPattern(QStringLiteral("^(/[A-Za-z0-9._~!$&'()*+,;:@%-]+)+/?$"));
    QHash<QString, QString> topicOfPath;
    for (const QString &given : m_parser.values(QStringLiteral("topic"))) {
        const qsizetype eq = given.indexOf(QLatin1Char('='));
        const QString arn = eq < 0 ? given : given.left(eq);
        if (!isTopicArn(arn))
            return fail(QStringLiteral("--topic '%1' is not an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:ses-events "
                                       "(or ARN=/sns/bounces for a path of its own)")
                            .arg(given));
        if (eq < 0) {
            if (!o.topics.contains(arn))
                o.topics << arn;
            continue;
        }
        QString path = given.mid(eq + 1);
        if (!pathPattern.match(path).hasMatch())
            return fail(QStringLiteral("--topic '%1': '%2' is not a URL path; give one such as /sns/bounces").arg(given, path));
        while (path.size() > 1 && path.endsWith(QLatin1Char('/')))
            path.chop(1);
        if (o.topicPaths.contains(arn) && o.topicPaths.value(arn) != path)
            return fail(QStringLiteral("--topic %1 has two paths, %2 and %3; give it one").arg(arn, o.topicPaths.value(arn), path));
        o.topicPaths.insert(arn, path);
    }
    if (isSet(QStringLiteral("link-every"))) {
        auto d = durationOption(QStringLiteral("link-every"));
        if (!d || (*d != 0 && (*d < 1000 || *d > 86'400'000)))
            return fail(d ? Error::badInput(QStringLiteral("--link-every must be 0 (never) or from 1s to 24h")) : d.error());
        o.linkIntervalMs = *d;
    }
    o.token = isSet(QStringLiteral("token")) ? value(QStringLiteral("token")) : qEnvironmentVariable("HERALD_SNS_TOKEN");
    if (o.topics.isEmpty() && o.topicPaths.isEmpty() && o.token.isEmpty())
        return fail(QStringLiteral("give --topic ARN for each SNS topic to accept (or --token for raw SES JSON): anyone can point a "
                                   "topic at this endpoint"));
    o.confirmSubscriptions = isSet(QStringLiteral("confirm-subscriptions"));
    o.checkCertificateExpiry = !isSet(QStringLiteral("ignore-certificate-expiry"));
    if (isSet(QStringLiteral("certificates"))) {
        const QString dir = value(QStringLiteral("certificates"));
        if (!QFileInfo(dir).isDir())
            return fail(QStringLiteral("--certificates '%1' is not a folder").arg(dir));
        o.fetchCertificate = SnsVerifier::folderFetcher(dir);
    }
    if (isSet(QStringLiteral("max-body"))) {
        bool ok = false;
        o.maxBodyBytes = value(QStringLiteral("max-body")).toLongLong(&ok);
        if (!ok || o.maxBodyBytes < 1024 || o.maxBodyBytes > 64 * 1024 * 1024)
            return fail(QStringLiteral("--max-body '%1' is not a number of bytes from 1024 to 67108864").arg(value(QStringLiteral("max-body"))));
    }
    if (isSet(QStringLiteral("timeout"))) {
        auto d = durationOption(QStringLiteral("timeout"));
        if (!d || *d < 100 || *d > 600'000)
            return fail(d ? Error::badInput(QStringLiteral("--timeout must be from 100ms to 10m")) : d.error());
        o.requestTimeoutMs = int(*d);
    }
    // Check the store here so that a bad --db says so before the listener starts.
    Store *store = openStore(CreateStore::Never);
    if (!store)
        return m_status;
    const StoreUrl url = store->url();
    m_store.reset();

    SnsListener listener(url, o);
    if (auto s = listener.start(); !s)
        return fail(s.error());
    const QString hostText = o.address.protocol() == QAbstractSocket::IPv6Protocol ? QStringLiteral("[%1]").arg(o.address.toString())
                                                                                     : o.address.toString();
    const QString base = QStringLiteral("http://%1:%2").arg(hostText).arg(listener.port());
    QStringList routes;
    if (!o.topics.isEmpty())
        routes << QStringLiteral("%1/ (any other path) for %2").arg(base, o.topics.join(QStringLiteral(", ")));
    for (auto it = o.topicPaths.cbegin(); it != o.topicPaths.cend(); ++it)
        routes << QStringLiteral("%1%2 for %3").arg(base, it.value(), it.key());
    routes.sort();
    if (routes.isEmpty())
        routes << QStringLiteral("%1/ for raw SES JSON with the token").arg(base);
    m_err << "heraldctl serve: listening on " << routes.join(QStringLiteral("; ")) << ", storing into " << url.display() << '\n';
    m_err.flush();

    SignalWatcher watcher;
    if (auto s = watcher.install(); !s)
        return fail(s.error());
    QObject::connect(&watcher, &SignalWatcher::received, &listener, [this](int signal) {
        m_err << "heraldctl serve: " << SignalWatcher::name(signal) << ": stopped\n";
        m_err.flush();
        QCoreApplication::exit(kOk);
    });
    const bool asJson = json();
    QObject::connect(&listener, &SnsListener::requestHandled, &listener, [this, asJson](int status, const QString &line) {
        const QString at = formatTimestamp(QDateTime::currentMSecsSinceEpoch());
        if (asJson)
            m_out << QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("ts"), at}, {QStringLiteral("status"), status}, {QStringLiteral("detail"), line}})
                                           .toJson(QJsonDocument::Compact))
                  << '\n';
        else
            m_out << at << ' ' << line << '\n';
        m_out.flush();
    });
    QObject::connect(&listener, &SnsListener::subscriptionConfirmed, &listener, [this](const QString &topic, const QString &error) {
        if (error.isEmpty())
            m_err << "heraldctl serve: confirmed the subscription to " << topic << '\n';
        else
            m_err << "heraldctl serve: could not confirm the subscription to " << topic << ": " << error << '\n';
        m_err.flush();
    });
    QObject::connect(&listener, &SnsListener::eventsLinked, &listener, [this](qint64 linked, const QString &error) {
        if (error.isEmpty())
            m_err << "heraldctl serve: linked " << linked << " e-mail event(s) to their messages\n";
        else
            m_err << "heraldctl serve: could not link e-mail events to their messages: " << error << '\n';
        m_err.flush();
    });
    return QCoreApplication::exec();
}

// ---- email -----------------------------------------------------------------------------------

int Cli::cmdEmail()
{
    const QString sub = takeSubcommand();
    m_commandName = QStringLiteral("email ") + sub;
    if (sub == QLatin1String("import"))
        return cmdEmailImport();
    if (sub == QLatin1String("stats"))
        return cmdEmailStats();
    if (sub == QLatin1String("list"))
        return cmdEmailList();
    if (sub.isEmpty() && (m_args.contains(QLatin1String("--help")) || m_args.contains(QLatin1String("-h")))) {
        printText(QStringLiteral("Usage: heraldctl email <import|stats|list> [options]\n\n"
                                 "  import FILE…|-     Import SES events: SNS envelopes, raw SES JSON, JSON Lines, mongoexport\n"
                                 "  stats              Counts, bounce and complaint rates over a window (--from, --to)\n"
                                 "  list               E-mail events, newest first (--type, --recipient, --since)\n"));
        return kOk;
    }
    m_commandName = QStringLiteral("email");
    return fail(sub.isEmpty() ? QStringLiteral("name a sub-command: import, stats or list")
                              : QStringLiteral("unknown sub-command '%1'; use import, stats or list").arg(sub));
}

int Cli::cmdEmailImport()
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("verify"), QStringLiteral("Require SNS envelopes with valid signatures; refuse raw SES JSON and mongoexport documents.")},
        {QStringLiteral("topic"), QStringLiteral("With --verify: accept only these topic ARNs (repeatable; default: any topic)."), QStringLiteral("ARN")},
        {QStringLiteral("certificates"), QStringLiteral("With --verify: read signing certificates from this folder instead of fetching them."),
         QStringLiteral("DIR")},
        {QStringLiteral("ignore-certificate-expiry"), QStringLiteral("With --verify: accept expired signing certificates.")},
    };
    if (auto stop = parse(QStringLiteral("email import FILE…|- [--verify]"),
                          QStringLiteral("Imports Amazon SES events from files: SNS envelopes, raw SES JSON, JSON Lines of either, a JSON\n"
                                         "array, or a mongoexport of the old ses_event collection. The same event is stored once, so\n"
                                         "importing again adds nothing. Bad documents are reported as FILE:LINE and skipped; the exit\n"
                                         "status is then 2."),
                          options, QStringLiteral("FILE"), QStringLiteral("Files to import; - reads standard input.")))
        return *stop;
    const QStringList files = m_parser.positionalArguments();
    if (files.isEmpty())
        return fail(QStringLiteral("give the files to import, or - for standard input"));
    const bool verify = isSet(QStringLiteral("verify"));
    const QStringList topics = m_parser.values(QStringLiteral("topic"));
    for (const QString &t : topics)
        if (!isTopicArn(t))
            return fail(QStringLiteral("--topic '%1' is not an SNS topic ARN such as arn:aws:sns:us-east-1:123456789012:ses-events").arg(t));
    QNetworkAccessManager network;
    SnsVerifier::Options vo;
    vo.allowedTopics = topics;
    vo.anyTopic = topics.isEmpty();
    vo.checkExpiry = !isSet(QStringLiteral("ignore-certificate-expiry"));
    if (isSet(QStringLiteral("certificates"))) {
        if (!QFileInfo(value(QStringLiteral("certificates"))).isDir())
            return fail(QStringLiteral("--certificates '%1' is not a folder").arg(value(QStringLiteral("certificates"))));
        vo.fetch = SnsVerifier::folderFetcher(value(QStringLiteral("certificates")));
    } else {
        vo.fetch = SnsVerifier::networkFetcher(&network);
    }
    SnsVerifier verifier(vo);
    QList<QByteArray> contents;
    for (const QString &f : files) {
        auto c = readInput(f);
        if (!c)
            return fail(c.error());
        contents << *c;
    }
    Store *store = openStore();
    if (!store)
        return m_status;
    EmailImporter::Options io;
    if (verify) {
        io.verify = [&verifier](const SnsMessage &m) {
            // The fetcher answers in this thread's event loop (or at once, from a folder).
            std::optional<Status> verified;
            QEventLoop loop;
            verifier.verify(m, [&](Status s) {
                verified = s;
                loop.quit();
            });
            if (!verified)
                loop.exec();
            return *verified;
        };
    }
    EmailImporter importer(*store, io);
    for (qsizetype fi = 0; fi < files.size(); ++fi)
        if (auto s = importer.add(contents[fi], files[fi] == QLatin1String("-") ? QStringLiteral("stdin") : files[fi]); !s)
            return fail(s.error());
    if (auto s = importer.finish(); !s)
        return fail(s.error());
    const EmailImporter::Report &report = importer.report();
    for (const EmailImporter::Problem &p : report.invalid)
        m_err << p.location << ": " << p.reason << '\n';
    m_err.flush();
    const qint64 imported = report.imported, rows = report.events, duplicates = report.duplicates, ignored = report.ignored,
                 notices = report.notices, invalid = report.invalid.size();
    const QStringList &suppressed = report.suppressed;
    if (json())
        printJson(QJsonObject{{QStringLiteral("imported"), imported},
                              {QStringLiteral("events"), rows},
                              {QStringLiteral("duplicates"), duplicates},
                              {QStringLiteral("ignored"), ignored},
                              {QStringLiteral("notices"), notices},
                              {QStringLiteral("invalid"), invalid},
                              {QStringLiteral("suppressed"), QJsonArray::fromStringList(suppressed)}});
    else
        printText(QStringLiteral("imported %1 (%2 event rows), duplicates %3, ignored %4, notices %5, invalid %6%7\n")
                      .arg(imported)
                      .arg(rows)
                      .arg(duplicates)
                      .arg(ignored)
                      .arg(notices)
                      .arg(invalid)
                      .arg(suppressed.isEmpty() ? QString() : QStringLiteral("; suppressed ") + suppressed.join(QStringLiteral(", "))));
    if (invalid > 0) {
        m_status = kBadInput;
        return kBadInput;
    }
    return kOk;
}

int Cli::cmdEmailStats()
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("from"), QStringLiteral("Start of the window: ISO time, now, or a duration ago (default 7d)."), QStringLiteral("TIME")},
        {QStringLiteral("to"), QStringLiteral("End of the window (default now)."), QStringLiteral("TIME")},
    };
    if (auto stop = parse(QStringLiteral("email stats [--from TIME] [--to TIME] [--json]"),
                          QStringLiteral("Counts per recipient and the bounce and complaint rates over a window, from the rollups, with\n"
                                         "Amazon's levels: bounces 5% review, 10% pause; complaints 0.1% review, 0.5% pause.\n"
                                         "Bounce rate: permanent bounces (not OnAccountSuppressionList) / sends. Whole UTC hours."),
                          options))
        return *stop;
    qint64 to = QDateTime::currentMSecsSinceEpoch();
    qint64 from = to - 7 * kDay;
    if (isSet(QStringLiteral("from"))) {
        auto t = timeOption(QStringLiteral("from"));
        if (!t)
            return fail(t.error());
        from = *t;
    }
    if (isSet(QStringLiteral("to"))) {
        auto t = timeOption(QStringLiteral("to"));
        if (!t)
            return fail(t.error());
        to = *t;
    }
    if (from >= to)
        return fail(QStringLiteral("--from %1 is not before --to %2").arg(formatTimestamp(from), formatTimestamp(to)));
    Store *store = openStoreForReading();
    if (!store)
        return m_status;
    auto totals = EmailStore(*store).totals(from, to);
    if (!totals)
        return fail(totals.error());
    QJsonObject o = countsToJson(*totals);
    o.insert(QStringLiteral("from"), formatTimestamp(from));
    o.insert(QStringLiteral("to"), formatTimestamp(to));
    if (json()) {
        printJson(o);
        return kOk;
    }
    const EmailRates r = EmailRates::from(*totals);
    TextTable table({QStringLiteral("SENDS"), QStringLiteral("DELIVERED"), QStringLiteral("HARD"), QStringLiteral("SOFT"), QStringLiteral("COMPLAINTS"),
                     QStringLiteral("REJECTS"), QStringLiteral("OPENS"), QStringLiteral("CLICKS"), QStringLiteral("DELAYS")},
                    {true, true, true, true, true, true, true, true, true});
    table.addRow({QString::number(totals->sends), QString::number(totals->deliveries), QString::number(totals->hardBounces),
                  QString::number(totals->softBounces), QString::number(totals->complaints), QString::number(totals->rejects),
                  QString::number(totals->opens), QString::number(totals->clicks), QString::number(totals->delays)});
    printText(QStringLiteral("E-mail from %1 to %2\n").arg(formatTimestampSeconds(from), formatTimestampSeconds(to)) + table.render() +
              QStringLiteral("bounce rate %1 (%2)   complaint rate %3 (%4)\n")
                  .arg(percent(r.bounceRate), rateLevelName(r.bounceLevel), percent(r.complaintRate), rateLevelName(r.complaintLevel)));
    return kOk;
}

int Cli::cmdEmailList()
{
    const QList<QCommandLineOption> options{
        {QStringLiteral("type"), QStringLiteral("send, delivery, bounce, complaint, reject, open, click, rendering_failure, delivery_delay, "
                                                "subscription, or an unknown type's name."),
         QStringLiteral("TYPE")},
        {QStringLiteral("recipient"), QStringLiteral("Only this address."), QStringLiteral("ADDRESS")},
        {QStringLiteral("since"), QStringLiteral("Only events at or after: ISO time or a duration ago (7d)."), QStringLiteral("TIME")},
        {QStringLiteral("message"), QStringLiteral("Only events linked to this Herald message id."), QStringLiteral("ID")},
        {QStringLiteral("limit"), QStringLiteral("At most this many (default 100)."), QStringLiteral("N")},
    };
    if (auto stop = parse(QStringLiteral("email list [--type T] [--recipient A] [--since TIME] [--limit N] [--json]"),
                          QStringLiteral("Lists e-mail events, newest first; --json prints JSON Lines with the raw SES JSON."), options))
        return *stop;
    EmailStore::EventFilter f;
    if (isSet(QStringLiteral("type"))) {
        f.type = value(QStringLiteral("type"));
        static const QRegularExpression typeName(QStringLiteral("^[a-z_]{1,64}$"));
        if (!typeName.match(f.type).hasMatch())
            return fail(QStringLiteral("--type '%1' is not an event type; use send, delivery, bounce, complaint, reject, open, click, "
                                       "rendering_failure, delivery_delay or subscription")
                            .arg(f.type));
    }
    f.recipient = value(QStringLiteral("recipient"));
    if (isSet(QStringLiteral("since"))) {
        auto t = timeOption(QStringLiteral("since"));
        if (!t)
            return fail(t.error());
        f.since = *t;
    }
    if (isSet(QStringLiteral("message"))) {
        bool ok = false;
        f.messageId = value(QStringLiteral("message")).toLongLong(&ok);
        if (!ok || *f.messageId <= 0)
            return fail(QStringLiteral("--message '%1' is not a message id").arg(value(QStringLiteral("message"))));
    }
    if (isSet(QStringLiteral("limit"))) {
        auto n = intOption(QStringLiteral("limit"), 1, 100'000);
        if (!n)
            return fail(n.error());
        f.limit = *n;
    }
    Store *store = openStoreForReading();
    if (!store)
        return m_status;
    auto events = EmailStore(*store).events(f);
    if (!events)
        return fail(events.error());
    if (json()) {
        for (const EmailEvent &e : *events)
            m_out << QString::fromUtf8(QJsonDocument(eventToJson(e)).toJson(QJsonDocument::Compact)) << '\n';
        m_out.flush();
        return kOk;
    }
    if (events->isEmpty()) {
        printText(QStringLiteral("No e-mail events match. Import some with `heraldctl email import FILE`, or receive them with `heraldctl serve`.\n"));
        return kOk;
    }
    TextTable table({QStringLiteral("ID"), QStringLiteral("OCCURRED"), QStringLiteral("TYPE"), QStringLiteral("SUB-TYPE"), QStringLiteral("RECIPIENT"),
                     QStringLiteral("MESSAGE"), QStringLiteral("DETAIL")},
                    {true, false, false, false, false, true, false});
    for (const EmailEvent &e : *events)
        table.addRow({QString::number(e.id), formatTimestampSeconds(e.occurredAt), e.eventType, e.subType, e.recipient,
                      e.messageId ? QString::number(*e.messageId) : QString(),
                      (!e.diagnosticCode.isEmpty() ? e.diagnosticCode : e.clickLink).left(80)});
    printText(table.render());
    return kOk;
}

} // namespace herald
