// `deepseek2`: DeepSeek-V3 / R1 / R1-Zero (and V2): multi-head latent attention (MLA) and a
// mixture of experts with group-limited routing and a shared expert.
//
// MLA runs in its absorbed form: the cache holds, per token and layer, only the normalised latent
// c_kv (kv_lora_rank values) and the shared RoPE key k_pe (qk_rope values): 576 values for R1
// instead of 2 x 128 heads x 192. Each head's query is folded into the latent space
// (q~_h = W_UK_h^T q_nope_h), attention runs over [c_kv | k_pe] as one key head, and W_UV_h maps
// each head's latent context back to its value. Both GGUF layouts load: the older one with one
// attn_kv_b (W_UK transposed at load), the newer with attn_k_b / attn_v_b.
#include "arch.h"

#include "../model.h"
#include "../quant.h"

#include <cmath>
#include <set>

namespace ponder {

namespace {

// --- hyperparameters ------------------------------------------------------------------------------

bool read_hparams(const GgufFile& f, ModelHparams& hp, std::string& error) {
    const std::string a = hp.arch + ".";
    bool types_ok = true;
    auto i = [&](const char* key, int64_t def) { return f.get_int(a + key, def, &types_ok); };
    hp.n_layer_dense_lead = i("leading_dense_block_count", 0);
    hp.q_lora_rank = i("attention.q_lora_rank", 0);
    hp.kv_lora_rank = i("attention.kv_lora_rank", 0);
    hp.key_length_mla = i("attention.key_length_mla", 0);
    hp.value_length_mla = i("attention.value_length_mla", 0);
    hp.n_expert = i("expert_count", 0);
    hp.n_expert_used = i("expert_used_count", 0);
    hp.n_expert_shared = i("expert_shared_count", 0);
    hp.n_ff_exp = i("expert_feed_forward_length", 0);
    // Files before Oct 2025 lack the group keys; V3/R1 route over 8 groups, top 4.
    hp.n_expert_groups = i("expert_group_count", hp.n_expert == 256 ? 8 : 1);
    hp.n_group_used = i("expert_group_used_count", hp.n_expert == 256 ? 4 : 1);
    hp.expert_weights_scale = f.get_float(a + "expert_weights_scale", 1.0, &types_ok);
    hp.expert_weights_norm = f.get_bool(a + "expert_weights_norm", false);
    hp.expert_gating_func = i("expert_gating_func", 0);
    if (!types_ok) {
        error = "a " + hp.arch + ".* hyperparameter has the wrong type";
        return false;
    }
    if (hp.kv_lora_rank <= 0) {
        error = a + "attention.kv_lora_rank is missing";
        return false;
    }
    // MLA's sizes, as the forward and the cache rely on them.
    const int64_t qk = hp.key_length_mla > 0 ? hp.key_length_mla : hp.head_dim_k;
    const int64_t v = hp.value_length_mla > 0 ? hp.value_length_mla : hp.head_dim_v;
    if (hp.kv_lora_rank > 65536 || hp.q_lora_rank < 0 || hp.q_lora_rank > 65536 || hp.n_rot <= 0 || hp.n_rot % 2 ||
        qk <= hp.n_rot || qk > 4096 || v <= 0 || v > 4096) {
        error = a + "attention.kv_lora_rank / q_lora_rank / key_length(_mla) / value_length(_mla) / "
                    "rope.dimension_count do not describe multi-head latent attention";
        return false;
    }
    if (hp.n_expert > 0 && (hp.n_ff_exp <= 0 || hp.n_ff_exp > 1048576 || hp.n_expert_used <= 0 ||
                            !(hp.expert_weights_scale > 0 && hp.expert_weights_scale < 1e6) ||
                            (hp.expert_gating_func != 0 && hp.expert_gating_func != 1 && hp.expert_gating_func != 2))) {
        error = a + "expert_feed_forward_length / expert_used_count / expert_weights_scale / expert_gating_func "
                    "are not usable";
        return false;
    }
    // What the routing relies on, checked before anything allocates by it.
    if (hp.n_expert < 0 || hp.n_expert > 4096 || hp.n_expert_used < 0 || hp.n_expert_used > hp.n_expert ||
        hp.n_expert_shared < 0 || hp.n_layer_dense_lead < 0 || hp.n_layer_dense_lead > hp.n_layer) {
        error = a + "expert_count / expert_used_count / expert_shared_count / leading_dense_block_count are inconsistent";
        return false;
    }
    if (hp.n_expert > 0 && (hp.n_expert_groups < 1 || hp.n_expert % hp.n_expert_groups != 0 || hp.n_group_used < 1 ||
                            hp.n_group_used > hp.n_expert_groups ||
                            hp.n_expert_used > hp.n_group_used * (hp.n_expert / hp.n_expert_groups))) {
        error = a + "expert_group_count / expert_group_used_count do not divide the " + std::to_string(hp.n_expert) +
                " experts into groups that can supply " + std::to_string(hp.n_expert_used) + " of them";
        return false;
    }
    return true;
}

// Per-head sizes of MLA: the newer layout states them in *_mla keys (its key_length is the
// latent's 576); the older one in key_length / value_length.
struct Mla {
    int64_t nope = 0, rope = 0, v = 0, rank = 0;
};
Mla mla_of(const ModelHparams& hp) {
    Mla m;
    m.rope = hp.n_rot;
    m.rank = hp.kv_lora_rank;
    m.nope = (hp.key_length_mla > 0 ? hp.key_length_mla : hp.head_dim_k) - m.rope;
    m.v = hp.value_length_mla > 0 ? hp.value_length_mla : hp.head_dim_v;
    return m;
}

// The latent cache: kv_lora_rank values plus the shared RoPE key per layer per token.
uint64_t kv_cache_bytes_per_token(const ModelHparams& hp, TensorType kv_type) {
    const uint64_t elem = type_row_bytes(kv_type, 1);
    return static_cast<uint64_t>(hp.n_layer) * static_cast<uint64_t>(hp.kv_lora_rank + hp.n_rot) * elem;
}

// --- weights ------------------------------------------------------------------------------------

struct Ffn {                  // a dense SwiGLU feed-forward (dense layers, the shared expert)
    Tensor gate, up;          // {n_embd, n_ff}
    Tensor down;              // {n_ff, n_embd}
};

struct Layer {
    Tensor attn_norm;         // (n_embd)
    Tensor q_a, q_a_norm, q_b;// {n_embd, q_lora}, (q_lora), {q_lora, H*(nope+rope)}; or only
    Tensor q;                 //   {n_embd, H*(nope+rope)} without a q low rank
    Tensor kv_a;              // {n_embd, rank + rope}: the latent and the shared RoPE key
    Tensor kv_a_norm;         // (rank)
    Tensor k_b;               // {nope, rank, H}: W_UK_h^T, q_nope_h -> the latent space
    Tensor v_b;               // {rank, v, H}: W_UV_h, latent context -> the head's value
    Tensor wo;                // {H*v, n_embd}
    Tensor ffn_norm;          // (n_embd)
    Ffn dense;                // the leading dense layers
    Tensor router;            // {n_embd, n_expert}
    Tensor router_bias;       // (n_expert) selection bias; empty when absent
    Tensor gate_exps, up_exps;// {n_embd, n_ff_exp, n_expert}
    Tensor down_exps;         // {n_ff_exp, n_embd, n_expert}
    Ffn shared;               // n_expert_shared experts as one FFN of n_ff_exp * n_expert_shared
    bool moe = false;
};

struct Weights : ArchWeights {
    Tensor tok_embd;          // {n_embd, n_vocab}
    Tensor output_norm;       // (n_embd)
    Tensor output;            // {n_embd, n_vocab}
    std::vector<Layer> layers;
};

const Weights& weights_of(const Model& m) { return static_cast<const Weights&>(*m.weights); }

bool load_ffn(WeightLoader& L, const std::string& p, const char* suffix, int64_t n_embd, int64_t n_ff, int d, Ffn& f) {
    return L.get(p + "ffn_gate" + suffix + ".weight", {n_embd, n_ff}, d, f.gate) &&
           L.get(p + "ffn_up" + suffix + ".weight", {n_embd, n_ff}, d, f.up) &&
           L.get(p + "ffn_down" + suffix + ".weight", {n_ff, n_embd}, d, f.down);
}

// The older layout's attn_kv_b {rank, H*(nope+v)}: head h's rows [h*(nope+v), +nope) are W_UK_h,
// the next v rows W_UV_h. W_UV_h is a strided view of it; W_UK_h^T is transposed here, once.
bool load_kv_b(WeightLoader& L, const std::string& p, const Mla& m, int64_t H, int d, Layer& l) {
    Tensor kv_b;
    if (!L.get(p + "attn_kv_b.weight", {m.rank, H * (m.nope + m.v)}, d, kv_b)) return false;
    const GgufTensor* g = L.file().find_tensor(p + "attn_kv_b.weight");
    const size_t row = type_row_bytes(g->type, m.rank);
    l.v_b = view_3d(rows(kv_b, m.nope, H * (m.nope + m.v) - m.nope), m.rank, m.v, H, kv_b.nb[1],
                    static_cast<size_t>(m.nope + m.v) * kv_b.nb[1]);
    std::vector<float> k_b(static_cast<size_t>(m.nope * m.rank * H)), r(static_cast<size_t>(m.rank));
    for (int64_t h = 0; h < H; h++)
        for (int64_t n = 0; n < m.nope; n++) {
            dequantize_row(g->type, g->data + static_cast<size_t>(h * (m.nope + m.v) + n) * row, r.data(), m.rank);
            for (int64_t c = 0; c < m.rank; c++) k_b[static_cast<size_t>((h * m.rank + c) * m.nope + n)] = r[static_cast<size_t>(c)];
        }
    // Kept exactly: F16 stays F16, anything else (quantized blocks do not survive a transpose) goes
    // to F32. For R1 that is 61 x 32 MiB, about 2 GiB beside ~380 GiB of Q4 weights; the split
    // layout, which current conversions write, needs no copy at all.
    return L.put(k_b, d, l.k_b, {m.nope, m.rank, H}, g->type == TensorType::F16 ? TensorType::F16 : TensorType::F32);
}

bool load_attention(WeightLoader& L, const ModelHparams& hp, const std::string& p, int d, Layer& l) {
    const Mla m = mla_of(hp);
    const int64_t H = hp.n_head, n_embd = hp.n_embd;
    bool ok = L.get(p + "attn_norm.weight", {n_embd}, d, l.attn_norm);
    if (hp.q_lora_rank > 0)
        ok = ok && L.get(p + "attn_q_a.weight", {n_embd, hp.q_lora_rank}, d, l.q_a) &&
             L.get(p + "attn_q_a_norm.weight", {hp.q_lora_rank}, d, l.q_a_norm) &&
             L.get(p + "attn_q_b.weight", {hp.q_lora_rank, H * (m.nope + m.rope)}, d, l.q_b);
    else
        ok = ok && L.get(p + "attn_q.weight", {n_embd, H * (m.nope + m.rope)}, d, l.q);
    ok = ok && L.get(p + "attn_kv_a_mqa.weight", {n_embd, m.rank + m.rope}, d, l.kv_a) &&
         L.get(p + "attn_kv_a_norm.weight", {m.rank}, d, l.kv_a_norm) &&
         L.get(p + "attn_output.weight", {H * m.v, n_embd}, d, l.wo);
    if (!ok) return false;
    if (L.file().find_tensor(p + "attn_k_b.weight"))
        return L.get(p + "attn_k_b.weight", {m.nope, m.rank, H}, d, l.k_b) &&
               L.get(p + "attn_v_b.weight", {m.rank, m.v, H}, d, l.v_b);
    return load_kv_b(L, p, m, H, d, l);
}

bool load_layer(WeightLoader& L, const ModelHparams& hp, int64_t il, Layer& l) {
    const std::string p = "blk." + std::to_string(il) + ".";
    const int d = L.layer_device(il);
    const int64_t n_embd = hp.n_embd, E = hp.n_expert, ff = hp.n_ff_exp;
    if (!load_attention(L, hp, p, d, l) || !L.get(p + "ffn_norm.weight", {n_embd}, d, l.ffn_norm)) return false;
    l.moe = il >= hp.n_layer_dense_lead && E > 0;
    if (!l.moe) return load_ffn(L, p, "", n_embd, hp.n_ff, d, l.dense);
    return L.get(p + "ffn_gate_inp.weight", {n_embd, E}, d, l.router) &&
           L.get(p + "exp_probs_b.bias", {E}, d, l.router_bias, true) &&
           L.get(p + "ffn_gate_exps.weight", {n_embd, ff, E}, d, l.gate_exps) &&
           L.get(p + "ffn_up_exps.weight", {n_embd, ff, E}, d, l.up_exps) &&
           L.get(p + "ffn_down_exps.weight", {ff, n_embd, E}, d, l.down_exps) &&
           (hp.n_expert_shared == 0 || load_ffn(L, p, "_shexp", n_embd, ff * hp.n_expert_shared, d, l.shared));
}

std::unique_ptr<ArchWeights> load_weights(WeightLoader& L, ModelHparams& hp, std::string& error) {
    const Mla m = mla_of(hp);
    if (m.rope <= 0 || m.rope % 2 || m.nope <= 0 || m.v <= 0) {
        error = "inconsistent attention sizes (rope.dimension_count, key_length(_mla), value_length(_mla))";
        return nullptr;
    }
    if (hp.n_expert > 0 && (hp.n_ff_exp <= 0 || hp.n_expert_used <= 0)) {
        error = hp.arch + ".expert_feed_forward_length / expert_used_count are missing";
        return nullptr;
    }
    if (hp.n_layer_dense_lead > 0 && hp.n_ff <= 0) {
        error = hp.arch + ".feed_forward_length is missing";
        return nullptr;
    }
    auto w = std::make_unique<Weights>();
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
    hp.n_vocab = n_vocab;
    const int out = L.output_device();
    if (!L.get("output_norm.weight", {hp.n_embd}, out, w->output_norm) ||
        !L.get("output.weight", {hp.n_embd, n_vocab}, out, w->output))
        return failed();
    w->layers.resize(static_cast<size_t>(hp.n_layer));
    for (int64_t il = 0; il < hp.n_layer; il++)
        if (!load_layer(L, hp, il, w->layers[static_cast<size_t>(il)])) return failed();
    return w;
}

// --- per-session state --------------------------------------------------------------------------

struct Activations {
    OwnedTensor ids;            // I32 (n_batch): the tokens
    OwnedTensor head_ids;       // I32 {H, n_batch}: 0..H-1 per token (each head its own matrix)
    OwnedTensor x, h;           // {n_embd, n}
    OwnedTensor q_a;            // {q_lora, n}
    OwnedTensor q;              // {H*(nope+rope), n}
    OwnedTensor kv;             // {rank + rope, n}
    OwnedTensor c_kv;           // {rank, n}: the normalised latent
    OwnedTensor q_lat;          // {H*(rank+rope), n}: each head's query in the cache's space
    OwnedTensor ctx;            // {H*rank, n}: each head's attention over the latents
    OwnedTensor attn;           // {H*v, n}
    OwnedTensor gate, up, act;  // {max(n_ff, shared ff), n}
    OwnedTensor router;         // {n_expert, n}
    OwnedTensor expert_ids;     // I32 {k, n}
    OwnedTensor expert_w;       // {k, n}
    OwnedTensor e_gate, e_up, e_act;  // {n_ff_exp, k, n}
    OwnedTensor e_down;         // {n_embd, k, n}
    OwnedTensor logits;         // {n_vocab, rows}, grown on demand
};

struct State : ForwardState {
    std::vector<Activations> acts;   // per device of the placement (empty: unused)
    std::vector<OwnedTensor> cache;  // per layer: {rank + rope, n_ctx}, [c_kv | k_pe] per token
};

Activations make_activations(Backend& be, Stream& st, const ModelHparams& hp, int64_t n) {
    const Mla m = mla_of(hp);
    const TensorType f32 = TensorType::F32;
    const int64_t H = hp.n_head, k = std::max<int64_t>(hp.n_expert_used, 1), E = std::max<int64_t>(hp.n_expert, 1);
    const int64_t ff = std::max({hp.n_ff, hp.n_ff_exp * hp.n_expert_shared, int64_t{1}});
    Activations a;
    a.ids = alloc_tensor(be, TensorType::I32, n);
    a.head_ids = alloc_tensor(be, TensorType::I32, H, n);
    std::vector<int32_t> heads(static_cast<size_t>(H * n));
    for (size_t i = 0; i < heads.size(); i++) heads[i] = static_cast<int32_t>(i % static_cast<size_t>(H));
    st.upload(a.head_ids.t, heads.data(), heads.size() * sizeof(int32_t));
    a.x = alloc_tensor(be, f32, hp.n_embd, n);
    a.h = alloc_tensor(be, f32, hp.n_embd, n);
    a.q_a = alloc_tensor(be, f32, std::max<int64_t>(hp.q_lora_rank, 1), n);
    a.q = alloc_tensor(be, f32, H * (m.nope + m.rope), n);
    a.kv = alloc_tensor(be, f32, m.rank + m.rope, n);
    a.c_kv = alloc_tensor(be, f32, m.rank, n);
    a.q_lat = alloc_tensor(be, f32, H * (m.rank + m.rope), n);
    a.ctx = alloc_tensor(be, f32, H * m.rank, n);
    a.attn = alloc_tensor(be, f32, H * m.v, n);
    a.gate = alloc_tensor(be, f32, ff, n);
    a.up = alloc_tensor(be, f32, ff, n);
    a.act = alloc_tensor(be, f32, ff, n);
    a.router = alloc_tensor(be, f32, E, n);
    a.expert_ids = alloc_tensor(be, TensorType::I32, k, n);
    a.expert_w = alloc_tensor(be, f32, k, n);
    const int64_t ffe = std::max<int64_t>(hp.n_ff_exp, 1);
    a.e_gate = alloc_tensor(be, f32, ffe, k, n);
    a.e_up = alloc_tensor(be, f32, ffe, k, n);
    a.e_act = alloc_tensor(be, f32, ffe, k, n);
    a.e_down = alloc_tensor(be, f32, hp.n_embd, k, n);
    return a;
}

std::unique_ptr<ForwardState> create_state(const Model& model, const StateOptions& o) {
    const ModelHparams& hp = model.hp;
    const Mla m = mla_of(hp);
    auto s = std::make_unique<State>();
    s->n_ctx = o.n_ctx;
    s->n_batch = o.n_batch;
    s->acts.resize(model.backends.size());
    std::set<int> used{model.placement.input, model.placement.output};
    used.insert(model.placement.layers.begin(), model.placement.layers.end());
    for (size_t d = 0; d < model.backends.size(); d++) s->streams.push_back(model.backends[d]->create_stream());
    for (int d : used)
        s->acts[static_cast<size_t>(d)] = make_activations(*model.backends[static_cast<size_t>(d)], *s->streams[static_cast<size_t>(d)], hp, o.n_batch);
    for (int64_t il = 0; il < hp.n_layer; il++) {
        Backend& be = *model.backends[static_cast<size_t>(model.placement.layers[static_cast<size_t>(il)])];
        s->cache.push_back(alloc_tensor(be, o.kv_type, m.rank + m.rope, o.n_ctx));
    }
    return s;
}

// --- the forward pass ---------------------------------------------------------------------------

const Tensor* optional(const Tensor& t) { return t.empty() ? nullptr : &t; }

// RoPE with DeepSeek's YaRN; the rotation keeps unit length (the extension's magnitude correction
// goes into the attention scale instead).
RopeParams rope_params(const ModelHparams& hp) {
    RopeParams r;
    r.n_rot = static_cast<int>(hp.n_rot);
    r.freq_base = static_cast<float>(hp.rope_freq_base);
    r.neox = false;  // GGUF deepseek2 rotates adjacent pairs
    if (hp.rope_scaling_type == "yarn" && hp.rope_scaling_factor > 1)
        r.yarn = YarnParams{static_cast<float>(hp.rope_scaling_factor), static_cast<int>(hp.rope_scaling_orig_ctx),
                            static_cast<float>(hp.rope_yarn_beta_fast), static_cast<float>(hp.rope_yarn_beta_slow)};
    return r;
}

// softmax scale = 1/sqrt(nope + rope) * mscale^2, mscale = 0.1 * mscale_all_dim * ln(factor) + 1
// (the GGUF stores 0.1 * mscale_all_dim as yarn_log_multiplier).
float attention_scale(const ModelHparams& hp, const Mla& m) {
    double mscale = 1;
    if (hp.rope_scaling_type == "yarn" && hp.rope_scaling_factor > 1)
        mscale = 1 + hp.rope_yarn_log_mul * std::log(hp.rope_scaling_factor);
    return static_cast<float>(mscale * mscale / std::sqrt(static_cast<double>(m.nope + m.rope)));
}

// h = latent attention over the cache, for tokens at pos0..pos0+n; the new latents are stored.
void attention(const Model& model, const Layer& l, Stream& st, const Activations& a, const Tensor& cache, int64_t n,
               int pos0) {
    const ModelHparams& hp = model.hp;
    const Mla m = mla_of(hp);
    const float eps = static_cast<float>(hp.rms_eps);
    const RopeParams rope = rope_params(hp);
    const Tensor h = rows(a.h.t, 0, n), q = rows(a.q.t, 0, n), kv = rows(a.kv.t, 0, n), c_kv = rows(a.c_kv.t, 0, n);
    // q = W_qb norm(W_qa h) (or W_q h)                                         {H*(nope+rope), n}
    if (!l.q_a.empty()) {
        const Tensor q_a = rows(a.q_a.t, 0, n);
        st.matmul(l.q_a, h, q_a, nullptr);
        st.rms_norm(q_a, &l.q_a_norm, eps, q_a);
        st.matmul(l.q_b, q_a, q, nullptr);
    } else {
        st.matmul(l.q, h, q, nullptr);
    }
    // kv = W_kva h: c_kv = norm(kv[:rank]); k_pe = rope(kv[rank:])              {rank + rope, n}
    st.matmul(l.kv_a, h, kv, nullptr);
    st.rms_norm(cols(kv, 0, m.rank), &l.kv_a_norm, eps, c_kv);
    const Tensor k_pe = cols(kv, m.rank, m.rope);
    st.rope(view_3d(k_pe, m.rope, 1, n, k_pe.nb[1], k_pe.nb[1]), pos0, rope);
    const Tensor q_heads = split_heads(q, m.nope + m.rope);
    st.rope(cols(q_heads, m.nope, m.rope), pos0, rope);
    // cache rows pos0..pos0+n = [c_kv | k_pe]
    const Tensor new_rows = rows(cache, pos0, n);
    st.copy(c_kv, cols(new_rows, 0, m.rank));
    st.copy(k_pe, cols(new_rows, m.rank, m.rope));
    // each head's query in the cache's space: [W_UK_h^T q_nope_h | q_pe_h]      {rank + rope, H, n}
    const Tensor q_lat = split_heads(rows(a.q_lat.t, 0, n), m.rank + m.rope);
    const Tensor head_ids = rows(a.head_ids.t, 0, n);
    st.matmul_id(l.k_b, cols(q_heads, 0, m.nope), head_ids, cols(q_lat, 0, m.rank));
    st.copy(cols(q_heads, m.nope, m.rope), cols(q_lat, m.rank, m.rope));
    // attention over the latents, one shared key head: ctx_h = softmax(q~_h . [c_kv|k_pe]) c_kv
    const Tensor past = rows(cache, 0, pos0 + n);
    const Tensor keys = view_3d(past, m.rank + m.rope, 1, pos0 + n, past.nb[1], past.nb[1]);
    const Tensor values = view_3d(cols(past, 0, m.rank), m.rank, 1, pos0 + n, past.nb[1], past.nb[1]);
    const Tensor ctx = split_heads(rows(a.ctx.t, 0, n), m.rank);
    st.attention(q_lat, keys, values, ctx, AttentionParams{attention_scale(hp, m), pos0});
    // each head's value W_UV_h ctx_h, then h = W_o concat(heads)                 {n_embd, n}
    const Tensor attn = rows(a.attn.t, 0, n);
    st.matmul_id(l.v_b, ctx, head_ids, split_heads(attn, m.v));
    st.matmul(l.wo, attn, h, nullptr);
}

// h = silu(W_gate h) * (W_up h) through W_down, for a dense layer or the shared expert.
void dense_ffn(const Ffn& f, Stream& st, const Activations& a, int64_t n, const Tensor& in, const Tensor& out) {
    const int64_t ff = f.gate.ne[1];
    const Tensor gate = cols(rows(a.gate.t, 0, n), 0, ff), up = cols(rows(a.up.t, 0, n), 0, ff),
                 act = cols(rows(a.act.t, 0, n), 0, ff);
    st.matmul(f.gate, in, gate, nullptr);
    st.matmul(f.up, in, up, nullptr);
    st.swiglu(gate, up, act);
    st.matmul(f.down, act, out, nullptr);
}

// h (normalised input) -> the experts' weighted sum plus the shared expert, into h.
void moe_ffn(const Model& model, const Layer& l, Stream& st, const Activations& a, int64_t n) {
    const ModelHparams& hp = model.hp;
    const Tensor h = rows(a.h.t, 0, n), logits = rows(a.router.t, 0, n), ids = rows(a.expert_ids.t, 0, n),
                 w = rows(a.expert_w.t, 0, n);
    // route: logits = W_router h; the k best experts and their weights
    st.matmul(l.router, h, logits, nullptr);
    MoeRouting r;
    r.n_expert_used = static_cast<int>(hp.n_expert_used);
    r.n_group = static_cast<int>(hp.n_expert_groups);
    r.n_group_used = static_cast<int>(hp.n_group_used);
    r.sigmoid = hp.expert_gating_func == 2;  // 2: sigmoid (V3/R1); 1 or absent (older V2 files): softmax
    r.normalize = hp.expert_weights_norm;
    r.scale = static_cast<float>(hp.expert_weights_scale);
    st.moe_route(logits, optional(l.router_bias), r, ids, w);
    // each chosen expert: down(silu(gate h) * up h)                             {n_embd, k, n}
    const Tensor x1 = view_3d(h, h.ne[0], 1, n, h.nb[1], h.nb[1]);
    const Tensor g = slice(a.e_gate.t, 2, 0, n), u = slice(a.e_up.t, 2, 0, n), act = slice(a.e_act.t, 2, 0, n),
                 y = slice(a.e_down.t, 2, 0, n);
    st.matmul_id(l.gate_exps, x1, ids, g);
    st.matmul_id(l.up_exps, x1, ids, u);
    st.swiglu(g, u, act);
    st.matmul_id(l.down_exps, act, ids, y);
    // shared expert first (it reads h), then h = shared + sum_j w_j y_j
    const Tensor x = rows(a.x.t, 0, n);
    if (!l.shared.gate.empty()) {
        dense_ffn(l.shared, st, a, n, h, h);
        st.add(x, h, x);
    }
    st.moe_sum(y, w, h);
}

void forward(const Model& model, ForwardState& state, const ForwardBatch& b) {
    State& s = static_cast<State&>(state);
    const ModelHparams& hp = model.hp;
    const Weights& w = weights_of(model);
    const int64_t n = b.n;
    const float eps = static_cast<float>(hp.rms_eps);
    int dev = model.placement.input;
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
        const Layer& l = w.layers[il];
        move_to(model.placement.layers[il]);
        Stream& st = *s.streams[static_cast<size_t>(dev)];
        const Activations& a = s.acts[static_cast<size_t>(dev)];
        const Tensor x = rows(a.x.t, 0, n), h = rows(a.h.t, 0, n);
        // x += MLA(rmsnorm(x) * attn_norm)
        st.rms_norm(x, &l.attn_norm, eps, h);
        attention(model, l, st, a, s.cache[il].t, n, b.pos0);
        st.add(x, h, x);
        // x += FFN(rmsnorm(x) * ffn_norm): dense, or experts + shared expert
        st.rms_norm(x, &l.ffn_norm, eps, h);
        if (l.moe) moe_ffn(model, l, st, a, n);
        else dense_ffn(l.dense, st, a, n, h, h);
        st.add(x, h, x);
    }
    move_to(model.placement.output);
    Stream& st = *s.streams[static_cast<size_t>(dev)];
    if (b.n_logits <= 0) {
        st.synchronize();
        return;
    }
    // logits = (rmsnorm(x) * output_norm) Wout, for the last n_logits tokens  {n_vocab, n_logits}
    Activations& a = s.acts[static_cast<size_t>(dev)];
    if (a.logits.t.empty() || a.logits.t.ne[1] < b.n_logits) {
        st.synchronize();
        a.logits = alloc_tensor(*model.backends[static_cast<size_t>(dev)], TensorType::F32, w.output.ne[1], b.n_logits);
    }
    const Tensor h = rows(a.h.t, 0, b.n_logits), logits = rows(a.logits.t, 0, b.n_logits);
    st.rms_norm(rows(a.x.t, n - b.n_logits, b.n_logits), &w.output_norm, eps, h);
    st.matmul(w.output, h, logits, nullptr);
    st.download(logits, b.logits);
}

} // namespace

extern const Architecture kDeepseek2Architecture{"deepseek2", read_hparams, load_weights, kv_cache_bytes_per_token,
                                                 create_state, forward};

} // namespace ponder
