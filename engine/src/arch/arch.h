// Architectures (internal): each one registers, in arch/registry.cpp, everything that differs
// between model families: its hyperparameter reader, its weights (checked and placed by the
// loader), its per-session state (activations and KV cache, and how many bytes a token of
// context costs) and its forward pass. The loader and the session only ever call through this
// table, so a new architecture is new files plus one line in the registry.
#pragma once

#include "../backend.h"
#include "ponder/model_info.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ponder {

class GgufFile;
class WeightLoader;
struct Model;

// An architecture's weights: tensors on the backends the placement chose.
struct ArchWeights {
    virtual ~ArchWeights() = default;
};

// One session's buffers for one architecture, and the streams its forward runs on (one per
// backend of the model, indexed like Model::backends).
struct ForwardState {
    virtual ~ForwardState() = default;
    std::vector<std::unique_ptr<Stream>> streams;
    int n_ctx = 0, n_batch = 0;
};

struct StateOptions {
    int n_ctx = 0;
    int n_batch = 0;
    TensorType kv_type = TensorType::F16;
};

// Tokens [0, n) at positions pos0.. (n <= n_batch, pos0 + n <= n_ctx); their K/V go into the
// cache; logits of the last n_logits tokens are written to `logits` (n_logits x n_vocab).
struct ForwardBatch {
    const int32_t* tokens = nullptr;
    int64_t n = 0;
    int pos0 = 0;
    int64_t n_logits = 0;
    float* logits = nullptr;
};

struct Architecture {
    std::string_view name;  // general.architecture
    // Reads and checks the architecture's own keys (the common ones are already in `hp`).
    bool (*read_hparams)(const GgufFile& file, ModelHparams& hp, std::string& error);
    // The weights, shape-checked, on the placement's backends; null (with error) when the file
    // lacks what the forward needs. May complete `hp` with what only the tensors tell (n_vocab:
    // the embedding's rows). Absent (null pointer): the engine cannot run it yet.
    std::unique_ptr<ArchWeights> (*load_weights)(WeightLoader& loader, ModelHparams& hp, std::string& error);
    uint64_t (*kv_bytes_per_token)(const ModelHparams& hp, TensorType kv_type);
    // Throws std::bad_alloc when memory runs out.
    std::unique_ptr<ForwardState> (*create_state)(const Model& model, const StateOptions& options);
    void (*forward)(const Model& model, ForwardState& state, const ForwardBatch& batch);

    bool runnable() const { return load_weights && create_state && forward; }
};

// The registered architecture of that name, or null.
const Architecture* find_architecture(std::string_view name);
// Names of every registered architecture, and of those the engine can run ("qwen2, llama").
std::string architecture_names(bool runnable_only);

} // namespace ponder
