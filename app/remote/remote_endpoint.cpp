// RemoteEndpoint: where requests go, and whether they may go there.
#include "remote/remote_chat.h"

#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkProxyFactory>
#include <QRegularExpression>

namespace ponder::remote {

namespace {

bool is_lan_v4(quint32 a) {
    return (a >> 24) == 10 || (a >> 20) == (172u << 4 | 1u) || (a >> 16) == (192u << 8 | 168u) ||
           (a >> 16) == (169u << 8 | 254u) || (a >> 22) == (100u << 2 | 1u);  // 100.64/10: CGNAT, Tailscale
}

} // namespace

Transport transport_for(const QUrl& url) {
    if (!url.isValid() || url.host().isEmpty()) return Transport::Invalid;
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("https")) return Transport::Https;
    if (scheme != QLatin1String("http")) return Transport::Invalid;
    const QString host = url.host().toLower();
    if (host == QLatin1String("localhost") || host.endsWith(QLatin1String(".localhost"))) return Transport::PlainLoopback;
    QHostAddress address;
    if (address.setAddress(host)) {
        // 0.0.0.0 / :: is what vLLM and uvicorn print when they listen everywhere; connecting to it
        // reaches this machine.
        if (address.isLoopback() || address == QHostAddress::AnyIPv4 || address == QHostAddress::AnyIPv6)
            return Transport::PlainLoopback;
        bool v4 = false;
        quint32 a = address.toIPv4Address(&v4);
        if (v4) return is_lan_v4(a) ? Transport::PlainLan : Transport::PlainPublic;
        if (address.isLinkLocal() || address.isUniqueLocalUnicast() || address.isSiteLocal()) return Transport::PlainLan;
        return Transport::PlainPublic;
    }
    // Names that only resolve on a local network: one label ("gpubox"), mDNS, and the reserved
    // private suffixes. Anything else could be anywhere.
    if (!host.contains(QLatin1Char('.'))) return Transport::PlainLan;
    for (const char* suffix : {".local", ".lan", ".home.arpa", ".internal", ".intranet", ".corp"})
        if (host.endsWith(QLatin1String(suffix))) return Transport::PlainLan;
    return Transport::PlainPublic;
}

namespace {
class LocalHttpDirectProxyFactory : public QNetworkProxyFactory {
public:
    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery& query) override {
        const Transport t = transport_for(query.url());
        if (t == Transport::PlainLoopback || t == Transport::PlainLan) return {QNetworkProxy(QNetworkProxy::NoProxy)};
        return systemProxyForQuery(query);
    }
};
} // namespace

void bypass_proxy_for_local_http(QNetworkAccessManager* network) {
    if (network && !dynamic_cast<LocalHttpDirectProxyFactory*>(network->proxyFactory()))
        network->setProxyFactory(new LocalHttpDirectProxyFactory);  // the manager owns it
}

QUrl RemoteEndpoint::url(const QString& path) const {
    QUrl u(baseUrl.trimmed());
    QString base = u.path();
    while (base.endsWith(QLatin1Char('/'))) base.chop(1);
    // "https://api.deepseek.com" and "https://api.deepseek.com/v1" both work; an address with a
    // path of its own is taken as given ("/api/v3", Gemini's "/v1beta/openai", a gateway's
    // "/openai"), and a query string stays a query string.
    if (base.isEmpty()) base = QStringLiteral("/v1");
    u.setPath(base + QLatin1Char('/') + path);
    return u;
}

Transport RemoteEndpoint::transport() const { return transport_for(QUrl(baseUrl.trimmed())); }

QString RemoteEndpoint::check() const {
    const QUrl u(baseUrl.trimmed());
    switch (transport()) {
    case Transport::Invalid:
        if (baseUrl.trimmed().isEmpty()) return QObject::tr("Enter the server's address, e.g. https://api.deepseek.com.");
        return QObject::tr("\"%1\" is not an http:// or https:// address.").arg(baseUrl.trimmed());
    case Transport::PlainPublic:
        return QObject::tr("Plain http is only allowed for servers on this computer or the local network; "
                           "use https:// for %1.").arg(u.host());
    default: return {};
    }
}

QString RemoteEndpoint::warning() const {
    if (transport() == Transport::PlainLan)
        return QObject::tr("Unencrypted http: messages%1 to %2 can be read by anyone on the network.")
            .arg(apiKey.isEmpty() ? QString() : QObject::tr(" and the API key"), QUrl(baseUrl.trimmed()).host());
    return {};
}

QString RemoteEndpoint::displayName() const {
    if (!providerName.isEmpty()) return providerName;
    const QString host = QUrl(baseUrl.trimmed()).host();
    return host.isEmpty() ? QObject::tr("The server") : host;
}

} // namespace ponder::remote
