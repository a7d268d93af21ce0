#pragma once

#include <QDialog>
#include <QStringList>

class QDialogButtonBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace herald {

// The console's preview of a bulk change before it runs (DESIGN §8): a summary, a breakdown table, a
// sample of what changes, then the run with a progress bar (and Stop, when the work can stop between
// chunks) and the error, if any. The dialog closes (accepted) once the work has finished. A bulk change
// must be asked for: Enter closes, it does not run.
//
// Subclasses fill it (ActionPreviewDialog: an operator action on messages; PlanApplyDialog: the diff
// of an event plan) and start their job in run(). GUI thread only.
class PreviewDialog : public QDialog
{
    Q_OBJECT

public:
    PreviewDialog(const QStringList &breakdownHeaders, const QStringList &sampleHeaders, QWidget *parent = nullptr);
    ~PreviewDialog() override;

    QString summaryText() const;
    QPushButton *runButton() const { return m_run; }
    QPushButton *stopButton() const { return m_stop; }
    QTableWidget *breakdownTable() const { return m_breakdown; }
    QTableWidget *sampleTable() const { return m_sample; }
    QString errorText() const;

protected:
    void setSummary(const QString &text);
    void setBreakdownTitle(const QString &text);
    void addBreakdownRow(const QStringList &cells, int rightAlignedColumn = -1);
    void setSampleTitle(const QString &text);
    void addSampleRow(const QStringList &cells);
    // After the rows: sizes the columns, the breakdown as tall as its rows (up to six).
    void fitTables();
    // The run button's text, and why it is disabled when it is (empty: enabled).
    void setRun(const QString &text, const QString &disabledReason = {});
    // maximum 0: a busy bar (work that reports no progress). stoppable: Stop shows beside the bar.
    void startRunning(qint64 maximum, bool stoppable);
    void setProgress(qint64 done);
    // The work finished: ok closes the dialog (accepted); otherwise the error shows and Close is back.
    void finishRunning(bool ok, const QString &error = {});

    // Run pressed: start the work and call startRunning().
    virtual void run() = 0;
    // Stop pressed while running: ask the work to stop after its chunk.
    virtual void stop() {}

private:
    QLabel *m_summary;
    QLabel *m_breakdownTitle;
    QTableWidget *m_breakdown;
    QLabel *m_sampleTitle;
    QTableWidget *m_sample;
    QProgressBar *m_progress;
    QLabel *m_error;
    QPushButton *m_run;
    QPushButton *m_stop;
    QPushButton *m_close;
    QDialogButtonBox *m_buttons;
};

} // namespace herald
