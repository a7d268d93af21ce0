// New message, edit payload and duplicate, driven through the window's actions and dialogs against a real
// store: what each dialog refuses (with the reason, and nothing written) and what it writes.
#include "messages/ActionPreviewDialog.h"
#include "shell/MainWindow.h"
#include "queues/QueuesFeature.h"
#include "messages/MessageActions.h"
#include "messages/MessageTableModel.h"
#include "messages/MessagesView.h"
#include "messages/NewMessageDialog.h"
#include "messages/PayloadDialog.h"
#include "SeededStore.h"

#include "model/TimeText.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QLineEdit>
#include <QMessageBox>
#include <QTemporaryDir>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTest>

using namespace herald;
using herald::test::SeededStore;

namespace {

constexpr qint64 kDayMs = 24 * 3'600'000;

void click(QAbstractButton *button)
{
    QTest::mouseClick(button, Qt::LeftButton);
}

QAbstractButton *okButton(QDialog *dialog)
{
    return dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
}

struct Fixture
{
    SeededStore seeded;
    QList<qint64> ids;
    std::unique_ptr<MainWindow> window;

    bool open()
    {
        if (!seeded.isOpen() || !seeded.addQueue(QStringLiteral("alpha")))
            return false;
        auto enqueued = seeded.enqueue(QStringLiteral("alpha"), 5, currentTimeMs() + kDayMs);
        if (!enqueued)
            return false;
        ids = *enqueued;
        window = std::make_unique<MainWindow>();
        window->show();
        window->showSection(window->feature<QueuesFeature>()); // the messages on screen, not the dashboard
        QSignalSpy ready(window.get(), &MainWindow::contentReady);
        window->openStore(seeded.url(), false);
        return ready.wait(10'000) && window->feature<QueuesFeature>()->messageModel()->rowCount() == 5;
    }
    QAction *action(ActionKind kind, MessageActions::Scope scope) { return window->feature<QueuesFeature>()->messageActions()->action(kind, scope); }
    void selectRows(int first, int last)
    {
        QTableView *table = window->feature<QueuesFeature>()->messagesView()->tableView();
        table->selectionModel()->select(QItemSelection(table->model()->index(first, 0), table->model()->index(last, 0)),
                                        QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    template<typename Dialog>
    Dialog *openDialog(QAction *trigger)
    {
        QSignalSpy shown(window->feature<QueuesFeature>()->messageActions(), &MessageActions::dialogShown);
        trigger->trigger();
        if (shown.isEmpty() && !shown.wait())
            return nullptr;
        return qobject_cast<Dialog *>(shown.constFirst().constFirst().value<QDialog *>());
    }
};

} // namespace

class TestMessageDialogs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void shouldEnqueueAMessageFromTheConsoleAfterRefusingBadFields()
    {
        Fixture f;
        QVERIFY(f.open());
        QAction *newMessage = f.window->feature<QueuesFeature>()->messageActions()->newMessageAction();
        QTRY_VERIFY2(newMessage->isEnabled(), qPrintable(newMessage->toolTip()));
        auto *dialog = f.openDialog<NewMessageDialog>(newMessage);
        QVERIFY(dialog);
        QCOMPARE(dialog->queueField()->currentText(), QStringLiteral("alpha"));

        // Each refusal names the field and its problem; nothing is written.
        const auto refused = [&](const QString &expected) {
            click(okButton(dialog));
            return dialog->isVisible() && dialog->errorText().contains(expected);
        };
        QVERIFY2(refused(QStringLiteral("Type is missing")), qPrintable(dialog->errorText()));
        QCOMPARE(dialog->focusWidget(), static_cast<QWidget *>(dialog->typeField()));
        dialog->typeField()->setText(QStringLiteral("speaker_alert"));
        dialog->payloadField()->setPlainText(QStringLiteral("{\"name\": \"Ana\",\n  \"session\": }"));
        QVERIFY2(refused(QStringLiteral("line 2, column")), qPrintable(dialog->errorText()));
        dialog->payloadField()->setPlainText(QStringLiteral("[1, 2]"));
        QVERIFY2(refused(QStringLiteral("must be a JSON object")), qPrintable(dialog->errorText()));
        dialog->payloadField()->setPlainText(QStringLiteral("{\"name\": \"Ana\"}"));
        dialog->inMode()->setChecked(true);
        dialog->inField()->setText(QStringLiteral("soon"));
        QVERIFY2(refused(QStringLiteral("In:")), qPrintable(dialog->errorText()));
        dialog->inField()->setText(QStringLiteral("15m"));
        dialog->labelsField()->setText(QStringLiteral("event=41 contractor"));
        QVERIFY2(refused(QStringLiteral("Labels:")), qPrintable(dialog->errorText()));
        dialog->labelsField()->setText(QStringLiteral("event=41, contractor=56"));
        QCOMPARE(f.seeded->countMessages(MessageSelection{}).value(), 5);

        dialog->channelField()->setCurrentIndex(0);
        dialog->recipientField()->setText(QStringLiteral("+15550100"));
        QSignalSpy created(f.window->feature<QueuesFeature>()->messageActions(), &MessageActions::messageCreated);
        const qint64 before = currentTimeMs();
        click(okButton(dialog));
        QVERIFY(created.wait());
        const qint64 id = created.constFirst().constFirst().toLongLong();
        const auto m = f.seeded->message(id);
        QVERIFY2(m.ok(), qPrintable(m.errorString()));
        QCOMPARE(m->type, QStringLiteral("speaker_alert"));
        QCOMPARE(m->recipient, QStringLiteral("+15550100"));
        QCOMPARE(m->state, MessageState::Scheduled);
        QVERIFY(m->runAt >= before + 15 * 60'000 && m->runAt <= currentTimeMs() + 15 * 60'000);
        QCOMPARE(QJsonDocument::fromJson(m->payload).object().value(QStringLiteral("name")).toString(), QStringLiteral("Ana"));
        QCOMPARE(m->labels.value(QStringLiteral("contractor")), QStringLiteral("56"));
    }

    void shouldEditOnePayloadWithAPreviewAndUndoIt()
    {
        Fixture f;
        QVERIFY(f.open());
        QAction *edit = f.action(ActionKind::EditPayload, MessageActions::Scope::Selected);
        f.selectRows(0, 1);
        QVERIFY(!edit->isEnabled());
        QVERIFY2(edit->toolTip().contains(QStringLiteral("one message at a time")), qPrintable(edit->toolTip()));
        QVERIFY(!f.action(ActionKind::EditPayload, MessageActions::Scope::Matching)->isEnabled());

        f.selectRows(0, 0);
        const Message before = f.window->feature<QueuesFeature>()->messageModel()->messageAt(0);
        QVERIFY2(edit->isEnabled(), qPrintable(edit->toolTip()));
        auto *dialog = f.openDialog<PayloadDialog>(edit);
        QVERIFY(dialog);
        QCOMPARE(QJsonDocument::fromJson(dialog->editor()->toPlainText().toUtf8()), QJsonDocument::fromJson(before.payload));
        dialog->editor()->setPlainText(QStringLiteral("{\"name\": "));
        click(okButton(dialog));
        QVERIFY(dialog->isVisible());
        QVERIFY2(dialog->errorText().contains(QStringLiteral("not valid JSON")), qPrintable(dialog->errorText()));

        dialog->editor()->setPlainText(QStringLiteral("{\"name\": \"Bea\"}"));
        QSignalSpy previewShown(f.window->feature<QueuesFeature>()->messageActions(), &MessageActions::previewShown);
        click(okButton(dialog));
        QVERIFY(previewShown.wait());
        auto *preview = previewShown.constFirst().constFirst().value<ActionPreviewDialog *>();
        QCOMPARE(preview->preview().applicable, 1);
        QCOMPARE(f.seeded->message(before.id)->payload, before.payload); // the preview wrote nothing
        QSignalSpy changed(f.window->feature<QueuesFeature>()->messageActions(), &MessageActions::messagesChanged);
        click(preview->runButton());
        QVERIFY(changed.wait());
        QCOMPARE(QJsonDocument::fromJson(f.seeded->message(before.id)->payload).object().value(QStringLiteral("name")).toString(),
                 QStringLiteral("Bea"));

        QVERIFY(f.window->feature<QueuesFeature>()->messageActions()->undoAction()->isEnabled());
        f.window->feature<QueuesFeature>()->messageActions()->undoAction()->trigger();
        QVERIFY(changed.wait());
        QCOMPARE(f.seeded->message(before.id)->payload, before.payload);
    }

    void shouldCopyTheSelectedRowsWithTheColumnNames()
    {
        Fixture f;
        QVERIFY(f.open());
        f.selectRows(0, 1);
        const QStringList lines = f.window->feature<QueuesFeature>()->messagesView()->selectedRowsText().split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QVERIFY2(lines[0].startsWith(QStringLiteral("ID\tType\tChannel\t")), qPrintable(lines[0]));
        QVERIFY(lines[1].startsWith(QString::number(f.window->feature<QueuesFeature>()->messageModel()->messageAt(0).id) + QLatin1Char('\t')));
        QCOMPARE(lines[1].count(QLatin1Char('\t')), MessageTableModel::ColumnCount - 1);
        QVERIFY(f.window->feature<QueuesFeature>()->messagesView()->copyAction()->shortcut() == QKeySequence(QKeySequence::Copy));
    }

    void shouldExportTheMatchingMessagesWithProgressAndNoHalfFile()
    {
        Fixture f;
        QVERIFY(f.open());
        QTemporaryDir dir;
        QTRY_VERIFY2(f.window->feature<QueuesFeature>()->messageActions()->exportAction()->isEnabled(), qPrintable(f.window->feature<QueuesFeature>()->messageActions()->exportAction()->toolTip()));
        QSignalSpy finished(f.window->feature<QueuesFeature>()->messageActions(), &MessageActions::exportFinished);
        const QString csv = dir.filePath(QStringLiteral("alpha.csv"));
        QVERIFY(f.window->feature<QueuesFeature>()->messageActions()->exportTo(csv));
        QVERIFY(finished.wait());
        QCOMPARE(finished.constFirst().at(1).toLongLong(), 5);
        QVERIFY2(finished.constFirst().at(2).toString().isEmpty(), qPrintable(finished.constFirst().at(2).toString()));
        QFile file(csv);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QCOMPARE(file.readAll().count('\n'), 6); // the header and five messages

        // A file that cannot be written: the reason, and no file.
        const QString bad = dir.filePath(QStringLiteral("missing-folder/alpha.jsonl"));
        QVERIFY(f.window->feature<QueuesFeature>()->messageActions()->exportTo(bad));
        QVERIFY(finished.wait());
        QVERIFY2(finished.constLast().at(2).toString().contains(QStringLiteral("cannot write")), qPrintable(finished.constLast().at(2).toString()));
        QVERIFY(!QFile::exists(bad));
        // The warning box the window shows for it.
        QTRY_VERIFY(f.window->findChild<QMessageBox *>() != nullptr);
    }

    void shouldDuplicateTheSelectionAfterAPreview()
    {
        Fixture f;
        QVERIFY(f.open());
        f.selectRows(0, 1);
        QAction *duplicate = f.action(ActionKind::Duplicate, MessageActions::Scope::Selected);
        QVERIFY2(duplicate->isEnabled(), qPrintable(duplicate->toolTip()));
        QSignalSpy previewShown(f.window->feature<QueuesFeature>()->messageActions(), &MessageActions::previewShown);
        duplicate->trigger();
        QVERIFY(previewShown.wait());
        auto *preview = previewShown.constFirst().constFirst().value<ActionPreviewDialog *>();
        QCOMPARE(preview->preview().applicable, 2);
        QSignalSpy changed(f.window->feature<QueuesFeature>()->messageActions(), &MessageActions::messagesChanged);
        click(preview->runButton());
        QVERIFY(changed.wait());
        QCOMPARE(f.seeded->countMessages(MessageSelection{}).value(), 7);
        // Copies are not undone (they are deleted once finished, like any message).
        QVERIFY(!f.window->feature<QueuesFeature>()->messageActions()->undoAction()->isEnabled());
    }
};

QTEST_MAIN(TestMessageDialogs)
#include "tst_messagedialogs.moc"
