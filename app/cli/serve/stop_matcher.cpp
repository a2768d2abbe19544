#include "stop_matcher.h"

#include <algorithm>
#include <utility>

namespace ponder::serve {

std::string StopMatcher::push(std::string_view piece) {
    if (stopped_) return {};
    held_ += piece;
    if (stops_.empty()) return std::exchange(held_, {});
    // The earliest complete stop string ends the answer there.
    size_t first = std::string::npos;
    for (const std::string& s : stops_) first = std::min(first, held_.find(s));
    if (first != std::string::npos) {
        stopped_ = true;
        std::string out = held_.substr(0, first);
        held_.clear();
        return out;
    }
    // Otherwise hold back the longest tail of the text that some stop string begins with. Stop
    // strings are valid UTF-8, so such a tail never starts inside a character.
    size_t keep = 0;
    for (const std::string& s : stops_) {
        for (size_t n = std::min(s.size() - 1, held_.size()); n > keep; n--)
            if (held_.compare(held_.size() - n, n, s, 0, n) == 0) {
                keep = n;
                break;
            }
    }
    std::string out = held_.substr(0, held_.size() - keep);
    held_.erase(0, held_.size() - keep);
    return out;
}

std::string StopMatcher::flush() {
    if (stopped_) return {};
    return std::exchange(held_, {});
}

} // namespace ponder::serve
