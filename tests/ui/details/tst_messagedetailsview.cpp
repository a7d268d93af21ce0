#include "details/MessageDetailsView.h"
#include "SeededStore.h"

#include "store/StoreThread.h"

#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;

// The details dock's content: every field, the payload indented, the attempts and the operator actions.
class TestMessageDetailsView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldShowAFailedMessageWithItsAttemptAndPrettyPayload();
    void shouldListTheOperatorActionsTakenOnTheMessage();
    void shouldDropTheAnswerForAMessageNoLongerAskedFor();
};

namespace {

QString cell(QTableWidget *table, int row, int column)
{
    return table->item(row, column) ? table->item(row, column)->text() : QString();
}

} // namespace

void TestMessageDetailsView::shouldShowAFailedMessageWithItsAttemptAndPrettyPayload()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    NewMessage m;
    m.queue = QStringLiteral("alpha");
    m.type = QStringLiteral("password_reset");
    m.recipient = QStringLiteral("+14155550100");
    m.payload = QByteArrayLiteral(R"({"code":"481516","user":{"name":"Ana"}})");
    m.labels = {{QStringLiteral("event"), QStringLiteral("41")}};
    HERALD_VERIFY_OK(seeded.store().enqueueBulk({m}));
    HERALD_VERIFY_OK(seeded.deliverSome(QStringLiteral("alpha"), 1, 0, 1, 0));
    const qint64 id = seeded->listMessages({}).value().constFirst().id;

    StoreThread storeThread(seeded.url());
    MessageDetailsView view;
    view.setStoreThread(&storeThread);
    QSignalSpy loaded(&view, &MessageDetailsView::loaded);
    view.showMessage(id);
    QVERIFY(loaded.wait());

    const QString fields = view.fieldsText();
    for (const QString &expected : {QStringLiteral("password_reset"), QStringLiteral("+14155550100"), QStringLiteral("failed"),
                                    QStringLiteral("event=41"), QStringLiteral("1 of 3"), QStringLiteral("400 Bad Request")})
        QVERIFY2(fields.contains(expected), qPrintable(expected + QStringLiteral(" not in:\n") + fields));
    QVERIFY2(view.payloadText().contains(QStringLiteral("\n    \"user\": {\n        \"name\": \"Ana\"")), qPrintable(view.payloadText()));

    QCOMPARE(view.attemptsTable()->rowCount(), 1);
    QCOMPARE(cell(view.attemptsTable(), 0, 0), QStringLiteral("1"));
    QCOMPARE(cell(view.attemptsTable(), 0, 3), QStringLiteral("failed"));
    QCOMPARE(cell(view.attemptsTable(), 0, 4), QStringLiteral("400"));
    QCOMPARE(cell(view.attemptsTable(), 0, 5), QStringLiteral("400 Bad Request: the recipient was rejected"));
    QCOMPARE(view.auditTable()->rowCount(), 0);
}

void TestMessageDetailsView::shouldListTheOperatorActionsTakenOnTheMessage()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    const QList<qint64> ids = seeded.enqueue(QStringLiteral("alpha"), 2).value();
    OperatorAction cancel{ActionKind::Cancel, {}, {}, 0, QStringLiteral("maria")};
    HERALD_VERIFY_OK(seeded->apply(MessageSelection{{ids.at(0)}}, cancel));

    StoreThread storeThread(seeded.url());
    MessageDetailsView view;
    view.setStoreThread(&storeThread);
    QSignalSpy loaded(&view, &MessageDetailsView::loaded);
    view.showMessage(ids.at(0));
    QVERIFY(loaded.wait());
    QCOMPARE(view.auditTable()->rowCount(), 1);
    QCOMPARE(cell(view.auditTable(), 0, 1), QStringLiteral("maria"));
    QCOMPARE(cell(view.auditTable(), 0, 2), actionName(ActionKind::Cancel));
    QCOMPARE(cell(view.auditTable(), 0, 3), QStringLiteral("1"));

    // The other message was not acted on.
    view.showMessage(ids.at(1));
    QVERIFY(loaded.wait());
    QCOMPARE(view.auditTable()->rowCount(), 0);
}

void TestMessageDetailsView::shouldDropTheAnswerForAMessageNoLongerAskedFor()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    const QList<qint64> ids = seeded.enqueue(QStringLiteral("alpha"), 2).value();

    StoreThread storeThread(seeded.url());
    MessageDetailsView view;
    view.setStoreThread(&storeThread);
    QSignalSpy loaded(&view, &MessageDetailsView::loaded);
    view.showMessage(ids.at(0));
    view.showMessage(ids.at(1));
    QVERIFY(herald::test::drain(storeThread));
    QCOMPARE(loaded.count(), 1);
    // enqueue() gives message i the recipient +1415555000i.
    QVERIFY2(view.fieldsText().contains(QStringLiteral("+14155550001")), qPrintable(view.fieldsText()));
    QVERIFY(!view.fieldsText().contains(QStringLiteral("+14155550000")));
}

QTEST_MAIN(TestMessageDetailsView)
#include "tst_messagedetailsview.moc"
