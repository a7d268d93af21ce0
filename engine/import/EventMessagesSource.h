#pragma once

#include "ImportSource.h"

#include <QSqlRecord>
#include <QTimeZone>

#include <memory>

namespace herald {

class LegacyTable;

// The legacy `event_messages` table (PostgreSQL; BullMQ's delayed jobs were made from it), one message a row:
//
//   status           scheduled → scheduled at scheduled_time (waiting when due); sent → completed at
//                    actual_send_time; failed → failed with error_message; cancelled → cancelled
//   scheduled_time   a `timestamp without time zone`: read on the source's clock (--source-timezone);
//                    a column with a zone is taken as the instant it names
//   phone            → recipient; channel → channel (unless the import names one)
//   message_content  → payload body (and message_content); personalization_data → payload (JSON);
//                    actual_send_time, error_message, delay_minutes, message_category, ghl_contact_id,
//                    ghl_message_id, ghl_location_id → payload; ghl_message_id of a sent row → provider id
//   event_id, contractor_id, message_type → labels event, contractor, message_type (what `--label
//                    event=41` and one contractor of one event select); contractor_id also as person,
//                    the label event plans give the person a derived message is for
//   message_type     → type, and the priority BullMQ gave it (kTypePriorities; 10 for any other)
//
// The identity of a row is event_messages:<table>:<id>: a second import adds nothing.
class EventMessagesSource : public ImportSource
{
public:
    // The columns without which no row can be mapped; the others are read when present.
    static const QStringList &requiredColumns();

    EventMessagesSource(std::unique_ptr<LegacyTable> table, QTimeZone sourceZone, Target target);
    ~EventMessagesSource() override;
    Result<ImportPlan> read(const std::atomic_bool *cancel = nullptr) override;

    // Source status → state; std::nullopt for a status the table never had.
    static std::optional<MessageState> mapStatus(const QString &status);
    // BullMQ's priority for the message type (1 event start … 8 night before), 10 for the others.
    static int priorityForType(const QString &messageType);
    // A timestamp column's value as an instant: wall-clock values (no zone) on zone's clock.
    static std::optional<qint64> instantOf(const QVariant &value, const QTimeZone &zone);

    static constexpr int kPageRows = 1000;

private:
    std::unique_ptr<LegacyTable> m_table;
    QTimeZone m_zone;
    Target m_target;
};

} // namespace herald
