// A loaded model (internal): the mapped file, hyperparameters, tokenizer, and the weights as
// backend tensors with their shapes checked.
#pragma once

#include "backend.h"
#include "ponder/chat_template.h"
#include "ponder/gguf.h"
#include "ponder/model_info.h"
#include "ponder/tokenizer.h"

#include <memory>
#include <vector>

namespace ponder {

struct LayerWeights {
    Tensor attn_norm;           // (n_embd)
    Tensor wq, wk, wv;          // (n_embd -> n_head*hd), (n_embd -> n_head_kv*hd) x2
    Tensor bq, bk, bv;          // qwen2 biases; data == nullptr when absent
    Tensor wo;                  // (n_head*hd -> n_embd)
    Tensor ffn_norm;            // (n_embd)
    Tensor w_gate, w_up;        // (n_embd -> n_ff)
    Tensor w_down;              // (n_ff -> n_embd)
};

struct ModelWeights {
    Tensor tok_embd;            // (n_vocab rows of n_embd)
    Tensor output_norm;         // (n_embd)
    Tensor output;              // (n_embd -> n_vocab); tok_embd when tied
    Tensor rope_freqs;          // (n_rot/2) Llama 3.1 divisors; data == nullptr when absent
    std::vector<LayerWeights> layers;
};

struct Model {
    std::unique_ptr<GgufFile> file;
    ModelHparams hp;
    std::unique_ptr<Tokenizer> tokenizer;
    ChatTemplateKind chat_template = ChatTemplateKind::Unsupported;
    std::string chat_template_error;
    std::unique_ptr<Backend> backend;
    ModelWeights w;
    std::vector<int32_t> eog_ids;  // tokens that end generation
    bool rope_neox = false;
    std::vector<float> rope_factors_host;  // computed Llama 3 factors when the file has no tensor
    Tensor rope_factors_computed;
    std::string path;

    ~Model();
    bool is_eog(int32_t id) const;
};

} // namespace ponder
