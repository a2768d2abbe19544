// ponder-cli devices: the machine's compute devices (the CPU, every Vulkan device) and what each
// can do, as a table or JSON. The index of a Vulkan device is the one --device N will take.
#include "args.h"
#include "commands.h"

#include "ponder/devices.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace ponder::cli {

namespace {

std::string gib(uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f GiB", static_cast<double>(bytes) / (1ull << 30));
    return buf;
}

nlohmann::ordered_json device_json(const ComputeDevice& d) {
    nlohmann::ordered_json j;
    j["backend"] = d.backend;
    j["index"] = d.index;
    j["name"] = d.name;
    j["type"] = d.type;
    j["memory_bytes"] = d.memory_bytes;
    if (d.backend == "cpu") {
        j["threads"] = d.threads;
        j["simd"] = d.simd;
    } else {
        j["vendor"] = d.vendor;
        j["driver"] = d.driver;
        j["api_version"] = d.api_version;
        j["subgroup_size"] = d.subgroup_size;
        j["subgroup_arithmetic"] = d.subgroup_arithmetic;
        j["fp16"] = d.fp16;
        j["int8_dot"] = d.int_dot;
        j["int8_dot_accelerated"] = d.int_dot_accelerated;
        j["cooperative_matrix"] = d.cooperative_matrix;
    }
    j["usable"] = d.unusable.empty();
    if (!d.unusable.empty()) j["unusable"] = d.unusable;
    return j;
}

std::string features(const ComputeDevice& d) {
    std::string f = "subgroup " + std::to_string(d.subgroup_size);
    if (d.fp16) f += ", fp16";
    if (d.int_dot) f += d.int_dot_accelerated ? ", int8 dot" : ", int8 dot (emulated)";
    if (d.cooperative_matrix) f += ", cooperative matrix";
    return f;
}

} // namespace

int cmd_devices(const std::vector<std::string>& argv) {
    Args args(argv, {"json"}, {});
    if (!args.positionals().empty()) throw UsageError("devices takes no arguments (only --json)");
    const DeviceList list = list_devices();
    if (args.has("json")) {
        nlohmann::ordered_json j;
        j["devices"] = nlohmann::ordered_json::array();
        for (const ComputeDevice& d : list.devices) j["devices"].push_back(device_json(d));
        j["vulkan_built_in"] = list.vulkan_built_in;
        if (!list.vulkan_status.empty()) j["vulkan_status"] = list.vulkan_status;
        std::puts(j.dump(2).c_str());
        return 0;
    }
    for (const ComputeDevice& d : list.devices) {
        if (d.backend == "cpu") {
            std::printf("cpu         %s: %s RAM, %d threads, %s kernels\n", d.name.c_str(), gib(d.memory_bytes).c_str(),
                        d.threads, d.simd.c_str());
            continue;
        }
        std::printf("vulkan#%-4d %s (%s, %s): %s, Vulkan %s, %s\n", d.index, d.name.c_str(), d.vendor.c_str(),
                    d.type == "cpu" ? "software on the CPU" : d.type.c_str(), gib(d.memory_bytes).c_str(),
                    d.api_version.c_str(), features(d).c_str());
        std::printf("            driver: %s\n", d.driver.c_str());
        if (!d.unusable.empty()) std::printf("            not usable: %s\n", d.unusable.c_str());
    }
    if (!list.vulkan_status.empty()) std::printf("vulkan      none: %s\n", list.vulkan_status.c_str());
    return 0;
}

} // namespace ponder::cli
