#pragma once

// heraldctl as a real process, for the CLI tests. The wait turns the event loop, so that a server living
// in the test's thread (TestHttpServer) keeps answering while heraldctl talks to it.
#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QSignalSpy>
#include <QStringList>

namespace herald::test {

struct CtlRun
{
    int code = -1; // -1: did not start or finish in time; -2: crashed
    QByteArray out;
    QByteArray err;
};

// heraldctl's --json output of JSON Lines (list, work), one object per line.
inline QList<QJsonObject> jsonLines(const QByteArray &out)
{
    QList<QJsonObject> rows;
    for (const QByteArray &line : out.split('\n'))
        if (!line.trimmed().isEmpty())
            rows << QJsonDocument::fromJson(line).object();
    return rows;
}

// The environment heraldctl runs in: this one, without HERALD_DB (every test names its store).
inline QProcessEnvironment ctlEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("HERALD_DB"));
    return env;
}

// db empty: no --db (for commands that name their stores otherwise, such as store copy).
inline CtlRun runHeraldctl(const QString &db, const QStringList &args, const QProcessEnvironment &env = ctlEnvironment(),
                           const QByteArray &input = {}, int timeoutMs = 120'000)
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(HERALDCTL_PATH), (db.isEmpty() ? QStringList() : QStringList{QStringLiteral("--db"), db}) + args);
    if (!p.waitForStarted())
        return {};
    p.write(input);
    p.closeWriteChannel();
    QSignalSpy finished(&p, &QProcess::finished);
    if (p.state() != QProcess::NotRunning && !finished.wait(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2, p.readAllStandardOutput(), p.readAllStandardError()};
}

} // namespace herald::test
