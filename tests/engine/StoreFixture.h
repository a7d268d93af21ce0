#pragma once

#include "MariaDbServer.h"
#include "PgServer.h"
#include "store/Store.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

// A real store with a clock the test moves by hand: a SQLite file in a temporary folder, or, when the
// environment says HERALD_TEST_STORE=postgres (the *_postgres ctest entries), a fresh database on the
// PostgreSQL server the test process starts (PgServer), or with HERALD_TEST_STORE=mysql (the *_mysql
// entries) on the MariaDB server it starts (MariaDbServer).
struct StoreFixture
{
    QTemporaryDir dir;
    qint64 now = 1'800'000'000'000; // 2027-01-15T08:00:00Z
    std::unique_ptr<herald::Store> store;
    QString database; // PostgreSQL: this fixture's database

    static bool onPostgres() { return qEnvironmentVariable("HERALD_TEST_STORE") == QLatin1String("postgres"); }
    static bool onMysql() { return qEnvironmentVariable("HERALD_TEST_STORE") == QLatin1String("mysql"); }
    static bool onServer() { return onPostgres() || onMysql(); }

    // The server URL of a database (creating the fixture's database on the first call).
    QString serverUrl()
    {
        QString error;
        if (onMysql()) {
            herald::test::MariaDbServer *server = herald::test::MariaDbServer::shared(&error);
            if (!server)
                qFatal("MariaDB for the tests: %s", qPrintable(error));
            if (database.isEmpty()) {
                database = server->freshDatabase(&error);
                if (database.isEmpty())
                    qFatal("MariaDB for the tests: %s", qPrintable(error));
            }
            return server->url(database);
        }
        herald::test::PgServer *server = herald::test::PgServer::shared(&error);
        if (!server)
            qFatal("PostgreSQL for the tests: %s", qPrintable(error));
        if (database.isEmpty()) {
            database = server->freshDatabase(&error);
            if (database.isEmpty())
                qFatal("PostgreSQL for the tests: %s", qPrintable(error));
        }
        return server->url(database);
    }

    // Drops the fixture's database on its server (the next url() makes a fresh one).
    void dropDatabase()
    {
        if (database.isEmpty())
            return;
        if (onMysql())
            herald::test::MariaDbServer::shared()->dropDatabase(database);
        else if (onPostgres())
            herald::test::PgServer::shared()->dropDatabase(database);
    }

    QString path() const { return dir.filePath(QStringLiteral("herald.db")); }

    // The store's URL; on PostgreSQL the first call creates the fixture's database.
    herald::StoreUrl url()
    {
        if (!onServer())
            return herald::StoreUrl::sqlite(path());
        auto u = herald::StoreUrl::parse(serverUrl());
        if (!u)
            qFatal("%s", qPrintable(u.errorString()));
        return *u;
    }

    // The URL as text, for heraldctl's --db.
    QString urlText()
    {
        if (!onServer())
            return path();
        return serverUrl();
    }

    // Runs a statement on the store's database through a connection of its own, beside the store (as
    // another program would).
    bool rawExec(const QString &sql)
    {
        const herald::StoreUrl u = url();
        const QString name = QStringLiteral("raw-%1").arg(quintptr(this));
        bool ok = false;
        {
            QSqlDatabase db = QSqlDatabase::addDatabase(onPostgres() ? QStringLiteral("QPSQL")
                                                        : onMysql()  ? QStringLiteral("QMYSQL")
                                                                     : QStringLiteral("QSQLITE"),
                                                        name);
            if (onServer()) {
                db.setHostName(u.host());
                db.setPort(u.port());
                db.setUserName(u.user());
                db.setPassword(u.password());
                db.setDatabaseName(u.database());
            } else {
                db.setDatabaseName(path());
            }
            if (db.open()) {
                QSqlQuery q(db);
                ok = q.exec(sql);
                if (!ok)
                    qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            } else {
                qWarning("%s", qPrintable(db.lastError().text()));
            }
            db.close();
        }
        QSqlDatabase::removeDatabase(name);
        return ok;
    }

    bool open()
    {
        store.reset();
        herald::Store::OpenOptions options;
        options.clock = [this] { return now; };
        auto s = herald::Store::open(url(), options);
        if (!s) {
            qWarning("%s", qPrintable(s.errorString()));
            return false;
        }
        store = std::move(s).value();
        return true;
    }

    herald::QueueConfig addQueue(const QString &name, int maxAttempts = 3)
    {
        herald::QueueConfig c;
        c.name = name;
        c.maxAttempts = maxAttempts;
        const auto s = store->addQueue(c);
        if (!s)
            qWarning("%s", qPrintable(s.errorString()));
        return c;
    }

    qint64 enqueue(const QString &queue, qint64 runAt = 0, int priority = herald::kDefaultPriority, const herald::Labels &labels = {},
                   const QString &dedupe = {})
    {
        herald::NewMessage m;
        m.queue = queue;
        m.type = QStringLiteral("reminder");
        m.recipient = QStringLiteral("+14155550100");
        m.runAt = runAt;
        m.priority = priority;
        m.labels = labels;
        m.dedupeKey = dedupe;
        auto r = store->enqueue(m);
        if (!r) {
            qWarning("%s", qPrintable(r.errorString()));
            return 0;
        }
        return r->id;
    }

    herald::MessageState state(qint64 id)
    {
        auto m = store->message(id);
        return m ? m->state : herald::MessageState(-1);
    }

    // The maintained counters must always equal COUNT(*).
    QStringList counterMismatches()
    {
        auto r = store->counterMismatches();
        return r ? *r : QStringList{r.errorString()};
    }
};

#define VERIFY_COUNTERS(fixture) QCOMPARE((fixture).counterMismatches(), QStringList())
