// One client connection of the Server (socket thread only), and how much unread output it may
// hold. Shared by server.cpp and server_timers.cpp.
#pragma once

#include "server.h"

#include <optional>

namespace ponder::serve {

// Output a client has not read yet. Past kPauseOutput no further pipelined request is read or
// answered (TCP pushes back on the client instead of the server buffering answers); a stream this
// far behind (the worker does not wait for one slow client) is closed past kMaxPendingOutput.
inline constexpr size_t kPauseOutput = 256u << 10;
inline constexpr size_t kMaxPendingOutput = 4u << 20;
inline constexpr size_t kKeepCapacity = 1u << 20;  // an output buffer that grew past this is freed once sent
inline constexpr double kDrainSeconds = 2;         // lingering close: see Connection::Phase::Draining

struct Server::Connection {
    enum class Phase {
        Reading,     // waiting for (more of) a request
        Responding,  // a completion is queued or running; its bytes come from the worker
        Closing,     // send what is left, then close
        Draining,    // written side shut; read and discard until the client closes, so the kernel
                     // does not reset the connection (and lose our answer) over unread request bytes
    };
    int fd = -1;
    uint64_t id = 0;
    HttpRequestParser parser;
    std::string out;
    size_t out_sent = 0;
    Phase phase = Phase::Reading;
    uint64_t job = 0;
    bool stream = false, chunked = true, close_after = false;
    Clock::time_point idle_since;                      // Reading with nothing in progress since then
    std::optional<Clock::time_point> request_started;  // the first byte of the request being read
    Clock::time_point last_queued, write_progress, drain_until;
    bool dead = false;
    explicit Connection(const HttpLimits& l) : parser(l) {}
    size_t pending() const { return out.size() - out_sent; }
};

} // namespace ponder::serve
