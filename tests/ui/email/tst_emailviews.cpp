// The console's e-mail sections over a real store: the dashboard (series, rate bands, banner, export),
// the events (and the jump to a linked message), the suppression list (paged as it scrolls; add, refuse,
// remove, read-only).
#include "email/EmailDashboard.h"
#include "email/EmailEventsView.h"
#include "email/EmailEventsModel.h"
#include "email/EmailImportJob.h"
#include "details/MessageDetailsView.h"
#include "shell/Settings.h"
#include "email/SnsEndpointControl.h"
#include "SeededStore.h"
#include "suppressions/SuppressionsView.h"
#include "suppressions/SuppressionsModel.h"

#include "demo/EmailDemoData.h"
#include "model/TimeText.h"
#include "store/EmailStore.h"
#include "store/StoreThread.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QChart>
#include <QComboBox>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QWidget>
#include <QFile>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QScrollBar>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;

namespace {

EmailEventRecord makeEvent(const QString &type, const QString &recipient, qint64 at, int n)
{
    EmailEventRecord r;
    r.snsMessageId = QStringLiteral("test-%1-%2").arg(type).arg(n);
    r.eventType = type;
    r.recipient = recipient;
    r.occurredAt = at;
    r.mailMessageId = QStringLiteral("mail-%1").arg(n);
    r.source = QStringLiteral("file");
    r.raw = QByteArrayLiteral("{}");
    if (type == EmailEventType::Bounce) {
        r.subType = BounceClass::Hard;
        r.bounceType = QStringLiteral("Permanent");
        r.bounceSubType = QStringLiteral("General");
        r.diagnosticCode = QStringLiteral("smtp; 550 5.1.1 user unknown");
    }
    return r;
}

QStringList addressesOf(const QList<Suppression> &entries)
{
    QStringList out;
    for (const Suppression &s : entries)
        out << s.address;
    return out;
}

// Asks for page after page, as a view scrolled to the bottom would, until the model has read them all.
void readToTheEnd(PagedTableModel &model)
{
    while (!model.atEnd()) {
        QTRY_VERIFY(!model.isLoading());
        if (model.canFetchMore({}))
            model.fetchMore({});
    }
}

} // namespace

class TestEmailViews : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void shouldDrawNinetyDaysWithRateBandsAndExportThem()
    {
        SeededStore seeded;
        QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
        HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("event-messages")));
        const auto filled = fillEmailDemoData(seeded.store(), currentTimeMs());
        QVERIFY2(filled.ok(), qPrintable(filled.errorString()));
        StoreThread storeThread(seeded.url());
        EmailDashboard dashboard;
        dashboard.setStoreThread(&storeThread);
        QSignalSpy loaded(&dashboard, &EmailDashboard::loaded);
        dashboard.setRange(90, false);
        QVERIFY(loaded.wait());
        QCOMPARE(dashboard.buckets().size(), 90);
        QVERIFY(dashboard.totals().sends > 0);
        QVERIFY(dashboard.totals().hardBounces > 0);
        QCOMPARE(dashboard.volumeChart()->series().size(), 7);
        QCOMPARE(dashboard.bounceChart()->series().size(), 3); // review band, pause band, the rate
        QVERIFY(dashboard.reasonsTable()->rowCount() > 0);
        QVERIFY(dashboard.domainsTable()->rowCount() > 0);

        QTemporaryDir dir;
        const QString csv = dir.filePath(QStringLiteral("series.csv"));
        HERALD_VERIFY_OK(dashboard.exportCsv(csv));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QCOMPARE(lines.size(), 90 + 2); // header, 90 days, the empty end
        QVERIFY(lines.at(0).startsWith("start,sends,deliveries,hard_bounces"));
        dashboard.resize(1000, 700);
        HERALD_VERIFY_OK(dashboard.exportPng(dir.filePath(QStringLiteral("charts.png"))));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("charts.png"))));
        QVERIFY(!dashboard.exportCsv(dir.filePath(QStringLiteral("no-such-folder/x.csv"))).ok());

        // Per hour over a day: 24 or 25 buckets (the one under way included).
        dashboard.setRange(1, true);
        QVERIFY(loaded.wait());
        QVERIFY(dashboard.buckets().size() >= 24);
    }

    void shouldRaiseTheBannerPastAmazonsPauseLevel()
    {
        SeededStore seeded;
        QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
        const qint64 at = currentTimeMs() - 3'600'000;
        QList<EmailEventRecord> rows;
        for (int i = 0; i < 20; ++i)
            rows << makeEvent(EmailEventType::Send, QStringLiteral("r%1@example.com").arg(i), at, i);
        for (int i = 0; i < 3; ++i)
            rows << makeEvent(EmailEventType::Bounce, QStringLiteral("r%1@example.com").arg(i), at, i);
        HERALD_VERIFY_OK(EmailStore(seeded.store()).record(rows));

        StoreThread storeThread(seeded.url());
        EmailDashboard dashboard;
        dashboard.setStoreThread(&storeThread);
        QSignalSpy loaded(&dashboard, &EmailDashboard::loaded);
        dashboard.setRange(7, false);
        QVERIFY(loaded.wait());
        QCOMPARE(dashboard.totals().sends, 20);
        QCOMPARE(dashboard.rates().bounceLevel, RateLevel::Pause);
        QVERIFY2(dashboard.bannerText().contains(QStringLiteral("Sending at risk")), qPrintable(dashboard.bannerText()));
        QVERIFY2(dashboard.bannerText().contains(QStringLiteral("15")), qPrintable(dashboard.bannerText()));
    }

    void shouldListEventsAndAskForTheLinkedMessage()
    {
        SeededStore seeded;
        QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
        HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("event-messages")));
        HERALD_VERIFY_OK(fillEmailDemoData(seeded.store(), currentTimeMs()));
        StoreThread storeThread(seeded.url());
        EmailEventsView view;
        QSignalSpy loaded(&view, &EmailEventsView::loaded);
        view.setStoreThread(&storeThread);
        QVERIFY(loaded.wait());
        QCOMPARE(view.events().size(), EmailEventsView::kPageSize);
        const qint64 newest = view.events().constFirst().id;
        view.loadOlder();
        QVERIFY(loaded.wait());
        QCOMPARE(view.events().size(), 2 * EmailEventsView::kPageSize);
        QVERIFY(view.events().at(EmailEventsView::kPageSize).id < view.events().at(EmailEventsView::kPageSize - 1).id);
        QCOMPARE(view.events().constFirst().id, newest);

        int linked = -1;
        for (int row = 0; row < view.events().size() && linked < 0; ++row)
            if (view.events().at(row).messageId)
                linked = row;
        QVERIFY(linked >= 0);
        view.table()->selectRow(linked);
        QVERIFY(view.showMessageButton()->isEnabled());
        QVERIFY(view.detailsText().contains(QLatin1Char('{')));
        QSignalSpy requested(&view, &EmailEventsView::messageRequested);
        QTest::mouseClick(view.showMessageButton(), Qt::LeftButton);
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.constFirst().constFirst().toLongLong(), *view.events().at(linked).messageId);

        // The message's details list its e-mail events.
        MessageDetailsView details;
        details.setStoreThread(&storeThread);
        QSignalSpy detailsLoaded(&details, &MessageDetailsView::loaded);
        details.showMessage(*view.events().at(linked).messageId);
        QVERIFY(detailsLoaded.wait());
        QVERIFY(details.emailEventsTable()->rowCount() > 0);
        QVERIFY(!details.emailEventsTable()->isHidden());

        // Filtered by recipient: only theirs.
        const QString recipient = view.events().at(linked).recipient;
        view.recipientField()->setText(recipient);
        QVERIFY(loaded.wait());
        for (const EmailEvent &e : view.events())
            QCOMPARE(e.recipient, recipient);
    }

    void shouldFetchOlderEventsAsTheTableScrolls()
    {
        SeededStore seeded;
        QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
        HERALD_VERIFY_OK(seeded.addQueue(QStringLiteral("event-messages")));
        HERALD_VERIFY_OK(fillEmailDemoData(seeded.store(), currentTimeMs()));
        const qint64 stored = EmailStore(seeded.store()).countEvents().value();
        QVERIFY2(stored > 2 * EmailEventsModel::kPageSize, qPrintable(QString::number(stored)));
        StoreThread storeThread(seeded.url());
        {
            // The model alone, under Qt's model tester, read page after page to the end.
            EmailEventsModel model;
            QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
            model.setStoreThread(&storeThread);
            model.reload();
            readToTheEnd(model);
            QVERIFY(!QTest::currentTestFailed());
            QCOMPARE(model.rowCount(), int(stored));
            QSet<qint64> ids;
            for (const EmailEvent &e : model.events())
                ids.insert(e.id);
            QCOMPARE(ids.size(), model.rowCount()); // no page read twice
            QVERIFY(!model.canFetchMore({}));
        }
        EmailEventsView view;
        view.resize(900, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setStoreThread(&storeThread);
        QTRY_COMPARE(view.events().size(), qsizetype(EmailEventsModel::kPageSize));
        QVERIFY(!view.model()->atEnd());

        // Scrolling to the end asks for the next page, as Qt's views do of a model that can fetch more.
        view.table()->scrollToBottom();
        QTRY_COMPARE(view.events().size(), qsizetype(2 * EmailEventsModel::kPageSize));
        for (qsizetype i = 1; i < view.events().size(); ++i)
            QVERIFY(view.events().at(i).id < view.events().at(i - 1).id); // newest first, no repeats
        // To the end of the store, one page at a time; then nothing more is asked for.
        while (!view.model()->atEnd()) {
            const qsizetype before = view.events().size();
            view.table()->scrollToBottom();
            QTRY_VERIFY(view.events().size() > before || view.model()->atEnd());
        }
        QCOMPARE(view.events().size(), stored);
        QVERIFY(!view.model()->canFetchMore({}));

        // A new filter starts over, and answers to the old one never land in it.
        view.typeField()->setCurrentIndex(view.typeField()->findData(EmailEventType::Bounce));
        QTRY_VERIFY(!view.model()->isLoading() && !view.events().isEmpty());
        for (const EmailEvent &e : view.events())
            QCOMPARE(e.eventType, EmailEventType::Bounce);
        QCOMPARE(view.model()->data(view.model()->index(0, EmailEventsModel::Type)).toString(), EmailEventType::Bounce);
    }

    void shouldImportFilesOnItsOwnConnectionWithAReport()
    {
        SeededStore seeded;
        QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
        const QString fixtures = QStringLiteral(HERALD_SES_FIXTURES);
        const QStringList files{fixtures + QStringLiteral("/event_delivery.json"), fixtures + QStringLiteral("/event_bounce_permanent.json"),
                                fixtures + QStringLiteral("/notif_complaint_with_feedback.json")};
        EmailImportJob job(seeded.url(), files);
        QSignalSpy finished(&job, &EmailImportJob::finished);
        job.start();
        QVERIFY(finished.wait(30'000));
        QVERIFY2(job.result().ok(), qPrintable(job.result().errorString()));
        QCOMPARE(job.result()->imported, 3);
        QVERIFY(job.result()->events >= 3);
        QVERIFY(EmailImportJob::summary(*job.result()).startsWith(QStringLiteral("3 documents imported")));
        QCOMPARE(EmailStore(seeded.store()).events({}).value().size(), qsizetype(job.result()->events));

        // Again: nothing new. A missing file: refused before anything is stored.
        EmailImportJob again(seeded.url(), files);
        QSignalSpy againFinished(&again, &EmailImportJob::finished);
        again.start();
        QVERIFY(againFinished.wait(30'000));
        QCOMPARE(again.result()->duplicates, 3);
        QCOMPARE(again.result()->events, 0);
        EmailImportJob missing(seeded.url(), {fixtures + QStringLiteral("/event_send.json"), fixtures + QStringLiteral("/no-such.json")});
        QSignalSpy missingFinished(&missing, &EmailImportJob::finished);
        missing.start();
        QVERIFY(missingFinished.wait(30'000));
        QVERIFY(!missing.result().ok());
        QVERIFY2(missing.result().errorString().contains(QStringLiteral("no-such.json")), qPrintable(missing.result().errorString()));
        EmailStore::EventFilter sends;
        sends.type = EmailEventType::Send;
        QCOMPARE(EmailStore(seeded.store()).events(sends).value().size(), 0);
    }

    void shouldRunTheSnsEndpointFromTheConsoleOnAWritableStoreOnly()
    {
        SeededStore seeded;
        QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
        QTemporaryDir dir;
        Settings settings(dir.filePath(QStringLiteral("herald.conf")));
        QWidget window;
        SnsEndpointControl endpoint(&settings, &window);
        QVERIFY(!endpoint.action()->isEnabled()); // no store yet
        endpoint.setStore(seeded.url(), true);
        QVERIFY(!endpoint.action()->isEnabled());
        QVERIFY(!endpoint.start(0, {QStringLiteral("arn:aws:sns:eu-west-1:123456789012:ses-events")}, false).ok());

        endpoint.setStore(seeded.url(), false);
        QVERIFY(endpoint.action()->isEnabled());
        const Status badTopic = endpoint.start(0, {QStringLiteral("ses-events")}, false);
        QVERIFY2(badTopic.errorString().contains(QStringLiteral("not an SNS topic ARN")), qPrintable(badTopic.errorString()));
        QVERIFY(!endpoint.start(0, {}, false).ok());
        HERALD_VERIFY_OK(endpoint.start(0, {QStringLiteral("arn:aws:sns:eu-west-1:123456789012:ses-events")}, false));
        QVERIFY(endpoint.isListening());
        QVERIFY(endpoint.action()->isChecked());
        QVERIFY(endpoint.statusText().contains(QString::number(endpoint.port())));

        // It answers HTTP on loopback: a GET is not an SNS notification.
        QNetworkAccessManager network;
        QNetworkReply *reply = network.get(QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(endpoint.port()))));
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(done.wait());
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 405);
        reply->deleteLater();

        endpoint.setStore(seeded.url(), false); // another store: stopped
        QVERIFY(!endpoint.isListening());
        QVERIFY(!endpoint.action()->isChecked());
    }

    void shouldFetchMoreSuppressionsAsTheTableScrolls()
    {
        SeededStore seeded;
        QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
        // More than two pages; every tenth a complaint. Imported in reverse: the order is the store's.
        const int count = 2 * SuppressionsModel::kPageSize + 50;
        QStringList expected;
        QStringList complaints;
        QList<Suppression> entries;
        for (int i = 0; i < count; ++i) {
            const QString address = QStringLiteral("user%1@example.org").arg(i, 4, 10, QLatin1Char('0'));
            const QString reason = i % 10 ? SuppressionReason::Manual : SuppressionReason::Complaint;
            expected << address;
            if (reason == SuppressionReason::Complaint)
                complaints << address;
            entries.prepend(Suppression{address, reason, {}, {}, 0, std::nullopt});
        }
        HERALD_VERIFY_OK(EmailStore(seeded.store()).importSuppressions(entries));
        StoreThread storeThread(seeded.url());
        {
            // The model alone, under Qt's model tester, read page after page to the end.
            SuppressionsModel model;
            QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
            model.setStoreThread(&storeThread);
            model.reload();
            readToTheEnd(model);
            QVERIFY(!QTest::currentTestFailed());
            QCOMPARE(addressesOf(model.entries()), expected); // every address once, in order
            QVERIFY(!model.canFetchMore({}));
            QCOMPARE(model.data(model.index(0, SuppressionsModel::Reason)).toString(), SuppressionReason::Complaint);
            QCOMPARE(model.data(model.index(1, SuppressionsModel::Until)).toString(), QStringLiteral("for ever"));
            QCOMPARE(model.data(model.index(count - 1, SuppressionsModel::Address), Qt::UserRole).toString(), expected.constLast());
        }
        SuppressionsView view;
        view.resize(900, 600);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setStore(&storeThread, false);
        QTRY_COMPARE(view.entries().size(), qsizetype(SuppressionsModel::kPageSize));
        QVERIFY(!view.model()->atEnd());
        QVERIFY2(view.summaryText().contains(QStringLiteral("scroll for more")), qPrintable(view.summaryText()));

        // Scrolling to the end asks for the next page, as Qt's views do of a model that can fetch more.
        view.table()->scrollToBottom();
        QTRY_COMPARE(view.entries().size(), qsizetype(2 * SuppressionsModel::kPageSize));
        view.table()->scrollToBottom();
        QTRY_COMPARE(view.entries().size(), qsizetype(count));
        QVERIFY(view.model()->atEnd());
        QVERIFY(!view.model()->canFetchMore({}));
        QCOMPARE(addressesOf(view.entries()), expected);
        QCOMPARE(view.summaryText(), QStringLiteral("%1 addresses").arg(count));

        // A new filter starts over, and the answer to the one before it (asked for just now) never lands in it.
        view.reload();
        QVERIFY(view.model()->isLoading());
        view.reasonField()->setCurrentIndex(view.reasonField()->findData(SuppressionReason::Complaint));
        QVERIFY(view.entries().isEmpty());
        QTRY_VERIFY(!view.model()->isLoading() && view.model()->atEnd());
        QCOMPARE(addressesOf(view.entries()), complaints);
        // The address field too, exact and in any case.
        view.addressField()->setText(QStringLiteral("USER0010@example.org"));
        QTRY_COMPARE(addressesOf(view.entries()), QStringList{QStringLiteral("user0010@example.org")});
        QCOMPARE(view.summaryText(), QStringLiteral("1 address"));
    }

    void shouldAddAndRemoveSuppressionsAndRefuseBadInput()
    {
        SeededStore seeded;
        QVERIFY2(seeded.isOpen(), qPrintable(seeded.openError()));
        StoreThread storeThread(seeded.url());
        SuppressionsView view;
        QSignalSpy loaded(&view, &SuppressionsView::loaded);
        view.setStore(&storeThread, false);
        QVERIFY(loaded.wait());
        QCOMPARE(view.entries().size(), 0);

        const Status refused = view.add(QStringLiteral("not-an-address"), QStringLiteral("x"), 0);
        QVERIFY(!refused.ok());
        QVERIFY2(refused.errorString().contains(QStringLiteral("not an e-mail address")), qPrintable(refused.errorString()));
        QVERIFY(!view.add(QStringLiteral("ana@example.com"), {}, -1).ok());

        HERALD_VERIFY_OK(view.add(QStringLiteral("Ana <ANA@example.com>"), QStringLiteral("asked us to stop"), 30));
        QVERIFY(loaded.wait());
        QCOMPARE(view.entries().size(), 1);
        QCOMPARE(view.entries().constFirst().address, QStringLiteral("ana@example.com"));
        QCOMPARE(view.entries().constFirst().reason, SuppressionReason::Manual);
        QVERIFY(view.entries().constFirst().expiresAt.has_value());

        view.table()->selectRow(0);
        QVERIFY(view.removeButton()->isEnabled());
        view.removeSelected();
        QVERIFY(loaded.wait());
        QCOMPARE(view.entries().size(), 0);
        QVERIFY(EmailStore(seeded.store()).suppressions({}).value().isEmpty());

        view.setStore(&storeThread, true);
        QVERIFY(loaded.wait());
        QVERIFY(!view.addButton()->isEnabled());
        QVERIFY(view.addButton()->toolTip().contains(QStringLiteral("read-only")));
    }
};

QTEST_MAIN(TestEmailViews)
#include "tst_emailviews.moc"
