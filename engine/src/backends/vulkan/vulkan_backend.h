// The Vulkan backend's entry points for the rest of the engine (internal, no Vulkan headers: this
// header is the same whether or not the backend is built in; without it the functions say so).
#pragma once

#include "backend.h"
#include "ponder/devices.h"

#include <string>
#include <vector>

namespace ponder {

// Every Vulkan device, usable or not; empty with `status` saying why when there is none (no
// loader, no driver, a build without the backend).
std::vector<ComputeDevice> vulkan_devices(std::string* status = nullptr);
// Whether this build has the Vulkan backend.
bool vulkan_built_in();
// The backend on Vulkan device `device` (its index in vulkan_devices(); -1: the best usable one),
// failing allocations beyond `memory_limit` bytes (0: the device's memory). Null + one clear line
// in `error` when there is no such device, no driver, or no Vulkan in this build.
std::unique_ptr<Backend> make_vulkan_backend(int device, uint64_t memory_limit, std::string& error);

// A Vulkan stream's work so far, for tests and benchmarks.
struct VulkanStreamCounters {
    uint64_t dispatches = 0;
    uint64_t descriptor_writes = 0;  // sets written for them; the rest were reused from the cache
    uint64_t submits = 0;            // command buffers submitted, each waited for (fence waits)
};
// False for a stream of another backend.
bool vulkan_stream_counters(const Stream& stream, VulkanStreamCounters& counters);

} // namespace ponder
