#include "backend_registry.h"
#include "backends/vulkan/vulkan_backend.h"

#include <map>
#include <mutex>

namespace ponder {

namespace {

std::unique_ptr<Backend> create_cpu(const BackendRequest& r, std::string&) {
    CpuBackendOptions cpu;
    cpu.n_threads = r.options.n_threads;
    // A tiny model (the bundled demo: 2 MB) does microseconds of work per layer; waking other
    // threads for it costs more than it saves, and on a busy machine spinning workers make it
    // slower still. Unless asked otherwise, one thread until the weights reach tens of MB.
    if (cpu.n_threads == 0 && r.model_file_bytes < (64ull << 20)) cpu.n_threads = 1;
    cpu.simd = r.options.simd;
    cpu.reference_math = r.options.reference_math;
    return make_cpu_backend(cpu);
}

// Every build knows the kind; one without Vulkan says so when asked for it. The budget only
// guides the placement (weights); the KV cache and scratch come on top, up to the device's memory.
std::unique_ptr<Backend> create_vulkan(const BackendRequest& r, std::string& error) {
    return make_vulkan_backend(r.device.index, 0, error);
}

struct Registry {
    std::mutex mutex;
    std::map<std::string, BackendFactory> kinds{{"cpu", create_cpu}, {"vulkan", create_vulkan}};
};

Registry& registry() {
    static Registry r;
    return r;
}

} // namespace

void register_backend_kind(const std::string& kind, BackendFactory factory) {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    r.kinds[kind] = std::move(factory);
}

std::unique_ptr<Backend> create_backend(const BackendRequest& request, std::string& error) {
    BackendFactory factory;
    {
        Registry& r = registry();
        std::lock_guard<std::mutex> lock(r.mutex);
        auto it = r.kinds.find(request.device.kind);
        if (it != r.kinds.end()) factory = it->second;
    }
    if (!factory) {
        error = "backend '" + request.device.kind + "' is not available in this build (" + backend_kinds() + " is)";
        return nullptr;
    }
    return factory(request, error);
}

std::string backend_kinds() {
    Registry& r = registry();
    std::lock_guard<std::mutex> lock(r.mutex);
    std::string s;
    for (const auto& [kind, factory] : r.kinds) s += (s.empty() ? "" : ", ") + kind;
    return s;
}

} // namespace ponder
