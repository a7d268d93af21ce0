#include "StoreCopy.h"

#include "Backend.h"
#include "Store.h"
#include "StoreContext.h"
#include "StoreSql.h"

#include <QLocale>
#include <QLockFile>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

#include <algorithm>
#include <cmath>

namespace herald {

using storesql::appendJsonString;
using storesql::exec;
using storesql::sqlError;

// One table as the copy sees it: its columns with their types for Backend::jsonArrayRows ('i' integer,
// 't' text, 'r' real), its primary key (the order pages are read in) and whether its `id` is generated.
struct StoreCopy::Table
{
    QString name;
    QStringList columns;
    QString types;
    QStringList key;
    bool generatedId = false;
};

namespace {

// A statement binds its rows as one JSON text; a chunk of large rows (payloads, raw e-mail events) is
// split into statements of about this size.
constexpr qsizetype kStatementBytes = 4 * 1024 * 1024;

QStringList words(const char *text)
{
    return QString::fromLatin1(text).split(QLatin1Char(' '));
}

// Column names as identifiers: some are keywords on one dialect or another ("key", "trigger").
QString quoted(const QStringList &names)
{
    QStringList out;
    for (const QString &n : names)
        out << QLatin1Char('"') + n + QLatin1Char('"');
    return out.join(QStringLiteral(", "));
}

// How a failure to open a store reads: the role names which of the two stores it is.
Error about(const QString &role, const Error &e)
{
    return Error{e.kind, role + QStringLiteral(": ") + e.message, e.transient};
}

const QString kSource = QStringLiteral("source");
const QString kTarget = QStringLiteral("target");

} // namespace

const QList<StoreCopy::Table> &StoreCopy::tables()
{
    // Every table of schema 7 but the skipped ones, in an order that inserts each row after the rows it
    // refers to. checkSchema() compares the columns with both stores', so a migration that adds a column
    // or a table without adding it here fails the copy (and its test) instead of losing it.
    static const QList<Table> list{
        {QStringLiteral("queues"),
         words("id name concurrency rate_max rate_window_ms max_attempts backoff_kind backoff_base_ms backoff_cap_ms backoff_jitter paused "
               "retain_completed_ms retain_failed_ms retain_cancelled_ms default_channel created_at updated_at"),
         QStringLiteral("itiiiitiiriiiitii"), {QStringLiteral("id")}, true},
        {QStringLiteral("channels"), words("name kind url timeout_ms secret_ref options created_at updated_at"), QStringLiteral("tttittii"),
         {QStringLiteral("name")}, false},
        {QStringLiteral("messages"),
         words("id queue_id type channel recipient payload labels priority state run_at created_at updated_at started_at finished_at attempts "
               "max_attempts lease_owner lease_until stalls dedupe_key provider_message_id last_error failure_group"),
         QStringLiteral("iitttttiiiiiiiiitiitttt"), {QStringLiteral("id")}, true},
        {QStringLiteral("message_labels"), words("message_id key value"), QStringLiteral("itt"), words("message_id key"), false},
        {QStringLiteral("attempts"), words("id message_id number started_at finished_at outcome error response_code worker reached_at"),
         QStringLiteral("iiiiittiti"), {QStringLiteral("id")}, true},
        {QStringLiteral("outbox"), words("id message_id queue_id channel recipient rendered created_at"), QStringLiteral("iiittti"),
         {QStringLiteral("id")}, true},
        {QStringLiteral("suppressions"), words("address reason created_at source_event expires_at note"), QStringLiteral("ttitit"),
         {QStringLiteral("address")}, false},
        {QStringLiteral("audit_log"), words("id at actor action selection affected details undoable undone_by"), QStringLiteral("iitttitii"),
         {QStringLiteral("id")}, true},
        {QStringLiteral("action_journal"), words("audit_id message_id state run_at priority attempts stalls finished_at last_error payload"),
         QStringLiteral("iiiiiiiitt"), words("audit_id message_id"), false},
        {QStringLiteral("email_events"),
         words("id sns_message_id event_type sub_type recipient recipient_domain occurred_at received_at mail_message_id header_message_id "
               "message_id topic_arn bounce_type bounce_subtype action status diagnostic_code complaint_feedback_type click_link source raw"),
         QStringLiteral("itttttiittitttttttttt"), {QStringLiteral("id")}, true},
        {QStringLiteral("email_rollups"),
         words("period_ms bucket sends deliveries hard_bounces soft_bounces suppression_list_bounces undetermined_bounces complaints rejects "
               "opens clicks delays rendering_failures subscriptions other_events"),
         QString(16, QLatin1Char('i')), words("period_ms bucket"), false},
        {QStringLiteral("email_domain_rollups"),
         words("day domain sends deliveries hard_bounces soft_bounces suppression_list_bounces undetermined_bounces complaints rejects "
               "opens clicks delays rendering_failures subscriptions other_events"),
         QStringLiteral("it") + QString(14, QLatin1Char('i')), words("day domain"), false},
        {QStringLiteral("email_bounce_reasons"), words("day bounce_type bounce_subtype diagnostic n"), QStringLiteral("ittti"),
         words("day bounce_type bounce_subtype diagnostic"), false},
        {QStringLiteral("email_settings"), words("key value"), QStringLiteral("tt"), {QStringLiteral("key")}, false},
        {QStringLiteral("sns_notices"), words("id sns_message_id type topic_arn message subscribe_url received_at confirmed_at confirm_error"),
         QStringLiteral("itttttiit"), {QStringLiteral("id")}, true},
        {QStringLiteral("settings"), words("key value"), QStringLiteral("tt"), {QStringLiteral("key")}, false},
        {QStringLiteral("cleanup_runs"),
         words("id trigger started_at finished_at messages outbox audit email_events archived bytes_reclaimed cancelled error"),
         QStringLiteral("itiiiiiiiiit"), {QStringLiteral("id")}, true},
        {QStringLiteral("delivery_rollups"),
         words("bucket span_ms shard queue_id channel type delivered failed retried cancelled late_0 late_1 late_2 late_3 late_4 late_5 "
               "late_6 late_7 late_8 late_9 late_10 late_11 late_12 late_13 late_14 late_15 late_16 late_17 late_18"),
         QStringLiteral("iiiitt") + QString(23, QLatin1Char('i')), words("bucket span_ms shard queue_id channel type"), false},
        {QStringLiteral("plans"), words("id name definition created_at updated_at"), QStringLiteral("ittii"), {QStringLiteral("id")}, true},
        {QStringLiteral("plan_events"), words("event_id plan name status snapshot active_snapshot applied_at"), QStringLiteral("tttttti"),
         {QStringLiteral("event_id")}, false},
        {QStringLiteral("plan_people"), words("event_id person_id first_seen_at"), QStringLiteral("tti"), words("event_id person_id"), false},
        {QStringLiteral("plan_messages"), words("identity event_id message_id content_hash cancelled_by_plan created_at"), QStringLiteral("ttitii"),
         {QStringLiteral("identity")}, false},
        {QStringLiteral("plan_journal"), words("audit_id identity existed message_id content_hash cancelled_by_plan"), QStringLiteral("itiiti"),
         words("audit_id identity"), false},
        {QStringLiteral("plan_event_journal"),
         words("audit_id event_id existed plan name status snapshot active_snapshot applied_at new_people"), QStringLiteral("ititttttit"),
         {QStringLiteral("audit_id")}, false},
    };
    return list;
}

QStringList StoreCopy::copiedTables()
{
    QStringList names;
    for (const Table &t : tables())
        names << t.name;
    return names;
}

QStringList StoreCopy::skippedTables()
{
    // schema_version: the target has its own. queue_counts, queue_count_deltas: the target's triggers count
    // the messages as they arrive. engines, leader: the processes running on the source, not on the target.
    return {QStringLiteral("schema_version"), QStringLiteral("queue_counts"), QStringLiteral("queue_count_deltas"), QStringLiteral("engines"),
            QStringLiteral("leader")};
}

bool StoreCopy::Report::ok() const
{
    return counterMismatches.isEmpty() && std::all_of(tables.cbegin(), tables.cend(), [](const TableCount &c) { return c.matches(); });
}

qint64 StoreCopy::Report::sourceRows() const
{
    qint64 n = 0;
    for (const TableCount &c : tables)
        n += c.source;
    return n;
}

StoreCopy::StoreCopy(StoreUrl from, StoreUrl to, Options options) : m_from(std::move(from)), m_to(std::move(to)), m_options(options)
{
}

StoreCopy::~StoreCopy()
{
    endSnapshot();
}

Result<QList<StoreCopy::TableCount>> StoreCopy::prepare()
{
    if (m_options.chunkSize < 1)
        return Error::badInput(QStringLiteral("a chunk of %1 rows is too small; give at least 1").arg(m_options.chunkSize));
    if (m_from.sameStore(m_to))
        return Error::badInput(QStringLiteral("'%1' and '%2' are the same store; copy into a new file or another database")
                                   .arg(m_from.display(), m_to.display()));

    // Read-only: the source is never migrated, and no lease of it is reclaimed.
    Store::OpenOptions reading;
    reading.readOnly = true;
    reading.reclaimLeases = false;
    reading.upgradeSchema = false;
    auto source = Store::open(m_from, reading);
    if (!source)
        return about(kSource, source.error());
    m_source = std::move(source).value();
    if (auto s = checkSchema(*m_source, kSource); !s)
        return s.error();
    if (auto s = checkNoEngines(*m_source, m_sourceLock, m_options.ignoreLiveEngines, kSource); !s)
        return s.error();

    // An existing target is neither migrated nor has its leases reclaimed, so refusing it writes nothing.
    Store::OpenOptions writing;
    writing.reclaimLeases = false;
    writing.upgradeSchema = false;
    auto target = Store::open(m_to, writing);
    if (!target)
        return about(kTarget, target.error());
    m_target = std::move(target).value();
    if (auto s = checkSchema(*m_target, kTarget); !s)
        return s.error();
    if (auto s = checkNoEngines(*m_target, m_targetLock, false, kTarget); !s)
        return s.error();
    if (auto s = requireEmpty(*m_target); !s)
        return s.error();

    for (const QString &statement : m_source->context().backend->beginSnapshot()) {
        QSqlQuery begin(m_source->context().db);
        if (!begin.exec(statement))
            return sqlError(QStringLiteral("starting to read the source"), begin.lastError());
    }
    m_snapshotOpen = true;
    m_counts.clear();
    for (const Table &t : tables()) {
        auto n = countRows(*m_source, t.name);
        if (!n)
            return n.error();
        m_counts << TableCount{t.name, *n, 0};
    }
    return m_counts;
}

Status StoreCopy::checkSchema(Store &store, const QString &role)
{
    QSqlQuery list(store.context().db);
    if (!list.exec(store.context().backend->listTables()))
        return sqlError(QStringLiteral("listing the tables of the %1").arg(role), list.lastError());
    QSet<QString> present;
    while (list.next())
        present.insert(list.value(0).toString());
    const QStringList skipped = skippedTables();
    for (const QString &name : std::as_const(present))
        if (!skipped.contains(name) && !copiedTables().contains(name))
            return Error::badInput(QStringLiteral("%1: store '%2' holds a table '%3' that is not Herald's; a copy would leave it behind, so "
                                                  "nothing was copied: move that table out of the store's database first")
                                       .arg(role, store.url().display(), name));
    for (const Table &t : tables()) {
        QSqlQuery q(store.context().db);
        if (!q.exec(QStringLiteral("SELECT * FROM %1 WHERE 1 = 0").arg(t.name)))
            return sqlError(QStringLiteral("reading the columns of the %1's table %2").arg(role, t.name), q.lastError());
        QStringList columns;
        const QSqlRecord record = q.record();
        for (int i = 0; i < record.count(); ++i)
            columns << record.fieldName(i);
        QStringList known = t.columns;
        if (t.types.size() != known.size())
            return Error::runtime(QStringLiteral("store copy: table %1 lists %2 columns and %3 types").arg(t.name).arg(known.size()).arg(t.types.size()));
        columns.sort();
        known.sort();
        if (columns != known)
            return Error::runtime(QStringLiteral("%1: table %2 of store '%3' has the columns %4, and this Herald copies %5; nothing was "
                                                 "copied (report this: the copy does not know the schema it runs on)")
                                      .arg(role, t.name, store.url().display(), columns.join(QLatin1Char(',')), known.join(QLatin1Char(','))));
    }
    return {};
}

Status StoreCopy::checkNoEngines(Store &store, std::unique_ptr<QLockFile> &lock, bool mayIgnore, const QString &role)
{
    QStringList engines;
    if (store.capabilities().singleWriterLock) {
        // The lock file the store's one engine holds (Engine::start): taken for the whole copy, so that no
        // engine starts delivering from the store meanwhile.
        lock = std::make_unique<QLockFile>(store.url().sqlitePath() + QStringLiteral(".lock"));
        lock->setStaleLockTime(0);
        if (!lock->tryLock(0)) {
            if (lock->error() == QLockFile::LockFailedError) {
                qint64 pid = 0;
                QString host, application;
                lock->getLockInfo(&pid, &host, &application);
                engines << QStringLiteral("process %1 on %2").arg(pid).arg(host);
            }
            // Otherwise the folder takes no lock file (read-only media), and no engine can run there either.
            lock.reset();
        }
    } else {
        auto live = store.liveEngines();
        if (!live)
            return live.error();
        for (const Store::EngineInfo &e : std::as_const(*live))
            engines << QStringLiteral("%1 (pid %2 on %3)").arg(e.id).arg(e.pid).arg(e.host);
    }
    if (engines.isEmpty() || mayIgnore)
        return {};
    if (role == kTarget)
        return Error::badInput(QStringLiteral("target: engines are delivering from store '%1': %2; copy into a store that no engine uses "
                                              "(stop them first)")
                                   .arg(store.url().display(), engines.join(QStringLiteral(", "))));
    return Error::badInput(QStringLiteral("source: engines are delivering from store '%1': %2. A copy would miss what they do from now on, "
                                          "and the messages they hold would be sent again from the copy; stop them first (the console, "
                                          "`heraldctl work`, the herald-worker service), or copy anyway with --force")
                               .arg(store.url().display(), engines.join(QStringLiteral(", "))));
}

Status StoreCopy::requireEmpty(Store &store)
{
    QStringList holding;
    for (const Table &t : tables()) {
        QSqlQuery q(store.context().db);
        if (!q.exec(QStringLiteral("SELECT 1 FROM %1 LIMIT 1").arg(t.name)))
            return sqlError(QStringLiteral("reading the target's table %1").arg(t.name), q.lastError());
        if (q.next())
            holding << t.name;
    }
    if (holding.isEmpty())
        return {};
    if (holding.size() > 4)
        holding = holding.mid(0, 3) << QStringLiteral("%1 more tables").arg(holding.size() - 3);
    return Error::badInput(QStringLiteral("target: store '%1' is not empty (it holds %2); nothing was written. Copy into a new file, or into an "
                                          "empty database (new, or one that only `heraldctl init` has touched)")
                               .arg(store.url().display(), holding.join(QStringLiteral(", "))));
}

Result<qint64> StoreCopy::countRows(Store &store, const QString &table)
{
    QSqlQuery q(store.context().db);
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM %1").arg(table)) || !q.next())
        return sqlError(QStringLiteral("counting the rows of %1 in '%2'").arg(table, store.url().display()), q.lastError());
    return q.value(0).toLongLong();
}

void StoreCopy::endSnapshot()
{
    if (!m_snapshotOpen)
        return;
    QSqlQuery q(m_source->context().db);
    q.exec(QStringLiteral("ROLLBACK")); // it only read
    m_snapshotOpen = false;
}

Result<StoreCopy::Report> StoreCopy::run(const Progress &progress)
{
    if (!m_snapshotOpen)
        return Error::runtime(QStringLiteral("store copy: run() needs a successful prepare() first"));
    Report report;
    const auto partial = [this](const Error &e) {
        return Error{e.kind, e.message + QStringLiteral(". The target '%1' now holds part of the copy: delete it (the file, or drop the "
                                                        "database and create it again) and copy again")
                                             .arg(m_to.display())};
    };
    for (qsizetype i = 0; i < tables().size(); ++i) {
        const Table &t = tables().at(i);
        auto copied = copyTable(t, m_counts.at(i).source, progress);
        if (!copied) {
            endSnapshot();
            return partial(copied.error());
        }
    }
    if (auto s = continueIds(); !s) {
        endSnapshot();
        return partial(s.error());
    }
    endSnapshot();
    if (auto s = m_target->foldCounters(); !s)
        return s.error();
    for (TableCount c : std::as_const(m_counts)) {
        auto n = countRows(*m_target, c.table);
        if (!n)
            return n.error();
        c.target = *n;
        report.tables << c;
    }
    auto mismatches = m_target->counterMismatches();
    if (!mismatches)
        return mismatches.error();
    report.counterMismatches = *mismatches;
    return report;
}

Result<qint64> StoreCopy::copyTable(const Table &t, qint64 total, const Progress &progress)
{
    const QString columns = quoted(t.columns);
    const QString key = quoted(t.key);
    QStringList marks;
    for (qsizetype i = 0; i < t.key.size(); ++i)
        marks << QStringLiteral("?");
    // Keyset pages in primary-key order: each page starts after the last key of the one before.
    const QString firstPage = QStringLiteral("SELECT %1 FROM %2 ORDER BY %3 LIMIT ?").arg(columns, t.name, key);
    const QString nextPage =
        QStringLiteral("SELECT %1 FROM %2 WHERE (%3) > (%4) ORDER BY %3 LIMIT ?").arg(columns, t.name, key, marks.join(QStringLiteral(", ")));
    QList<int> keyAt;
    for (const QString &k : t.key)
        keyAt << int(t.columns.indexOf(k));

    const auto where = [&t](qint64 row, const QString &column) {
        return QStringLiteral("copying %1: row %2, column %3").arg(t.name).arg(row).arg(column);
    };
    if (progress)
        progress(t.name, 0, total);
    qint64 copied = 0;
    QVariantList lastKey;
    for (;;) {
        StoreContext::WriteTransaction tx(m_target->context());
        if (auto s = tx.begin(); !s)
            return s.error();
        StoreContext::Statement page = m_source->context().prepare(lastKey.isEmpty() ? firstPage : nextPage);
        for (const QVariant &v : std::as_const(lastKey))
            page.addBindValue(v);
        page.addBindValue(m_options.chunkSize);
        if (auto s = exec(page, QStringLiteral("reading %1 from the source").arg(t.name)); !s)
            return s.error();
        QByteArray rows("[");
        qint64 inStatement = 0;
        qint64 inPage = 0;
        while (page.next()) {
            if (inStatement > 0)
                rows += ',';
            rows += '[';
            for (qsizetype c = 0; c < t.columns.size(); ++c) {
                if (c > 0)
                    rows += ',';
                const QVariant v = page.value(int(c));
                if (v.isNull()) {
                    rows += "null";
                    continue;
                }
                bool ok = true;
                switch (t.types.at(c).toLatin1()) {
                case 'i': {
                    const qint64 n = v.toLongLong(&ok);
                    if (!ok)
                        return Error::runtime(QStringLiteral("%1 holds '%2', not a whole number; correct it in the source and copy again")
                                                  .arg(where(copied + inPage + 1, t.columns.at(c)), v.toString().left(40)));
                    rows += QByteArray::number(n);
                    break;
                }
                case 'r': {
                    const double d = v.toDouble(&ok);
                    if (!ok || !std::isfinite(d))
                        return Error::runtime(QStringLiteral("%1 holds '%2', not a number; correct it in the source and copy again")
                                                  .arg(where(copied + inPage + 1, t.columns.at(c)), v.toString().left(40)));
                    rows += QByteArray::number(d, 'g', QLocale::FloatingPointShortest);
                    break;
                }
                default: appendJsonString(rows, v.toString()); break;
                }
            }
            rows += ']';
            ++inStatement;
            ++inPage;
            if (inPage == m_options.chunkSize) { // the page's last row: the next page starts after it
                lastKey.clear();
                for (int at : std::as_const(keyAt))
                    lastKey << page.value(at);
            }
            if (rows.size() >= kStatementBytes) {
                rows += ']';
                if (auto s = insertRows(t, rows, inStatement); !s)
                    return s.error();
                rows = QByteArray("[");
                inStatement = 0;
            }
        }
        page.finish();
        if (inStatement > 0) {
            rows += ']';
            if (auto s = insertRows(t, rows, inStatement); !s)
                return s.error();
        }
        if (inPage == 0)
            break;
        if (auto s = tx.commit(); !s)
            return s.error();
        copied += inPage;
        if (progress)
            progress(t.name, copied, total);
        if (inPage < m_options.chunkSize)
            break;
    }
    return copied;
}

Status StoreCopy::insertRows(const Table &t, const QByteArray &rows, qint64 count)
{
    StoreContext::Statement insert = m_target->context().prepare(QStringLiteral("INSERT INTO %1 (%2) SELECT ").arg(t.name, quoted(t.columns)) +
                                                m_target->context().backend->jsonArrayRows(t.types));
    insert.addBindValue(QString::fromUtf8(rows));
    if (auto s = exec(insert, QStringLiteral("copying %1 into the target").arg(t.name)); !s)
        return s;
    if (insert.numRowsAffected() != count)
        return Error::runtime(QStringLiteral("copying %1: the target took %2 of %3 rows").arg(t.name).arg(insert.numRowsAffected()).arg(count));
    return {};
}

Status StoreCopy::continueIds()
{
    StoreContext::WriteTransaction tx(m_target->context());
    if (auto s = tx.begin(); !s)
        return s;
    for (const Table &t : tables()) {
        if (!t.generatedId)
            continue;
        QSqlQuery last(m_source->context().db);
        if (!last.exec(m_source->context().backend->lastGeneratedId(t.name)) || !last.next())
            return sqlError(QStringLiteral("reading the source's last id of %1").arg(t.name), last.lastError());
        const qint64 id = last.value(0).toLongLong();
        if (id <= 0)
            continue;
        for (const QString &sql : m_target->context().backend->continueGeneratedIds(t.name, id)) {
            QSqlQuery q(m_target->context().db);
            q.prepare(sql);
            if (auto s = exec(q, QStringLiteral("continuing the ids of %1 after %2").arg(t.name).arg(id)); !s)
                return s;
        }
    }
    return tx.commit();
}

} // namespace herald
