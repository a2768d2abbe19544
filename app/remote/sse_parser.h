// Server-sent events (the text/event-stream format OpenAI-compatible servers stream chat
// completions in), parsed incrementally as bytes arrive, per the WHATWG HTML "event stream" rules:
// lines end in CRLF, LF or CR; a line starting with ':' is a comment (servers send ": keep-alive");
// "data:" lines accumulate; a blank line ends the event. Plain C++, no Qt: it is fuzzed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ponder::remote {

struct SseEvent {
    std::string type;  // "event:" field; empty means "message"
    std::string data;  // "data:" lines joined with '\n'
    std::string id;
};

class SseParser {
public:
    // An event (or a line) larger than this is an error, so a broken server cannot make the
    // client buffer without bound.
    explicit SseParser(size_t max_event_bytes = 8u << 20) : max_event_bytes_(max_event_bytes) {}

    // Feeds bytes; complete events are appended to `out`. false (and error()) once the stream
    // broke the size limit; nothing more is parsed after that.
    bool push(std::string_view bytes, std::vector<SseEvent>& out);
    // Comment lines seen so far (keep-alives), for statistics and tests.
    size_t comments() const { return comments_; }
    // True while part of an event has been received but not its terminating blank line.
    bool in_event() const { return !line_.empty() || has_data_ || !event_.type.empty() || !event_.id.empty(); }
    const std::string& error() const { return error_; }

private:
    bool feed(std::string_view bytes, std::vector<SseEvent>& out);
    void line(std::string_view text, std::vector<SseEvent>& out);

    size_t max_event_bytes_;
    std::string line_;           // the current, unterminated line
    bool after_cr_ = false;      // the last byte was CR: a following LF belongs to it
    bool at_stream_start_ = true;  // a UTF-8 BOM is skipped here
    std::string bom_;              // BOM bytes seen so far at the start
    SseEvent event_;
    bool has_data_ = false;
    size_t comments_ = 0;
    std::string error_;
};

} // namespace ponder::remote
