// The delivery dashboard (issue 17) on a real store: outcomes the store counted show as figures, a
// stacked chart and groups; the filters narrow them; export writes PNG and CSV. Offscreen, with QTest.
#include "SeededStore.h"
#include "dashboard/DeliveryDashboard.h"

#include <QAbstractItemModelTester>
#include <QAreaSeries>
#include <QChart>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

using namespace herald;

template<typename T, typename U>
T valueOr(const herald::Result<T> &r, U fallback)
{
    return r ? *r : T(fallback);
}
using herald::test::SeededStore;

class tst_DeliveryDashboard : public QObject
{
    Q_OBJECT

    // Two queues: sms delivers two and fails one for good; hooks delivers one.
    static bool arrange(SeededStore &s)
    {
        if (!s.isOpen() || !s.addQueue(QStringLiteral("sms")) || !s.addQueue(QStringLiteral("hooks")))
            return false;
        if (!s.enqueue(QStringLiteral("sms"), 3) || !s.enqueue(QStringLiteral("hooks"), 1))
            return false;
        auto sms = s->claim(QStringLiteral("sms"), 3, QStringLiteral("w"), 60'000);
        auto hooks = s->claim(QStringLiteral("hooks"), 1, QStringLiteral("w"), 60'000);
        if (!sms || sms->size() != 3 || !hooks || hooks->size() != 1)
            return false;
        return valueOr(s->complete(sms->at(0).id, QStringLiteral("w")), false) && valueOr(s->complete(sms->at(1).id, QStringLiteral("w")), false) &&
               s->fail(sms->at(2).id, QStringLiteral("w"), Store::Failure{QStringLiteral("no phone number"), true}).ok() &&
               valueOr(s->complete(hooks->at(0).id, QStringLiteral("w")), false);
    }

private Q_SLOTS:
    void shouldShowWhatWasDeliveredAndNarrowItByQueue()
    {
        SeededStore seeded;
        QVERIFY(arrange(seeded));
        StoreThread thread(seeded.url());
        DeliveryDashboard dashboard;
        QAbstractItemModelTester tester(dashboard.groupsModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&dashboard, &DeliveryDashboard::loaded);
        dashboard.resize(1200, 800);
        dashboard.setStoreThread(&thread);
        dashboard.show();
        QTRY_VERIFY(dashboard.data().total.total() == 4);
        QCOMPARE(dashboard.data().total.delivered, qint64(3));
        QCOMPARE(dashboard.data().total.failed, qint64(1));
        QVERIFY2(dashboard.figuresText().contains(QStringLiteral("Delivered 3")), qPrintable(dashboard.figuresText()));
        // Four stacked areas, and the groups with the failing one first.
        QCOMPARE(dashboard.chart()->series().size(), 4);
        QCOMPARE(dashboard.groupsModel()->rowCount(), 2);
        QCOMPARE(dashboard.groupsModel()->index(0, DeliveryGroupsModel::Queue).data().toString(), QStringLiteral("sms"));
        QCOMPARE(dashboard.groupsModel()->index(0, DeliveryGroupsModel::Failed).data().toString(), QStringLiteral("1"));
        // The queue choices come from the store.
        auto *queue = dashboard.findChild<QComboBox *>(QStringLiteral("deliveryQueue"));
        QVERIFY(queue);
        QVERIFY(queue->findData(QStringLiteral("hooks")) > 0);

        // Only hooks: one delivered, nothing failed.
        loaded.clear();
        dashboard.setFilter(QStringLiteral("hooks"), {}, {});
        QVERIFY(loaded.wait(10'000));
        QCOMPARE(dashboard.data().total.delivered, qint64(1));
        QCOMPARE(dashboard.data().total.failed, qint64(0));
        QCOMPARE(dashboard.groupsModel()->rowCount(), 1);

        // A group opened names its queue, channel and type.
        QSignalSpy opened(&dashboard, &DeliveryDashboard::groupActivated);
        dashboard.groupsView()->setFocus();
        dashboard.groupsView()->setCurrentIndex(dashboard.groupsModel()->index(0, 0));
        QTest::keyClick(dashboard.groupsView(), Qt::Key_Return);
        QCOMPARE(opened.size(), 1);
        QCOMPARE(opened.constFirst().at(0).toString(), QStringLiteral("hooks"));
    }

    void shouldExportThePictureAndTheBuckets()
    {
        SeededStore seeded;
        QVERIFY(arrange(seeded));
        StoreThread thread(seeded.url());
        DeliveryDashboard dashboard;
        dashboard.resize(1200, 800);
        dashboard.setStoreThread(&thread);
        dashboard.show();
        dashboard.setRange(1);
        QTRY_VERIFY(dashboard.data().total.total() == 4);
        QCOMPARE(dashboard.data().buckets.size(), 60); // a minute each, the last the minute under way
        const QString csv = seeded.folder() + QStringLiteral("/delivery.csv");
        HERALD_VERIFY_OK(dashboard.exportCsv(csv));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.first(), QByteArray("start,delivered,retried,failed,cancelled"));
        qint64 delivered = 0;
        for (qsizetype i = 1; i < lines.size(); ++i)
            if (!lines[i].isEmpty())
                delivered += lines[i].split(',').value(1).toLongLong();
        QCOMPARE(delivered, qint64(3));
        const QString png = seeded.folder() + QStringLiteral("/delivery.png");
        HERALD_VERIFY_OK(dashboard.exportPng(png));
        QVERIFY(!QImage(png).isNull());
        // A folder that does not exist is named.
        const Status bad = dashboard.exportCsv(seeded.folder() + QStringLiteral("/no/such/folder/x.csv"));
        QVERIFY(!bad.ok());
        QVERIFY(bad.errorString().contains(QStringLiteral("no/such/folder")));
    }
};

QTEST_MAIN(tst_DeliveryDashboard)
#include "tst_deliverydashboard.moc"
