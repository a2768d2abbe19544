#include "ponder/model_info.h"

#include "arch/arch.h"
#include "ponder/gguf.h"

namespace ponder {

bool model_hparams_read(const GgufFile& f, ModelHparams& hp, std::string& error) {
    hp.arch = std::string(f.get_string("general.architecture"));
    if (hp.arch.empty()) {
        error = "general.architecture is missing; not a model file";
        return false;
    }
    const Architecture* arch = find_architecture(hp.arch);
    if (!arch) {
        error = "unsupported architecture '" + hp.arch + "' (supported: " + architecture_names(false) + ")";
        return false;
    }
    const std::string a = hp.arch + ".";
    bool types_ok = true;
    auto i = [&](const char* key, int64_t def) { return f.get_int(a + key, def, &types_ok); };
    auto d = [&](const char* key, double def) { return f.get_float(a + key, def, &types_ok); };
    auto required = [&](const char* key, int64_t& out) {
        out = i(key, 0);
        if (out <= 0) {
            error = a + key + (f.find(a + key) ? " must be a positive integer" : " is missing");
            return false;
        }
        return true;
    };
    if (!required("block_count", hp.n_layer) || !required("embedding_length", hp.n_embd) ||
        !required("attention.head_count", hp.n_head) || !required("context_length", hp.n_ctx_train))
        return false;
    // Far beyond any real model (405B: 126 layers, 16384 wide), short of sizes that would make a
    // plan or a cache allocate absurdly on a file that lies.
    if (hp.n_layer > 1024 || hp.n_embd > 262144 || hp.n_head > 4096 || hp.n_ctx_train > (int64_t{1} << 24)) {
        error = a + "block_count / embedding_length / head_count / context_length are beyond any real model";
        return false;
    }
    hp.n_ff = i("feed_forward_length", 0);
    hp.n_head_kv = i("attention.head_count_kv", hp.n_head);
    if (hp.n_head_kv <= 0 || hp.n_head % hp.n_head_kv != 0) {
        error = a + "attention.head_count_kv (" + std::to_string(hp.n_head_kv) + ") must divide head_count (" +
                std::to_string(hp.n_head) + ")";
        return false;
    }
    hp.head_dim_k = i("attention.key_length", hp.n_embd / hp.n_head);
    hp.head_dim_v = i("attention.value_length", hp.head_dim_k);
    hp.n_rot = i("rope.dimension_count", hp.head_dim_k);
    hp.rope_freq_base = d("rope.freq_base", 10000.0);
    hp.rms_eps = d("attention.layer_norm_rms_epsilon", 1e-6);
    hp.rope_scaling_type = std::string(f.get_string(a + "rope.scaling.type"));
    hp.rope_scaling_factor = d("rope.scaling.factor", 0);
    hp.rope_scaling_orig_ctx = i("rope.scaling.original_context_length", 0);
    hp.rope_yarn_log_mul = d("rope.scaling.yarn_log_multiplier", 0);
    hp.rope_yarn_beta_fast = d("rope.scaling.yarn_beta_fast", 32.0);
    hp.rope_yarn_beta_slow = d("rope.scaling.yarn_beta_slow", 1.0);
    hp.has_rope_freqs = f.find_tensor("rope_freqs.weight") != nullptr;
    if (!types_ok) {
        error = "a " + hp.arch + ".* hyperparameter has the wrong type";
        return false;
    }
    if (const GgufValue* tokens = f.find("tokenizer.ggml.tokens")) hp.n_vocab = static_cast<int64_t>(tokens->count);
    return arch->read_hparams(f, hp, error);
}

bool model_summary_read(const GgufFile& f, ModelSummary& s, std::string& error) {
    if (!model_hparams_read(f, s.hp, error)) return false;
    s.file_size = f.file_size();
    s.n_tensors = f.tensors().size();
    for (const GgufTensor& t : f.tensors()) {
        s.tensor_types[std::string(tensor_type_name(t.type))]++;
        s.n_params += static_cast<uint64_t>(t.n_elements());
    }
    s.name = std::string(f.get_string("general.name"));
    s.bos = static_cast<int32_t>(f.get_int("tokenizer.ggml.bos_token_id", -1));
    s.eos = static_cast<int32_t>(f.get_int("tokenizer.ggml.eos_token_id", -1));
    s.pad = static_cast<int32_t>(f.get_int("tokenizer.ggml.padding_token_id", -1));
    s.add_bos = f.get_bool("tokenizer.ggml.add_bos_token", true);
    std::string_view tmpl = f.get_string("tokenizer.chat_template");
    s.has_chat_template = !tmpl.empty();
    s.chat_template = chat_template_detect(tmpl);
    return true;
}

} // namespace ponder
