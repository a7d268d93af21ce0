// The console on a PostgreSQL store (issue 14): opened through File ▸ Open store…'s server page, paging
// and counts as on SQLite, the status bar counting the engines that deliver from the store, and a server
// that goes away and comes back — the banner says "Reconnecting…" and the console recovers by itself.
// Against a real server the test starts (tests/support/PgServer).
#include "stores/ConnectDialog.h"
#include "engines/EnginesStatusLabel.h"
#include "shell/MainWindow.h"
#include "queues/QueuesFeature.h"
#include "messages/MessageTableModel.h"
#include "queues/QueueListModel.h"
#include "queues/QueuesView.h"
#include "SeededStore.h"
#include "shell/Settings.h"
#include "stores/StoreBanner.h"
#include "stores/StoreMenu.h"

#include "PgServer.h"
#include "channels/Channel.h"
#include "runtime/Engine.h"
#include "store/Store.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTest>

using namespace herald;
using herald::test::PgServer;

namespace {

constexpr qint64 kDayMs = 24LL * 60 * 60 * 1000;

// A fresh database on the test's server with queue "alpha" holding count messages due tomorrow (so no
// engine delivers them while the test looks).
struct PgStore
{
    PgServer *server = nullptr;
    QString database;
    StoreUrl url;
    QString error;

    explicit PgStore(int count)
    {
        server = PgServer::shared(&error);
        if (!server)
            return;
        database = server->freshDatabase(&error);
        if (database.isEmpty())
            return;
        url = *StoreUrl::parse(server->url(database));
        auto store = Store::open(url);
        if (!store) {
            error = store.errorString();
            return;
        }
        QueueConfig queue;
        queue.name = QStringLiteral("alpha");
        if (auto s = (*store)->addQueue(queue); !s) {
            error = s.errorString();
            return;
        }
        QList<NewMessage> batch;
        const qint64 tomorrow = (*store)->now() + kDayMs;
        for (int i = 0; i < count; ++i) {
            NewMessage m;
            m.queue = queue.name;
            m.type = QStringLiteral("checkin_reminder");
            m.recipient = QStringLiteral("+1415555%1").arg(i, 4, 10, QLatin1Char('0'));
            m.runAt = tomorrow;
            batch << m;
        }
        if (auto r = (*store)->enqueueBulk(batch, 500); !r)
            error = r.errorString();
    }
    bool ok() const { return error.isEmpty(); }
};

} // namespace

class TestConsolePostgres : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QString error;
        if (!PgServer::shared(&error))
            QFAIL(qPrintable(error));
    }

    void shouldOpenAServerProfileAndCountTheEnginesDeliveringFromIt()
    {
        PgStore pg(1200);
        QVERIFY2(pg.ok(), qPrintable(pg.error));

        // Another engine delivers from the same store, as `heraldctl work` on another machine would.
        RuntimeOptions options;
        options.channelFactory = &createChannel;
        Engine other(pg.url, options);
        const auto mode = other.start(Engine::ExitWhen::Never);
        QVERIFY2(mode, qPrintable(mode.errorString()));
        QCOMPARE(*mode, Engine::Mode::Running);

        MainWindow window;
        window.show();
        QSignalSpy ready(&window, &MainWindow::contentReady);
        window.storeMenu()->showConnectDialog();
        auto *dialog = window.findChild<ConnectDialog *>(QStringLiteral("connectDialog"));
        QVERIFY(dialog);
        dialog->setPage(ConnectDialog::Page::Server);
        dialog->profileNameField()->setText(QStringLiteral("test server"));
        dialog->kindField()->setCurrentIndex(dialog->kindField()->findData(int(StoreUrl::Kind::Postgres)));
        QCOMPARE(dialog->kindField()->currentText(), QStringLiteral("PostgreSQL"));
        dialog->hostField()->setText(pg.server->host());
        dialog->portField()->setValue(pg.server->port());
        dialog->databaseField()->setText(pg.database);
        dialog->userField()->setText(pg.server->user());
        dialog->passwordField()->setText(pg.server->password());
        dialog->rememberPasswordField()->setChecked(false);
        QTest::mouseClick(dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Open), Qt::LeftButton);
        QVERIFY(ready.wait(20'000));

        // The queue, its 1,200 rows paged as on SQLite, and the counts.
        QCOMPARE(window.feature<QueuesFeature>()->queuesView()->currentQueue(), QStringLiteral("alpha"));
        QTRY_COMPARE_WITH_TIMEOUT(window.feature<QueuesFeature>()->messageModel()->rowCount(), 1200, 20'000);
        QVERIFY2(window.statusText().contains(QStringLiteral("1 queue · 1,200 messages")), qPrintable(window.statusText()));
        // Two engines: the other one and the console's own.
        QTRY_VERIFY2_WITH_TIMEOUT(window.statusText().contains(QStringLiteral("2 engines delivering")), qPrintable(window.statusText()),
                                  20'000);
        auto *engines = window.findChild<EnginesStatusLabel *>(QStringLiteral("enginesStatus"));
        QVERIFY(engines);
        QVERIFY2(engines->toolTip().contains(QStringLiteral("pid %1").arg(QCoreApplication::applicationPid())), qPrintable(engines->toolTip()));
        // The password is nowhere on screen or in the settings.
        QVERIFY(!window.statusText().contains(pg.server->password()));
        QVERIFY(!window.windowTitle().contains(pg.server->password()));
        QVERIFY(window.settings()->profile(QStringLiteral("test server")).has_value());
        QVERIFY(!window.settings()->recentStores().value(0).url.contains(pg.server->password()));

        // The other engine stops: one left.
        other.stop();
        QSignalSpy finished(&other, &Engine::finished);
        QVERIFY(finished.size() > 0 || finished.wait(20'000));
        QTRY_VERIFY2_WITH_TIMEOUT(window.statusText().contains(QStringLiteral("1 engine delivering")), qPrintable(window.statusText()),
                                  20'000);
        window.settings()->clearRecentStores();
    }

    void shouldSayReconnectingWhileTheServerIsDownAndRecoverByItself()
    {
        PgStore pg(40);
        QVERIFY2(pg.ok(), qPrintable(pg.error));

        MainWindow window;
        window.show();
        QSignalSpy ready(&window, &MainWindow::contentReady);
        window.openStore(pg.url, false);
        QVERIFY(ready.wait(20'000));
        QTRY_COMPARE_WITH_TIMEOUT(window.feature<QueuesFeature>()->messageModel()->rowCount(), 40, 20'000);
        QCOMPARE(window.banner()->kind(), StoreBanner::Kind::None);

        QString error;
        QVERIFY2(pg.server->stop(&error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(window.banner()->kind(), StoreBanner::Kind::Problem, 20'000);
        QVERIFY2(window.banner()->text().contains(QStringLiteral("Reconnecting to the store")), qPrintable(window.banner()->text()));
        QVERIFY(!window.banner()->text().contains(pg.server->password()));
        // What it showed stays on screen.
        QCOMPARE(window.feature<QueuesFeature>()->queueModel()->rowCount(), 1);

        QVERIFY2(pg.server->start(&error), qPrintable(error));
        {
            auto store = Store::open(pg.url);
            QVERIFY2(store, qPrintable(store.errorString()));
            NewMessage m;
            m.queue = QStringLiteral("alpha");
            m.type = QStringLiteral("checkin_reminder");
            m.recipient = QStringLiteral("+14155550999");
            m.runAt = (*store)->now() + kDayMs;
            HERALD_VERIFY_OK((*store)->enqueue(m));
        }
        // Back without a click: the banner goes, and what was added meanwhile shows.
        QTRY_COMPARE_WITH_TIMEOUT(window.banner()->kind(), StoreBanner::Kind::None, 20'000);
        QTRY_COMPARE_WITH_TIMEOUT(window.feature<QueuesFeature>()->messageModel()->rowCount(), 41, 20'000);
        QTRY_VERIFY2_WITH_TIMEOUT(window.statusText().contains(QStringLiteral("1 engine delivering")), qPrintable(window.statusText()),
                                  20'000);
        window.settings()->clearRecentStores();
    }
};

QTEST_MAIN(TestConsolePostgres)
#include "tst_consolepostgres.moc"
