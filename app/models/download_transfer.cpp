#include "models/download_transfer.h"

#include "ponder/engine.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>

namespace ponder::app {

namespace {

constexpr int kMaxRedirects = 10;

// "bytes 100-199/1000" -> start 100, total 1000; "bytes */1000" -> start -1, total 1000.
void parseContentRange(const QByteArray& header, qint64& start, qint64& total) {
    static const QRegularExpression re(QStringLiteral("^bytes\\s+(?:(\\d+)-\\d+|\\*)/(\\d+|\\*)$"));
    const QRegularExpressionMatch m = re.match(QString::fromLatin1(header).trimmed());
    start = m.hasMatch() && !m.captured(1).isEmpty() ? m.captured(1).toLongLong() : -1;
    total = m.hasMatch() && m.captured(2) != QLatin1String("*") ? m.captured(2).toLongLong() : -1;
}

// X-Linked-Etag: "<sha256 hex>" (quoted, sometimes weak W/"..."); anything else is not a digest.
QString sha256FromEtag(QByteArray etag) {
    etag = etag.trimmed();
    if (etag.startsWith("W/")) etag = etag.mid(2);
    if (etag.startsWith('"') && etag.endsWith('"') && etag.size() >= 2) etag = etag.mid(1, etag.size() - 2);
    static const QRegularExpression hex64(QStringLiteral("^[0-9a-fA-F]{64}$"));
    const QString s = QString::fromLatin1(etag).toLower();
    return hex64.match(s).hasMatch() ? s : QString();
}

bool isTransientNetworkError(QNetworkReply::NetworkError e) {
    switch (e) {
    case QNetworkReply::ConnectionRefusedError:
    case QNetworkReply::RemoteHostClosedError:
    case QNetworkReply::HostNotFoundError:
    case QNetworkReply::TimeoutError:
    case QNetworkReply::OperationCanceledError:  // the transfer timeout, not our abort
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
    case QNetworkReply::UnknownNetworkError:
    case QNetworkReply::ProxyConnectionClosedError:
    case QNetworkReply::ProxyTimeoutError:
    case QNetworkReply::ProxyConnectionRefusedError:
    case QNetworkReply::ProxyNotFoundError:
    case QNetworkReply::ServiceUnavailableError:
    case QNetworkReply::InternalServerError:
    case QNetworkReply::UnknownServerError:
        return true;
    default:
        return false;
    }
}

} // namespace

DownloadTransfer::DownloadTransfer(QNetworkAccessManager* network, const QUrl& url, const QString& partPath, QObject* parent)
    : QObject(parent), m_network(network), m_url(url), m_file(partPath) {}

DownloadTransfer::~DownloadTransfer() {
    if (m_reply) {
        m_reply->disconnect(this);
        m_reply->abort();
        m_reply->deleteLater();
    }
}

int DownloadTransfer::status() const {
    return m_reply ? m_reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() : 0;
}

void DownloadTransfer::start() {
    m_aborting = m_restart = m_restartedOnce = false;
    m_writeError.clear();
    m_redirects = 0;
    if (!m_file.isOpen() && !m_file.open(QIODevice::ReadWrite)) {
        finish(Result::FatalError, tr("Cannot write %1: %2").arg(m_file.fileName(), m_file.errorString()));
        return;
    }
    m_received = m_file.size();
    m_file.seek(m_received);
    request(m_url);
}

void DownloadTransfer::abort() {
    m_aborting = true;
    if (m_reply) m_reply->abort();  // finished -> Aborted
    else finish(Result::Aborted, {});
}

void DownloadTransfer::request(const QUrl& url) {
    m_currentUrl = url;
    m_accepting = false;
    QNetworkRequest req(url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    // No transparent gzip: byte ranges and Content-Length must be those of the file itself.
    req.setRawHeader("Accept-Encoding", "identity");
    req.setRawHeader("User-Agent", QByteArray("Ponder/") + ponder::engine_version());
    req.setTransferTimeout(m_timeoutMs);
    m_requestedFrom = m_received;
    if (m_received > 0) req.setRawHeader("Range", "bytes=" + QByteArray::number(m_received) + '-');
    m_reply = m_network->get(req);
    connect(m_reply, &QNetworkReply::metaDataChanged, this, &DownloadTransfer::onMetaData);
    connect(m_reply, &QNetworkReply::readyRead, this, &DownloadTransfer::onReadyRead);
    connect(m_reply, &QNetworkReply::finished, this, &DownloadTransfer::onFinished);
}

void DownloadTransfer::onMetaData() {
    const QString sha = sha256FromEtag(m_reply->rawHeader("X-Linked-Etag"));
    if (!sha.isEmpty()) m_serverSha256 = sha;
    const int code = status();
    const qint64 length = m_reply->header(QNetworkRequest::ContentLengthHeader).isValid()
                              ? m_reply->header(QNetworkRequest::ContentLengthHeader).toLongLong()
                              : -1;
    if (code == 200) {
        if (m_requestedFrom > 0) {
            // The server ignored the Range: what follows is the whole file.
            m_file.resize(0);
            m_file.seek(0);
            m_received = 0;
        }
        m_total = length;
        m_accepting = true;
    } else if (code == 206) {
        qint64 start = -1, total = -1;
        parseContentRange(m_reply->rawHeader("Content-Range"), start, total);
        if (start != m_requestedFrom) {
            m_restart = true;  // bytes from elsewhere than we asked: start over cleanly
            m_reply->abort();
            return;
        }
        m_total = total >= 0 ? total : (length >= 0 ? m_requestedFrom + length : -1);
        m_accepting = true;
    } else {
        return;  // redirects, 416 and errors are handled when the reply finishes
    }
    if (m_total >= 0) emit totalKnown(m_total);
}

void DownloadTransfer::onReadyRead() {
    if (!m_accepting || !m_reply) return;
    const QByteArray data = m_reply->readAll();
    if (m_file.write(data) != data.size()) {
        // Disk full or gone: stop the transfer; onFinished reports it.
        m_writeError = tr("Cannot write to %1: %2").arg(m_file.fileName(), m_file.errorString());
        m_accepting = false;
        m_reply->abort();
        return;
    }
    m_received += data.size();
    emit progress(m_received, m_total);
}

void DownloadTransfer::onFinished() {
    QNetworkReply* reply = m_reply;
    if (!reply) return;
    reply->disconnect(this);  // nothing more from this reply: a restart may already be running
    if (m_accepting && !m_aborting && reply->isOpen()) onReadyRead();  // whatever is still buffered
    m_reply = nullptr;
    reply->deleteLater();
    m_file.flush();
    if (!m_writeError.isEmpty()) {
        finish(Result::FatalError, m_writeError);
        return;
    }
    const int code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QNetworkReply::NetworkError error = reply->error();

    if (m_aborting) {
        finish(Result::Aborted, {});
        return;
    }
    if (m_restart) {
        restartFromZero();
        return;
    }
    if (code >= 300 && code < 400 && reply->hasRawHeader("Location")) {
        if (++m_redirects > kMaxRedirects) {
            finish(Result::FatalError, tr("Too many redirects from %1.").arg(m_url.host()));
            return;
        }
        request(m_currentUrl.resolved(QUrl::fromEncoded(reply->rawHeader("Location"))));
        return;
    }
    if (code == 416) {
        qint64 start = -1, total = -1;
        parseContentRange(reply->rawHeader("Content-Range"), start, total);
        if (total >= 0 && total == m_received) {
            m_total = total;
            finish(Result::Complete, {});
        } else {
            restartFromZero();  // the .part is longer than the file, or from another version
        }
        return;
    }
    if (code >= 400) {
        const QString reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        const QString text = tr("The server answered HTTP %1 %2 for %3.").arg(code).arg(reason, m_currentUrl.host());
        const bool transient = code >= 500 || code == 408 || code == 429;
        finish(transient ? Result::TransientError : Result::FatalError, text);
        return;
    }
    if (error != QNetworkReply::NoError) {
        const QString text = error == QNetworkReply::OperationCanceledError
                                 ? tr("No data from %1 for %2 s.").arg(m_currentUrl.host()).arg(m_timeoutMs / 1000)
                                 : tr("Network error: %1.").arg(reply->errorString());
        finish(isTransientNetworkError(error) ? Result::TransientError : Result::FatalError, text);
        return;
    }
    if (code != 200 && code != 206) {
        finish(Result::FatalError, tr("Unexpected HTTP status %1 from %2.").arg(code).arg(m_currentUrl.host()));
        return;
    }
    if (m_total >= 0 && m_received < m_total) {
        finish(Result::TransientError, tr("The connection closed after %1 of %2 bytes.").arg(m_received).arg(m_total));
        return;
    }
    if (m_total < 0) m_total = m_received;
    finish(Result::Complete, {});
}

void DownloadTransfer::restartFromZero() {
    if (m_restartedOnce) {
        finish(Result::FatalError, tr("The server's byte ranges do not match the partial download."));
        return;
    }
    m_restartedOnce = true;
    m_restart = false;
    m_file.resize(0);
    m_file.seek(0);
    m_received = 0;
    m_total = -1;
    request(m_url);
}

void DownloadTransfer::finish(Result result, const QString& message) {
    m_file.close();
    emit finished(result, message);
}

} // namespace ponder::app
