#include "server.h"

#include "http_response.h"
#include "listen_socket.h"
#include "server_connection.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace ponder::serve {

namespace {

int g_signal_pipe[2] = {-1, -1};  // the signal handler's only action: one byte into this pipe
void on_stop_signal(int) {
    char b = 1;
    [[maybe_unused]] ssize_t n = ::write(g_signal_pipe[1], &b, 1);
}

// Paths go into the log, so anything unprintable is replaced and the length bounded.
std::string printable(std::string_view s) {
    std::string out;
    for (char c : s.substr(0, 120)) out += (c > 0x20 && c < 0x7f) ? c : '?';
    return out;
}

} // namespace

Server::Server(Api& api, Session& session, ServeOptions options) : api_(api), options_(std::move(options)) {
    wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    worker_ = std::make_unique<GenerationWorker>(session, options_.max_waiting, [fd = wake_fd_] {
        uint64_t one = 1;
        [[maybe_unused]] ssize_t n = ::write(fd, &one, sizeof one);
    });
}

Server::~Server() {
    worker_.reset();  // joins the thread before the descriptors it signals go away
    for (auto& [id, c] : connections_) ::close(c->fd);
    if (listen_fd_ >= 0) ::close(listen_fd_);
    if (wake_fd_ >= 0) ::close(wake_fd_);
}

bool Server::listen(std::string& error) {
    listen_fd_ = open_listening_socket(options_.host, options_.port, error);
    if (listen_fd_ < 0) return false;
    // From here on SIGINT/SIGTERM end run() cleanly (exit status 0) instead of killing the process.
    if (pipe2(g_signal_pipe, O_NONBLOCK | O_CLOEXEC) != 0) {
        error = std::string("cannot create a pipe: ") + std::strerror(errno);
        return false;
    }
    struct sigaction sa{};
    sa.sa_handler = on_stop_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    std::signal(SIGPIPE, SIG_IGN);  // a closed peer is an error return, not a death
    return true;
}

std::string Server::url() const { return listening_url(listen_fd_); }

void Server::run() {
    const double shortest = std::min({options_.keep_alive_s, options_.request_timeout_s, options_.write_timeout_s});
    const int tick_ms = static_cast<int>(std::clamp(shortest * 1000 / 4, 5.0, 1000.0));
    std::vector<pollfd> fds;
    std::vector<Connection*> polled;
    for (;;) {
        fds.assign({{g_signal_pipe[0], POLLIN, 0}, {wake_fd_, POLLIN, 0}, {listen_fd_, POLLIN, 0}});
        polled.clear();
        for (auto& [id, c] : connections_) {
            short events = POLLRDHUP;  // a client's close is seen even while its bytes wait unread
            if (wants_input(*c)) events |= POLLIN;
            if (c->pending()) events |= POLLOUT;
            fds.push_back({c->fd, events, 0});
            polled.push_back(c.get());
        }
        if (::poll(fds.data(), fds.size(), tick_ms) < 0 && errno != EINTR) break;
        if (fds[0].revents) break;  // SIGINT / SIGTERM
        if (fds[1].revents) {
            uint64_t count;
            [[maybe_unused]] ssize_t n = ::read(wake_fd_, &count, sizeof count);
            deliver_outputs();
        }
        if (fds[2].revents) accept_connections();
        for (size_t i = 0; i < polled.size(); i++) {
            Connection& c = *polled[i];
            if (c.dead) continue;
            const short re = fds[i + 3].revents;
            if (re & (POLLIN | POLLHUP | POLLERR)) read_from(c);
            else if (re & POLLRDHUP) drop(c, nullptr);  // closed while its next request was left unread
            if (c.dead || !(re & POLLOUT)) continue;
            flush(c);
            // Output drained below the pause: pipelined requests already read go on.
            if (!c.dead && c.phase == Connection::Phase::Reading && c.parser.buffered() && c.pending() < kPauseOutput)
                process_requests(c);
        }
        check_timers();
        std::erase_if(connections_, [](const auto& kv) {
            if (kv.second->dead) ::close(kv.second->fd);
            return kv.second->dead;
        });
    }
    std::fputs("ponder-cli serve: stopping\n", stderr);
    worker_->stop();  // cancels the running completion
    ::close(g_signal_pipe[0]);
    ::close(g_signal_pipe[1]);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
}

void Server::accept_connections() {
    for (;;) {
        int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) return;  // EAGAIN: all taken; other errors (EMFILE...): retried on the next wake
        if (connections_.size() >= options_.max_connections) {
            std::string busy = http_error_response(
                {503, "server_error", "too_many_connections", "The server has too many open connections; retry in a moment."},
                false, "Retry-After: 1\r\n");
            [[maybe_unused]] ssize_t n = ::send(fd, busy.data(), busy.size(), MSG_NOSIGNAL);
            ::close(fd);
            continue;
        }
        int on = 1;  // stream pieces are small and latency matters more than packet count
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
        auto c = std::make_unique<Connection>(options_.limits);
        c->fd = fd;
        c->id = next_connection_++;
        c->idle_since = c->last_queued = c->write_progress = Clock::now();
        connections_[c->id] = std::move(c);
    }
}

// Requests are read only while they can be answered: not while a completion runs, nor while the
// client is kPauseOutput behind in reading answers. Their bytes then wait in the kernel, whose
// window stops the client, so a pipelining client costs the server no memory.
bool Server::wants_input(const Connection& c) const {
    switch (c.phase) {
    case Connection::Phase::Reading: return c.pending() < kPauseOutput;
    case Connection::Phase::Responding: return false;
    default: return true;  // Closing, Draining: read and discarded
    }
}

void Server::read_from(Connection& c) {
    char buf[65536];
    for (int i = 0; i < 16 && !c.dead; i++) {  // bounded, so one fast sender does not starve the others
        ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (n <= 0) return drop(c, nullptr);  // the client closed or reset the connection
        if (c.phase == Connection::Phase::Draining || c.phase == Connection::Phase::Closing) continue;
        c.parser.append(std::string_view(buf, static_cast<size_t>(n)));
        // At most one read's worth waits beyond a request (reading stops below); more is abuse.
        if (c.parser.buffered() > options_.limits.max_header_bytes + options_.limits.max_body_bytes + 65536)
            return drop(c, "sent too much while a response was pending");
        if (c.phase == Connection::Phase::Reading) process_requests(c);
        if (!wants_input(c)) break;
    }
}

void Server::process_requests(Connection& c) {
    while (c.phase == Connection::Phase::Reading && !c.dead && c.pending() < kPauseOutput) {
        HttpRequestParser::Status st = c.parser.parse();
        if (c.parser.take_continue_request()) send_bytes(c, "HTTP/1.1 100 Continue\r\n\r\n");
        if (st == HttpRequestParser::Status::NeedMore) {
            // The deadline runs from the request's first byte; a byte at a time does not renew it.
            if (!c.parser.in_progress()) c.request_started.reset();
            else if (!c.request_started) c.request_started = Clock::now();
            return;
        }
        if (st == HttpRequestParser::Status::Error) {
            ApiReply r = Api::parse_error(c.parser.error_status(), c.parser.error_message());
            log_request("-", "-", r.status, 0, c.parser.error_message());
            c.phase = Connection::Phase::Closing;
            send_bytes(c, r.bytes);
            return;
        }
        const auto started = Clock::now();
        c.request_started.reset();
        c.idle_since = started;
        HttpRequest req = c.parser.take();
        ApiReply r = api_.handle(req, c.id);
        if (r.job) {
            GenerationJob& job = *r.job;
            if (worker_->submit(r.job)) {
                c.phase = Connection::Phase::Responding;
                c.job = job.id;
                c.stream = job.info.stream;
                c.chunked = job.info.chunked;
                c.close_after = r.close;
                if (c.stream) send_bytes(c, sse_head(c.chunked));  // then keep-alives while it waits
                continue;
            }
            r = api_.queue_full(job, worker_->waiting());
        }
        std::chrono::duration<double, std::milli> ms = Clock::now() - started;
        log_request(req.method, std::string(req.path()), r.status, ms.count());
        if (r.close) c.phase = Connection::Phase::Closing;
        send_bytes(c, r.bytes);
    }
    c.request_started.reset();  // paused or answering: the client is not the one keeping us waiting
}

void Server::deliver_outputs() {
    for (WorkerOutput& out : worker_->take_outputs()) {
        auto it = connections_.find(out.connection);
        Connection* c = it == connections_.end() ? nullptr : it->second.get();
        if (!c || c->dead || c->job != out.job) {  // the client went away; the worker was told
            if (out.finished) {
                const CompletionSummary& s = out.summary;
                log_request("POST", "/v1/chat/completions", 499, out.ms,
                            s.finish_reason == "cancelled"
                                ? "client disconnected: generation cancelled after " + std::to_string(s.completion_tokens) + " tokens"
                                : "client disconnected before the response was sent");
            }
            continue;
        }
        send_bytes(*c, out.bytes);
        if (!out.finished || c->dead) continue;
        const CompletionSummary& s = out.summary;
        log_request("POST", "/v1/chat/completions", s.status, out.ms,
                    std::to_string(s.prompt_tokens) + "+" + std::to_string(s.completion_tokens) + " tokens (" +
                        std::to_string(s.cached_tokens) + " cached), " + s.finish_reason + (c->stream ? ", streamed" : ""));
        c->job = 0;
        c->idle_since = Clock::now();
        c->phase = c->close_after ? Connection::Phase::Closing : Connection::Phase::Reading;
        if (c->phase == Connection::Phase::Closing) flush(*c);
        else process_requests(*c);  // a pipelined request may be waiting
    }
}

void Server::send_bytes(Connection& c, std::string_view bytes) {
    if (c.dead) return;
    const size_t before = c.pending();
    if (c.out_sent && c.out_sent >= c.out.size() / 2) {  // what was sent is not kept while the rest waits
        c.out.erase(0, c.out_sent);
        c.out_sent = 0;
    }
    c.out += bytes;
    c.last_queued = Clock::now();
    if (before == 0) c.write_progress = c.last_queued;  // the write deadline runs from here
    flush(c);
    // One answer of any size is fine; a client that lets them pile up is not.
    if (!c.dead && before && c.pending() > kMaxPendingOutput) drop(c, "stopped reading its response");
}

void Server::flush(Connection& c) {
    while (c.out_sent < c.out.size()) {
        ssize_t n = ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // poll says when to go on
        if (n < 0) return drop(c, nullptr);
        c.out_sent += static_cast<size_t>(n);
        c.write_progress = Clock::now();
    }
    c.out.clear();
    c.out_sent = 0;
    if (c.out.capacity() > kKeepCapacity) std::string().swap(c.out);
    if (c.phase == Connection::Phase::Closing) {
        ::shutdown(c.fd, SHUT_WR);
        c.phase = Connection::Phase::Draining;
        c.drain_until = Clock::now() + std::chrono::milliseconds(static_cast<int>(kDrainSeconds * 1000));
    }
}

// Closes a connection (at the end of this loop turn). A completion it was waiting for is dropped
// from the queue or cancelled; the worker's last output for it then reports the cancellation.
void Server::drop(Connection& c, const char* why) {
    if (c.dead) return;
    c.dead = true;
    if (why) std::fprintf(stderr, "ponder-cli serve: closing a connection that %s\n", why);
    if (c.phase == Connection::Phase::Responding && c.job && worker_->cancel(c.job))
        log_request("POST", "/v1/chat/completions", 499, 0, "client disconnected while queued: request dropped");
}

// One line per request: method, path, status, milliseconds and what happened. Never the body or
// the key.
void Server::log_request(const std::string& method, const std::string& path, int status, double ms, const std::string& extra) {
    std::fprintf(stderr, "ponder-cli serve: %s %s %d %.0f ms%s%s\n", printable(method).c_str(), printable(path).c_str(),
                 status, ms, extra.empty() ? "" : ", ", extra.c_str());
}

} // namespace ponder::serve
