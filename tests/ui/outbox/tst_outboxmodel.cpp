// OutboxModel and OutboxView over a real SQLite outbox. The renderings are written the way the runtime
// writes them: completions carrying the outbox channel's JSON, committed with Store::commitBatch.
#include "outbox/OutboxModel.h"
#include "outbox/OutboxView.h"
#include "SeededStore.h"

#include "store/StoreThread.h"

#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <QTextBrowser>

#include <algorithm>

using namespace herald;
using herald::test::SeededStore;

namespace {

const QString kOwner = QStringLiteral("tst-outbox");

QList<qint64> entryIdsOf(const OutboxModel &model)
{
    QList<qint64> ids;
    for (int row = 0; row < model.rowCount(); ++row)
        ids << model.index(row, OutboxModel::WhenColumn).data(OutboxModel::EntryIdRole).toLongLong();
    return ids;
}

QList<qint64> descending(qint64 from, qint64 to)
{
    QList<qint64> ids;
    for (qint64 id = from; id >= to; --id)
        ids << id;
    return ids;
}

// A rendering as OutboxChannel writes it; omitted keys are left out of the JSON.
QByteArray rendering(const QJsonObject &fields)
{
    QJsonObject json{{QStringLiteral("channel"), QStringLiteral("outbox")}, {QStringLiteral("kind"), QStringLiteral("outbox")}};
    for (auto it = fields.begin(); it != fields.end(); ++it)
        json.insert(it.key(), it.value());
    return QJsonDocument(json).toJson(QJsonDocument::Compact);
}

QByteArray numbered(qint64 messageId)
{
    return rendering({{QStringLiteral("to"), QStringLiteral("+1415555%1").arg(messageId % 10000, 4, 10, QLatin1Char('0'))},
                      {QStringLiteral("subject"), QStringLiteral("Reminder %1").arg(messageId)},
                      {QStringLiteral("text"), QStringLiteral("Check-in opens at 8:00.\nSee you there.")},
                      {QStringLiteral("locale"), QStringLiteral("en")}});
}

// Enqueues count messages, claims them and completes them in one batch with a rendering each, as the
// runtime does for the outbox channel. Returns the message ids in the order the outbox got them.
Result<QList<qint64>> deliverToOutbox(SeededStore &seeded, const QString &queue, int count,
                                      const std::function<QByteArray(qint64)> &render = numbered)
{
    auto ids = seeded.enqueue(queue, count);
    if (!ids)
        return ids.error();
    auto claimed = seeded->claim(queue, count, kOwner, 60'000);
    if (!claimed)
        return claimed.error();
    if (claimed->size() != count)
        return Error::runtime(QStringLiteral("claimed %1 of %2").arg(claimed->size()).arg(count));
    Store::WriteBatch batch;
    batch.owner = kOwner;
    batch.promote = false;
    QList<qint64> order;
    for (const Message &m : *claimed) {
        batch.completions << Store::Completion{m.id, {}, render(m.id)};
        order << m.id;
    }
    auto committed = seeded->commitBatch(batch);
    if (!committed)
        return committed.error();
    return order;
}

// Loads the newest page and lets every answer asked for so far come back. The tester (as a view would)
// may already have asked for the page when the store was set: one page either way.
bool loadFirstPage(OutboxModel &model, StoreThread &storeThread)
{
    QSignalSpy loaded(&model, &OutboxModel::pageLoaded);
    model.fetchMore({});
    return loaded.wait() && herald::test::drain(storeThread);
}

} // namespace

class TestOutboxModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldPageThroughTheWholeOutboxNewestFirstWithoutGaps();
    void shouldShowTheRenderedFieldsInTheirColumns();
    void shouldPutRenderingsCapturedSinceOnTopOnRefresh();
    void shouldStartOverWhenMoreThanAPageWasCapturedSince();
    void shouldFindTheFirstRenderingsOfAnEmptyOutboxOnRefresh();
    void shouldDropAPageOfThePreviousStore();
    void shouldShowTheSelectedRenderingInTheDetailPane();
};

void TestOutboxModel::shouldPageThroughTheWholeOutboxNewestFirstWithoutGaps()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("bravo")));
    // Two queues in turns: the pages follow the outbox's own order, whatever queue a rendering is from.
    QList<qint64> messages;
    for (int round = 0; round < 3; ++round) {
        for (const QString &queue : {QStringLiteral("alpha"), QStringLiteral("bravo")}) {
            const auto delivered = deliverToOutbox(seeded, queue, 75);
            HERALD_VERIFY_OK(delivered);
            messages << *delivered;
        }
    }
    QCOMPARE(messages.size(), 450);

    OutboxModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(seeded.url());
    model.setStoreThread(&storeThread);
    QSignalSpy loaded(&model, &OutboxModel::pageLoaded);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);

    QVERIFY(loadFirstPage(model, storeThread));
    QCOMPARE(entryIdsOf(model), descending(450, 251));
    while (model.canFetchMore({})) {
        const qsizetype pages = loaded.count();
        model.fetchMore({});
        QVERIFY(model.isLoading());
        QVERIFY(!model.canFetchMore({})); // one page at a time
        QTRY_COMPARE(loaded.count(), pages + 1);
    }

    QVERIFY(model.hasLoadedAll());
    // Every rendering once, newest first, the keyset pages joining without overlap or gap.
    QCOMPARE(entryIdsOf(model), descending(450, 1));
    QList<qint64> renderedMessages;
    for (int row = model.rowCount() - 1; row >= 0; --row)
        renderedMessages << model.index(row, OutboxModel::MessageColumn).data(OutboxModel::MessageIdRole).toLongLong();
    QCOMPARE(renderedMessages, messages);
    QStringList pages;
    for (const QList<QVariant> &signal : inserted)
        pages << QStringLiteral("%1-%2").arg(signal.at(1).toInt()).arg(signal.at(2).toInt());
    QCOMPARE(pages, (QStringList{QStringLiteral("0-199"), QStringLiteral("200-399"), QStringLiteral("400-449")}));
}

void TestOutboxModel::shouldShowTheRenderedFieldsInTheirColumns()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("event-messages")));
    const auto delivered = deliverToOutbox(seeded, QStringLiteral("event-messages"), 3, [](qint64 id) {
        switch (id % 3) {
        case 1:
            return rendering({{QStringLiteral("to"), QStringLiteral("ana@example.org")},
                              {QStringLiteral("subject"), QStringLiteral("Tu charla")},
                              {QStringLiteral("text"), QStringLiteral("Hola Ana,\n\nempieza en 30 minutos.")},
                              {QStringLiteral("html"), QStringLiteral("<p>Hola <b>Ana</b></p>")},
                              {QStringLiteral("locale"), QStringLiteral("es")}});
        case 2: return rendering({{QStringLiteral("text"), QStringLiteral("Check-in opens at 8:00")}}); // an SMS: no subject, no "to"
        default: return QByteArray("not json");
        }
    });
    HERALD_VERIFY_OK(delivered);

    OutboxModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(seeded.url());
    model.setStoreThread(&storeThread);
    QVERIFY(loadFirstPage(model, storeThread));
    QCOMPARE(model.rowCount(), 3);

    const auto cell = [&model](qint64 messageId, int column) {
        for (int row = 0; row < model.rowCount(); ++row)
            if (model.renderingAt(row).entry.messageId == messageId)
                return model.index(row, column).data().toString();
        return QStringLiteral("(no row)");
    };
    // A fresh store numbers its messages 1, 2, 3: one rendering of each kind.
    QCOMPARE(*delivered, (QList<qint64>{1, 2, 3}));
    const qint64 email = 1;
    const qint64 sms = 2;
    const qint64 broken = 3;
    QCOMPARE(cell(email, OutboxModel::MessageColumn), QString::number(email));
    QCOMPARE(cell(email, OutboxModel::QueueColumn), QStringLiteral("event-messages"));
    QCOMPARE(cell(email, OutboxModel::ChannelColumn), QStringLiteral("outbox"));
    QCOMPARE(cell(email, OutboxModel::ToColumn), QStringLiteral("ana@example.org"));
    QCOMPARE(cell(email, OutboxModel::ContentColumn), QStringLiteral("Tu charla — Hola Ana, empieza en 30 minutos."));
    // Without "to" in the rendering, the message's recipient; without a subject, the text alone.
    const Message smsMessage = seeded->message(sms).value();
    QCOMPARE(cell(sms, OutboxModel::ToColumn), smsMessage.recipient);
    QCOMPARE(cell(sms, OutboxModel::ContentColumn), QStringLiteral("Check-in opens at 8:00"));
    // A rendering that is not JSON still gets its row, with what the outbox table itself knows.
    QCOMPARE(cell(broken, OutboxModel::MessageColumn), QString::number(broken));
    QCOMPARE(cell(broken, OutboxModel::ContentColumn), QString());

    // The outbox got them in that order: the email is the oldest, at the bottom.
    const OutboxModel::Rendering &r = model.renderingAt(2);
    QCOMPARE(r.entry.messageId, email);
    QCOMPARE(model.rowOfEntry(r.entry.id), 2);
    QCOMPARE(r.subject, QStringLiteral("Tu charla"));
    QCOMPARE(r.html, QStringLiteral("<p>Hola <b>Ana</b></p>"));
    QCOMPARE(r.locale, QStringLiteral("es"));
}

void TestOutboxModel::shouldPutRenderingsCapturedSinceOnTopOnRefresh()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    HERALD_VERIFY_OK(deliverToOutbox(seeded, QStringLiteral("alpha"), 250));

    OutboxModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(seeded.url());
    model.setStoreThread(&storeThread);
    QSignalSpy loaded(&model, &OutboxModel::pageLoaded);
    QVERIFY(loadFirstPage(model, storeThread));
    QCOMPARE(entryIdsOf(model), descending(250, 51));

    HERALD_VERIFY_OK(deliverToOutbox(seeded, QStringLiteral("alpha"), 3));
    QSignalSpy refreshed(&model, &OutboxModel::refreshed);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.refresh();
    model.refresh(); // folded into one more after the first
    QVERIFY(refreshed.wait());
    QVERIFY(herald::test::drain(storeThread));

    QCOMPARE(refreshed.count(), 2);
    QCOMPARE(refreshed.at(0).at(0).toInt(), 3);
    QCOMPARE(refreshed.at(1).at(0).toInt(), 0);
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(inserted.at(0).at(2).toInt(), 2);
    QCOMPARE(reset.count(), 0);
    QCOMPARE(entryIdsOf(model), descending(253, 51));

    // Paging on below still joins without a gap.
    QVERIFY(model.canFetchMore({}));
    model.fetchMore({});
    QVERIFY(loaded.wait());
    QCOMPARE(entryIdsOf(model), descending(253, 1));
    QVERIFY(model.hasLoadedAll());
}

void TestOutboxModel::shouldStartOverWhenMoreThanAPageWasCapturedSince()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    HERALD_VERIFY_OK(deliverToOutbox(seeded, QStringLiteral("alpha"), 5));

    OutboxModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(seeded.url());
    model.setStoreThread(&storeThread);
    QSignalSpy loaded(&model, &OutboxModel::pageLoaded);
    QVERIFY(loadFirstPage(model, storeThread));
    QCOMPARE(entryIdsOf(model), descending(5, 1));

    HERALD_VERIFY_OK(deliverToOutbox(seeded, QStringLiteral("alpha"), OutboxModel::kPageSize + 50));
    QSignalSpy refreshed(&model, &OutboxModel::refreshed);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    model.refresh();
    QVERIFY(refreshed.wait());

    // A page on top of the five would leave 50 renderings unreachable between them.
    QCOMPARE(reset.count(), 1);
    QCOMPARE(entryIdsOf(model), descending(255, 56));
    QVERIFY(model.canFetchMore({}));
    model.fetchMore({});
    QVERIFY(loaded.wait());
    QCOMPARE(entryIdsOf(model), descending(255, 1));
}

void TestOutboxModel::shouldFindTheFirstRenderingsOfAnEmptyOutboxOnRefresh()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));

    OutboxModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(seeded.url());
    model.setStoreThread(&storeThread);
    QVERIFY(!model.isLoaded());
    QVERIFY(loadFirstPage(model, storeThread));
    QVERIFY(model.isLoaded());
    QVERIFY(model.hasLoadedAll());
    QCOMPARE(model.rowCount(), 0);

    // Empty and at its end: a refresh after the first delivery still finds it.
    QVERIFY(!model.canFetchMore({}));
    HERALD_VERIFY_OK(deliverToOutbox(seeded, QStringLiteral("alpha"), 2));
    QSignalSpy loaded(&model, &OutboxModel::pageLoaded);
    model.refresh();
    QVERIFY(loaded.wait());
    QCOMPARE(entryIdsOf(model), descending(2, 1));
}

void TestOutboxModel::shouldDropAPageOfThePreviousStore()
{
    SeededStore first;
    QVERIFY2(first.isOpen(), qPrintable(first.openError()));
    HERALD_VERIFY_OK(first.addQueue(QStringLiteral("alpha")));
    HERALD_VERIFY_OK(deliverToOutbox(first, QStringLiteral("alpha"), 7));
    SeededStore second(QStringLiteral("second.db"));
    QVERIFY2(second.isOpen(), qPrintable(second.openError()));
    HERALD_VERIFY_OK(second.addQueue(QStringLiteral("bravo")));
    HERALD_VERIFY_OK(deliverToOutbox(second, QStringLiteral("bravo"), 2));

    OutboxModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread firstThread(first.url());
    StoreThread secondThread(second.url());
    QSignalSpy loaded(&model, &OutboxModel::pageLoaded);
    model.setStoreThread(&firstThread);
    model.refresh(); // its page is on its way when the other store is opened
    model.setStoreThread(&secondThread);
    model.refresh();
    QVERIFY(loaded.wait());
    QVERIFY(herald::test::drain(firstThread));
    QVERIFY(herald::test::drain(secondThread));

    QCOMPARE(loaded.count(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.renderingAt(0).entry.queue, QStringLiteral("bravo"));
}

void TestOutboxModel::shouldShowTheSelectedRenderingInTheDetailPane()
{
    SeededStore seeded;
    QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    const auto delivered = deliverToOutbox(seeded, QStringLiteral("alpha"), 2, [](qint64 id) {
        if (id % 2 == 1)
            return rendering({{QStringLiteral("to"), QStringLiteral("ana@example.org")},
                              {QStringLiteral("subject"), QStringLiteral("Tu charla")},
                              {QStringLiteral("text"), QStringLiteral("Hola Ana")},
                              {QStringLiteral("html"), QStringLiteral("<p>Hola <b>Ana</b></p>")},
                              {QStringLiteral("locale"), QStringLiteral("es")}});
        return rendering({{QStringLiteral("to"), QStringLiteral("+14155550100")}, {QStringLiteral("text"), QStringLiteral("Check-in opens at 8:00")}});
    });
    HERALD_VERIFY_OK(delivered);

    OutboxModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    StoreThread storeThread(seeded.url());
    model.setStoreThread(&storeThread);
    OutboxView view(&model);
    view.resize(1000, 700);
    view.show();
    QVERIFY(loadFirstPage(model, storeThread));
    QCOMPARE(view.summaryText(), QStringLiteral("2 renderings, newest first"));

    auto *tabs = view.findChild<QTabWidget *>();
    QVERIFY(tabs);
    const int emailRow = model.renderingAt(0).entry.messageId % 2 == 1 ? 0 : 1;
    view.selectRow(emailRow);
    QCOMPARE(view.shownEntry(), model.renderingAt(emailRow).entry.id);
    QCOMPARE(view.subjectLabel()->text(), QStringLiteral("Tu charla"));
    QCOMPARE(view.textView()->toPlainText(), QStringLiteral("Hola Ana"));
    QCOMPARE(view.htmlSourceView()->toPlainText(), QStringLiteral("<p>Hola <b>Ana</b></p>"));
    QCOMPARE(view.htmlView()->toPlainText(), QStringLiteral("Hola Ana"));
    QVERIFY(tabs->isTabEnabled(tabs->indexOf(view.htmlView())));
    QCOMPARE(tabs->currentWidget(), view.htmlView()); // an email reads as HTML first

    // An SMS has no HTML to show: those tabs are off and the text is in front.
    view.selectRow(1 - emailRow);
    QCOMPARE(view.subjectLabel()->text(), QStringLiteral("(no subject)"));
    QCOMPARE(view.textView()->toPlainText(), QStringLiteral("Check-in opens at 8:00"));
    QVERIFY(!tabs->isTabEnabled(tabs->indexOf(view.htmlView())));
    QVERIFY(!tabs->isTabEnabled(tabs->indexOf(view.htmlSourceView())));
    QCOMPARE(tabs->currentWidget(), view.textView());
    // Back on the email, the HTML is in front again.
    view.selectRow(emailRow);
    QCOMPARE(tabs->currentWidget(), view.htmlView());
}

QTEST_MAIN(TestOutboxModel)
#include "tst_outboxmodel.moc"
