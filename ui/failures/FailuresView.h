#pragma once

#include "failures/FailureGroups.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QSortFilterProxyModel;
class QTableView;

namespace herald {

class FailureGroupsModel;
class StoreThread;

// The console's Failures section (issue 17): failed messages grouped by cause over a range (the last
// hour to all), largest first. The selected group's newest error is shown as it was; Show messages
// filters the message table by the group, Retry group… previews retrying all of it (every queue), Cancel
// group… previews cancelling its messages still to be retried, and all go through the window
// (showMessagesRequested, retryRequested, cancelRequested) so the usual preview and undo apply.
//
// GUI thread only. Reads through the StoreThread (not owned; setStore() before it goes).
class FailuresView : public QWidget
{
    Q_OBJECT

public:
    explicit FailuresView(QWidget *parent = nullptr);

    void setStore(StoreThread *storeThread, bool readOnly);
    void reload();

    FailureGroupsModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }
    QComboBox *rangeBox() const { return m_range; }
    QPushButton *showButton() const { return m_show; }
    QPushButton *retryButton() const { return m_retry; }
    QPushButton *cancelButton() const { return m_cancel; }
    // The selected group, if any.
    std::optional<FailureGroup> currentGroup() const;
    void selectGroup(const QString &groupId);

Q_SIGNALS:
    void loaded();
    void statusMessage(const QString &message);
    // The message table, filtered by this group (its selection: state failed, its error texts).
    void showMessagesRequested(const herald::MessageSelection &group, const QString &fingerprint, const QString &queue);
    void retryRequested(const herald::MessageSelection &group);
    // Its messages still to be retried, and its failed ones, which the cancel skips.
    void cancelRequested(const herald::MessageSelection &group);

private:
    void rangeChanged();
    void updateDetail();

    bool m_readOnly = false;
    FailureGroupsModel *m_model;
    QSortFilterProxyModel *m_proxy = nullptr; // set by m_table's construction
    QComboBox *m_range;
    QLabel *m_summary;
    QTableView *m_table;
    QPlainTextEdit *m_sample;
    QPushButton *m_show;
    QPushButton *m_retry;
    QPushButton *m_cancel;
    QString m_wanted;
};

} // namespace herald
