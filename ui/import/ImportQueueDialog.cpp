#include "ImportQueueDialog.h"

#include "import/EventMessagesSource.h"
#include "import/SendEventSource.h"
#include "store/LegacyTable.h"
#include "store/StoreThread.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>

#include <limits>

namespace herald {

namespace {

// What the form asks for, copied to the job thread, where the source is made and read.
struct SourceForm
{
    QString kind; // "send-event", "event-messages"
    QString file;
    QString from;
    QString table;
    QString zone;
    ImportSource::Target target;
};

// The form's source, or what is wrong with the form: checked before anything is read.
Result<std::unique_ptr<ImportSource>> openSource(const SourceForm &form)
{
    if (form.kind == QLatin1String("send-event")) {
        QFile file(form.file);
        if (!file.open(QIODevice::ReadOnly))
            return Error::badInput(QObject::tr("%1 cannot be read: %2; pick the mongoexport of send_event").arg(QDir::toNativeSeparators(form.file), file.errorString()));
        const QByteArray content = file.readAll();
        if (content.trimmed().isEmpty())
            return Error::badInput(QObject::tr("%1 is empty; export the collection with `mongoexport --collection send_event --out FILE`")
                                       .arg(QDir::toNativeSeparators(form.file)));
        return std::unique_ptr<ImportSource>(std::make_unique<SendEventSource>(content, QFileInfo(form.file).fileName(), form.target));
    }
    auto url = StoreUrl::parse(form.from);
    if (!url || url->kind() != StoreUrl::Kind::Postgres)
        return Error::badInput(QObject::tr("the source is not a PostgreSQL URL; write postgres://user@host:5432/database"));
    auto table = LegacyTable::open(*url, form.table.isEmpty() ? QStringLiteral("event_messages") : form.table);
    if (!table)
        return table.error();
    return std::unique_ptr<ImportSource>(std::make_unique<EventMessagesSource>(std::move(table).value(), QTimeZone(form.zone.toUtf8()), form.target));
}

QString problemsText(const QString &title, const QList<ImportProblem> &problems)
{
    if (problems.isEmpty())
        return {};
    QString text = title.arg(problems.size()) + QLatin1Char('\n');
    for (const ImportProblem &p : problems)
        text += QStringLiteral("  %1: %2\n").arg(p.sourceId, p.reason);
    return text;
}

} // namespace

ImportQueueDialog::ImportQueueDialog(StoreThread *storeThread, QWidget *parent)
    : QDialog(parent),
      m_jobThread(storeThread ? std::make_unique<StoreThread>(storeThread->url(), storeThread->options()) : nullptr),
      m_kind(new QComboBox(this)),
      m_sourcePages(new QStackedWidget(this)),
      m_file(new QLineEdit(this)),
      m_from(new QLineEdit(this)),
      m_table(new QLineEdit(this)),
      m_zone(new QComboBox(this)),
      m_queue(new QComboBox(this)),
      m_channel(new QLineEdit(this)),
      m_skipInvalid(new QCheckBox(tr("Import the readable rows even when others cannot be read"), this)),
      m_summary(new QLabel(this)),
      m_mapping(new QTableWidget(0, 3, this)),
      m_details(new QPlainTextEdit(this)),
      m_progress(new QProgressBar(this)),
      m_previewButton(new QPushButton(tr("&Preview"), this)),
      m_importButton(new QPushButton(tr("&Import"), this)),
      m_stopButton(new QPushButton(tr("&Stop"), this)),
      m_buttons(new QDialogButtonBox(QDialogButtonBox::Close, this))
{
    setWindowTitle(tr("Import queue"));
    m_kind->addItem(tr("send_event — a mongoexport file (JSON Lines or a JSON array)"), QStringLiteral("send-event"));
    m_kind->addItem(tr("event_messages — a PostgreSQL table"), QStringLiteral("event-messages"));

    auto *filePage = new QWidget(this);
    auto *fileLayout = new QHBoxLayout(filePage);
    fileLayout->setContentsMargins(0, 0, 0, 0);
    m_file->setPlaceholderText(tr("send_event.jsonl"));
    auto *browse = new QPushButton(tr("Browse…"), filePage);
    fileLayout->addWidget(m_file, 1);
    fileLayout->addWidget(browse);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("The send_event export"), m_file->text(),
                                                          tr("mongoexport files (*.json *.jsonl *.ndjson);;All files (*)"));
        if (!path.isEmpty())
            m_file->setText(path);
    });
    auto *tablePage = new QWidget(this);
    auto *tableForm = new QFormLayout(tablePage);
    tableForm->setContentsMargins(0, 0, 0, 0);
    m_from->setPlaceholderText(tr("postgres://user@host:5432/database"));
    m_from->setToolTip(tr("Only read. A password in the URL is used and never shown; or put it in PGPASSWORD or ~/.pgpass"));
    m_table->setPlaceholderText(QStringLiteral("event_messages"));
    m_zone->setEditable(true);
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
        m_zone->addItem(QString::fromLatin1(id));
    m_zone->setCurrentIndex(-1); // no guess: the source says whose clock its times are on
    m_zone->lineEdit()->setPlaceholderText(tr("the zone of its times, e.g. America/New_York"));
    m_zone->completer()->setCompletionMode(QCompleter::PopupCompletion);
    m_zone->completer()->setFilterMode(Qt::MatchContains);
    tableForm->addRow(tr("Database:"), m_from);
    tableForm->addRow(tr("Table:"), m_table);
    tableForm->addRow(tr("Source time zone:"), m_zone);
    m_sourcePages->addWidget(filePage);
    m_sourcePages->addWidget(tablePage);

    m_channel->setPlaceholderText(tr("the source's channel, else the queue's"));
    auto *form = new QFormLayout;
    form->addRow(tr("Source:"), m_kind);
    form->addRow(QString(), m_sourcePages);
    form->addRow(tr("Into queue:"), m_queue);
    form->addRow(tr("Channel:"), m_channel);
    form->addRow(QString(), m_skipInvalid);

    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setText(tr("Preview reads every row and shows what each becomes; nothing is written until Import."));
    m_mapping->setHorizontalHeaderLabels({tr("Source status"), tr("Herald state"), tr("Rows")});
    m_mapping->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_mapping->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_mapping->verticalHeader()->hide();
    m_mapping->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_mapping->setSelectionMode(QAbstractItemView::NoSelection);
    m_details->setReadOnly(true);
    m_details->setPlaceholderText(tr("Rows skipped, with their reason, and what to know about the mapping"));
    m_mapping->verticalHeader()->setDefaultSectionSize(m_mapping->fontMetrics().height() + 8);
    m_progress->setVisible(false);
    m_importButton->setEnabled(false);
    m_buttons->addButton(m_previewButton, QDialogButtonBox::ActionRole);
    m_buttons->addButton(m_importButton, QDialogButtonBox::AcceptRole);
    m_buttons->addButton(m_stopButton, QDialogButtonBox::ActionRole);
    m_stopButton->setVisible(false); // while an import runs
    disconnect(m_buttons, &QDialogButtonBox::accepted, this, nullptr);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_previewButton, &QPushButton::clicked, this, &ImportQueueDialog::preview);
    connect(m_importButton, &QPushButton::clicked, this, &ImportQueueDialog::runImport);
    connect(m_stopButton, &QPushButton::clicked, this, [this] {
        if (m_cancel)
            m_cancel->store(true);
        m_stopButton->setEnabled(false);
        m_summary->setText(tr("Stopping after this chunk…"));
    });

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_summary);
    layout->addWidget(m_mapping, 1);
    layout->addWidget(m_details, 1);
    layout->addWidget(m_progress);
    layout->addWidget(m_buttons);
    resize(760, 620);

    connect(m_kind, &QComboBox::currentIndexChanged, this, &ImportQueueDialog::kindChanged);
    for (QLineEdit *edit : {m_file, m_from, m_table, m_channel})
        connect(edit, &QLineEdit::textChanged, this, &ImportQueueDialog::formChanged);
    connect(m_zone, &QComboBox::currentTextChanged, this, &ImportQueueDialog::formChanged);
    connect(m_queue, &QComboBox::currentTextChanged, this, &ImportQueueDialog::formChanged);
    connect(m_skipInvalid, &QCheckBox::toggled, this, &ImportQueueDialog::formChanged);
    kindChanged();

    if (m_jobThread)
        m_jobThread->post(this, [](Store &store) { return store.queues(); }, [this](Result<QList<QueueConfig>> queues) {
            if (queues) {
                for (const QueueConfig &q : std::as_const(*queues))
                    m_queue->addItem(q.name);
                if (queues->isEmpty())
                    m_summary->setText(tr("The store has no queue yet; create one (File ▸ New queue…) to import into."));
            } else {
                showError(queues.errorString());
            }
            Q_EMIT queuesLoaded();
        });
}

ImportQueueDialog::~ImportQueueDialog()
{
    if (m_cancel)
        m_cancel->store(true); // a run in progress stops after its chunk; the thread joins when it is gone
}

QString ImportQueueDialog::summaryText() const
{
    return m_summary->text();
}

QString ImportQueueDialog::detailsText() const
{
    return m_details->toPlainText();
}

void ImportQueueDialog::kindChanged()
{
    m_sourcePages->setCurrentIndex(m_kind->currentIndex());
    // The form as high as the page shown, not as the tallest.
    for (int i = 0; i < m_sourcePages->count(); ++i)
        m_sourcePages->widget(i)->setSizePolicy(QSizePolicy::Preferred, i == m_sourcePages->currentIndex() ? QSizePolicy::Preferred : QSizePolicy::Ignored);
    m_sourcePages->adjustSize();
    formChanged();
}

void ImportQueueDialog::formChanged()
{
    // What was previewed is no longer what the form says: preview again before importing.
    m_plan.reset();
    m_importButton->setEnabled(false);
}

void ImportQueueDialog::setBusy(bool busy)
{
    m_busy = busy;
    for (QWidget *w : std::initializer_list<QWidget *>{m_kind, m_sourcePages, m_queue, m_channel, m_skipInvalid, m_previewButton})
        w->setEnabled(!busy);
    m_importButton->setEnabled(!busy && m_plan.has_value());
    m_buttons->button(QDialogButtonBox::Close)->setEnabled(!busy);
}

void ImportQueueDialog::showError(const QString &error)
{
    m_summary->setText(tr("Nothing was written. %1").arg(error));
}

void ImportQueueDialog::preview()
{
    SourceForm form{m_kind->currentData().toString(), m_file->text().trimmed(), m_from->text().trimmed(), m_table->text().trimmed(),
                    m_zone->currentText().trimmed(), {m_queue->currentText(), m_channel->text().trimmed()}};
    QString problem;
    if (form.target.queue.isEmpty())
        problem = tr("Pick the queue to import into.");
    else if (form.kind == QLatin1String("send-event") && form.file.isEmpty())
        problem = tr("Pick the mongoexport file of send_event.");
    else if (form.kind == QLatin1String("event-messages") && form.from.isEmpty())
        problem = tr("Give the database that holds the table: postgres://user@host:5432/database.");
    else if (form.kind == QLatin1String("event-messages") && (form.zone.isEmpty() || !QTimeZone(form.zone.toUtf8()).isValid()))
        problem = form.zone.isEmpty() ? tr("Give the source time zone: event_messages keeps times without a zone, so say whose clock "
                                           "they are on (e.g. America/New_York, or UTC).")
                                      : tr("'%1' is not a time zone this machine knows; give an IANA name such as America/New_York or UTC.")
                                            .arg(form.zone);
    if (!problem.isEmpty() || !m_jobThread) {
        m_summary->setText(problem.isEmpty() ? tr("The store is closed.") : problem);
        Q_EMIT previewReady();
        return;
    }
    m_mapping->setRowCount(0);
    m_details->clear();
    m_summary->setText(tr("Reading the source…"));
    setBusy(true);
    const bool skipInvalid = m_skipInvalid->isChecked();
    m_jobThread->post(
        this,
        [form, skipInvalid](Store &store) -> Result<Preview> {
            if (auto q = store.queue(form.target.queue); !q)
                return q.error();
            auto source = openSource(form);
            if (!source)
                return source.error();
            auto plan = (*source)->read();
            if (!plan)
                return plan.error();
            QList<ImportedMessage> all;
            all.reserve(plan->rows.size());
            for (const ImportRow &r : std::as_const(plan->rows))
                all << r.message;
            if (auto s = store.checkImported(all); !s)
                return s.error();
            if (auto s = QueueImport::check(*plan, skipInvalid); !s)
                return s.error();
            Preview p;
            p.mapping = plan->mappingCounts(store.now());
            p.plan = std::move(*plan);
            return p;
        },
        [this](Result<Preview> preview) {
            setBusy(false);
            if (preview)
                showPreview(*preview);
            else
                showError(preview.errorString());
            Q_EMIT previewReady();
        });
}

void ImportQueueDialog::showPreview(const Preview &preview)
{
    const ImportPlan &plan = preview.plan;
    m_mapping->setRowCount(int(preview.mapping.size()));
    int row = 0;
    for (const auto &[key, count] : preview.mapping) {
        m_mapping->setItem(row, 0, new QTableWidgetItem(key.first));
        m_mapping->setItem(row, 1, new QTableWidgetItem(stateName(key.second)));
        auto *n = new QTableWidgetItem(QLocale().toString(count));
        n->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_mapping->setItem(row++, 2, n);
    }
    QString details = problemsText(tr("Skipped %1:"), plan.skipped) +
                      problemsText(m_skipInvalid->isChecked() ? tr("Cannot be read, left out %1:") : tr("Cannot be read %1:"), plan.invalid);
    for (const QString &note : plan.notes)
        details += tr("Note: %1").arg(note) + QLatin1Char('\n');
    m_details->setPlainText(details);
    m_summary->setText(tr("%1 into %2: %3 source records become %4 messages. Those already imported are left as they are; "
                          "nothing that was sent is sent again.")
                           .arg(plan.source, plan.queue, QLocale().toString(plan.sourceRecords), QLocale().toString(plan.rows.size())));
    m_plan = plan;
    m_importButton->setEnabled(!plan.rows.isEmpty());
}

void ImportQueueDialog::runImport()
{
    if (!m_plan || !m_jobThread || m_busy)
        return;
    setBusy(true);
    m_importButton->setEnabled(false);
    m_cancel = std::make_shared<std::atomic_bool>(false);
    m_progress->setRange(0, int(std::min<qsizetype>(m_plan->rows.size(), std::numeric_limits<int>::max())));
    m_progress->setValue(0);
    m_progress->setVisible(true);
    m_stopButton->setVisible(true);
    m_stopButton->setEnabled(true);
    m_summary->setText(tr("Importing…"));
    QueueImport::Options options;
    options.skipInvalid = m_skipInvalid->isChecked();
    options.cancel = m_cancel.get();
    QPointer<QProgressBar> bar = m_progress;
    options.progress = [bar](qint64 done, qint64) {
        QMetaObject::invokeMethod(bar, [bar, done] {
            if (bar)
                bar->setValue(int(done));
        }, Qt::QueuedConnection);
    };
    const ImportPlan plan = *m_plan;
    const std::shared_ptr<std::atomic_bool> cancel = m_cancel; // alive while the job runs
    m_jobThread->post(
        this, [plan, options, cancel](Store &store) { return QueueImport::run(store, plan, options); },
        [this](Result<QueueImport::Report> report) {
            setBusy(false);
            m_stopButton->setVisible(false);
            m_cancel.reset();
            if (!report) {
                showError(report.errorString());
                Q_EMIT finished();
                return;
            }
            m_report = *report;
            QStringList states;
            for (auto it = report->byState.cbegin(); it != report->byState.cend(); ++it)
                states << QStringLiteral("%1 %2").arg(QLocale().toString(it.value()), stateName(it.key()));
            QString text = report->cancelled ? tr("Stopped: %1 messages written, %2 found already imported. Import again to finish.")
                                             : tr("Imported %1 messages, %2 found already imported.");
            text = text.arg(QLocale().toString(report->inserted), QLocale().toString(report->alreadyImported));
            if (!states.isEmpty())
                text += QLatin1Char(' ') + tr("Written as %1.").arg(states.join(QStringLiteral(", ")));
            if (report->auditId > 0)
                text += QLatin1Char(' ') + tr("Audit entry #%1.").arg(report->auditId);
            m_summary->setText(text);
            m_importButton->setEnabled(false); // a second run adds nothing: preview again to see so
            if (report->inserted > 0)
                Q_EMIT imported();
            Q_EMIT finished();
        });
}

} // namespace herald
