// Stop sequences over streamed text: pieces in, the text that may be shown out. Text that could
// be the start of a stop sequence is held back until the next piece decides it, so a stop string
// split across tokens is still found and never half-sent.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ponder::serve {

class StopMatcher {
public:
    explicit StopMatcher(std::vector<std::string> stops) : stops_(std::move(stops)) {}

    // The text safe to emit after this piece. Once a stop string is found, the text before it is
    // returned, stopped() turns true and later pieces are ignored.
    std::string push(std::string_view piece);
    // At the end of generation: whatever was held back (no stop string completed).
    std::string flush();
    bool stopped() const { return stopped_; }

private:
    std::vector<std::string> stops_;  // non-empty, valid UTF-8
    std::string held_;
    bool stopped_ = false;
};

} // namespace ponder::serve
