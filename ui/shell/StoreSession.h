#pragma once

#include "store/StoreUrl.h"

#include <QObject>
#include <QSet>
#include <QString>
#include <QTimer>

#include <functional>
#include <memory>

namespace herald {

class StoreThread;

// The open store as every feature of the console sees it (DESIGN §8): its StoreThread, URL and read-only
// flag, and the signals that keep the features in step — a new store, data this console changed, and
// the refresh rhythm (the back-stop timer, deliveries folded into one live refresh). The shell attaches
// stores; features read through storeThread()->post() and tell the others what they changed through the
// notify…() functions. A test can give a feature a session of its own over a temporary store.
//
// Owns the StoreThread and destroys it (after its pending work) when the next store is attached or the
// session is destroyed: destroy the session before the models its answers go to. GUI thread only.
class StoreSession : public QObject
{
    Q_OBJECT

public:
    // Queue counts move as workers deliver; while the console is watched they are re-read this often.
    static constexpr int kRefreshIntervalMs = 2000;
    // While deliveries land, what is on screen is re-read at most this often.
    static constexpr int kLiveRefreshMs = 250;

    using BeforeFirstRead = std::function<void(StoreThread &storeThread, quint64 generation)>;

    explicit StoreSession(QObject *parent = nullptr);
    ~StoreSession() override;

    // Closes the open store, after its pending work, and opens this one: storeAboutToChange(), then
    // beforeFirstRead (work posted there runs before any feature's), then storeChanged().
    void attach(std::unique_ptr<StoreThread> storeThread, bool readOnly, const BeforeFirstRead &beforeFirstRead = {});

    StoreThread *storeThread() const { return m_storeThread.get(); }
    bool hasStore() const { return m_storeThread != nullptr; }
    bool isReadOnly() const { return m_readOnly; }
    bool canWrite() const { return hasStore() && !m_readOnly; }
    StoreUrl url() const;
    // Which store a late answer belongs to: compare the value taken when posting with generation().
    quint64 generation() const { return m_generation; }

    // This console changed messages (a bulk action, an undo, a plan applied): everyone re-reads.
    void notifyMessagesChanged();
    // E-mail events were imported: the e-mail views re-read.
    void notifyEmailEventsChanged();
    // The engine should look at the store now (new or changed queues, messages due now).
    void wakeDelivery();
    // The operator asked for everything on screen to be read again (View ▸ Reload).
    void requestReload();
    // The back-stop read of what other processes changed; also sent by the timer while watched.
    void requestRefresh();

    // The store's heartbeat read (the queue counts) succeeded or failed; the shell shows the welcome page,
    // the error page or the banner from these.
    void reportRead(bool storeIsEmpty);
    void reportReadFailed(const QString &error);
    bool hasBeenRead() const { return m_read; }

    // Live refresh: the operator's switch, and whether the console is on screen at all.
    void setLiveRefresh(bool on);
    bool isLiveRefresh() const { return m_liveRefresh; }
    void setOnScreen(bool onScreen);
    // Deliveries of this console's engine, folded into one liveChanges() every kLiveRefreshMs.
    void noteDelivered(const QString &queue, bool completed);
    void noteClaimsChanged();

Q_SIGNALS:
    // Before anything of the next store runs (the engine of the previous one stops here).
    void storeAboutToChange(const herald::StoreUrl &url, bool readOnly);
    void storeChanged();
    // Once per store, after the first attempt to open it; error is empty when it opened.
    void opened(const QString &error);
    void messagesChanged();
    void emailEventsChanged();
    void deliveryWakeRequested();
    void reloadRequested();
    void refreshRequested();
    void read(bool storeIsEmpty);
    void readFailed(const QString &error, bool firstRead);
    void liveRefreshChanged(bool on);
    // queues: with deliveries since the last one; claims: the in-flight count moved; completed: a
    // delivery completed. Only while live refresh is on and the console is on screen.
    void liveChanges(const QSet<QString> &queues, bool claims, bool completed);

private:
    void updateRefreshTimer();
    void scheduleLive();
    void emitLive();

    std::unique_ptr<StoreThread> m_storeThread;
    quint64 m_generation = 0;
    bool m_readOnly = false;
    bool m_read = false;
    bool m_liveRefresh = true;
    bool m_onScreen = false;
    QTimer m_refreshTimer; // the back-stop for changes made by other processes
    QTimer m_liveTimer;    // deliveries of this console's engine, folded into one refresh
    QSet<QString> m_liveQueues;
    bool m_liveClaims = false;
    bool m_liveCompleted = false;
};

} // namespace herald
