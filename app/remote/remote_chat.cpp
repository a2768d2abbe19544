#include "remote/remote_chat.h"

#include "remote/http_errors.h"

#include <QDateTime>
#include <QNetworkRequest>
#include <QSslError>

namespace ponder::remote {

namespace {
constexpr qsizetype kMaxErrorBody = 64 * 1024;       // enough for any server's error JSON
constexpr qsizetype kMaxPlainBody = 32 * 1024 * 1024;  // a non-streamed answer

QString qs(const std::string& s) { return QString::fromStdString(s); }
int http_status(QNetworkReply* reply) { return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(); }
} // namespace

RemoteChat::RemoteChat(QNetworkAccessManager* network, QObject* parent) : QObject(parent), m_network(network) {
    qRegisterMetaType<RemoteOutcome>();
    bypass_proxy_for_local_http(m_network);
    m_timer.setSingleShot(true);
    m_retryTimer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &RemoteChat::onTimeout);
    connect(&m_retryTimer, &QTimer::timeout, this, &RemoteChat::send);
}

RemoteChat::~RemoteChat() {
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

void RemoteChat::start(const RemoteEndpoint& endpoint, const ChatRequestSpec& spec) {
    Q_ASSERT(!m_running);
    m_running = true;
    m_cancelled = m_timedOut = false;
    m_outcome = {};
    m_endpoint = endpoint;
    m_clock.start();
    m_decoder = std::make_unique<ChatStreamDecoder>(m_options.inlineThinkOpen);
    const QString refused = endpoint.check();
    if (!refused.isEmpty()) {
        // finished() always arrives asynchronously, so callers can connect after start().
        QTimer::singleShot(0, this, [this, refused] { finish(QStringLiteral("error"), refused); });
        return;
    }
    m_body = QByteArray::fromStdString(build_chat_request(spec));
    send();
}

void RemoteChat::send() {
    if (!m_running) return;
    QNetworkRequest request(m_endpoint.url(QStringLiteral("chat/completions")));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", "text/event-stream, application/json");
    if (!m_endpoint.apiKey.isEmpty()) request.setRawHeader("Authorization", "Bearer " + m_endpoint.apiKey.toUtf8());
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    // Never follow a redirect: Qt would resend the Authorization header to wherever it points.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    m_sse = std::make_unique<SseParser>();
    m_errorBody.clear();
    m_plainBody.clear();
    m_sslErrors.clear();
    m_headersSeen = m_typeKnown = m_isEventStream = false;
    m_reply = m_network->post(request, m_body);
    connect(m_reply, &QNetworkReply::readyRead, this, &RemoteChat::onReadyRead);
    // Headers in: the server is there. A server may then think (or queue) a while before the first
    // chunk, so the longer idle timeout applies from here on.
    connect(m_reply, &QNetworkReply::metaDataChanged, this, [this] {
        if (!m_running) return;
        m_headersSeen = true;
        m_timer.start(m_options.idleTimeoutMs);
    });
    connect(m_reply, &QNetworkReply::finished, this, &RemoteChat::onReplyFinished);
    connect(m_reply, &QNetworkReply::sslErrors, this, [this](const QList<QSslError>& errors) {
        for (const QSslError& e : errors) m_sslErrors << e.errorString();  // never ignored
    });
    m_timer.start(m_options.connectTimeoutMs);
}

void RemoteChat::onReadyRead() {
    QNetworkReply* reply = m_reply;
    if (!reply || !m_running) return;
    m_timer.start(m_options.idleTimeoutMs);
    const int status = http_status(reply);
    if (!m_typeKnown) {
        m_typeKnown = m_headersSeen = true;
        m_isEventStream = reply->header(QNetworkRequest::ContentTypeHeader).toString().contains(
            QLatin1String("text/event-stream"), Qt::CaseInsensitive);
    }
    const QByteArray bytes = reply->readAll();
    m_outcome.httpStatus = status;
    if (status < 200 || status >= 300) {
        m_errorBody.append(bytes.left(kMaxErrorBody - m_errorBody.size()));
        return;
    }
    if (!m_isEventStream) {
        if (m_plainBody.size() + bytes.size() > kMaxPlainBody) {
            finish(QStringLiteral("error"), tr("%1 sent an answer larger than %2 MB.").arg(m_endpoint.displayName()).arg(kMaxPlainBody >> 20));
            return;
        }
        m_plainBody.append(bytes);
        return;
    }
    std::vector<SseEvent> events;
    const bool ok = m_sse->push(std::string_view(bytes.constData(), static_cast<size_t>(bytes.size())), events);
    for (const SseEvent& e : events) {
        StreamUpdate u = m_decoder->push(e.data);
        apply(u);
        if (!u.error.empty()) {
            finish(QStringLiteral("error"), streamErrorText(u));
            return;
        }
        if (u.done) {
            finish(m_decoder->finish_reason() == "length" ? QStringLiteral("length") : QStringLiteral("stop"), {});
            return;
        }
    }
    if (!ok) finish(QStringLiteral("error"), tr("%1 sent a malformed stream: %2").arg(m_endpoint.displayName(), qs(m_sse->error())));
}

void RemoteChat::apply(const StreamUpdate& u) {
    if ((!u.reasoning.empty() || !u.answer.empty()) && !m_outcome.receivedText) {
        m_outcome.receivedText = true;
        m_outcome.firstTokenMs = m_clock.elapsed();
    }
    if (!u.reasoning.empty()) emit reasoningDelta(qs(u.reasoning));
    if (!u.answer.empty()) emit answerDelta(qs(u.answer));
    if (u.usage) m_outcome.usage = *u.usage;
    if (!u.finish_reason.empty()) m_outcome.finishReason = qs(u.finish_reason);
}

void RemoteChat::onTimeout() {
    if (!m_reply) return;
    m_timedOut = true;
    m_reply->abort();  // onReplyFinished reports it
}

void RemoteChat::onReplyFinished() {
    QNetworkReply* reply = m_reply;
    if (!reply) return;
    m_reply = nullptr;
    reply->deleteLater();
    m_timer.stop();
    if (!m_running) return;
    if (m_cancelled) return finish(QStringLiteral("cancelled"), {});
    const QString who = m_endpoint.displayName();
    const int status = http_status(reply);
    if (m_timedOut) {
        const bool streaming = m_headersSeen;
        const QString seconds = QString::number((streaming ? m_options.idleTimeoutMs : m_options.connectTimeoutMs) / 1000.0);
        return finish(QStringLiteral("error"),
                      streaming ? tr("%1 stopped sending for %2 s; the answer so far is kept.").arg(who).arg(seconds)
                                : tr("%1 did not answer within %2 s.").arg(who).arg(seconds));
    }
    if (status >= 300 || (status == 0 && reply->error() != QNetworkReply::NoError)) {
        if (status == 0) return finish(QStringLiteral("error"), networkErrorText(reply));
        m_outcome.httpStatus = status;
        m_errorBody.append(reply->readAll().left(kMaxErrorBody));
        std::string server = error_message_from_body(m_errorBody.toStdString());
        if (server.empty() && !m_errorBody.trimmed().startsWith('<'))  // plain text, not an HTML page
            server = m_errorBody.trimmed().left(300).toStdString();
        QString message = qs(describe_http_status(status, server, who.toStdString()));
        if (status >= 300 && status < 400)
            message = redirectText(who, reply->header(QNetworkRequest::LocationHeader).toUrl());
        if (status_is_retryable(status) && !m_outcome.receivedText && m_outcome.retries < m_options.maxRetries) {
            const QByteArray header = reply->rawHeader("Retry-After");
            std::optional<int> wait = parse_retry_after(header.toStdString(), QDateTime::currentSecsSinceEpoch());
            const int seconds = wait ? *wait : m_options.firstRetryWaitS << m_outcome.retries;
            if (seconds <= m_options.maxRetryWaitS) {
                ++m_outcome.retries;
                emit retrying(m_outcome.retries, seconds, message);
                m_retryTimer.start(seconds * 1000);
                return;
            }
            message += QLatin1Char(' ') + tr("It asks to wait %1 s before trying again.").arg(seconds);
        } else if (status_is_retryable(status) && m_outcome.retries > 0) {
            message += QLatin1Char(' ') + tr("(Tried %1 times.)").arg(m_outcome.retries + 1);
        }
        return finish(QStringLiteral("error"), message);
    }
    if (!m_typeKnown)
        m_isEventStream = reply->header(QNetworkRequest::ContentTypeHeader).toString().contains(
            QLatin1String("text/event-stream"), Qt::CaseInsensitive);
    if (!m_isEventStream) {
        // A server that ignored stream=true answered with one JSON object.
        m_plainBody.append(reply->readAll());
        if (m_plainBody.trimmed().isEmpty()) return finish(QStringLiteral("error"), tr("%1 sent an empty answer.").arg(who));
        StreamUpdate u = m_decoder->decode_response(m_plainBody.toStdString());
        apply(u);
        if (!u.error.empty()) return finish(QStringLiteral("error"), streamErrorText(u));
        return finish(m_decoder->finish_reason() == "length" ? QStringLiteral("length") : QStringLiteral("stop"), {});
    }
    // The stream ended without "data: [DONE]".
    if (reply->error() == QNetworkReply::NoError && !m_sse->in_event() && !m_decoder->finish_reason().empty())
        return finish(m_decoder->finish_reason() == "length" ? QStringLiteral("length") : QStringLiteral("stop"), {});
    finish(QStringLiteral("error"), m_outcome.receivedText
                                        ? tr("The connection to %1 was lost in the middle of the answer; the text so far is kept.").arg(who)
                                        : tr("The connection to %1 was lost before the answer began.").arg(who));
}

QString RemoteChat::streamErrorText(const StreamUpdate& u) const {
    return u.malformed ? tr("%1 sent a malformed chunk: %2").arg(m_endpoint.displayName(), qs(u.error))
                       : tr("%1 reported an error: %2").arg(m_endpoint.displayName(), qs(u.error));
}

QString RemoteChat::networkErrorText(QNetworkReply* reply) const {
    const QUrl url = reply->url();
    const QString host = url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
    switch (reply->error()) {
    case QNetworkReply::ConnectionRefusedError:
        return tr("Could not connect to %1: connection refused. Is the server running?").arg(host);
    case QNetworkReply::HostNotFoundError:
        return tr("The host %1 was not found. Check the address and the network connection.").arg(url.host());
    case QNetworkReply::SslHandshakeFailedError:
        return tr("The secure connection to %1 failed: %2. Ponder never accepts an invalid certificate.")
            .arg(host, m_sslErrors.isEmpty() ? reply->errorString() : m_sslErrors.join(QStringLiteral("; ")));
    case QNetworkReply::RemoteHostClosedError:
        return tr("%1 closed the connection before answering.").arg(host);
    case QNetworkReply::TimeoutError:
        return tr("The connection to %1 timed out.").arg(host);
    default:
        return tr("The request to %1 failed: %2").arg(host, reply->errorString());
    }
}

void RemoteChat::cancel() {
    if (!m_running) return;
    m_cancelled = true;
    if (m_retryTimer.isActive() || !m_reply) {
        m_retryTimer.stop();
        QTimer::singleShot(0, this, [this] { finish(QStringLiteral("cancelled"), {}); });
        return;
    }
    m_reply->abort();  // onReplyFinished reports it
}

void RemoteChat::finish(const QString& reason, const QString& error) {
    if (!m_running) return;
    m_running = false;
    m_timer.stop();
    m_retryTimer.stop();
    if (m_reply) {
        QNetworkReply* reply = m_reply;
        m_reply = nullptr;
        reply->disconnect(this);
        if (reason == QLatin1String("stop") || reason == QLatin1String("length")) {
            // After [DONE] the server ends the response (often in a separate write): let it, so
            // the connection is reused for the next turn; abort only one that never ends.
            connect(reply, &QNetworkReply::finished, reply, &QObject::deleteLater);
            QTimer::singleShot(5000, reply, [reply] {
                reply->abort();
                reply->deleteLater();
            });
        } else {
            reply->abort();
            reply->deleteLater();
        }
    }
    if (m_decoder) apply(m_decoder->finish());  // text the inline <think> splitter held back
    m_outcome.reason = reason;
    m_outcome.error = error;
    if (reason == QLatin1String("stop") && m_outcome.finishReason == QLatin1String("content_filter")) {
        m_outcome.reason = QStringLiteral("error");
        m_outcome.error = tr("%1 stopped the answer (content filter).").arg(m_endpoint.displayName());
    } else if (reason == QLatin1String("stop") && m_outcome.finishReason == QLatin1String("insufficient_system_resource")) {
        m_outcome.reason = QStringLiteral("error");
        m_outcome.error = tr("%1 ran out of capacity and stopped the answer; try again.").arg(m_endpoint.displayName());
    }
    m_outcome.totalMs = m_clock.elapsed();
    m_endpoint.apiKey.clear();  // not kept after the request
    emit finished(m_outcome);
}

QString redirectText(const QString& who, const QUrl& location) {
    return location.isEmpty()
               ? QObject::tr("%1 answered with a redirect; check the base URL.").arg(who)
               : QObject::tr("%1 redirects to %2. Ponder does not follow redirects, so the API key is never sent "
                             "elsewhere; if that is the right server, use its address as the base URL.")
                     .arg(who, location.toString(QUrl::RemoveUserInfo));
}

} // namespace ponder::remote
