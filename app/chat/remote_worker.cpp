#include "chat/remote_worker.h"

#include "ponder/streaming_writer.h"

#include <QElapsedTimer>
#include <QTimer>

namespace ponder::app {

using ponder::remote::RemoteChat;
using ponder::remote::RemoteOutcome;

QString RemoteTarget::displayName() const { return endpoint.displayName() + QStringLiteral(" · ") + model; }

RemoteWorker::RemoteWorker(const QString& databasePath, QObject* parent) : QObject(parent), m_database(databasePath) {
    qRegisterMetaType<GenerationRequest>();
    qRegisterMetaType<GenerationStatsSnapshot>();
    qRegisterMetaType<RemoteTarget>();
}

RemoteWorker::~RemoteWorker() = default;

void RemoteWorker::requestStop(quint64 id) {
    // A stop that overtakes its request (still in this thread's queue) cancels it on arrival.
    raiseStopCutoff(m_stopBelow, id);
    QMetaObject::invokeMethod(this, [this, id] { stop(id); }, Qt::QueuedConnection);
}

void RemoteWorker::stop(quint64 id) {
    if (RemoteChat* chat = m_running.value(id)) chat->cancel();
}

void RemoteWorker::requestAnswerNow(quint64 id) {
    QMetaObject::invokeMethod(this, [this, id] { answerNow(id); }, Qt::QueuedConnection);
}

namespace {
// The server's finish reason as the engine's: "stop" is the model ending its turn.
StopReason reasonFor(const RemoteOutcome& o) {
    if (o.reason == QLatin1String("stop")) return StopReason::Eos;
    if (o.reason == QLatin1String("length")) return StopReason::Length;
    if (o.reason == QLatin1String("cancelled")) return StopReason::Cancelled;
    return StopReason::Error;
}
} // namespace

// Everything for one request lives in this object, owned by the RemoteChat's lifetime.
struct RemoteWorker::Request {
    GenerationRequest request;
    std::unique_ptr<StreamingWriter> writer;
    GenerationStatsSnapshot snap;
    QString reasoningBuf, answerBuf;
    QElapsedTimer clock;
    bool answerStarted = false;
    int chunks = 0;  // text pieces received: a live estimate of tokens until usage arrives
};

void RemoteWorker::answerNow(quint64 id) {
    const std::shared_ptr<Request> state = m_requests.value(id);
    RemoteChat* chat = m_running.value(id);
    if (!state || !chat || state->answerStarted) return;
    // Never a fake answer: the thought is stopped and the record says no answer came. `at`
    // counts the pieces received (the server's token count comes only at the end, if at all).
    const std::string forced = forced_actions_to_json({ForcedAction{ForcedKind::Stopped, state->chunks, 0, 0}});
    state->snap.forcedThinking = QString::fromStdString(forced);
    emit thinkingForced(id, state->snap.forcedThinking);
    chat->cancel();
}

void RemoteWorker::generate(GenerationRequest request, RemoteTarget target) {
    if (!m_network) m_network = new QNetworkAccessManager(this);  // on this thread
    auto state = std::make_shared<Request>();
    state->request = request;
    state->clock.start();
    state->writer = m_database.writerFor(request.messageId);

    auto* chat = new RemoteChat(m_network, this);
    remote::RemoteOptions options = m_options;
    options.inlineThinkOpen = target.inlineThinkOpen;
    chat->setOptions(options);
    m_running.insert(request.id, chat);
    m_requests.insert(request.id, state);

    // Text reaches the GUI at most every ~30 ms, as from the local engine.
    auto* flushTimer = new QTimer(chat);
    flushTimer->setSingleShot(true);
    flushTimer->setInterval(30);
    const quint64 id = request.id;
    auto flush = [this, state, id] {
        if (!state->reasoningBuf.isEmpty()) emit reasoningDelta(id, std::exchange(state->reasoningBuf, {}));
        if (!state->answerBuf.isEmpty()) emit answerDelta(id, std::exchange(state->answerBuf, {}));
        emit progress(id, state->snap);
    };
    connect(flushTimer, &QTimer::timeout, this, flush);
    auto piece = [state, flushTimer](bool reasoning, const QString& text) {
        Request& s = *state;
        ++s.chunks;
        s.snap.generatedTokens = s.chunks;
        if (s.snap.firstTokenMs <= 0) s.snap.firstTokenMs = static_cast<double>(s.clock.elapsed());
        s.snap.generationMs = static_cast<double>(s.clock.elapsed()) - s.snap.firstTokenMs;
        if (!reasoning && !s.answerStarted) {
            s.answerStarted = true;
            s.snap.reasoningTokens = s.chunks - 1;
            s.snap.reasoningMs = static_cast<double>(s.clock.elapsed());
        }
        (reasoning ? s.reasoningBuf : s.answerBuf) += text;
        if (s.writer) {
            const std::string bytes = text.toStdString();
            if (reasoning) s.writer->add_reasoning(bytes);
            else s.writer->add_content(bytes);
        }
        if (!flushTimer->isActive()) flushTimer->start();
    };
    connect(chat, &RemoteChat::reasoningDelta, this, [piece](const QString& t) { piece(true, t); });
    connect(chat, &RemoteChat::answerDelta, this, [piece](const QString& t) { piece(false, t); });
    connect(chat, &RemoteChat::retrying, this, [this, id](int, int seconds, const QString& why) { emit retrying(id, seconds, why); });
    connect(chat, &RemoteChat::finished, this, [this, state, chat, flush, id](const RemoteOutcome& o) {
        flush();
        Request& s = *state;
        // The server's counts replace the live estimate when it sends them.
        if (o.usage.completion_tokens >= 0) s.snap.generatedTokens = static_cast<int>(o.usage.completion_tokens);
        if (o.usage.prompt_tokens >= 0) s.snap.promptTokens = static_cast<int>(o.usage.prompt_tokens);
        if (o.usage.reasoning_tokens >= 0) s.snap.reasoningTokens = static_cast<int>(o.usage.reasoning_tokens);
        if (o.firstTokenMs >= 0) {
            s.snap.firstTokenMs = static_cast<double>(o.firstTokenMs);
            s.snap.generationMs = static_cast<double>(o.totalMs - o.firstTokenMs);
        }
        if (!s.answerStarted) s.snap.reasoningMs = static_cast<double>(o.totalMs);
        const StopReason reason = reasonFor(o);
        if (s.writer) {
            std::string why;
            if (!s.writer->finish(messageStateFor(reason), s.snap.toMessageStats(), o.error.toStdString(), why))
                qWarning("ponder: saving the answer failed: %s", why.c_str());
        }
        m_running.remove(id);
        m_requests.remove(id);
        chat->deleteLater();
        emit finished(id, reason, o.error, s.snap);
    });
    chat->start(target.endpoint, requestSpec(request, target));
    if (id <= m_stopBelow.load()) chat->cancel();
}

remote::ChatRequestSpec RemoteWorker::requestSpec(const GenerationRequest& request, const RemoteTarget& target) {
    remote::ChatRequestSpec spec;
    spec.preset_id = target.endpoint.presetId.toStdString();
    spec.model = target.model.toStdString();
    for (const ChatTurn& t : request.turns) spec.messages.push_back({t.role.toStdString(), t.content.toStdString()});
    spec.sampling = target.sampling;
    if (request.maxTokens > 0) spec.sampling.max_tokens = request.maxTokens;
    if (request.thinking.budget >= 0) spec.sampling.thinking_budget = request.thinking.budget;
    spec.stream = true;
    return spec;
}

} // namespace ponder::app
