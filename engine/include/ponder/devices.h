// The compute devices of this machine, as `ponder-cli devices` lists them: the CPU, then every
// Vulkan device (the driver's order, which --device N refers to).
#pragma once

#include "ponder/tensor_types.h"

#include <cstdint>
#include <string>
#include <vector>

namespace ponder {

struct ComputeDevice {
    std::string backend;             // "cpu", "vulkan"
    int index = 0;                   // among the devices of its backend
    std::string name, vendor;        // "NVIDIA H100 80GB HBM3", "NVIDIA"
    std::string type;                // "cpu" for the CPU; Vulkan: "discrete", "integrated", "virtual",
                                     // "cpu" (a software driver such as lavapipe), "other"
    std::string driver;              // driver name and version (Vulkan)
    std::string api_version;         // "1.3.230" (Vulkan)
    uint64_t memory_bytes = 0;       // the largest device-local heap; the CPU: physical RAM
    int threads = 0;                 // the CPU: threads a session uses by default
    std::string simd;                // the CPU: the kernels picked at run time ("avx512", "avx2", "scalar")
    uint32_t subgroup_size = 0;      // Vulkan: threads that run in lockstep
    bool subgroup_arithmetic = false;  // Vulkan: subgroup reductions in compute shaders
    bool fp16 = false;               // Vulkan: 16-bit float arithmetic in shaders
    bool int_dot = false;            // Vulkan: 8-bit integer dot products ...
    bool int_dot_accelerated = false;  // ... done in hardware
    bool cooperative_matrix = false; // Vulkan: cooperative matrices (tensor cores and the like)
    std::string unusable;            // why Ponder cannot use it (e.g. Vulkan 1.1 only); empty: usable
};

struct DeviceList {
    std::vector<ComputeDevice> devices;  // the CPU first
    bool vulkan_built_in = false;        // this build has the Vulkan backend
    std::string vulkan_status;           // why no Vulkan device is listed, when none is
};

DeviceList list_devices();

// Where a model goes, as a ModelOptions::devices spec, with the one line that tells the user why.
struct DeviceChoice {
    std::string devices;     // "cpu", "vulkan#0", or "vulkan#0:<bytes>+cpu" (the first layers on the GPU)
    int gpu_layers = 0;      // layers on the GPU (0 for the CPU)
    int64_t n_ctx = 0;       // the context the choice was made for (the KV cache on the GPU counts)
    int n_layer = 0;         // the model's layers
    std::string gpu_name;    // the GPU's name, when it holds anything
    uint64_t gpu_memory = 0; // its memory
    uint64_t gpu_bytes = 0;  // weights and KV cache placed on it (without the working reserve)
    bool fits = true;        // false only for a fixed layer count that needs more than the GPU has
    std::string why;         // "Vulkan #0 (NVIDIA H100): the whole model, 4.4 GiB of 79.6 GiB"
};

// The choice when the user named no device: the usable discrete GPU with the most memory that
// holds the whole model (weights, the KV cache for `n_ctx` tokens and a working reserve of
// 1 GiB), else the CPU. `n_ctx` 0: the trained length, at most 32,768. False + error only when
// the file cannot be read.
bool choose_devices(const std::string& model_path, const std::vector<ComputeDevice>& devices, int64_t n_ctx,
                    TensorType kv_type, DeviceChoice& out, std::string& error);

// "As many layers as fit" on one GPU (an entry of list_devices()): the token embeddings and the
// first layers, each with its KV cache for `n_ctx` tokens, up to the GPU's memory less the
// reserve; the rest on the CPU. The whole model when it all fits.
bool fit_on_gpu(const std::string& model_path, const ComputeDevice& gpu, int64_t n_ctx, TensorType kv_type,
                DeviceChoice& out, std::string& error);

// The token embeddings and the first `n_layers` layers on `gpu` (all of them: the output head
// too), the rest on the CPU, as --gpu-layers N does: what that puts on the GPU, and whether it fits
// (`fits`, and `why` says by how much when it does not).
bool layers_on_gpu(const std::string& model_path, const ComputeDevice& gpu, int n_layers, int64_t n_ctx,
                   TensorType kv_type, DeviceChoice& out, std::string& error);

} // namespace ponder
