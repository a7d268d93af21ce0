#include "shell/MainWindow.h"
#include "engines/EnginesFeature.h"
#include "failures/FailuresFeature.h"
#include "queues/QueuesFeature.h"
#include "SeededStore.h"
#include "engines/EnginesModel.h"
#include "engines/EnginesView.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QDateTime>
#include <QLabel>
#include <QListWidget>
#include <QLocale>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QSysInfo>
#include <QTableView>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;

namespace {

constexpr qint64 kTwoMinutesMs = 120'000;

// A store two engines have heartbeaten into (one silent for two minutes, one just now), held by a
// paused engine of this process (the SQLite store's lock file), and the console on it.
struct Fixture
{
    SeededStore seeded;
    std::unique_ptr<MainWindow> window;
    std::unique_ptr<QAbstractItemModelTester> tester;
    qint64 staleAt = 0;
    qint64 liveAt = 0;

    // Registers an engine as heartbeating at `at` (the store's clock set there for the write).
    bool heartbeat(const Store::EngineInfo &engine, qint64 at)
    {
        seeded->setClock([at] { return at; });
        const bool ok = seeded->heartbeat(engine).ok();
        seeded->setClock({});
        return ok;
    }

    bool open(bool readOnly = false)
    {
        // A queue, so that the console shows its sections rather than the welcome page.
        if (!seeded.isOpen() || !seeded.holdDelivery() || !seeded.addQueue(QStringLiteral("sms")))
            return false;
        liveAt = QDateTime::currentMSecsSinceEpoch();
        staleAt = liveAt - kTwoMinutesMs - 5'000;
        if (!heartbeat({QStringLiteral("ops-01:4242:1"), QStringLiteral("ops-01"), 4242, QStringLiteral("0.9.0"), 0, 0, 3, {}}, staleAt) ||
            !heartbeat({QStringLiteral("ops-02:77:2"), QStringLiteral("ops-02"), 77, QStringLiteral("0.10.0"), 0, 0, 12,
                        {QStringLiteral("sms"), QStringLiteral("hooks")}},
                       liveAt))
            return false;
        window = std::make_unique<MainWindow>();
        tester = std::make_unique<QAbstractItemModelTester>(window->feature<EnginesFeature>()->view()->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        window->resize(1400, 900);
        window->show();
        QSignalSpy ready(window.get(), &MainWindow::contentReady);
        window->openStore(seeded.url(), readOnly);
        if (!ready.wait(10'000))
            return false;
        QSignalSpy loaded(view(), &EnginesView::loaded);
        window->showSection(window->feature<EnginesFeature>());
        return loaded.wait(10'000);
    }

    EnginesView *view() const { return window->feature<EnginesFeature>()->view(); }
    EnginesModel *model() const { return view()->model(); }
    QString text(int row, int column, int role = Qt::DisplayRole) const { return model()->index(row, column).data(role).toString(); }
    int rowOf(const QString &host) const
    {
        for (int row = 0; row < model()->rowCount(); ++row)
            if (text(row, EnginesModel::Host) == host)
                return row;
        return -1;
    }
};

} // namespace

// The console's Engines section over a real store: registered engines live and stale, the SQLite
// store's lock-file holder, refreshes.
class TestEnginesView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void shouldShowEachEngineWithItsColumnsAndMarkTheSilentOneStale();
    void shouldShowTheLockFileHolderAsTheSqliteStoresEngine();
    void shouldPickUpANewEngineOnRefreshAndByItself();
    void shouldListTheEnginesOfAReadOnlyStore();
    void shouldShowNoEngineOnASqliteStoreNobodyHolds();
    void shouldOpenFromTheNavigationAndCtrl8();
    void shouldSaySilenceInTheLargestUnits_data();
    void shouldSaySilenceInTheLargestUnits();
};

void TestEnginesView::shouldShowEachEngineWithItsColumnsAndMarkTheSilentOneStale()
{
    Fixture f;
    QVERIFY(f.open());
    QCOMPARE(f.model()->rowCount(), 3); // two registered, and the lock file's holder
    QCOMPARE(f.model()->columnCount(), int(EnginesModel::ColumnCount));
    const QLocale locale;

    const int stale = f.rowOf(QStringLiteral("ops-01"));
    QCOMPARE(stale, 0); // oldest first
    QCOMPARE(f.text(stale, EnginesModel::Pid), QStringLiteral("4242"));
    QCOMPARE(f.text(stale, EnginesModel::Version), QStringLiteral("0.9.0"));
    QCOMPARE(f.text(stale, EnginesModel::Started), locale.toString(QDateTime::fromMSecsSinceEpoch(f.staleAt), QLocale::ShortFormat));
    QCOMPARE(f.text(stale, EnginesModel::Heartbeat), QStringLiteral("2 min ago"));
    QCOMPARE(f.text(stale, EnginesModel::Heartbeat, Qt::ToolTipRole), locale.toString(QDateTime::fromMSecsSinceEpoch(f.staleAt), QLocale::LongFormat));
    QCOMPARE(f.text(stale, EnginesModel::InFlight), QStringLiteral("3"));
    QCOMPARE(f.text(stale, EnginesModel::Queues), QStringLiteral("all"));
    QCOMPARE(f.text(stale, EnginesModel::Status), QStringLiteral("stale — silent for 2 min"));
    QVERIFY(f.model()->index(stale, EnginesModel::Status).data(EnginesModel::StaleRole).toBool());
    QCOMPARE(f.text(stale, EnginesModel::Host, EnginesModel::EngineIdRole), QStringLiteral("ops-01:4242:1"));
    // Greyed, every column of it.
    for (int column = 0; column < EnginesModel::ColumnCount; ++column)
        QVERIFY(f.model()->index(stale, column).data(Qt::ForegroundRole).canConvert<QBrush>());

    const int live = f.rowOf(QStringLiteral("ops-02"));
    QCOMPARE(live, 1);
    QCOMPARE(f.text(live, EnginesModel::Pid), QStringLiteral("77"));
    QCOMPARE(f.text(live, EnginesModel::Version), QStringLiteral("0.10.0"));
    QVERIFY2(f.text(live, EnginesModel::Heartbeat).endsWith(QLatin1String(" s ago")), qPrintable(f.text(live, EnginesModel::Heartbeat)));
    QCOMPARE(f.text(live, EnginesModel::Heartbeat, Qt::ToolTipRole), locale.toString(QDateTime::fromMSecsSinceEpoch(f.liveAt), QLocale::LongFormat));
    QCOMPARE(f.text(live, EnginesModel::InFlight), QStringLiteral("12"));
    QCOMPARE(f.text(live, EnginesModel::Queues), QStringLiteral("sms, hooks"));
    QCOMPARE(f.text(live, EnginesModel::Status), QStringLiteral("live"));
    QVERIFY(!f.model()->index(live, EnginesModel::Status).data(EnginesModel::StaleRole).toBool());
    QVERIFY(!f.model()->index(live, EnginesModel::Host).data(Qt::ForegroundRole).isValid());

    QCOMPARE(f.model()->staleCount(), 1);
    QVERIFY2(f.view()->summary()->text().contains(QLatin1String("1 stale")), qPrintable(f.view()->summary()->text()));
}

void TestEnginesView::shouldShowTheLockFileHolderAsTheSqliteStoresEngine()
{
    Fixture f;
    QVERIFY(f.open());
    QVERIFY(!f.model()->sharedStore());
    const int row = 2;
    QVERIFY(f.model()->rowAt(row).lockFile);
    // The engine holding the lock is this test's (SeededStore::holdDelivery).
    QCOMPARE(f.text(row, EnginesModel::Host), QSysInfo::machineHostName());
    QCOMPARE(f.text(row, EnginesModel::Pid), QString::number(QCoreApplication::applicationPid()));
    QCOMPARE(f.text(row, EnginesModel::Status), QStringLiteral("live — holds the lock file"));
    QCOMPARE(f.text(row, EnginesModel::Heartbeat), QStringLiteral("—"));
    QCOMPARE(f.text(row, EnginesModel::InFlight), QStringLiteral("—"));
    QVERIFY(!f.model()->index(row, EnginesModel::Status).data(EnginesModel::StaleRole).toBool());
}

void TestEnginesView::shouldPickUpANewEngineOnRefreshAndByItself()
{
    Fixture f;
    QVERIFY(f.open());
    QCOMPARE(f.model()->rowCount(), 3);
    QVERIFY(f.heartbeat({QStringLiteral("ops-03:9:3"), QStringLiteral("ops-03"), 9, QStringLiteral("0.10.0"), 0, 0, 0, {}},
                        QDateTime::currentMSecsSinceEpoch()));
    QTest::mouseClick(f.view()->refreshButton(), Qt::LeftButton);
    QTRY_COMPARE(f.model()->rowCount(), 4);
    const int added = f.rowOf(QStringLiteral("ops-03"));
    QVERIFY(added >= 0);
    QCOMPARE(f.text(added, EnginesModel::Status), QStringLiteral("live"));
    QCOMPARE(f.view()->table()->model()->rowCount(), 4);

    // No click: the view reads again every few seconds while it is on screen.
    QVERIFY(f.heartbeat({QStringLiteral("ops-04:10:4"), QStringLiteral("ops-04"), 10, QStringLiteral("0.10.0"), 0, 0, 0, {}},
                        QDateTime::currentMSecsSinceEpoch()));
    QTRY_COMPARE_WITH_TIMEOUT(f.model()->rowCount(), 5, EnginesView::kRefreshMs * 3);

    // Off screen it does not.
    f.window->showSection(f.window->feature<FailuresFeature>());
    QTRY_VERIFY(!f.view()->isVisible());
    QSignalSpy loaded(f.view(), &EnginesView::loaded);
    QVERIFY(!loaded.wait(EnginesView::kRefreshMs + 1'000));
}

void TestEnginesView::shouldListTheEnginesOfAReadOnlyStore()
{
    Fixture f;
    QVERIFY(f.open(true));
    QCOMPARE(f.model()->rowCount(), 3);
    QCOMPARE(f.text(f.rowOf(QStringLiteral("ops-01")), EnginesModel::Status), QStringLiteral("stale — silent for 2 min"));
    QCOMPARE(f.text(f.rowOf(QStringLiteral("ops-02")), EnginesModel::Status), QStringLiteral("live"));
    QSignalSpy loaded(f.view(), &EnginesView::loaded);
    QTest::mouseClick(f.view()->refreshButton(), Qt::LeftButton);
    QVERIFY(loaded.wait(10'000));
    QCOMPARE(f.model()->rowCount(), 3);
}

void TestEnginesView::shouldShowNoEngineOnASqliteStoreNobodyHolds()
{
    SeededStore seeded;
    QVERIFY(seeded.isOpen());
    StoreThread storeThread(seeded.url());
    EnginesView view;
    QAbstractItemModelTester tester(view.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    view.setStore(&storeThread);
    QSignalSpy loaded(&view, &EnginesView::loaded);
    view.show(); // reads on showing
    QVERIFY(loaded.wait(10'000));
    QVERIFY(view.model()->isLoaded());
    QCOMPARE(view.model()->rowCount(), 0);
    QCOMPARE(view.summary()->text(), QStringLiteral("No engine is delivering: no process holds this SQLite store's lock file"));
}

void TestEnginesView::shouldOpenFromTheNavigationAndCtrl8()
{
    Fixture f;
    QVERIFY(f.open());
    f.window->showSection(f.window->feature<QueuesFeature>());
    QTRY_VERIFY(!f.view()->isVisible());
    auto *navigation = f.window->findChild<QListWidget *>();
    QVERIFY(navigation);
    QList<Feature *> sections; // the navigation lists the features with a page, in order
    for (Feature *feature : f.window->features())
        if (feature->page())
            sections << feature;
    QListWidgetItem *item = navigation->item(int(sections.indexOf(f.window->feature<EnginesFeature>())));
    QVERIFY(item);
    QCOMPARE(item->text(), QStringLiteral("Engines"));
    QVERIFY(item->toolTip().contains(QLatin1String("Ctrl+9")));
    QVERIFY(!item->icon().isNull());
    QSignalSpy loaded(f.view(), &EnginesView::loaded);
    QTest::keyClick(f.window.get(), Qt::Key_9, Qt::ControlModifier);
    QTRY_VERIFY(f.view()->isVisible());
    QCOMPARE(f.window->currentPage(), f.view());
    QVERIFY(loaded.wait(10'000)); // showing reads again
}

void TestEnginesView::shouldSaySilenceInTheLargestUnits_data()
{
    QTest::addColumn<qint64>("ms");
    QTest::addColumn<QString>("text");
    QTest::newRow("seconds") << qint64(12'400) << QStringLiteral("12 s");
    QTest::newRow("a clock ahead reads as none") << qint64(-800) << QStringLiteral("0 s");
    QTest::newRow("minutes") << qint64(125'000) << QStringLiteral("2 min");
    QTest::newRow("whole hours") << qint64(2 * 3'600'000 + 30'000) << QStringLiteral("2 h");
    QTest::newRow("hours and minutes") << qint64(3'600'000 + 5 * 60'000) << QStringLiteral("1 h 5 min");
}

void TestEnginesView::shouldSaySilenceInTheLargestUnits()
{
    QFETCH(qint64, ms);
    QFETCH(QString, text);
    QCOMPARE(EnginesModel::spanText(ms), text);
}

QTEST_MAIN(TestEnginesView)
#include "tst_enginesview.moc"
