#include "download_test_server.h"

#include <QPointer>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTimer>

namespace ponder::test {

DownloadTestServer::DownloadTestServer(QObject* parent) : QObject(parent) {
    connect(&m_server, &QTcpServer::newConnection, this, &DownloadTestServer::onConnection);
}

bool DownloadTestServer::listen() { return m_server.listen(QHostAddress::LocalHost, 0); }

QByteArray DownloadTestServer::url(const QByteArray& path) const {
    return "http://127.0.0.1:" + QByteArray::number(m_server.serverPort()) + path;
}

void DownloadTestServer::onConnection() {
    while (QTcpSocket* socket = m_server.nextPendingConnection()) {
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket, buffer] {
            buffer->append(socket->readAll());
            if (!buffer->contains("\r\n\r\n")) return;
            const QByteArray head = buffer->left(buffer->indexOf("\r\n\r\n"));
            buffer->clear();
            respond(socket, head);
        });
    }
}

void DownloadTestServer::respond(QTcpSocket* socket, const QByteArray& head) {
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    ReceivedRequest req;
    req.path = requestLine.value(1);
    for (const QByteArray& line : lines) {
        if (line.toLower().startsWith("range:")) req.range = line.mid(6).trimmed();
    }
    m_requests.append(req);

    auto reply = [socket](const QByteArray& status, const QList<QByteArray>& headers, const QByteArray& body = {}) {
        QByteArray out = "HTTP/1.1 " + status + "\r\nConnection: close\r\n";
        for (const QByteArray& h : headers) out += h + "\r\n";
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
        socket->write(out);
        socket->disconnectFromHost();
    };

    if (!m_files.contains(req.path)) {
        reply("404 Not Found", {}, "no such file");
        return;
    }
    ServedFile& file = m_files[req.path];
    if (file.failOnceWith) {
        const int status = file.failOnceWith;
        file.failOnceWith = 0;
        reply(QByteArray::number(status) + " Injected Failure", {}, "try again");
        return;
    }
    if (!file.redirectTo.isEmpty()) {
        QList<QByteArray> headers{"Location: " + file.redirectTo};
        if (!file.linkedEtag.isEmpty()) headers << "X-Linked-Etag: \"" + file.linkedEtag + "\"";
        reply("302 Found", headers);
        return;
    }
    const QByteArray& bytes = file.wrongBody.isEmpty() ? file.body : file.wrongBody;
    const qint64 total = bytes.size();
    qint64 start = 0;
    static const QRegularExpression rangeRe(QStringLiteral("^bytes=(\\d+)-$"));
    const QRegularExpressionMatch m = rangeRe.match(QString::fromLatin1(req.range));
    QByteArray headOut;
    if (m.hasMatch() && file.honourRange) {
        start = m.captured(1).toLongLong();
        if (start >= total) {
            reply("416 Range Not Satisfiable", {"Content-Range: bytes */" + QByteArray::number(total)});
            return;
        }
        headOut = "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes " + QByteArray::number(start) + "-" +
                  QByteArray::number(total - 1) + "/" + QByteArray::number(total) + "\r\n";
    } else {
        headOut = "HTTP/1.1 200 OK\r\n";
    }
    QByteArray body = bytes.mid(start);
    headOut += "Connection: close\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
               QByteArray::number(body.size()) + "\r\n\r\n";
    socket->write(headOut);
    if (file.dropAfter >= 0 && file.dropAfter < body.size()) {
        body.truncate(file.dropAfter);
        file.dropAfter = -1;
        socket->write(body);
        socket->disconnectFromHost();  // closed mid-body: fewer bytes than Content-Length said
        return;
    }
    sendBody(socket, body, file.chunkDelayMs);
}

void DownloadTestServer::sendBody(QTcpSocket* socket, QByteArray bytes, int delayMs) {
    if (delayMs <= 0) {
        socket->write(bytes);
        socket->disconnectFromHost();
        return;
    }
    // Throttled: 16 KiB every delayMs, so the client can act part-way.
    QPointer<QTcpSocket> guard(socket);
    const QByteArray chunk = bytes.left(16 << 10);
    socket->write(chunk);
    bytes.remove(0, chunk.size());
    if (bytes.isEmpty()) {
        socket->disconnectFromHost();
        return;
    }
    QTimer::singleShot(delayMs, this, [this, guard, bytes, delayMs] {
        if (guard && guard->state() == QAbstractSocket::ConnectedState) sendBody(guard, bytes, delayMs);
    });
}

} // namespace ponder::test
