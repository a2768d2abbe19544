// A scripted OpenAI-compatible server for the remote-provider tests, on 127.0.0.1. It answers
// every POST .../chat/completions from a scenario chosen by the request's "model" field, so one
// server replays every behaviour the client must survive:
//
//   deepseek-reasoner  reasoning_content chunks, then content, usage, [DONE] (DeepSeek's API)
//   reasoning-field    delta.reasoning instead of reasoning_content
//   inline-think       vLLM without a reasoning parser: "...</think>\n\nanswer" inline (template
//                      opened the thought), Transfer-Encoding: chunked, tags split across chunks
//   inline-open-think  the model writes "<think>" itself
//   keepalive          ": keep-alive" comments and blank lines between chunks, CRLF line ends
//   unauthorized 401 · no-balance 402 · bad-request 400 · unprocessable 422 · server-error 500
//   rate-limited       429 with Retry-After: 1 for the first two requests, then deepseek-style
//   always-429         429 with Retry-After: 1 every time
//   cut                some reasoning and answer, then the connection closes mid-stream
//   slow               headers, one chunk, then silence (idle timeout)
//   no-headers         accepts the request and never answers (connect timeout)
//   headers-then-think headers at once, then 0.4 s of silence before each chunk
//   empty-200          200 with an empty body
//   reuse              keep-alive, chunked, the body's end written 50 ms after [DONE]
//   malformed          a chunk that is not JSON
//   stream-error       an {"error":...} object inside the stream
//   no-stream          ignores stream=true and answers with one JSON object
//   echo               the answer is the last user message, reasoning is the message count
//   redirect           307 to another host (never followed: the key would go along)
//   auth-check         deepseek-style with "Authorization: Bearer sk-scripted-key", 401 otherwise
// GET .../models lists the scenario names. Qt Network only.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QTcpServer>
#include <QTcpSocket>

namespace ponder::testing {

struct RecordedRequest {
    QByteArray method, path;
    QHash<QByteArray, QByteArray> headers;  // names lower-cased
    QByteArray body;
};

class ScriptedServer : public QObject {
    Q_OBJECT
public:
    explicit ScriptedServer(QObject* parent = nullptr);
    ~ScriptedServer() override;
    bool listen(quint16 port = 0);  // 127.0.0.1; 0 picks a free port
    quint16 port() const { return m_server.serverPort(); }
    QString baseUrl() const;        // "http://127.0.0.1:PORT" (no /v1)
    const QList<RecordedRequest>& requests() const { return m_requests; }
    int count(const QByteArray& model) const { return m_perModel.value(model); }
    void reset() { m_requests.clear(); m_perModel.clear(); m_connections = 0; }
    int connections() const { return m_connections; }
    static QStringList scenarios();

signals:
    void requestReceived();

private:
    void onNewConnection();
    void onReadable(QTcpSocket* socket);
    void respond(QTcpSocket* socket, const RecordedRequest& request);

    QTcpServer m_server;
    QHash<QTcpSocket*, QByteArray> m_buffers;
    QList<RecordedRequest> m_requests;
    QHash<QByteArray, int> m_perModel;
    int m_connections = 0;
};

} // namespace ponder::testing
