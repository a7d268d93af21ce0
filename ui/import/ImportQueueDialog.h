#pragma once

#include "import/ImportPlan.h"
#include "import/QueueImport.h"

#include <QDialog>

#include <atomic>
#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QStackedWidget;
class QTableWidget;

namespace herald {

class StoreThread;

// File ▸ Import queue… (issue 18): a legacy queue brought across with its history, as `heraldctl import`
// does it — the source (a send_event mongoexport file, or an event_messages table on PostgreSQL), the
// queue it goes to, then Preview: every row read and mapped, the counts per source status and Herald
// state, the rows skipped with their reason, and what to know (at-least-once for half-sent rows); then
// Import, in chunks with progress and Stop, and the report. Running it again adds nothing; a stopped run
// is finished by running it again.
//
// Reading and writing run on a connection and thread of their own, so the console goes on paging.
// GUI thread only; storeThread lends its store's URL and options and must outlive the dialog.
class ImportQueueDialog : public QDialog
{
    Q_OBJECT

public:
    ImportQueueDialog(StoreThread *storeThread, QWidget *parent = nullptr);
    ~ImportQueueDialog() override;

    // For tests and the tour: the form as a person fills it.
    QComboBox *kindBox() const { return m_kind; }
    QLineEdit *fileEdit() const { return m_file; }
    QLineEdit *fromEdit() const { return m_from; }
    QLineEdit *tableEdit() const { return m_table; }
    QComboBox *zoneBox() const { return m_zone; }
    QComboBox *queueBox() const { return m_queue; }
    QLineEdit *channelEdit() const { return m_channel; }
    QCheckBox *skipInvalidBox() const { return m_skipInvalid; }
    QPushButton *previewButton() const { return m_previewButton; }
    QPushButton *importButton() const { return m_importButton; }
    QPushButton *stopButton() const { return m_stopButton; }
    QTableWidget *mappingTable() const { return m_mapping; }
    QString summaryText() const;
    QString detailsText() const;
    std::optional<QueueImport::Report> report() const { return m_report; }

Q_SIGNALS:
    void queuesLoaded();
    void previewReady(); // the preview shown, or why there is none (summaryText)
    void finished();     // the import ended: written, stopped or refused (summaryText)
    void imported();     // messages were written: the console's tables read again

private:
    struct Preview
    {
        ImportPlan plan;
        QList<QPair<QPair<QString, MessageState>, qint64>> mapping;
    };
    void kindChanged();
    void formChanged();
    void preview();
    void runImport();
    void showPreview(const Preview &preview);
    void showError(const QString &error);
    void setBusy(bool busy);

    std::unique_ptr<StoreThread> m_jobThread;
    QComboBox *m_kind;
    QStackedWidget *m_sourcePages;
    QLineEdit *m_file;
    QLineEdit *m_from;
    QLineEdit *m_table;
    QComboBox *m_zone;
    QComboBox *m_queue;
    QLineEdit *m_channel;
    QCheckBox *m_skipInvalid;
    QLabel *m_summary;
    QTableWidget *m_mapping;
    QPlainTextEdit *m_details;
    QProgressBar *m_progress;
    QPushButton *m_previewButton;
    QPushButton *m_importButton;
    QPushButton *m_stopButton;
    QDialogButtonBox *m_buttons;
    std::optional<ImportPlan> m_plan; // the preview's, which Import writes
    std::optional<QueueImport::Report> m_report;
    std::shared_ptr<std::atomic_bool> m_cancel;
    bool m_busy = false;
};

} // namespace herald
