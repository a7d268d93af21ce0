#pragma once

#include "maintenance/MessageExport.h"
#include "model/MessageSelection.h"
#include "model/Result.h"
#include "store/StoreUrl.h"

#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>

namespace herald {

// Exports the messages of a selection to a CSV or JSON Lines file (exportMessages), on a thread and a
// read-only connection of its own, so that the console's reads and the engine go on meanwhile. The file
// is written through QSaveFile: it appears, complete, only when the export finished; a cancel or an
// error leaves no file (and an existing file as it was). Shaped like ActionJob: start(), progressed()…,
// finished(). GUI thread only.
class ExportJob : public QObject
{
    Q_OBJECT

public:
    static constexpr int kProgressPollMs = 50;

    ExportJob(StoreUrl url, MessageSelection selection, ExportFormat format, QString path, QObject *parent = nullptr);
    ~ExportJob() override;

    void start();
    void cancel();
    bool isRunning() const { return m_watcher.isRunning(); }
    // After finished(): how many messages the file holds, or why there is no file.
    Result<qint64> result() const { return m_result; }
    bool wasCancelled() const { return m_shared->cancel.load(); }
    QString path() const { return m_path; }

    // By the file name: .jsonl / .ndjson / .json are JSON Lines, anything else CSV.
    static ExportFormat formatForPath(const QString &path);

Q_SIGNALS:
    void progressed(qint64 done, qint64 total);
    void finished();

private:
    struct Shared
    {
        std::atomic<qint64> done{0};
        std::atomic<qint64> total{0};
        std::atomic_bool cancel{false};
    };
    void poll();

    StoreUrl m_url;
    MessageSelection m_selection;
    ExportFormat m_format;
    QString m_path;
    std::shared_ptr<Shared> m_shared = std::make_shared<Shared>();
    QFutureWatcher<Result<qint64>> m_watcher;
    QTimer m_poll;
    Result<qint64> m_result = qint64(0);
};

} // namespace herald
