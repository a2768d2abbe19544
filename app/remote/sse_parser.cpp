#include "remote/sse_parser.h"

namespace ponder::remote {

bool SseParser::push(std::string_view bytes, std::vector<SseEvent>& out) {
    if (!error_.empty()) return false;
    if (at_stream_start_) {
        // A UTF-8 byte order mark at the very start is skipped; it may arrive split.
        static constexpr std::string_view kBom = "\xEF\xBB\xBF";
        while (!bytes.empty() && bom_.size() < kBom.size() && bytes.front() == kBom[bom_.size()]) {
            bom_ += bytes.front();
            bytes.remove_prefix(1);
        }
        if (bom_.size() < kBom.size() && bytes.empty()) return true;  // still maybe a BOM
        at_stream_start_ = false;
        if (bom_.size() < kBom.size() && !feed(bom_, out)) return false;  // not a BOM: plain text
        bom_.clear();
    }
    return feed(bytes, out);
}

bool SseParser::feed(std::string_view bytes, std::vector<SseEvent>& out) {
    for (char c : bytes) {
        if (after_cr_) {
            after_cr_ = false;
            if (c == '\n') continue;
        }
        if (c == '\r' || c == '\n') {
            after_cr_ = c == '\r';
            std::string text = std::move(line_);
            line_.clear();
            line(text, out);
            if (!error_.empty()) return false;
            continue;
        }
        line_ += c;
        if (line_.size() + event_.data.size() > max_event_bytes_) {
            error_ = "an event was larger than " + std::to_string(max_event_bytes_) + " bytes";
            return false;
        }
    }
    return true;
}

void SseParser::line(std::string_view text, std::vector<SseEvent>& out) {
    if (text.empty()) {
        if (has_data_) out.push_back(std::move(event_));
        event_ = {};
        has_data_ = false;
        return;
    }
    if (text.front() == ':') {
        ++comments_;
        return;
    }
    std::string_view field = text, value;
    if (size_t colon = text.find(':'); colon != std::string_view::npos) {
        field = text.substr(0, colon);
        value = text.substr(colon + 1);
        if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    }
    if (field == "data") {
        if (has_data_) event_.data += '\n';
        event_.data.append(value);
        has_data_ = true;
        if (event_.data.size() > max_event_bytes_) error_ = "an event was larger than " + std::to_string(max_event_bytes_) + " bytes";
    } else if (field == "event") {
        event_.type.assign(value);
    } else if (field == "id") {
        if (value.find('\0') == std::string_view::npos) event_.id.assign(value);
    }
    // "retry" and unknown fields are ignored, as the standard says.
}

} // namespace ponder::remote
