// ponder-cli info: what the engine will use from a model file, as JSON.
#include "args.h"
#include "commands.h"

#include "ponder/engine.h"
#include "ponder/plan.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace ponder::cli {

int cmd_info(const std::vector<std::string>& argv) {
    Args args(argv, {}, {"model"});
    std::string path = args.require("model");
    std::string error;
    auto file = gguf_open(path, error);
    if (!file) throw CommandError(error);
    ModelSummary s;
    if (!model_summary_read(*file, s, error)) throw CommandError(path + ": " + error);

    const ModelHparams& hp = s.hp;
    nlohmann::ordered_json j;
    j["file"] = path;
    j["file_size"] = s.file_size;
    j["gguf_version"] = file->version();
    j["name"] = s.name;
    j["architecture"] = hp.arch;
    j["n_layer"] = hp.n_layer;
    j["n_embd"] = hp.n_embd;
    j["n_head"] = hp.n_head;
    j["n_head_kv"] = hp.n_head_kv;
    j["n_ff"] = hp.n_ff;
    j["n_vocab"] = hp.n_vocab;
    j["n_ctx_train"] = hp.n_ctx_train;
    j["n_rot"] = hp.n_rot;
    j["n_embd_head_k"] = hp.head_dim_k;
    j["n_embd_head_v"] = hp.head_dim_v;
    j["rope_freq_base"] = hp.rope_freq_base;
    j["f_norm_rms_eps"] = hp.rms_eps;
    j["rope_scaling_type"] = hp.rope_scaling_type;
    j["rope_scaling_factor"] = hp.rope_scaling_factor;
    j["rope_scaling_orig_ctx_len"] = hp.rope_scaling_orig_ctx;
    j["rope_freqs_tensor"] = hp.has_rope_freqs;
    if (hp.arch == "deepseek2") {
        j["n_layer_dense_lead"] = hp.n_layer_dense_lead;
        j["n_lora_q"] = hp.q_lora_rank;
        j["n_lora_kv"] = hp.kv_lora_rank;
        j["n_embd_head_k_mla"] = hp.key_length_mla;
        j["n_embd_head_v_mla"] = hp.value_length_mla;
        j["n_expert"] = hp.n_expert;
        j["n_expert_used"] = hp.n_expert_used;
        j["n_expert_shared"] = hp.n_expert_shared;
        j["n_ff_exp"] = hp.n_ff_exp;
        j["n_expert_groups"] = hp.n_expert_groups;
        j["n_group_used"] = hp.n_group_used;
        j["expert_weights_scale"] = hp.expert_weights_scale;
        j["expert_weights_norm"] = hp.expert_weights_norm;
        j["expert_gating_func"] = hp.expert_gating_func;
        j["rope_yarn_log_mul"] = hp.rope_yarn_log_mul;
    }
    j["n_tensors"] = s.n_tensors;
    j["n_params"] = s.n_params;
    uint64_t total = 0, active = 0;
    count_params(*file, hp.n_expert, hp.n_expert_used, total, active);
    j["n_params_active"] = active;  // per token: routed experts count n_expert_used / n_expert
    j["kv_bytes_per_token"] = kv_bytes_per_token(hp, TensorType::F16);  // F16 cache, all layers
    j["n_files"] = file->shards().size();
    j["tensor_types"] = s.tensor_types;
    j["bos_token_id"] = s.bos;
    j["eos_token_id"] = s.eos;
    j["pad_token_id"] = s.pad;
    j["add_bos_token"] = s.add_bos;
    j["tokenizer_model"] = std::string(file->get_string("tokenizer.ggml.model"));
    j["tokenizer_pre"] = std::string(file->get_string("tokenizer.ggml.pre"));
    // A tokenizer the engine cannot use is reported, not fatal: info is how users find out why.
    if (auto tok = Tokenizer::from_gguf(*file, error)) {
        j["tokenizer_ok"] = true;
        auto id = [&](const char* text) { return tok->find(text); };
        j["special_tokens"] = {{"user", id("<｜User｜>")},
                               {"assistant", id("<｜Assistant｜>")},
                               {"think", id("<think>")},
                               {"end_think", id("</think>")}};
    } else {
        j["tokenizer_ok"] = false;
        j["tokenizer_error"] = error;
    }
    j["chat_template"] = std::string(chat_template_kind_name(s.chat_template));
    std::puts(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    return 0;
}

} // namespace ponder::cli
