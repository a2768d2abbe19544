// The compute devices of this machine, as `ponder-cli devices` lists them: the CPU, then every
// Vulkan device (the driver's order, which --device N refers to).
#pragma once

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

} // namespace ponder
