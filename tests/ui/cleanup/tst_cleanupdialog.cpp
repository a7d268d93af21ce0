// Tools ▸ Cleanup… over a real store: the preview counts what a run removes, the run removes exactly
// that and leaves the counters equal to COUNT(*), bad input is shown next to its field and runs nothing,
// and a read-only store previews but never runs.
#include "SeededStore.h"

#include "cleanup/CleanupDialog.h"
#include "cleanup/CleanupStatusLabel.h"
#include "shell/MainWindow.h"

#include <QAction>
#include <QStandardPaths>

#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>

using namespace herald;
using namespace herald::test;

namespace {
constexpr qint64 kDay = 86'400'000;

// 2,500 messages of queue q: 2,000 completed 40 days ago and 100 failed 10 days ago (both past the
// default retention), 50 completed 5 days ago and 350 scheduled (both kept).
bool seed(SeededStore &s)
{
    const qint64 now = s->now();
    return s.addQueue(QStringLiteral("q")).ok() && s->insertSyntheticMessages(QStringLiteral("q"), 2500, now + kDay, 1000).ok() &&
           s->finishSyntheticMessages(QStringLiteral("q"), MessageState::Completed, now - 40 * kDay, 2000).ok() &&
           s->finishSyntheticMessages(QStringLiteral("q"), MessageState::Failed, now - 10 * kDay, 100).ok() &&
           s->finishSyntheticMessages(QStringLiteral("q"), MessageState::Completed, now - 5 * kDay, 50).ok();
}

qint64 countAll(SeededStore &s)
{
    MessageSelection all;
    all.queue = QStringLiteral("q");
    auto n = s->countMessages(all);
    return n ? *n : -1;
}
} // namespace

class tst_CleanupDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void shouldOpenFromTheToolsMenuAndShowTheScheduleInTheStatusBar()
    {
        SeededStore s;
        QVERIFY(seed(s));
        MainWindow window;
        window.show();
        QSignalSpy ready(&window, &MainWindow::contentReady);
        window.openStore(s.url(), true);
        QVERIFY(ready.wait());
        auto *label = window.findChild<CleanupStatusLabel *>();
        QVERIFY(label);
        QTRY_VERIFY2(label->text().startsWith(QLatin1String("Cleanup: last never, next ")), qPrintable(label->text()));

        QAction *open = nullptr;
        for (QAction *a : window.findChildren<QAction *>())
            if (a->text() == QStringLiteral("&Cleanup…"))
                open = a;
        QVERIFY(open);
        open->trigger();
        auto *dialog = window.findChild<CleanupDialog *>();
        QVERIFY(dialog);
        QVERIFY(dialog->isVisible());
        QVERIFY(dialog->findChild<QPushButton *>(QStringLiteral("runButton"))->toolTip().contains(QLatin1String("read-only")));
        dialog->close();
    }

    void shouldPreviewThenRunAndRemoveExactlyWhatThePreviewShowed()
    {
        SeededStore s;
        QVERIFY2(s.isOpen(), qPrintable(s.openError()));
        QVERIFY(seed(s));
        StoreThread thread(s.url());
        CleanupDialog dialog(&thread, false);
        dialog.show();
        QSignalSpy status(&dialog, &CleanupDialog::statusRead);
        QVERIFY(status.wait(10'000));
        auto *run = dialog.findChild<QPushButton *>(QStringLiteral("runButton"));
        QVERIFY(!run->isEnabled()); // not previewed yet

        QSignalSpy previewed(&dialog, &CleanupDialog::previewed);
        QTest::mouseClick(dialog.findChild<QPushButton *>(QStringLiteral("previewButton")), Qt::LeftButton);
        QVERIFY(previewed.wait(10'000));
        const CleanupCounts preview = *dialog.shownCounts();
        QCOMPARE(preview.messages.value(QStringLiteral("q")).value(MessageState::Completed), qint64(2000));
        QCOMPARE(preview.messages.value(QStringLiteral("q")).value(MessageState::Failed), qint64(100));
        QCOMPARE(preview.messageTotal(), qint64(2100));
        QCOMPARE(countAll(s), qint64(2500)); // the preview changed nothing
        QVERIFY(run->isEnabled());

        if (const QString dir = qEnvironmentVariable("HERALD_SCREENSHOT_DIR"); !dir.isEmpty())
            dialog.grab().save(dir + QStringLiteral("/cleanup-dialog-preview.png"));

        QSignalSpy finished(&dialog, &CleanupDialog::runFinished);
        QTest::mouseClick(run, Qt::LeftButton);
        QVERIFY(finished.wait(60'000));
        const CleanupCounts removed = *dialog.shownCounts();
        QCOMPARE(removed.messages, preview.messages);
        QCOMPARE(countAll(s), qint64(2500 - 2100));
        QCOMPARE(s->counterMismatches().value(), QStringList()); // counters equal COUNT(*)
        QCOMPARE(s->stats()->front().total(), countAll(s));
        QVERIFY(!run->isEnabled()); // what is left was not previewed
        const auto runs = s->cleanupRuns(5);
        QCOMPARE(runs->size(), 1);
        QCOMPARE(runs->front().trigger, QStringLiteral("console"));
        QCOMPARE(runs->front().messages, qint64(2100));
        QTRY_VERIFY(status.size() >= 2); // the last run is read again after the run

        if (const QString dir = qEnvironmentVariable("HERALD_SCREENSHOT_DIR"); !dir.isEmpty())
            dialog.grab().save(dir + QStringLiteral("/cleanup-dialog-result.png"));
    }

    void shouldShowAZeroDayAgeNextToItsFieldAndRunNothing()
    {
        SeededStore s;
        QVERIFY(seed(s));
        StoreThread thread(s.url());
        CleanupDialog dialog(&thread, false);
        dialog.show();
        auto *completed = dialog.findChild<QLineEdit *>(QStringLiteral("completedAge"));
        completed->selectAll();
        QTest::keyClicks(completed, QStringLiteral("0d"));
        QSignalSpy previewed(&dialog, &CleanupDialog::previewed);
        dialog.preview();
        auto *error = dialog.findChild<QLabel *>(QStringLiteral("completedAgeError"));
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QLatin1String("longer than zero")), qPrintable(error->text()));
        QVERIFY(!dialog.findChild<QPushButton *>(QStringLiteral("runButton"))->isEnabled());
        dialog.run();
        QVERIFY(!dialog.isRunning());

        // Corrected: the error goes and the preview runs.
        completed->setText(QStringLiteral("30d"));
        dialog.preview();
        QVERIFY(!error->isVisible());
        QVERIFY(previewed.wait(10'000));
        QCOMPARE(previewed.size(), 1);
        QCOMPARE(dialog.shownCounts()->messageTotal(), qint64(2100));
        QCOMPARE(countAll(s), qint64(2500));
        QCOMPARE(s->cleanupRuns(5)->size(), 0);
    }

    void shouldRefuseAnArchiveThatCannotBeWrittenAndRunNothing()
    {
        SeededStore s;
        QVERIFY(seed(s));
        StoreThread thread(s.url());
        CleanupDialog dialog(&thread, false);
        dialog.show();
        QSignalSpy previewed(&dialog, &CleanupDialog::previewed);
        dialog.preview();
        QVERIFY(previewed.wait(10'000));
        auto *archive = dialog.findChild<QLineEdit *>(QStringLiteral("archivePath"));
        // Setting the path changes the form: preview again, as an operator must.
        archive->setText(s.folder() + QStringLiteral("/no-such-folder/archive.db"));
        dialog.preview();
        QVERIFY(previewed.wait(10'000));
        dialog.run();
        auto *error = dialog.findChild<QLabel *>(QStringLiteral("archivePathError"));
        QVERIFY(error->isVisible());
        QVERIFY2(error->text().contains(QLatin1String("does not exist")), qPrintable(error->text()));
        QVERIFY(!dialog.isRunning());
        QCOMPARE(countAll(s), qint64(2500));
        QCOMPARE(s->cleanupRuns(5)->size(), 0);
    }

    void shouldPreviewButNeverRunOnAReadOnlyStore()
    {
        SeededStore s;
        QVERIFY(seed(s));
        Store::OpenOptions readOnly;
        readOnly.readOnly = true;
        StoreThread thread(s.url(), readOnly);
        CleanupDialog dialog(&thread, true);
        dialog.show();
        QSignalSpy previewed(&dialog, &CleanupDialog::previewed);
        dialog.preview();
        QVERIFY(previewed.wait(10'000));
        QCOMPARE(dialog.shownCounts()->messageTotal(), qint64(2100));
        auto *run = dialog.findChild<QPushButton *>(QStringLiteral("runButton"));
        QVERIFY(!run->isEnabled());
        QVERIFY2(run->toolTip().contains(QLatin1String("read-only")), qPrintable(run->toolTip()));
        dialog.run();
        QVERIFY(!dialog.isRunning());
        QCOMPARE(countAll(s), qint64(2500));
        QCOMPARE(s->cleanupRuns(5)->size(), 0);
    }
};

QTEST_MAIN(tst_CleanupDialog)
#include "tst_cleanupdialog.moc"
