#include "make_model.h"

#include "ponder/gguf.h"
#include "ponder/tokenizer.h"
#include "quant.h"

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

namespace ponder::test {

namespace {

bool type_from_name(const std::string& name, TensorType& out) {
    for (uint32_t id = 0; id < 64; id++) {
        const TensorTypeTraits* t = tensor_type_traits(id);
        if (t && t->name == name) {
            out = static_cast<TensorType>(id);
            return tensor_type_supported(out);
        }
    }
    return false;
}

void put_f16(std::vector<uint8_t>& b, size_t at, float v) {
    uint16_t h = fp32_to_fp16(v);
    std::memcpy(&b[at], &h, 2);
}

} // namespace

std::vector<uint8_t> random_weight(TensorType type, int64_t n_in, int64_t n_out, float sigma, std::mt19937_64& rng) {
    const TensorTypeTraits* tt = tensor_type_traits(static_cast<uint32_t>(type));
    const int64_t n = n_in * n_out;
    std::normal_distribution<float> normal(0.f, sigma);
    std::vector<uint8_t> out(static_cast<size_t>(n / tt->block_elems) * tt->block_bytes);
    if (type == TensorType::F32 || type == TensorType::F16 || type == TensorType::BF16) {
        for (int64_t i = 0; i < n; i++) {
            float v = normal(rng);
            if (type == TensorType::F32) std::memcpy(&out[static_cast<size_t>(4 * i)], &v, 4);
            else {
                uint16_t h = type == TensorType::F16 ? fp32_to_fp16(v) : fp32_to_bf16(v);
                std::memcpy(&out[static_cast<size_t>(2 * i)], &h, 2);
            }
        }
        return out;
    }
    std::uniform_int_distribution<int> byte(0, 255);
    for (uint8_t& b : out) b = static_cast<uint8_t>(byte(rng));
    // rms of (sub-scale x code) of uniformly random blocks, per type, so that d gives ~sigma
    const std::map<TensorType, float> code_rms = {
        {TensorType::Q4_0, 4.6f}, {TensorType::Q4_1, 4.6f}, {TensorType::Q5_0, 9.2f}, {TensorType::Q5_1, 9.2f},
        {TensorType::Q8_0, 74.f}, {TensorType::Q2_K, 16.5f}, {TensorType::Q3_K, 44.f}, {TensorType::Q4_K, 327.f},
        {TensorType::Q5_K, 660.f}, {TensorType::Q6_K, 1370.f}};
    const float d = sigma / code_rms.at(type);
    const size_t bb = tt->block_bytes;
    for (size_t at = 0; at < out.size(); at += bb) {
        switch (type) {
        case TensorType::Q4_0: case TensorType::Q5_0: case TensorType::Q8_0: put_f16(out, at, d); break;
        case TensorType::Q4_1: put_f16(out, at, d); put_f16(out, at + 2, -7.5f * d); break;
        case TensorType::Q5_1: put_f16(out, at, d); put_f16(out, at + 2, -15.5f * d); break;
        // dmin = d * E[scale * q] / E[min] centres the values around zero (a weight matrix with a
        // large common offset makes a random model repeat one token forever)
        case TensorType::Q2_K: put_f16(out, at + 80, d); put_f16(out, at + 82, 1.5f * d); break;
        case TensorType::Q3_K: put_f16(out, at + 108, d); break;
        case TensorType::Q4_K: put_f16(out, at, d); put_f16(out, at + 2, 7.5f * d); break;
        case TensorType::Q5_K: put_f16(out, at, d); put_f16(out, at + 2, 15.5f * d); break;
        case TensorType::Q6_K: put_f16(out, at + 208, d); break;
        default: break;
        }
    }
    return out;
}

namespace {

std::vector<uint8_t> f32_bytes(const std::vector<float>& v) {
    std::vector<uint8_t> b(v.size() * 4);
    std::memcpy(b.data(), v.data(), b.size());
    return b;
}

// A type the tensor's rows can hold: K-quants need rows of 256, the 32-element formats rows of 32
// (llama.cpp's quantizer falls back the same way for narrow tensors).
TensorType fit_type(TensorType t, int64_t n_in) {
    const int64_t block = tensor_type_traits(static_cast<uint32_t>(t))->block_elems;
    if (n_in % block == 0) return t;
    return n_in % 32 == 0 ? TensorType::Q8_0 : TensorType::F16;
}

std::string chat_template_text() {
    std::ifstream tmpl(std::string(PONDER_SOURCE_DIR) + "/resources/chat_templates/deepseek-r1.jinja");
    std::stringstream ss;
    ss << tmpl.rdbuf();
    return ss.str();
}

// DeepSeek-V3's layout in miniature: MLA (q low rank or not; one attn_kv_b or attn_k_b/attn_v_b),
// a leading dense layer, then experts with group-limited sigmoid routing and shared experts.
bool write_deepseek2(const ModelSpec& s, const Tokenizer& tok, TensorType wtype, TensorType etype, TensorType otype,
                     const std::string& out_path, std::string& error) {
    const std::string a = "deepseek2.";
    const int64_t n_vocab = tok.n_vocab(), H = s.n_head, qk = s.qk_nope + s.qk_rope;
    GgufWriter w;
    w.set_string("general.architecture", "deepseek2");
    w.set_string("general.name", "ponder-tiny-deepseek2-" + s.type);
    w.set_u32(a + "context_length", static_cast<uint32_t>(s.n_ctx));
    w.set_u32(a + "embedding_length", static_cast<uint32_t>(s.n_embd));
    w.set_u32(a + "block_count", static_cast<uint32_t>(s.n_layer));
    w.set_u32(a + "feed_forward_length", static_cast<uint32_t>(s.n_ff));
    w.set_u32(a + "attention.head_count", static_cast<uint32_t>(H));
    w.set_f32(a + "attention.layer_norm_rms_epsilon", s.eps);
    w.set_f32(a + "rope.freq_base", s.rope_base);
    w.set_u32(a + "rope.dimension_count", static_cast<uint32_t>(s.qk_rope));
    if (s.q_lora > 0) w.set_u32(a + "attention.q_lora_rank", static_cast<uint32_t>(s.q_lora));
    w.set_u32(a + "attention.kv_lora_rank", static_cast<uint32_t>(s.kv_lora));
    if (s.split_kv_b) {  // the newer files: the cache's geometry, with the per-head sizes in *_mla
        w.set_u32(a + "attention.head_count_kv", 1);
        w.set_u32(a + "attention.key_length", static_cast<uint32_t>(s.kv_lora + s.qk_rope));
        w.set_u32(a + "attention.value_length", static_cast<uint32_t>(s.kv_lora));
        w.set_u32(a + "attention.key_length_mla", static_cast<uint32_t>(qk));
        w.set_u32(a + "attention.value_length_mla", static_cast<uint32_t>(s.v_head));
    } else {
        w.set_u32(a + "attention.head_count_kv", static_cast<uint32_t>(H));
        w.set_u32(a + "attention.key_length", static_cast<uint32_t>(qk));
        w.set_u32(a + "attention.value_length", static_cast<uint32_t>(s.v_head));
    }
    w.set_u32(a + "leading_dense_block_count", static_cast<uint32_t>(s.dense_lead));
    w.set_u32(a + "expert_count", static_cast<uint32_t>(s.n_expert));
    w.set_u32(a + "expert_used_count", static_cast<uint32_t>(s.n_expert_used));
    w.set_u32(a + "expert_shared_count", static_cast<uint32_t>(s.n_expert_shared));
    w.set_u32(a + "expert_feed_forward_length", static_cast<uint32_t>(s.n_ff_exp));
    w.set_f32(a + "expert_weights_scale", s.expert_scale);
    w.set_bool(a + "expert_weights_norm", true);
    w.set_u32(a + "expert_gating_func", 2);  // sigmoid
    w.set_u32(a + "expert_group_count", static_cast<uint32_t>(s.n_group));
    w.set_u32(a + "expert_group_used_count", static_cast<uint32_t>(s.n_group_used));
    if (s.yarn_factor > 0) {
        w.set_string(a + "rope.scaling.type", "yarn");
        w.set_f32(a + "rope.scaling.factor", s.yarn_factor);
        w.set_u32(a + "rope.scaling.original_context_length", static_cast<uint32_t>(s.yarn_orig_ctx));
        w.set_f32(a + "rope.scaling.yarn_log_multiplier", s.yarn_log_mul);
    }
    w.set_u32("general.file_type", 0);
    tok.write_gguf(w);
    w.set_string("tokenizer.chat_template", chat_template_text());

    std::mt19937_64 rng(s.seed);
    std::normal_distribution<float> around_one(1.f, 0.1f), small(0.f, 0.02f);
    auto vec = [&](int64_t n, bool norm) {
        std::vector<float> out(static_cast<size_t>(n));
        for (float& x : out) x = norm ? around_one(rng) : small(rng);
        return f32_bytes(out);
    };
    // {n_in, n_out} (x n_mat stacked, for experts), rows of rms ~gain/sqrt(n_in)
    auto matrix = [&](const std::string& name, TensorType t, int64_t n_in, int64_t n_out, int64_t n_mat = 1, float gain = 1.f) {
        t = fit_type(t, n_in);
        std::vector<int64_t> ne = {n_in, n_out};
        if (n_mat > 1) ne.push_back(n_mat);
        w.add_tensor(name, t, ne, random_weight(t, n_in, n_out * n_mat, gain / std::sqrt(static_cast<float>(n_in)), rng));
    };
    w.add_tensor("token_embd.weight", fit_type(etype, s.n_embd), {s.n_embd, n_vocab},
                 random_weight(fit_type(etype, s.n_embd), s.n_embd, n_vocab, 1.f, rng));
    w.add_tensor("output_norm.weight", TensorType::F32, {s.n_embd}, vec(s.n_embd, true));
    matrix("output.weight", otype, s.n_embd, n_vocab, 1, s.logit_gain);
    for (int l = 0; l < s.n_layer; l++) {
        const std::string p = "blk." + std::to_string(l) + ".";
        w.add_tensor(p + "attn_norm.weight", TensorType::F32, {s.n_embd}, vec(s.n_embd, true));
        if (s.q_lora > 0) {
            matrix(p + "attn_q_a.weight", wtype, s.n_embd, s.q_lora);
            w.add_tensor(p + "attn_q_a_norm.weight", TensorType::F32, {s.q_lora}, vec(s.q_lora, true));
            matrix(p + "attn_q_b.weight", wtype, s.q_lora, H * qk);
        } else {
            matrix(p + "attn_q.weight", wtype, s.n_embd, H * qk);
        }
        matrix(p + "attn_kv_a_mqa.weight", wtype, s.n_embd, s.kv_lora + s.qk_rope);
        w.add_tensor(p + "attn_kv_a_norm.weight", TensorType::F32, {s.kv_lora}, vec(s.kv_lora, true));
        if (s.split_kv_b) {
            matrix(p + "attn_k_b.weight", wtype, s.qk_nope, s.kv_lora, H);
            matrix(p + "attn_v_b.weight", wtype, s.kv_lora, s.v_head, H);
        } else {
            matrix(p + "attn_kv_b.weight", wtype, s.kv_lora, H * (s.qk_nope + s.v_head));
        }
        matrix(p + "attn_output.weight", wtype, H * s.v_head, s.n_embd);
        w.add_tensor(p + "ffn_norm.weight", TensorType::F32, {s.n_embd}, vec(s.n_embd, true));
        if (l < s.dense_lead) {
            matrix(p + "ffn_gate.weight", wtype, s.n_embd, s.n_ff);
            matrix(p + "ffn_up.weight", wtype, s.n_embd, s.n_ff);
            matrix(p + "ffn_down.weight", wtype, s.n_ff, s.n_embd);
            continue;
        }
        // The router in F32, its logits spread enough that routing is not a coin toss.
        matrix(p + "ffn_gate_inp.weight", TensorType::F32, s.n_embd, s.n_expert, 1, 1.5f);
        w.add_tensor(p + "exp_probs_b.bias", TensorType::F32, {s.n_expert}, vec(s.n_expert, false));
        matrix(p + "ffn_gate_exps.weight", wtype, s.n_embd, s.n_ff_exp, s.n_expert);
        matrix(p + "ffn_up_exps.weight", wtype, s.n_embd, s.n_ff_exp, s.n_expert);
        matrix(p + "ffn_down_exps.weight", wtype, s.n_ff_exp, s.n_embd, s.n_expert);
        const int64_t ff_sh = static_cast<int64_t>(s.n_ff_exp) * s.n_expert_shared;
        if (ff_sh > 0) {
            matrix(p + "ffn_gate_shexp.weight", wtype, s.n_embd, ff_sh);
            matrix(p + "ffn_up_shexp.weight", wtype, s.n_embd, ff_sh);
            matrix(p + "ffn_down_shexp.weight", wtype, ff_sh, s.n_embd);
        }
    }
    return w.write_file(out_path, error);
}

} // namespace

bool make_model(const ModelSpec& s, const std::string& out_path, std::string& error) {
    TensorType wtype, etype, otype;
    if (!type_from_name(s.type, wtype)) {
        error = "unknown or unsupported tensor type " + s.type;
        return false;
    }
    if (!type_from_name(s.embd_type.empty() ? s.type : s.embd_type, etype) ||
        !type_from_name(s.output_type.empty() ? (s.q4_k_m ? "Q6_K" : s.type) : s.output_type, otype)) {
        error = "unknown embedding/output type";
        return false;
    }
    // Vocabulary: the first N ordinary tokens of a real one, then its special tokens renumbered;
    // merges whose parts or result fell outside are dropped (the rest stay valid BPE).
    Vocab v;
    if (!s.vocab_from.empty()) {
        auto f = gguf_open(s.vocab_from, error);
        if (!f) return false;
        auto full = Tokenizer::from_gguf(*f, error);
        if (!full) return false;
        const Vocab& src = full->vocab();
        std::vector<int32_t> remap(src.tokens.size(), -1);
        for (size_t id = 0; id < src.tokens.size(); id++) {
            bool special = src.types[id] == TokenType::Control || src.types[id] == TokenType::UserDefined;
            if (!special && static_cast<int>(id) >= s.vocab_tokens) continue;
            if (src.types[id] == TokenType::Unused) continue;
            remap[id] = static_cast<int32_t>(v.tokens.size());
            v.tokens.push_back(src.tokens[id]);
            v.types.push_back(src.types[id]);
        }
        std::map<std::string, int> kept;
        for (size_t i = 0; i < v.tokens.size(); i++) kept[v.tokens[i]] = 1;
        for (const std::string& m : src.merges) {
            size_t sp = m.find(' ', 1);
            std::string a = m.substr(0, sp), b = m.substr(sp + 1);
            if (kept.count(a) && kept.count(b) && kept.count(a + b)) v.merges.push_back(m);
        }
        v.pre = src.pre;
        v.bos = src.bos >= 0 ? remap[static_cast<size_t>(src.bos)] : -1;
        v.eos = src.eos >= 0 ? remap[static_cast<size_t>(src.eos)] : -1;
        v.add_bos = src.add_bos;
    } else {
        error = "--vocab-from is required";
        return false;
    }
    auto tok = Tokenizer::from_vocab(v, error);
    if (!tok) return false;
    if (s.arch == "deepseek2") return write_deepseek2(s, *tok, wtype, etype, otype, out_path, error);
    const int64_t n_vocab = tok->n_vocab();
    const int64_t hd = s.n_embd / s.n_head, n_q = s.n_embd, n_kv = hd * s.n_head_kv;
    const std::string a = s.arch;

    GgufWriter w;
    w.set_string("general.architecture", a);
    w.set_string("general.name", "ponder-tiny-" + a + "-" + s.type);
    w.set_u32(a + ".context_length", static_cast<uint32_t>(s.n_ctx));
    w.set_u32(a + ".embedding_length", static_cast<uint32_t>(s.n_embd));
    w.set_u32(a + ".block_count", static_cast<uint32_t>(s.n_layer));
    w.set_u32(a + ".feed_forward_length", static_cast<uint32_t>(s.n_ff));
    w.set_u32(a + ".attention.head_count", static_cast<uint32_t>(s.n_head));
    w.set_u32(a + ".attention.head_count_kv", static_cast<uint32_t>(s.n_head_kv));
    w.set_f32(a + ".attention.layer_norm_rms_epsilon", s.eps);
    w.set_f32(a + ".rope.freq_base", s.rope_base);
    w.set_u32(a + ".rope.dimension_count", static_cast<uint32_t>(hd));
    w.set_u32("general.file_type", 0);
    tok->write_gguf(w);
    std::ifstream tmpl(std::string(PONDER_SOURCE_DIR) + "/resources/chat_templates/deepseek-r1.jinja");
    std::stringstream ss;
    ss << tmpl.rdbuf();
    w.set_string("tokenizer.chat_template", ss.str());

    std::mt19937_64 rng(s.seed);
    std::normal_distribution<float> around_one(1.f, 0.1f), small(0.f, 0.02f);
    auto vec = [&](int64_t n, bool norm) {
        std::vector<float> out(static_cast<size_t>(n));
        for (float& x : out) x = norm ? around_one(rng) : small(rng);
        return f32_bytes(out);
    };
    auto matrix = [&](const std::string& name, TensorType t, int64_t n_in, int64_t n_out, float gain = 1.f) {
        w.add_tensor(name, t, {n_in, n_out}, random_weight(t, n_in, n_out, gain / std::sqrt(static_cast<float>(n_in)), rng));
    };
    // The embedding rows are the model's inputs: rms ~1 per element.
    w.add_tensor("token_embd.weight", etype, {s.n_embd, n_vocab},
                 random_weight(etype, s.n_embd, n_vocab, 1.f, rng));
    w.add_tensor("output_norm.weight", TensorType::F32, {s.n_embd}, vec(s.n_embd, true));
    if (!s.tied) matrix("output.weight", otype, s.n_embd, n_vocab, s.logit_gain);
    if (s.rope_freqs) {
        std::vector<float> f(static_cast<size_t>(hd / 2));
        for (size_t i = 0; i < f.size(); i++) f[i] = i < f.size() / 2 ? 1.f : 1.f + static_cast<float>(i);
        w.add_tensor("rope_freqs.weight", TensorType::F32, {hd / 2}, f32_bytes(f));
    }
    for (int l = 0; l < s.n_layer; l++) {
        const std::string p = "blk." + std::to_string(l) + ".";
        // llama.cpp's Q4_K_M: Q6_K for half of the layers' attn_v and ffn_down
        TensorType heavy = s.q4_k_m && (l % 2 == 0) ? TensorType::Q6_K : wtype;
        w.add_tensor(p + "attn_norm.weight", TensorType::F32, {s.n_embd}, vec(s.n_embd, true));
        matrix(p + "attn_q.weight", wtype, s.n_embd, n_q);
        matrix(p + "attn_k.weight", wtype, s.n_embd, n_kv);
        matrix(p + "attn_v.weight", heavy, s.n_embd, n_kv);
        if (a == "qwen2") {
            w.add_tensor(p + "attn_q.bias", TensorType::F32, {n_q}, vec(n_q, false));
            w.add_tensor(p + "attn_k.bias", TensorType::F32, {n_kv}, vec(n_kv, false));
            w.add_tensor(p + "attn_v.bias", TensorType::F32, {n_kv}, vec(n_kv, false));
        }
        matrix(p + "attn_output.weight", wtype, n_q, s.n_embd);
        w.add_tensor(p + "ffn_norm.weight", TensorType::F32, {s.n_embd}, vec(s.n_embd, true));
        matrix(p + "ffn_gate.weight", wtype, s.n_embd, s.n_ff);
        matrix(p + "ffn_up.weight", wtype, s.n_embd, s.n_ff);
        matrix(p + "ffn_down.weight", heavy, s.n_ff, s.n_embd);
    }
    return w.write_file(out_path, error);
}

bool write_split(const std::string& in_path, const std::string& first_path, int n, std::string& error) {
    auto in = gguf_open(in_path, error);
    if (!in) return false;
    const auto& tensors = in->tensors();
    const size_t total = tensors.size();
    for (int k = 0; k < n; k++) {
        GgufWriter w;
        if (k == 0)
            for (const GgufKv& kv : in->kvs()) w.set_value(std::string(kv.key), kv.value);
        w.set_u16("split.no", static_cast<uint16_t>(k));
        w.set_u16("split.count", static_cast<uint16_t>(n));
        w.set_i32("split.tensors.count", static_cast<int32_t>(total));
        for (size_t i = total * static_cast<size_t>(k) / static_cast<size_t>(n); i < total * static_cast<size_t>(k + 1) / static_cast<size_t>(n); i++) {
            const GgufTensor& t = tensors[i];
            w.add_tensor(std::string(t.name), t.type, std::vector<int64_t>(t.ne, t.ne + t.n_dims),
                         std::vector<uint8_t>(t.data, t.data + t.nbytes));
        }
        const std::string path = gguf_shard_path(first_path, k + 1);
        if (path.empty()) {
            error = first_path + " is not a split name (NAME-00001-of-0000N.gguf)";
            return false;
        }
        if (!w.write_file(path, error)) return false;
    }
    return true;
}

} // namespace ponder::test

namespace ponder::test {

namespace {

// llama.cpp's Q4_K_M rule for which layers' ffn_down get more bits (facts, not its code): the
// first and last eighth, and every third layer between.
bool more_bits(int layer, int n_layer) {
    return layer < n_layer / 8 || layer >= 7 * n_layer / 8 || (layer - n_layer / 8) % 3 == 2;
}

} // namespace

bool write_r1_header(const std::string& mix, const std::string& out_path, std::string& error) {
    if (mix != "q4_k_m" && mix != "iq1_s") {
        error = "unknown mix '" + mix + "' (q4_k_m or iq1_s)";
        return false;
    }
    const bool q4 = mix == "q4_k_m";
    constexpr int n_embd = 7168, n_layer = 61, n_head = 128, n_vocab = 129280, q_lora = 1536, kv_lora = 512;
    constexpr int nope = 128, rope = 64, v_head = 128, n_ff = 18432, n_ff_exp = 2048, n_expert = 256;
    GgufWriter w;
    const std::string a = "deepseek2.";
    w.set_string("general.architecture", "deepseek2");
    w.set_string("general.name", q4 ? "DeepSeek R1 (header, Q4_K_M)" : "DeepSeek R1 (header, IQ1_S dynamic)");
    w.set_u32("general.file_type", q4 ? 15 : 24);
    w.set_u32(a + "block_count", n_layer);
    w.set_u32(a + "context_length", 163840);
    w.set_u32(a + "embedding_length", n_embd);
    w.set_u32(a + "feed_forward_length", n_ff);
    w.set_u32(a + "attention.head_count", n_head);
    w.set_u32(a + "attention.head_count_kv", 1);
    w.set_u32(a + "attention.key_length", kv_lora + rope);
    w.set_u32(a + "attention.value_length", kv_lora);
    w.set_u32(a + "attention.key_length_mla", nope + rope);
    w.set_u32(a + "attention.value_length_mla", v_head);
    w.set_f32(a + "rope.freq_base", 10000.f);
    w.set_f32(a + "attention.layer_norm_rms_epsilon", 1e-6f);
    w.set_u32(a + "expert_used_count", 8);
    w.set_u32(a + "expert_group_count", 8);
    w.set_u32(a + "expert_group_used_count", 4);
    w.set_u32(a + "leading_dense_block_count", 3);
    w.set_u32(a + "vocab_size", n_vocab);
    w.set_u32(a + "attention.q_lora_rank", q_lora);
    w.set_u32(a + "attention.kv_lora_rank", kv_lora);
    w.set_u32(a + "expert_feed_forward_length", n_ff_exp);
    w.set_u32(a + "expert_count", n_expert);
    w.set_u32(a + "expert_shared_count", 1);
    w.set_f32(a + "expert_weights_scale", 2.5f);
    w.set_bool(a + "expert_weights_norm", true);
    w.set_u32(a + "expert_gating_func", 2);
    w.set_u32(a + "rope.dimension_count", rope);
    w.set_string(a + "rope.scaling.type", "yarn");
    w.set_f32(a + "rope.scaling.factor", 40.f);
    w.set_u32(a + "rope.scaling.original_context_length", 4096);
    w.set_f32(a + "rope.scaling.yarn_log_multiplier", 0.1f);
    // The tokenizer keys as R1 has them; the ordinary tokens are stand-ins (this file is for
    // planning), the special ones sit at R1's ids.
    std::vector<std::string> tokens(n_vocab);
    std::vector<int32_t> types(n_vocab, 1);
    for (int i = 0; i < n_vocab; i++) tokens[static_cast<size_t>(i)] = "<tok" + std::to_string(i) + ">";
    auto special = [&](int id, const char* text, int type) {
        tokens[static_cast<size_t>(id)] = text;
        types[static_cast<size_t>(id)] = type;
    };
    special(0, "<｜begin▁of▁sentence｜>", 3);
    special(1, "<｜end▁of▁sentence｜>", 3);
    special(128798, "<think>", 4);
    special(128799, "</think>", 4);
    special(128803, "<｜User｜>", 3);
    special(128804, "<｜Assistant｜>", 3);
    w.set_string("tokenizer.ggml.model", "gpt2");
    w.set_string("tokenizer.ggml.pre", "deepseek-v3");
    w.set_strings("tokenizer.ggml.tokens", tokens);
    w.set_i32s("tokenizer.ggml.token_type", types);
    w.set_strings("tokenizer.ggml.merges", {});
    w.set_u32("tokenizer.ggml.bos_token_id", 0);
    w.set_u32("tokenizer.ggml.eos_token_id", 1);
    w.set_u32("tokenizer.ggml.padding_token_id", 1);
    w.set_bool("tokenizer.ggml.add_bos_token", true);
    w.set_bool("tokenizer.ggml.add_eos_token", false);
    w.set_string("tokenizer.chat_template", chat_template_text());

    const TensorType K4 = TensorType::Q4_K, K6 = TensorType::Q6_K, F32 = TensorType::F32;
    auto t = [&](const std::string& name, TensorType type, std::vector<int64_t> ne) { w.add_tensor_hole(name, type, std::move(ne)); };
    t("token_embd.weight", K4, {n_embd, n_vocab});
    for (int l = 0; l < n_layer; l++) {
        const std::string p = "blk." + std::to_string(l) + ".";
        const TensorType down = more_bits(l, n_layer) ? K6 : K4;
        t(p + "attn_norm.weight", F32, {n_embd});
        t(p + "attn_q_a_norm.weight", F32, {q_lora});
        t(p + "attn_kv_a_norm.weight", F32, {kv_lora});
        t(p + "attn_q_a.weight", K4, {n_embd, q_lora});
        t(p + "attn_q_b.weight", K4, {q_lora, n_head * (nope + rope)});
        t(p + "attn_kv_a_mqa.weight", K4, {n_embd, kv_lora + rope});
        t(p + "attn_k_b.weight", TensorType::Q5_0, {nope, kv_lora, n_head});  // rows of 128: no K-quant
        t(p + "attn_v_b.weight", K4, {kv_lora, v_head, n_head});
        t(p + "attn_output.weight", K4, {n_head * v_head, n_embd});
        t(p + "ffn_norm.weight", F32, {n_embd});
        if (l < 3) {
            t(p + "ffn_gate.weight", K4, {n_embd, n_ff});
            t(p + "ffn_up.weight", K4, {n_embd, n_ff});
            t(p + "ffn_down.weight", down, {n_ff, n_embd});
            continue;
        }
        t(p + "ffn_gate_inp.weight", F32, {n_embd, n_expert});
        t(p + "exp_probs_b.bias", F32, {n_expert});
        // The dynamic 1.58-bit mixes keep everything but the routed experts at 4-6 bits.
        t(p + "ffn_gate_exps.weight", q4 ? K4 : TensorType::IQ1_S, {n_embd, n_ff_exp, n_expert});
        t(p + "ffn_up_exps.weight", q4 ? K4 : TensorType::IQ1_S, {n_embd, n_ff_exp, n_expert});
        t(p + "ffn_down_exps.weight", q4 ? down : TensorType::IQ2_XXS, {n_ff_exp, n_embd, n_expert});
        t(p + "ffn_gate_shexp.weight", K4, {n_embd, n_ff_exp});
        t(p + "ffn_up_shexp.weight", K4, {n_embd, n_ff_exp});
        t(p + "ffn_down_shexp.weight", down, {n_ff_exp, n_embd});
    }
    t("output_norm.weight", F32, {n_embd});
    t("output.weight", K6, {n_embd, n_vocab});
    return w.write_file(out_path, error);
}

} // namespace ponder::test
