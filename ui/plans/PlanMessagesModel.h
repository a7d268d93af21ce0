#pragma once

#include "plans/PlanOverview.h"

#include <QAbstractTableModel>
#include <QHash>

namespace herald {

// One event's derived messages (PlanEventDetail) as a table: when, rule, recipient, session, state,
// message id. Filled by PlansView from the same read as the timeline. GUI thread only.
class PlanMessagesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { When, Rule, Recipient, Session, State, Message, ColumnCount };
    enum Role { MessageIdRole = Qt::UserRole + 1, SortRole };

    explicit PlanMessagesModel(QObject *parent = nullptr);

    void setDetail(const PlanEventDetail &detail);
    void clear();
    const PlanEventDetail &detail() const { return m_detail; }
    const PlanTimelineMessage &messageAt(int row) const { return m_detail.messages.at(row); }
    // -1 when the event has no such message (0 and removed messages have no row of their own).
    int rowOfMessage(qint64 messageId) const { return messageId > 0 ? m_rowById.value(messageId, -1) : -1; }

    static QString stateText(const PlanTimelineMessage &m);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    PlanEventDetail m_detail;
    QHash<qint64, int> m_rowById;
    QHash<QString, QString> m_sessionTitles;
};

} // namespace herald
