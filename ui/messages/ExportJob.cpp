#include "ExportJob.h"

#include "store/Store.h"

#include <QFileInfo>
#include <QSaveFile>
#include <QtConcurrent/QtConcurrentRun>

namespace herald {

ExportJob::ExportJob(StoreUrl url, MessageSelection selection, ExportFormat format, QString path, QObject *parent)
    : QObject(parent), m_url(std::move(url)), m_selection(std::move(selection)), m_format(format), m_path(std::move(path))
{
    m_poll.setInterval(kProgressPollMs);
    connect(&m_poll, &QTimer::timeout, this, &ExportJob::poll);
    connect(&m_watcher, &QFutureWatcher<Result<qint64>>::finished, this, [this] {
        m_poll.stop();
        poll();
        m_result = m_watcher.result();
        Q_EMIT finished();
    });
}

ExportJob::~ExportJob()
{
    // The thread holds only the shared state and its own connection: stop it and let it end.
    m_shared->cancel = true;
    m_watcher.disconnect(this);
    m_watcher.waitForFinished();
}

ExportFormat ExportJob::formatForPath(const QString &path)
{
    const QString suffix = QFileInfo(path).suffix().toLower();
    return suffix == QLatin1String("jsonl") || suffix == QLatin1String("ndjson") || suffix == QLatin1String("json") ? ExportFormat::JsonLines
                                                                                                                     : ExportFormat::Csv;
}

void ExportJob::start()
{
    m_watcher.setFuture(QtConcurrent::run([url = m_url, selection = m_selection, format = m_format, path = m_path,
                                           shared = m_shared]() -> Result<qint64> {
        Store::OpenOptions options;
        options.readOnly = true;
        auto store = Store::open(url, options);
        if (!store)
            return store.error();
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly))
            return Error::badInput(QStringLiteral("cannot write %1: %2; choose another folder or file name").arg(path, file.errorString()));
        ActionProgress progress;
        progress.cancel = &shared->cancel;
        progress.report = [shared](qint64 done, qint64 total) {
            shared->done = done;
            shared->total = total;
        };
        auto written = exportMessages(**store, selection, format, file, progress);
        if (!written) {
            file.cancelWriting();
            return written.error();
        }
        if (shared->cancel.load()) {
            file.cancelWriting();
            return Error::refused(QStringLiteral("the export was stopped; no file was written"));
        }
        if (!file.commit())
            return Error::runtime(QStringLiteral("cannot finish %1: %2 (is the disk full?); nothing was written").arg(path, file.errorString()));
        return written;
    }));
    m_poll.start();
}

void ExportJob::cancel()
{
    m_shared->cancel = true;
}

void ExportJob::poll()
{
    Q_EMIT progressed(m_shared->done.load(), m_shared->total.load());
}

} // namespace herald
