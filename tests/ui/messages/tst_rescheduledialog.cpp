#include "messages/RescheduleDialog.h"

#include "model/TimeText.h"

#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

using namespace herald;

// What the reschedule dialog accepts, and the reason it gives next to the field for what it refuses.
class TestRescheduleDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldTurnAShiftIntoAnOffset_data();
    void shouldTurnAShiftIntoAnOffset();
    void shouldRefuseABadShiftNextToItsField_data();
    void shouldRefuseABadShiftNextToItsField();
    void shouldSpreadOverAWindowInTheFuture();
};

void TestRescheduleDialog::shouldTurnAShiftIntoAnOffset_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<qint64>("shiftMs");
    QTest::newRow("later by two hours") << QStringLiteral("+2h") << qint64(7'200'000);
    QTest::newRow("no sign is later") << QStringLiteral("90m") << qint64(5'400'000);
    QTest::newRow("earlier by half an hour") << QStringLiteral("-30m") << qint64(-1'800'000);
    QTest::newRow("combined units") << QStringLiteral("+1d12h") << qint64(129'600'000);
}

void TestRescheduleDialog::shouldTurnAShiftIntoAnOffset()
{
    QFETCH(QString, typed);
    QFETCH(qint64, shiftMs);
    RescheduleDialog dialog(3);
    dialog.show();
    auto *shift = dialog.findChild<QLineEdit *>(QStringLiteral("rescheduleShift"));
    shift->selectAll();
    QTest::keyClicks(shift, typed);
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    QTest::mouseClick(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
    QCOMPARE(accepted.count(), 1);
    const auto action = dialog.validatedAction();
    QVERIFY(action);
    QCOMPARE(action->kind, ActionKind::Reschedule);
    QCOMPARE(action->shiftMs, std::optional<qint64>(shiftMs));
    QVERIFY(!action->runAt);
}

void TestRescheduleDialog::shouldRefuseABadShiftNextToItsField_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("reason");
    QTest::newRow("not a duration") << QStringLiteral("+soon") << QStringLiteral("is not a duration");
    QTest::newRow("empty") << QStringLiteral("+") << QStringLiteral("is not a duration");
    QTest::newRow("nothing") << QStringLiteral("+0s") << QStringLiteral("changes nothing");
    QTest::newRow("beyond ten years") << QStringLiteral("+4000d") << QStringLiteral("more than ten years");
    QTest::newRow("beyond what a number holds") << QStringLiteral("+100000000000000d") << QStringLiteral("is longer than 100 years");
}

void TestRescheduleDialog::shouldRefuseABadShiftNextToItsField()
{
    QFETCH(QString, typed);
    QFETCH(QString, reason);
    RescheduleDialog dialog(3);
    dialog.show();
    auto *shift = dialog.findChild<QLineEdit *>(QStringLiteral("rescheduleShift"));
    shift->selectAll();
    QTest::keyClicks(shift, typed);
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    QTest::mouseClick(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok), Qt::LeftButton);
    QCOMPARE(accepted.count(), 0);
    QVERIFY(dialog.isVisible());
    const QString shown = dialog.findChild<QLabel *>(QStringLiteral("rescheduleShiftError"))->text();
    QVERIFY2(shown.contains(reason), qPrintable(shown));
}

void TestRescheduleDialog::shouldSpreadOverAWindowInTheFuture()
{
    RescheduleDialog dialog(3);
    dialog.show();
    const QDateTime from = QDateTime::currentDateTime().addSecs(3600);
    dialog.findChild<QDateTimeEdit *>(QStringLiteral("rescheduleSpreadFrom"))->setDateTime(from);
    dialog.findChild<QDateTimeEdit *>(QStringLiteral("rescheduleSpreadUntil"))->setDateTime(from.addSecs(7200));
    const auto action = dialog.validatedAction();
    QVERIFY(action);
    QVERIFY(action->runAt && action->spreadUntil);
    QCOMPARE(*action->spreadUntil - *action->runAt, qint64(7'200'000));
}

QTEST_MAIN(TestRescheduleDialog)
#include "tst_rescheduledialog.moc"
