// Reasoning control: how long a model may think, and what the engine does about it.
//
// The engine steers the thought from inside the generation loop, so the app, ponder-cli and serve
// behave alike:
// - a budget: after `budget` tokens of thought the engine writes the closing sentence, then
//   "</think>" as the model's own token and the blank line R1 puts after it, and the model answers
//   (Qwen3's thinking budget; s1's "budget forcing");
// - "answer now": the same ending, triggered from another thread;
// - a minimum: a "</think>" sampled before `min_tokens` of thought becomes `wait_text` instead,
//   at most `max_waits` times (s1's "Wait");
// - loop detection: a passage of `loop_span` or more tokens written `loop_repeats` times in a row
//   in the thought is reported, and with LoopPolicy::Stop ends the thought.
// Every such action is reported as a ForcedAction, so a transcript can say honestly what the
// engine did and where.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace ponder {

enum class LoopPolicy { Off, Warn, Stop };

inline constexpr int kMaxThinkingBudget = 1 << 20;  // tokens; settings and requests are clamped to it
inline constexpr const char* kSuggestedClosing = "Time is up, so I will answer with what I have worked out so far.";

struct ThinkingOptions {
    int budget = -1;            // tokens of thought before the engine ends it; -1: no budget
    int min_tokens = 0;         // a close before this many tokens of thought becomes wait_text
    int max_waits = 1;          // ... at most this many times
    // Written before "</think>" when the engine ends the thought, on a line of its own (R1 closes
    // with "\n</think>\n\n"). Empty by default, as in s1: the close alone. A sentence such as
    // kSuggestedClosing (Qwen3's way) helps a large model; a small one may not have seen any.
    std::string closing;
    std::string wait_text = "Wait";
    LoopPolicy loop = LoopPolicy::Warn;
    int loop_span = 32;
    int loop_repeats = 3;       // at least 3
    int max_answer_tokens = -1; // the answer's own limit (tokens after the thought); -1: none
    // Set from any thread to end the thought now; read before every token, never cleared. Must
    // outlive the generate() call. Session::answer_now() does the same for the current call.
    const std::atomic<bool>* answer_now = nullptr;
};

enum class ForcedKind {
    BudgetEnd,     // the thought reached the budget and the engine ended it
    AnswerNow,     // the user asked for the answer
    LoopEnd,       // a loop was detected and the policy ends the thought
    Wait,          // a close before the minimum became wait_text
    LoopDetected,  // a loop was detected (reported whatever the policy)
    Stopped,       // "answer now" against a server, which can only stop: no answer came (the app)
};
const char* forced_kind_name(ForcedKind k);                 // "budget", "answer_now", "loop_end", ...
bool forced_kind_from_name(const std::string& name, ForcedKind& out);
// Whether the action ended the thought (the rest is the engine's closing and the answer).
inline bool forced_kind_ends_thought(ForcedKind k) {
    return k == ForcedKind::BudgetEnd || k == ForcedKind::AnswerNow || k == ForcedKind::LoopEnd;
}

struct ForcedAction {
    ForcedKind kind = ForcedKind::BudgetEnd;
    int at_token = 0;   // tokens of thought so far when it happened
    int span = 0;       // LoopDetected: tokens per repeat of the looping passage
    int first_at = 0;   // LoopDetected: where the loop began, in tokens of thought
};

// One line a person reads, e.g. "Thought cut at 2,048 tokens (the thinking budget)".
std::string describe(const ForcedAction& a);
// Compact JSON for storage and transcripts: [{"kind":"budget","at":2048,"description":"Thought
// cut at 2,048 tokens (the thinking budget)"}, ...]; and back (false on text that is not such a
// list; the description is not read back, describe() makes it).
std::string forced_actions_to_json(const std::vector<ForcedAction>& actions);
bool forced_actions_from_json(const std::string& json, std::vector<ForcedAction>& out);

// Finds a loop: a passage of at least `span` tokens written `repeats` times in a row (the stream
// is periodic over repeats x period tokens, period >= span; a shorter cycle, such as one token
// over and over, counts once it covers repeats x span tokens). Exact repetition, because that is
// how a model that is stuck loops: once inside the cycle it repeats it token for token. A passage
// that merely comes back (a step of a worked sum, a restated question) is not a loop. Rolling
// hashes make each token O(1) amortised; a loop is confirmed token by token before it is reported,
// so a hash collision never reports one.
class LoopDetector {
public:
    LoopDetector(int span, int repeats);
    // Adds a token; true once, when the loop is first found.
    bool push(int32_t token);
    bool found() const { return found_; }
    int loop_start() const { return loop_start_; }  // where the first of the repeats began
    int period() const { return period_; }          // tokens per repeat
    int size() const { return static_cast<int>(tokens_.size()); }

private:
    uint64_t hash(int from, int to) const;  // of tokens_[from, to)
    bool periodic(const std::vector<int>& starts) const;
    int span_, repeats_;
    std::vector<int32_t> tokens_;
    std::vector<uint64_t> prefix_{0}, power_{1};  // prefix_[i]: hash of tokens_[0, i)
    // Per window hash: the starts of its counted occurrences (each a span after the last), the
    // last `repeats` of them.
    std::unordered_map<uint64_t, std::vector<int>> seen_;
    bool found_ = false;
    int loop_start_ = -1, period_ = 0;
};

} // namespace ponder
