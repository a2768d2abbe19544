// RemoteEndpoint: where requests go, and whether they may go there.
#include "remote/remote_chat.h"

#include <QHostAddress>
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
        if (address.isLoopback()) return Transport::PlainLoopback;
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

QUrl RemoteEndpoint::url(const QString& path) const {
    QString base = baseUrl.trimmed();
    while (base.endsWith(QLatin1Char('/'))) base.chop(1);
    // "https://api.deepseek.com" and "https://api.deepseek.com/v1" both work; so does a gateway
    // with its own version segment ("/api/v3").
    static const QRegularExpression version(QStringLiteral("/v[0-9]+[a-z0-9]*$"));
    if (!version.match(base).hasMatch()) base += QStringLiteral("/v1");
    return QUrl(base + QLatin1Char('/') + path);
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
