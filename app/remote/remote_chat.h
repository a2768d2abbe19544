// Chat completions from an OpenAI-compatible server over Qt Network: DeepSeek's platform, vLLM,
// SGLang, Ollama, LM Studio, Ponder's own `ponder-cli serve`. Used by the desktop app and by
// ponder-cli, so both behave the same. QtCore + QtNetwork only (no GUI).
//
//   RemoteChat chat(&network);
//   connect(&chat, &RemoteChat::reasoningDelta, ...);   // the thinking panel
//   connect(&chat, &RemoteChat::answerDelta, ...);
//   connect(&chat, &RemoteChat::finished, ...);         // always exactly once
//   chat.start(endpoint, spec);
//
// Security: certificate checks are never relaxed; plain http is refused unless the host is this
// machine or the local network (RemoteEndpoint::check). The API key is sent in the Authorization
// header and nowhere else: it is not logged, not put in errors, not kept after the request.
#pragma once

#include "remote/chat_request.h"
#include "remote/chat_stream_decoder.h"
#include "remote/sse_parser.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <memory>

namespace ponder::remote {

// How a base URL is reached.
enum class Transport { Https, PlainLoopback, PlainLan, PlainPublic, Invalid };

struct RemoteEndpoint {
    QString presetId = QStringLiteral("custom");  // provider_presets() id
    QString providerName;  // for messages ("DeepSeek"); the host when empty
    QString baseUrl;       // with or without a trailing "/v1" or "/"
    QString apiKey;        // empty: no Authorization header

    // The URL of an API path ("chat/completions", "models"), adding "/v1" unless the base URL
    // already ends in a version segment ("/v1", "/api/v3", ...).
    QUrl url(const QString& path) const;
    Transport transport() const;
    // Empty when requests may go to this endpoint; otherwise why not (no URL, not http(s), plain
    // http to a host that is neither this machine nor the local network).
    QString check() const;
    // A warning to show next to the base URL (plain http across the local network), or empty.
    QString warning() const;
    QString displayName() const;
};

// Classifies a host name or address literal: this machine, the local network, or elsewhere.
Transport transport_for(const QUrl& url);

// Makes `network` connect to plain-http servers on this machine or the local network directly,
// never through a proxy (http_proxy, the system's): a proxy would carry the API key and the
// conversation unencrypted off the local network. Other requests use the system's proxy as
// before. RemoteChat and RemoteModelList call it on the manager they are given.
void bypass_proxy_for_local_http(QNetworkAccessManager* network);

struct RemoteOptions {
    int connectTimeoutMs = 60000;   // until the response headers arrive
    int idleTimeoutMs = 120000;     // between two reads once streaming (DeepSeek sends keep-alives)
    int maxRetries = 3;             // 429 / 503 answers retried before any text arrived
    int maxRetryWaitS = 60;         // a longer Retry-After is reported instead of waited for
    int firstRetryWaitS = 1;        // when the server gives no Retry-After (doubles each time)
    bool inlineThinkOpen = true;    // see ChatStreamDecoder; RemoteChat::guessInlineThinkOpen()
};

// How a request ended. reason: "stop", "length" (max tokens), "cancelled", "error".
struct RemoteOutcome {
    QString reason;
    QString error;          // readable, one or two sentences; empty unless reason == "error"
    int httpStatus = 0;     // 0: no HTTP answer (connection, TLS, timeout)
    Usage usage;
    QString finishReason;   // as the server said it ("stop", "length", "content_filter", ...)
    qint64 firstTokenMs = -1;  // from start() to the first reasoning or answer text
    qint64 totalMs = 0;
    int retries = 0;
    bool receivedText = false;
};

class RemoteChat : public QObject {
    Q_OBJECT
public:
    explicit RemoteChat(QNetworkAccessManager* network, QObject* parent = nullptr);
    ~RemoteChat() override;

    void setOptions(const RemoteOptions& options) { m_options = options; }
    const RemoteOptions& options() const { return m_options; }

    // Starts a streamed request; finished() follows exactly once (asynchronously, even for an
    // endpoint that check() refuses). Not re-entrant: one request per object at a time.
    void start(const RemoteEndpoint& endpoint, const ChatRequestSpec& spec);
    // Aborts the request; finished("cancelled") follows with whatever text arrived.
    void cancel();
    bool running() const { return m_running; }

signals:
    void reasoningDelta(const QString& text);
    void answerDelta(const QString& text);
    // A 429 / 503 is being retried in `seconds`.
    void retrying(int attempt, int seconds, const QString& why);
    void finished(const ponder::remote::RemoteOutcome& outcome);

private:
    void send();
    void onReadyRead();
    void onReplyFinished();
    void onTimeout();
    void apply(const StreamUpdate& update);
    void finish(const QString& reason, const QString& error);
    QString networkErrorText(QNetworkReply* reply) const;
    QString streamErrorText(const StreamUpdate& u) const;

    QNetworkAccessManager* m_network;
    RemoteOptions m_options;
    RemoteEndpoint m_endpoint;
    QByteArray m_body;
    QPointer<QNetworkReply> m_reply;
    std::unique_ptr<SseParser> m_sse;
    std::unique_ptr<ChatStreamDecoder> m_decoder;
    QByteArray m_errorBody;      // the body of an HTTP error answer (bounded)
    QByteArray m_plainBody;      // a non-SSE 200 answer (a server ignoring stream=true)
    QTimer m_timer;              // connect / idle timeout
    QTimer m_retryTimer;
    QElapsedTimer m_clock;
    RemoteOutcome m_outcome;
    QStringList m_sslErrors;
    bool m_running = false, m_timedOut = false, m_cancelled = false, m_isEventStream = false;
    bool m_headersSeen = false, m_typeKnown = false;
};

// GET /v1/models: the model ids a server offers.
class RemoteModelList : public QObject {
    Q_OBJECT
public:
    explicit RemoteModelList(QNetworkAccessManager* network, QObject* parent = nullptr);
    void fetch(const RemoteEndpoint& endpoint, int timeoutMs = 15000);

signals:
    void finished(const QStringList& models, const QString& error);

private:
    QNetworkAccessManager* m_network;
};

// The message for a redirect answer (3xx), which is never followed.
QString redirectText(const QString& who, const QUrl& location);

// Model ids of a /v1/models answer ({"data":[{"id":...}]}; Ollama's {"models":[{"name"}]} too).
QStringList parse_model_list(const QByteArray& body, QString* error);

} // namespace ponder::remote

Q_DECLARE_METATYPE(ponder::remote::RemoteOutcome)
