// The socket side of ponder-cli serve: one thread, poll(), non-blocking sockets. It accepts
// connections, feeds their bytes to the HTTP parser, hands complete requests to the Api, queues
// completions on the GenerationWorker and writes back what the worker produces. A client that
// goes away cancels its completion; SIGINT/SIGTERM stop everything and run() returns.
#pragma once

#include "api.h"
#include "generation_worker.h"
#include "http_request.h"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace ponder::serve {

struct ServeOptions {
    std::string host = "127.0.0.1";
    int port = 8080;                 // 0: a free port
    size_t max_waiting = 16;         // completions waiting behind the running one; beyond: 503
    size_t max_connections = 256;    // beyond: 503 and close
    double keep_alive_s = 5;         // SSE comment on a stream that had nothing to send this long
    double idle_timeout_s = 60;      // an idle keep-alive connection is closed after this
    // Slow clients hold a slot each (slowloris): a request must arrive whole this long after its
    // first byte (else 408), and a response must make progress this often (else the connection
    // closes). --request-timeout sets both.
    double request_timeout_s = 30;
    double write_timeout_s = 30;
    HttpLimits limits;
};

class Server {
public:
    Server(Api& api, Session& session, ServeOptions options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Binds and listens; false with a message when it cannot (address in use, bad host).
    bool listen(std::string& error);
    // "http://HOST:PORT" of the bound socket (the real port when --port 0).
    std::string url() const;
    // Serves until SIGINT or SIGTERM.
    void run();

private:
    using Clock = std::chrono::steady_clock;
    struct Connection;

    void accept_connections();
    bool wants_input(const Connection& c) const;
    void read_from(Connection& c);
    void process_requests(Connection& c);
    void deliver_outputs();
    void send_bytes(Connection& c, std::string_view bytes);
    void flush(Connection& c);
    void drop(Connection& c, const char* why);
    void check_timers();
    void request_timed_out(Connection& c);
    void log_request(const std::string& method, const std::string& path, int status, double ms, const std::string& extra = {});

    Api& api_;
    ServeOptions options_;
    int listen_fd_ = -1, wake_fd_ = -1;
    std::map<uint64_t, std::unique_ptr<Connection>> connections_;
    uint64_t next_connection_ = 1;
    std::unique_ptr<GenerationWorker> worker_;  // last: it stops before the descriptors close
};

} // namespace ponder::serve
