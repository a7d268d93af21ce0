#include "shell/MainWindow.h"
#include "queues/QueuesFeature.h"
#include "upcoming/UpcomingFeature.h"
#include "messages/MessageFilterBar.h"
#include "messages/MessageTableModel.h"
#include "messages/MessagesView.h"
#include "SeededStore.h"
#include "upcoming/UpcomingChart.h"

#include "model/TimeText.h"
#include "store/StoreThread.h"

#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QDockWidget>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;

// The upcoming histogram: 96 quarter hours of scheduled messages, and a click that filters the table.
class TestUpcomingChart : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void shouldCountScheduledMessagesPerQuarterHour();
    void shouldFilterTheTableToTheQuarterHourOfAClickedBar();
};

namespace {

constexpr qint64 kQuarter = UpcomingChart::kBucketMs;

} // namespace

void TestUpcomingChart::shouldCountScheduledMessagesPerQuarterHour()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("beta")));
    const qint64 quarter = currentTimeMs() / kQuarter * kQuarter;
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("alpha"), 3, quarter + 2 * kQuarter + 60'000));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("alpha"), 2, quarter + 40 * kQuarter + 1));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("beta"), 7, quarter + 2 * kQuarter + 60'000)); // another queue

    StoreThread storeThread(seeded.url());
    UpcomingChart chart;
    chart.setStoreThread(&storeThread);
    QSignalSpy loaded(&chart, &UpcomingChart::loaded);
    chart.setQueue(QStringLiteral("alpha"));
    QVERIFY(loaded.wait());

    // The bars start at the quarter hour the test began in, unless the clock crossed into the next one.
    const int shift = int((chart.startMs() - quarter) / kQuarter);
    QVERIFY(shift == 0 || shift == 1);
    QCOMPARE(chart.barSet()->count(), UpcomingChart::kBuckets);
    QCOMPARE(chart.barSet()->at(2 - shift), 3.0);
    QCOMPARE(chart.barSet()->at(40 - shift), 2.0);
    qreal total = 0;
    for (int i = 0; i < chart.barSet()->count(); ++i)
        total += chart.barSet()->at(i);
    QCOMPARE(total, 5.0);
}

void TestUpcomingChart::shouldFilterTheTableToTheQuarterHourOfAClickedBar()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    const qint64 quarter = currentTimeMs() / kQuarter * kQuarter;
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("alpha"), 4, quarter + 8 * kQuarter + 1000));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("alpha"), 6, quarter + 9 * kQuarter + 1000));

    MainWindow window;
    window.show();
    QSignalSpy ready(&window, &MainWindow::contentReady);
    window.openStore(seeded.url(), false);
    QVERIFY(ready.wait());
    QTRY_COMPARE(window.feature<QueuesFeature>()->messageModel()->rowCount(), 10);

    QSignalSpy loaded(window.feature<UpcomingFeature>()->chart(), &UpcomingChart::loaded);
    window.feature<UpcomingFeature>()->dock()->raise();
    QVERIFY(loaded.wait());
    const int bar = int((quarter + 8 * kQuarter - window.feature<UpcomingFeature>()->chart()->startMs()) / kQuarter);
    QCOMPARE(window.feature<UpcomingFeature>()->chart()->barSet()->at(bar), 4.0);

    // A click in the middle of the bar, where the chart draws it.
    QChartView *view = window.feature<UpcomingFeature>()->chart()->chartView();
    const QPointF inChart = view->chart()->mapToPosition(QPointF(bar, 2.0));
    const QPoint inView = view->mapFromScene(view->chart()->mapToScene(inChart));
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, inView);

    QTRY_COMPARE(window.feature<QueuesFeature>()->messageModel()->matchCount(), std::optional<qint64>(4));
    QTRY_COMPARE(window.feature<QueuesFeature>()->messageModel()->rowCount(), 4);
    QCOMPARE(window.feature<QueuesFeature>()->messageModel()->filter().runAtFrom, std::optional<qint64>(quarter + 8 * kQuarter));
    QCOMPARE(window.feature<QueuesFeature>()->messageModel()->filter().runAtTo, std::optional<qint64>(quarter + 9 * kQuarter));
}

QTEST_MAIN(TestUpcomingChart)
#include "tst_upcomingchart.moc"
