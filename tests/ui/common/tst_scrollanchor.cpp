// ScrollAnchor: rows inserted above the ones on screen do not move what the reader looks at.
#include "common/ScrollAnchor.h"

#include <QHeaderView>
#include <QScrollBar>
#include <QStandardItemModel>
#include <QTableView>
#include <QTest>

using namespace herald;

namespace {

QList<QStandardItem *> row(const QString &text)
{
    return {new QStandardItem(text)};
}

} // namespace

class TestScrollAnchor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldKeepTheTopRowOnScreenWhenRowsArriveAboveIt_data();
    void shouldKeepTheTopRowOnScreenWhenRowsArriveAboveIt();
    void shouldShowRowsArrivingOnTopWhenAtTheTop();
};

void TestScrollAnchor::shouldKeepTheTopRowOnScreenWhenRowsArriveAboveIt_data()
{
    QTest::addColumn<QAbstractItemView::ScrollMode>("mode");
    QTest::newRow("per item") << QAbstractItemView::ScrollPerItem;
    QTest::newRow("per pixel") << QAbstractItemView::ScrollPerPixel;
}

void TestScrollAnchor::shouldKeepTheTopRowOnScreenWhenRowsArriveAboveIt()
{
    QFETCH(QAbstractItemView::ScrollMode, mode);
    QStandardItemModel model;
    for (int i = 0; i < 200; ++i)
        model.appendRow(row(QStringLiteral("old %1").arg(i)));
    QTableView view;
    view.setModel(&model);
    view.setVerticalScrollMode(mode);
    view.verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    new ScrollAnchor(&view);
    view.resize(300, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    // At the very end too: the range must grow before the value can follow.
    view.scrollToBottom();
    QTRY_COMPARE(view.verticalScrollBar()->value(), view.verticalScrollBar()->maximum());
    const QString top = view.indexAt(QPoint(1, 1)).data().toString();
    QVERIFY(!top.isEmpty());

    for (int i = 0; i < 5; ++i)
        model.insertRow(0, row(QStringLiteral("new %1").arg(i)));
    QTRY_COMPARE(view.indexAt(QPoint(1, 1)).data().toString(), top);
    // And it stays there once the view has laid the rows out.
    QCoreApplication::processEvents();
    QCOMPARE(view.indexAt(QPoint(1, 1)).data().toString(), top);
}

void TestScrollAnchor::shouldShowRowsArrivingOnTopWhenAtTheTop()
{
    QStandardItemModel model;
    for (int i = 0; i < 200; ++i)
        model.appendRow(row(QStringLiteral("old %1").arg(i)));
    QTableView view;
    view.setModel(&model);
    new ScrollAnchor(&view);
    view.resize(300, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QCOMPARE(view.verticalScrollBar()->value(), 0);

    model.insertRow(0, row(QStringLiteral("new")));
    QCoreApplication::processEvents();
    QCOMPARE(view.verticalScrollBar()->value(), 0);
    QCOMPARE(view.indexAt(QPoint(1, 1)).data().toString(), QStringLiteral("new"));
}

QTEST_MAIN(TestScrollAnchor)
#include "tst_scrollanchor.moc"
