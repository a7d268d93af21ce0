// Failure groups (issue 17) over many failed messages: how long `heraldctl failures` (failureGroups)
// takes to fold them by cause. The messages are enqueued through the store, then failed in one SQL
// statement with errors of four causes, three of which carry a varying part (an attendee id, a URL
// and a duration, an address), so most error texts are distinct as they are in production; each with
// the failure group the lifecycle writes with a failure — or, with --legacy, none, as failures
// recorded before schema 10 have, which are fingerprinted from their text.
// Usage: bench_failures [--failed N] [--rounds R] [--legacy] [--dir DIR]
#include "failures/FailureGroups.h"
#include "model/FailureFingerprint.h"
#include "store/Store.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>

using namespace herald;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({QStringLiteral("failed"), QStringLiteral("Failed messages (default 1000000)."), QStringLiteral("N"), QStringLiteral("1000000")});
    parser.addOption({QStringLiteral("rounds"), QStringLiteral("Times to fold them (default 5)."), QStringLiteral("R"), QStringLiteral("5")});
    parser.addOption({QStringLiteral("dir"), QStringLiteral("Folder for the database (default: a temporary one)."), QStringLiteral("DIR")});
    parser.addOption({QStringLiteral("legacy"), QStringLiteral("Failures without a stored group, as before schema 10.")});
    parser.process(app);
    const int n = parser.value(QStringLiteral("failed")).toInt();
    const bool legacy = parser.isSet(QStringLiteral("legacy"));
    const int rounds = std::max(1, parser.value(QStringLiteral("rounds")).toInt());
    QTextStream out(stdout);
    QTemporaryDir tmp;
    const QString dir = parser.isSet(QStringLiteral("dir")) ? parser.value(QStringLiteral("dir")) : tmp.path();
    const QString path = dir + QStringLiteral("/failures.db");
    QFile::remove(path);
    {
        auto opened = Store::open(StoreUrl::sqlite(path));
        if (!opened) {
            out << opened.errorString() << '\n';
            return 1;
        }
        Store &store = **opened;
        for (const char *name : {"sms", "hooks", "push"}) {
            QueueConfig q;
            q.name = QString::fromLatin1(name);
            (void)store.addQueue(q);
        }
        QList<NewMessage> batch;
        for (int i = 0; i < n; ++i) {
            NewMessage m;
            m.queue = i % 3 == 0 ? QStringLiteral("sms") : i % 3 == 1 ? QStringLiteral("hooks") : QStringLiteral("push");
            m.type = QStringLiteral("checkin_reminder");
            m.recipient = QStringLiteral("+1415555%1").arg(i % 10000, 4, 10, QLatin1Char('0'));
            m.payload = QByteArrayLiteral("{\"event\":{\"name\":\"Summit\"}}");
            batch << m;
            if (batch.size() == 50'000 || i == n - 1) {
                if (auto bulk = store.enqueueBulk(batch); !bulk) {
                    out << bulk.errorString() << '\n';
                    return 1;
                }
                batch.clear();
            }
        }
    }
    {
        // Failed, as a delivery would leave them (the counters' triggers keep the counts right).
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("setup"));
        db.setDatabaseName(path);
        if (!db.open()) {
            out << db.lastError().text() << '\n';
            return 1;
        }
        QSqlQuery q(db);
        const auto group = [legacy](const char *sample) {
            return legacy ? QStringLiteral("NULL") : QStringLiteral("'%1'").arg(failureGroupId(failureFingerprint(QString::fromLatin1(sample))));
        };
        const bool ok = q.exec(QStringLiteral(
            "UPDATE messages SET state = 4, attempts = 1, finished_at = created_at + id, last_error = CASE id % 10 "
            "WHEN 0 THEN '404 Not Found: the device token is no longer registered' "
            "WHEN 1 THEN 'smtp; 550 5.1.1 <user' || id || '@example.com>: user unknown' "
            "WHEN 2 THEN 'HTTP 503 from https://gw.example/hooks/' || (id % 1000) || ' after ' || (id % 900) || ' ms' "
            "WHEN 3 THEN 'HTTP 503 from https://gw.example/hooks/' || (id % 1000) || ' after ' || (id % 900) || ' ms' "
            "ELSE 'no phone number for attendee ' || id END, failure_group = CASE id % 10 "
            "WHEN 0 THEN %1 WHEN 1 THEN %2 WHEN 2 THEN %3 WHEN 3 THEN %3 ELSE %4 END")
                                   .arg(group("404 Not Found: the device token is no longer registered"),
                                        group("smtp; 550 5.1.1 <user1@example.com>: user unknown"),
                                        group("HTTP 503 from https://gw.example/hooks/1 after 1 ms"), group("no phone number for attendee 1")));
        if (!ok) {
            out << q.lastError().text() << '\n';
            return 1;
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("setup"));

    auto opened = Store::open(StoreUrl::sqlite(path));
    if (!opened) {
        out << opened.errorString() << '\n';
        return 1;
    }
    QList<double> times;
    qsizetype groups = 0;
    for (int r = 0; r < rounds; ++r) {
        QElapsedTimer t;
        t.start();
        auto folded = failureGroups(**opened);
        times << double(t.nsecsElapsed()) / 1e6;
        if (!folded) {
            out << folded.errorString() << '\n';
            return 1;
        }
        groups = folded->size();
    }
    std::sort(times.begin(), times.end());
    out << QStringLiteral("failure groups   %1 failed messages%6 in %2 groups: median %3 ms, best %4 ms (%5 rounds)\n")
               .arg(n)
               .arg(groups)
               .arg(times.at(times.size() / 2), 0, 'f', 1)
               .arg(times.constFirst(), 0, 'f', 1)
               .arg(rounds)
               .arg(legacy ? QStringLiteral(" (no stored group)") : QString());
    return 0;
}
