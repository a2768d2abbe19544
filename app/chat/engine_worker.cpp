#include "chat/engine_worker.h"

#include "ponder/streaming_writer.h"

#include <QElapsedTimer>

namespace ponder::app {

ponder::MessageStats GenerationStatsSnapshot::toMessageStats() const {
    MessageStats st;
    st.prompt_tokens = promptTokens;
    st.generated_tokens = generatedTokens;
    st.prompt_tokens_per_s = promptMs > 0 ? 1000.0 * promptTokens / promptMs : 0;
    st.generation_tokens_per_s = tokensPerSecond();
    st.reasoning_ms = static_cast<int64_t>(reasoningMs);
    st.forced_thinking = forcedThinking.toStdString();
    return st;
}

ponder::MessageState messageStateFor(StopReason reason) {
    switch (reason) {
    case StopReason::Eos: case StopReason::Length: return MessageState::Complete;
    case StopReason::Cancelled: return MessageState::Cancelled;
    default: return MessageState::Error;  // an error or a full context: the text so far is kept with the message
    }
}

EngineWorker::EngineWorker(const QString& databasePath, QObject* parent)
    : QObject(parent), m_database(databasePath) {
    qRegisterMetaType<GenerationRequest>();
    qRegisterMetaType<GenerationStatsSnapshot>();
    qRegisterMetaType<std::shared_ptr<ponder::Model>>();
    qRegisterMetaType<ponder::StopReason>();
}

EngineWorker::~EngineWorker() = default;

void EngineWorker::requestStop(quint64 id) {
    raiseStopCutoff(m_stopBelow, id);
    if (m_running.load() == id) m_cancel.store(true);
}

void EngineWorker::requestAnswerNow(quint64 id) {
    m_answerNowId.store(id);  // a click just before the worker starts the request is kept
    if (id != 0 && m_running.load() == id) m_answerNow.store(true);
}

void EngineWorker::setModel(std::shared_ptr<ponder::Model> model, int contextLength) {
    // The old session (its KV cache) goes first, so memory never holds two caches at once.
    m_session.reset();
    m_model.reset();
    std::unique_ptr<ponder::Session> session;
    QString description;
    std::string error;
    if (model) {
        SessionOptions so;
        so.n_ctx = contextLength;
        session = Session::create(model, so, error);
        if (session) description = QString::fromStdString(model_backend_description(*model));
    }
    m_session = std::move(session);
    m_model = m_session ? model : nullptr;
    m_contextLength = m_session ? m_session->n_ctx() : 0;
    if (model && !m_session)
        emit modelChanged(false, 0, tr("Could not start a session: %1").arg(QString::fromStdString(error)));
    else
        emit modelChanged(m_session != nullptr, m_contextLength, description);
}

void EngineWorker::generate(GenerationRequest request) {
    GenerationStatsSnapshot snap;
    std::unique_ptr<StreamingWriter> writer = m_database.writerFor(request.messageId);
    // Every way out saves the message in a final state before telling the GUI.
    auto end = [&](StopReason reason, const QString& message) {
        if (writer) {
            std::string why;
            if (!writer->finish(messageStateFor(reason), snap.toMessageStats(), message.toStdString(), why))
                qWarning("ponder: saving the answer failed: %s", why.c_str());
        }
        emit finished(request.id, reason, message, snap);
    };
    if (request.id <= m_stopBelow.load()) {
        end(StopReason::Cancelled, {});
        return;
    }
    if (!m_session) {
        end(StopReason::Error, tr("No model is loaded."));
        return;
    }
    std::vector<ChatMessage> messages;
    for (const ChatTurn& t : request.turns) messages.push_back({t.role.toStdString(), t.content.toStdString()});
    const Tokenizer& tok = model_tokenizer(*m_model);
    ChatTemplateKind kind = model_chat_template(*m_model);
    if (kind == ChatTemplateKind::Unsupported) {
        end(StopReason::Error, QString::fromStdString(model_chat_template_error(*m_model)));
        return;
    }
    ChatRenderOptions ro;
    ro.think_prefix = kind == ChatTemplateKind::DeepSeekR1;
    std::vector<int32_t> prompt;
    std::string error;
    if (!chat_render_tokens(tok, messages, ro, prompt, error)) {
        end(StopReason::Error, QString::fromStdString(error));
        return;
    }
    snap.promptTokens = static_cast<int>(prompt.size());
    // Leave room for an answer: a prompt that fills the context cannot be answered.
    constexpr int kMinRoom = 64;
    if (snap.promptTokens + kMinRoom > m_session->n_ctx()) {
        end(StopReason::ContextFull,
            tr("This conversation (%1 tokens) no longer fits the model's context of %2 tokens.")
                .arg(snap.promptTokens)
                .arg(m_session->n_ctx()));
        return;
    }

    GenerateOptions go;
    go.sampler = request.sampler;
    go.n_predict = request.maxTokens;
    go.prompt_opens_think = ro.think_prefix;
    go.thinking = request.thinking;
    go.thinking.answer_now = &m_answerNow;
    QString reasoningBuf, answerBuf;
    QElapsedTimer sinceFlush, clock;
    sinceFlush.start();
    clock.start();
    bool answerStarted = false;
    auto flush = [&] {
        if (!reasoningBuf.isEmpty()) emit reasoningDelta(request.id, std::exchange(reasoningBuf, {}));
        if (!answerBuf.isEmpty()) emit answerDelta(request.id, std::exchange(answerBuf, {}));
        emit progress(request.id, snap);
        sinceFlush.restart();
    };
    std::vector<ForcedAction> forced;
    auto onEvent = [&](const Event& e) {
        if (e.kind == EventKind::Forced) {
            forced.push_back(e.forced);
            snap.forcedThinking = QString::fromStdString(forced_actions_to_json(forced));
            flush();  // the text before the mark first
            emit thinkingForced(request.id, snap.forcedThinking);
            return;
        }
        if (e.kind != EventKind::Reasoning && e.kind != EventKind::Answer) return;
        snap.generatedTokens = e.stats.generated_tokens;
        snap.firstTokenMs = e.stats.first_token_ms;
        snap.promptMs = e.stats.prompt_ms;
        snap.generationMs = static_cast<double>(clock.elapsed()) - snap.promptMs;
        if (e.kind == EventKind::Answer && !answerStarted) {
            answerStarted = true;
            snap.reasoningTokens = e.stats.reasoning_tokens;
            snap.reasoningMs = static_cast<double>(clock.elapsed());
        }
        (e.kind == EventKind::Reasoning ? reasoningBuf : answerBuf) += QString::fromStdString(e.text);
        if (writer) {
            if (e.kind == EventKind::Reasoning) writer->add_reasoning(e.text);
            else writer->add_content(e.text);
        }
        // ~30 updates a second are smooth and keep the GUI thread's queue short even at hundreds
        // of tokens per second.
        if (sinceFlush.elapsed() >= m_deltaIntervalMs.load()) flush();
    };
    // The request's own flag: generate() never clears it, so a stop landing between these lines and
    // the start of generation is not lost (Session::cancel()'s flag is reset when generate starts).
    m_cancel.store(false);
    m_answerNow.store(false);
    go.cancel = &m_cancel;
    m_running.store(request.id);
    if (request.id <= m_stopBelow.load()) m_cancel.store(true);  // stop arrived while we set up
    if (m_answerNowId.load() == request.id) m_answerNow.store(true);
    GenerateResult r = m_session->generate(prompt, go, onEvent);
    m_running.store(0);
    flush();

    snap.generatedTokens = r.stats.generated_tokens;
    snap.promptTokens = r.stats.prompt_tokens;
    snap.promptMs = r.stats.prompt_ms;
    snap.generationMs = r.stats.generation_ms;
    snap.firstTokenMs = r.stats.first_token_ms;
    if (!answerStarted) {
        snap.reasoningTokens = ro.think_prefix ? snap.generatedTokens : 0;
        snap.reasoningMs = ro.think_prefix ? static_cast<double>(clock.elapsed()) : 0;
    }
    QString message = QString::fromStdString(r.error);
    if (r.reason == StopReason::ContextFull)
        message = tr("The context of %1 tokens is full; the answer was cut here.").arg(m_session->n_ctx());
    end(r.reason, message);
}

} // namespace ponder::app
