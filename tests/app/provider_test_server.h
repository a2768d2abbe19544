// A tiny OpenAI-compatible /v1/models endpoint on 127.0.0.1 for the provider tests (QTcpServer,
// one request per connection): answers the model list to the right key, 401 with an OpenAI-style
// error body to a wrong or missing one, and records each request's Authorization header.
#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QTcpServer>

namespace ponder::test {

class ModelsApiServer : public QObject {
    Q_OBJECT
public:
    explicit ModelsApiServer(QObject* parent = nullptr);
    bool listen();
    QString baseUrl() const;  // http://127.0.0.1:<port>/v1

    QStringList models = {QStringLiteral("deepseek-r1:7b"), QStringLiteral("llama3.2")};
    QByteArray requiredKey;  // empty: no key needed
    QList<QByteArray> authorizations;  // the Authorization header of each request ("" when none)
    QList<QByteArray> paths;

private:
    void onConnection();
    QTcpServer m_server;
};

} // namespace ponder::test
