// Which requests a ponder-cli serve without an API key answers: only those a program on this
// machine sent on purpose. A web page the user visits can also reach 127.0.0.1; two headers tell
// it apart. Host names the server as the browser saw it: after DNS rebinding it is the attacker's
// name (evil.example), never a loopback literal or "localhost". Origin is sent by browsers on
// every cross-site POST, and names the page's site. Pure functions, so they are unit-tested alone.
#pragma once

#include <string_view>

namespace ponder::serve {

// Whether a Host header value ("name[:port]", "[v6]:port") names this machine's loopback: a
// 127.0.0.0/8 or ::1 literal, "localhost", or `listen_host` (the --host the server was given,
// which without a key is loopback); any port. Case-insensitive.
bool host_header_is_local(std::string_view host, std::string_view listen_host);

// Whether an Origin header value is a page served from loopback: http(s)://HOST[:port] with HOST
// as host_header_is_local accepts it (without `listen_host`). "null" (sandboxed and file pages)
// and other schemes are not.
bool origin_is_local(std::string_view origin);

} // namespace ponder::serve
