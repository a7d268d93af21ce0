#include "DeliveryController.h"

#include "channels/Channel.h"
#include "channels/SecretResolver.h"
#include "runtime/Engine.h"

namespace herald {

DeliveryController::DeliveryController(QObject *parent) : QObject(parent) {}

DeliveryController::~DeliveryController() = default;

void DeliveryController::setStore(const StoreUrl &url, bool readOnly)
{
    // Before anything of the next store: its engine must not start while this one still holds the lock
    // of a store the console may reopen.
    m_engine.reset();
    m_url = url;
    m_status = EngineStatus{};
    m_error.clear();
    m_lockHolder.clear();
    setState(readOnly ? State::ReadOnly : State::Starting);
}

void DeliveryController::closeStore()
{
    m_engine.reset();
    m_url = StoreUrl();
    m_status = EngineStatus{};
    m_error.clear();
    m_lockHolder.clear();
    setState(State::NoStore);
}

void DeliveryController::start()
{
    if (m_state != State::Starting)
        return;
    RuntimeOptions options;
    options.channelFactory = &createChannel;
    options.resolveSecret = &SecretResolver::resolve;
    m_engine = std::make_unique<Engine>(m_url, options);
    connect(m_engine.get(), &Engine::delivered, this, &DeliveryController::delivered);
    connect(m_engine.get(), &Engine::statusChanged, this, &DeliveryController::statusReported);
    connect(m_engine.get(), &Engine::finished, this, &DeliveryController::engineFinished);

    const Result<Engine::Mode> mode = m_engine->start(Engine::ExitWhen::Never);
    if (!mode) {
        m_engine.reset();
        m_error = mode.errorString();
        setState(State::Stopped);
        Q_EMIT failed(m_error);
        return;
    }
    if (*mode == Engine::Mode::Attached) {
        m_lockHolder = m_engine->lockHolder();
        setState(State::Attached);
        return;
    }
    if (m_paused)
        m_engine->setPaused(true);
    setState(m_paused ? State::Paused : State::Delivering);
}

bool DeliveryController::canControl() const
{
    return m_state == State::Starting || m_state == State::Delivering || m_state == State::Paused;
}

void DeliveryController::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    if (m_engine && m_engine->mode() == Engine::Mode::Running)
        m_engine->setPaused(paused);
    if (m_state == State::Delivering || m_state == State::Paused)
        setState(paused ? State::Paused : State::Delivering);
    else
        Q_EMIT stateChanged(); // the wish is kept for the next engine
}

void DeliveryController::wake()
{
    if (m_engine)
        m_engine->wake();
}

void DeliveryController::statusReported(const EngineStatus &status)
{
    m_status = status;
    Q_EMIT stateChanged();
}

void DeliveryController::engineFinished(const QString &error)
{
    m_status = EngineStatus{};
    m_error = error;
    setState(State::Stopped);
    if (!error.isEmpty())
        Q_EMIT failed(error);
}

void DeliveryController::setState(State state)
{
    m_state = state;
    Q_EMIT stateChanged();
}

QString DeliveryController::stateText() const
{
    switch (m_state) {
    case State::NoStore: return {};
    case State::ReadOnly: return tr("Read-only");
    case State::Starting: return tr("Starting delivery…");
    case State::Delivering: return tr("Delivering");
    case State::Paused: return tr("Delivery paused");
    case State::Attached: return tr("Attached: deliveries run in %1").arg(m_lockHolder);
    case State::Stopped: return m_error.isEmpty() ? tr("Delivery stopped") : tr("Delivery stopped: %1").arg(m_error);
    }
    return {};
}

} // namespace herald
