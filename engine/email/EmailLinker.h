#pragma once

#include "model/Result.h"
#include "store/EmailStore.h"

#include <QObject>
#include <QTimer>

namespace herald {

class Store;

// Links e-mail events that arrived before their message's provider id was recorded (DESIGN §7). SES
// can report a Send or a Delivery before the engine has committed the delivery that names the id, and
// the SNS listener and the engine may be different processes, so linking at intake alone misses some.
//
// Two ways in: messagesCompleted(), which the runtime calls after committing completions (one indexed
// update per message), and a timer that every intervalMs links the unlinked events received within
// the last windowMs (EmailStore::linkUnlinkedSince) — the back-stop for events of other processes and
// for events that name the message only by its Message-ID header. Older events are left: those that
// have not linked within a day belong to mail Herald did not send; `EmailStore::linkUnlinked()` still
// links everything on request.
//
// On a shared store the timed pass is the leader's work: one engine at a time, by a lease row (see
// setLeaseHolder), so four engines do not sweep the same window four times.
//
// Threading: borrows a Store, so create, use and destroy it in the store's thread, and never let it
// outlive the store. The timer runs in that thread.
class EmailLinker : public QObject
{
    Q_OBJECT

public:
    static constexpr qint64 kDefaultIntervalMs = 30'000;
    static constexpr qint64 kDefaultWindowMs = 24 * 3'600'000LL;

    explicit EmailLinker(Store &store, qint64 intervalMs = kDefaultIntervalMs, qint64 windowMs = kDefaultWindowMs,
                         QObject *parent = nullptr);

    // On a shared store (many engines): the timed pass runs only on the engine that holds the
    // "email-linking" lease in the store, holder naming this engine; the others skip it (their own
    // completions are still linked by messagesCompleted). Empty (the default): every pass runs.
    void setLeaseHolder(const QString &holder) { m_holder = holder; }
    // The first timed pass comes one interval after start().
    void start();
    void stop();
    bool isActive() const { return m_timer.isActive(); }

    // One pass over the window now; linkPassed is emitted as after a timed pass.
    Result<qint64> linkNow();
    // The messages the caller has just completed with these provider ids.
    Result<qint64> messagesCompleted(const QList<EmailStore::ProviderLink> &messages);

Q_SIGNALS:
    // After each pass: how many events it linked, or why it failed (error not empty).
    void linkPassed(qint64 linked, const QString &error);

private:
    void timedPass();

    Store &m_store;
    QTimer m_timer;
    qint64 m_windowMs;
    QString m_holder;
};

} // namespace herald
