#include "http_request.h"

#include <algorithm>
#include <cstring>
#include <optional>

namespace ponder::serve {

namespace {

// RFC 9110 "tchar": the characters of a method or header name.
bool is_token_char(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool is_token(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return is_token_char(static_cast<unsigned char>(c)); });
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

// Decimal digits only (no sign, no spaces), refusing values past `cap` instead of overflowing.
bool parse_decimal(std::string_view s, size_t cap, size_t& out, bool& over_cap) {
    if (s.empty() || s.size() > 20) return false;
    out = 0;
    over_cap = false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
        if (!over_cap) {
            out = out * 10 + static_cast<size_t>(c - '0');
            if (out > cap) over_cap = true;
        }
    }
    return true;
}

constexpr size_t kMaxChunkLine = 1024;  // hex size plus extensions

} // namespace

const std::string* HttpRequest::header(std::string_view lower_name) const {
    for (const auto& [name, value] : headers)
        if (name == lower_name) return &value;
    return nullptr;
}

std::string_view HttpRequest::path() const {
    std::string_view t = target;
    return t.substr(0, t.find('?'));
}

bool HttpRequest::keep_alive() const {
    const std::string* c = header("connection");
    std::string v = c ? lower(*c) : std::string();
    if (minor_version == 0) return v.find("keep-alive") != std::string::npos;
    return v.find("close") == std::string::npos;
}

HttpRequestParser::Status HttpRequestParser::fail(int status, std::string message) {
    state_ = State::Error;
    error_status_ = status;
    error_message_ = std::move(message);
    return Status::Error;
}

// The next line (without "\r\n" or "\n") from the buffer, or false when it is not complete yet
// (or too long: then the parser has failed, which the caller sees in state_).
bool HttpRequestParser::next_line(std::string_view& line, size_t max_len, int too_long_status, const char* too_long) {
    size_t nl = buf_.find('\n', pos_);
    size_t len = (nl == std::string::npos ? buf_.size() : nl) - pos_;
    if (len > max_len) {
        fail(too_long_status, too_long);
        return false;
    }
    if (nl == std::string::npos) return false;
    line = std::string_view(buf_).substr(pos_, len);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos_ = nl + 1;
    return true;
}

bool HttpRequestParser::parse_request_line(std::string_view line) {
    // METHOD SP origin-target SP HTTP/1.x
    size_t sp1 = line.find(' ');
    size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
        fail(400, "The request line is malformed.");
        return false;
    }
    std::string_view method = line.substr(0, sp1), target = line.substr(sp1 + 1, sp2 - sp1 - 1),
                     version = line.substr(sp2 + 1);
    bool target_ok = !target.empty() && target[0] == '/' &&
                     std::none_of(target.begin(), target.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
    if (!is_token(method) || !target_ok || version.size() != 8 || version.substr(0, 5) != "HTTP/" ||
        version[6] != '.' || version[5] < '0' || version[5] > '9' || version[7] < '0' || version[7] > '9') {
        fail(400, "The request line is malformed.");
        return false;
    }
    if (version[5] != '1' || version[7] > '1') {
        fail(505, "Only HTTP/1.0 and HTTP/1.1 are supported.");
        return false;
    }
    req_.method = method;
    req_.target = target;
    req_.minor_version = version[7] - '0';
    return true;
}

bool HttpRequestParser::parse_header_line(std::string_view line) {
    if (line[0] == ' ' || line[0] == '\t') {  // obsolete line folding: refused, as RFC 9112 allows
        fail(400, "Folded header lines are not accepted.");
        return false;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
        fail(400, "A header line is malformed.");
        return false;
    }
    std::string_view value = trim(line.substr(colon + 1));
    if (std::any_of(value.begin(), value.end(), [](char c) { return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f; })) {
        fail(400, "A header value contains a control character.");
        return false;
    }
    if (req_.headers.size() >= limits_.max_headers) {
        fail(431, "The request has more than " + std::to_string(limits_.max_headers) + " headers.");
        return false;
    }
    req_.headers.emplace_back(lower(line.substr(0, colon)), std::string(value));
    return true;
}

namespace {

// The codings of every Transfer-Encoding header, in order, trimmed and lower-cased: a proxy in
// front may join repeated headers, so all of them count, not only the first.
std::vector<std::string> transfer_codings(const HttpRequest& r) {
    std::vector<std::string> out;
    for (const auto& [name, value] : r.headers) {
        if (name != "transfer-encoding") continue;
        for (size_t at = 0;;) {
            size_t comma = std::min(value.find(',', at), value.size());
            out.push_back(lower(trim(std::string_view(value).substr(at, comma - at))));
            if (comma == value.size()) break;
            at = comma + 1;
        }
    }
    return out;
}

} // namespace

// Decides how the body is framed, before any of it is read. Anything another HTTP implementation
// might frame differently is refused (request smuggling, RFC 9112 6.1 and 6.3).
bool HttpRequestParser::finish_headers() {
    const auto hosts = std::count_if(req_.headers.begin(), req_.headers.end(), [](const auto& h) { return h.first == "host"; });
    if (hosts > 1 || (hosts == 0 && req_.minor_version >= 1)) {
        fail(400, hosts ? "The request has more than one Host header." : "An HTTP/1.1 request needs a Host header.");
        return false;
    }
    const std::vector<std::string> codings = transfer_codings(req_);
    std::optional<std::string> length;  // present but empty is not absent: it is refused below
    for (const auto& [name, value] : req_.headers) {
        if (name != "content-length") continue;
        if (length && value != *length) {
            fail(400, "The request has conflicting Content-Length headers.");
            return false;
        }
        length = value;
    }
    if (!codings.empty() && length) {  // both: a request smuggling pattern, refused (RFC 9112 6.1)
        fail(400, "The request has both Transfer-Encoding and Content-Length.");
        return false;
    }
    if (!codings.empty()) {
        const auto chunked = std::count(codings.begin(), codings.end(), "chunked");
        if (req_.minor_version == 0) {
            fail(400, "Transfer-Encoding needs HTTP/1.1; an HTTP/1.0 request gives a Content-Length.");
            return false;
        }
        if (std::count(codings.begin(), codings.end(), "") || chunked > 1 || (chunked && codings.back() != "chunked")) {
            fail(400, "The Transfer-Encoding header is malformed: chunked must be its last and only coding.");
            return false;
        }
        if (codings.size() != 1 || !chunked) {
            std::string joined;
            for (const auto& c : codings) joined += (joined.empty() ? "" : ", ") + c;
            fail(501, "Transfer-Encoding '" + joined + "' is not supported; use chunked or Content-Length.");
            return false;
        }
        state_ = State::ChunkSize;
    } else if (length) {
        bool over = false;
        if (!parse_decimal(*length, limits_.max_body_bytes, remaining_, over)) {
            fail(400, "The Content-Length header is not a number.");
            return false;
        }
        if (over) {
            fail(413, "The request body is " + *length + " bytes, over the limit of " +
                          std::to_string(limits_.max_body_bytes) + " bytes.");
            return false;
        }
        state_ = remaining_ ? State::Body : State::Done;
    } else if (req_.method == "POST" || req_.method == "PUT" || req_.method == "PATCH") {
        fail(411, "A request body needs a Content-Length header or chunked transfer encoding.");
        return false;
    } else {
        state_ = State::Done;
    }
    if (const std::string* expect = req_.header("expect")) {
        if (lower(*expect) != "100-continue") {
            fail(417, "Only 'Expect: 100-continue' is supported.");
            return false;
        }
        continue_pending_ = state_ != State::Done;
    }
    return true;
}

HttpRequestParser::Status HttpRequestParser::parse() {
    pos_ = 0;
    Status status = Status::NeedMore;
    const std::string head_too_long =
        "The request line and headers are over the limit of " + std::to_string(limits_.max_header_bytes) + " bytes.";
    auto header_line = [&](std::string_view& line) {
        size_t before = pos_;
        size_t room = limits_.max_header_bytes > header_bytes_ ? limits_.max_header_bytes - header_bytes_ : 0;
        if (!next_line(line, room, 431, head_too_long.c_str())) return false;
        header_bytes_ += pos_ - before;
        return true;
    };
    std::string_view line;
    while (status == Status::NeedMore && state_ != State::Error) {
        if (state_ == State::RequestLine) {
            if (!header_line(line)) break;
            if (line.empty()) continue;  // empty lines before a request are ignored (RFC 9112 2.2)
            if (parse_request_line(line)) state_ = State::Headers;
        } else if (state_ == State::Headers) {
            if (!header_line(line)) break;
            if (line.empty()) finish_headers();
            else parse_header_line(line);
        } else if (state_ == State::Body || state_ == State::ChunkData) {
            size_t n = std::min(remaining_, buf_.size() - pos_);
            if (n == 0) break;
            req_.body.append(buf_, pos_, n);
            pos_ += n;
            remaining_ -= n;
            if (remaining_ == 0) state_ = state_ == State::Body ? State::Done : State::ChunkDataEnd;
        } else if (state_ == State::ChunkSize) {
            if (!next_line(line, kMaxChunkLine, 400, "A chunk size line is too long.")) break;
            std::string_view hex = trim(line.substr(0, line.find(';')));
            size_t size = 0;
            bool ok = !hex.empty() && hex.size() <= 16;
            for (char c : hex) {
                int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
                if (d < 0) ok = false;
                else if (size <= limits_.max_body_bytes) size = size * 16 + static_cast<size_t>(d);
            }
            if (!ok) fail(400, "A chunk size is malformed.");
            else if (size > limits_.max_body_bytes - req_.body.size())
                fail(413, "The request body is over the limit of " + std::to_string(limits_.max_body_bytes) + " bytes.");
            else if (size == 0) state_ = State::Trailers;
            else {
                remaining_ = size;
                state_ = State::ChunkData;
            }
        } else if (state_ == State::ChunkDataEnd) {
            if (!next_line(line, 1, 400, "A chunk is longer than its size says.")) break;
            if (!line.empty()) fail(400, "A chunk is longer than its size says.");
            else state_ = State::ChunkSize;
        } else if (state_ == State::Trailers) {
            if (!header_line(line)) break;
            if (line.empty()) state_ = State::Done;  // trailer fields are read and ignored
        } else if (state_ == State::Done) {
            status = Status::Done;
        }
    }
    buf_.erase(0, pos_);  // keep only what is not parsed yet (a pipelined request, a partial line)
    pos_ = 0;
    if (buf_.empty() && buf_.capacity() > (64u << 10)) std::string().swap(buf_);  // idle connections hold little
    if (state_ == State::Error) return Status::Error;
    return status;
}

HttpRequest HttpRequestParser::take() {
    HttpRequest r = std::move(req_);
    req_ = HttpRequest();
    state_ = State::RequestLine;
    header_bytes_ = 0;
    remaining_ = 0;
    continue_pending_ = false;
    return r;
}

bool HttpRequestParser::take_continue_request() {
    bool c = continue_pending_;
    continue_pending_ = false;
    return c;
}

} // namespace ponder::serve
