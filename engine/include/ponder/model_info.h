// Hyperparameters of a model, read only from its GGUF metadata (nothing per model size is
// hard-coded), and a summary of its tensors.
#pragma once

#include "ponder/chat_template.h"

#include <cstdint>
#include <map>
#include <string>

namespace ponder {

class GgufFile;

struct ModelHparams {
    std::string arch;          // general.architecture: "qwen2", "llama", "deepseek2"
    int64_t n_layer = 0;       // block_count
    int64_t n_embd = 0;        // embedding_length
    int64_t n_head = 0;        // attention.head_count
    int64_t n_head_kv = 0;     // attention.head_count_kv (= n_head when absent)
    int64_t n_ff = 0;          // feed_forward_length
    int64_t n_vocab = 0;       // tokens in the vocabulary
    int64_t n_ctx_train = 0;   // context_length
    int64_t n_rot = 0;         // rope.dimension_count (= head dim when absent)
    int64_t head_dim_k = 0;    // attention.key_length (= n_embd / n_head when absent)
    int64_t head_dim_v = 0;    // attention.value_length
    double rope_freq_base = 10000.0;
    double rms_eps = 1e-6;     // attention.layer_norm_rms_epsilon
    std::string rope_scaling_type;      // rope.scaling.type: "", "linear", "yarn", "llama3"...
    double rope_scaling_factor = 0;
    int64_t rope_scaling_orig_ctx = 0;
    double rope_yarn_log_mul = 0;      // 0.1 x mscale_all_dim (DeepSeek's YaRN)
    double rope_yarn_beta_fast = 32;   // YaRN's ramp: rope.scaling.yarn_beta_fast / _slow
    double rope_yarn_beta_slow = 1;
    bool has_rope_freqs = false;        // Llama 3.1 frequency divisors as a tensor

    // deepseek2 (DeepSeek-V3 / R1)
    int64_t n_layer_dense_lead = 0;
    int64_t q_lora_rank = 0;
    int64_t kv_lora_rank = 0;
    int64_t key_length_mla = 0;
    int64_t value_length_mla = 0;
    int64_t n_expert = 0;
    int64_t n_expert_used = 0;
    int64_t n_expert_shared = 0;
    int64_t n_ff_exp = 0;
    int64_t n_expert_groups = 0;
    int64_t n_group_used = 0;
    double expert_weights_scale = 0;
    bool expert_weights_norm = false;
    int64_t expert_gating_func = 0;  // 1 softmax, 2 sigmoid
};

struct ModelSummary {
    ModelHparams hp;
    uint64_t file_size = 0;
    uint64_t n_tensors = 0;
    uint64_t n_params = 0;
    std::map<std::string, uint64_t> tensor_types;  // type name -> count
    std::string name;                              // general.name
    int32_t bos = -1, eos = -1, pad = -1;
    bool add_bos = false;
    ChatTemplateKind chat_template = ChatTemplateKind::Unsupported;
    bool has_chat_template = false;
};

// Reads the hyperparameters of a supported architecture ("qwen2", "llama", "deepseek2"),
// validating what the engine relies on (positive sizes, heads dividing evenly).
bool model_hparams_read(const GgufFile& file, ModelHparams& hp, std::string& error);
bool model_summary_read(const GgufFile& file, ModelSummary& summary, std::string& error);

} // namespace ponder
