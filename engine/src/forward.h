// Forward passes (internal). One per architecture family, each written once against the Backend
// ops; they know nothing about devices.
#pragma once

#include "backend.h"
#include "model.h"

#include <vector>

namespace ponder {

// Per-session buffers: activations for up to n_batch tokens and the KV cache.
struct ForwardState {
    Backend* backend = nullptr;
    int n_batch = 0, n_ctx = 0;
    Tensor x, h, q, k, v, attn, gate, up, act;  // n_batch rows each
    Tensor logits;                              // logits_rows rows of n_vocab
    int64_t logits_rows = 0;
    std::vector<Tensor> k_cache, v_cache;       // per layer: n_ctx rows of n_head_kv * head_dim

    ~ForwardState();
    bool init(const Model& m, int n_ctx, int n_batch, TensorType kv_type, std::string& error);
};

// Runs tokens[0..n) at positions pos0.. (n <= n_batch, pos0 + n <= n_ctx) through the model,
// filling the KV cache. Logits of rows [n - n_logits, n) are copied to `logits` (n_logits x n_vocab).
void forward_llama(const Model& m, ForwardState& s, const int32_t* tokens, int64_t n, int pos0, int64_t n_logits,
                   float* logits);

} // namespace ponder
