#include "messages/ActionPreviewDialog.h"
#include "shell/MainWindow.h"
#include "details/DetailsFeature.h"
#include "outbox/OutboxFeature.h"
#include "queues/QueuesFeature.h"
#include "upcoming/UpcomingFeature.h"
#include "messages/MessageActions.h"
#include "details/MessageDetailsView.h"
#include "messages/MessageFilterBar.h"
#include "messages/MessageTableModel.h"
#include "messages/MessagesView.h"
#include "outbox/OutboxModel.h"
#include "outbox/OutboxView.h"
#include "queues/QueueListModel.h"
#include "upcoming/UpcomingChart.h"

#include "model/TimeText.h"
#include "store/StoreUrl.h"

#include <QApplication>
#include <QIcon>
#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QDockWidget>
#include <QFileInfo>
#include <QLineEdit>
#include <QAction>
#include <QPixmap>
#include <QTableView>
#include <QTimer>

#include <cstdio>

namespace {

constexpr int kBadUsage = 2; // as heraldctl: 2 means the command line was wrong
constexpr int kSelfTestFailed = 1;
// A store that has not answered by then is as good as broken for an operator (a hung network share,
// a lock held for ever); the self-test says so instead of hanging an installation check.
constexpr int kSelfTestTimeoutMs = 60'000;

int usageError(const QString &message)
{
    std::fprintf(stderr, "herald: %s\nRun 'herald --help' for the options.\n", qPrintable(message));
    return kBadUsage;
}

int selfTestFailed(const QString &message)
{
    std::fprintf(stderr, "herald --self-test: FAILED: %s\n", qPrintable(message));
    return kSelfTestFailed;
}

// --self-test: the window opens the store read-only as an operator would see it; once its first content
// is on screen, what it shows decides the exit status. Never delivers and never writes.
void startSelfTest(herald::MainWindow &window, const herald::StoreUrl &url)
{
    QObject::connect(
        &window, &herald::MainWindow::contentReady, &window,
        [&window, url] {
            if (const QString error = window.storeError(); !error.isEmpty()) {
                QCoreApplication::exit(selfTestFailed(error));
                return;
            }
            const herald::QueueListModel *queues = window.feature<herald::QueuesFeature>()->queueModel();
            if (!queues->isLoaded()) {
                QCoreApplication::exit(selfTestFailed(QStringLiteral("the queues of store '%1' were not read").arg(url.display())));
                return;
            }
            if (const QString error = window.feature<herald::QueuesFeature>()->messageModel()->errorString(); !error.isEmpty()) {
                QCoreApplication::exit(selfTestFailed(
                    QStringLiteral("the messages of queue '%1' in store '%2' could not be read: %3").arg(window.feature<herald::QueuesFeature>()->messageModel()->queue(), url.display(), error)));
                return;
            }
            const qint64 messages = queues->totals().total();
            std::printf("herald --self-test: OK: %s opened read-only in the main window; %d %s, %lld %s\n", qPrintable(url.display()),
                        queues->rowCount(), queues->rowCount() == 1 ? "queue" : "queues", static_cast<long long>(messages),
                        messages == 1 ? "message" : "messages");
            std::fflush(stdout);
            QCoreApplication::exit(0);
        },
        Qt::QueuedConnection);
    QTimer::singleShot(kSelfTestTimeoutMs, &window, [url] {
        QCoreApplication::exit(selfTestFailed(QStringLiteral("store '%1' did not answer within %2 s; check that it is reachable and not locked")
                                                  .arg(url.display())
                                                  .arg(kSelfTestTimeoutMs / 1000)));
    });
    window.openStore(url, true);
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    // No organisation name: the default store is then ~/.local/share/herald/herald.db, shared with heraldctl.
    QApplication::setApplicationName(QStringLiteral("herald"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/herald.svg")));
    QApplication::setApplicationDisplayName(QStringLiteral("Herald"));
    QApplication::setApplicationVersion(QStringLiteral(HERALD_VERSION));
    // The desktop entry and AppStream id (packaging/): lets Wayland compositors match the window to its icon.
    QGuiApplication::setDesktopFileName(QStringLiteral("io.github.herald.Herald"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Herald: an operations console for scheduled message delivery."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption dbOption(QStringLiteral("db"),
                                      QStringLiteral("The store to open: a file path, sqlite:/path/file.db, postgres://… or "
                                                     "mysql://…. Default: $HERALD_DB, else %1.")
                                          .arg(herald::StoreUrl::defaultSqlitePath()),
                                      QStringLiteral("URL"));
    const QCommandLineOption demoOption(QStringLiteral("demo"),
                                        QStringLiteral("Open the demo store (%1), filled with sample queues and messages "
                                                       "the first time. Your own store is left alone.")
                                            .arg(herald::StoreUrl::demoSqlitePath()));
    const QCommandLineOption readOnlyOption(QStringLiteral("read-only"),
                                            QStringLiteral("Inspect the store without changing it. The store must exist."));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              QStringLiteral("Save a picture of the window to FILE (PNG) once the first "
                                                             "messages are shown, then quit."),
                                              QStringLiteral("FILE"));
    const QCommandLineOption screenshotViewOption(QStringLiteral("screenshot-view"),
                                                  QStringLiteral("With --screenshot: the section to picture, queues (the default), preview, upcoming "
                                                                 "or outbox (with its newest rendering selected)."),
                                                  QStringLiteral("VIEW"));
    const QCommandLineOption screenshotDelayOption(QStringLiteral("screenshot-delay"),
                                                   QStringLiteral("With --screenshot: how long to wait once the first messages are "
                                                                  "shown, e.g. 2s, so that deliveries are seen under way (default 0)."),
                                                   QStringLiteral("DURATION"));
    const QCommandLineOption screenshotSearchOption(QStringLiteral("screenshot-search"),
                                                    QStringLiteral("With --screenshot of the queues: type TEXT in the message search box first."),
                                                    QStringLiteral("TEXT"));
    const QCommandLineOption selfTestOption(QStringLiteral("self-test"),
                                            QStringLiteral("Check this installation on a store: open it read-only in the main window, "
                                                           "wait until its queues and first messages are shown, print what was found "
                                                           "and quit. Exit 0 when the console works on the store, 1 with the reason "
                                                           "when not. Changes nothing; runs headless with QT_QPA_PLATFORM=offscreen."));
    parser.addOptions({dbOption, demoOption, readOnlyOption, selfTestOption, screenshotOption, screenshotViewOption, screenshotDelayOption, screenshotSearchOption});
    parser.addPositionalArgument(QStringLiteral("store"), QStringLiteral("The store to open, as with --db."), QStringLiteral("[store]"));

    if (!parser.parse(QApplication::arguments()))
        return usageError(parser.errorText());
    if (parser.isSet(helpOption))
        parser.showHelp(0);
    if (parser.isSet(versionOption))
        parser.showVersion();

    const QStringList positional = parser.positionalArguments();
    if (positional.size() > 1)
        return usageError(QStringLiteral("one store at a time; got %1").arg(positional.join(QStringLiteral(", "))));
    if (!positional.isEmpty() && parser.isSet(dbOption))
        return usageError(QStringLiteral("the store is given twice, as --db and as '%1'; keep one").arg(positional.constFirst()));
    const bool demo = parser.isSet(demoOption);
    const bool readOnly = parser.isSet(readOnlyOption);
    if (demo && (parser.isSet(dbOption) || !positional.isEmpty()))
        return usageError(QStringLiteral("--demo opens the demo store; it cannot be combined with another store"));
    if (demo && readOnly)
        return usageError(QStringLiteral("--demo writes the demo data on first use, so it cannot be --read-only; "
                                         "to inspect the demo read-only, run herald --read-only %1")
                              .arg(herald::StoreUrl::demoSqlitePath()));

    const bool selfTest = parser.isSet(selfTestOption);
    if (selfTest && demo)
        return usageError(QStringLiteral("--self-test checks a store given with --db (or the default store), not --demo"));
    if (selfTest && parser.isSet(screenshotOption))
        return usageError(QStringLiteral("--self-test and --screenshot each quit when done; give one of them"));

    const QString screenshotFile = parser.value(screenshotOption);
    const QString screenshotView = parser.isSet(screenshotViewOption) ? parser.value(screenshotViewOption) : QStringLiteral("queues");
    qint64 screenshotDelayMs = 0;
    const QString screenshotSearch = parser.value(screenshotSearchOption);
    if ((parser.isSet(screenshotViewOption) || parser.isSet(screenshotDelayOption) || parser.isSet(screenshotSearchOption)) &&
        screenshotFile.isEmpty())
        return usageError(QStringLiteral("--screenshot-view and --screenshot-delay describe a --screenshot; give --screenshot FILE too"));
    if (screenshotView != QLatin1String("queues") && screenshotView != QLatin1String("outbox") && screenshotView != QLatin1String("preview") &&
        screenshotView != QLatin1String("upcoming"))
        return usageError(QStringLiteral("--screenshot-view is queues, outbox, preview or upcoming, not '%1'").arg(screenshotView));
    if (parser.isSet(screenshotDelayOption)) {
        const auto delay = herald::parseDuration(parser.value(screenshotDelayOption));
        if (!delay || *delay < 0)
            return usageError(delay ? QStringLiteral("--screenshot-delay must not be negative") : delay.errorString());
        screenshotDelayMs = *delay;
    }

    herald::StoreUrl url;
    if (!demo) {
        auto resolved = herald::StoreUrl::resolve(positional.isEmpty() ? parser.value(dbOption) : positional.constFirst());
        if (!resolved)
            return usageError(resolved.errorString());
        url = *resolved;
    }

    if (selfTest && url.kind() == herald::StoreUrl::Kind::Sqlite && !QFileInfo::exists(url.sqlitePath()))
        return selfTestFailed(QStringLiteral("store '%1' does not exist; create it with `heraldctl --db %1 init`, or give an existing "
                                             "store with --db")
                                  .arg(url.sqlitePath()));

    herald::MainWindow window;
    if (selfTest) {
        startSelfTest(window, url);
        window.show();
        return QApplication::exec();
    }
    if (!screenshotFile.isEmpty()) {
        const auto takeScreenshot = [&window, screenshotFile] {
            if (!window.grab().save(screenshotFile, "PNG")) {
                std::fprintf(stderr, "herald: cannot write the screenshot to %s\n", qPrintable(screenshotFile));
                QCoreApplication::exit(1);
                return;
            }
            QCoreApplication::quit();
        };
        // Queued, so that the views lay out what just arrived before the picture is taken.
        QObject::connect(
            &window, &herald::MainWindow::contentReady, &window,
            [&window, screenshotView, screenshotDelayMs, screenshotFile, screenshotSearch, takeScreenshot] {
                if (screenshotView == QLatin1String("outbox"))
                    window.showSection(window.feature<herald::OutboxFeature>());
                QTimer::singleShot(screenshotDelayMs, &window, [&window, screenshotView, screenshotFile, screenshotSearch, takeScreenshot] {
                    if (screenshotView == QLatin1String("upcoming")) {
                        QObject::connect(
                            window.feature<herald::UpcomingFeature>()->chart(), &herald::UpcomingChart::loaded, &window,
                            [&window, takeScreenshot] { QTimer::singleShot(0, &window, takeScreenshot); }, Qt::SingleShotConnection);
                        window.feature<herald::UpcomingFeature>()->dock()->raise();
                        return;
                    }
                    if (screenshotView == QLatin1String("preview")) {
                        // The preview of cancelling everything in the first queue: the dialog alone.
                        QObject::connect(
                            window.feature<herald::QueuesFeature>()->messageActions(), &herald::MessageActions::previewShown, &window,
                            [screenshotFile](herald::ActionPreviewDialog *dialog) {
                                QTimer::singleShot(0, dialog, [dialog, screenshotFile] {
                                    const bool saved = dialog->grab().save(screenshotFile, "PNG");
                                    if (!saved)
                                        std::fprintf(stderr, "herald: cannot write the screenshot to %s\n", qPrintable(screenshotFile));
                                    QCoreApplication::exit(saved ? 0 : 1);
                                });
                            },
                            Qt::SingleShotConnection);
                        window.feature<herald::QueuesFeature>()->messageActions()->action(herald::ActionKind::Cancel, herald::MessageActions::Scope::Matching)->trigger();
                        return;
                    }
                    if (screenshotView != QLatin1String("outbox")) {
                        // With the newest message in the details dock, as an operator sees it after a click.
                        const auto selectFirst = [&window, takeScreenshot] {
                            if (window.feature<herald::QueuesFeature>()->messageModel()->rowCount() == 0) {
                                takeScreenshot();
                                return;
                            }
                            QObject::connect(
                                window.feature<herald::DetailsFeature>()->view(), &herald::MessageDetailsView::loaded, &window,
                                [&window, takeScreenshot] { QTimer::singleShot(0, &window, takeScreenshot); }, Qt::SingleShotConnection);
                            window.feature<herald::QueuesFeature>()->messagesView()->tableView()->selectRow(0);
                        };
                        if (screenshotSearch.isEmpty()) {
                            selectFirst();
                            return;
                        }
                        // Once the filtered first page (and its count) is in.
                        QObject::connect(
                            window.feature<herald::QueuesFeature>()->messagesView()->filterBar(), &herald::MessageFilterBar::filterChanged, &window,
                            [&window, selectFirst] {
                                QObject::connect(window.feature<herald::QueuesFeature>()->messageModel(), &herald::MessageTableModel::pageLoaded, &window, selectFirst,
                                                 Qt::SingleShotConnection);
                            },
                            Qt::SingleShotConnection);
                        window.feature<herald::QueuesFeature>()->messagesView()->filterBar()->searchField()->setText(screenshotSearch);
                        return;
                    }
                    const auto selectNewest = [&window, takeScreenshot] {
                        if (window.feature<herald::OutboxFeature>()->model()->rowCount() > 0)
                            window.feature<herald::OutboxFeature>()->view()->selectRow(0);
                        // After the detail pane has laid out the rendering it now shows.
                        QTimer::singleShot(0, &window, takeScreenshot);
                    };
                    if (window.feature<herald::OutboxFeature>()->model()->isLoaded())
                        selectNewest();
                    else
                        QObject::connect(window.feature<herald::OutboxFeature>()->model(), &herald::OutboxModel::pageLoaded, &window, selectNewest,
                                         Qt::SingleShotConnection);
                });
            },
            Qt::QueuedConnection);
    }
    if (demo)
        window.openDemoStore();
    else
        window.openStore(url, readOnly);
    window.show();
    return QApplication::exec();
}
