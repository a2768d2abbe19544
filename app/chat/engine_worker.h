// The local engine on its own thread. The GUI thread talks to it by queued signals only; the one
// exception is requestStop(), which must reach a worker busy inside generate() and only sets
// atomic flags (the running request's cancel flag, the queued requests' cutoff).
#pragma once

#include "chat/worker_database.h"
#include "ponder/engine.h"
#include "ponder/conversation_store.h"
#include "ponder/storage.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QVector>
#include <atomic>
#include <memory>

namespace ponder::app {

struct ChatTurn {
    QString role;     // "system", "user", "assistant" (answer text only: reasoning is never resent)
    QString content;
};

struct GenerationRequest {
    quint64 id = 0;
    qint64 messageId = 0;  // the assistant message (state Streaming) the answer is saved into
    QVector<ChatTurn> turns;
    SamplerParams sampler;
    int maxTokens = -1;
    // Thinking budget, loop policy (its answer_now pointer unused: see requestAnswerNow()).
    ponder::ThinkingOptions thinking;
};

struct GenerationStatsSnapshot {
    int promptTokens = 0;
    int generatedTokens = 0;
    int reasoningTokens = 0;
    double promptMs = 0;
    double generationMs = 0;
    double firstTokenMs = 0;
    double reasoningMs = 0;  // from the start of generation to "</think>"; 0 while thinking
    QString forcedThinking;  // what the engine did to the thought: the engine's JSON list, or empty
    double tokensPerSecond() const { return generationMs > 0 ? 1000.0 * generatedTokens / generationMs : 0.0; }
    ponder::MessageStats toMessageStats() const;
};

// The stored state of an answer that ended for `reason` (see EngineWorker::finished).
ponder::MessageState messageStateFor(ponder::StopReason reason);

class EngineWorker : public QObject {
    Q_OBJECT
public:
    // Answers are saved into the database at `databasePath` through the worker's own connection
    // (opened on the worker thread), so the text is safe even while the GUI is busy.
    explicit EngineWorker(const QString& databasePath, QObject* parent = nullptr);
    ~EngineWorker() override;

    // How often streamed text is handed to the GUI (default 30 ms); 0 sends every piece.
    void setDeltaIntervalMs(int ms) { m_deltaIntervalMs = ms; }

    // Any thread: stops request `id` within one token, or before it starts if it is still queued.
    void requestStop(quint64 id);
    // Any thread: ends request `id`'s thought before its next token, and the model answers.
    void requestAnswerNow(quint64 id);

public slots:
    // A new model (or nullptr to unload); the KV session is rebuilt at contextLength (0: the
    // model's training context, capped by the engine).
    void setModel(std::shared_ptr<ponder::Model> model, int contextLength);
    void generate(ponder::app::GenerationRequest request);

signals:
    void modelChanged(bool loaded, int contextLength, QString description);
    // Pieces arrive coalesced (at most one signal per ~30 ms), so a fast model cannot flood the
    // GUI thread's event queue.
    void reasoningDelta(quint64 id, QString text);
    void answerDelta(quint64 id, QString text);
    void progress(quint64 id, ponder::app::GenerationStatsSnapshot stats);
    // The engine steered the thought (a budget or "answer now" ended it, a loop was found):
    // `forcedJson` is the whole list so far (ponder/thinking.h's JSON), after the text before it.
    void thinkingForced(quint64 id, QString forcedJson);
    // Why the answer ended (the engine's own StopReason; ContextFull also when the conversation no
    // longer fits before anything is generated). The message is already saved in its final
    // state when this arrives.
    void finished(quint64 id, ponder::StopReason reason, QString error, ponder::app::GenerationStatsSnapshot stats);

private:

    WorkerDatabase m_database;
    std::shared_ptr<ponder::Model> m_model;
    std::unique_ptr<ponder::Session> m_session;
    std::atomic<quint64> m_running{0};     // id of the request inside generate(), 0 when idle
    std::atomic<quint64> m_stopBelow{0};   // requests with id <= this are cancelled before starting
    std::atomic<bool> m_cancel{false};     // the running request's cancel flag (GenerateOptions::cancel)
    std::atomic<bool> m_answerNow{false};  // the running request's answer-now flag (ThinkingOptions::answer_now)
    std::atomic<quint64> m_answerNowId{0}; // the last request asked to answer now (it may not run yet)
    int m_contextLength = 0;
    std::atomic<int> m_deltaIntervalMs{30};
};

} // namespace ponder::app

Q_DECLARE_METATYPE(ponder::app::GenerationRequest)
Q_DECLARE_METATYPE(ponder::app::GenerationStatsSnapshot)
Q_DECLARE_METATYPE(std::shared_ptr<ponder::Model>)
Q_DECLARE_METATYPE(ponder::StopReason)
