#pragma once

#include "model/MessageSelection.h"
#include "model/QueueCounts.h"

#include <QTimer>
#include <QWidget>

#include <optional>

class QCheckBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QSpinBox;
class QTabBar;

namespace herald {

// What the operator filters the message table by: one search box (id, recipient, type, payload text),
// the state tabs with the queue's counts, and type, channel, priority, label and run-at filters.
//
// GUI thread only. filterChanged() is emitted once the filter settles (typing is debounced) and only
// for a valid filter: a malformed label filter shows why next to its field and changes nothing.
class MessageFilterBar : public QWidget
{
    Q_OBJECT

public:
    // Typing pauses this long before the table is asked again: a search per key would scan the store per key.
    static constexpr int kDebounceMs = 300;

    explicit MessageFilterBar(QWidget *parent = nullptr);
    ~MessageFilterBar() override;

    // The filter as the fields say now (the queue is left empty). Labels that do not parse are left out;
    // labelError() says why.
    MessageSelection filter() const;
    QString labelError() const;

    // The counters of the queue on screen, for the state tabs.
    void setCounts(const std::optional<QueueCounts> &counts);
    // "1,234 match": the store's count for the whole filter, next to the search box.
    void setMatchCount(std::optional<qint64> count);
    QString matchText() const;

    void focusSearch();
    // Only messages due in [fromMs, toMs): fills and turns on the run-at fields, and applies at once.
    void setRunAtWindow(qint64 fromMs, qint64 toMs);
    // Only the failed messages of a failure group (its selection from failureGroupSelection): shown as a
    // line naming the group with a Clear button; picks the Failed tab; applies at once. An empty
    // selection clears it.
    void setFailureGroup(const MessageSelection &group, const QString &fingerprint);
    QString failureGroup() const { return m_failureGroup.failureGroup; }

    QLineEdit *searchField() const { return m_search; }
    QLineEdit *labelField() const { return m_labels; }
    QTabBar *stateTabs() const { return m_states; }

Q_SIGNALS:
    void filterChanged();

private:
    void scheduleChange();
    void emitIfValid();
    void updateTabs();

    QLineEdit *m_search;
    QLabel *m_matches;
    QTabBar *m_states;
    QLineEdit *m_types;
    QLineEdit *m_channels;
    QSpinBox *m_minPriority;
    QSpinBox *m_maxPriority;
    QLineEdit *m_labels;
    QLabel *m_filterError;
    QCheckBox *m_useRunAt;
    QDateTimeEdit *m_runAtFrom;
    QDateTimeEdit *m_runAtTo;
    QWidget *m_groupRow;
    QLabel *m_groupLabel;
    MessageSelection m_failureGroup; // failureGroup and lastErrors only
    QTimer m_debounce;
    std::optional<QueueCounts> m_counts;
};

} // namespace herald
