#include "scripted_server.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

namespace ponder::testing {

namespace {

QByteArray chunk(const QJsonObject& delta, const QJsonValue& finish = QJsonValue::Null) {
    QJsonObject choice{{"index", 0}, {"delta", delta}, {"finish_reason", finish}};
    QJsonObject o{{"id", "chatcmpl-test"}, {"object", "chat.completion.chunk"}, {"created", 1700000000},
                  {"model", "scripted"}, {"choices", QJsonArray{choice}}};
    return "data: " + QJsonDocument(o).toJson(QJsonDocument::Compact) + "\n\n";
}

QByteArray usageChunk(int prompt, int completion, int reasoning) {
    QJsonObject usage{{"prompt_tokens", prompt}, {"completion_tokens", completion}, {"total_tokens", prompt + completion},
                      {"completion_tokens_details", QJsonObject{{"reasoning_tokens", reasoning}}}};
    QJsonObject o{{"id", "chatcmpl-test"}, {"object", "chat.completion.chunk"}, {"choices", QJsonArray{}}, {"usage", usage}};
    return "data: " + QJsonDocument(o).toJson(QJsonDocument::Compact) + "\n\n";
}

QByteArray head(int status, const QByteArray& reason, const QByteArray& type, const QByteArray& extra = {},
               bool close = true) {
    return "HTTP/1.1 " + QByteArray::number(status) + " " + reason + "\r\nContent-Type: " + type + "\r\n" +
           (close ? "Connection: close\r\n" : "") + extra + "\r\n";
}

QByteArray errorResponse(int status, const QByteArray& reason, const QByteArray& message, const QByteArray& extra = {}) {
    QJsonObject err{{"error", QJsonObject{{"message", QString::fromUtf8(message)}, {"type", "test_error"}, {"code", status}}}};
    QByteArray body = QJsonDocument(err).toJson(QJsonDocument::Compact);
    return head(status, reason, "application/json", extra + "Content-Length: " + QByteArray::number(body.size()) + "\r\n") + body;
}

// The DeepSeek-style answer every successful scenario gives: "Let me add 2 and 3." / "5".
QList<QByteArray> deepseekChunks(const char* reasoningKey) {
    return {chunk({{"role", "assistant"}, {"content", QJsonValue::Null}, {reasoningKey, ""}}),
            chunk({{reasoningKey, "Let me add "}}), chunk({{reasoningKey, "2 and 3."}}),
            chunk({{"content", "The answer is "}, {reasoningKey, QJsonValue::Null}}), chunk({{"content", "\\boxed{5}."}}),
            chunk({{"content", ""}}, "stop"), usageChunk(12, 9, 4), "data: [DONE]\n\n"};
}

QByteArray chunked(const QByteArray& piece) { return QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n"; }

} // namespace

ScriptedServer::ScriptedServer(QObject* parent) : QObject(parent) {
    connect(&m_server, &QTcpServer::newConnection, this, &ScriptedServer::onNewConnection);
}

ScriptedServer::~ScriptedServer() {
    // Connections still open (keep-alive) go with m_server, after the members their handlers use.
    for (QTcpSocket* s : m_server.findChildren<QTcpSocket*>()) s->disconnect(this);
}

bool ScriptedServer::listen(quint16 port) { return m_server.listen(QHostAddress::LocalHost, port); }

QString ScriptedServer::baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(port()); }

QStringList ScriptedServer::scenarios() {
    return {"deepseek-reasoner", "reasoning-field", "inline-think", "inline-open-think", "keepalive", "unauthorized",
            "no-balance", "bad-request", "unprocessable", "server-error", "rate-limited", "always-429", "cut", "slow",
            "no-headers", "malformed", "stream-error", "no-stream", "echo", "auth-check", "redirect", "headers-then-think", "reuse",
            "empty-200"};
}

void ScriptedServer::onNewConnection() {
    while (QTcpSocket* s = m_server.nextPendingConnection()) {
        ++m_connections;
        connect(s, &QTcpSocket::readyRead, this, [this, s] { onReadable(s); });
        connect(s, &QTcpSocket::disconnected, this, [this, s] {
            m_buffers.remove(s);
            s->deleteLater();
        });
    }
}

void ScriptedServer::onReadable(QTcpSocket* socket) {
    QByteArray& buf = m_buffers[socket];
    buf += socket->readAll();
    const qsizetype end = buf.indexOf("\r\n\r\n");
    if (end < 0) return;
    RecordedRequest r;
    const QList<QByteArray> lines = buf.left(end).split('\n');
    const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
    r.method = first.value(0);
    r.path = first.value(1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines[i].indexOf(':');
        if (colon > 0) r.headers.insert(lines[i].left(colon).trimmed().toLower(), lines[i].mid(colon + 1).trimmed());
    }
    const qsizetype length = r.headers.value("content-length", "0").toLongLong();
    if (buf.size() < end + 4 + length) return;  // the body is still arriving
    r.body = buf.mid(end + 4, length);
    buf.clear();
    m_requests.push_back(r);
    emit requestReceived();
    respond(socket, r);
}

void ScriptedServer::respond(QTcpSocket* socket, const RecordedRequest& request) {
    auto send = [socket](const QByteArray& bytes) { socket->write(bytes); };
    auto sendAndClose = [socket](const QByteArray& bytes) {
        socket->write(bytes);
        socket->disconnectFromHost();
    };
    auto sendLater = [socket](int ms, const QByteArray& bytes, bool close) {
        QTimer::singleShot(ms, socket, [socket, bytes, close] {
            socket->write(bytes);
            if (close) socket->disconnectFromHost();
        });
    };
    if (request.method == "GET" && request.path.endsWith("/models")) {
        QJsonArray data;
        for (const QString& id : scenarios()) data.append(QJsonObject{{"id", id}, {"object", "model"}});
        QByteArray body = QJsonDocument(QJsonObject{{"object", "list"}, {"data", data}}).toJson(QJsonDocument::Compact);
        send(head(200, "OK", "application/json", "Content-Length: " + QByteArray::number(body.size()) + "\r\n") + body);
        socket->disconnectFromHost();
        return;
    }
    const QJsonObject req = QJsonDocument::fromJson(request.body).object();
    const QByteArray model = req.value("model").toString().toUtf8();
    const int n = ++m_perModel[model];
    const QByteArray sse = head(200, "OK", "text/event-stream", "Cache-Control: no-cache\r\n");
    auto stream = [&](const QList<QByteArray>& chunks, int gapMs, bool close = true) {
        send(sse);
        int t = 0;
        for (qsizetype i = 0; i < chunks.size(); ++i) sendLater(t += gapMs, chunks[i], close && i + 1 == chunks.size());
    };
    if (model == "deepseek-reasoner" || (model == "rate-limited" && n > 2)) return stream(deepseekChunks("reasoning_content"), 5);
    if (model == "redirect")
        return sendAndClose(head(307, "Temporary Redirect", "text/plain",
                                 "Location: https://elsewhere.example/v1/chat/completions\r\nContent-Length: 0\r\n"));
    if (model == "auth-check") {
        if (request.headers.value("authorization") != "Bearer sk-scripted-key")
            return sendAndClose(errorResponse(401, "Unauthorized", "Authentication Fails (no such API key)"));
        return stream(deepseekChunks("reasoning_content"), 5);
    }
    if (model == "reasoning-field") return stream(deepseekChunks("reasoning"), 5);
    if (model == "headers-then-think") return stream(deepseekChunks("reasoning_content"), 400);  // silent 0.4 s after headers
    if (model == "empty-200") return sendAndClose(head(200, "OK", "application/json", "Content-Length: 0\r\n"));
    if (model == "reuse") {
        // A keep-alive server that ends the chunked body in a separate write after [DONE], as
        // uvicorn does: the client should wait for it and reuse the connection.
        send(head(200, "OK", "text/event-stream", "Transfer-Encoding: chunked\r\n", false));
        int t = 0;
        for (const QByteArray& c : deepseekChunks("reasoning_content")) sendLater(t += 2, chunked(c), false);
        sendLater(t + 50, chunked({}), false);
        return;
    }
    if (model == "inline-think" || model == "inline-open-think") {
        QList<QByteArray> pieces = {chunk({{"role", "assistant"}, {"content", ""}})};
        if (model == "inline-open-think") pieces << chunk({{"content", "<thi"}}) << chunk({{"content", "nk>\n"}});
        pieces << chunk({{"content", "Let me add "}}) << chunk({{"content", "2 and 3.\n</th"}})
               << chunk({{"content", "ink>\n\nThe answer is "}}) << chunk({{"content", "\\boxed{5}."}}, "stop")
               << "data: [DONE]\n\n";
        send(head(200, "OK", "text/event-stream", "Transfer-Encoding: chunked\r\n"));
        int t = 0;
        for (const QByteArray& p : pieces) sendLater(t += 5, chunked(p), false);
        sendLater(t + 5, chunked({}), true);
        return;
    }
    if (model == "keepalive") {
        QList<QByteArray> pieces;
        for (QByteArray c : deepseekChunks("reasoning_content")) {
            c.replace("\n\n", "\r\n\r\n");
            pieces << ": keep-alive\r\n\r\n" << "\r\n" << c;
        }
        return stream(pieces, 5);
    }
    if (model == "unauthorized")
        return sendAndClose(errorResponse(401, "Unauthorized", "Authentication Fails, Your api key: ****abcd is invalid"));
    if (model == "no-balance") return sendAndClose(errorResponse(402, "Payment Required", "Insufficient Balance"));
    if (model == "bad-request")
        return sendAndClose(errorResponse(400, "Bad Request", "The reasoning_content field is not allowed in input messages"));
    if (model == "unprocessable")
        return sendAndClose(errorResponse(422, "Unprocessable Entity", "Invalid max_tokens value, the valid range of max_tokens is [1, 8192]"));
    if (model == "server-error") return sendAndClose(errorResponse(500, "Internal Server Error", "Internal error"));
    if (model == "rate-limited" || model == "always-429")
        return sendAndClose(errorResponse(429, "Too Many Requests", "Rate limit reached", "Retry-After: 1\r\n"));
    if (model == "cut") {
        QList<QByteArray> c = deepseekChunks("reasoning_content").mid(0, 4);
        c.back().chop(3);  // the last chunk's JSON is cut off too
        return stream(c, 5);
    }
    if (model == "slow") return stream({deepseekChunks("reasoning_content")[1]}, 5, false);
    if (model == "no-headers") return;
    if (model == "malformed") return stream({deepseekChunks("reasoning_content")[1], "data: {\"choices\": [{\"delta\": \n\n"}, 5);
    if (model == "stream-error")
        return stream({deepseekChunks("reasoning_content")[1], "data: {\"error\": {\"message\": \"The model crashed\", \"code\": 500}}\n\n"}, 5);
    if (model == "no-stream") {
        QJsonObject msg{{"role", "assistant"}, {"content", "The answer is \\boxed{5}."}, {"reasoning_content", "Let me add 2 and 3."}};
        QJsonObject o{{"id", "chatcmpl-test"}, {"object", "chat.completion"},
                      {"choices", QJsonArray{QJsonObject{{"index", 0}, {"message", msg}, {"finish_reason", "stop"}}}},
                      {"usage", QJsonObject{{"prompt_tokens", 12}, {"completion_tokens", 9}}}};
        QByteArray body = QJsonDocument(o).toJson(QJsonDocument::Compact);
        send(head(200, "OK", "application/json", "Content-Length: " + QByteArray::number(body.size()) + "\r\n") + body);
        socket->disconnectFromHost();
        return;
    }
    if (model == "echo") {
        const QJsonArray messages = req.value("messages").toArray();
        const QString last = messages.isEmpty() ? QString() : messages.last().toObject().value("content").toString();
        return stream({chunk({{"reasoning_content", QString::number(messages.size())}}), chunk({{"content", last}}, "stop"),
                       "data: [DONE]\n\n"},
                      2);
    }
    send(errorResponse(404, "Not Found", "The model `" + model + "` does not exist"));
    socket->disconnectFromHost();
}

} // namespace ponder::testing
