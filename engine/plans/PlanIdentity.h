#pragma once

#include <QString>

#include <optional>

namespace herald {

// The stable identity of a message a plan derives for an event (DESIGN §11): the same plan, event,
// rule, anchor instance and recipient give the same identity on every apply, so an apply finds what an
// earlier one created (and knows it was sent, even after cleanup removed the message).
//
// Text form, five '/'-separated parts, each percent-encoded (every byte but A–Z a–z 0–9 - . _ ~), so an
// id holding '/', ':' or '@' cannot be mistaken for a separator:
//
//   PLAN/EVENT/TYPE/INSTANCE/PERSON
//   conference/41/speaker_alert/session:s2/56        a time rule anchored on session s2, to person 56
//   conference/41/check_in_reminder_1_hour/event/56  a time rule anchored on the event or registration
//   conference/41/venue_notice/event@3f2a9c1b0d4e/56 a change notice: '@' and the change's fingerprint
//
// INSTANCE is "event" or "session:" + the session id; a change notice adds "@" + a fingerprint of the
// change (what changed, old and new value, and when the old value was applied), so each distinct change
// is notified once and the same change seen again (re-applying, re-publishing, an undo redone) maps to
// the notice already sent, while the same move made again later (A → B → A → B) is a new notice.
struct PlanIdentity
{
    QString plan;
    QString event;
    QString type;
    QString session; // empty: the event (or the recipient's registration) is the anchor
    QString person;
    QString change; // change notices: the fingerprint; empty for time rules

    bool isNotice() const { return !change.isEmpty(); }

    QString toString() const;
    // nullopt when text is not in the form above.
    static std::optional<PlanIdentity> parse(const QString &text);

    bool operator==(const PlanIdentity &) const = default;
};

} // namespace herald
