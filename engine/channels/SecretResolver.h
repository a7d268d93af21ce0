#pragma once

#include "model/Result.h"

#include <QString>

namespace herald {

// Turns a secret reference into the secret (DESIGN §6): "env:NAME" reads the environment,
// "keychain:NAME" reads the system keychain through QtKeychain (service "herald", key NAME).
//
// Any thread may call resolve(). A keychain read blocks the caller until the keychain answers, at most
// kKeychainTimeoutMs: it runs on one process-wide keychain thread, because QtKeychain queues every job
// through a single unsynchronised executor that answers in the thread it was first used from.
// The caller's own event loop is not spun meanwhile, so a worker's other deliveries are not re-entered.
//
// Errors name the reference and the fix, never the secret.
class SecretResolver
{
public:
    static constexpr const char *kKeychainService = "herald";
    static constexpr int kKeychainTimeoutMs = 30'000; // long enough for a desktop to ask the user to unlock

    static Result<QString> resolve(const QString &reference);
    // Writes or replaces the keychain entry KEY (service "herald"), so that "keychain:KEY" resolves to
    // SECRET; removes it (an entry that is not there is not an error). Both block like a read.
    static Status storeInKeychain(const QString &key, const QString &secret);
    static Status removeFromKeychain(const QString &key);
};

} // namespace herald
