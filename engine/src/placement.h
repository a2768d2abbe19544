// Placement (internal): which backend holds each part of a model, as plain data. One planner
// fills it from the file's tensor sizes and the devices' budgets; the loader allocates each
// weight where it says, the session puts each layer's KV cache with that layer's weights, and the
// forward moves the hidden state where consecutive parts differ. Partial offload, several GPUs
// and the GPU + CPU hybrid are all placements.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ponder {

class GgufFile;

// One placement device, from a spec term `[N x]KIND[#INDEX][:BUDGET]`, e.g. "cpu",
// "cpu:64MiB", "2xcpu:1GiB", "vulkan#1:24GiB". Several terms of one kind are separate devices
// even on the same hardware.
struct DeviceSpec {
    std::string kind;      // "cpu" ("vulkan", "cuda" once their backends exist)
    int index = -1;        // which device of that kind; -1: the default one
    uint64_t budget = 0;   // bytes of weights it may hold; 0: no limit
};

// Parses a '+'-joined device spec. False + error on a malformed term.
bool parse_device_spec(std::string_view spec, std::vector<DeviceSpec>& out, std::string& error);
// "24GiB", "64MiB", "512KiB", "1000": bytes. False when malformed.
bool parse_byte_size(std::string_view text, uint64_t& bytes);

// Bytes of weights per part of a model, from its tensor infos: tensors named blk.N.* belong to
// layer N, token_embd.* to the input, everything else (output norm and head, rope factors) to
// the output.
struct ModelFootprint {
    uint64_t input = 0;
    std::vector<uint64_t> layers;
    uint64_t output = 0;
};
ModelFootprint model_footprint(const GgufFile& file, int64_t n_layer);

struct Placement {
    std::vector<DeviceSpec> devices;  // index = the model's backend index
    int input = 0;                    // token embeddings (get_rows)
    std::vector<int> layers;          // per layer: weights and KV cache
    int output = 0;                   // output norm and head
    std::vector<uint64_t> bytes;      // planned weight bytes per device

    std::string describe() const;     // "cpu: input, layers 0-13; cpu:64MiB: layers 14-27, output"
};

// In order: the input on the first device, then layers filling each device up to its budget
// before the next, the output after the last layer where it fits. False + error when the model
// does not fit the budgets.
bool plan_placement(const std::vector<DeviceSpec>& devices, const ModelFootprint& footprint, Placement& out,
                    std::string& error);

} // namespace ponder
