// A session: the KV cache and the tokens in it, prefix reuse, and the generation loop that turns
// sampled tokens into reasoning / answer events. Architecture-free: the model's architecture
// provides the state and the forward pass.
#include "model.h"
#include "ponder/engine.h"
#include "ponder/reasoning.h"
#include "thought_steering.h"

#include <atomic>
#include <cctype>
#include <chrono>
#include <optional>

namespace ponder {

const char* stop_reason_name(StopReason r) {
    switch (r) {
    case StopReason::Eos: return "eos";
    case StopReason::Length: return "length";
    case StopReason::ContextFull: return "context_full";
    case StopReason::Cancelled: return "cancelled";
    case StopReason::Error: return "error";
    default: return "none";
    }
}

struct Session::State {
    std::shared_ptr<Model> model;
    SessionOptions opt;
    std::unique_ptr<ForwardState> fs;
    std::vector<int32_t> cached;   // tokens whose K/V are in the cache, in order
    std::vector<float> logits;     // after the last cached token
    std::atomic<bool> cancel{false};
    std::atomic<bool> answer_now{false};
    const std::atomic<bool>* caller_cancel = nullptr;  // GenerateOptions::cancel, during generate()

    bool cancelled() const { return cancel.load() || (caller_cancel && caller_cancel->load()); }
    int64_t n_vocab() const { return model->hp.n_vocab; }

    // One forward pass over tokens[0, n) at position `pos0`; no exception escapes (out of memory
    // inside a backend becomes an error).
    bool forward(const int32_t* tokens, int64_t n, int pos0, int64_t n_logits, float* out, std::string& error) {
        try {
            model->arch->forward(*model, *fs, ForwardBatch{tokens, n, pos0, n_logits, out});
            return true;
        } catch (const std::bad_alloc&) {
            error = "out of memory during a forward pass";
        } catch (const std::exception& e) {
            error = std::string("forward pass failed: ") + e.what();
        }
        cached.clear();  // the cache may be half written
        return false;
    }

    // Evaluates tokens[from, size) in batches after tokens[0, from) already in the cache. Logits
    // of every position go to all_logits (size x n_vocab) when given, else those after the last
    // token to `logits`.
    bool run(const std::vector<int32_t>& tokens, size_t from, float* all_logits, std::string& error) {
        const size_t nv = static_cast<size_t>(n_vocab());
        cached.resize(from);
        for (size_t at = from; at < tokens.size();) {
            if (cancelled()) {
                error = "cancelled";
                return false;
            }
            const int64_t n = std::min<int64_t>(fs->n_batch, static_cast<int64_t>(tokens.size() - at));
            const bool last = at + static_cast<size_t>(n) == tokens.size();
            const int64_t n_logits = all_logits ? n : last ? 1 : 0;
            float* out = all_logits ? all_logits + at * nv : logits.data();
            if (!forward(tokens.data() + at, n, static_cast<int>(at), n_logits, out, error)) return false;
            cached.insert(cached.end(), tokens.begin() + static_cast<ptrdiff_t>(at),
                          tokens.begin() + static_cast<ptrdiff_t>(at) + n);
            at += static_cast<size_t>(n);
        }
        return true;
    }

    // Empty, too long for the context, or an id outside the vocabulary: false + why.
    bool check(const std::vector<int32_t>& tokens, std::string& error) const {
        if (tokens.empty()) {
            error = "nothing to evaluate";
            return false;
        }
        if (static_cast<int64_t>(tokens.size()) > fs->n_ctx) {
            error = "the prompt is " + std::to_string(tokens.size()) + " tokens but the context holds " +
                    std::to_string(fs->n_ctx) + "; shorten it or start with a larger context";
            return false;
        }
        for (int32_t t : tokens)
            if (t < 0 || t >= n_vocab()) {
                error = "token id " + std::to_string(t) + " is outside the vocabulary";
                return false;
            }
        return true;
    }

    // How many leading tokens can stay in the cache: the common prefix, less one when it is the
    // whole sequence (its last token is evaluated again so its logits exist).
    size_t reusable(const std::vector<int32_t>& tokens) const {
        size_t keep = 0;
        while (keep < cached.size() && keep < tokens.size() && cached[keep] == tokens[keep]) keep++;
        return keep == tokens.size() && keep > 0 ? keep - 1 : keep;
    }
};

namespace {
using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// The context to allocate: the one asked for, else the trained length capped by what the memory
// left after the weights can hold.
int64_t choose_context(const Model& model, const SessionOptions& opt, uint64_t per_token) {
    const ModelHparams& hp = model.hp;
    int64_t n_ctx = opt.n_ctx;
    if (n_ctx <= 0) {
        const uint64_t avail = available_memory_bytes(), weights = model_weights_bytes(model);
        const uint64_t room = avail > weights ? (avail - weights) / 10 * 8 : 0;
        n_ctx = std::min<int64_t>(hp.n_ctx_train, static_cast<int64_t>(room / per_token));
        n_ctx = std::max<int64_t>(n_ctx, std::min<int64_t>(hp.n_ctx_train, 256));
    }
    return std::min<int64_t>(n_ctx, hp.n_ctx_train);
}
} // namespace

std::unique_ptr<Session> Session::create(std::shared_ptr<Model> model, const SessionOptions& opt, std::string& error) {
    if (!model) {
        error = "no model";
        return nullptr;
    }
    if (opt.kv_type != TensorType::F16 && opt.kv_type != TensorType::F32) {
        error = "the KV cache type must be F16 or F32";
        return nullptr;
    }
    const uint64_t per_token = model->arch->kv_bytes_per_token(model->hp, opt.kv_type);
    const int64_t n_ctx = choose_context(*model, opt, per_token);
    if (opt.check_memory) {
        const uint64_t need = per_token * static_cast<uint64_t>(n_ctx), avail = available_memory_bytes();
        if (need > avail) {
            error = "a context of " + std::to_string(n_ctx) + " tokens needs " + std::to_string(need >> 20) +
                    " MiB for its KV cache but only " + std::to_string(avail >> 20) +
                    " MiB is available; choose a shorter context";
            return nullptr;
        }
    }
    std::unique_ptr<Session> s(new Session());
    s->s_ = std::make_unique<State>();
    State& st = *s->s_;
    st.model = std::move(model);
    st.opt = opt;
    const StateOptions so{static_cast<int>(n_ctx), std::max(1, std::min(opt.n_batch, static_cast<int>(n_ctx))), opt.kv_type};
    try {
        st.fs = st.model->arch->create_state(*st.model, so);
    } catch (const std::bad_alloc&) {
        error = "out of memory allocating the KV cache for a context of " + std::to_string(n_ctx) + " tokens";
        return nullptr;
    }
    st.logits.resize(static_cast<size_t>(st.n_vocab()));
    return s;
}

Session::~Session() = default;

int Session::n_ctx() const { return s_->fs->n_ctx; }
const std::vector<int32_t>& Session::cached_tokens() const { return s_->cached; }
const std::vector<float>& Session::logits() const { return s_->logits; }
const Model& Session::model() const { return *s_->model; }
void Session::cancel() { s_->cancel.store(true); }
void Session::answer_now() { s_->answer_now.store(true); }

bool Session::evaluate(const std::vector<int32_t>& tokens, std::string& error) {
    State& s = *s_;
    s.cancel.store(false);
    return s.check(tokens, error) && s.run(tokens, s.reusable(tokens), nullptr, error);
}

bool Session::evaluate_all_logits(const std::vector<int32_t>& tokens, std::vector<float>& logits, std::string& error) {
    State& s = *s_;
    s.cancel.store(false);
    if (!s.check(tokens, error)) return false;
    const size_t nv = static_cast<size_t>(s.n_vocab());
    try {
        logits.assign(tokens.size() * nv, 0.f);
    } catch (const std::bad_alloc&) {
        error = "out of memory for the logits of " + std::to_string(tokens.size()) + " tokens";
        return false;
    }
    if (!s.run(tokens, 0, logits.data(), error)) return false;
    s.logits.assign(logits.end() - static_cast<ptrdiff_t>(nv), logits.end());
    return true;
}

GenerateResult Session::generate(const std::vector<int32_t>& prompt, const GenerateOptions& opt, const EventCallback& on_event) {
    State& s = *s_;
    const Model& m = *s.model;
    const Tokenizer& tok = *m.tokenizer;
    GenerateResult r;
    s.cancel.store(false);
    s.answer_now.store(false);
    // The caller's flag is seen by evaluate() too; cleared on every way out, even an exception.
    struct CallerCancel {
        State& s;
        ~CallerCancel() { s.caller_cancel = nullptr; }
    } caller_cancel{s};
    s.caller_cancel = opt.cancel;
    auto emit = [&](const Event& e) {
        if (on_event) on_event(e);
    };
    const auto t0 = Clock::now();
    auto finish = [&](StopReason reason) {
        r.reason = reason;
        emit(Event{EventKind::Stats, {}, r.stats, StopReason::None, {}, {}});
        emit(Event{EventKind::Done, {}, r.stats, reason, {}, {}});
        return r;
    };
    auto fail = [&](const std::string& error) {
        if (s.cancelled()) return finish(StopReason::Cancelled);
        r.error = error;
        emit(Event{EventKind::Error, {}, r.stats, StopReason::Error, error, {}});
        return finish(StopReason::Error);
    };

    // Prompt: only the suffix that differs from the cache is evaluated.
    std::string error;
    if (!s.check(prompt, error)) return fail(error);
    const size_t reused = s.reusable(prompt);
    if (!s.run(prompt, reused, nullptr, error)) return fail(error);
    r.stats.prompt_tokens = static_cast<int>(prompt.size());
    r.stats.prompt_evaluated = static_cast<int>(prompt.size() - reused);
    r.stats.prompt_ms = ms_since(t0);

    Sampler sampler(opt.sampler);
    ReasoningSplitter split(opt.prompt_opens_think);
    ThoughtSteering steer(opt.thinking, tok, &s.answer_now);
    Utf8Stream utf8;
    std::vector<int32_t> history = prompt;
    auto deliver = [&](const std::vector<ReasoningSplitter::Piece>& pieces) {
        for (const auto& p : pieces) {
            (p.reasoning ? r.reasoning : r.answer) += p.text;
            emit(Event{p.reasoning ? EventKind::Reasoning : EventKind::Answer, p.text, r.stats, StopReason::None, {}, {}});
        }
    };
    auto report = [&](const std::optional<ForcedAction>& a) {
        if (!a) return;
        r.forced.push_back(*a);
        emit(Event{EventKind::Forced, {}, r.stats, StopReason::None, {}, *a});
    };
    auto ends_in_space = [&] { return r.reasoning.empty() || std::isspace(static_cast<unsigned char>(r.reasoning.back())); };
    auto ends_line = [&] { return r.reasoning.empty() || r.reasoning.back() == '\n'; };
    // The engine ends a thought between whole characters and outside a tag that may be arriving,
    // so its newline never splits a character; a few tokens at most (then it ends anyway).
    int held_back = 0;
    auto may_end_now = [&] {
        if (!utf8.has_pending() && !split.holding()) {
            held_back = 0;  // the allowance is per wait, not per reply
            return true;
        }
        return ++held_back > 4;
    };
    const auto tg0 = Clock::now();
    StopReason reason = StopReason::Length;
    for (int i = 0; opt.n_predict < 0 || i < opt.n_predict; i++) {
        if (s.cancelled()) {
            reason = StopReason::Cancelled;
            break;
        }
        if (may_end_now()) report(steer.maybe_end_thought(split.in_reasoning(), ends_line()));
        bool sampled = !steer.has_forced();
        int32_t next = sampled ? sampler.sample(s.logits.data(), static_cast<int32_t>(s.logits.size()), history)
                               : steer.pop_forced();
        if (sampled) {
            if (auto wait = steer.maybe_wait(next, split.in_reasoning(), ends_in_space())) {
                report(wait);
                next = steer.pop_forced();
                sampled = false;
            }
        }
        if (r.tokens.empty()) r.stats.first_token_ms = ms_since(t0);
        if (sampled && m.is_eog(next)) {
            reason = StopReason::Eos;
            break;
        }
        r.tokens.push_back(next);
        history.push_back(next);
        r.stats.generated_tokens = static_cast<int>(r.tokens.size());
        const bool was_in_thought = split.in_reasoning();
        deliver(split.push(utf8.push(tok.token_bytes(next))));
        report(steer.after_token(next, was_in_thought, split.in_reasoning(), sampled));
        r.stats.reasoning_tokens = steer.thought_tokens();
        if (opt.n_predict >= 0 && i + 1 >= opt.n_predict) break;
        if (steer.answer_limit_reached()) break;
        if (static_cast<int>(s.cached.size()) >= s.fs->n_ctx) {
            reason = StopReason::ContextFull;
            break;
        }
        if (!s.forward(&next, 1, static_cast<int>(s.cached.size()), 1, s.logits.data(), error)) {
            deliver(split.push(utf8.flush()));
            deliver(split.flush());
            return fail(error);
        }
        s.cached.push_back(next);
    }
    deliver(split.push(utf8.flush()));
    deliver(split.flush());
    r.stats.generation_ms = ms_since(tg0);
    return finish(reason);
}

} // namespace ponder
