// The listening socket of ponder-cli serve, and the rule about which hosts are safe without a key.
#pragma once

#include <string>

namespace ponder::serve {

// Whether every address `host` resolves to is a loopback one (127.0.0.0/8, ::1). false with
// `error` set when the host does not resolve at all.
bool host_is_loopback(const std::string& host, bool& loopback, std::string& error);

// A non-blocking socket listening on host:port (port 0: a free one), or -1 with `error`.
int open_listening_socket(const std::string& host, int port, std::string& error);

// "http://HOST:PORT" (IPv6 hosts in brackets) of a listening socket: the port it really got.
std::string listening_url(int fd);

} // namespace ponder::serve
