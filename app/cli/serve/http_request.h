// An incremental HTTP/1.1 request parser for ponder-cli serve: bytes in (as they arrive from a
// socket, in any split), complete requests out. No sockets, no Qt, no exceptions, so it can be
// fuzzed on its own. Everything is bounded: header bytes, header count, body size, chunk lines.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ponder::serve {

struct HttpLimits {
    size_t max_header_bytes = 16 * 1024;  // request line + headers; beyond: 431
    size_t max_headers = 100;             // beyond: 431
    size_t max_body_bytes = 1 << 20;      // Content-Length or the sum of chunks; beyond: 413
};

struct HttpRequest {
    std::string method;   // "GET", "POST", ... (case-sensitive, as the RFC says)
    std::string target;   // "/v1/models?x=1": origin form, always starts with '/'
    int minor_version = 1;  // HTTP/1.<minor>
    std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, values trimmed
    std::string body;     // de-chunked

    // The first header of that (lower-case) name, or null.
    const std::string* header(std::string_view lower_name) const;
    // The path without the query string.
    std::string_view path() const;
    // HTTP/1.1 keeps the connection unless "Connection: close"; HTTP/1.0 closes unless "keep-alive".
    bool keep_alive() const;
};

class HttpRequestParser {
public:
    enum class Status { NeedMore, Done, Error };

    explicit HttpRequestParser(HttpLimits limits = {}) : limits_(limits) {}

    // Bytes as they arrive. They are kept until parse() has used them (pipelined requests wait).
    void append(std::string_view bytes) { buf_.append(bytes); }
    size_t buffered() const { return buf_.size() - pos_; }
    // Whether part of a request has arrived (the server's deadline for the rest runs).
    bool in_progress() const { return state_ != State::RequestLine || buf_.size() > pos_; }

    // Parses as far as the buffered bytes go. Done: take() the request; bytes after it stay
    // buffered for the next one. Error: error_status()/error_message() say why; the connection
    // must answer them and close (the stream cannot be resynchronised).
    Status parse();
    HttpRequest take();

    // True once per request whose headers asked "Expect: 100-continue" and whose body is still
    // to come and acceptable: the server should send "100 Continue" (curl waits for it).
    bool take_continue_request();

    int error_status() const { return error_status_; }
    const std::string& error_message() const { return error_message_; }

private:
    enum class State { RequestLine, Headers, Body, ChunkSize, ChunkData, ChunkDataEnd, Trailers, Done, Error };

    Status fail(int status, std::string message);
    bool next_line(std::string_view& line, size_t max_len, int too_long_status, const char* too_long);
    bool parse_request_line(std::string_view line);
    bool parse_header_line(std::string_view line);
    bool finish_headers();

    HttpLimits limits_;
    std::string buf_;
    size_t pos_ = 0;           // first unparsed byte of buf_
    size_t header_bytes_ = 0;  // of the current request, for max_header_bytes
    State state_ = State::RequestLine;
    HttpRequest req_;
    size_t remaining_ = 0;     // body or chunk bytes still to read
    bool continue_pending_ = false;
    int error_status_ = 0;
    std::string error_message_;
};

} // namespace ponder::serve
