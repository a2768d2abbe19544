// The Server's clocks, checked every poll() turn: stream keep-alives, and the deadlines that stop
// slow clients from holding a connection slot (slowloris) or output memory for ever.
#include "api.h"
#include "http_response.h"
#include "server_connection.h"

#include <cstdio>

namespace ponder::serve {

void Server::check_timers() {
    using Seconds = std::chrono::duration<double>;
    const auto now = Clock::now();
    for (auto& [id, cp] : connections_) {
        Connection& c = *cp;
        if (c.dead) continue;
        const bool reading = c.phase == Connection::Phase::Reading;
        if (c.phase != Connection::Phase::Draining && c.pending() &&
            now - c.write_progress >= Seconds(options_.write_timeout_s))
            drop(c, "stopped reading its response");
        else if (c.phase == Connection::Phase::Responding && c.stream && now - c.last_queued >= Seconds(options_.keep_alive_s))
            send_bytes(c, sse_piece(kSseKeepAlive, c.chunked));
        else if (reading && c.request_started && now - *c.request_started >= Seconds(options_.request_timeout_s))
            request_timed_out(c);
        // Idle from the last answer: bytes that start no request (empty lines) do not renew it.
        else if (reading && !c.pending() && !c.parser.in_progress() && now - c.idle_since >= Seconds(options_.idle_timeout_s))
            drop(c, nullptr);
        else if (c.phase == Connection::Phase::Draining && now >= c.drain_until)
            drop(c, nullptr);
    }
}

void Server::request_timed_out(Connection& c) {
    char message[120];
    std::snprintf(message, sizeof message, "The request did not arrive whole within %g seconds of its first byte.",
                  options_.request_timeout_s);
    ApiReply r = Api::parse_error(408, message);
    log_request("-", "-", r.status, 0, "request incomplete at the deadline");
    c.request_started.reset();
    c.phase = Connection::Phase::Closing;
    send_bytes(c, r.bytes);
}

} // namespace ponder::serve
