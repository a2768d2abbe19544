#include "thought_steering.h"

namespace ponder {

ThoughtSteering::ThoughtSteering(const ThinkingOptions& opt, const Tokenizer& tok, const std::atomic<bool>* session_answer_now)
    : opt_(opt), tok_(tok), session_answer_now_(session_answer_now), close_id_(tok.find("</think>")),
      loops_(opt.loop_span, opt.loop_repeats) {}

ForcedAction ThoughtSteering::record(ForcedKind kind) {
    ForcedAction a;
    a.kind = kind;
    a.at_token = thought_tokens_;
    actions_.push_back(a);
    return a;
}

void ThoughtSteering::queue_text(const std::string& text, bool special) {
    // A closing sentence or wait text comes from the user's settings: encoded as plain text, so
    // it can never forge a turn. Only the engine's own "</think>" becomes the model's token.
    for (int32_t t : tok_.encode(text, special)) queue_.push_back(t);
}

std::optional<ForcedAction> ThoughtSteering::maybe_end_thought(bool in_thought, bool thought_ends_line) {
    if (!in_thought || ending_ || !queue_.empty()) return std::nullopt;
    std::optional<ForcedKind> kind;
    if ((opt_.answer_now && opt_.answer_now->load()) || (session_answer_now_ && session_answer_now_->load()))
        kind = ForcedKind::AnswerNow;
    else if (opt_.budget >= 0 && thought_tokens_ >= opt_.budget)
        kind = ForcedKind::BudgetEnd;
    else if (loop_stop_pending_)
        kind = ForcedKind::LoopEnd;
    if (!kind) return std::nullopt;
    ending_ = true;
    // R1 closes a thought as "...\n</think>\n\n": the close on a line of its own, then the
    // blank line it writes before its answer.
    std::string closing = opt_.closing;
    if (!thought_ends_line && (closing.empty() || closing.front() != '\n')) closing = std::string(1, '\n') + closing;
    if (!closing.empty() && closing.back() != '\n') closing += '\n';
    queue_text(closing, false);
    queue_text("</think>", true);
    queue_text("\n\n", false);
    return record(*kind);
}

std::optional<ForcedAction> ThoughtSteering::maybe_wait(int32_t sampled, bool in_thought, bool thought_text_ends_in_space) {
    if (!in_thought || sampled != close_id_ || close_id_ < 0 || ending_) return std::nullopt;
    if (thought_tokens_ >= opt_.min_tokens || waits_ >= opt_.max_waits) return std::nullopt;
    waits_++;
    queue_text(thought_text_ends_in_space ? opt_.wait_text : "\n" + opt_.wait_text, false);
    if (queue_.empty()) return std::nullopt;  // an empty wait_text: the close stands
    return record(ForcedKind::Wait);
}

int32_t ThoughtSteering::pop_forced() {
    const int32_t t = queue_.front();
    queue_.pop_front();
    return t;
}

std::optional<ForcedAction> ThoughtSteering::after_token(int32_t token, bool was_in_thought, bool in_thought, bool sampled) {
    in_answer_ = !in_thought;
    if (was_in_thought != in_thought) return std::nullopt;  // the close (or an open): neither side's
    if (!in_thought) {
        answer_tokens_++;
        return std::nullopt;
    }
    thought_tokens_++;
    if (!sampled || ending_ || opt_.loop == LoopPolicy::Off || !loops_.push(token)) return std::nullopt;
    ForcedAction a = record(ForcedKind::LoopDetected);
    a.span = loops_.period();
    // The detector counts sampled tokens only; where the loop began is reported in its terms,
    // close enough to thought tokens (forced "Wait"s are the only difference).
    a.first_at = loops_.loop_start();
    actions_.back() = a;
    if (opt_.loop == LoopPolicy::Stop) loop_stop_pending_ = true;
    return a;
}

} // namespace ponder
