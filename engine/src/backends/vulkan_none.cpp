// A build without the Vulkan backend (-DPONDER_VULKAN=OFF, or no libvulkan-dev / glslc at
// configure time): it lists no Vulkan device and says why.
#include "vulkan/vulkan_backend.h"

namespace ponder {

bool vulkan_built_in() { return false; }

std::unique_ptr<Backend> make_vulkan_backend(int, uint64_t, std::string& error) {
    error = "this build of Ponder has no Vulkan backend (configure with libvulkan-dev and glslc installed); "
            "use the CPU (--backend cpu)";
    return nullptr;
}

bool vulkan_stream_counters(const Stream&, VulkanStreamCounters&) { return false; }

std::vector<ComputeDevice> vulkan_devices(std::string* status) {
    if (status)
        *status = "this build of Ponder has no Vulkan backend (configure with libvulkan-dev and glslc installed, "
                  "or -DPONDER_VULKAN=ON)";
    return {};
}

} // namespace ponder
