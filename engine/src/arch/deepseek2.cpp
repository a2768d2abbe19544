// `deepseek2`: DeepSeek-V3 / R1 (multi-head latent attention, mixture of experts). Registered for
// its hyperparameters and KV-cache size (ponder-cli info, the app's memory estimates); its
// forward pass is not written yet, so the loader refuses it with a clear message.
#include "arch.h"

#include "ponder/gguf.h"

namespace ponder {

namespace {

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
    return true;
}

// The latent cache: kv_lora_rank values plus the shared RoPE key per layer per token.
uint64_t kv_cache_bytes_per_token(const ModelHparams& hp, TensorType kv_type) {
    const uint64_t elem = type_row_bytes(kv_type, 1);
    return static_cast<uint64_t>(hp.n_layer) * static_cast<uint64_t>(hp.kv_lora_rank + hp.n_rot) * elem;
}

} // namespace

extern const Architecture kDeepseek2Architecture{"deepseek2", read_hparams, nullptr, kv_cache_bytes_per_token, nullptr, nullptr};

} // namespace ponder
