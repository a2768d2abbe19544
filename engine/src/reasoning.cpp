#include "ponder/reasoning.h"

namespace ponder {

namespace {
constexpr std::string_view kOpen = "<think>";
constexpr std::string_view kClose = "</think>";

// Length of the longest suffix of s that is a proper prefix of tag (a tag that may be arriving).
size_t partial_tag_suffix(std::string_view s, std::string_view tag) {
    for (size_t n = std::min(s.size(), tag.size() - 1); n > 0; n--)
        if (s.substr(s.size() - n) == tag.substr(0, n)) return n;
    return 0;
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }
} // namespace

std::vector<ReasoningSplitter::Piece> ReasoningSplitter::push(std::string_view text) {
    std::vector<Piece> out;
    pending_.append(text);
    auto emit = [&](bool reasoning, std::string s) {
        if (s.empty()) return;
        if (!reasoning && at_answer_start_) {
            size_t k = 0;
            while (k < s.size() && is_space(s[k])) k++;
            s.erase(0, k);
            if (s.empty()) return;
            at_answer_start_ = false;
        }
        if (!out.empty() && out.back().reasoning == reasoning) out.back().text += s;
        else out.push_back({reasoning, std::move(s)});
    };
    for (;;) {
        if (at_output_start_ && !in_reasoning_) {
            size_t k = 0;
            while (k < pending_.size() && is_space(pending_[k])) k++;
            std::string_view rest = std::string_view(pending_).substr(k);
            if (rest.size() < kOpen.size() && kOpen.substr(0, rest.size()) == rest) return out;  // wait
            at_output_start_ = false;
            if (rest.substr(0, kOpen.size()) == kOpen) {
                pending_.erase(0, k + kOpen.size());
                in_reasoning_ = true;
            }
        }
        at_output_start_ = false;
        if (in_reasoning_) {
            size_t at = pending_.find(kClose);
            if (at != std::string::npos) {
                emit(true, pending_.substr(0, at));
                pending_.erase(0, at + kClose.size());
                in_reasoning_ = false;
                continue;
            }
            size_t hold = partial_tag_suffix(pending_, kClose);
            emit(true, pending_.substr(0, pending_.size() - hold));
            pending_.erase(0, pending_.size() - hold);
            return out;
        }
        emit(false, pending_);
        pending_.clear();
        return out;
    }
}

std::vector<ReasoningSplitter::Piece> ReasoningSplitter::flush() {
    std::vector<Piece> out;
    if (!pending_.empty()) out.push_back({in_reasoning_, pending_});
    pending_.clear();
    return out;
}

} // namespace ponder
