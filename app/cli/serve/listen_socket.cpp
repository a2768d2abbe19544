#include "listen_socket.h"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ponder::serve {

namespace {

bool is_loopback(const sockaddr* a) {
    if (a->sa_family == AF_INET)
        return (ntohl(reinterpret_cast<const sockaddr_in*>(a)->sin_addr.s_addr) >> 24) == 127;
    if (a->sa_family == AF_INET6) {
        const in6_addr& v6 = reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(&v6) || (IN6_IS_ADDR_V4MAPPED(&v6) && v6.s6_addr[12] == 127);
    }
    return false;
}

addrinfo* resolve(const std::string& host, int port, std::string& error) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* res = nullptr;
    int rc = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res);
    if (rc != 0) {
        error = "cannot resolve host '" + host + "': " + gai_strerror(rc);
        return nullptr;
    }
    return res;
}

} // namespace

bool host_is_loopback(const std::string& host, bool& loopback, std::string& error) {
    addrinfo* res = resolve(host, 0, error);
    if (!res) return false;
    loopback = true;  // "localhost" may resolve to 127.0.0.1 and ::1: all of them must be loopback
    for (addrinfo* a = res; a; a = a->ai_next) loopback = loopback && is_loopback(a->ai_addr);
    freeaddrinfo(res);
    return true;
}

int open_listening_socket(const std::string& host, int port, std::string& error) {
    addrinfo* res = resolve(host, port, error);
    if (!res) return -1;
    std::string last = "no address";
    int listen_fd = -1;
    for (addrinfo* a = res; a && listen_fd < 0; a = a->ai_next) {
        int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) continue;
        int on = 1;  // a restarted server can take its port back while old connections linger
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        if (::bind(fd, a->ai_addr, a->ai_addrlen) == 0 && ::listen(fd, 128) == 0) {
            listen_fd = fd;
        } else {
            last = std::strerror(errno);
            ::close(fd);
        }
    }
    freeaddrinfo(res);
    if (listen_fd < 0) error = "cannot listen on " + host + ":" + std::to_string(port) + ": " + last;
    return listen_fd;
}

std::string listening_url(int fd) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len);
    char host[INET6_ADDRSTRLEN] = "?";
    if (ss.ss_family == AF_INET6) {
        auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
        inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof host);
        return "http://[" + std::string(host) + "]:" + std::to_string(ntohs(a->sin6_port));
    }
    auto* a = reinterpret_cast<sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &a->sin_addr, host, sizeof host);
    return "http://" + std::string(host) + ":" + std::to_string(ntohs(a->sin_port));
}

} // namespace ponder::serve
