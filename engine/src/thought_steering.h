// The generation loop's side of reasoning control (ponder/thinking.h): decides, token by token,
// whether the engine writes the next tokens itself (the closing of a thought, a "Wait") instead
// of the sampler, and keeps the record of what it forced. Knows nothing of the model's forward
// pass: the loop asks it before sampling and tells it what each token was.
#pragma once

#include "ponder/thinking.h"
#include "ponder/tokenizer.h"

#include <atomic>
#include <deque>
#include <optional>

namespace ponder {

class ThoughtSteering {
public:
    // `session_answer_now`: Session::answer_now()'s flag; may be null.
    ThoughtSteering(const ThinkingOptions& opt, const Tokenizer& tok, const std::atomic<bool>* session_answer_now);

    // Before a token while the output is in the thought: the action that ends it now (budget,
    // answer now, a loop under LoopPolicy::Stop), with its closing tokens queued; or nothing.
    // `thought_ends_line`: the thought so far is empty or ends in a newline.
    std::optional<ForcedAction> maybe_end_thought(bool in_thought, bool thought_ends_line);
    // A token the sampler chose while in the thought, which may be the close: with the minimum not
    // reached, the action that replaces it by wait_text (queued; the sampled token is dropped).
    std::optional<ForcedAction> maybe_wait(int32_t sampled, bool in_thought, bool thought_text_ends_in_space);

    // The next token the engine writes itself, if any.
    bool has_forced() const { return !queue_.empty(); }
    int32_t pop_forced();

    // After each token is delivered: whether the thought was open before and after it (a token
    // of thought keeps it open; the close token counts as neither thought nor answer), and whether
    // it was sampled. A sampled thought token feeds loop detection: the LoopDetected action when a
    // loop is found.
    std::optional<ForcedAction> after_token(int32_t token, bool was_in_thought, bool in_thought, bool sampled);

    int thought_tokens() const { return thought_tokens_; }
    int answer_tokens() const { return answer_tokens_; }
    // Only once the answer has begun (the thought closed, or there was none): a limit of 0 ends
    // the reply at the close, never inside the thought.
    bool answer_limit_reached() const {
        return opt_.max_answer_tokens >= 0 && in_answer_ && answer_tokens_ >= opt_.max_answer_tokens;
    }
    const std::vector<ForcedAction>& actions() const { return actions_; }

private:
    ForcedAction record(ForcedKind kind);
    void queue_text(const std::string& text, bool special);

    ThinkingOptions opt_;
    const Tokenizer& tok_;
    const std::atomic<bool>* session_answer_now_;
    int32_t close_id_;          // the single "</think>" token, or -1 (then no "Wait" is possible)
    std::deque<int32_t> queue_;
    LoopDetector loops_;
    bool ending_ = false;       // the closing is queued or written: nothing more to force
    bool in_answer_ = false;    // the thought closed (or never opened)
    bool loop_stop_pending_ = false;
    int waits_ = 0;
    int thought_tokens_ = 0, answer_tokens_ = 0;
    std::vector<ForcedAction> actions_;
};

} // namespace ponder
