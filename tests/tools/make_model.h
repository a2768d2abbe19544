// Tiny random models for tests and benchmarks, written with the project's GGUF writer: the
// qwen2 / llama tensor layout, any supported tensor type (random quantized blocks with sane
// scales), and a real vocabulary truncated to its first N tokens plus R1's special tokens.
#pragma once

#include "ponder/tensor_types.h"

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace ponder::test {

struct ModelSpec {
    std::string arch = "qwen2";     // qwen2 | llama
    std::string type = "F32";       // type of the 2-D weight matrices
    std::string embd_type;          // token_embd type (default: type)
    std::string output_type;        // output.weight type (default: type); "Q4_K_M" mix sets Q6_K
    bool q4_k_m = false;            // llama.cpp's Q4_K_M mix: Q4_K, with Q6_K output and half of attn_v/ffn_down
    int n_embd = 256, n_ff = 512, n_layer = 2, n_head = 4, n_head_kv = 2, n_ctx = 4096;
    float rope_base = 10000.f, eps = 1e-6f;
    bool tied = false, rope_freqs = false;
    std::string vocab_from;         // a GGUF with tokenizer.ggml.* (e.g. from vocab-gguf)
    int vocab_tokens = 8192;        // keep this many ordinary tokens of it
    uint64_t seed = 1;
    float logit_gain = 4.f;         // output weight scale: sharper logits, fewer greedy near-ties

    // deepseek2 (DeepSeek-V3 / R1 in miniature): MLA sizes, experts, routing, YaRN.
    int q_lora = 64;                // 0: no q low rank (attn_q directly)
    int kv_lora = 64, qk_nope = 32, qk_rope = 16, v_head = 32;
    int n_expert = 8, n_expert_used = 2, n_expert_shared = 1, n_ff_exp = 64;
    int n_group = 4, n_group_used = 2, dense_lead = 1;
    bool split_kv_b = true;         // the newer layout (attn_k_b / attn_v_b); false: one attn_kv_b
    float yarn_factor = 4.f;        // 0: no YaRN
    int yarn_orig_ctx = 512;
    float yarn_log_mul = 0.1f;      // 0.1 x mscale_all_dim
    float expert_scale = 2.5f;
};

bool make_model(const ModelSpec& spec, const std::string& out_path, std::string& error);

// Rewrites a GGUF as a split set of n files, as llama.cpp's gguf-split does: `first_path` must be
// NAME-00001-of-0000N.gguf; the metadata goes into the first file, the tensors in order across
// all, each file carrying split.no / split.count / split.tensors.count.
bool write_split(const std::string& in_path, const std::string& first_path, int n, std::string& error);

// Full-size DeepSeek-R1's metadata and tensor infos (the newer k_b / v_b layout) with the data
// region left as a hole: a ~380 GB (q4_k_m) or ~150 GB (iq1_s: 1.6-2 bit experts) sparse file
// that costs no disk, for info and plan. Running it is refused (the weights are missing).
bool write_r1_header(const std::string& mix, const std::string& out_path, std::string& error);

// Random bytes for an (n_in x n_out) weight of `type` whose values have an rms of about `sigma`:
// normal floats for F32/F16/BF16, random quantized blocks with tamed scales otherwise.
std::vector<uint8_t> random_weight(TensorType type, int64_t n_in, int64_t n_out, float sigma, std::mt19937_64& rng);

} // namespace ponder::test
