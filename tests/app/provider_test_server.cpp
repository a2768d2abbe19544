#include "provider_test_server.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

namespace ponder::test {

ModelsApiServer::ModelsApiServer(QObject* parent) : QObject(parent) {
    connect(&m_server, &QTcpServer::newConnection, this, &ModelsApiServer::onConnection);
}

bool ModelsApiServer::listen() { return m_server.listen(QHostAddress::LocalHost); }

QString ModelsApiServer::baseUrl() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(m_server.serverPort()); }

void ModelsApiServer::onConnection() {
    while (QTcpSocket* socket = m_server.nextPendingConnection()) {
        auto buffer = std::make_shared<QByteArray>();
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer] {
            *buffer += socket->readAll();
            const qsizetype end = buffer->indexOf("\r\n\r\n");
            if (end < 0) return;
            const QList<QByteArray> lines = buffer->left(end).split('\n');
            const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
            paths << requestLine.value(1);
            QByteArray authorization;
            for (const QByteArray& line : lines)
                if (line.toLower().startsWith("authorization:")) authorization = line.mid(14).trimmed();
            authorizations << authorization;

            int status = 200;
            QJsonObject body;
            if (requestLine.value(1) != "/v1/models") {
                status = 404;
                body[QStringLiteral("error")] = QJsonObject{{QStringLiteral("message"), QStringLiteral("Not found")}};
            } else if (!requiredKey.isEmpty() && authorization != "Bearer " + requiredKey) {
                status = 401;
                body[QStringLiteral("error")] = QJsonObject{
                    {QStringLiteral("message"), QStringLiteral("Authentication Fails, Your api key is invalid")},
                    {QStringLiteral("type"), QStringLiteral("authentication_error")}};
            } else {
                QJsonArray data;
                for (const QString& id : models)
                    data.append(QJsonObject{{QStringLiteral("id"), id}, {QStringLiteral("object"), QStringLiteral("model")}});
                body[QStringLiteral("object")] = QStringLiteral("list");
                body[QStringLiteral("data")] = data;
            }
            const QByteArray json = QJsonDocument(body).toJson(QJsonDocument::Compact);
            const QByteArray reason = status == 200 ? "OK" : status == 401 ? "Unauthorized" : "Not Found";
            socket->write("HTTP/1.1 " + QByteArray::number(status) + ' ' + reason +
                          "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
                          QByteArray::number(json.size()) + "\r\n\r\n" + json);
            socket->disconnectFromHost();
        });
    }
}

} // namespace ponder::test
