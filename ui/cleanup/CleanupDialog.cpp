#include "CleanupDialog.h"

#include "CleanupJob.h"
#include "maintenance/CleanupSchedule.h"
#include "model/TimeText.h"
#include "store/StoreThread.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QTimeEdit>
#include <QVBoxLayout>

namespace herald {

namespace {

constexpr qint64 kDay = 86'400'000;

const char *const kStateLabels[] = {QT_TRANSLATE_NOOP("herald::CleanupDialog", "Completed older than"),
                                    QT_TRANSLATE_NOOP("herald::CleanupDialog", "Failed older than"),
                                    QT_TRANSLATE_NOOP("herald::CleanupDialog", "Cancelled older than")};
const char *const kExtraLabels[] = {QT_TRANSLATE_NOOP("herald::CleanupDialog", "Outbox renderings older than"),
                                    QT_TRANSLATE_NOOP("herald::CleanupDialog", "Audit entries older than"),
                                    QT_TRANSLATE_NOOP("herald::CleanupDialog", "E-mail events older than")};
const qint64 kExtraDefaults[] = {30 * kDay, 365 * kDay, 90 * kDay};

QLabel *errorLabel()
{
    auto *label = new QLabel;
    label->setStyleSheet(QStringLiteral("color: #b00020;"));
    label->setWordWrap(true);
    label->hide();
    return label;
}

void showError(QLabel *label, const QString &text)
{
    label->setText(text);
    label->setVisible(!text.isEmpty());
}

QString localTime(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

// An age field: empty is "none" (std::nullopt), anything else a positive duration.
Result<std::optional<qint64>> readAge(const QLineEdit *edit)
{
    const QString text = edit->text().trimmed();
    if (text.isEmpty())
        return std::optional<qint64>();
    auto d = parseDuration(text);
    if (!d)
        return Error::badInput(CleanupDialog::tr("'%1' is not a duration; write one such as 30d, 12h or 90m").arg(text));
    if (*d <= 0)
        return Error::badInput(CleanupDialog::tr("%1 would remove everything; give an age longer than zero, such as 7d").arg(text));
    return std::optional<qint64>(*d);
}

QString runText(const CleanupRun &r, qint64 now)
{
    QString text = CleanupDialog::tr("%1 (%2)").arg(describeLocalTime(r.startedAt, now), r.trigger);
    if (!r.finishedAt)
        return text + CleanupDialog::tr(", not finished");
    if (!r.error.isEmpty())
        return text + CleanupDialog::tr(", failed: %1").arg(r.error);
    return text + CleanupDialog::tr(", removed %1 messages").arg(QLocale().toString(r.messages)) +
           (r.cancelled ? CleanupDialog::tr(" (stopped)") : QString());
}

} // namespace

CleanupDialog::CleanupDialog(StoreThread *storeThread, bool readOnly, QWidget *parent)
    : QDialog(parent), m_storeThread(storeThread), m_readOnly(readOnly)
{
    setWindowTitle(tr("Cleanup"));
    buildUi();
    loadQueues();
    readStatus();
    updateButtons();
}

CleanupDialog::~CleanupDialog() = default; // m_job, a child, stops after its chunk

void CleanupDialog::buildUi()
{
    auto *layout = new QVBoxLayout(this);

    auto *policies = new QGroupBox(tr("What to remove"));
    auto *grid = new QGridLayout(policies);
    grid->setColumnStretch(2, 1);
    int row = 0;
    grid->addWidget(new QLabel(tr("Queue")), row, 0);
    m_queue = new QComboBox;
    m_queue->addItem(tr("All queues"), QString());
    grid->addWidget(m_queue, row++, 1);
    const QueueConfig defaults;
    const std::optional<qint64> stateDefaults[] = {defaults.retainCompletedMs, defaults.retainFailedMs, defaults.retainCancelledMs};
    for (int i = 0; i < 3; ++i) {
        grid->addWidget(new QLabel(tr(kStateLabels[i])), row, 0);
        m_stateAge[size_t(i)] = new QLineEdit(stateDefaults[i] ? formatDuration(*stateDefaults[i]) : QString());
        m_stateAge[size_t(i)]->setPlaceholderText(tr("each queue's retention"));
        m_stateAge[size_t(i)]->setMaximumWidth(140);
        grid->addWidget(m_stateAge[size_t(i)], row, 1);
        m_stateError[size_t(i)] = errorLabel();
        grid->addWidget(m_stateError[size_t(i)], row++, 2);
        const QString name = QStringList{QStringLiteral("completed"), QStringLiteral("failed"), QStringLiteral("cancelled")}[i];
        m_stateAge[size_t(i)]->setObjectName(name + QStringLiteral("Age"));
        m_stateError[size_t(i)]->setObjectName(name + QStringLiteral("AgeError"));
    }
    auto *hint = new QLabel(tr("Only completed, failed and cancelled messages go, by the time they finished. "
                               "Leave an age empty to use each queue's own retention (Queue ▸ Settings)."));
    hint->setWordWrap(true);
    hint->setEnabled(false);
    grid->addWidget(hint, row++, 0, 1, 3);
    for (int i = 0; i < 3; ++i) {
        m_extraOn[size_t(i)] = new QCheckBox(tr(kExtraLabels[i]));
        grid->addWidget(m_extraOn[size_t(i)], row, 0);
        m_extraAge[size_t(i)] = new QLineEdit(formatDuration(kExtraDefaults[i]));
        m_extraAge[size_t(i)]->setMaximumWidth(140);
        m_extraAge[size_t(i)]->setEnabled(false);
        grid->addWidget(m_extraAge[size_t(i)], row, 1);
        m_extraError[size_t(i)] = errorLabel();
        grid->addWidget(m_extraError[size_t(i)], row++, 2);
        QLineEdit *age = m_extraAge[size_t(i)];
        connect(m_extraOn[size_t(i)], &QCheckBox::toggled, age, &QWidget::setEnabled);
    }
    m_extraOn[EmailEvents]->setToolTip(tr("Raw SES events only: the charts and rates read daily rollups, which stay."));
    layout->addWidget(policies);

    auto *runOptions = new QGroupBox(tr("Run"));
    auto *runGrid = new QGridLayout(runOptions);
    runGrid->setColumnStretch(1, 1);
    runGrid->addWidget(new QLabel(tr("Archive to")), 0, 0);
    m_archive = new QLineEdit;
    m_archive->setPlaceholderText(tr("optional: a .db file (opens with herald --read-only) or a .jsonl file"));
    runGrid->addWidget(m_archive, 0, 1);
    m_browse = new QPushButton(tr("Choose…"));
    runGrid->addWidget(m_browse, 0, 2);
    m_archive->setObjectName(QStringLiteral("archivePath"));
    m_archiveError = errorLabel();
    m_archiveError->setObjectName(QStringLiteral("archivePathError"));
    runGrid->addWidget(m_archiveError, 1, 1, 1, 2);
    m_vacuum = new QCheckBox(tr("Give the space back to the file system afterwards (VACUUM; delivery waits while it runs)"));
    runGrid->addWidget(m_vacuum, 2, 0, 1, 3);
    layout->addWidget(runOptions);

    auto *schedule = new QGroupBox(tr("Daily schedule"));
    auto *scheduleGrid = new QGridLayout(schedule);
    scheduleGrid->setColumnStretch(3, 1);
    m_scheduleOn = new QCheckBox(tr("Run every day at"));
    scheduleGrid->addWidget(m_scheduleOn, 0, 0);
    m_scheduleTime = new QTimeEdit(CleanupSchedule::defaultTime());
    m_scheduleTime->setDisplayFormat(QStringLiteral("HH:mm"));
    scheduleGrid->addWidget(m_scheduleTime, 0, 1);
    m_saveSchedule = new QPushButton(tr("Save schedule"));
    scheduleGrid->addWidget(m_saveSchedule, 0, 2);
    m_scheduleStatus = new QLabel(tr("Reading the schedule…"));
    m_scheduleStatus->setWordWrap(true);
    m_scheduleStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    scheduleGrid->addWidget(m_scheduleStatus, 1, 0, 1, 4);
    auto *scheduleHint = new QLabel(tr("The engine that delivers from this store runs it, in local time, with each queue's retention and "
                                       "the outbox, audit and e-mail event ages ticked above; it never archives or VACUUMs."));
    scheduleHint->setWordWrap(true);
    scheduleHint->setEnabled(false);
    scheduleGrid->addWidget(scheduleHint, 2, 0, 1, 4);
    layout->addWidget(schedule);

    m_tableTitle = new QLabel(tr("Preview to see what a run would remove."));
    layout->addWidget(m_tableTitle);
    m_table = new QTableWidget(0, 3);
    m_table->setHorizontalHeaderLabels({tr("Queue"), tr("State"), tr("Rows")});
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setMinimumHeight(110);
    layout->addWidget(m_table, 1);
    m_summary = new QLabel;
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_summary);
    m_progress = new QProgressBar;
    m_progress->setTextVisible(true);
    m_progress->hide();
    layout->addWidget(m_progress);
    m_progressText = new QLabel;
    m_progressText->hide();
    layout->addWidget(m_progressText);

    auto *buttons = new QHBoxLayout;
    m_previewButton = new QPushButton(tr("Preview"));
    m_previewButton->setDefault(true);
    m_runButton = new QPushButton(tr("Run cleanup"));
    m_stopButton = new QPushButton(tr("Stop"));
    m_stopButton->setToolTip(tr("Stops after the chunk of 1,000 rows under way; what was removed stays removed"));
    m_closeButton = new QPushButton(tr("Close"));
    m_previewButton->setObjectName(QStringLiteral("previewButton"));
    m_runButton->setObjectName(QStringLiteral("runButton"));
    m_stopButton->setObjectName(QStringLiteral("stopButton"));
    buttons->addWidget(m_previewButton);
    buttons->addWidget(m_runButton);
    buttons->addWidget(m_stopButton);
    buttons->addStretch(1);
    buttons->addWidget(m_closeButton);
    layout->addLayout(buttons);

    connect(m_previewButton, &QPushButton::clicked, this, &CleanupDialog::preview);
    connect(m_runButton, &QPushButton::clicked, this, &CleanupDialog::run);
    connect(m_stopButton, &QPushButton::clicked, this, &CleanupDialog::stop);
    connect(m_closeButton, &QPushButton::clicked, this, &CleanupDialog::reject);
    connect(m_saveSchedule, &QPushButton::clicked, this, &CleanupDialog::saveSchedule);
    connect(m_browse, &QPushButton::clicked, this, &CleanupDialog::chooseArchive);
    connect(m_queue, &QComboBox::currentIndexChanged, this, &CleanupDialog::formChanged);
    for (QLineEdit *edit : {m_stateAge[0], m_stateAge[1], m_stateAge[2], m_extraAge[0], m_extraAge[1], m_extraAge[2], m_archive})
        connect(edit, &QLineEdit::textChanged, this, &CleanupDialog::formChanged);
    for (QCheckBox *box : {m_extraOn[0], m_extraOn[1], m_extraOn[2]})
        connect(box, &QCheckBox::toggled, this, &CleanupDialog::formChanged);
    connect(m_scheduleOn, &QCheckBox::toggled, m_scheduleTime, &QWidget::setEnabled);
    resize(760, 720);
}

void CleanupDialog::loadQueues()
{
    if (!m_storeThread)
        return;
    m_storeThread->post(
        this, [](Store &store) { return store.queues(); },
        [this](Result<QList<QueueConfig>> queues) {
            if (!queues)
                return;
            for (const QueueConfig &q : *queues) {
                // A queue's own retention, to prefill the ages when the operator picks it.
                const QStringList ages{q.retainCompletedMs ? formatDuration(*q.retainCompletedMs) : QString(),
                                       q.retainFailedMs ? formatDuration(*q.retainFailedMs) : QString(),
                                       q.retainCancelledMs ? formatDuration(*q.retainCancelledMs) : QString()};
                m_queue->addItem(q.name, q.name);
                m_queue->setItemData(m_queue->count() - 1, ages, Qt::UserRole + 1);
            }
        });
    connect(m_queue, &QComboBox::activated, this, [this](int index) {
        const QStringList ages = m_queue->itemData(index, Qt::UserRole + 1).toStringList();
        if (ages.size() == 3)
            for (int i = 0; i < 3; ++i)
                m_stateAge[size_t(i)]->setText(ages[i]);
    });
}

void CleanupDialog::readStatus()
{
    if (!m_storeThread)
        return;
    m_storeThread->post(
        this, [](Store &store) { return readCleanupStatus(store, store.now()); },
        [this, first = m_scheduleStatus->text() == tr("Reading the schedule…")](Result<CleanupStatus> status) {
            if (!status) {
                m_scheduleStatus->setText(tr("The schedule could not be read: %1").arg(status.errorString()));
                Q_EMIT statusRead();
                return;
            }
            const qint64 now = QDateTime::currentMSecsSinceEpoch();
            if (first) {
                const QSignalBlocker block(m_scheduleOn);
                m_scheduleOn->setChecked(status->settings.dailyAt.has_value());
                m_scheduleTime->setEnabled(status->settings.dailyAt.has_value());
                if (status->settings.dailyAt)
                    m_scheduleTime->setTime(*status->settings.dailyAt);
                const std::optional<qint64> ages[] = {status->settings.outboxOlderThanMs, status->settings.auditOlderThanMs,
                                                      status->settings.emailEventsOlderThanMs};
                for (int i = 0; i < 3; ++i)
                    if (ages[i]) {
                        m_extraOn[size_t(i)]->setChecked(true);
                        m_extraAge[size_t(i)]->setText(formatDuration(*ages[i]));
                    }
            }
            QString text = tr("Last run: %1.").arg(status->lastRun ? runText(*status->lastRun, now) : tr("never"));
            if (!status->nextRun)
                text += tr(" Next run: none, the schedule is off.");
            else if (status->due)
                text += tr(" Next run: due since %1; it runs when an engine delivers from this store.").arg(describeLocalTime(*status->nextRun, now));
            else
                text += tr(" Next run: %1.").arg(describeLocalTime(*status->nextRun, now));
            m_scheduleStatus->setText(text);
            Q_EMIT statusRead();
        });
}

void CleanupDialog::formChanged()
{
    ++m_generation;
    if (m_previewCurrent) {
        m_previewCurrent = false;
        m_tableTitle->setText(tr("The form changed: preview again before running."));
    }
    updateButtons();
}

void CleanupDialog::updateButtons()
{
    const bool running = isRunning();
    m_previewButton->setEnabled(!running && m_storeThread);
    m_stopButton->setEnabled(running);
    m_runButton->setEnabled(!running && !m_readOnly && m_previewCurrent && m_storeThread);
    m_runButton->setToolTip(m_readOnly          ? tr("The store is open read-only: a cleanup cannot run. Reopen it without --read-only to clean up.")
                            : !m_previewCurrent ? tr("Preview first: Run removes exactly what the preview shows for this form")
                                                : tr("Remove what the preview shows, 1,000 rows per transaction, while delivery goes on"));
    m_saveSchedule->setEnabled(!running && !m_readOnly && m_storeThread);
    m_saveSchedule->setToolTip(m_readOnly ? tr("The store is open read-only: the schedule cannot be changed") : QString());
    for (QWidget *w : std::initializer_list<QWidget *>{m_queue, m_stateAge[0], m_stateAge[1], m_stateAge[2], m_extraOn[0], m_extraOn[1],
                                                       m_extraOn[2], m_archive, m_browse, m_vacuum, m_scheduleOn})
        w->setEnabled(!running);
    for (int i = 0; i < 3; ++i)
        m_extraAge[size_t(i)]->setEnabled(!running && m_extraOn[size_t(i)]->isChecked());
    m_scheduleTime->setEnabled(!running && m_scheduleOn->isChecked());
    m_archive->setEnabled(!running && !m_readOnly);
    m_browse->setEnabled(!running && !m_readOnly);
    m_vacuum->setEnabled(!running && !m_readOnly);
}

std::optional<CleanupDialog::Request> CleanupDialog::validate(bool forRun)
{
    Request r;
    bool ok = true;
    r.policy.queue = m_queue->currentData().toString();
    std::optional<qint64> *states[] = {&r.policy.completedOlderThanMs, &r.policy.failedOlderThanMs, &r.policy.cancelledOlderThanMs};
    for (int i = 0; i < 3; ++i) {
        auto age = readAge(m_stateAge[size_t(i)]);
        showError(m_stateError[size_t(i)], age ? QString() : age.errorString());
        if (age)
            *states[i] = *age;
        ok = ok && age.ok();
    }
    std::optional<qint64> *extras[] = {&r.policy.outboxOlderThanMs, &r.policy.auditOlderThanMs, &r.policy.emailEventsOlderThanMs};
    for (int i = 0; i < 3; ++i) {
        if (!m_extraOn[size_t(i)]->isChecked()) {
            showError(m_extraError[size_t(i)], {});
            continue;
        }
        auto age = readAge(m_extraAge[size_t(i)]);
        QString error = age ? QString() : age.errorString();
        if (age && !age->has_value())
            error = tr("give an age such as %1, or untick the box").arg(formatDuration(kExtraDefaults[i]));
        showError(m_extraError[size_t(i)], error);
        if (error.isEmpty())
            *extras[i] = *age;
        ok = ok && error.isEmpty();
    }

    QString archiveError;
    const QString path = m_archive->text().trimmed();
    if (forRun && !path.isEmpty()) {
        const QFileInfo file(path);
        const QString suffix = file.suffix().toLower();
        const QFileInfo folder(file.absolutePath());
        const bool jsonLines = suffix == QLatin1String("jsonl") || suffix == QLatin1String("json") || suffix == QLatin1String("ndjson");
        const bool sqlite = suffix == QLatin1String("db") || suffix == QLatin1String("sqlite") || suffix == QLatin1String("sqlite3");
        if (file.isRelative())
            archiveError = tr("give the archive's full path, e.g. %1").arg(QDir::home().filePath(QStringLiteral("herald-archive.db")));
        else if (!jsonLines && !sqlite)
            archiveError = tr("name the archive .db (a SQLite archive that herald --read-only opens) or .jsonl (JSON Lines)");
        else if (!folder.isDir())
            archiveError = tr("the folder %1 does not exist; create it or choose another").arg(QDir::toNativeSeparators(folder.filePath()));
        else if (!folder.isWritable())
            archiveError = tr("the folder %1 cannot be written; choose another").arg(QDir::toNativeSeparators(folder.filePath()));
        else if (file.exists() && (file.isDir() || !file.isWritable()))
            archiveError = tr("%1 exists and cannot be written; choose another file").arg(QDir::toNativeSeparators(path));
        else if (m_storeThread && m_storeThread->url().kind() == StoreUrl::Kind::Sqlite &&
                 file.absoluteFilePath() == QFileInfo(m_storeThread->url().sqlitePath()).absoluteFilePath())
            archiveError = tr("the archive cannot be the store itself; choose another file");
        r.options.archivePath = file.absoluteFilePath();
        r.options.archiveAsJsonLines = jsonLines;
    }
    showError(m_archiveError, archiveError);
    ok = ok && archiveError.isEmpty();
    r.options.vacuum = forRun && m_vacuum->isChecked();
    if (!ok)
        return std::nullopt;
    return r;
}

void CleanupDialog::preview()
{
    if (!m_storeThread || isRunning())
        return;
    const auto request = validate(false);
    if (!request) {
        m_previewCurrent = false;
        m_tableTitle->setText(tr("Correct the fields marked in red, then preview."));
        updateButtons();
        return;
    }
    const quint64 generation = m_generation;
    m_tableTitle->setText(tr("Counting…"));
    m_storeThread->post(
        this, [policy = request->policy](Store &store) { return store.previewCleanup(policy); },
        [this, generation](Result<CleanupCounts> counts) {
            if (generation != m_generation)
                return; // the form changed meanwhile
            if (!counts) {
                m_previewCurrent = false;
                m_tableTitle->setText(tr("The preview failed: %1").arg(counts.errorString()));
            } else {
                showCounts(*counts, false);
                m_previewCurrent = true;
            }
            updateButtons();
            Q_EMIT previewed();
        });
}

void CleanupDialog::showCounts(const CleanupCounts &counts, bool removed)
{
    m_shownCounts = counts;
    m_table->setRowCount(0);
    const auto addRow = [this](const QString &queue, const QString &state, qint64 n) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        m_table->setItem(row, 0, new QTableWidgetItem(queue));
        m_table->setItem(row, 1, new QTableWidgetItem(state));
        auto *count = new QTableWidgetItem(QLocale().toString(n));
        count->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, 2, count);
    };
    for (auto it = counts.messages.cbegin(); it != counts.messages.cend(); ++it)
        for (auto st = it->cbegin(); st != it->cend(); ++st)
            addRow(it.key(), stateName(st.key()), st.value());
    if (counts.outbox)
        addRow(tr("Outbox renderings"), QString(), counts.outbox);
    if (counts.audit)
        addRow(tr("Audit entries"), QString(), counts.audit);
    if (counts.emailEvents)
        addRow(tr("E-mail events"), QString(), counts.emailEvents);
    const qint64 total = counts.messageTotal() + counts.outbox + counts.audit + counts.emailEvents;
    if (!removed) {
        m_tableTitle->setText(total ? tr("A run would remove %1 rows:").arg(QLocale().toString(total))
                                    : tr("Nothing is old enough to remove with these ages."));
        QString summary;
        if (counts.oldest)
            summary = tr("Messages finished between %1 and %2. ").arg(localTime(*counts.oldest), localTime(*counts.newest));
        if (total)
            summary += tr("About %1 of data.").arg(QLocale().formattedDataSize(counts.approxBytes));
        m_summary->setText(summary);
        m_summary->setStyleSheet({});
    } else {
        m_tableTitle->setText(tr("Removed %1 rows:").arg(QLocale().toString(total)));
    }
}

void CleanupDialog::run()
{
    if (!m_storeThread || m_readOnly || !m_previewCurrent || isRunning())
        return;
    const auto request = validate(true);
    if (!request) {
        m_tableTitle->setText(tr("Correct the fields marked in red; nothing was removed."));
        return;
    }
    m_running = *request;
    m_job = new CleanupJob(m_storeThread->url(), Store::OpenOptions{}, request->policy, request->options, this);
    connect(m_job, &CleanupJob::progressed, this, &CleanupDialog::jobProgressed);
    connect(m_job, &CleanupJob::finished, this, &CleanupDialog::jobFinished);
    m_progress->setRange(0, 0); // until the first count
    m_progress->show();
    m_progressText->setText(tr("Starting…"));
    m_progressText->show();
    m_summary->clear();
    m_job->start();
    updateButtons();
}

void CleanupDialog::stop()
{
    if (m_job)
        m_job->cancel();
    m_progressText->setText(tr("Stopping after the chunk under way…"));
}

bool CleanupDialog::isRunning() const
{
    return m_job && m_job->isRunning();
}

void CleanupDialog::jobProgressed(qint64 done, qint64 total)
{
    if (total <= 0)
        return;
    // QProgressBar counts in int: scale rows to per mille.
    m_progress->setRange(0, 1000);
    m_progress->setValue(int(std::min<qint64>(1000, done * 1000 / total)));
    const qint64 eta = m_job->etaMs();
    m_progressText->setText(tr("%1 of %2 rows · %3 rows/s · %4")
                                .arg(QLocale().toString(done), QLocale().toString(total), QLocale().toString(qint64(m_job->rate())),
                                     eta < 0 ? tr("time left not known yet") : tr("about %1 left").arg(formatDuration(std::max<qint64>(1000, eta / 1000 * 1000)))));
}

void CleanupDialog::jobFinished()
{
    CleanupJob *job = std::exchange(m_job, nullptr);
    job->deleteLater();
    m_progress->hide();
    m_progressText->hide();
    m_previewCurrent = false; // what is left is not what was previewed
    const Result<CleanupResult> &result = job->result();
    if (!result) {
        m_tableTitle->setText(tr("The cleanup stopped with an error."));
        m_summary->setText(tr("%1. Rows removed before the error stay removed; with an archive, nothing was removed that was not archived.")
                               .arg(result.errorString()));
        m_summary->setStyleSheet(QStringLiteral("color: #b00020;"));
    } else {
        showCounts(result->removed, true);
        QStringList parts;
        parts << tr("Removed %1 messages, %2 outbox renderings, %3 audit entries and %4 e-mail events.")
                     .arg(QLocale().toString(result->removed.messageTotal()), QLocale().toString(result->removed.outbox),
                          QLocale().toString(result->removed.audit), QLocale().toString(result->removed.emailEvents));
        if (!m_running.options.archivePath.isEmpty())
            parts << tr("Archived %1 messages to %2.").arg(QLocale().toString(result->archived), QDir::toNativeSeparators(m_running.options.archivePath));
        if (m_running.options.vacuum && !result->cancelled)
            parts << tr("VACUUM gave back %1.").arg(QLocale().formattedDataSize(result->bytesReclaimed));
        if (result->cancelled)
            parts << tr("Stopped before the end: what was removed stays removed, the rest is kept.");
        m_summary->setText(parts.join(QLatin1Char(' ')));
        m_summary->setStyleSheet({});
    }
    readStatus();
    updateButtons();
    Q_EMIT runFinished();
}

void CleanupDialog::saveSchedule()
{
    if (!m_storeThread || m_readOnly)
        return;
    const auto request = validate(false);
    if (!request)
        return;
    CleanupScheduleSettings settings;
    if (m_scheduleOn->isChecked())
        settings.dailyAt = QTime(m_scheduleTime->time().hour(), m_scheduleTime->time().minute());
    settings.outboxOlderThanMs = request->policy.outboxOlderThanMs;
    settings.auditOlderThanMs = request->policy.auditOlderThanMs;
    settings.emailEventsOlderThanMs = request->policy.emailEventsOlderThanMs;
    m_scheduleStatus->setText(tr("Saving…"));
    m_storeThread->post(
        this, [settings](Store &store) -> Result<bool> {
            if (auto s = store.setCleanupSchedule(settings); !s)
                return s.error();
            return true;
        },
        [this](Result<bool> saved) {
            if (!saved) {
                m_scheduleStatus->setText(tr("The schedule was not saved: %1").arg(saved.errorString()));
                return;
            }
            readStatus();
        });
}

void CleanupDialog::chooseArchive()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Archive removed messages to"),
                                                      QDir::home().filePath(QStringLiteral("herald-archive-%1.db")
                                                                                .arg(QDate::currentDate().toString(Qt::ISODate))),
                                                      tr("Herald archive (*.db);;JSON Lines (*.jsonl)"));
    if (!path.isEmpty())
        m_archive->setText(path);
}

void CleanupDialog::reject()
{
    // Closing stops a run after its chunk; the rows removed so far stay removed and the run is recorded.
    if (m_job)
        m_job->cancel();
    QDialog::reject();
}

} // namespace herald
