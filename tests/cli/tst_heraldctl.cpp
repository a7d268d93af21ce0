// heraldctl run as a real process: exit statuses, messages on bad input, and the JSON shapes of the contract.
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    QJsonValue json() const
    {
        const QJsonDocument d = QJsonDocument::fromJson(out);
        return d.isArray() ? QJsonValue(d.array()) : QJsonValue(d.object());
    }
};

QSet<QString> keys(const QJsonObject &o)
{
    const QStringList k = o.keys();
    return QSet<QString>(k.begin(), k.end());
}

} // namespace

class tst_Heraldctl : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_db;

    Run run(QStringList args, const QByteArray &input = {}, const QString &db = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("HERALD_DB"));
        env.insert(QStringLiteral("HOME"), m_dir.path()); // the default store must never be the developer's
        env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("xdg")));
        p.setProcessEnvironment(env);
        args.prepend(db.isEmpty() ? m_db : db);
        args.prepend(QStringLiteral("--db"));
        p.start(QStringLiteral(HERALDCTL_PATH), args);
        if (!p.waitForStarted())
            return {};
        if (!input.isEmpty())
            p.write(input);
        p.closeWriteChannel();
        if (!p.waitForFinished(120'000))
            return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(), p.readAllStandardError()};
    }

    qint64 total(const QString &queue)
    {
        const Run r = run({QStringLiteral("stats"), QStringLiteral("--json")});
        for (const QJsonValue &v : r.json().toArray())
            if (v[QLatin1String("queue")].toString() == queue)
                return v[QLatin1String("total")].toInteger();
        return -1;
    }

    QByteArray jsonLines(int n, const QString &keyPrefix)
    {
        QByteArray out;
        for (int i = 0; i < n; ++i)
            out += QStringLiteral("{\"type\":\"incentive_event\",\"recipient\":\"user-%1\",\"dedupe_key\":\"%2%1\",\"labels\":{\"batch\":\"%3\"}}\n")
                       .arg(QString::number(i), keyPrefix, QString::number(i / 500)) // one pass: "%2%1" must not become "%22"
                       .toUtf8();
        return out;
    }

private Q_SLOTS:
    // Two operators apply the same event at the same moment, for real: whichever writes second either
    // finds nothing left to do or is refused (its diff is stale), and no message is ever created twice.
    void shouldNeverCreateAnEventsMessagesTwiceWhenTwoApplyAtOnce()
    {
        const QString plan = QStringLiteral(HERALD_EXAMPLES "/conference-plan.json");
        const QString event = QStringLiteral(HERALD_EXAMPLES "/event-41.json");
        int refused = 0;
        for (int round = 0; round < 5; ++round) {
            const QString db = m_dir.filePath(QStringLiteral("plans-race-%1.db").arg(round));
            QCOMPARE(run({QStringLiteral("queue"), QStringLiteral("add"), QStringLiteral("event-messages")}, {}, db).exitCode, 0);
            QCOMPARE(run({QStringLiteral("plan"), QStringLiteral("define"), plan}, {}, db).exitCode, 0);
            QProcess a;
            QProcess b;
            for (QProcess *p : {&a, &b}) {
                QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
                env.remove(QStringLiteral("HERALD_DB"));
                p->setProcessEnvironment(env);
                p->start(QStringLiteral(HERALDCTL_PATH), {QStringLiteral("--db"), db, QStringLiteral("plan"), QStringLiteral("apply"), event,
                                                          QStringLiteral("--plan"), QStringLiteral("conference")});
            }
            for (QProcess *p : {&a, &b}) {
                QVERIFY(p->waitForFinished(60'000));
                const QByteArray err = p->readAllStandardError();
                if (p->exitCode() != 0) {
                    QVERIFY2(err.contains("was applied by someone else meanwhile; nothing was written"), err.constData());
                    ++refused;
                }
            }
            QVERIFY(a.exitCode() == 0 || b.exitCode() == 0);
            const Run stats = run({QStringLiteral("stats"), QStringLiteral("--json")}, {}, db);
            qint64 n = 0;
            for (const QJsonValue &v : stats.json().toArray())
                n += v[QLatin1String("total")].toInteger();
            QCOMPARE(n, qint64(21));
        }
        qInfo("rounds where the second apply was refused: %d of 5", refused);
    }

    // plan apply (issue 16): a dry run writes nothing; the first apply creates what the plan implies; the
    // same file again changes nothing; the event moved by an hour moves every pending reminder anchored
    // on its start by exactly that, and notifies the time and venue changes once; a bad event file is
    // refused whole.
    void shouldApplyAnEventAndFollowItWhenItMoves()
    {
        const QString db = m_dir.filePath(QStringLiteral("plans-apply.db"));
        const QString plan = QStringLiteral(HERALD_EXAMPLES "/conference-plan.json");
        const QString event = QStringLiteral(HERALD_EXAMPLES "/event-41.json");
        QCOMPARE(run({QStringLiteral("queue"), QStringLiteral("add"), QStringLiteral("event-messages")}, {}, db).exitCode, 0);
        QCOMPARE(run({QStringLiteral("plan"), QStringLiteral("define"), plan}, {}, db).exitCode, 0);
        const auto apply = [&](const QString &file, const QStringList &extra = {}) {
            return run(QStringList{QStringLiteral("plan"), QStringLiteral("apply"), file, QStringLiteral("--plan"), QStringLiteral("conference"),
                                   QStringLiteral("--json")} + extra,
                       {}, db);
        };
        const auto count = [](const Run &r, const char *list) { return r.json().toObject().value(QLatin1String(list)).toArray().size(); };
        const auto messages = [&] {
            const Run r = run({QStringLiteral("stats"), QStringLiteral("--json")}, {}, db);
            qint64 n = 0;
            for (const QJsonValue &v : r.json().toArray())
                n += v[QLatin1String("total")].toInteger();
            return n;
        };

        Run r = apply(event, {QStringLiteral("--dry-run")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(count(r, "created"), 21); // 7 rules × 3 reachable attendees, with speakers and session attendees
        QCOMPARE(count(r, "skipped"), 5);  // a4 has no phone number
        QCOMPARE(messages(), 0);

        r = apply(event);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(count(r, "created"), 21);
        QVERIFY(r.json().toObject().value(QLatin1String("audit_id")).toInteger() > 0);
        QCOMPARE(messages(), 21);

        r = apply(event);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        for (const char *list : {"created", "moved", "updated", "cancelled", "notified"})
            QVERIFY2(count(r, list) == 0, list);
        QCOMPARE(count(r, "unchanged"), 21);

        QFile original(event);
        QVERIFY(original.open(QIODevice::ReadOnly));
        QByteArray moved = original.readAll();
        moved.replace("\"start\": \"2027-06-10T09:00\"", "\"start\": \"2027-06-10T10:00\"");
        moved.replace("\"venue\": \"Hall A\"", "\"venue\": \"Hall B\"");
        QFile movedFile(m_dir.filePath(QStringLiteral("event-41-moved.json")));
        QVERIFY(movedFile.open(QIODevice::WriteOnly));
        movedFile.write(moved);
        movedFile.close();
        r = apply(movedFile.fileName());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray movedList = r.json().toObject().value(QLatin1String("moved")).toArray();
        QCOMPARE(movedList.size(), 6); // one hour before and the start, for three attendees
        for (const QJsonValue &m : movedList) {
            const QDateTime before = QDateTime::fromString(m[QLatin1String("old_run_at")].toString(), Qt::ISODateWithMs);
            const QDateTime after = QDateTime::fromString(m[QLatin1String("run_at")].toString(), Qt::ISODateWithMs);
            QCOMPARE(before.secsTo(after), 3600);
        }
        QCOMPARE(count(r, "notified"), 6); // the time and the venue, once each, to three attendees
        QCOMPARE(messages(), 27);
        r = apply(movedFile.fileName());
        QCOMPARE(count(r, "notified"), 0);
        QCOMPARE(count(r, "moved"), 0);

        // undo puts the moved reminders back and cancels the notices the apply created; the plan's own
        // records go back too, so the moved event is a change again.
        r = run({QStringLiteral("undo")}, {}, db);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = run({QStringLiteral("list"), QStringLiteral("--queue"), QStringLiteral("event-messages"), QStringLiteral("--state"),
                 QStringLiteral("cancelled"), QStringLiteral("--json")}, {}, db);
        QCOMPARE(r.out.trimmed().split('\n').size(), 6); // JSON Lines
        QVERIFY2(r.out.contains("the apply was undone"), r.out.constData());
        r = apply(movedFile.fileName(), {QStringLiteral("--dry-run")});
        QCOMPARE(count(r, "moved"), 6);
        for (const QJsonValue &m : r.json().toObject().value(QLatin1String("moved")).toArray())
            QVERIFY2(m[QLatin1String("old_run_at")].toString() < m[QLatin1String("run_at")].toString(), qPrintable(m[QLatin1String("identity")].toString()));
        r = apply(movedFile.fileName());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(count(r, "moved"), 6);
        QCOMPARE(count(r, "created") + count(r, "notified"), 6); // the notices again: the undo took the change back
        QCOMPARE(messages(), 33);
        // Undo again: the first apply's messages were changed by the moved apply since (undone or not),
        // so it cannot go back whole, and nothing goes back — its records stay with its messages.
        r = run({QStringLiteral("undo")}, {}, db); // the moved apply, again
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = run({QStringLiteral("undo")}, {}, db); // the first apply
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("cannot be undone whole") && r.err.contains("nothing was undone"), r.err.constData());
        r = run({QStringLiteral("plan"), QStringLiteral("events"), QStringLiteral("--json")}, {}, db);
        QCOMPARE(r.json().toArray().size(), 1);
        r = apply(movedFile.fileName());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(count(r, "created"), 0);
        QCOMPARE(count(r, "moved"), 6);
        QCOMPARE(messages(), 39); // the notices once more, as after the first undo

        // Back to where it was, then moved again: each move is told (A → B → A → B), the last one too.
        r = apply(event);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(count(r, "notified"), 6);
        r = apply(movedFile.fileName());
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(count(r, "notified"), 6);
        QCOMPARE(messages(), 51);

        r = run({QStringLiteral("plan"), QStringLiteral("events"), QStringLiteral("--json")}, {}, db);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().toArray().size(), 1);
        QCOMPARE(r.json().toArray().at(0)[QLatin1String("event")].toString(), QStringLiteral("41"));

        // forget cancels every pending message of the event, and undo puts them back.
        r = run({QStringLiteral("plan"), QStringLiteral("forget"), QStringLiteral("41"), QStringLiteral("--json")}, {}, db);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const qsizetype pending = count(r, "cancelled");
        QVERIFY(pending > 20);
        r = run({QStringLiteral("list"), QStringLiteral("--queue"), QStringLiteral("event-messages"), QStringLiteral("--state"),
                 QStringLiteral("cancelled"), QStringLiteral("--json")}, {}, db);
        QVERIFY2(r.out.contains("event 41 forgotten"), r.out.constData());
        r = run({QStringLiteral("plan"), QStringLiteral("forget"), QStringLiteral("41"), QStringLiteral("--json")}, {}, db);
        QCOMPARE(count(r, "cancelled"), 0);
        r = run({QStringLiteral("undo")}, {}, db); // the empty forget was not undoable: this undoes the first
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = run({QStringLiteral("plan"), QStringLiteral("forget"), QStringLiteral("41"), QStringLiteral("--dry-run"), QStringLiteral("--json")}, {}, db);
        QCOMPARE(count(r, "cancelled"), pending);
        QCOMPARE(run({QStringLiteral("plan"), QStringLiteral("forget"), QStringLiteral("99")}, {}, db).exitCode, 2);

        QByteArray bad = moved;
        bad.replace("\"sessions\": [\"s2\"]", "\"sessions\": [\"s9\"]");
        QFile badFile(m_dir.filePath(QStringLiteral("event-41-bad.json")));
        QVERIFY(badFile.open(QIODevice::WriteOnly));
        badFile.write(bad);
        badFile.close();
        r = apply(badFile.fileName());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("attendees[1].sessions[0]"), r.err.constData());
        r = run({QStringLiteral("plan"), QStringLiteral("apply"), event, QStringLiteral("--plan"), QStringLiteral("morning")}, {}, db);
        QCOMPARE(r.exitCode, 2);
        QCOMPARE(messages(), 51);
    }

    // Event plans (issue 16): a plan file is checked whole, stored under its name, listed and shown; a
    // bad one is refused with each problem's JSON path and stores nothing.
    void shouldDefineListAndShowAPlanAndRefuseABadOneWhole()
    {
        const QString example = QStringLiteral(HERALD_EXAMPLES "/conference-plan.json");
        Run r = run({QStringLiteral("plan"), QStringLiteral("define"), example});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("Plan 'conference' defined: 11 rule(s), templates in en, es; queue event-messages, channel sms."), r.out.constData());
        QVERIFY2(r.out.contains("speaker_alert: -15m from session.start, to speaker by sms, priority 2"), r.out.constData());
        r = run({QStringLiteral("plan"), QStringLiteral("define"), example, QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().toObject().value(QLatin1String("created")).toBool(true), false);

        QFile bad(m_dir.filePath(QStringLiteral("bad-plan.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write(R"({"name": "bad", "queue": "q", "channel": "sms",
                      "rules": [{"type": "t", "at": "event.start", "offset": "15 minutes", "to": "attendees"},
                                {"type": "u", "at": "the.moon", "offset": "-1h", "to": "attendees"}],
                      "templates": {"t": {"en": "x"}, "u": {"en": "y"}}})");
        bad.close();
        r = run({QStringLiteral("plan"), QStringLiteral("define"), bad.fileName()});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("rules[0].offset"), r.err.constData());
        QVERIFY2(r.err.contains("rules[1].at"), r.err.constData());
        r = run({QStringLiteral("plan"), QStringLiteral("define"), m_dir.filePath(QStringLiteral("no-such-plan.json"))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("cannot read plan file"), r.err.constData());

        r = run({QStringLiteral("plan"), QStringLiteral("list"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray plans = r.json().toArray();
        QCOMPARE(plans.size(), 1); // the bad one stored nothing
        QCOMPARE(plans.at(0)[QLatin1String("name")].toString(), QStringLiteral("conference"));
        QCOMPARE(plans.at(0)[QLatin1String("rules")].toInt(), 11);
        r = run({QStringLiteral("plan"), QStringLiteral("list")});
        QVERIFY2(r.out.contains("conference") && r.out.contains("event-messages") && r.out.contains("en,es"), r.out.constData());

        r = run({QStringLiteral("plan"), QStringLiteral("show"), QStringLiteral("conference")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("check_in_reminder_night_before: 20:00 local, -1 day(s) from event.start"), r.out.constData());
        QVERIFY2(r.out.contains("venue_notice: on venue_change, to attendees"), r.out.constData());
        QVERIFY2(r.out.contains("pcr_request [es]:"), r.out.constData());
        r = run({QStringLiteral("plan"), QStringLiteral("show"), QStringLiteral("conference"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().toObject().value(QLatin1String("rules")).toArray().size(), 11);
        r = run({QStringLiteral("plan"), QStringLiteral("show"), QStringLiteral("morning")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("plan 'morning' does not exist"), r.err.constData());
        r = run({QStringLiteral("plan"), QStringLiteral("apply")});
        QCOMPARE(r.exitCode, 2);
    }

    void init()
    {
        QVERIFY(m_dir.isValid());
        m_db = m_dir.filePath(QStringLiteral("%1-%2.db").arg(QLatin1String(QTest::currentTestFunction()),
                                                             QString::fromUtf8(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('_'))));
    }

    // Text that would be cut short or garbled is refused with exit 2 and the position, nothing stored.
    void shouldRefuseTextThatWouldBeCutOrGarbled()
    {
        QCOMPARE(run({QStringLiteral("init")}).exitCode, 0);
        QCOMPARE(run({QStringLiteral("queue"), QStringLiteral("add"), QStringLiteral("q")}).exitCode, 0);
        Run r = run({QStringLiteral("enqueue"), QStringLiteral("--file"), QStringLiteral("-"), QStringLiteral("--queue"), QStringLiteral("q")},
                    "{\"type\":\"t\",\"recipient\":\"+34600\\u0000123\"}\n");
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("recipient") && r.err.contains("NUL character at position 7") && r.err.contains("<stdin>:1"), r.err.constData());
        QCOMPARE(total(QStringLiteral("q")), 0);

        r = run({QStringLiteral("list"), QStringLiteral("--search"), QString(50'000, QLatin1Char('x'))});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--search is 50000 characters long; give at most 1000"), r.err.constData());

        // Bytes that are not UTF-8 (Latin-1 "café"): refused, not read as U+FFFD.
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("HERALD_DB"));
        p.setProcessEnvironment(env);
        p.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), QStringLiteral("exec \"$0\" --db \"$1\" list --search \"$(printf 'caf\\351')\""),
                                            QStringLiteral(HERALDCTL_PATH), m_db});
        QVERIFY(p.waitForFinished(60'000));
        QCOMPARE(p.exitCode(), 2);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains("argument 5 is not valid UTF-8 (byte 4 is 0xe9)"), err.constData());
    }

    void shouldPrintUsageAndRefuseUnknownCommands()
    {
        Run r = run({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("Usage: heraldctl"));
        QVERIFY(r.out.contains("reschedule"));
        r = run({QStringLiteral("frobnicate")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("unknown command 'frobnicate'"));
        r = run({QStringLiteral("list"), QStringLiteral("--bogus")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("bogus"));
    }

    // Failure groups (issue 17): the demo's failures by cause, one group retried and undone, bad ids refused.
    void shouldListFailureGroupsAndRetryOneGroup()
    {
        Run r = run({QStringLiteral("demo")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = run({QStringLiteral("failures"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonArray groups = r.json().toArray();
        QVERIFY(groups.size() >= 2);
        qint64 sum = 0;
        for (const QJsonValue &g : groups) {
            QCOMPARE(keys(g.toObject()), (QSet<QString>{QStringLiteral("id"), QStringLiteral("fingerprint"), QStringLiteral("count"), QStringLiteral("queues"),
                                                        QStringLiteral("first_seen"), QStringLiteral("last_seen"), QStringLiteral("sample"),
                                                        QStringLiteral("sample_message_id")}));
            sum += g[QLatin1String("count")].toInteger();
        }
        // Every failed message is in exactly one group.
        r = run({QStringLiteral("list"), QStringLiteral("--state"), QStringLiteral("failed"), QStringLiteral("--count")});
        QCOMPARE(QString::fromUtf8(r.out).trimmed().toLongLong(), sum);
        QVERIFY(groups.at(0)[QLatin1String("count")].toInteger() >= groups.at(1)[QLatin1String("count")].toInteger());

        const QString id = groups.at(1)[QLatin1String("id")].toString();
        const qint64 count = groups.at(1)[QLatin1String("count")].toInteger();
        r = run({QStringLiteral("list"), QStringLiteral("--failure-group"), id, QStringLiteral("--count")});
        QCOMPARE(QString::fromUtf8(r.out).trimmed().toLongLong(), count);
        r = run({QStringLiteral("retry"), QStringLiteral("--failure-group"), id, QStringLiteral("--dry-run")});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QStringLiteral("Would retry %1 of the %1").arg(count).toUtf8()), r.out.constData());
        r = run({QStringLiteral("retry"), QStringLiteral("--failure-group"), id});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = run({QStringLiteral("failures"), QStringLiteral("--json")});
        for (const QJsonValue &g : r.json().toArray())
            QVERIFY(g[QLatin1String("id")].toString() != id);
        r = run({QStringLiteral("audit"), QStringLiteral("--json")});
        QVERIFY2(r.out.contains(QStringLiteral("failure group %1").arg(id).toUtf8()), r.out.constData());
        r = run({QStringLiteral("undo")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = run({QStringLiteral("list"), QStringLiteral("--failure-group"), id, QStringLiteral("--count")});
        QCOMPARE(QString::fromUtf8(r.out).trimmed().toLongLong(), count);

        // Cancelling a group stops its retries: those still to be retried, never the failed ones.
        r = run({QStringLiteral("list"), QStringLiteral("--failure-group"), id, QStringLiteral("--state"), QStringLiteral("scheduled,waiting,active"),
                 QStringLiteral("--count")});
        const qint64 retrying = QString::fromUtf8(r.out).trimmed().toLongLong();
        r = run({QStringLiteral("cancel"), QStringLiteral("--failure-group"), id, QStringLiteral("--dry-run")});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QStringLiteral("Would cancel %1 of the %2").arg(retrying).arg(retrying + count).toUtf8()),
                 r.out.constData());

        // Nothing failed after now; a malformed id and a group no message is in are refused (exit 2).
        r = run({QStringLiteral("failures"), QStringLiteral("--since"), QStringLiteral("2099-01-01T00:00:00Z")});
        QVERIFY2(r.exitCode == 0 && r.out.startsWith("No message failed since"), r.out.constData());
        r = run({QStringLiteral("retry"), QStringLiteral("--failure-group"), QStringLiteral("xyz")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--failure-group 'xyz' is not a failure group id"), r.err.constData());
        r = run({QStringLiteral("retry"), QStringLiteral("--failure-group"), QStringLiteral("000000000000")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("heraldctl failures"), r.err.constData());
        r = run({QStringLiteral("failures"), QStringLiteral("--since"), QStringLiteral("yesterday-ish")});
        QCOMPARE(r.exitCode, 2);
    }

    // The delivery dashboard from the command line (issue 17): what the demo delivered, per group; a
    // queue's share; bad input named, exit 2.
    void shouldReportDeliveryHealth()
    {
        Run r = run({QStringLiteral("demo")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = run({QStringLiteral("delivery"), QStringLiteral("--since"), QStringLiteral("90d"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject all = r.json().toObject();
        const QJsonObject total = all[QLatin1String("total")].toObject();
        QVERIFY(total[QLatin1String("delivered")].toInteger() > 0);
        QVERIFY(total[QLatin1String("failed")].toInteger() > 0);
        QCOMPARE(all[QLatin1String("bucket_ms")].toInteger(), qint64(24 * 3'600'000));
        QVERIFY(all[QLatin1String("buckets")].toArray().size() >= 90);
        QVERIFY(all[QLatin1String("lateness_ms")].toObject()[QLatin1String("p50")].isDouble());
        // The groups add up to the total, and the buckets too.
        qint64 delivered = 0;
        for (const QJsonValue &g : all[QLatin1String("groups")].toArray())
            delivered += g[QLatin1String("delivered")].toInteger();
        QCOMPARE(delivered, total[QLatin1String("delivered")].toInteger());
        delivered = 0;
        for (const QJsonValue &b : all[QLatin1String("buckets")].toArray())
            delivered += b[QLatin1String("delivered")].toInteger();
        QCOMPARE(delivered, total[QLatin1String("delivered")].toInteger());

        r = run({QStringLiteral("delivery"), QStringLiteral("--since"), QStringLiteral("90d"), QStringLiteral("--queue"), QStringLiteral("send-event"),
                 QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject one = r.json().toObject();
        QVERIFY(one[QLatin1String("total")].toObject()[QLatin1String("delivered")].toInteger() < total[QLatin1String("delivered")].toInteger());
        for (const QJsonValue &g : one[QLatin1String("groups")].toArray())
            QCOMPARE(g[QLatin1String("queue")].toString(), QStringLiteral("send-event"));

        r = run({QStringLiteral("delivery")});
        QVERIFY2(r.exitCode == 0 && r.out.contains("delivered,") && r.out.contains("QUEUE") && r.out.contains("lateness"), r.out.constData());
        r = run({QStringLiteral("delivery"), QStringLiteral("--bucket"), QStringLiteral("90s")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--bucket '90s' is not a whole number of minutes"), r.err.constData());
        r = run({QStringLiteral("delivery"), QStringLiteral("--queue"), QStringLiteral("nope")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("nope"), r.err.constData());
        r = run({QStringLiteral("delivery"), QStringLiteral("--since"), QStringLiteral("1h"), QStringLiteral("--until"), QStringLiteral("2h")});
        QCOMPARE(r.exitCode, 2);
    }

    void shouldGiveHelpForEveryCommand_data()
    {
        QTest::addColumn<QStringList>("command");
        for (const char *c : {"init", "enqueue", "list", "show", "stats", "upcoming", "cancel", "reschedule", "retry", "promote",
                              "priority", "restore", "demo", "audit", "work", "edit", "duplicate", "delete", "undo", "export", "cleanup",
                              "bench", "failures", "delivery"})
            QTest::newRow(c) << QStringList{QString::fromLatin1(c)};
        for (const char *c : {"define", "list", "show", "apply", "events", "forget"})
            QTest::newRow(QByteArray("plan ").append(c).constData()) << QStringList{QStringLiteral("plan"), QString::fromLatin1(c)};
        for (const char *c : {"add", "list", "set", "pause", "resume"})
            QTest::newRow(QByteArray("queue ").append(c).constData()) << QStringList{QStringLiteral("queue"), QString::fromLatin1(c)};
        for (const char *c : {"add", "list", "set", "test", "remove"})
            QTest::newRow(QByteArray("channel ").append(c).constData()) << QStringList{QStringLiteral("channel"), QString::fromLatin1(c)};
    }
    void shouldGiveHelpForEveryCommand()
    {
        QFETCH(QStringList, command);
        const Run r = run(command + QStringList{QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        const QByteArray usage = "Usage: heraldctl " + command.join(QLatin1Char(' ')).toUtf8();
        QVERIFY2(r.out.startsWith(usage), r.out.constData());
        QVERIFY(r.out.contains("--db"));
        QVERIFY(r.out.contains("--json"));
    }

    void shouldInitAndReportTheStore()
    {
        const Run r = run({QStringLiteral("init"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.json()[QLatin1String("schema_version")].toInt() >= 3);
        QCOMPARE(r.json()[QLatin1String("store")].toString(), m_db);
    }

    void shouldUseHeraldDbFromTheEnvironment()
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        const QString path = m_dir.filePath(QStringLiteral("from-env.db"));
        env.insert(QStringLiteral("HERALD_DB"), path);
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(HERALDCTL_PATH), {QStringLiteral("init"), QStringLiteral("--json")});
        QVERIFY(p.waitForFinished());
        QCOMPARE(p.exitCode(), 0);
        QCOMPARE(QJsonDocument::fromJson(p.readAllStandardOutput()).object().value(QStringLiteral("store")).toString(), path);
    }

    void shouldAddListAndChangeQueues()
    {
        Run r = run({QStringLiteral("queue"), QStringLiteral("add"), QStringLiteral("event-messages"), QStringLiteral("--concurrency"),
                     QStringLiteral("10"), QStringLiteral("--rate"), QStringLiteral("20/1m"), QStringLiteral("--attempts"), QStringLiteral("3"),
                     QStringLiteral("--backoff"), QStringLiteral("exponential:5s"), QStringLiteral("--channel"), QStringLiteral("outbox"),
                     QStringLiteral("--retain-completed"), QStringLiteral("30d"), QStringLiteral("--retain-failed"), QStringLiteral("7d")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = run({QStringLiteral("queue"), QStringLiteral("set"), QStringLiteral("event-messages"), QStringLiteral("--concurrency"),
                 QStringLiteral("4")});
        QCOMPARE(r.exitCode, 0);
        r = run({QStringLiteral("queue"), QStringLiteral("pause"), QStringLiteral("event-messages")});
        QCOMPARE(r.exitCode, 0);
        r = run({QStringLiteral("queue"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject q = r.json().toArray().at(0).toObject();
        QCOMPARE(q[QLatin1String("name")].toString(), QStringLiteral("event-messages"));
        QCOMPARE(q[QLatin1String("concurrency")].toInt(), 4);
        QCOMPARE(q[QLatin1String("rate")].toString(), QStringLiteral("20/1m"));
        QCOMPARE(q[QLatin1String("backoff")].toString(), QStringLiteral("exponential:5s"));
        QCOMPARE(q[QLatin1String("retain_failed")].toString(), QStringLiteral("7d"));
        QCOMPARE(q[QLatin1String("paused")].toBool(), true);
    }

    void shouldRefuseBadQueueFlagsNamingTheFlag_data()
    {
        QTest::addColumn<QStringList>("flags");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("rate") << QStringList{QStringLiteral("--rate"), QStringLiteral("fast")} << QStringLiteral("--rate");
        QTest::newRow("backoff") << QStringList{QStringLiteral("--backoff"), QStringLiteral("linear:5s")} << QStringLiteral("--backoff");
        QTest::newRow("concurrency") << QStringList{QStringLiteral("--concurrency"), QStringLiteral("0")} << QStringLiteral("--concurrency");
        QTest::newRow("retention") << QStringList{QStringLiteral("--retain-failed"), QStringLiteral("a week")} << QStringLiteral("--retain-failed");
        QTest::newRow("channel") << QStringList{QStringLiteral("--channel"), QStringLiteral("fax")} << QStringLiteral("'fax' is unknown");
    }
    void shouldRefuseBadQueueFlagsNamingTheFlag()
    {
        QFETCH(QStringList, flags);
        QFETCH(QString, mentions);
        const Run r = run(QStringList{QStringLiteral("queue"), QStringLiteral("add"), QStringLiteral("q")} + flags);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(mentions.toUtf8()), r.err.constData());
        QCOMPARE(run({QStringLiteral("queue"), QStringLiteral("list"), QStringLiteral("--json")}).json().toArray().size(), 0);
    }

    void shouldEnqueueOneMessageAndShowIt()
    {
        QCOMPARE(run({QStringLiteral("queue"), QStringLiteral("add"), QStringLiteral("q")}).exitCode, 0);
        Run r = run({QStringLiteral("enqueue"), QStringLiteral("--queue"), QStringLiteral("q"), QStringLiteral("--type"),
                     QStringLiteral("speaker_alert"), QStringLiteral("--to"), QStringLiteral("+14155550100"), QStringLiteral("--priority"),
                     QStringLiteral("1"), QStringLiteral("--in"), QStringLiteral("15m"), QStringLiteral("--payload"),
                     QStringLiteral("{\"contractor\":{\"first_name\":\"Ana\"}}"), QStringLiteral("--label"), QStringLiteral("event=41"),
                     QStringLiteral("--label"), QStringLiteral("contractor=56"), QStringLiteral("--dedupe-key"), QStringLiteral("k1")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QByteArray id = r.out.trimmed();
        QVERIFY(id.toLongLong() > 0);
        r = run({QStringLiteral("enqueue"), QStringLiteral("--queue"), QStringLiteral("q"), QStringLiteral("--type"), QStringLiteral("x"),
                 QStringLiteral("--dedupe-key"), QStringLiteral("k1"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json()[QLatin1String("duplicate")].toBool(), true);
        QCOMPARE(QByteArray::number(r.json()[QLatin1String("id")].toInteger()), id);

        r = run({QStringLiteral("show"), QString::fromLatin1(id), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject m = r.json().toObject();
        QCOMPARE(m[QLatin1String("state")].toString(), QStringLiteral("scheduled"));
        QCOMPARE(m[QLatin1String("priority")].toInt(), 1);
        QCOMPARE(m[QLatin1String("labels")].toObject()[QLatin1String("event")].toString(), QStringLiteral("41"));
        QCOMPARE(m[QLatin1String("payload")].toObject()[QLatin1String("contractor")].toObject()[QLatin1String("first_name")].toString(),
                 QStringLiteral("Ana"));
        QVERIFY(m[QLatin1String("run_at")].toString().endsWith(QLatin1Char('Z')));

        r = run({QStringLiteral("show"), QStringLiteral("999")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("no message with id 999"));
    }

    void shouldRefuseBadEnqueueInputAndWriteNothing_data()
    {
        QTest::addColumn<QStringList>("flags");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("priority out of range") << QStringList{QStringLiteral("--priority"), QStringLiteral("11")} << QStringLiteral("--priority");
        QTest::newRow("bad time") << QStringList{QStringLiteral("--at"), QStringLiteral("next tuesday")} << QStringLiteral("--at");
        QTest::newRow("bad duration") << QStringList{QStringLiteral("--in"), QStringLiteral("15 minutes")} << QStringLiteral("--in");
        QTest::newRow("bad payload") << QStringList{QStringLiteral("--payload"), QStringLiteral("{oops")} << QStringLiteral("--payload");
        QTest::newRow("bad label") << QStringList{QStringLiteral("--label"), QStringLiteral("event")} << QStringLiteral("--label");
        QTest::newRow("unknown queue") << QStringList{QStringLiteral("--queue"), QStringLiteral("nope")} << QStringLiteral("'nope' does not exist");
    }
    void shouldRefuseBadEnqueueInputAndWriteNothing()
    {
        QFETCH(QStringList, flags);
        QFETCH(QString, mentions);
        QCOMPARE(run({QStringLiteral("queue"), QStringLiteral("add"), QStringLiteral("q")}).exitCode, 0);
        QStringList args{QStringLiteral("enqueue"), QStringLiteral("--type"), QStringLiteral("t")};
        if (!flags.contains(QStringLiteral("--queue")))
            args << QStringLiteral("--queue") << QStringLiteral("q");
        const Run r = run(args + flags);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(mentions.toUtf8()), r.err.constData());
        QCOMPARE(total(QStringLiteral("q")), qint64(0));
    }

    void shouldBulkEnqueueFromAFileExactlyOnce()
    {
        QCOMPARE(run({QStringLiteral("queue"), QStringLiteral("add"), QStringLiteral("send-event")}).exitCode, 0);
        const QString path = m_dir.filePath(QStringLiteral("events.jsonl"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(jsonLines(1234, QStringLiteral("k")));
        file.close();
        Run r = run({QStringLiteral("enqueue"), QStringLiteral("--file"), path, QStringLiteral("--queue"), QStringLiteral("send-event"),
                     QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json()[QLatin1String("inserted")].toInt(), 1234);
        QCOMPARE(r.json()[QLatin1String("duplicates")].toInt(), 0);
        // The same file from standard input: all duplicates.
        r = run({QStringLiteral("enqueue"), QStringLiteral("--file"), QStringLiteral("-"), QStringLiteral("--queue"), QStringLiteral("send-event"),
                 QStringLiteral("--json")},
                jsonLines(1234, QStringLiteral("k")));
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json()[QLatin1String("inserted")].toInt(), 0);
        QCOMPARE(r.json()[QLatin1String("duplicates")].toInt(), 1234);
        QCOMPARE(total(QStringLiteral("send-event")), qint64(1234));
    }

    void shouldInsertNothingFromAFileWithABadLine()
    {
        QCOMPARE(run({QStringLiteral("queue"), QStringLiteral("add"), QStringLiteral("q")}).exitCode, 0);
        QByteArray input = jsonLines(2000, QStringLiteral("a"));
        input += "{\"type\":\"x\",\"priority\":0}\n";
        input += jsonLines(10, QStringLiteral("b"));
        input += "{\"type\":\"x\",\"run_at\":\"yesterday-ish\"}\n";
        Run r = run({QStringLiteral("enqueue"), QStringLiteral("--file"), QStringLiteral("-"), QStringLiteral("--queue"), QStringLiteral("q")}, input);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("<stdin>:2001: field 'priority'"), r.err.constData());
        QVERIFY2(r.err.contains("<stdin>:2012: field 'run_at'"), r.err.constData());
        QVERIFY(r.err.contains("nothing was enqueued"));
        QCOMPARE(total(QStringLiteral("q")), qint64(0));

        r = run({QStringLiteral("enqueue"), QStringLiteral("--file"), QStringLiteral("-"), QStringLiteral("--queue"), QStringLiteral("q"),
                 QStringLiteral("--skip-invalid"), QStringLiteral("--json")},
                input);
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json()[QLatin1String("inserted")].toInt(), 2010);
        QCOMPARE(r.json()[QLatin1String("invalid")].toInt(), 2);
        QCOMPARE(total(QStringLiteral("q")), qint64(2010));
    }

    void shouldListAsJsonLinesWithTheContractKeys()
    {
        QCOMPARE(run({QStringLiteral("queue"), QStringLiteral("add"), QStringLiteral("q")}).exitCode, 0);
        QCOMPARE(run({QStringLiteral("enqueue"), QStringLiteral("--file"), QStringLiteral("-"), QStringLiteral("--queue"), QStringLiteral("q")},
                     jsonLines(30, QStringLiteral("k")))
                     .exitCode,
                 0);
        const Run r = run({QStringLiteral("list"), QStringLiteral("--queue"), QStringLiteral("q"), QStringLiteral("--state"),
                           QStringLiteral("waiting"), QStringLiteral("--label"), QStringLiteral("batch=0"), QStringLiteral("--limit"),
                           QStringLiteral("25"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QList<QByteArray> lines = r.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 25);
        const QSet<QString> expected{QStringLiteral("id"),         QStringLiteral("queue"),       QStringLiteral("type"),
                                     QStringLiteral("channel"),    QStringLiteral("recipient"),   QStringLiteral("priority"),
                                     QStringLiteral("state"),      QStringLiteral("run_at"),      QStringLiteral("created_at"),
                                     QStringLiteral("started_at"), QStringLiteral("finished_at"), QStringLiteral("attempts"),
                                     QStringLiteral("max_attempts"), QStringLiteral("dedupe_key"), QStringLiteral("labels"),
                                     QStringLiteral("payload"),    QStringLiteral("last_error"),  QStringLiteral("provider_message_id")};
        qint64 previous = 0;
        for (const QByteArray &line : lines) {
            const QJsonObject o = QJsonDocument::fromJson(line).object();
            QCOMPARE(keys(o), expected);
            QVERIFY(o[QLatin1String("id")].toInteger() > previous);
            previous = o[QLatin1String("id")].toInteger();
        }
        const Run bad = run({QStringLiteral("list"), QStringLiteral("--state"), QStringLiteral("delivered")});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.err.contains("--state 'delivered' is unknown"));
    }

    void shouldActOnIdsAndSelectionsAndAuditThem()
    {
        QCOMPARE(run({QStringLiteral("queue"), QStringLiteral("add"), QStringLiteral("event-messages")}).exitCode, 0);
        QList<QString> ids;
        for (const char *labels : {"event=41 contractor=56", "event=41 contractor=56", "event=41 contractor=57", "event=42 contractor=56"}) {
            QStringList args{QStringLiteral("enqueue"), QStringLiteral("--queue"), QStringLiteral("event-messages"), QStringLiteral("--type"),
                             QStringLiteral("checkin_reminder"), QStringLiteral("--in"), QStringLiteral("2h")};
            for (const QString &l : QString::fromLatin1(labels).split(QLatin1Char(' ')))
                args << QStringLiteral("--label") << l;
            const Run r = run(args);
            QCOMPARE(r.exitCode, 0);
            ids << QString::fromLatin1(r.out.trimmed());
        }
        Run r = run({QStringLiteral("cancel"), QStringLiteral("--queue"), QStringLiteral("event-messages"), QStringLiteral("--label"),
                     QStringLiteral("event=41"), QStringLiteral("--label"), QStringLiteral("contractor=56"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json()[QLatin1String("affected")].toInt(), 2);
        QCOMPARE(r.json()[QLatin1String("ids")].toArray(), (QJsonArray{ids[0].toLongLong(), ids[1].toLongLong()}));

        r = run({QStringLiteral("reschedule"), ids[2], QStringLiteral("--at"), QStringLiteral("2001-01-01T00:00:00Z")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("promote"));
        r = run({QStringLiteral("reschedule"), ids[2], QStringLiteral("--by"), QStringLiteral("1d")});
        QCOMPARE(r.exitCode, 0);
        r = run({QStringLiteral("priority"), ids[2], ids[3], QStringLiteral("--to"), QStringLiteral("1")});
        QCOMPARE(r.exitCode, 0);
        r = run({QStringLiteral("promote"), ids[3]});
        QCOMPARE(r.exitCode, 0);
        r = run({QStringLiteral("retry"), ids[3]});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("is waiting") && r.err.contains("nothing was changed"), r.err.constData());
        r = run({QStringLiteral("restore"), ids[0], QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        r = run({QStringLiteral("cancel")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("never applies to every message"));

        r = run({QStringLiteral("show"), ids[2], QStringLiteral("--json")});
        QCOMPARE(r.json()[QLatin1String("priority")].toInt(), 1);
        r = run({QStringLiteral("audit"), QStringLiteral("--json")});
        QStringList actions;
        for (const QJsonValue &e : r.json().toArray())
            actions << e[QLatin1String("action")].toString();
        QCOMPARE(actions, (QStringList{QStringLiteral("restore"), QStringLiteral("promote"), QStringLiteral("priority"),
                                       QStringLiteral("reschedule"), QStringLiteral("cancel"), QStringLiteral("queue.add")}));
    }

    void shouldPreviewUndoEditDeleteAndExport()
    {
        QCOMPARE(run({QStringLiteral("queue"), QStringLiteral("add"), QStringLiteral("q")}).exitCode, 0);
        QCOMPARE(run({QStringLiteral("enqueue"), QStringLiteral("--file"), QStringLiteral("-"), QStringLiteral("--queue"), QStringLiteral("q")},
                     jsonLines(12, QStringLiteral("k")))
                     .exitCode,
                 0);
        Run r = run({QStringLiteral("cancel"), QStringLiteral("--queue"), QStringLiteral("q"), QStringLiteral("--search"), QStringLiteral("user-1"),
                     QStringLiteral("--dry-run"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json()[QLatin1String("applicable")].toInt(), 3); // user-1, user-10, user-11
        QCOMPARE(total(QStringLiteral("q")), qint64(12));
        r = run({QStringLiteral("list"), QStringLiteral("--queue"), QStringLiteral("q"), QStringLiteral("--state"), QStringLiteral("cancelled"),
                 QStringLiteral("--count")});
        QCOMPARE(r.out.trimmed(), QByteArray("0")); // the dry run changed nothing
        r = run({QStringLiteral("cancel"), QStringLiteral("--queue"), QStringLiteral("q"), QStringLiteral("--search"), QStringLiteral("user-1")});
        QCOMPARE(r.exitCode, 0);
        r = run({QStringLiteral("undo"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json()[QLatin1String("affected")].toInt(), 3);
        r = run({QStringLiteral("undo")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("no operator action left to undo"));
        r = run({QStringLiteral("edit"), QStringLiteral("1"), QStringLiteral("--payload"), QStringLiteral("[oops")});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("--payload"));
        r = run({QStringLiteral("edit"), QStringLiteral("1"), QStringLiteral("--payload"), QStringLiteral("{\"body\":\"new\"}")});
        QCOMPARE(r.exitCode, 0);
        r = run({QStringLiteral("delete"), QStringLiteral("1")});
        QCOMPARE(r.exitCode, 2); // waiting: cancel it first
        const QString csv = m_dir.filePath(QStringLiteral("out.csv"));
        r = run({QStringLiteral("export"), QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("--out"), csv});
        QCOMPARE(r.exitCode, 0);
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> rows = f.readAll().trimmed().split('\n');
        QCOMPARE(rows.size(), 13);
        QVERIFY(rows[1].contains("new"));
    }

    void shouldFillTheDemoWithEveryStateOnce()
    {
        Run r = run({QStringLiteral("demo")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = run({QStringLiteral("stats"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray stats = r.json().toArray();
        QStringList queues;
        QMap<QString, qint64> byState;
        for (const QJsonValue &q : stats) {
            queues << q[QLatin1String("queue")].toString();
            qint64 sum = 0;
            for (const char *s : {"scheduled", "waiting", "active", "completed", "failed", "cancelled"}) {
                byState[QString::fromLatin1(s)] += q[QLatin1String(s)].toInteger();
                sum += q[QLatin1String(s)].toInteger();
            }
            QCOMPARE(q[QLatin1String("total")].toInteger(), sum);
        }
        QCOMPARE(queues, (QStringList{QStringLiteral("event-messages"), QStringLiteral("incentive-notify"), QStringLiteral("send-event")}));
        for (auto it = byState.cbegin(); it != byState.cend(); ++it)
            QVERIFY2(it.value() > 0, qPrintable(it.key()));
        QCOMPARE(byState.size(), 6);
        const qint64 before = total(QStringLiteral("event-messages"));
        r = run({QStringLiteral("demo"), QStringLiteral("--json")});
        QCOMPARE(r.json()[QLatin1String("already_filled")].toBool(), true);
        QCOMPARE(total(QStringLiteral("event-messages")), before);
        r = run({QStringLiteral("upcoming"), QStringLiteral("--hours"), QStringLiteral("24"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(!r.json().toArray().isEmpty());
        for (const QJsonValue &m : r.json().toArray())
            QCOMPARE(m[QLatin1String("state")].toString(), QStringLiteral("scheduled"));
        // The seeds' plan, and two events whose reminders it derived (issue 16).
        r = run({QStringLiteral("plan"), QStringLiteral("events"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json().toArray().size(), 2);
        for (const QJsonValue &e : r.json().toArray())
            QVERIFY2(e[QLatin1String("counts")][QLatin1String("scheduled")].toInteger() > 10, qPrintable(e[QLatin1String("event")].toString()));
        r = run({QStringLiteral("plan"), QStringLiteral("list"), QStringLiteral("--json")});
        QCOMPARE(r.json().toArray().size(), 1);
    }

    void shouldRemoveOldEmailEventsButKeepTheirRollups()
    {
        QCOMPARE(run({QStringLiteral("demo")}).exitCode, 0);
        const Run before = run({QStringLiteral("email"), QStringLiteral("stats"), QStringLiteral("--from"), QStringLiteral("120d"), QStringLiteral("--json")});
        QVERIFY2(before.exitCode == 0, before.err.constData());
        QVERIFY(before.json()[QLatin1String("sends")].toInt() > 0);
        Run r = run({QStringLiteral("cleanup"), QStringLiteral("--dry-run"), QStringLiteral("--email-events-older-than"), QStringLiteral("30d"),
                     QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        const int old = r.json()[QLatin1String("email_events")].toInt();
        QVERIFY(old > 0);
        r = run({QStringLiteral("cleanup"), QStringLiteral("--email-events-older-than"), QStringLiteral("30d"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json()[QLatin1String("email_events")].toInt(), old);
        r = run({QStringLiteral("cleanup"), QStringLiteral("--dry-run"), QStringLiteral("--email-events-older-than"), QStringLiteral("30d"),
                 QStringLiteral("--json")});
        QCOMPARE(r.json()[QLatin1String("email_events")].toInt(), 0);
        const Run after = run({QStringLiteral("email"), QStringLiteral("stats"), QStringLiteral("--from"), QStringLiteral("120d"), QStringLiteral("--json")});
        QJsonObject a = after.json().toObject(), b = before.json().toObject();
        for (const char *moving : {"from", "to"}) { // the window follows the clock
            a.remove(QLatin1String(moving));
            b.remove(QLatin1String(moving));
        }
        QCOMPARE(a, b); // the charts and rates read rollups, which stay
    }

    void shouldSetTheCleanupScheduleAndShowTheLastAndNextRun()
    {
        Run r = run({QStringLiteral("cleanup"), QStringLiteral("--status"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json()[QLatin1String("schedule")].toString(), QStringLiteral("03:30")); // the default
        QVERIFY(r.json()[QLatin1String("last_run")].isNull());
        QVERIFY(!r.json()[QLatin1String("next_run")].toString().isEmpty());

        r = run({QStringLiteral("cleanup"), QStringLiteral("--schedule"), QStringLiteral("04:15"), QStringLiteral("--outbox-older-than"),
                 QStringLiteral("14d"), QStringLiteral("--json")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QCOMPARE(r.json()[QLatin1String("schedule")].toString(), QStringLiteral("04:15"));
        QCOMPARE(r.json()[QLatin1String("outbox_older_than")].toString(), QStringLiteral("14d"));
        QVERIFY(r.json()[QLatin1String("audit_older_than")].isNull());
        QCOMPARE(r.json()[QLatin1String("due")].toBool(), false);

        // A manual run is recorded as the last run.
        QCOMPARE(run({QStringLiteral("cleanup"), QStringLiteral("--json")}).exitCode, 0);
        r = run({QStringLiteral("cleanup"), QStringLiteral("--status")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.out.contains("daily at 04:15") && r.out.contains("outbox older than 14d"), r.out.constData());
        QVERIFY2(r.out.contains("(heraldctl): removed 0 messages"), r.out.constData());
        QVERIFY2(r.out.contains("Next run: "), r.out.constData());

        r = run({QStringLiteral("cleanup"), QStringLiteral("--schedule"), QStringLiteral("off"), QStringLiteral("--json")});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.json()[QLatin1String("schedule")].toString(), QStringLiteral("off"));
        QVERIFY(r.json()[QLatin1String("next_run")].isNull());
        QCOMPARE(r.json()[QLatin1String("last_run")][QLatin1String("trigger")].toString(), QStringLiteral("heraldctl"));
        QCOMPARE(r.json()[QLatin1String("outbox_older_than")].toString(), QStringLiteral("14d")); // kept when not given
    }

    void shouldRefuseABadCleanupScheduleWithExitTwoAndChangeNothing_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("not a time") << QStringList{QStringLiteral("--schedule"), QStringLiteral("25:00")} << QStringLiteral("HH:MM");
        QTest::newRow("zero age") << QStringList{QStringLiteral("--schedule"), QStringLiteral("03:30"), QStringLiteral("--audit-older-than"),
                                                 QStringLiteral("0d")}
                                  << QStringLiteral("--audit-older-than");
        QTest::newRow("per-state age with a schedule")
            << QStringList{QStringLiteral("--schedule"), QStringLiteral("03:30"), QStringLiteral("--completed-older-than"), QStringLiteral("5d")}
            << QStringLiteral("each queue's retention");
        QTest::newRow("status and schedule") << QStringList{QStringLiteral("--status"), QStringLiteral("--schedule"), QStringLiteral("off")}
                                             << QStringLiteral("not both");
    }
    void shouldRefuseABadCleanupScheduleWithExitTwoAndChangeNothing()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Run r = run(QStringList{QStringLiteral("cleanup")} + args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(QString::fromUtf8(r.err).contains(message), r.err.constData());
        const Run status = run({QStringLiteral("cleanup"), QStringLiteral("--status"), QStringLiteral("--json")});
        QCOMPARE(status.json()[QLatin1String("schedule")].toString(), QStringLiteral("03:30"));
    }

    // A smoke run of each benchmark scenario with a few messages: the figures are not checked (benchmarks
    // are not tests), the shape of every result and the rate limit are.
    void shouldRunEachBenchScenarioAndPrintOneJsonObjectPerResult_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<QString>("durability");
        QTest::addColumn<QStringList>("expected"); // the scenario of each result, in order
        QTest::newRow("enqueue") << QStringLiteral("enqueue") << QStringLiteral("normal") << QStringList{QStringLiteral("enqueue")};
        QTest::newRow("process at two concurrencies") << QStringLiteral("process") << QStringLiteral("normal")
                                                      << QStringList{QStringLiteral("process"), QStringLiteral("process")};
        QTest::newRow("delayed") << QStringLiteral("delayed") << QStringLiteral("normal") << QStringList{QStringLiteral("delayed")};
        QTest::newRow("ratelimit") << QStringLiteral("ratelimit") << QStringLiteral("normal") << QStringList{QStringLiteral("ratelimit")};
        QTest::newRow("all with durability full")
            << QStringLiteral("all") << QStringLiteral("full")
            << QStringList{QStringLiteral("enqueue"), QStringLiteral("process"), QStringLiteral("process"), QStringLiteral("delayed"),
                           QStringLiteral("ratelimit")};
    }
    void shouldRunEachBenchScenarioAndPrintOneJsonObjectPerResult()
    {
        QFETCH(QString, scenario);
        QFETCH(QString, durability);
        QFETCH(QStringList, expected);
        const Run r = run({QStringLiteral("bench"), scenario, QStringLiteral("--messages"), QStringLiteral("12"), QStringLiteral("--concurrency"),
                           QStringLiteral("1,3"), QStringLiteral("--spread"), QStringLiteral("100ms"), QStringLiteral("--limit"), QStringLiteral("5"),
                           QStringLiteral("--window"), QStringLiteral("100ms"), QStringLiteral("--durability"), durability});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QStringList scenarios;
        QList<int> concurrencies;
        for (const QByteArray &line : r.out.split('\n')) {
            if (line.isEmpty())
                continue;
            QJsonParseError error;
            const QJsonObject o = QJsonDocument::fromJson(line, &error).object();
            QVERIFY2(error.error == QJsonParseError::NoError, line.constData());
            const QString s = o[QLatin1String("scenario")].toString();
            scenarios << s;
            QCOMPARE(o[QLatin1String("messages")].toInt(), 12);
            QCOMPARE(o[QLatin1String("durability")].toString(), durability);
            QVERIFY(o.contains(QLatin1String("concurrency")));
            if (s == QLatin1String("enqueue") || s == QLatin1String("process")) {
                QVERIFY2(o[QLatin1String("per_s")].toDouble() > 0, line.constData());
            } else if (s == QLatin1String("delayed")) {
                for (const char *f : {"lateness_ms_p50", "lateness_ms_p99", "lateness_ms_max"})
                    QVERIFY2(o[QLatin1String(f)].isDouble(), line.constData());
                QVERIFY(o[QLatin1String("lateness_ms_p50")].toInteger() <= o[QLatin1String("lateness_ms_max")].toInteger());
            } else if (s == QLatin1String("ratelimit")) {
                QCOMPARE(o[QLatin1String("limit")].toInt(), 5);
                // No window of 100 ms, wherever it is placed, holds more starts than the limit.
                QVERIFY2(o[QLatin1String("max_in_window")].toInt() >= 1 && o[QLatin1String("max_in_window")].toInt() <= 5, line.constData());
            }
            if (s == QLatin1String("process"))
                concurrencies << o[QLatin1String("concurrency")].toInt();
        }
        QCOMPARE(scenarios, expected);
        if (expected.contains(QLatin1String("process")))
            QCOMPARE(concurrencies, (QList<int>{1, 3}));
    }

    void shouldRefuseBadBenchInputNamingTheFlag_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("unknown scenario") << QStringList{QStringLiteral("bench"), QStringLiteral("fastest")} << QByteArray("name one scenario");
        QTest::newRow("unknown durability") << QStringList{QStringLiteral("bench"), QStringLiteral("enqueue"), QStringLiteral("--durability"),
                                                          QStringLiteral("fast")}
                                            << QByteArray("--durability 'fast'");
        QTest::newRow("bad concurrency") << QStringList{QStringLiteral("bench"), QStringLiteral("process"), QStringLiteral("--concurrency"),
                                                       QStringLiteral("10,x")}
                                         << QByteArray("--concurrency '10,x'");
        QTest::newRow("bad engines") << QStringList{QStringLiteral("bench"), QStringLiteral("process"), QStringLiteral("--engines"), QStringLiteral("0")}
                                     << QByteArray("--engines '0'");
        QTest::newRow("engines on a file") << QStringList{QStringLiteral("bench"), QStringLiteral("process"), QStringLiteral("--engines"),
                                                          QStringLiteral("1,2")}
                                           << QByteArray("--engines above 1 needs a store many engines may share");
        QTest::newRow("no global limit alone") << QStringList{QStringLiteral("bench"), QStringLiteral("process"), QStringLiteral("--no-global-limit")}
                                               << QByteArray("--no-global-limit goes with --engines");
    }
    void shouldRefuseBadBenchInputNamingTheFlag()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, message);
        const Run r = run(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), r.err.constData());
        QVERIFY(r.out.isEmpty());
    }

    void shouldRefuseAStoreThatIsNotHerald()
    {
        const QString path = m_dir.filePath(QStringLiteral("notes.txt"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("shopping list: milk, eggs\n");
        f.close();
        const Run r = run({QStringLiteral("stats")}, {}, path);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("is not a Herald store"), r.err.constData());
        const Run scheme = run({QStringLiteral("stats")}, {}, QStringLiteral("redis://localhost/0"));
        QCOMPARE(scheme.exitCode, 2);
        QVERIFY(scheme.err.contains("unknown scheme"));
    }
};

QTEST_GUILESS_MAIN(tst_Heraldctl)
#include "tst_heraldctl.moc"
