// Placement (internal): which backend holds each part of a model, as plain data. One planner
// fills it from the file's tensor sizes and the devices' budgets; the loader allocates each
// weight where it says, the session puts each layer's KV cache with that layer's weights, and the
// forward moves the hidden state where consecutive parts differ. Partial offload, several GPUs
// and the GPU + CPU hybrid are all placements. `ponder-cli plan` (plan.cpp) and the loader call
// the same planner; the plan adds the KV cache at a context and a working reserve per GPU.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ponder {

class GgufFile;

// One placement device, from a spec term `[N x]KIND[#INDEX][:BUDGET][@BANDWIDTH]`, e.g. "cpu",
// "cpu:64MiB", "2xcpu:1GiB", "vulkan#1:24GiB", "cuda:141GiB@4.8TB/s". Several terms of one kind
// are separate devices even on the same hardware.
struct DeviceSpec {
    std::string kind;       // "cpu", "vulkan", "cuda"
    int index = -1;         // which device of that kind; -1: the default one
    uint64_t budget = 0;    // bytes it may hold; 0: no limit
    double bandwidth = 0;   // bytes/s of its memory, for predictions; 0: the kind's default

    bool is_cpu() const { return kind == "cpu"; }
    double bandwidth_or_default() const;
};

// Parses a '+'-joined device spec. False + error on a malformed term.
bool parse_device_spec(std::string_view spec, std::vector<DeviceSpec>& out, std::string& error);
// "24GiB", "64MiB", "512KiB", "1000": bytes. False when malformed.
bool parse_byte_size(std::string_view text, uint64_t& bytes);
std::string device_name(const DeviceSpec& d);  // "cuda#1:24.0 GiB"

// Bytes of weights per part of a model, from its tensor infos: tensors named blk.N.* belong to
// layer N, token_embd.* to the input, everything else (output norm and head, rope factors) to
// the output. A layer's routed experts (ffn_*_exps) are also counted apart, since the hybrid
// strategy puts them elsewhere and a token reads only the chosen ones.
struct ModelFootprint {
    uint64_t input = 0;
    std::vector<uint64_t> layers;   // everything of the layer, routed experts included
    std::vector<uint64_t> routed;   // of which routed experts
    uint64_t output = 0;
    uint64_t input_row = 0;         // one token's embedding row: what the input reads per token
};
ModelFootprint model_footprint(const GgufFile& file, int64_t n_layer);

struct Placement {
    std::vector<DeviceSpec> devices;  // index = the model's backend index
    int input = 0;                    // token embeddings (get_rows)
    std::vector<int> layers;          // per layer: weights (but see `experts`) and KV cache
    std::vector<int> experts;         // per layer: its routed experts (= layers[l] unless hybrid)
    int output = 0;                   // output norm and head
    std::vector<uint64_t> bytes;      // planned weight bytes per device
    std::vector<uint64_t> kv_bytes;   // planned KV cache bytes per device (0 for the loader)

    bool hybrid() const { return experts != layers; }
    std::string parts_on(int device) const;  // "input, layers 0-13, routed experts of layers 3-60"
    std::string describe() const;     // "cpu: input, layers 0-13; cpu:64MiB: layers 14-27, output"
};

// What the planner packs besides the weights.
struct PlanExtras {
    uint64_t kv_per_layer = 0;    // KV cache bytes of one layer at the planned context
    uint64_t reserve_gpu = 0;     // working memory kept free on each non-CPU device that holds anything
    bool hybrid = false;          // routed experts on the CPU devices, everything else GPUs first
};

// Layer split: in order, the input on the first device, then layers (with their KV) filling each
// device up to its budget before the next, the output after the last layer where it fits.
// Hybrid: the same over the non-CPU devices first, the routed experts of every layer on the CPU
// devices. False + error when it does not fit; `shortfall` (when given) gets the bytes missing.
bool plan_placement(const std::vector<DeviceSpec>& devices, const ModelFootprint& footprint, const PlanExtras& extras,
                    Placement& out, std::string& error, uint64_t* shortfall = nullptr);
// The loader's call: weights only.
inline bool plan_placement(const std::vector<DeviceSpec>& devices, const ModelFootprint& footprint, Placement& out,
                           std::string& error) {
    return plan_placement(devices, footprint, PlanExtras{}, out, error);
}

} // namespace ponder
