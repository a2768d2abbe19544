// The `llama` family: Llama 3.x (R1-Distill-Llama) and Qwen2 (R1-Distill-Qwen) differ only by
// flags read from the file: q/k/v biases (qwen2), RoPE pairing (half-split for GGUF qwen2,
// adjacent pairs for llama, whose Q/K rows were permuted at conversion), Llama 3.1 frequency
// divisors, tied output embeddings.
#include "arch.h"

#include "../model.h"

#include <cmath>
#include <set>

namespace ponder {

namespace {

// --- weights ------------------------------------------------------------------------------------

struct LlamaLayer {
    Tensor attn_norm;     // (n_embd)
    Tensor wq, wk, wv;    // {n_embd, n_head * hd_k}, {n_embd, n_head_kv * hd_k}, {n_embd, n_head_kv * hd_v}
    Tensor bq, bk, bv;    // qwen2 biases of the same widths; empty when absent
    Tensor wo;            // {n_head * hd_v, n_embd}
    Tensor ffn_norm;      // (n_embd)
    Tensor w_gate, w_up;  // {n_embd, n_ff}
    Tensor w_down;        // {n_ff, n_embd}
};

struct LlamaWeights : ArchWeights {
    Tensor tok_embd;                 // {n_embd, n_vocab}, on the input device
    Tensor output_norm;              // (n_embd)
    Tensor output;                   // {n_embd, n_vocab}: the embedding again when tied
    std::vector<Tensor> rope_freqs;  // per device: (n_rot / 2) Llama 3.1 divisors; empty when none
    std::vector<LlamaLayer> layers;
    bool neox = false;
};

const LlamaWeights& weights_of(const Model& m) { return static_cast<const LlamaWeights&>(*m.weights); }

// Llama 3 frequency divisors from metadata, for files that have no rope_freqs tensor.
std::vector<float> llama3_rope_factors(const GgufFile& f, const ModelHparams& hp) {
    const std::string a = hp.arch + ".rope.scaling.";
    const double factor = f.get_float(a + "factor", 8.0), low = f.get_float(a + "low_freq_factor", 1.0),
                 high = f.get_float(a + "high_freq_factor", 4.0),
                 orig = f.get_float(a + "original_context_length", 8192.0);
    std::vector<float> out(static_cast<size_t>(hp.n_rot / 2));
    for (size_t i = 0; i < out.size(); i++) {
        const double freq = std::pow(hp.rope_freq_base, -2.0 * static_cast<double>(i) / static_cast<double>(hp.n_rot));
        const double wavelen = 2 * M_PI / freq;
        double divisor;
        if (wavelen < orig / high) divisor = 1;
        else if (wavelen > orig / low) divisor = factor;
        else {
            const double smooth = (orig / wavelen - low) / (high - low);
            divisor = 1 / ((1 - smooth) / factor + smooth);
        }
        out[i] = static_cast<float>(divisor);
    }
    return out;
}

bool load_layer(WeightLoader& L, const ModelHparams& hp, int64_t il, LlamaLayer& l) {
    const std::string p = "blk." + std::to_string(il) + ".";
    const int d = L.layer_device(il);
    const int64_t n_embd = hp.n_embd, n_q = hp.n_head * hp.head_dim_k, n_k = hp.n_head_kv * hp.head_dim_k,
                  n_v = hp.n_head_kv * hp.head_dim_v, n_o = hp.n_head * hp.head_dim_v;
    return L.get(p + "attn_norm.weight", {n_embd}, d, l.attn_norm) && L.get(p + "attn_q.weight", {n_embd, n_q}, d, l.wq) &&
           L.get(p + "attn_k.weight", {n_embd, n_k}, d, l.wk) && L.get(p + "attn_v.weight", {n_embd, n_v}, d, l.wv) &&
           L.get(p + "attn_q.bias", {n_q}, d, l.bq, true) && L.get(p + "attn_k.bias", {n_k}, d, l.bk, true) &&
           L.get(p + "attn_v.bias", {n_v}, d, l.bv, true) && L.get(p + "attn_output.weight", {n_o, n_embd}, d, l.wo) &&
           L.get(p + "ffn_norm.weight", {n_embd}, d, l.ffn_norm) &&
           L.get(p + "ffn_gate.weight", {n_embd, hp.n_ff}, d, l.w_gate) &&
           L.get(p + "ffn_up.weight", {n_embd, hp.n_ff}, d, l.w_up) &&
           L.get(p + "ffn_down.weight", {hp.n_ff, n_embd}, d, l.w_down);
}

// Rope divisors on every device that runs a layer: from the file, or computed for Llama 3 scaling.
bool load_rope_freqs(WeightLoader& L, const ModelHparams& hp, size_t n_devices, std::vector<Tensor>& out) {
    out.assign(n_devices, Tensor{});
    std::set<int> devices;
    for (int64_t il = 0; il < hp.n_layer; il++) devices.insert(L.layer_device(il));
    const bool computed = !L.file().find_tensor("rope_freqs.weight") && hp.rope_scaling_type == "llama3";
    const std::vector<float> factors = computed ? llama3_rope_factors(L.file(), hp) : std::vector<float>{};
    for (int d : devices) {
        Tensor& t = out[static_cast<size_t>(d)];
        if (!(computed ? L.put(factors, d, t) : L.get("rope_freqs.weight", {hp.n_rot / 2}, d, t, true))) return false;
    }
    return true;
}

std::unique_ptr<ArchWeights> load_weights(WeightLoader& L, ModelHparams& hp, std::string& error) {
    if (hp.n_rot <= 0 || hp.n_rot > hp.head_dim_k || hp.n_rot % 2) {
        error = "invalid rope.dimension_count";
        return nullptr;
    }
    if (hp.n_ff <= 0) {
        error = hp.arch + ".feed_forward_length is missing";
        return nullptr;
    }
    auto w = std::make_unique<LlamaWeights>();
    auto failed = [&] {
        error = L.error();
        return nullptr;
    };
    const GgufTensor* embd = L.file().find_tensor("token_embd.weight");
    const int64_t n_vocab = embd && embd->ne[0] > 0 ? embd->n_elements() / embd->ne[0] : 0;
    if (!L.get("token_embd.weight", {hp.n_embd, n_vocab}, L.input_device(), w->tok_embd)) return failed();
    if (n_vocab < hp.n_vocab) {
        error = "the embedding has " + std::to_string(n_vocab) + " rows but the vocabulary " + std::to_string(hp.n_vocab) +
                " tokens";
        return nullptr;
    }
    hp.n_vocab = n_vocab;  // the embedding may have more rows than the tokenizer has tokens (padding)
    const int out_dev = L.output_device();
    if (!L.get("output_norm.weight", {hp.n_embd}, out_dev, w->output_norm)) return failed();
    // Tied embeddings: the output head is the embedding table (again, if the output is on another device).
    if (L.file().find_tensor("output.weight")) {
        if (!L.get("output.weight", {hp.n_embd, n_vocab}, out_dev, w->output)) return failed();
    } else if (out_dev == L.input_device()) {
        w->output = w->tok_embd;
    } else if (!L.get("token_embd.weight", {hp.n_embd, n_vocab}, out_dev, w->output)) {
        return failed();
    }
    size_t n_devices = 0;
    for (int64_t il = 0; il < hp.n_layer; il++) n_devices = std::max(n_devices, static_cast<size_t>(L.layer_device(il)) + 1);
    n_devices = std::max({n_devices, static_cast<size_t>(L.input_device()) + 1, static_cast<size_t>(out_dev) + 1});
    if (!load_rope_freqs(L, hp, n_devices, w->rope_freqs)) return failed();
    w->layers.resize(static_cast<size_t>(hp.n_layer));
    for (int64_t il = 0; il < hp.n_layer; il++)
        if (!load_layer(L, hp, il, w->layers[static_cast<size_t>(il)])) return failed();
    w->neox = hp.arch == "qwen2";
    return w;
}

// --- per-session state --------------------------------------------------------------------------

// Activations for up to n_batch tokens on one device.
struct Activations {
    OwnedTensor ids;                                  // I32 (n_batch)
    OwnedTensor x, h;                                 // {n_embd, n_batch}: the residual stream, scratch
    OwnedTensor q, k, v, attn;                        // {n_head * hd_k | n_head_kv * hd_k | n_head_kv * hd_v | n_head * hd_v, n_batch}
    OwnedTensor gate, up, act;                        // {n_ff, n_batch}
    OwnedTensor logits;                               // {n_vocab, rows}, grown on demand
};

struct LlamaState : ForwardState {
    std::vector<Activations> acts;                    // per device of the placement (empty: unused)
    std::vector<OwnedTensor> k_cache, v_cache;        // per layer, on its device: {n_head_kv * hd, n_ctx}
};

uint64_t kv_cache_bytes_per_token(const ModelHparams& hp, TensorType kv_type) {
    const uint64_t elem = type_row_bytes(kv_type, 1);
    return static_cast<uint64_t>(hp.n_layer) * static_cast<uint64_t>(hp.n_head_kv * (hp.head_dim_k + hp.head_dim_v)) * elem;
}

Activations make_activations(Backend& be, const ModelHparams& hp, int64_t n) {
    const TensorType f32 = TensorType::F32;
    Activations a;
    a.ids = alloc_tensor(be, TensorType::I32, n);
    a.x = alloc_tensor(be, f32, hp.n_embd, n);
    a.h = alloc_tensor(be, f32, hp.n_embd, n);
    a.q = alloc_tensor(be, f32, hp.n_head * hp.head_dim_k, n);
    a.k = alloc_tensor(be, f32, hp.n_head_kv * hp.head_dim_k, n);
    a.v = alloc_tensor(be, f32, hp.n_head_kv * hp.head_dim_v, n);
    a.attn = alloc_tensor(be, f32, hp.n_head * hp.head_dim_v, n);
    a.gate = alloc_tensor(be, f32, hp.n_ff, n);
    a.up = alloc_tensor(be, f32, hp.n_ff, n);
    a.act = alloc_tensor(be, f32, hp.n_ff, n);
    return a;
}

std::unique_ptr<ForwardState> create_state(const Model& m, const StateOptions& o) {
    const ModelHparams& hp = m.hp;
    auto s = std::make_unique<LlamaState>();
    s->n_ctx = o.n_ctx;
    s->n_batch = o.n_batch;
    s->acts.resize(m.backends.size());
    std::vector<bool> used(m.backends.size(), false);
    used[static_cast<size_t>(m.placement.input)] = used[static_cast<size_t>(m.placement.output)] = true;
    for (int d : m.placement.layers) used[static_cast<size_t>(d)] = true;
    for (size_t d = 0; d < m.backends.size(); d++) {
        s->streams.push_back(m.backends[d]->create_stream());
        if (used[d]) s->acts[d] = make_activations(*m.backends[d], hp, o.n_batch);
    }
    for (int64_t il = 0; il < hp.n_layer; il++) {
        Backend& be = *m.backends[static_cast<size_t>(m.placement.layers[static_cast<size_t>(il)])];
        s->k_cache.push_back(alloc_tensor(be, o.kv_type, hp.n_head_kv * hp.head_dim_k, o.n_ctx));
        s->v_cache.push_back(alloc_tensor(be, o.kv_type, hp.n_head_kv * hp.head_dim_v, o.n_ctx));
    }
    return s;
}

// --- the forward pass ---------------------------------------------------------------------------

const Tensor* optional(const Tensor& t) { return t.empty() ? nullptr : &t; }

void forward(const Model& m, ForwardState& state, const ForwardBatch& b) {
    LlamaState& s = static_cast<LlamaState&>(state);
    const ModelHparams& hp = m.hp;
    const LlamaWeights& w = weights_of(m);
    const int64_t n = b.n, hd_k = hp.head_dim_k, hd_v = hp.head_dim_v;
    const float eps = static_cast<float>(hp.rms_eps);
    const AttentionParams ap{1.0f / std::sqrt(static_cast<float>(hd_k)), b.pos0};
    auto rope_on = [&](int dev) {
        return RopeParams{static_cast<int>(hp.n_rot), static_cast<float>(hp.rope_freq_base), w.neox,
                          optional(w.rope_freqs[static_cast<size_t>(dev)]), {}, 1.f};
    };
    // The device the residual stream x is on; moving on copies its n rows across.
    int dev = m.placement.input;
    auto move_to = [&](int to) {
        if (to == dev) return;
        copy_between(*s.streams[static_cast<size_t>(dev)], rows(s.acts[static_cast<size_t>(dev)].x.t, 0, n),
                     *s.streams[static_cast<size_t>(to)], rows(s.acts[static_cast<size_t>(to)].x.t, 0, n));
        dev = to;
    };

    // x = token embeddings                                                   {n_embd, n}
    {
        Stream& st = *s.streams[static_cast<size_t>(dev)];
        const Activations& a = s.acts[static_cast<size_t>(dev)];
        st.upload(a.ids.t, b.tokens, static_cast<size_t>(n) * sizeof(int32_t));
        st.get_rows(w.tok_embd, cols(a.ids.t, 0, n), rows(a.x.t, 0, n));
    }
    for (size_t il = 0; il < w.layers.size(); il++) {
        const LlamaLayer& l = w.layers[il];
        move_to(m.placement.layers[il]);
        Stream& st = *s.streams[static_cast<size_t>(dev)];
        const Activations& a = s.acts[static_cast<size_t>(dev)];
        const Tensor x = rows(a.x.t, 0, n), h = rows(a.h.t, 0, n), q = rows(a.q.t, 0, n), k = rows(a.k.t, 0, n),
                     v = rows(a.v.t, 0, n), attn = rows(a.attn.t, 0, n);
        const RopeParams rope = rope_on(dev);
        // attention: h = rmsnorm(x) * attn_norm; q, k, v = h Wq (+bq), h Wk (+bk), h Wv (+bv)
        st.rms_norm(x, &l.attn_norm, eps, h);
        st.matmul(l.wq, h, q, optional(l.bq));
        st.matmul(l.wk, h, k, optional(l.bk));
        st.matmul(l.wv, h, v, optional(l.bv));
        st.rope(split_heads(q, hd_k), b.pos0, rope);
        st.rope(split_heads(k, hd_k), b.pos0, rope);
        // the new keys and values into cache rows pos0 .. pos0 + n, then attend over 0 .. pos0 + n
        const Tensor kc = rows(s.k_cache[il].t, 0, b.pos0 + n), vc = rows(s.v_cache[il].t, 0, b.pos0 + n);
        st.copy(k, rows(kc, b.pos0, n));
        st.copy(v, rows(vc, b.pos0, n));
        st.attention(split_heads(q, hd_k), split_heads(kc, hd_k), split_heads(vc, hd_v), split_heads(attn, hd_v), ap);
        // x += attn Wo
        st.matmul(l.wo, attn, h, nullptr);
        st.add(x, h, x);
        // feed-forward: h = rmsnorm(x) * ffn_norm; x += Wdown(silu(Wgate h) * Wup h)
        const Tensor gate = rows(a.gate.t, 0, n), up = rows(a.up.t, 0, n), act = rows(a.act.t, 0, n);
        st.rms_norm(x, &l.ffn_norm, eps, h);
        st.matmul(l.w_gate, h, gate, nullptr);
        st.matmul(l.w_up, h, up, nullptr);
        st.swiglu(gate, up, act);
        st.matmul(l.w_down, act, h, nullptr);
        st.add(x, h, x);
    }
    move_to(m.placement.output);
    if (b.n_logits <= 0) {
        s.streams[static_cast<size_t>(dev)]->synchronize();
        return;
    }
    // logits = (rmsnorm(x) * output_norm) Wout, for the last n_logits tokens  {n_vocab, n_logits}
    Stream& st = *s.streams[static_cast<size_t>(dev)];
    Activations& a = s.acts[static_cast<size_t>(dev)];
    if (a.logits.t.empty() || a.logits.t.ne[1] < b.n_logits) {
        st.synchronize();  // nothing may still be writing the old buffer
        a.logits = alloc_tensor(*m.backends[static_cast<size_t>(dev)], TensorType::F32, w.output.ne[1], b.n_logits);
    }
    const Tensor h = rows(a.h.t, 0, b.n_logits), logits = rows(a.logits.t, 0, b.n_logits);
    st.rms_norm(rows(a.x.t, n - b.n_logits, b.n_logits), &w.output_norm, eps, h);
    st.matmul(w.output, h, logits, nullptr);
    st.download(logits, b.logits);
}

bool read_hparams(const GgufFile&, ModelHparams&, std::string&) { return true; }  // only common keys

} // namespace

extern const Architecture kLlamaArchitecture{"llama", read_hparams, load_weights, kv_cache_bytes_per_token, create_state, forward};
extern const Architecture kQwen2Architecture{"qwen2", read_hparams, load_weights, kv_cache_bytes_per_token, create_state, forward};

} // namespace ponder
