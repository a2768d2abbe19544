// A small HTTP/1.1 file server on 127.0.0.1 for the download tests (QTcpServer, one request per
// connection). It serves byte ranges like a CDN and can misbehave on purpose: drop the connection
// part-way, answer 500 once, ignore Range, send other bytes than the file, redirect the way
// Hugging Face does (302 with X-Linked-Etag), send slowly so a test can pause mid-transfer.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QTcpServer>

class QTcpSocket;

namespace ponder::test {

struct ServedFile {
    QByteArray body;
    QByteArray wrongBody;        // when set, these bytes are sent instead (same length)
    bool honourRange = true;     // false: always 200 with the whole body
    qint64 dropAfter = -1;       // close the connection once, after this many body bytes
    int failOnceWith = 0;        // answer this status (e.g. 500) to the first request only
    QByteArray redirectTo;       // answer 302 to this path
    QByteArray linkedEtag;       // X-Linked-Etag on the 302 (quoted by the server)
    int chunkDelayMs = 0;        // pause between 16 KiB chunks
};

struct ReceivedRequest {
    QByteArray path;
    QByteArray range;  // the Range header, empty when none
};

class DownloadTestServer : public QObject {
    Q_OBJECT
public:
    explicit DownloadTestServer(QObject* parent = nullptr);
    bool listen();
    QByteArray url(const QByteArray& path) const;  // http://127.0.0.1:<port><path>

    void serve(const QByteArray& path, const ServedFile& file) { m_files[path] = file; }
    const QList<ReceivedRequest>& requests() const { return m_requests; }

private:
    void onConnection();
    void respond(QTcpSocket* socket, const QByteArray& head);
    void sendBody(QTcpSocket* socket, QByteArray bytes, int delayMs);

    QTcpServer m_server;
    QHash<QByteArray, ServedFile> m_files;
    QList<ReceivedRequest> m_requests;
};

} // namespace ponder::test
