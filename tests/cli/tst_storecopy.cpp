// `heraldctl store copy FROM TO` as a real process: a SQLite store with a row in every table copied to
// a PostgreSQL database and to a MariaDB database the test's servers hold, and from each back into a
// new SQLite file, compared table by table and row by row; and every refusal, each before anything is
// written.
#include "HeraldctlRun.h"
#include "MariaDbServer.h"
#include "PgServer.h"
#include "store/Backend.h"
#include "store/Store.h"
#include "store/StoreCopy.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace herald;
using namespace Qt::StringLiterals;

namespace {

// A store's rows per table as sorted text lines, every value with its column: equal dumps are equal
// contents, whatever order or dialect the rows come in.
using Dump = QMap<QString, QStringList>;

} // namespace

class tst_StoreCopy : public QObject
{
    Q_OBJECT

    test::PgServer *m_pg = nullptr;
    test::MariaDbServer *m_mariadb = nullptr; // started by the first test that needs it
    QTemporaryDir m_dir;
    int m_connections = 0;

    QProcessEnvironment environment() const
    {
        QProcessEnvironment env = test::ctlEnvironment();
        env.insert(u"HOME"_s, m_dir.path()); // the default store must never be the developer's
        env.insert(u"XDG_DATA_HOME"_s, m_dir.filePath(u"xdg"_s));
        return env;
    }

    // heraldctl with --db (db empty: without), checked never to print the server's password.
    test::CtlRun ctl(const QString &db, const QStringList &args, const QByteArray &input = {})
    {
        test::CtlRun r = test::runHeraldctl(db, args, environment(), input);
        for (const test::TestServer *server : {static_cast<const test::TestServer *>(m_pg), static_cast<const test::TestServer *>(m_mariadb)})
            if (server && (r.out.contains(server->password().toUtf8()) || r.err.contains(server->password().toUtf8())))
                qFatal("heraldctl %s printed the password:\n%s\n%s", qPrintable(args.join(u' ')), r.out.constData(), r.err.constData());
        return r;
    }

    bool ctlOk(const QString &db, const QStringList &args, const QByteArray &input = {}, QByteArray *out = nullptr)
    {
        const test::CtlRun r = ctl(db, args, input);
        if (r.code != 0)
            qWarning("heraldctl %s: exit %d\n%s", qPrintable(args.join(u' ')), r.code, r.err.constData());
        if (out)
            *out = r.out;
        return r.code == 0;
    }

    test::CtlRun copy(const QString &from, const QString &to, const QStringList &extra = {})
    {
        return ctl({}, QStringList{u"store"_s, u"copy"_s, from, to} + extra);
    }

    QString path(const QString &name) const { return m_dir.filePath(name); }

    static QString fresh(test::TestServer *server)
    {
        QString error;
        const QString name = server->freshDatabase(&error);
        if (name.isEmpty())
            qFatal("%s", qPrintable(error));
        return server->url(name);
    }
    QString freshPg() { return fresh(m_pg); }
    // The MariaDB server, started on the first call.
    QString freshMariaDb()
    {
        QString error;
        if (!m_mariadb && !(m_mariadb = test::MariaDbServer::shared(&error)))
            qFatal("%s", qPrintable(error));
        return fresh(m_mariadb);
    }

    // A connection of the test's own to the store (never through the Store under test), for fn.
    template<typename F>
    auto withDatabase(const QString &store, F fn)
    {
        const auto url = StoreUrl::parse(store);
        if (!url)
            qFatal("%s", qPrintable(url.errorString()));
        const QString name = u"storecopy-test-%1"_s.arg(++m_connections);
        std::optional<decltype(fn(std::declval<QSqlDatabase &>()))> result;
        {
            const bool server = url->kind() != StoreUrl::Kind::Sqlite;
            const QString driver = url->kind() == StoreUrl::Kind::Postgres ? u"QPSQL"_s : url->kind() == StoreUrl::Kind::Mysql ? u"QMYSQL"_s : u"QSQLITE"_s;
            QSqlDatabase db = QSqlDatabase::addDatabase(driver, name);
            if (server) {
                db.setHostName(url->host());
                db.setPort(url->port());
                db.setUserName(url->user());
                db.setPassword(url->password());
                db.setDatabaseName(url->database());
            } else {
                db.setDatabaseName(url->sqlitePath());
            }
            if (!db.open())
                qFatal("%s", qPrintable(db.lastError().text()));
            result = fn(db);
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
        return *result;
    }

    Dump dump(const QString &store)
    {
        return withDatabase(store, [](QSqlDatabase &db) {
            Dump out;
            for (const QString &table : StoreCopy::copiedTables()) {
                QSqlQuery q(db);
                if (!q.exec(u"SELECT * FROM %1"_s.arg(table)))
                    qFatal("%s", qPrintable(q.lastError().text()));
                QStringList rows;
                while (q.next()) {
                    const QSqlRecord r = q.record();
                    QStringList fields;
                    for (int i = 0; i < r.count(); ++i) {
                        const QVariant v = r.value(i);
                        fields << r.fieldName(i) + u'=' + (v.isNull() ? u"NULL"_s : v.toString());
                    }
                    fields.sort(); // by column name: the dialects order ALTERed columns alike, but say so
                    rows << fields.join(u'\x1f');
                }
                rows.sort();
                out.insert(table, rows);
            }
            return out;
        });
    }

    // The first table and row where two dumps differ, for the failure message.
    static QString difference(const Dump &a, const Dump &b)
    {
        for (const QString &table : StoreCopy::copiedTables()) {
            const QStringList x = a.value(table), y = b.value(table);
            if (x == y)
                continue;
            for (qsizetype i = 0; i < std::max(x.size(), y.size()); ++i)
                if (x.value(i) != y.value(i))
                    return u"%1 (%2 rows against %3), row %4:\n  %5\n  %6"_s.arg(table).arg(x.size()).arg(y.size()).arg(i).arg(x.value(i), y.value(i));
        }
        return {};
    }

    QStringList tablesOf(const QString &store)
    {
        return withDatabase(store, [](QSqlDatabase &db) {
            QStringList names = db.tables(QSql::Tables);
            names.removeIf([](const QString &n) { return n.startsWith(u"sqlite_"_s); });
            names.sort();
            return names;
        });
    }

    qint64 scalar(const QString &store, const QString &sql)
    {
        return withDatabase(store, [&sql](QSqlDatabase &db) {
            QSqlQuery q(db);
            if (!q.exec(sql) || !q.next())
                qFatal("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            return q.value(0).toLongLong();
        });
    }

    QStringList counterMismatches(const QString &store)
    {
        Store::OpenOptions reading;
        reading.readOnly = true;
        reading.reclaimLeases = false;
        auto s = Store::open(*StoreUrl::parse(store), reading);
        if (!s)
            return {s.errorString()};
        auto m = (*s)->counterMismatches();
        return m ? *m : QStringList{m.errorString()};
    }

    QJsonDocument json(const QString &db, const QStringList &args)
    {
        QByteArray out;
        if (!ctlOk(db, args + QStringList{u"--json"_s}, {}, &out))
            return {};
        return QJsonDocument::fromJson(out);
    }

    // Fills every table a copy writes: the demo (queues, messages in every state with labels and
    // attempts, audit entries and their journal, e-mail events and rollups), a channel, messages
    // delivered into the outbox, a suppression, the suppression policy, the cleanup schedule and a
    // recorded cleanup, an SNS notice, an undone action, and a newest message deleted. Returns that
    // message's id: no copy may hand it out again.
    qint64 fill(const QString &db)
    {
        const auto fixture = [](const char *name) { return QDir(QStringLiteral(HERALD_SES_FIXTURES)).filePath(QString::fromLatin1(name)); };
        QByteArray lines;
        for (int i = 0; i < 30; ++i) {
            const QJsonObject line{
                {u"type"_s, u"note"_s},
                {u"recipient"_s, u"user-%1@example.com"_s.arg(i)},
                {u"payload"_s, QJsonObject{{u"text"_s, u"Grüße \"quoted\" \\ tab\t ✓ 𝄞 %1"_s.arg(i)}}},
                {u"labels"_s, QJsonObject{{u"event"_s, QString::number(40 + i % 3)}, {u"who"_s, u"Zoë"_s}}},
                {u"priority"_s, 1 + i % 10}};
            lines += QJsonDocument(line).toJson(QJsonDocument::Compact) + '\n';
        }
        const bool filled =
            ctlOk(db, {u"init"_s}) &&
            ctlOk(db, {u"channel"_s, u"add"_s, u"hooks"_s, u"--kind"_s, u"webhook"_s, u"--url"_s, u"http://127.0.0.1:9/hook"_s}) &&
            ctlOk(db, {u"queue"_s, u"add"_s, u"local"_s, u"--concurrency"_s, u"3"_s}) &&
            ctlOk(db, {u"enqueue"_s, u"--file"_s, u"-"_s, u"--queue"_s, u"local"_s}, lines) &&
            ctlOk(db, {u"work"_s, u"--queue"_s, u"local"_s, u"--until-drained"_s}) &&
            // After the work: an engine starting on a SQLite store takes back every active lease, and the
            // demo leaves messages active on "another machine".
            ctlOk(db, {u"demo"_s}) &&
            ctlOk(db, {u"suppression"_s, u"add"_s, u"blocked@example.com"_s, u"--note"_s, u"asked us by phone"_s}) &&
            ctlOk(db, {u"suppression"_s, u"policy"_s, u"--soft-bounces"_s, u"5"_s}) &&
            ctlOk(db, {u"cleanup"_s, u"--schedule"_s, u"04:15"_s}) &&
            ctlOk(db, {u"plan"_s, u"define"_s, QStringLiteral(HERALD_EXAMPLES "/conference-plan.json")}) &&
            ctlOk(db, {u"plan"_s, u"apply"_s, QStringLiteral(HERALD_EXAMPLES "/event-41.json"), u"--plan"_s, u"conference"_s}) &&
            ctlOk(db, {u"cleanup"_s, u"--completed-older-than"_s, u"3650d"_s}) &&
            ctlOk(db, {u"email"_s, u"import"_s, fixture("sns_doc_example_subscription_confirmation.json"),
                       fixture("notif_bounce_permanent_with_dsn.json")}) &&
            ctlOk(db, {u"priority"_s, u"--to"_s, u"2"_s, u"--queue"_s, u"send-event"_s, u"--state"_s, u"scheduled"_s}) &&
            ctlOk(db, {u"undo"_s});
        if (!filled)
            return 0;
        const QJsonDocument enqueued =
            json(db, {u"enqueue"_s, u"--queue"_s, u"local"_s, u"--type"_s, u"note"_s, u"--in"_s, u"1h"_s, u"--to"_s, u"last@example.com"_s});
        const qint64 id = enqueued.object().value(u"id"_s).toInteger();
        if (id <= 0 || !ctlOk(db, {u"cancel"_s, QString::number(id)}) || !ctlOk(db, {u"delete"_s, QString::number(id)}))
            return 0;
        return id;
    }

    // SQLite → the server's fresh database → SQLite keeps every count, and every row.
    void keepsEveryRowThroughAndBack(const QString &server, const QString &prefix)
    {
        const QString source = path(prefix + u"-source.db"_s);
        const qint64 deleted = fill(source);
        QVERIFY(deleted > 0);
        const Dump before = dump(source);
        for (auto it = before.cbegin(); it != before.cend(); ++it)
            QVERIFY2(!it->isEmpty(), qPrintable(u"the source's %1 is empty: the test would not prove it is copied"_s.arg(it.key())));
        const QJsonDocument stats = json(source, {u"stats"_s});
        for (const QString &state : {u"scheduled"_s, u"waiting"_s, u"active"_s, u"completed"_s, u"failed"_s, u"cancelled"_s}) {
            qint64 n = 0;
            for (const QJsonValue &queue : stats.array())
                n += queue[state].toInteger();
            QVERIFY2(n > 0, qPrintable(u"no %1 message in the source"_s.arg(state)));
        }

        // Into a database that `init` has touched (empty all the same), reporting JSON only.
        const QString pg = server;
        QVERIFY(ctlOk(pg, {u"init"_s}));
        test::CtlRun r = copy(source, pg, {u"--json"_s});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(r.err.isEmpty(), r.err.constData()); // no progress with --json
        const QJsonObject report = QJsonDocument::fromJson(r.out).object();
        QCOMPARE(report.value(u"ok"_s).toBool(), true);
        QCOMPARE(report.value(u"from"_s).toString(), source);
        QVERIFY(!report.value(u"to"_s).toString().contains(StoreUrl::parse(server)->password()));
        QCOMPARE(report.value(u"counter_mismatches"_s).toArray().size(), 0);
        const QJsonArray tables = report.value(u"tables"_s).toArray();
        QCOMPARE(tables.size(), StoreCopy::copiedTables().size());
        for (const QJsonValue &t : tables) {
            const QString name = t[u"table"_s].toString();
            QCOMPARE(t[u"source"_s].toInteger(), qint64(before.value(name).size()));
            QCOMPARE(t[u"target"_s].toInteger(), qint64(before.value(name).size()));
            QVERIFY(t[u"ok"_s].toBool());
        }
        QVERIFY2(dump(pg) == before, qPrintable(difference(dump(pg), before)));
        QCOMPARE(json(pg, {u"stats"_s}), stats);
        QCOMPARE(counterMismatches(pg), QStringList());

        // Back into a new file, seven rows per transaction: many pages of every table, from the server.
        const QString back = path(u"sub/"_s + prefix + u"-back.db"_s);
        r = copy(pg, back, {u"--chunk"_s, u"7"_s});
        QVERIFY2(r.code == 0, r.err.constData());
        QVERIFY2(r.err.contains("messages: 7 of "), r.err.constData());
        QVERIFY2(r.err.contains("message_labels: 14 of "), r.err.constData());
        QVERIFY(!r.out.contains("MISMATCH"));
        QVERIFY2(r.out.contains("every count matches"), r.out.constData());
        for (const QString &table : StoreCopy::copiedTables())
            QVERIFY2(QString::fromUtf8(r.out).simplified().contains(u"%1 %2 %2 ok"_s.arg(table).arg(before.value(table).size())),
                     qPrintable(table));
        QVERIFY2(dump(back) == before, qPrintable(difference(dump(back), before)));
        QCOMPARE(json(back, {u"stats"_s}), stats);
        QCOMPARE(counterMismatches(back), QStringList());
        QCOMPARE(scalar(back, u"SELECT MAX(version) FROM schema_version"_s), qint64(Backend::kSchemaVersion));

        // The ids go on after the highest the source handed out, also of the message it deleted.
        for (const QString &store : QStringList{pg, back}) {
            const QJsonDocument added = json(store, {u"enqueue"_s, u"--queue"_s, u"local"_s, u"--type"_s, u"note"_s});
            QVERIFY2(added.object().value(u"id"_s).toInteger() > deleted, qPrintable(QString::fromUtf8(added.toJson())));
        }
        // The source is as it was.
        QVERIFY2(dump(source) == before, qPrintable(difference(dump(source), before)));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QString error;
        m_pg = test::PgServer::shared(&error);
        QVERIFY2(m_pg, qPrintable(error));
    }

    // The test: SQLite → PostgreSQL → SQLite keeps every count, and every row.
    void shouldKeepEveryRowFromSqliteToPostgresAndBack() { keepsEveryRowThroughAndBack(freshPg(), u"pg"_s); }

    // The same through MySQL/MariaDB: a store copied to and from it.
    void shouldKeepEveryRowFromSqliteToMysqlAndBack() { keepsEveryRowThroughAndBack(freshMariaDb(), u"mysql"_s); }

    void shouldKnowEveryTableOfTheSchema()
    {
        const QString db = path(u"schema.db"_s);
        QVERIFY(ctlOk(db, {u"init"_s}));
        QStringList known = StoreCopy::copiedTables() + StoreCopy::skippedTables();
        known.sort();
        QCOMPARE(tablesOf(db), known);
        for (const QString &server : {freshPg(), freshMariaDb()}) {
            QVERIFY(ctlOk(server, {u"init"_s}));
            QCOMPARE(tablesOf(server), known);
        }
    }

    void shouldRefuseATargetThatIsNotEmptyAndWriteNothing()
    {
        const QString source = path(u"small.db"_s);
        QVERIFY(ctlOk(source, {u"queue"_s, u"add"_s, u"reminders"_s}));
        QVERIFY(ctlOk(source, {u"enqueue"_s, u"--queue"_s, u"reminders"_s, u"--type"_s, u"sms"_s}));

        const QString file = path(u"occupied.db"_s);
        QVERIFY(ctlOk(file, {u"suppression"_s, u"add"_s, u"someone@example.com"_s}));
        const Dump fileBefore = dump(file);
        test::CtlRun r = copy(source, file);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains((u"target: store '"_s + file + u"' is not empty (it holds suppressions)"_s).toUtf8()), r.err.constData());
        QVERIFY2(r.err.contains("nothing was written"), r.err.constData());
        QVERIFY(r.out.isEmpty());
        QCOMPARE(dump(file), fileBefore);

        const QString pg = freshPg();
        QVERIFY(ctlOk(pg, {u"queue"_s, u"add"_s, u"elsewhere"_s}));
        QVERIFY(ctlOk(pg, {u"enqueue"_s, u"--queue"_s, u"elsewhere"_s, u"--type"_s, u"sms"_s}));
        const Dump pgBefore = dump(pg);
        r = copy(source, pg);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("is not empty (it holds queues, messages, audit_log)"), r.err.constData());
        QCOMPARE(dump(pg), pgBefore);
    }

    void shouldRefuseToCopyAStoreOntoItself()
    {
        const QString source = path(u"self.db"_s);
        QVERIFY(ctlOk(source, {u"init"_s}));
        QVERIFY(QFile::link(source, path(u"link.db"_s)));
        for (const QString &other : QStringList{source, u"sqlite:"_s + source, path(u"link.db"_s), m_dir.path() + u"/./self.db"_s}) {
            const test::CtlRun r = copy(source, other);
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains("are the same store"), r.err.constData());
        }
        const QString pg = freshPg();
        QVERIFY(ctlOk(pg, {u"init"_s}));
        const auto url = *StoreUrl::parse(pg);
        const QString otherSpelling = u"postgresql://%1:%2@%3:%4/%5"_s.arg(url.user(), m_pg->password(), url.host()).arg(url.port()).arg(url.database());
        const test::CtlRun r = copy(pg, otherSpelling);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("are the same store"), r.err.constData());
    }

    void shouldRefuseBadStoresAndArgumentsNamingThem()
    {
        const QString source = path(u"args.db"_s);
        QVERIFY(ctlOk(source, {u"init"_s}));
        const QString target = path(u"never-created.db"_s);
        const auto url = *StoreUrl::parse(freshPg());
        const QString wrongPassword = u"postgres://%1:not-the-password-42@%2:%3/%4"_s.arg(url.user(), url.host()).arg(url.port()).arg(url.database());
        const struct
        {
            QStringList args;
            QByteArray says;
        } cases[] = {
            {{source, u"ftp://host/db"_s}, "TO: store 'ftp://host/db' has the unknown scheme 'ftp'"},
            {{u"postgres://"_s, target}, "is not a valid URL"},
            {{u"mysql://herald@db.example.com/herald"_s, target}, "no MySQL/MariaDB server answers at db.example.com:3306"},
            {{path(u"missing.db"_s), target}, "source: store '" + path(u"missing.db"_s).toUtf8() + "' does not exist"},
            {{source}, "give two stores"},
            {{source, target, u"--chunk"_s, u"0"_s}, "--chunk '0' is not a whole number from 1"},
            {{u"--db"_s, source, source, target}, "--db is not used here"},
            {{source, target, u"--wait-for-store"_s, u"1m"_s}, "--wait-for-store is not used here"},
            {{source, wrongPassword}, "the server refused user 'herald'"},
        };
        for (const auto &c : cases) {
            const QStringList args = c.args.first() == u"--db"_s ? QStringList{u"--db"_s, c.args.at(1), u"store"_s, u"copy"_s} + c.args.mid(2)
                                                                  : QStringList{u"store"_s, u"copy"_s} + c.args;
            const test::CtlRun r = ctl({}, args);
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains(c.says), r.err.constData());
            QVERIFY2(!r.err.contains("not-the-password-42"), r.err.constData());
            QVERIFY(!QFileInfo::exists(target));
        }
        const test::CtlRun r = ctl({}, {u"store"_s, u"move"_s});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("unknown sub-command 'move'; use copy"), r.err.constData());
    }

    void shouldRefuseASourceAtAnOlderSchemaWithoutUpgradingIt()
    {
        const QString source = path(u"old.db"_s);
        QVERIFY(ctlOk(source, {u"queue"_s, u"add"_s, u"reminders"_s}));
        // What a store of the previous version looks like to this Herald: its schema_version one lower.
        const qint64 current = scalar(source, u"SELECT MAX(version) FROM schema_version"_s);
        QVERIFY(current > 1);
        QVERIFY(withDatabase(source, [current](QSqlDatabase &db) {
            return QSqlQuery(db).exec(u"DELETE FROM schema_version WHERE version = %1"_s.arg(current));
        }));
        const QString target = path(u"from-old.db"_s);
        const test::CtlRun r = copy(source, target);
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains((u"has schema version %1 and this Herald needs %2; upgrade it first with `heraldctl --db "_s.arg(current - 1).arg(current) +
                                 source + u" init`"_s)
                                    .toUtf8()),
                 r.err.constData());
        QCOMPARE(scalar(source, u"SELECT MAX(version) FROM schema_version"_s), current - 1);
        QVERIFY(!QFileInfo::exists(target));
    }

    // Something else writing to the target during the copy (here a trigger that deletes a row as it
    // arrives): the counts at the end differ, the table says where, and the exit status is 1.
    void shouldReportACountThatDiffersAndExitOne()
    {
        const QString source = path(u"two-suppressions.db"_s);
        QVERIFY(ctlOk(source, {u"suppression"_s, u"add"_s, u"kept@example.com"_s, u"gone@example.com"_s}));
        const QString pg = freshPg();
        QVERIFY(ctlOk(pg, {u"init"_s}));
        QString error;
        QVERIFY2(m_pg->psql(StoreUrl::parse(pg)->database(),
                            u"CREATE FUNCTION test_interferes() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                            "DELETE FROM suppressions WHERE address = 'gone@example.com'; RETURN NULL; END $$; "
                            "CREATE TRIGGER test_interferes AFTER INSERT ON suppressions FOR EACH STATEMENT EXECUTE FUNCTION test_interferes()"_s,
                            nullptr, &error),
                 qPrintable(error));
        const test::CtlRun r = copy(source, pg);
        QCOMPARE(r.code, 1);
        QVERIFY2(QString::fromUtf8(r.out).simplified().contains(u"suppressions 2 1 MISMATCH"_s), r.out.constData());
        QVERIFY2(QString::fromUtf8(r.out).simplified().contains(u"queues 0 0 ok"_s), r.out.constData());
        QVERIFY(!r.out.contains("every count matches"));
        QVERIFY2(r.err.contains((u"the copy in "_s + StoreUrl::parse(pg)->display() + u" differs from "_s + source + u" (suppressions)"_s).toUtf8()),
                 r.err.constData());
    }

    void shouldRefuseWhileEnginesDeliverUnlessForced()
    {
        // A SQLite store: its engine holds the lock file beside it.
        const QString file = path(u"busy.db"_s);
        QVERIFY(ctlOk(file, {u"queue"_s, u"add"_s, u"reminders"_s}));
        {
            QLockFile engineLock(file + u".lock"_s);
            QVERIFY(engineLock.tryLock(0));
            const test::CtlRun r = copy(file, path(u"busy-copy.db"_s));
            QCOMPARE(r.code, 2);
            QVERIFY2(r.err.contains((u"source: engines are delivering from store '"_s + file + u"': process "_s +
                                     QString::number(QCoreApplication::applicationPid()))
                                        .toUtf8()),
                     r.err.constData());
            QVERIFY2(r.err.contains("or copy anyway with --force"), r.err.constData());
            QVERIFY(!QFileInfo::exists(path(u"busy-copy.db"_s)));
            const test::CtlRun forced = copy(file, path(u"busy-copy.db"_s), {u"--force"_s});
            QVERIFY2(forced.code == 0, forced.err.constData());
        }

        // A PostgreSQL store: engines register with a heartbeat.
        const QString pg = freshPg();
        QVERIFY(ctlOk(pg, {u"queue"_s, u"add"_s, u"reminders"_s}));
        auto store = Store::open(*StoreUrl::parse(pg));
        QVERIFY2(store, qPrintable(store.errorString()));
        QVERIFY((*store)->heartbeat({u"ops-7:4242:1"_s, u"ops-7"_s, 4242, u"1.0"_s, 0, 0, 3}));
        test::CtlRun r = copy(pg, path(u"pg-copy.db"_s));
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("source: engines are delivering from store 'postgres://herald@127.0.0.1:"), r.err.constData());
        QVERIFY2(r.err.contains("ops-7:4242:1 (pid 4242 on ops-7)"), r.err.constData());
        QVERIFY(!QFileInfo::exists(path(u"pg-copy.db"_s)));

        // Never into a store engines deliver from, --force or not.
        r = copy(file, pg, {u"--force"_s});
        QCOMPARE(r.code, 2);
        QVERIFY2(r.err.contains("target: engines are delivering from store"), r.err.constData());

        QVERIFY((*store)->unregisterEngine(u"ops-7:4242:1"_s));
        r = copy(pg, path(u"pg-copy.db"_s));
        QVERIFY2(r.code == 0, r.err.constData());
    }
};

QTEST_GUILESS_MAIN(tst_StoreCopy)
#include "tst_storecopy.moc"
