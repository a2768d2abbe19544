#include "local_origin.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string>

namespace ponder::serve {

namespace {

bool iequal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
        if (x != y) return false;
    }
    return true;
}

// A port after the host: 1 to 5 digits. An empty one is refused: nothing legitimate sends it.
bool valid_port(std::string_view p) {
    if (p.empty() || p.size() > 5) return false;
    for (char c : p)
        if (c < '0' || c > '9') return false;
    return true;
}

// Strict literals only (inet_pton): "127.1" or "0x7f.0.0.1" are what a browser would have
// normalised away, so seeing them means something else built the header.
bool loopback_v4(std::string_view s) {
    in_addr a{};
    return inet_pton(AF_INET, std::string(s).c_str(), &a) == 1 && (ntohl(a.s_addr) >> 24) == 127;
}

bool loopback_v6(std::string_view s) {
    in6_addr a{};
    if (inet_pton(AF_INET6, std::string(s).c_str(), &a) != 1) return false;
    return IN6_IS_ADDR_LOOPBACK(&a) || (IN6_IS_ADDR_V4MAPPED(&a) && a.s6_addr[12] == 127);
}

} // namespace

bool host_header_is_local(std::string_view host, std::string_view listen_host) {
    if (!host.empty() && host.front() == '[') {  // an IPv6 literal, the only form with colons inside
        size_t close = host.find(']');
        if (close == std::string_view::npos) return false;
        std::string_view rest = host.substr(close + 1);
        if (!rest.empty() && (rest.front() != ':' || !valid_port(rest.substr(1)))) return false;
        return loopback_v6(host.substr(1, close - 1));
    }
    size_t colon = host.find(':');
    std::string_view name = host.substr(0, colon);
    if (colon != std::string_view::npos && !valid_port(host.substr(colon + 1))) return false;
    if (name.empty()) return false;
    return iequal(name, "localhost") || loopback_v4(name) || (!listen_host.empty() && iequal(name, listen_host));
}

bool origin_is_local(std::string_view origin) {
    size_t sep = origin.find("://");
    if (sep == std::string_view::npos) return false;
    std::string_view scheme = origin.substr(0, sep);
    if (!iequal(scheme, "http") && !iequal(scheme, "https")) return false;
    return host_header_is_local(origin.substr(sep + 3), {});
}

} // namespace ponder::serve
