// heraldctl on a store whose disk fills up, or is read-only: small tmpfs mounts of its own (needs root to
// mount; skipped otherwise). The error says the disk is full, `work` backs off and still stops on SIGTERM
// within its stop timeout, --until-idle gives up with exit 1 after --give-up-after, no stub archive is
// left; on read-only media reads work and writes say the store is read-only.
#include "HeraldctlRun.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStorageInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;

class tst_FullDisk : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_mount;
    bool m_mounted = false;

    using Run = herald::test::CtlRun;

    QString db() const { return m_mount + u"/herald.db"_s; }

    Run ctl(const QStringList &args, const QByteArray &input = {})
    {
        return herald::test::runHeraldctl(db(), args, herald::test::ctlEnvironment(), input);
    }

    static bool run(const QString &program, const QStringList &args)
    {
        QProcess p;
        p.start(program, args);
        return p.waitForFinished(30'000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    // Leaves about `bytes` free on the small disk (a filler file takes the rest).
    void leaveFree(qint64 bytes)
    {
        QFile filler(m_mount + u"/filler"_s);
        QVERIFY(filler.open(QIODevice::Append));
        const QByteArray block(4096, 'x');
        for (;;) {
            QStorageInfo disk(m_mount);
            disk.refresh();
            if (disk.bytesAvailable() <= bytes)
                break;
            const qint64 n = std::min<qint64>(block.size(), disk.bytesAvailable() - bytes);
            if (filler.write(block.constData(), std::max<qint64>(n, 1)) <= 0 || !filler.flush())
                break; // full already
        }
        filler.close();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_mount = m_dir.filePath(u"small"_s);
        QVERIFY(QDir().mkpath(m_mount));
        if (!run(u"mount"_s, {u"-t"_s, u"tmpfs"_s, u"-o"_s, u"size=2m"_s, u"tmpfs"_s, m_mount}))
            QSKIP("mounting a small tmpfs needs root (CI runs the suite as root)");
        m_mounted = true;
    }

    void cleanupTestCase()
    {
        if (m_mounted)
            run(u"umount"_s, {u"-l"_s, m_mount});
    }

    void shouldSayTheDiskIsFullBackOffAndStop()
    {
        QCOMPARE(ctl({u"init"_s}).code, 0);
        QCOMPARE(ctl({u"queue"_s, u"add"_s, u"q"_s}).code, 0);
        QByteArray lines;
        for (int i = 0; i < 400; ++i)
            lines += "{\"type\":\"incentive_event\",\"recipient\":\"user-" + QByteArray::number(i) + "\",\"payload\":{\"text\":\"" +
                     QByteArray(200, 'a') + "\"}}\n";
        QCOMPARE(ctl({u"enqueue"_s, u"--file"_s, u"-"_s, u"--queue"_s, u"q"_s}, lines).code, 0);
        leaveFree(64 * 1024);

        // --until-idle on a disk that fills: a clear error, retries that back off, then exit 1.
        const Run idle = ctl({u"work"_s, u"--until-idle"_s, u"--give-up-after"_s, u"3s"_s});
        QCOMPARE(idle.code, 1);
        QVERIFY2(idle.err.contains("the disk holding the store is full"), idle.err.constData());
        QVERIFY2(idle.err.contains("trying again in 100ms") && idle.err.contains("trying again in 200ms"), idle.err.constData());
        QVERIFY2(idle.err.contains("gave up after"), idle.err.constData());

        // A worker that never exits by itself keeps trying, and still stops on SIGTERM within its stop timeout.
        QProcess worker;
        worker.setProcessEnvironment(herald::test::ctlEnvironment());
        QByteArray err;
        connect(&worker, &QProcess::readyReadStandardError, this, [&] { err += worker.readAllStandardError(); });
        worker.start(QStringLiteral(HERALDCTL_PATH), {u"--db"_s, db(), u"work"_s, u"--stop-timeout"_s, u"2s"_s});
        QVERIFY(worker.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(err.contains("trying again in 400ms"), 60'000);
        QSignalSpy finished(&worker, &QProcess::finished);
        worker.terminate(); // SIGTERM
        QVERIFY2(finished.wait(15'000), err.constData());
        QCOMPARE(worker.exitStatus(), QProcess::NormalExit);
        QVERIFY2(err.contains("stopping"), err.constData());

        // No room at all: still the disk that is named, not the folder's permissions.
        leaveFree(0);
        const Run enqueue = ctl({u"enqueue"_s, u"--queue"_s, u"q"_s, u"--type"_s, u"t"_s, u"--to"_s, u"x"_s});
        QVERIFY(enqueue.code != 0);
        QVERIFY2(enqueue.err.contains("full") && !enqueue.err.contains("permissions"), enqueue.err.constData());
    }

    void shouldLeaveNoStubArchiveWhenTheDiskIsFull()
    {
        QFile::remove(m_mount + u"/filler"_s);
        QVERIFY(QFile::exists(db()));
        const QString archive = m_mount + u"/archive.db"_s;
        // Room for the store's own work, not for a new archive store and its schema.
        leaveFree(100 * 1024);
        const Run r = ctl({u"cleanup"_s, u"--completed-older-than"_s, u"1ms"_s, u"--failed-older-than"_s, u"1ms"_s, u"--archive"_s, archive});
        QVERIFY2(r.code != 0, r.out.constData());
        QVERIFY2(r.err.contains("archive") && r.err.contains("full") && r.err.contains("nothing was deleted"), r.err.constData());
        QVERIFY2(!QFile::exists(archive), "a stub archive was left behind");
        QVERIFY(!QFile::exists(archive + u"-wal"_s));
    }

    // A store on read-only media: read commands read it (and change nothing); a write says the store is
    // read-only here, not that it is "not a Herald store".
    void shouldReadAStoreOnReadOnlyMediaAndSaySoForWrites()
    {
        QTemporaryDir media;
        QVERIFY(run(u"mount"_s, {u"-t"_s, u"tmpfs"_s, u"-o"_s, u"size=4m"_s, u"tmpfs"_s, media.path()}));
        const auto unmount = qScopeGuard([&] { run(u"umount"_s, {u"-l"_s, media.path()}); });
        const QString store = media.filePath(u"copy.db"_s);
        const auto ctlOn = [&](const QStringList &args) { return herald::test::runHeraldctl(store, args); };
        QCOMPARE(ctlOn({u"init"_s}).code, 0);
        QCOMPARE(ctlOn({u"queue"_s, u"add"_s, u"q"_s}).code, 0);
        QCOMPARE(ctlOn({u"enqueue"_s, u"--queue"_s, u"q"_s, u"--type"_s, u"t"_s, u"--to"_s, u"x"_s}).code, 0);
        QVERIFY(!QFile::exists(store + u"-wal"_s)); // the last connection checkpointed and removed it
        QVERIFY(run(u"mount"_s, {u"-o"_s, u"remount,ro"_s, media.path()}));

        const auto stats = ctlOn({u"stats"_s, u"--json"_s});
        QVERIFY2(stats.code == 0, stats.err.constData());
        QVERIFY(stats.out.contains("\"total\": 1"));
        QVERIFY2(ctlOn({u"list"_s}).code == 0, "list on read-only media");
        const auto write = ctlOn({u"enqueue"_s, u"--queue"_s, u"q"_s, u"--type"_s, u"t"_s, u"--to"_s, u"y"_s});
        QCOMPARE(write.code, 2);
        QVERIFY2(write.err.contains("is read-only here") && !write.err.contains("not a Herald store"), write.err.constData());
        QCOMPARE(QDir(media.path()).entryList(QDir::Files), QStringList{u"copy.db"_s});
    }
};

QTEST_GUILESS_MAIN(tst_FullDisk)
#include "tst_fulldisk.moc"
