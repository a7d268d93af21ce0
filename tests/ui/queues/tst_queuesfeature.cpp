#include "queues/QueuesFeature.h"
#include "SeededStore.h"

#include "messages/MessageTableModel.h"
#include "queues/QueueListModel.h"
#include "shell/StoreSession.h"

#include "store/StoreThread.h"

#include <QAction>
#include <QHBoxLayout>
#include <QSignalSpy>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;

// A feature needs no MainWindow: given a StoreSession of its own over a temporary store, it reads that
// store through the session, and follows the session to the next store.
class TestQueuesFeature : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldListTheQueuesOfTheSessionItIsGiven();
    void shouldFollowTheSessionToAnotherStore();
};

namespace {

struct Fixture
{
    QWidget window;
    StoreSession session;
    QueuesFeature feature{&window};

    Fixture()
    {
        auto *layout = new QHBoxLayout(&window);
        layout->addWidget(feature.navigationPanel());
        layout->addWidget(feature.page());
        feature.setSession(&session);
    }
};

} // namespace

void TestQueuesFeature::shouldListTheQueuesOfTheSessionItIsGiven()
{
    SeededStore seeded;
    QVERIFY(seeded.isOpen());
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("alpha")));
    HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("bravo")));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("alpha"), 3));
    HERALD_VERIFY_OK(seeded.enqueue(QStringLiteral("bravo"), 2));

    Fixture f;
    QVERIFY(!f.feature.newQueueAction()->isEnabled());
    QSignalSpy read(&f.session, &StoreSession::read);
    f.session.attach(std::make_unique<StoreThread>(seeded.url()), false);
    QVERIFY(f.feature.newQueueAction()->isEnabled());
    f.session.requestRefresh();
    QVERIFY(read.wait());
    QCOMPARE(read.constFirst().constFirst().toBool(), false); // the store is not empty
    QCOMPARE(f.feature.queueModel()->rowCount(), 2);
    // The first queue is selected and its messages listed, as in the console.
    QCOMPARE(f.feature.messageModel()->queue(), QStringLiteral("alpha"));
    QTRY_VERIFY(f.feature.isPageReady());
    QCOMPARE(f.feature.messageModel()->rowCount(), 3);
}

void TestQueuesFeature::shouldFollowTheSessionToAnotherStore()
{
    SeededStore first(QStringLiteral("first.db"));
    SeededStore second(QStringLiteral("second.db"));
    QVERIFY(first.isOpen() && second.isOpen());
    HERALD_VERIFY_OK(first.addQueue(QStringLiteral("alpha")));

    Fixture f;
    QSignalSpy read(&f.session, &StoreSession::read);
    f.session.attach(std::make_unique<StoreThread>(first.url()), false);
    f.session.requestRefresh();
    QVERIFY(read.wait());
    QCOMPARE(f.feature.queueModel()->rowCount(), 1);

    read.clear();
    f.session.attach(std::make_unique<StoreThread>(second.url()), true);
    QVERIFY(!f.feature.newQueueAction()->isEnabled()); // read-only: no queue creation
    f.session.requestRefresh();
    QVERIFY(read.wait());
    QCOMPARE(read.constFirst().constFirst().toBool(), true); // the second store has no queues
    QCOMPARE(f.feature.queueModel()->rowCount(), 0);
}

QTEST_MAIN(TestQueuesFeature)
#include "tst_queuesfeature.moc"
