#pragma once

#include "model/Retention.h"

#include <QDialog>
#include <QPointer>

#include <array>
#include <optional>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;
class QTimeEdit;

namespace herald {

class CleanupJob;
class StoreThread;

// Tools ▸ Cleanup… (issue 6): the policies of a run, a preview of exactly what it would remove, the run
// as a job with progress and Stop, its result, and the engine's daily schedule with its last and next run.
//
// Reads (queues, preview, schedule) go through the window's StoreThread; the run goes on a thread and a
// connection of its own (CleanupJob), so the console and delivery go on. Bad input is shown next to its
// field and nothing runs. On a read-only store the dialog previews; Run and the schedule are disabled
// and their tooltips say why. Run is enabled only once the current form has been previewed.
// GUI thread only; the StoreThread is not owned.
class CleanupDialog : public QDialog
{
    Q_OBJECT

public:
    CleanupDialog(StoreThread *storeThread, bool readOnly, QWidget *parent = nullptr);
    ~CleanupDialog() override;

    // The form as a policy and options, or std::nullopt after showing what is wrong next to each field.
    struct Request
    {
        RetentionPolicy policy;
        CleanupOptions options;
    };
    std::optional<Request> validate(bool forRun);

    void preview();
    void run();
    void stop();
    void saveSchedule();

    bool isRunning() const;
    // The counts of the last preview, or of the last run's removals (for tests and the summary).
    std::optional<CleanupCounts> shownCounts() const { return m_shownCounts; }

Q_SIGNALS:
    void previewed();
    void runFinished();
    void statusRead();

protected:
    void reject() override; // Close/Escape while running stops the run first

private:
    enum Extra { Outbox, Audit, EmailEvents };
    void buildUi();
    void loadQueues();
    void readStatus();
    void formChanged();
    void updateButtons();
    void showCounts(const CleanupCounts &counts, bool removed);
    void jobProgressed(qint64 done, qint64 total);
    void jobFinished();
    void chooseArchive();

    QPointer<StoreThread> m_storeThread;
    bool m_readOnly = false;
    quint64 m_generation = 0; // of the form: stale previews are dropped
    bool m_previewCurrent = false;

    QComboBox *m_queue = nullptr;
    std::array<QLineEdit *, 3> m_stateAge{};
    std::array<QLabel *, 3> m_stateError{};
    std::array<QCheckBox *, 3> m_extraOn{};
    std::array<QLineEdit *, 3> m_extraAge{};
    std::array<QLabel *, 3> m_extraError{};
    QLineEdit *m_archive = nullptr;
    QPushButton *m_browse = nullptr;
    QLabel *m_archiveError = nullptr;
    QCheckBox *m_vacuum = nullptr;
    QCheckBox *m_scheduleOn = nullptr;
    QTimeEdit *m_scheduleTime = nullptr;
    QPushButton *m_saveSchedule = nullptr;
    QLabel *m_scheduleStatus = nullptr;
    QLabel *m_tableTitle = nullptr;
    QTableWidget *m_table = nullptr;
    QLabel *m_summary = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_progressText = nullptr;
    QPushButton *m_previewButton = nullptr;
    QPushButton *m_runButton = nullptr;
    QPushButton *m_stopButton = nullptr;
    QPushButton *m_closeButton = nullptr;

    CleanupJob *m_job = nullptr;
    std::optional<CleanupCounts> m_shownCounts;
    Request m_running;
};

} // namespace herald
