#include "EmailImportJob.h"

#include "store/Store.h"

#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QLocale>
#include <QMessageBox>
#include <QProgressDialog>
#include <QtConcurrent/QtConcurrentRun>

namespace herald {

EmailImportJob::EmailImportJob(StoreUrl url, QStringList files, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_files(std::move(files))
{
    m_poll.setInterval(kProgressPollMs);
    connect(&m_poll, &QTimer::timeout, this, [this] {
        Q_EMIT progressed(m_shared->file.load(), int(m_files.size()), m_shared->done.load(), m_shared->total.load());
    });
    connect(&m_watcher, &QFutureWatcher<Result<EmailImporter::Report>>::finished, this, [this] {
        m_poll.stop();
        m_result = m_watcher.result();
        Q_EMIT finished();
    });
}

EmailImportJob::~EmailImportJob()
{
    m_shared->cancel = true;
    m_watcher.disconnect(this);
    m_watcher.waitForFinished();
}

void EmailImportJob::start()
{
    m_watcher.setFuture(QtConcurrent::run([url = m_url, files = m_files, shared = m_shared]() -> Result<EmailImporter::Report> {
        // Every file readable before anything is stored.
        for (const QString &path : files) {
            const QFileInfo info(path);
            if (!info.isFile() || !info.isReadable())
                return Error::badInput(QStringLiteral("cannot read %1: %2; choose another file")
                                           .arg(path, info.exists() ? QStringLiteral("not a readable file") : QStringLiteral("no such file")));
        }
        auto store = Store::open(url);
        if (!store)
            return store.error();
        EmailImporter::Options options;
        options.cancel = &shared->cancel;
        options.progress = [shared](qint64 done, qint64 total) {
            shared->done = done;
            shared->total = total;
        };
        EmailImporter importer(**store, options);
        for (int i = 0; i < files.size() && !shared->cancel.load(); ++i) {
            shared->file = i + 1;
            QFile file(files.at(i));
            if (!file.open(QIODevice::ReadOnly))
                return Error::badInput(QStringLiteral("cannot read %1: %2").arg(files.at(i), file.errorString()));
            if (auto s = importer.add(file.readAll(), QFileInfo(files.at(i)).fileName()); !s)
                return s.error();
        }
        if (auto s = importer.finish(); !s)
            return s.error();
        return importer.report();
    }));
    m_poll.start();
}

void EmailImportJob::cancel()
{
    m_shared->cancel = true;
}

QString EmailImportJob::summary(const EmailImporter::Report &r)
{
    const QLocale l;
    QString text = tr("%1 documents imported (%2 new events), %3 already stored, %4 ignored.")
                       .arg(l.toString(r.imported), l.toString(r.events), l.toString(r.duplicates), l.toString(r.ignored));
    if (!r.suppressed.isEmpty())
        text += QLatin1Char(' ') + tr("%1 addresses suppressed.").arg(l.toString(r.suppressed.size()));
    if (r.cancelled)
        text += QLatin1Char(' ') + tr("Stopped before the end; importing again adds only what is missing.");
    if (!r.invalid.isEmpty()) {
        text += QLatin1Char('\n') + tr("%1 documents were not imported:").arg(l.toString(r.invalid.size()));
        for (qsizetype i = 0; i < std::min<qsizetype>(r.invalid.size(), 5); ++i)
            text += QStringLiteral("\n  %1: %2").arg(r.invalid.at(i).location, r.invalid.at(i).reason);
    }
    return text;
}

EmailImportJob *EmailImportJob::askAndRun(const StoreUrl &url, QWidget *dialogParent)
{
    const QStringList files = QFileDialog::getOpenFileNames(dialogParent, tr("Import e-mail events"), QString(),
                                                            tr("SES and SNS events (*.json *.jsonl *.ndjson *.txt);;All files (*)"));
    if (files.isEmpty())
        return nullptr;
    auto *job = new EmailImportJob(url, files, dialogParent);
    auto *progress = new QProgressDialog(tr("Importing…"), tr("Stop"), 0, 0, dialogParent);
    progress->setWindowTitle(tr("Import e-mail events"));
    progress->setAttribute(Qt::WA_DeleteOnClose);
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    progress->setMinimumDuration(300);
    connect(progress, &QProgressDialog::canceled, job, &EmailImportJob::cancel);
    connect(job, &EmailImportJob::progressed, progress, [progress](int file, int fileCount, qint64 done, qint64 total) {
        progress->setMaximum(total > 0 ? 1000 : 0);
        progress->setValue(total > 0 ? int(done * 1000 / total) : 0);
        progress->setLabelText(tr("File %1 of %2: %3 of %4 documents…").arg(file).arg(fileCount).arg(done).arg(total));
    });
    connect(job, &EmailImportJob::finished, dialogParent, [job, progress, dialogParent] {
        progress->disconnect(job); // closing a progress dialog says "canceled"
        progress->close();
        job->deleteLater();
        const auto result = job->result();
        auto *box = new QMessageBox(result ? QMessageBox::Information : QMessageBox::Warning, tr("Import e-mail events"),
                                    result ? summary(*result) : tr("The import stopped: %1").arg(result.errorString()), QMessageBox::Ok,
                                    dialogParent);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
    });
    job->start();
    return job;
}

} // namespace herald
