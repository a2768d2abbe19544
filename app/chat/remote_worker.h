// Answers from a remote provider (DeepSeek's API, vLLM, SGLang, Ollama, LM Studio, ponder-cli
// serve), with the same signals as EngineWorker so ChatController treats both alike. Lives on its
// own thread with its own database connection, like the engine worker: the answer is saved while
// it streams even when the GUI thread is busy, and a slow GUI never stalls reading the socket.
#pragma once

#include "chat/engine_worker.h"
#include "remote/remote_chat.h"

#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>

namespace ponder::app {

// Where the next answer comes from when it is not the local engine. Built by the providers side
// (app/providers) from a configured provider; the key is read from the keychain into memory only.
struct RemoteTarget {
    QString providerId;     // the configured provider's id, recorded on the conversation
    ponder::remote::RemoteEndpoint endpoint;
    QString model;          // the server's model id, e.g. "deepseek-reasoner"
    bool inlineThinkOpen = true;  // text sent inline starts inside "<think>" (R1 and distills)
    ponder::remote::RequestSampling sampling;  // the provider's defaults for this model
    QString systemPrompt;   // sent as a system message; empty: none
    QString displayName() const;  // "DeepSeek · deepseek-reasoner"
};

class RemoteWorker : public QObject {
    Q_OBJECT
public:
    explicit RemoteWorker(const QString& databasePath, QObject* parent = nullptr);
    ~RemoteWorker() override;

    // Any thread: stops request `id` (queued to this object's thread).
    void requestStop(quint64 id);
    // Any thread: "answer now" for request `id`. A server cannot be told to end a thought it is
    // writing, so a request still thinking is stopped and recorded as such (thinkingForced says
    // that no answer was produced); one already answering goes on.
    void requestAnswerNow(quint64 id);
    // For tests: timeouts and retry waits.
    void setOptions(const ponder::remote::RemoteOptions& options) { m_options = options; }

public slots:
    void generate(ponder::app::GenerationRequest request, ponder::app::RemoteTarget target);

signals:
    void reasoningDelta(quint64 id, QString text);
    void answerDelta(quint64 id, QString text);
    void progress(quint64 id, ponder::app::GenerationStatsSnapshot stats);
    // reason as EngineWorker's (Eos, Length, Cancelled, Error); saved before it arrives.
    void finished(quint64 id, ponder::StopReason reason, QString error, ponder::app::GenerationStatsSnapshot stats);
    void retrying(quint64 id, int seconds, QString why);
    void thinkingForced(quint64 id, QString forcedJson);  // as EngineWorker's

private:
    struct Request;
    void stop(quint64 id);
    void answerNow(quint64 id);
    static ponder::remote::ChatRequestSpec requestSpec(const GenerationRequest& request, const RemoteTarget& target);

    WorkerDatabase m_database;
    QNetworkAccessManager* m_network = nullptr;  // created on the worker thread
    ponder::remote::RemoteOptions m_options;
    QHash<quint64, ponder::remote::RemoteChat*> m_running;
    QHash<quint64, std::shared_ptr<Request>> m_requests;  // the same requests' state
    std::atomic<quint64> m_stopBelow{0};  // requests with id <= this are cancelled on arrival
};

} // namespace ponder::app

Q_DECLARE_METATYPE(ponder::app::RemoteTarget)
