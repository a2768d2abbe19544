// A session: the KV cache and the tokens in it, prefix reuse, and the generation loop that
// turns sampled tokens into reasoning / answer events.
#include "forward.h"
#include "model.h"
#include "ponder/engine.h"
#include "ponder/reasoning.h"

#include <atomic>
#include <chrono>

namespace ponder {

const char* stop_reason_name(StopReason r) {
    switch (r) {
    case StopReason::Eos: return "eos";
    case StopReason::Length: return "length";
    case StopReason::Cancelled: return "cancelled";
    case StopReason::Error: return "error";
    default: return "none";
    }
}

struct Session::State {
    std::shared_ptr<Model> model;
    SessionOptions opt;
    ForwardState fs;
    std::vector<int32_t> cached;   // tokens whose K/V are in the cache, in order
    std::vector<float> logits;     // after the last cached token
    std::atomic<bool> cancel{false};
    const std::atomic<bool>* caller_cancel = nullptr;  // GenerateOptions::cancel, during generate()
    bool cancelled() const { return cancel.load() || (caller_cancel && caller_cancel->load()); }
};

namespace {
using Clock = std::chrono::steady_clock;
double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }
} // namespace

std::unique_ptr<Session> Session::create(std::shared_ptr<Model> model, const SessionOptions& opt, std::string& error) {
    if (!model) {
        error = "no model";
        return nullptr;
    }
    const ModelHparams& hp = model->hp;
    if (opt.kv_type != TensorType::F16 && opt.kv_type != TensorType::F32) {
        error = "the KV cache type must be F16 or F32";
        return nullptr;
    }
    const uint64_t per_token = kv_bytes_per_token(hp, opt.kv_type);
    int64_t n_ctx = opt.n_ctx;
    if (n_ctx <= 0) {
        // The trained length, capped by what the memory left after the weights can hold.
        uint64_t avail = available_memory_bytes(), weights = model_weights_bytes(*model);
        uint64_t room = avail > weights ? (avail - weights) / 10 * 8 : 0;
        n_ctx = std::min<int64_t>(hp.n_ctx_train, static_cast<int64_t>(room / per_token));
        n_ctx = std::max<int64_t>(n_ctx, std::min<int64_t>(hp.n_ctx_train, 256));
    }
    if (n_ctx > hp.n_ctx_train) n_ctx = hp.n_ctx_train;
    if (opt.check_memory) {
        uint64_t need = per_token * static_cast<uint64_t>(n_ctx), avail = available_memory_bytes();
        if (need > avail) {
            error = "a context of " + std::to_string(n_ctx) + " tokens needs " + std::to_string(need >> 20) +
                    " MiB for its KV cache but only " + std::to_string(avail >> 20) +
                    " MiB is available; choose a shorter context";
            return nullptr;
        }
    }
    std::unique_ptr<Session> s(new Session());
    s->s_ = std::make_unique<State>();
    s->s_->model = std::move(model);
    s->s_->opt = opt;
    int n_batch = std::max(1, std::min(opt.n_batch, static_cast<int>(n_ctx)));
    if (!s->s_->fs.init(*s->s_->model, static_cast<int>(n_ctx), n_batch, opt.kv_type, error)) return nullptr;
    return s;
}

Session::~Session() = default;

int Session::n_ctx() const { return s_->fs.n_ctx; }
const std::vector<int32_t>& Session::cached_tokens() const { return s_->cached; }
const std::vector<float>& Session::logits() const { return s_->logits; }
const Model& Session::model() const { return *s_->model; }
void Session::cancel() { s_->cancel.store(true); }

bool Session::evaluate(const std::vector<int32_t>& tokens, std::string& error) {
    State& s = *s_;
    const Model& m = *s.model;
    if (tokens.empty()) {
        error = "nothing to evaluate";
        return false;
    }
    if (static_cast<int64_t>(tokens.size()) > s.fs.n_ctx) {
        error = "the prompt is " + std::to_string(tokens.size()) + " tokens but the context holds " +
                std::to_string(s.fs.n_ctx) + "; shorten it or start with a larger context";
        return false;
    }
    for (int32_t t : tokens)
        if (t < 0 || t >= m.hp.n_vocab) {
            error = "token id " + std::to_string(t) + " is outside the vocabulary";
            return false;
        }
    // Reuse the cached prefix; at least the last token is evaluated so its logits exist.
    size_t keep = 0;
    while (keep < s.cached.size() && keep < tokens.size() && s.cached[keep] == tokens[keep]) keep++;
    if (keep == tokens.size()) keep--;
    s.cached.resize(keep);
    s.logits.resize(static_cast<size_t>(m.hp.n_vocab));
    for (size_t at = keep; at < tokens.size();) {
        if (s.cancelled()) {
            error = "cancelled";
            return false;
        }
        int64_t n = std::min<int64_t>(s.fs.n_batch, static_cast<int64_t>(tokens.size() - at));
        bool last = at + static_cast<size_t>(n) == tokens.size();
        forward_llama(m, s.fs, tokens.data() + at, n, static_cast<int>(at), last ? 1 : 0, s.logits.data());
        s.cached.insert(s.cached.end(), tokens.begin() + static_cast<ptrdiff_t>(at),
                        tokens.begin() + static_cast<ptrdiff_t>(at) + n);
        at += static_cast<size_t>(n);
    }
    return true;
}

bool Session::evaluate_all_logits(const std::vector<int32_t>& tokens, std::vector<float>& logits, std::string& error) {
    State& s = *s_;
    const Model& m = *s.model;
    s.cached.clear();
    if (static_cast<int64_t>(tokens.size()) > s.fs.n_ctx) {
        error = "the sequence does not fit the context";
        return false;
    }
    const size_t nv = static_cast<size_t>(m.hp.n_vocab);
    logits.assign(tokens.size() * nv, 0.f);
    for (size_t at = 0; at < tokens.size();) {
        int64_t n = std::min<int64_t>(s.fs.n_batch, static_cast<int64_t>(tokens.size() - at));
        for (int32_t t : std::vector<int32_t>(tokens.begin() + static_cast<ptrdiff_t>(at), tokens.begin() + static_cast<ptrdiff_t>(at) + n))
            if (t < 0 || t >= m.hp.n_vocab) {
                error = "token id " + std::to_string(t) + " is outside the vocabulary";
                return false;
            }
        forward_llama(m, s.fs, tokens.data() + at, n, static_cast<int>(at), n, logits.data() + at * nv);
        s.cached.insert(s.cached.end(), tokens.begin() + static_cast<ptrdiff_t>(at), tokens.begin() + static_cast<ptrdiff_t>(at) + n);
        at += static_cast<size_t>(n);
    }
    s.logits.assign(logits.end() - static_cast<ptrdiff_t>(nv), logits.end());
    return true;
}

GenerateResult Session::generate(const std::vector<int32_t>& prompt, const GenerateOptions& opt, const EventCallback& on_event) {
    State& s = *s_;
    const Model& m = *s.model;
    const Tokenizer& tok = *m.tokenizer;
    GenerateResult r;
    s.cancel.store(false);
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
        emit(Event{EventKind::Stats, {}, r.stats, StopReason::None, {}});
        emit(Event{EventKind::Done, {}, r.stats, reason, {}});
        return r;
    };

    // Prompt: only the suffix that differs from the cache is evaluated.
    size_t reused = 0;
    while (reused < s.cached.size() && reused < prompt.size() && s.cached[reused] == prompt[reused]) reused++;
    if (reused == prompt.size() && reused > 0) reused--;
    std::string error;
    if (!evaluate(prompt, error)) {
        if (s.cancelled()) return finish(StopReason::Cancelled);
        r.error = error;
        emit(Event{EventKind::Error, {}, r.stats, StopReason::Error, error});
        return finish(StopReason::Error);
    }
    r.stats.prompt_tokens = static_cast<int>(prompt.size());
    r.stats.prompt_evaluated = static_cast<int>(prompt.size() - reused);
    r.stats.prompt_ms = ms_since(t0);

    Sampler sampler(opt.sampler);
    ReasoningSplitter split(opt.prompt_opens_think);
    Utf8Stream utf8;
    std::vector<int32_t> history = prompt;
    auto deliver = [&](const std::vector<ReasoningSplitter::Piece>& pieces) {
        for (const auto& p : pieces) {
            (p.reasoning ? r.reasoning : r.answer) += p.text;
            emit(Event{p.reasoning ? EventKind::Reasoning : EventKind::Answer, p.text, r.stats, StopReason::None, {}});
        }
    };
    const auto tg0 = Clock::now();
    StopReason reason = StopReason::Length;
    for (int i = 0; opt.n_predict < 0 || i < opt.n_predict; i++) {
        if (s.cancelled()) {
            reason = StopReason::Cancelled;
            break;
        }
        int32_t next = sampler.sample(s.logits.data(), static_cast<int32_t>(s.logits.size()), history);
        if (r.tokens.empty()) r.stats.first_token_ms = ms_since(t0);
        if (m.is_eog(next)) {
            reason = StopReason::Eos;
            break;
        }
        r.tokens.push_back(next);
        history.push_back(next);
        r.stats.generated_tokens = static_cast<int>(r.tokens.size());
        deliver(split.push(utf8.push(tok.token_bytes(next))));
        bool more = opt.n_predict < 0 || i + 1 < opt.n_predict;
        if (!more) break;
        if (static_cast<int>(s.cached.size()) >= s.fs.n_ctx) {  // the context is full
            reason = StopReason::Length;
            break;
        }
        forward_llama(m, s.fs, &next, 1, static_cast<int>(s.cached.size()), 1, s.logits.data());
        s.cached.push_back(next);
    }
    deliver(split.push(utf8.flush()));
    deliver(split.flush());
    r.stats.generation_ms = ms_since(tg0);
    return finish(reason);
}

} // namespace ponder
