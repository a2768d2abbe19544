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
    if (b < (1ull << 30)) std::snprintf(buf, sizeof buf, "%.1f MiB", static_cast<double>(b) / (1ull << 20));
    else std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(b) / (1ull << 30));
    return buf;
}

// What the model's parts take on the GPU, and of how much: "4.4 GiB of 79.6 GiB", the working
// reserve counted in the decision but not in the figure.
std::string share(uint64_t bytes, uint64_t memory) {
    return gib(bytes > kGpuReserve ? bytes - kGpuReserve : 0) + " of " + gib(memory);
}

std::string gpu_label(const ComputeDevice& d) {
    return "Vulkan #" + std::to_string(d.index) + " (" + d.name + ")";
}

std::string gpu_spec(const ComputeDevice& d) { return d.backend + "#" + std::to_string(d.index); }

// How much of the model at `path` fits in `memory` bytes: the layers that fit after the input,
// and whether the output fits after all of them.
struct Fit {
    std::string arch;
    int64_t n_layer = 0, n_ctx = 0;
    int layers = 0;
    bool whole = false;
    uint64_t bytes = 0;    // what those parts take, KV cache and reserve included
    uint64_t weights = 0;  // of which the weights of the input and the layers
};

// Fills `memory` in model order: the input, then layers with their KV cache (at most `max_layers`,
// -1: any number), then the output when every layer is in.
bool fit_in(const std::string& path, uint64_t memory, int64_t n_ctx, TensorType kv_type, Fit& fit, std::string& error,
            int max_layers = -1) {
    std::unique_ptr<GgufFile> file = gguf_open(path, error);
    if (!file) return false;
    ModelHparams hp;
    if (!model_hparams_read(*file, hp, error)) return false;
    fit.arch = hp.arch;
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
        if (fit.layers == max_layers || used + layer + kv_per_layer > memory) break;
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

// The Vulkan backend has the dense qwen2 / llama ops; deepseek2's (matmul_id, moe_route,
// moe_sum) are CPU-only for now, so Ponder does not choose a GPU for it unasked.
bool gpu_runs(const std::string& arch) { return arch != "deepseek2"; }

// What `fit` puts on `gpu`, into `out`.
void describe_gpu_part(const ComputeDevice& gpu, const Fit& fit, DeviceChoice& out) {
    out.n_ctx = fit.n_ctx;
    out.n_layer = static_cast<int>(fit.n_layer);
    out.gpu_layers = fit.layers;
    if (fit.layers == 0 && !fit.whole) return;
    out.gpu_name = gpu.name;
    out.gpu_memory = gpu.memory_bytes;
    out.gpu_bytes = fit.bytes > kGpuReserve ? fit.bytes - kGpuReserve : 0;
}

} // namespace

bool layers_on_gpu(const std::string& path, const ComputeDevice& gpu, int n_layers, int64_t n_ctx, TensorType kv_type,
                   DeviceChoice& out, std::string& error) {
    Fit fit;
    if (!fit_in(path, UINT64_MAX, n_ctx, kv_type, fit, error, std::max(n_layers, 0))) return false;
    out = DeviceChoice{};
    if (n_layers <= 0) {
        out.devices = "cpu";
        out.n_ctx = fit.n_ctx;
        out.n_layer = static_cast<int>(fit.n_layer);
        out.why = "the CPU: no layer on the GPU";
        return true;
    }
    describe_gpu_part(gpu, fit, out);
    out.devices = gpu_layers_devices(path, gpu_spec(gpu), n_layers, error);
    if (out.devices.empty()) return false;
    out.fits = fit.bytes <= gpu.memory_bytes;
    const std::string what = fit.whole ? "the whole model" : std::to_string(fit.layers) + " of " + std::to_string(fit.n_layer) + " layers";
    out.why = gpu_label(gpu) + ": " + what + " (" +
              (out.fits ? share(fit.bytes, gpu.memory_bytes)
                        : gib(fit.bytes) + " with 1 GiB kept free, more than its " + gib(gpu.memory_bytes)) +
              ", context " + std::to_string(fit.n_ctx) + ")" + (fit.whole ? "" : "; the rest on the CPU");
    return true;
}

bool fit_on_gpu(const std::string& path, const ComputeDevice& gpu, int64_t n_ctx, TensorType kv_type, DeviceChoice& out,
                std::string& error) {
    Fit fit;
    if (!fit_in(path, gpu.memory_bytes, n_ctx, kv_type, fit, error)) return false;
    out = DeviceChoice{};
    describe_gpu_part(gpu, fit, out);
    if (fit.whole) {
        out.devices = gpu_spec(gpu);
        out.gpu_layers = static_cast<int>(fit.n_layer);
        out.why = gpu_label(gpu) + ": the whole model, " + share(fit.bytes, gpu.memory_bytes) +
                  " with a context of " + std::to_string(fit.n_ctx);
        return true;
    }
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
              " layers (" + share(fit.bytes, gpu.memory_bytes) + ", context " + std::to_string(fit.n_ctx) +
              "); the rest on the CPU";
    return true;
}

bool choose_devices(const std::string& path, const std::vector<ComputeDevice>& devices, int64_t n_ctx, TensorType kv_type,
                    DeviceChoice& out, std::string& error) {
    Fit model;
    if (!fit_in(path, 0, n_ctx, kv_type, model, error)) return false;
    if (!gpu_runs(model.arch)) {
        out = DeviceChoice{};
        out.devices = "cpu";
        out.n_ctx = model.n_ctx;
        out.n_layer = static_cast<int>(model.n_layer);
        out.why = "the CPU: Ponder's GPU backend does not run " + model.arch + " models yet";
        return true;
    }
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
    out.n_ctx = model.n_ctx;
    out.n_layer = static_cast<int>(model.n_layer);
    out.why = discrete.empty() ? "the CPU: no discrete GPU was found"
                               : "the CPU: the model with a context of " + std::to_string(model.n_ctx) + " does not fit in " +
                                     too_small + " (--gpu-layers puts part of it there)";
    return true;
}

} // namespace ponder
