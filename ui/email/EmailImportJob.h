#pragma once

#include "email/EmailImporter.h"
#include "store/StoreUrl.h"

#include <QFutureWatcher>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>

class QWidget;

namespace herald {

// File ▸ Import e-mail events: the files through EmailImporter (as `heraldctl email import` does) on a
// thread and a connection of its own, with progress (files, documents of the file under way) and
// Stop; what was committed stays, and importing again adds only what is missing. Shaped like
// ExportJob: start(), progressed()…, finished(). GUI thread only.
class EmailImportJob : public QObject
{
    Q_OBJECT

public:
    static constexpr int kProgressPollMs = 50;

    EmailImportJob(StoreUrl url, QStringList files, QObject *parent = nullptr);
    ~EmailImportJob() override;

    void start();
    void cancel();
    // After finished(): the importer's report, or why it stopped.
    Result<EmailImporter::Report> result() const { return m_result; }
    // A summary an operator reads: counts, the first problems with their FILE:LINE.
    static QString summary(const EmailImporter::Report &report);

    // Asks for the files, runs the import in a progress dialog, and reports; done() when it is over.
    static EmailImportJob *askAndRun(const StoreUrl &url, QWidget *dialogParent);

Q_SIGNALS:
    void progressed(int file, int files, qint64 done, qint64 total);
    void finished();

private:
    struct Shared
    {
        std::atomic<int> file{0};
        std::atomic<qint64> done{0};
        std::atomic<qint64> total{0};
        std::atomic_bool cancel{false};
    };

    StoreUrl m_url;
    QStringList m_files;
    std::shared_ptr<Shared> m_shared = std::make_shared<Shared>();
    QFutureWatcher<Result<EmailImporter::Report>> m_watcher;
    QTimer m_poll;
    Result<EmailImporter::Report> m_result = EmailImporter::Report{};
};

} // namespace herald
