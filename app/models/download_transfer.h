// One HTTP(S) transfer of one file into a .part file, resumable: it continues from the .part's
// size with "Range: bytes=N-" and handles what servers answer to that:
//   206 Partial Content  appended, after checking Content-Range starts at N;
//   200 OK               the server ignored the range: the .part is restarted from zero;
//   416 Not Satisfiable  complete when Content-Range says the file is N bytes, else restart.
// Redirects are followed by hand (at most 10) so the headers of each hop can be read: Hugging
// Face's resolve/ URLs answer 302 with X-Linked-Etag, the file's SHA-256, before sending to
// their CDN. Retries, verification and the user's pause are the DownloadManager's.
#pragma once

#include <QFile>
#include <QObject>
#include <QPointer>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace ponder::app {

class DownloadTransfer : public QObject {
    Q_OBJECT
public:
    enum class Result {
        Complete,        // the .part holds the whole file
        Aborted,         // abort() was called; the .part keeps what arrived
        TransientError,  // worth retrying: connection lost, timeout, HTTP 5xx/408/429
        FatalError,      // retrying will not help: HTTP 4xx, disk write failure, too many redirects
    };
    Q_ENUM(Result)

    DownloadTransfer(QNetworkAccessManager* network, const QUrl& url, const QString& partPath, QObject* parent = nullptr);
    ~DownloadTransfer() override;

    void start();  // from the .part's current size
    void abort();  // finished(Aborted) follows
    void setTimeout(int ms) { m_timeoutMs = ms; }  // no bytes for this long: a transient error

    qint64 received() const { return m_received; }   // bytes in the .part
    qint64 total() const { return m_total; }         // -1 while unknown
    QString serverSha256() const { return m_serverSha256; }  // from X-Linked-Etag; empty if none

signals:
    void totalKnown(qint64 total);                   // once the response headers say it
    void progress(qint64 received, qint64 total);
    void finished(ponder::app::DownloadTransfer::Result result, const QString& message);

private:
    void request(const QUrl& url);
    void onMetaData();
    void onReadyRead();
    void onFinished();
    void restartFromZero();
    void finish(Result result, const QString& message);
    int status() const;

    QNetworkAccessManager* m_network;
    QUrl m_url, m_currentUrl;
    QFile m_file;
    QPointer<QNetworkReply> m_reply;
    qint64 m_received = 0, m_total = -1, m_requestedFrom = 0;
    QString m_serverSha256;
    QString m_writeError;         // set when the .part could not be written
    int m_redirects = 0;
    int m_timeoutMs = 60000;
    bool m_aborting = false;      // abort() by the user
    bool m_restart = false;       // we aborted to restart from zero (bad Content-Range)
    bool m_restartedOnce = false; // a second mismatch is an error, not a loop
    bool m_accepting = false;     // the current response's body goes into the file
};

} // namespace ponder::app
