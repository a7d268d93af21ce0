#include "SignalWatcher.h"

#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace herald {

namespace {

int g_signalPipe[2] = {-1, -1};

void onSignal(int signal)
{
    const char s = char(signal);
    // Only async-signal-safe work here: the event loop reads the byte.
    [[maybe_unused]] const auto written = ::write(g_signalPipe[0], &s, 1);
}

} // namespace

SignalWatcher::SignalWatcher(QObject *parent) : QObject(parent) {}

SignalWatcher::~SignalWatcher()
{
    if (!m_notifier)
        return;
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    delete m_notifier;
    ::close(g_signalPipe[0]);
    ::close(g_signalPipe[1]);
    g_signalPipe[0] = g_signalPipe[1] = -1;
}

Status SignalWatcher::install()
{
    if (m_notifier || g_signalPipe[0] >= 0)
        return Error::runtime(QStringLiteral("signal handling is set up already"));
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return Error::runtime(QStringLiteral("cannot set up signal handling"));
    m_notifier = new QSocketNotifier(g_signalPipe[1], QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, [this] {
        char s = 0;
        [[maybe_unused]] const auto n = ::read(g_signalPipe[1], &s, 1);
        Q_EMIT received(int(s));
    });
    struct sigaction action{};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
    return {};
}

const char *SignalWatcher::name(int signal)
{
    return signal == SIGINT ? "SIGINT" : "SIGTERM";
}

} // namespace herald
