#pragma once

#include "ImportSource.h"

#include <QByteArray>

namespace herald {

// A mongoexport of the legacy `send_event` collection (JSON Lines or a JSON array, extended JSON with
// $oid, $date, $numberInt/$numberLong), one message per data[] item and user id:
//
//   status      pending, retry, scheduled → scheduled at scheduled_at (waiting when due); no status →
//               as pending (the original created documents without one); processing → waiting (it may
//               have been half-sent: at-least-once); completed → completed at completed_at (else
//               processed_at); failed → failed at failed_at with error_message
//   retry_count → attempts (completed and failed: retry_count + 1, the first run and each retry)
//   priority    (item's, else the document's; 0–5, higher first) → Herald's (1–10, lower first):
//               5 → 1, 4 → 2, 3 → 3, 2 → 5, 1 → 7, 0 → 10 (the default), as kPriorityTable says
//   metadata    campaign_id → label campaign, batch_id → label batch, source → label source; also the
//               labels user (the user id) and send_event (the document's id)
//   localization kept per locale for the template renderer, `message` also as `body` so that its title
//               and message render as title and body; English at the top level too
//
// The identity of a row is send_event:<document id>:<item index>:<user id>: a second import adds nothing.
class SendEventSource : public ImportSource
{
public:
    SendEventSource(QByteArray content, QString fileName, Target target);
    Result<ImportPlan> read(const std::atomic_bool *cancel = nullptr) override;

    // Source priority (0–5) → Herald priority; std::nullopt outside 0–5.
    static std::optional<int> mapPriority(qint64 sourcePriority);
    // Source status → state; std::nullopt for a status the source never had.
    static std::optional<MessageState> mapStatus(const QString &status);

private:
    QByteArray m_content;
    QString m_fileName;
    Target m_target;
};

} // namespace herald
