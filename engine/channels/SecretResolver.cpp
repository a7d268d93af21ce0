#include "SecretResolver.h"

#include <QMutex>
#include <QMutexLocker>
#include <QRegularExpression>
#include <QThread>
#include <QWaitCondition>

#include <qt6keychain/keychain.h>

#include <memory>

namespace herald {

namespace {

// The thread every keychain job runs in, for the life of the process.
class KeychainThread
{
public:
    KeychainThread()
    {
        m_thread.setObjectName(QStringLiteral("herald-keychain"));
        m_anchor.moveToThread(&m_thread);
        m_thread.start();
    }
    ~KeychainThread()
    {
        m_thread.quit();
        m_thread.wait();
    }
    QObject *anchor() { return &m_anchor; }

private:
    QThread m_thread;
    QObject m_anchor; // lives in m_thread: the context of the work posted there
};

Q_GLOBAL_STATIC(KeychainThread, keychainThread)

struct KeychainAnswer
{
    QMutex mutex;
    QWaitCondition answered;
    bool done = false;           // guarded by mutex
    QKeychain::Error error = QKeychain::NoError; // guarded by mutex
    QString errorString;         // guarded by mutex
    QString secret;              // guarded by mutex
};

enum class KeychainOp { Read, Write, Remove };

// Runs one keychain job in the keychain thread and waits for its answer, at most kKeychainTimeoutMs.
// Returns the error code and text, and for Read the secret; a timeout is an error of its own.
Result<std::shared_ptr<KeychainAnswer>> runKeychainJob(KeychainOp op, const QString &what, const QString &key, const QString &secret = {})
{
    auto answer = std::make_shared<KeychainAnswer>();
    // The job is created, run and deleted in the keychain thread; only the answer crosses back, under its mutex.
    QMetaObject::invokeMethod(
        keychainThread()->anchor(),
        [answer, op, key, secret] {
            const QString service = QLatin1String(SecretResolver::kKeychainService);
            QKeychain::Job *job = nullptr;
            if (op == KeychainOp::Read) {
                job = new QKeychain::ReadPasswordJob(service);
            } else if (op == KeychainOp::Write) {
                auto *write = new QKeychain::WritePasswordJob(service);
                write->setTextData(secret);
                job = write;
            } else {
                job = new QKeychain::DeletePasswordJob(service);
            }
            job->setAutoDelete(true);
            job->setKey(key);
            QObject::connect(job, &QKeychain::Job::finished, job, [answer, op](QKeychain::Job *finished) {
                QMutexLocker lock(&answer->mutex);
                answer->error = finished->error();
                answer->errorString = finished->errorString();
                if (op == KeychainOp::Read && finished->error() == QKeychain::NoError)
                    answer->secret = static_cast<QKeychain::ReadPasswordJob *>(finished)->textData();
                answer->done = true;
                answer->answered.wakeAll();
            });
            job->start();
        },
        Qt::QueuedConnection);

    QMutexLocker lock(&answer->mutex);
    QDeadlineTimer deadline(SecretResolver::kKeychainTimeoutMs);
    while (!answer->done)
        if (!answer->answered.wait(&answer->mutex, deadline))
            return Error::runtime(QStringLiteral("%1: the system keychain did not answer within %2 s; unlock it and try again")
                                      .arg(what)
                                      .arg(SecretResolver::kKeychainTimeoutMs / 1000));
    return answer;
}

// The text for a keychain failure other than "not found" and the timeout.
Error keychainError(const QString &what, const KeychainAnswer &answer)
{
    if (answer.error == QKeychain::AccessDenied || answer.error == QKeychain::AccessDeniedByUser)
        return Error::refused(QStringLiteral("%1: the system keychain refused access (%2); unlock it and allow Herald").arg(what, answer.errorString));
    return Error::runtime(QStringLiteral("%1: the system keychain failed (%2); start a keychain service (GNOME Keyring, KWallet)")
                              .arg(what, answer.errorString.isEmpty() ? QStringLiteral("no keychain service") : answer.errorString));
}

Result<QString> readKeychain(const QString &reference, const QString &key)
{
    const QString what = QStringLiteral("secret ") + reference;
    auto ran = runKeychainJob(KeychainOp::Read, what, key);
    if (!ran)
        return Error::runtime(ran.errorString() + QStringLiteral(", or use an env: reference"));
    const KeychainAnswer &answer = **ran;
    const QString store = QStringLiteral("store it with: secret-tool store --label='herald %1' user %1 server herald type plaintext").arg(key);
    switch (answer.error) {
    case QKeychain::NoError:
        if (answer.secret.isEmpty())
            return Error::notFound(QStringLiteral("secret %1 is empty in the system keychain; %2").arg(reference, store));
        return answer.secret;
    case QKeychain::EntryNotFound:
        return Error::notFound(QStringLiteral("secret %1 is not in the system keychain (service \"herald\"); %2").arg(reference, store));
    default: break;
    }
    const Error error = keychainError(what, answer);
    if (error.kind == Error::Kind::Refused)
        return error;
    return Error::runtime(error.message + QStringLiteral(", or use an env: reference"));
}

} // namespace

Result<QString> SecretResolver::resolve(const QString &reference)
{
    static const QRegularExpression envName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    if (reference.startsWith(QLatin1String("env:"))) {
        const QString name = reference.mid(4);
        if (!envName.match(name).hasMatch())
            return Error::badInput(QStringLiteral("secret %1: '%2' is not an environment variable name; use letters, digits and '_'")
                                       .arg(reference, name));
        const QString value = qEnvironmentVariable(name.toLatin1().constData());
        if (value.isEmpty())
            return Error::notFound(QStringLiteral("secret %1 is not set; export %2=… in the environment of the process that delivers")
                                       .arg(reference, name));
        return value;
    }
    if (reference.startsWith(QLatin1String("keychain:"))) {
        const QString key = reference.mid(9);
        if (key.isEmpty() || key.contains(QRegularExpression(QStringLiteral("\\s"))))
            return Error::badInput(QStringLiteral("secret %1: give the keychain entry's name after 'keychain:', without spaces").arg(reference));
        return readKeychain(reference, key);
    }
    // Not echoed: what was given may be the secret itself.
    return Error::badInput(QStringLiteral("a secret reference must be env:NAME or keychain:NAME, never the secret itself"));
}

Status SecretResolver::storeInKeychain(const QString &key, const QString &secret)
{
    const QString what = QStringLiteral("keychain entry ") + key;
    auto ran = runKeychainJob(KeychainOp::Write, what, key, secret);
    if (!ran)
        return ran.error();
    if ((*ran)->error != QKeychain::NoError)
        return keychainError(what, **ran);
    return {};
}

Status SecretResolver::removeFromKeychain(const QString &key)
{
    const QString what = QStringLiteral("keychain entry ") + key;
    auto ran = runKeychainJob(KeychainOp::Remove, what, key);
    if (!ran)
        return ran.error();
    if ((*ran)->error != QKeychain::NoError && (*ran)->error != QKeychain::EntryNotFound)
        return keychainError(what, **ran);
    return {};
}

} // namespace herald
