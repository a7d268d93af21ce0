// File ▸ Import queue… (issue 18) driven as a person would, over a real SQLite store: the send_event
// mongoexport fixture previewed (counts per source status and state, nothing written), imported with
// progress, imported again (nothing added), and bad forms refused with the reason, writing nothing.
#include "SeededStore.h"
#include "import/ImportFeature.h"
#include "import/ImportQueueDialog.h"
#include "shell/MainWindow.h"
#include "shell/StoreSession.h"
#include "store/StoreThread.h"

#include <QAction>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryFile>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;

namespace {

const QString kFixture = QStringLiteral(HERALD_LEGACY_FIXTURES "/send_event.jsonl");

qint64 total(SeededStore &seeded)
{
    const auto stats = seeded->stats();
    if (!stats)
        return -1;
    qint64 n = 0;
    for (const QueueCounts &c : *stats)
        n += c.total();
    return n;
}

} // namespace

class TestImportDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void shouldPreviewImportAndImportAgainAddingNothing()
    {
        SeededStore seeded;
        QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
        QVERIFY(seeded.holdDelivery()); // what is due stays waiting, to be counted
        HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("incentives")));
        MainWindow window;
        window.show();
        QSignalSpy ready(&window, &MainWindow::contentReady);
        window.openStore(seeded.url(), false);
        QVERIFY(ready.wait(10'000));

        auto *feature = window.feature<ImportFeature>();
        QVERIFY(feature->importAction()->isEnabled());
        feature->importAction()->trigger();
        ImportQueueDialog *dialog = feature->dialog();
        QVERIFY(dialog);
        QSignalSpy queues(dialog, &ImportQueueDialog::queuesLoaded);
        QVERIFY(queues.wait(10'000));
        QCOMPARE(dialog->queueBox()->currentText(), QStringLiteral("incentives"));

        // Preview without a file: the reason, nothing read.
        QSignalSpy previewed(dialog, &ImportQueueDialog::previewReady);
        QTest::mouseClick(dialog->previewButton(), Qt::LeftButton);
        QCOMPARE(previewed.count(), 1);
        QVERIFY2(dialog->summaryText().contains(QLatin1String("mongoexport file")), qPrintable(dialog->summaryText()));
        QVERIFY(!dialog->importButton()->isEnabled());

        dialog->fileEdit()->setText(kFixture);
        QTest::mouseClick(dialog->previewButton(), Qt::LeftButton);
        QVERIFY(previewed.wait(10'000));
        QVERIFY2(dialog->summaryText().contains(QLatin1String("become 17 messages")), qPrintable(dialog->summaryText()));
        QVERIFY(dialog->mappingTable()->rowCount() >= 4);
        qint64 rows = 0;
        QSet<QString> states;
        for (int r = 0; r < dialog->mappingTable()->rowCount(); ++r) {
            rows += dialog->mappingTable()->item(r, 2)->text().toLongLong();
            states << dialog->mappingTable()->item(r, 1)->text();
        }
        QCOMPARE(rows, 17);
        QCOMPARE(states, (QSet<QString>{QStringLiteral("scheduled"), QStringLiteral("waiting"), QStringLiteral("completed"), QStringLiteral("failed")}));
        QVERIFY2(dialog->detailsText().contains(QLatin1String("(at-least-once)")), qPrintable(dialog->detailsText()));
        QCOMPARE(total(seeded), 0); // a preview writes nothing

        // A changed form needs a new preview before Import.
        QVERIFY(dialog->importButton()->isEnabled());
        dialog->channelEdit()->setText(QStringLiteral("outbox"));
        QVERIFY(!dialog->importButton()->isEnabled());
        dialog->channelEdit()->clear();
        QTest::mouseClick(dialog->previewButton(), Qt::LeftButton);
        QVERIFY(previewed.wait(10'000));

        QSignalSpy finished(dialog, &ImportQueueDialog::finished);
        QSignalSpy changed(window.session(), &StoreSession::messagesChanged);
        QTest::mouseClick(dialog->importButton(), Qt::LeftButton);
        QVERIFY(finished.wait(20'000));
        QVERIFY2(dialog->report().has_value(), qPrintable(dialog->summaryText()));
        QCOMPARE(dialog->report()->inserted, 17);
        QCOMPARE(dialog->report()->byState.value(MessageState::Completed), 4);
        QCOMPARE(dialog->report()->byState.value(MessageState::Failed), 2);
        QVERIFY(dialog->report()->auditId > 0);
        QVERIFY2(dialog->summaryText().startsWith(QLatin1String("Imported 17 messages")), qPrintable(dialog->summaryText()));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(total(seeded), 17);

        // Again: the same rows are found imported, nothing is added.
        QTest::mouseClick(dialog->previewButton(), Qt::LeftButton);
        QVERIFY(previewed.wait(10'000));
        QTest::mouseClick(dialog->importButton(), Qt::LeftButton);
        QVERIFY(finished.wait(20'000));
        QCOMPARE(dialog->report()->inserted, 0);
        QCOMPARE(dialog->report()->alreadyImported, 17);
        QCOMPARE(total(seeded), 17);
    }

    void shouldRefuseABadSourceWritingNothing()
    {
        SeededStore seeded;
        QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
        HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("legacy")));
        auto storeThread = std::make_unique<StoreThread>(seeded.url());
        ImportQueueDialog dialog(storeThread.get());
        QSignalSpy queues(&dialog, &ImportQueueDialog::queuesLoaded);
        QVERIFY(queues.wait(10'000));
        QSignalSpy previewed(&dialog, &ImportQueueDialog::previewReady);

        // Not JSON: named, nothing written.
        QTemporaryFile bad;
        QVERIFY(bad.open());
        bad.write("{\"_id\": {\"$oid\": \"1\"}, \"status\": \n");
        bad.close();
        dialog.fileEdit()->setText(bad.fileName());
        QTest::mouseClick(dialog.previewButton(), Qt::LeftButton);
        QVERIFY(previewed.wait(10'000));
        QVERIFY2(dialog.summaryText().startsWith(QLatin1String("Nothing was written.")), qPrintable(dialog.summaryText()));
        QVERIFY(!dialog.importButton()->isEnabled());

        // event_messages: a time zone is required, and must be one.
        dialog.kindBox()->setCurrentIndex(1);
        dialog.fromEdit()->setText(QStringLiteral("postgres://nobody@127.0.0.1:1/portal"));
        QTest::mouseClick(dialog.previewButton(), Qt::LeftButton);
        QVERIFY2(dialog.summaryText().contains(QLatin1String("source time zone")), qPrintable(dialog.summaryText()));
        dialog.zoneBox()->setCurrentText(QStringLiteral("Mars/Olympus"));
        QTest::mouseClick(dialog.previewButton(), Qt::LeftButton);
        QVERIFY2(dialog.summaryText().contains(QLatin1String("not a time zone")), qPrintable(dialog.summaryText()));
        // A server that does not answer: the reason, and the password never shown.
        dialog.fromEdit()->setText(QStringLiteral("postgres://nobody:s3cret@127.0.0.1:1/portal"));
        dialog.zoneBox()->setCurrentText(QStringLiteral("America/New_York"));
        previewed.clear();
        QTest::mouseClick(dialog.previewButton(), Qt::LeftButton);
        QVERIFY(previewed.wait(20'000));
        QVERIFY2(dialog.summaryText().startsWith(QLatin1String("Nothing was written.")), qPrintable(dialog.summaryText()));
        QVERIFY2(!dialog.summaryText().contains(QLatin1String("s3cret")), qPrintable(dialog.summaryText()));
        QCOMPARE(total(seeded), 0);
    }
};

QTEST_MAIN(TestImportDialog)
#include "tst_importdialog.moc"
