#pragma once

#include "ChannelBase.h"
#include "SmtpClient.h"
#include "model/EmailAddress.h"

#include <QMutex>

#include <memory>
#include <optional>

namespace herald {

// SMTP through libcurl (DESIGN §6): smtp:// with STARTTLS (insisted on with options.tls = "required") or
// smtps://, AUTH with options.user and the secret, From/Reply-To from the options, the rendered subject,
// text and HTML as a MimeMessage. The provider id (what bounces and SES events point back to) is the id the
// server names in its answer to the message — Amazon SES's "250 Ok <ses-message-id>" — or, when it names
// none, the generated Message-ID. A suppressed recipient is not contacted: the outcome is Suppressed.
//
// libcurl blocks, so each send runs on a shared pool of SMTP threads and its outcome is posted back to
// this channel's thread. abort() and destruction raise the send's cancel flag, which libcurl checks
// about once a second; a late outcome finds no pending delivery and is dropped.
class EmailChannel final : public ChannelBase
{
    Q_OBJECT

public:
    // Refuses a ca_file that cannot be read, naming the channel.
    static Result<std::unique_ptr<EmailChannel>> create(ChannelConfig config, std::function<Result<bool>(const QString &)> isSuppressed,
                                                        QString secret);
    ~EmailChannel() override;

    void deliver(const Delivery &delivery, Done done) override;

    // Sends beyond this many at once wait for a free SMTP thread (their timeout starts when they run).
    static constexpr int kMaxConcurrentSends = 32;

private:
    EmailChannel(ChannelConfig config, std::function<Result<bool>(const QString &)> isSuppressed, SmtpClient::Settings settings,
                 EmailAddress from, std::optional<EmailAddress> replyTo);

    // Where pool threads post outcomes; cleared, under its mutex, when the channel goes away.
    struct Home
    {
        QMutex mutex;
        EmailChannel *channel = nullptr; // guarded by mutex
    };

    std::function<Result<bool>(const QString &)> m_isSuppressed;
    SmtpClient::Settings m_settings;
    EmailAddress m_from;
    std::optional<EmailAddress> m_replyTo;
    std::shared_ptr<Home> m_home;
};

} // namespace herald
