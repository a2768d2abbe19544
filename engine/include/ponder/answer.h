// Final answers in reasoning-model output: where they are, how to pull them out, how to grade
// them. Used by `ponder-cli eval` and by the app (highlighting \boxed{} answers).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ponder {

// The part of a completion that holds the answer: the text after the last "</think>". When the
// reasoning was opened (by the prompt, or by a "<think>" the model wrote) and never closed, there
// is no answer yet and nullopt is returned; text from a model that does not reason at all is all
// answer.
std::optional<std::string> final_answer_text(std::string_view completion, bool prompt_opens_think);

struct ExtractedAnswer {
    std::string value;      // what the answer says, e.g. "432"; empty if nothing found
    bool boxed = false;     // came from a \boxed{...}
};

// Pulls the answer out of answer text: the content of the last complete \boxed{...} (braces
// nested to any depth), else the last number (commas between digit groups allowed), else the
// whole text trimmed.
ExtractedAnswer extract_answer(std::string_view answer_text);

// Whether an extracted answer matches the expected one. Numbers compare by value ("1,234" ==
// "1234" == "1234.0"); anything else compares as text after dropping whitespace, "$" delimiters,
// a trailing period and \left / \right. Symbolic equivalence (\frac{1}{2} vs 0.5) is not
// attempted.
bool answer_matches(std::string_view extracted, std::string_view expected);

// Grades answer text against an expected answer: a numeric expected answer is compared with
// extract_answer's value; a textual one with the last \boxed{...} if there is one, else with the
// whole answer text (so "Hello!" is not graded by a number the text happens to mention).
struct Grade {
    std::string extracted;
    bool correct = false;
};
Grade grade_answer(std::string_view answer_text, std::string_view expected);

// Unbiased pass@k from n samples of which c are correct: 1 - C(n-c, k) / C(n, k)
// (Chen et al. 2021). pass@1 is c / n.
double pass_at_k(int n, int c, int k);

} // namespace ponder
