// Choosing where a model runs when the user did not say: the best discrete GPU that holds it,
// or as many of its layers as fit on a chosen GPU (ponder/devices.h). The arithmetic is the
// planner's (placement.h): the same footprint, KV cache per layer and reserve per GPU.
#include "ponder/devices.h"

#include "ponder/engine.h"
#include "ponder/gguf.h"
#include "placement.h"

#include <algorithm>
#include <cstdio>

namespace ponder {

namespace {

constexpr uint64_t kGpuReserve = 1ull << 30;  // activations, scratch and the driver's own use
constexpr int64_t kDefaultContext = 32768;

std::string gib(uint64_t b) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(b) / (1ull << 30));
    return buf;
}

std::string gpu_label(const ComputeDevice& d) {
    return "Vulkan #" + std::to_string(d.index) + " (" + d.name + ")";
}

std::string gpu_spec(const ComputeDevice& d) { return d.backend + "#" + std::to_string(d.index); }

// How much of the model at `path` fits in `memory` bytes: the layers that fit after the input,
// and whether the output fits after all of them.
struct Fit {
    int64_t n_layer = 0, n_ctx = 0;
    int layers = 0;
    bool whole = false;
    uint64_t bytes = 0;    // what those parts take, KV cache and reserve included
    uint64_t weights = 0;  // of which the weights of the input and the layers
};

bool fit_in(const std::string& path, uint64_t memory, int64_t n_ctx, TensorType kv_type, Fit& fit, std::string& error) {
    std::unique_ptr<GgufFile> file = gguf_open(path, error);
    if (!file) return false;
    ModelHparams hp;
    if (!model_hparams_read(*file, hp, error)) return false;
    fit.n_layer = hp.n_layer;
    const int64_t trained = hp.n_ctx_train > 0 ? hp.n_ctx_train : 4096;
    fit.n_ctx = n_ctx > 0 ? std::min(n_ctx, trained) : std::min(trained, kDefaultContext);
    const uint64_t kv_per_layer =
        hp.n_layer > 0 ? kv_bytes_per_token(hp, kv_type) / static_cast<uint64_t>(hp.n_layer) * static_cast<uint64_t>(fit.n_ctx) : 0;
    const ModelFootprint f = model_footprint(*file, hp.n_layer);
    uint64_t used = kGpuReserve + f.input;
    if (used > memory) return true;
    fit.weights = f.input;
    for (uint64_t layer : f.layers) {
        if (used + layer + kv_per_layer > memory) break;
        used += layer + kv_per_layer;
        fit.weights += layer;
        fit.layers++;
    }
    fit.whole = fit.layers == hp.n_layer && used + f.output <= memory;
    if (fit.whole) used += f.output;
    fit.bytes = used;
    return true;
}

bool usable_gpu(const ComputeDevice& d) { return d.backend != "cpu" && d.unusable.empty(); }

} // namespace

bool fit_on_gpu(const std::string& path, const ComputeDevice& gpu, int64_t n_ctx, TensorType kv_type, DeviceChoice& out,
                std::string& error) {
    Fit fit;
    if (!fit_in(path, gpu.memory_bytes, n_ctx, kv_type, fit, error)) return false;
    out = DeviceChoice{};
    out.n_ctx = fit.n_ctx;
    if (fit.whole) {
        out.devices = gpu_spec(gpu);
        out.gpu_layers = static_cast<int>(fit.n_layer);
        out.why = gpu_label(gpu) + ": the whole model, " + gib(fit.bytes) + " of " + gib(gpu.memory_bytes) +
                  " with a context of " + std::to_string(fit.n_ctx);
        return true;
    }
    out.gpu_layers = fit.layers;
    if (fit.layers == 0) {
        out.devices = "cpu";
        out.why = "the CPU: no layer of the model fits in " + gpu_label(gpu) + "'s " + gib(gpu.memory_bytes) +
                  " with a context of " + std::to_string(fit.n_ctx);
        return true;
    }
    // The budget is what the input and those layers weigh, as gpu_layers_devices() makes it: the
    // loader fills the GPU in model order, so the next part no longer fits (the output head too,
    // when every layer fits but it does not) and goes to the CPU.
    out.devices = gpu_spec(gpu) + ":" + std::to_string(fit.weights) + "+cpu";
    out.why = gpu_label(gpu) + ": " + std::to_string(fit.layers) + " of " + std::to_string(fit.n_layer) +
              " layers (" + gib(fit.bytes) + " of " + gib(gpu.memory_bytes) + ", context " + std::to_string(fit.n_ctx) +
              "); the rest on the CPU";
    return true;
}

bool choose_devices(const std::string& path, const std::vector<ComputeDevice>& devices, int64_t n_ctx, TensorType kv_type,
                    DeviceChoice& out, std::string& error) {
    std::vector<const ComputeDevice*> discrete;
    for (const ComputeDevice& d : devices)
        if (usable_gpu(d) && d.type == "discrete") discrete.push_back(&d);
    std::stable_sort(discrete.begin(), discrete.end(),
                     [](const ComputeDevice* a, const ComputeDevice* b) { return a->memory_bytes > b->memory_bytes; });
    std::string too_small;
    for (const ComputeDevice* d : discrete) {
        DeviceChoice c;
        if (!fit_on_gpu(path, *d, n_ctx, kv_type, c, error)) return false;
        if (c.devices == gpu_spec(*d)) {
            out = c;
            out.why += " (the best discrete GPU that holds it)";
            return true;
        }
        if (too_small.empty()) too_small = gpu_label(*d);
    }
    out = DeviceChoice{};
    out.devices = "cpu";
    Fit fit;
    if (!fit_in(path, 0, n_ctx, kv_type, fit, error)) return false;
    out.n_ctx = fit.n_ctx;
    out.why = discrete.empty() ? "the CPU: no discrete GPU was found"
                               : "the CPU: the model with a context of " + std::to_string(fit.n_ctx) + " does not fit in " +
                                     too_small + " (--gpu-layers puts part of it there)";
    return true;
}

} // namespace ponder
