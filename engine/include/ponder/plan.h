// Planning where a model goes before loading it: from a file's metadata and tensor infos only
// (no weight is read, so a header-only or sparse file plans like the real one), for a device
// spec such as "8xcuda:141GiB", "cuda:24GiB+cpu:512GiB" or "cpu:768GiB". The loader places
// weights by the same planner (engine/src/placement.h); ponder-cli plan and the app's models
// page show this.
#pragma once

#include "ponder/tensor_types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ponder {

class GgufFile;

struct PlanOptions {
    std::string devices = "cpu";   // '+'-joined [N x]KIND[#INDEX][:BUDGET][@BANDWIDTH] terms
    int64_t n_ctx = 0;             // tokens of KV cache to plan for; 0: min(training context, 32768)
    std::string strategy = "auto"; // "auto" (the fastest that fits), "layers" or "hybrid"
    TensorType kv_type = TensorType::F16;
    uint64_t reserve_gpu = 1ull << 30;  // working memory kept free on each GPU (activations, driver)
};

struct PlannedDevice {
    std::string name;               // "cuda#0:141.0 GiB"
    std::string kind;               // "cpu", "vulkan", "cuda"
    uint64_t budget = 0;            // 0: no limit given
    double bandwidth = 0;           // bytes/s assumed for the prediction
    std::string holds;              // "input, layers 0-7", "routed experts of layers 3-60"
    uint64_t weight_bytes = 0, kv_bytes = 0, reserve_bytes = 0;
    uint64_t read_per_token = 0;    // weight and KV bytes one generated token reads here (full context)
    uint64_t used() const { return weight_bytes + kv_bytes + reserve_bytes; }
};

struct ModelPlan {
    std::string model;              // general.name, or the architecture
    std::string arch;
    int64_t n_layer = 0, n_ctx = 0, n_expert = 0, n_expert_used = 0;
    uint64_t weight_bytes = 0;      // every tensor of the model
    uint64_t n_params = 0, n_params_active = 0;
    uint64_t kv_bytes_per_token = 0;
    uint64_t active_bytes_per_token = 0;  // weights one token reads: all but the routed experts not chosen

    std::string strategy;           // "layers" or "hybrid" (the one chosen, or the best try when nothing fits)
    bool fits = false;
    std::string why;                // when it does not fit: what, and by how much
    uint64_t shortfall_bytes = 0;   // when it does not fit: the bytes missing
    std::vector<PlannedDevice> devices;
    double tokens_per_s = 0;        // bandwidth bound at a full context: 1 / sum(read / bandwidth)

    std::string text() const;       // the table ponder-cli plan prints
};

// Plans `file` for `options`. False + error only for a bad spec or a file the engine cannot
// read; a model that does not fit is a plan with fits == false and the reason.
bool plan_model(const GgufFile& file, const PlanOptions& options, ModelPlan& plan, std::string& error);

// Total and active (per token) parameters: routed experts count n_used / n_expert.
void count_params(const GgufFile& file, int64_t n_expert, int64_t n_expert_used, uint64_t& total, uint64_t& active);

} // namespace ponder
