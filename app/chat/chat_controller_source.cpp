// ChatController, where answers come from: the local engine (its model's name and state, as the
// loader reports them) or a remote provider (a RemoteTarget, answered by the RemoteWorker), and
// what a conversation records about it.
#include "chat/chat_controller.h"

namespace ponder::app {

namespace {
std::string str(const QString& s) { return s.toStdString(); }
} // namespace

void ChatController::setRemoteWorker(RemoteWorker* worker) {
    m_remoteWorker = worker;
    connect(this, &ChatController::remoteGenerateRequested, worker, &RemoteWorker::generate, Qt::QueuedConnection);
    connect(worker, &RemoteWorker::reasoningDelta, this, &ChatController::onReasoningDelta, Qt::QueuedConnection);
    connect(worker, &RemoteWorker::answerDelta, this, &ChatController::onAnswerDelta, Qt::QueuedConnection);
    connect(worker, &RemoteWorker::finished, this, &ChatController::onFinished, Qt::QueuedConnection);
    connect(worker, &RemoteWorker::retrying, this, &ChatController::onRetrying, Qt::QueuedConnection);
    connect(worker, &RemoteWorker::thinkingForced, this, &ChatController::onThinkingForced, Qt::QueuedConnection);
}

void ChatController::setRemoteTarget(const RemoteTarget& target) {
    m_remote = target;
    emit modelChanged();
    emit stateChanged();
}

void ChatController::useLocalModel() {
    m_remote.reset();
    emit modelChanged();
    emit stateChanged();
}

bool ChatController::modelReady() const {
    if (m_remote) return m_remoteWorker && m_remote->endpoint.check().isEmpty();
    return m_modelReady;
}

QString ChatController::modelName() const { return m_remote ? m_remote->displayName() : m_modelName; }

QString ChatController::modelStatus() const {
    if (!m_remote) return m_modelStatus;
    if (!m_remoteWorker) return tr("Remote providers are not available in this build.");
    const QString refused = m_remote->endpoint.check();
    return refused.isEmpty() ? tr("Answers come from %1").arg(m_remote->endpoint.displayName()) : refused;
}

QString ChatController::backendDescription() const {
    if (!m_remote) return m_backend;
    const QUrl url = m_remote->endpoint.url(QStringLiteral("chat/completions"));
    return m_remote->endpoint.warning().isEmpty() ? url.host() : tr("%1 (unencrypted http)").arg(url.host());
}

QString ChatController::answerModel() const { return m_remote ? m_remote->model : m_modelName; }

void ChatController::stopRequest(quint64 id) {
    if (m_requestRemote) {
        if (m_remoteWorker) m_remoteWorker->requestStop(id);
    } else {
        m_worker.requestStop(id);
    }
}

void ChatController::recordAnswerSource() {
    const QString provider = m_remote ? m_remote->providerId : QStringLiteral("local");
    const QString model = answerModel();
    if (!m_conversationId || (provider == m_conversationProvider && model == m_conversationModel)) return;
    Conversation c;
    std::string error;
    if (!m_store.get_conversation(m_conversationId, c, error)) return;
    c.settings.provider = str(provider);
    c.settings.model = str(model);
    if (!m_store.update_settings(m_conversationId, c.settings, error)) return;
    m_conversationProvider = provider;
    m_conversationModel = model;
}

void ChatController::setModelName(const QString& name) {
    m_modelName = name;
    emit modelChanged();
}

void ChatController::setModelStatus(const QString& status) {
    m_modelStatus = status;
    emit modelChanged();
    emit stateChanged();
}

void ChatController::onWorkerModelChanged(bool loaded, int contextLength, const QString& description) {
    m_modelReady = loaded;
    m_backend = loaded ? tr("%1, context %2").arg(description).arg(contextLength) : QString();
    if (!loaded && !description.isEmpty()) m_modelStatus = description;
    emit modelChanged();
    emit stateChanged();
}

void ChatController::onRetrying(quint64 id, int seconds, const QString& why) {
    if (id != m_requestId) return;
    emit retrying(seconds, why);
    emit notice(tr("%1 Retrying in %n s.", nullptr, seconds).arg(why));
}

} // namespace ponder::app
