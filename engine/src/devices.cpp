// The machine's compute devices: the CPU, then the Vulkan devices (ponder/devices.h).
#include "ponder/devices.h"

#include "backends/cpu/kernels.h"
#include "backends/cpu/thread_pool.h"
#include "backends/vulkan/vulkan_backend.h"

#include <fstream>
#include <unistd.h>

namespace ponder {

namespace {

// /proc/cpuinfo's first "model name", e.g. "AMD EPYC 9B14"; "CPU" when there is none.
std::string cpu_model_name() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) != 0) continue;
        const size_t colon = line.find(':');
        if (colon == std::string::npos) break;
        size_t start = line.find_first_not_of(" \t", colon + 1);
        return start == std::string::npos ? "CPU" : line.substr(start);
    }
    return "CPU";
}

} // namespace

DeviceList list_devices() {
    DeviceList list;
    ComputeDevice cpu;
    cpu.backend = "cpu";
    cpu.type = "cpu";
    cpu.name = cpu_model_name();
    const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    cpu.memory_bytes = pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page) : 0;
    cpu.threads = cpu::default_thread_count();
    cpu.simd = cpu::kernels().isa;
    list.devices.push_back(cpu);

    list.vulkan_built_in = vulkan_built_in();
    std::vector<ComputeDevice> gpus = vulkan_devices(&list.vulkan_status);
    list.devices.insert(list.devices.end(), gpus.begin(), gpus.end());
    return list;
}

} // namespace ponder
