// RemoteModelList: GET /v1/models, for "Test connection" and the model list of a provider.
#include "remote/http_errors.h"
#include "remote/remote_chat.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QTimer>

namespace ponder::remote {

namespace {
QString qs(const std::string& s) { return QString::fromStdString(s); }
int http_status(QNetworkReply* reply) { return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(); }
} // namespace


RemoteModelList::RemoteModelList(QNetworkAccessManager* network, QObject* parent) : QObject(parent), m_network(network) {
    bypass_proxy_for_local_http(m_network);
}

QStringList parse_model_list(const QByteArray& body, QString* error) {
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    QStringList ids;
    if (!doc.isObject()) {
        if (error) *error = QObject::tr("The model list is not JSON.");
        return ids;
    }
    const QJsonObject o = doc.object();
    const QJsonArray data = o.value(QStringLiteral("data")).isArray() ? o.value(QStringLiteral("data")).toArray()
                                                                        : o.value(QStringLiteral("models")).toArray();
    for (const QJsonValue& v : data) {
        QString id = v.toObject().value(QStringLiteral("id")).toString();
        if (id.isEmpty()) id = v.toObject().value(QStringLiteral("name")).toString();
        if (!id.isEmpty() && !ids.contains(id)) ids << id;
    }
    if (ids.isEmpty() && error) *error = QObject::tr("The server lists no models.");
    return ids;
}

void RemoteModelList::fetch(const RemoteEndpoint& endpoint, int timeoutMs) {
    const QString refused = endpoint.check();
    if (!refused.isEmpty()) {
        QTimer::singleShot(0, this, [this, refused] { emit finished({}, refused); });
        return;
    }
    QNetworkRequest request(endpoint.url(QStringLiteral("models")));
    if (!endpoint.apiKey.isEmpty()) request.setRawHeader("Authorization", "Bearer " + endpoint.apiKey.toUtf8());
    request.setTransferTimeout(timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    QNetworkReply* reply = m_network->get(request);
    reply->setParent(this);  // goes with this object even if the answer never comes
    constexpr qint64 kMaxModelList = 4 * 1024 * 1024;
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received <= kMaxModelList) return;  // a model list is a few KB
        reply->setProperty("tooLarge", true);
        reply->abort();
    });
    const QString who = endpoint.displayName();
    connect(reply, &QNetworkReply::finished, this, [this, reply, who] {
        reply->deleteLater();
        const int status = http_status(reply);
        const QByteArray body = reply->readAll().left(4 * 1024 * 1024);
        if (reply->property("tooLarge").toBool()) {
            emit finished({}, tr("%1 sent a model list larger than 4 MB.").arg(who));
            return;
        }
        if (status == 0) {
            emit finished({}, reply->error() == QNetworkReply::OperationCanceledError
                                  ? tr("%1 did not answer in time.").arg(who)
                                  : tr("Could not reach %1: %2").arg(who, reply->errorString()));
            return;
        }
        if (status >= 300 && status < 400) {
            emit finished({}, redirectText(who, reply->header(QNetworkRequest::LocationHeader).toUrl()));
            return;
        }
        if (status >= 300) {
            emit finished({}, qs(describe_http_status(status, error_message_from_body(body.toStdString()), who.toStdString())));
            return;
        }
        QString error;
        QStringList ids = parse_model_list(body, &error);
        emit finished(ids, ids.isEmpty() ? error : QString());
    });
}

} // namespace ponder::remote
