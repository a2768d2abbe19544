// The `llama` family forward pass: Llama 3.x (R1-Distill-Llama) and Qwen2 (R1-Distill-Qwen)
// differ only by flags read from the file: q/k/v biases (qwen2), RoPE pairing (NEOX for qwen2),
// Llama 3.1 frequency divisors, tied output embeddings.
#include "forward.h"

#include <cmath>

namespace ponder {

ForwardState::~ForwardState() {
    if (!backend) return;
    for (Tensor* t : {&x, &h, &q, &k, &v, &attn, &gate, &up, &act, &logits})
        if (t->data) backend->release(*t);
    for (Tensor& t : k_cache) backend->release(t);
    for (Tensor& t : v_cache) backend->release(t);
}

bool ForwardState::init(const Model& m, int ctx, int batch, TensorType kv_type, std::string& error) {
    backend = m.backend.get();
    n_ctx = ctx;
    n_batch = batch;
    const ModelHparams& hp = m.hp;
    const int64_t n_q = hp.n_head * hp.head_dim_k, n_kv = hp.n_head_kv * hp.head_dim_k;
    try {
        x = backend->alloc(TensorType::F32, hp.n_embd, batch);
        h = backend->alloc(TensorType::F32, hp.n_embd, batch);
        q = backend->alloc(TensorType::F32, n_q, batch);
        k = backend->alloc(TensorType::F32, n_kv, batch);
        v = backend->alloc(TensorType::F32, n_kv, batch);
        attn = backend->alloc(TensorType::F32, n_q, batch);
        gate = backend->alloc(TensorType::F32, hp.n_ff, batch);
        up = backend->alloc(TensorType::F32, hp.n_ff, batch);
        act = backend->alloc(TensorType::F32, hp.n_ff, batch);
        for (int64_t l = 0; l < hp.n_layer; l++) {
            k_cache.push_back(backend->alloc(kv_type, n_kv, ctx));
            v_cache.push_back(backend->alloc(kv_type, n_kv, ctx));
        }
    } catch (const std::bad_alloc&) {
        error = "out of memory allocating the KV cache for a context of " + std::to_string(ctx) + " tokens";
        return false;
    }
    return true;
}

void forward_llama(const Model& m, ForwardState& s, const int32_t* tokens, int64_t n, int pos0, int64_t n_logits,
                   float* logits) {
    Backend& be = *s.backend;
    const ModelHparams& hp = m.hp;
    const ModelWeights& w = m.w;
    const RopeParams rope{static_cast<int>(hp.n_rot), static_cast<float>(hp.rope_freq_base), m.rope_neox,
                          w.rope_freqs.data ? &w.rope_freqs : nullptr};
    const AttentionParams ap{static_cast<int>(hp.n_head), static_cast<int>(hp.n_head_kv), static_cast<int>(hp.head_dim_k),
                             1.0f / std::sqrt(static_cast<float>(hp.head_dim_k))};
    const float eps = static_cast<float>(hp.rms_eps);
    auto bias = [](const Tensor& b) { return b.data ? &b : nullptr; };

    // x = token embeddings                                    (n, n_embd)
    be.get_rows(w.tok_embd, tokens, n, s.x);
    for (size_t il = 0; il < w.layers.size(); il++) {
        const LayerWeights& l = w.layers[il];
        // attention: h = rmsnorm(x) * attn_norm; q, k, v = h Wq (+bq), h Wk (+bk), h Wv (+bv)
        be.rms_norm(s.x, &l.attn_norm, eps, n, s.h);
        be.matmul(l.wq, s.h, n, s.q, bias(l.bq));
        be.matmul(l.wk, s.h, n, s.k, bias(l.bk));
        be.matmul(l.wv, s.h, n, s.v, bias(l.bv));
        be.rope(s.q, n, ap.n_head, ap.head_dim, pos0, rope);
        be.rope(s.k, n, ap.n_head_kv, ap.head_dim, pos0, rope);
        be.store_kv(s.k, s.v, n, pos0, s.k_cache[il], s.v_cache[il]);
        be.attention(s.q, n, pos0, s.k_cache[il], s.v_cache[il], ap, s.attn);
        // x += attn Wo
        be.matmul(l.wo, s.attn, n, s.h, nullptr);
        be.add(s.x, s.h, n);
        // feed-forward: x += Wdown(silu(Wgate h) * Wup h), h = rmsnorm(x) * ffn_norm
        be.rms_norm(s.x, &l.ffn_norm, eps, n, s.h);
        be.matmul(l.w_gate, s.h, n, s.gate, nullptr);
        be.matmul(l.w_up, s.h, n, s.up, nullptr);
        be.swiglu(s.gate, s.up, n, s.act);
        be.matmul(l.w_down, s.act, n, s.h, nullptr);
        be.add(s.x, s.h, n);
    }
    if (n_logits <= 0) return;
    // logits = (rmsnorm(x) * output_norm) Wout, for the last n_logits rows only
    if (s.logits_rows < n_logits) {
        if (s.logits.data) be.release(s.logits);
        s.logits = be.alloc(TensorType::F32, hp.n_vocab, n_logits);
        s.logits_rows = n_logits;
    }
    Tensor last = be.view(s.x, n - n_logits, n_logits);
    be.rms_norm(last, &w.output_norm, eps, n_logits, s.h);
    be.matmul(w.output, s.h, n_logits, s.logits, nullptr);
    be.read(s.logits, 0, n_logits, logits);
}

} // namespace ponder
