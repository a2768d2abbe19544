// Splits a model's streamed output into reasoning (inside <think> ... </think>) and answer.
// R1 templates open the thought in the prompt ("<think>\n"), so the output may start inside it
// with only a closing tag; older templates let the model write "<think>" itself. Tags split
// across pieces are held back until they are complete.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ponder {

class ReasoningSplitter {
public:
    struct Piece {
        bool reasoning;
        std::string text;
    };
    explicit ReasoningSplitter(bool starts_in_reasoning) : in_reasoning_(starts_in_reasoning) {}
    std::vector<Piece> push(std::string_view text);
    std::vector<Piece> flush();  // end of stream: whatever was held back
    bool in_reasoning() const { return in_reasoning_; }
    bool holding() const { return !pending_.empty(); }  // text held back: it may be a tag

private:
    bool in_reasoning_;
    bool at_output_start_ = true;  // an opening <think> is only recognised before any other text
    bool at_answer_start_ = true;  // whitespace between </think> and the answer is dropped
    std::string pending_;
};

} // namespace ponder
