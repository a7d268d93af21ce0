// Opening stores: the typed settings (recent stores, connection profiles), the connection dialog, the
// Open recent menu, the read-only banner, and the banner of a store that goes away and comes back.
#include "stores/ConnectDialog.h"
#include "shell/MainWindow.h"
#include "queues/QueuesFeature.h"
#include "queues/QueueListModel.h"
#include "SeededStore.h"
#include "shell/Settings.h"
#include "stores/StoreBanner.h"
#include "stores/StoreMenu.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;

namespace {

void pressOpen(ConnectDialog &dialog)
{
    QTest::mouseClick(dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Open), Qt::LeftButton);
}

} // namespace

class TestStores : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void shouldKeepRecentStoresNewestFirstOnceEachAndAtMostTen()
    {
        QTemporaryDir dir;
        Settings settings(dir.filePath(QStringLiteral("herald.conf")));
        for (int i = 0; i < Settings::kMaxRecentStores + 3; ++i)
            settings.rememberStore({QStringLiteral("/stores/%1.db").arg(i), false, {}});
        settings.rememberStore({QStringLiteral("/stores/5.db"), false, {}});
        settings.rememberStore({QStringLiteral("/stores/5.db"), true, {}}); // read-only is another entry
        const QList<Settings::RecentStore> recent = Settings(dir.filePath(QStringLiteral("herald.conf"))).recentStores();
        QCOMPARE(recent.size(), Settings::kMaxRecentStores);
        QCOMPARE(recent[0], (Settings::RecentStore{QStringLiteral("/stores/5.db"), true, {}}));
        QCOMPARE(recent[1], (Settings::RecentStore{QStringLiteral("/stores/5.db"), false, {}}));
        QCOMPARE(recent[2].url, QStringLiteral("/stores/12.db"));
        settings.clearRecentStores();
        QVERIFY(settings.recentStores().isEmpty());
    }

    void shouldSaveProfilesWithoutTheirPasswords()
    {
        QTemporaryDir dir;
        const QString file = dir.filePath(QStringLiteral("herald.conf"));
        StoreProfile p{QStringLiteral("prod eu"), StoreUrl::Kind::Mysql, QStringLiteral("db.example.com"), 3307, QStringLiteral("herald"),
                       QStringLiteral("ops"), true};
        {
            Settings settings(file);
            settings.saveProfile(p);
            p.port = 3308;
            settings.saveProfile(p); // replaces
        }
        const QList<StoreProfile> profiles = Settings(file).profiles();
        QCOMPARE(profiles.size(), 1);
        QCOMPARE(profiles[0].port, 3308);
        QCOMPARE(profiles[0].kind, StoreUrl::Kind::Mysql);
        QVERIFY(profiles[0].savePassword);

        const auto url = profiles[0].url(QStringLiteral("s3cr:t@"));
        QVERIFY2(url.ok(), qPrintable(url.errorString()));
        QCOMPARE(url->password(), QStringLiteral("s3cr:t@"));
        QCOMPARE(url->display(), QStringLiteral("mysql://ops@db.example.com:3308/herald"));
        QFile conf(file);
        QVERIFY(conf.open(QIODevice::ReadOnly));
        QVERIFY(!conf.readAll().contains("s3cr"));
        QVERIFY(!profiles[0].keychainKey().contains(QLatin1Char(' ')));

        Settings(file).removeProfile(QStringLiteral("prod eu"));
        QVERIFY(Settings(file).profiles().isEmpty());
    }

    void shouldRefuseAProfileWithoutHostOrDatabase()
    {
        StoreProfile p{QStringLiteral("x"), StoreUrl::Kind::Postgres, {}, 0, QStringLiteral("herald"), {}, false};
        QVERIFY(p.validate().errorString().contains(QStringLiteral("no host")));
        p.host = QStringLiteral("localhost");
        p.database.clear();
        QVERIFY(p.validate().errorString().contains(QStringLiteral("names no database")));
    }

    void shouldOpenAFileFromTheDialogAndRefuseAMissingOneReadOnly()
    {
        QTemporaryDir dir;
        Settings settings(dir.filePath(QStringLiteral("herald.conf")));
        ConnectDialog dialog(&settings);
        dialog.setPage(ConnectDialog::Page::File);
        dialog.pathField()->setText(dir.filePath(QStringLiteral("missing.db")));
        dialog.setReadOnly(true);
        dialog.show();
        pressOpen(dialog);
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY2(dialog.errorText().contains(QStringLiteral("does not exist")), qPrintable(dialog.errorText()));

        dialog.setReadOnly(false);
        pressOpen(dialog);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.url().sqlitePath(), dir.filePath(QStringLiteral("missing.db")));
        QVERIFY(!dialog.readOnly());
    }

    void shouldSaveTheServerProfileWhenOpeningAndShowFieldErrors()
    {
        QTemporaryDir dir;
        Settings settings(dir.filePath(QStringLiteral("herald.conf")));
        ConnectDialog dialog(&settings);
        dialog.setPage(ConnectDialog::Page::Server);
        dialog.show();
        dialog.profileNameField()->setText(QStringLiteral("staging"));
        dialog.databaseField()->setText(QStringLiteral("herald"));
        pressOpen(dialog);
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
        QVERIFY2(dialog.errorText().contains(QStringLiteral("no host")), qPrintable(dialog.errorText()));
        QCOMPARE(dialog.focusWidget(), static_cast<QWidget *>(dialog.hostField()));
        QVERIFY(settings.profiles().isEmpty());

        dialog.hostField()->setText(QStringLiteral("pg.internal"));
        dialog.portField()->setValue(6543);
        dialog.userField()->setText(QStringLiteral("ops"));
        dialog.passwordField()->setText(QStringLiteral("pw"));
        dialog.rememberPasswordField()->setChecked(false);
        pressOpen(dialog);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.url().kind(), StoreUrl::Kind::Postgres);
        QCOMPARE(dialog.url().password(), QStringLiteral("pw"));
        QCOMPARE(dialog.profileName(), QStringLiteral("staging"));
        const auto saved = settings.profile(QStringLiteral("staging"));
        QVERIFY(saved.has_value());
        QCOMPARE(saved->host, QStringLiteral("pg.internal"));
        QCOMPARE(saved->port, 6543);

        // A second dialog offers it, filled in.
        ConnectDialog again(&settings);
        again.selectProfile(QStringLiteral("staging"));
        QCOMPARE(again.hostField()->text(), QStringLiteral("pg.internal"));
        QCOMPARE(again.userField()->text(), QStringLiteral("ops"));
        QVERIFY(again.passwordField()->text().isEmpty());
    }

    void shouldSayWhenARememberedPasswordCannotBeRead()
    {
        // No keychain service runs here: the read fails, the dialog says so and stays open.
        QTemporaryDir dir;
        Settings settings(dir.filePath(QStringLiteral("herald.conf")));
        settings.saveProfile({QStringLiteral("prod"), StoreUrl::Kind::Postgres, QStringLiteral("db"), 0, QStringLiteral("herald"),
                              QStringLiteral("ops"), true});
        ConnectDialog dialog(&settings);
        dialog.selectProfile(QStringLiteral("prod"));
        dialog.show();
        pressOpen(dialog);
        QTRY_VERIFY_WITH_TIMEOUT(!dialog.errorText().isEmpty(), 35'000);
        QVERIFY2(dialog.errorText().contains(QStringLiteral("could not be read")), qPrintable(dialog.errorText()));
        QCOMPARE(dialog.result(), int(QDialog::Rejected));
    }

    void shouldOpenARecentStoreAndRememberWhatWasOpened()
    {
        SeededStore seeded;
        QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
        HERALD_VERIFY_OK(seeded.store().addQueue(QueueConfig{QStringLiteral("events")}));

        MainWindow window;
        window.settings()->clearRecentStores();
        window.show();
        QSignalSpy ready(&window, &MainWindow::contentReady);
        window.openStore(seeded.url(), true);
        QVERIFY(ready.wait());
        QCOMPARE(window.settings()->recentStores().value(0), (Settings::RecentStore{seeded.url().display(), true, {}}));

        // The menu lists it; choosing it asks the window to open it, read-only as before.
        QMenu *recent = window.storeMenu()->recentMenu();
        Q_EMIT recent->aboutToShow();
        QAction *entry = recent->actions().value(0);
        QVERIFY(entry && entry->text().contains(seeded.url().display()));
        QVERIFY(entry->text().contains(QStringLiteral("read-only")));
        QSignalSpy requested(window.storeMenu(), &StoreMenu::openRequested);
        entry->trigger();
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested[0][0].value<StoreUrl>().display(), seeded.url().display());
        QCOMPARE(requested[0][1].toBool(), true);
        window.settings()->clearRecentStores();
    }

    void shouldShowReadOnlyPlainlyAndAStoreThatGoesAwayUntilItIsBack()
    {
        SeededStore seeded;
        QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
        HERALD_VERIFY_OK(seeded.store().addQueue(QueueConfig{QStringLiteral("events")}));
        const QString path = seeded.url().sqlitePath();

        MainWindow window;
        window.show();
        QSignalSpy ready(&window, &MainWindow::contentReady);
        window.openStore(seeded.url(), true);
        QVERIFY(ready.wait());
        QCOMPARE(window.banner()->kind(), StoreBanner::Kind::ReadOnly);
        QVERIFY(window.banner()->isVisible());
        QVERIFY(window.banner()->text().contains(QStringLiteral("Read-only")));

        QVERIFY(QFile::rename(path, path + QStringLiteral(".away")));
        window.feature<QueuesFeature>()->queueModel()->refresh();
        QTRY_COMPARE(window.banner()->kind(), StoreBanner::Kind::Problem);
        QVERIFY2(window.banner()->text().contains(QStringLiteral("is gone")), qPrintable(window.banner()->text()));
        // What it showed stays on screen.
        QCOMPARE(window.feature<QueuesFeature>()->queueModel()->rowCount(), 1);

        QVERIFY(QFile::rename(path + QStringLiteral(".away"), path));
        QTest::mouseClick(window.banner()->findChild<QPushButton *>(), Qt::LeftButton);
        QTRY_COMPARE(window.banner()->kind(), StoreBanner::Kind::ReadOnly);
    }

    void shouldPauseLiveRefresh()
    {
        SeededStore seeded;
        QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
        HERALD_VERIFY_OK(seeded.store().addQueue(QueueConfig{QStringLiteral("events")}));
        MainWindow window;
        window.show();
        QSignalSpy ready(&window, &MainWindow::contentReady);
        window.openStore(seeded.url(), true);
        QVERIFY(ready.wait());
        window.liveRefreshAction()->trigger();
        QVERIFY(!window.liveRefreshAction()->isChecked());
        QVERIFY(!window.settings()->liveRefresh());
        QVERIFY2(window.statusText().contains(QStringLiteral("live refresh paused")), qPrintable(window.statusText()));
        window.liveRefreshAction()->trigger();
        QVERIFY(window.settings()->liveRefresh());
        QVERIFY(!window.statusText().contains(QStringLiteral("live refresh paused")));
    }
};

QTEST_MAIN(TestStores)
#include "tst_stores.moc"
