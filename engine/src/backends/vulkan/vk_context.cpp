// The loader, the instance and the physical devices. See vk_context.h.
#include "vk_context.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <unistd.h>

namespace ponder::vk {

#define PONDER_VK_DEFINE(name) PFN_##name name = nullptr;
PONDER_VK_GLOBAL_FUNCTIONS(PONDER_VK_DEFINE)
PONDER_VK_INSTANCE_FUNCTIONS(PONDER_VK_DEFINE)
PONDER_VK_DEVICE_FUNCTIONS(PONDER_VK_DEFINE)
#undef PONDER_VK_DEFINE

const char* result_name(VkResult r) {
    switch (r) {
    case VK_SUCCESS: return "VK_SUCCESS";
    case VK_NOT_READY: return "VK_NOT_READY";
    case VK_TIMEOUT: return "VK_TIMEOUT";
    case VK_ERROR_OUT_OF_HOST_MEMORY: return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY: return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED: return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST: return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_LAYER_NOT_PRESENT: return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT: return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT: return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER: return "VK_ERROR_INCOMPATIBLE_DRIVER";
    case VK_ERROR_TOO_MANY_OBJECTS: return "VK_ERROR_TOO_MANY_OBJECTS";
    case VK_ERROR_OUT_OF_POOL_MEMORY: return "VK_ERROR_OUT_OF_POOL_MEMORY";
    case VK_ERROR_INVALID_SHADER_NV: return "VK_ERROR_INVALID_SHADER_NV";
    default: return "VkResult error";
    }
}

namespace {

// --- validation messages --------------------------------------------------------------------------

std::atomic<uint64_t> g_validation_messages{0};

VKAPI_ATTR VkBool32 VKAPI_CALL on_debug_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                VkDebugUtilsMessageTypeFlagsEXT type,
                                                const VkDebugUtilsMessengerCallbackDataEXT* data, void*) {
    // Every warning or error of the validation layer counts (the tests require none); the
    // loader's general notes are only printed.
    const bool counts = (type & (VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT)) &&
                        severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT;
    if (counts) g_validation_messages++;
    if (counts || severity >= VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT)
        std::fprintf(stderr, "ponder: Vulkan %s: %s\n", counts ? "validation" : "loader", data->pMessage);
    return VK_FALSE;
}

// A process that drew validation messages fails, whatever it was doing (the end-to-end tests run
// ponder-cli with validation on and compare only its output otherwise).
void fail_on_validation_messages_at_exit() {
    if (const uint64_t n = g_validation_messages.load()) {
        std::fprintf(stderr, "ponder: %llu Vulkan validation message(s); failing\n", static_cast<unsigned long long>(n));
        std::fflush(stderr);
        _exit(86);
    }
}

// --- the loader and the instance --------------------------------------------------------------------

PFN_vkGetInstanceProcAddr open_loader(std::string& error) {
    const char* name = std::getenv("PONDER_VULKAN_LOADER");  // a loader that is not on the library path
    void* lib = dlopen(name && *name ? name : "libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        error = "the Vulkan loader (libvulkan.so.1) is not installed (Debian: apt-get install libvulkan1 "
                "mesa-vulkan-drivers, or your GPU vendor's driver)";
        return nullptr;
    }
    auto gipa = reinterpret_cast<PFN_vkGetInstanceProcAddr>(dlsym(lib, "vkGetInstanceProcAddr"));
    if (!gipa) error = "libvulkan.so.1 has no vkGetInstanceProcAddr";
    return gipa;
}

bool has_layer(const char* name) {
    uint32_t n = 0;
    vkEnumerateInstanceLayerProperties(&n, nullptr);
    std::vector<VkLayerProperties> layers(n);
    vkEnumerateInstanceLayerProperties(&n, layers.data());
    for (const auto& l : layers)
        if (!std::strcmp(l.layerName, name)) return true;
    return false;
}

Instance create_instance() {
    Instance in;
    PFN_vkGetInstanceProcAddr gipa = open_loader(in.error);
    if (!gipa) return in;
#define PONDER_VK_LOAD(name) name = reinterpret_cast<PFN_##name>(gipa(VK_NULL_HANDLE, #name));
    PONDER_VK_GLOBAL_FUNCTIONS(PONDER_VK_LOAD)
#undef PONDER_VK_LOAD
    if (!vkCreateInstance || !vkEnumerateInstanceLayerProperties) {
        in.error = "the Vulkan loader is incomplete";
        return in;
    }
    uint32_t version = VK_API_VERSION_1_0;
    if (vkEnumerateInstanceVersion) vkEnumerateInstanceVersion(&version);
    if (version < VK_API_VERSION_1_2) {
        in.error = "the Vulkan loader supports Vulkan " + std::to_string(VK_API_VERSION_MAJOR(version)) + "." +
                   std::to_string(VK_API_VERSION_MINOR(version)) + " only; Ponder needs 1.2 (update libvulkan1)";
        return in;
    }
    in.api_version = version >= VK_API_VERSION_1_3 ? VK_API_VERSION_1_3 : VK_API_VERSION_1_2;

    std::vector<const char*> layers, extensions;
    const char* want = std::getenv("PONDER_VULKAN_VALIDATION");
    in.validation = want && *want && std::strcmp(want, "0") != 0;
    if (in.validation) {
        if (!has_layer("VK_LAYER_KHRONOS_validation")) {
            in.error = "PONDER_VULKAN_VALIDATION is set but the Khronos validation layer is not installed "
                       "(Debian: apt-get install vulkan-validationlayers)";
            return in;
        }
        layers.push_back("VK_LAYER_KHRONOS_validation");
        extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
    }

    VkApplicationInfo app{};

    app.sType = VK_STRUCTURE_TYPE_APPLICATION_INFO;
    app.pApplicationName = "Ponder";
    app.pEngineName = "ponder";
    app.apiVersion = in.api_version;
    VkDebugUtilsMessengerCreateInfoEXT messenger{};
    messenger.sType = VK_STRUCTURE_TYPE_DEBUG_UTILS_MESSENGER_CREATE_INFO_EXT;
    messenger.messageSeverity = VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_SEVERITY_ERROR_BIT_EXT;
    messenger.messageType = VK_DEBUG_UTILS_MESSAGE_TYPE_GENERAL_BIT_EXT | VK_DEBUG_UTILS_MESSAGE_TYPE_VALIDATION_BIT_EXT |
                            VK_DEBUG_UTILS_MESSAGE_TYPE_PERFORMANCE_BIT_EXT;
    messenger.pfnUserCallback = on_debug_message;
    VkInstanceCreateInfo ci{};
    ci.sType = VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO;
    ci.pNext = in.validation ? &messenger : nullptr;  // also covers instance creation itself
    ci.pApplicationInfo = &app;
    ci.enabledLayerCount = static_cast<uint32_t>(layers.size());
    ci.ppEnabledLayerNames = layers.data();
    ci.enabledExtensionCount = static_cast<uint32_t>(extensions.size());
    ci.ppEnabledExtensionNames = extensions.data();
    const VkResult r = vkCreateInstance(&ci, nullptr, &in.instance);
    if (r != VK_SUCCESS) {
        in.instance = VK_NULL_HANDLE;
        in.error = r == VK_ERROR_INCOMPATIBLE_DRIVER ? "no Vulkan driver is installed (Debian: apt-get install mesa-vulkan-drivers, "
                                                       "or your GPU vendor's driver)"
                                                     : std::string("vkCreateInstance failed: ") + result_name(r);
        return in;
    }
#define PONDER_VK_LOAD(name) name = reinterpret_cast<PFN_##name>(gipa(in.instance, #name));
    PONDER_VK_INSTANCE_FUNCTIONS(PONDER_VK_LOAD)
    PONDER_VK_DEVICE_FUNCTIONS(PONDER_VK_LOAD)
#undef PONDER_VK_LOAD
    if (in.validation) {
        VkDebugUtilsMessengerEXT handle;
        if (vkCreateDebugUtilsMessengerEXT(in.instance, &messenger, nullptr, &handle) == VK_SUCCESS)
            std::atexit(fail_on_validation_messages_at_exit);
    }
    uint32_t n = 0;
    VkResult listed = vkEnumeratePhysicalDevices(in.instance, &n, nullptr);
    in.physical.resize(n);
    if (listed == VK_SUCCESS) listed = vkEnumeratePhysicalDevices(in.instance, &n, in.physical.data());
    if (listed != VK_SUCCESS && listed != VK_INCOMPLETE) {
        in.error = std::string("vkEnumeratePhysicalDevices failed: ") + result_name(listed);
        n = 0;
    }
    in.physical.resize(n);
    if (n == 0 && in.error.empty()) in.error = "no Vulkan device found (is the GPU driver installed?)";
    return in;
}

// --- physical devices -------------------------------------------------------------------------------

std::string vendor_name(uint32_t id) {
    switch (id) {
    case 0x10DE: return "NVIDIA";
    case 0x1002: return "AMD";
    case 0x8086: return "Intel";
    case 0x13B5: return "ARM";
    case 0x5143: return "Qualcomm";
    case 0x106B: return "Apple";
    case 0x10005: return "Mesa";
    default: {
        char buf[16];
        std::snprintf(buf, sizeof buf, "0x%04x", id);
        return buf;
    }
    }
}

const char* type_name(VkPhysicalDeviceType t) {
    switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU: return "discrete";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU: return "integrated";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU: return "virtual";
    case VK_PHYSICAL_DEVICE_TYPE_CPU: return "cpu";
    default: return "other";
    }
}

bool has_device_extension(VkPhysicalDevice pd, const char* name) {
    uint32_t n = 0;
    vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, nullptr);
    std::vector<VkExtensionProperties> ext(n);
    vkEnumerateDeviceExtensionProperties(pd, nullptr, &n, ext.data());
    for (const auto& e : ext)
        if (!std::strcmp(e.extensionName, name)) return true;
    return false;
}

DeviceCaps probe(VkPhysicalDevice pd, int index) {
    DeviceCaps c;
    c.physical = pd;
    ComputeDevice& info = c.info;
    info.backend = "vulkan";
    info.index = index;

    VkPhysicalDeviceSubgroupProperties subgroup{};

    subgroup.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SUBGROUP_PROPERTIES;
    VkPhysicalDeviceDriverProperties driver{};
    driver.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_DRIVER_PROPERTIES;
    VkPhysicalDeviceShaderIntegerDotProductProperties dotp{};
    dotp.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_PROPERTIES;
    VkPhysicalDeviceProperties2 props{};
    props.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
    props.pNext = &subgroup;
    subgroup.pNext = &driver;
    const bool dot_ext = has_device_extension(pd, VK_KHR_SHADER_INTEGER_DOT_PRODUCT_EXTENSION_NAME);
    VkPhysicalDeviceProperties basic;
    vkGetPhysicalDeviceProperties(pd, &basic);
    const bool v13 = basic.apiVersion >= VK_API_VERSION_1_3 && instance().api_version >= VK_API_VERSION_1_3;
    if (v13 || dot_ext) driver.pNext = &dotp;
    vkGetPhysicalDeviceProperties2(pd, &props);
    const VkPhysicalDeviceLimits& lim = props.properties.limits;
    info.name = props.properties.deviceName;
    info.vendor = vendor_name(props.properties.vendorID);
    info.type = type_name(props.properties.deviceType);
    info.driver = std::string(driver.driverName) + " " + driver.driverInfo;
    c.api_version = props.properties.apiVersion;
    info.api_version = std::to_string(VK_API_VERSION_MAJOR(c.api_version)) + "." +
                       std::to_string(VK_API_VERSION_MINOR(c.api_version)) + "." +
                       std::to_string(VK_API_VERSION_PATCH(c.api_version));
    info.subgroup_size = subgroup.subgroupSize;
    info.subgroup_arithmetic = (subgroup.supportedStages & VK_SHADER_STAGE_COMPUTE_BIT) &&
                            (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_ARITHMETIC_BIT) &&
                            (subgroup.supportedOperations & VK_SUBGROUP_FEATURE_BASIC_BIT);
    c.min_storage_align = static_cast<uint32_t>(std::max<VkDeviceSize>(lim.minStorageBufferOffsetAlignment, 4));
    c.max_storage_range = lim.maxStorageBufferRange;
    c.max_shared = lim.maxComputeSharedMemorySize;
    for (int i = 0; i < 3; i++) c.max_groups[i] = lim.maxComputeWorkGroupCount[i];

    VkPhysicalDeviceShaderIntegerDotProductFeatures dotf{};

    dotf.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_SHADER_INTEGER_DOT_PRODUCT_FEATURES;
    VkPhysicalDeviceVulkan12Features f12{};
    f12.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES;
    VkPhysicalDeviceFeatures2 features{};
    features.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2;
    features.pNext = &f12;
    if (v13 || dot_ext) f12.pNext = &dotf;
    if (c.api_version >= VK_API_VERSION_1_2) vkGetPhysicalDeviceFeatures2(pd, &features);
    info.fp16 = f12.shaderFloat16;
    info.int_dot = dotf.shaderIntegerDotProduct;
    info.int_dot_accelerated = info.int_dot && dotp.integerDotProduct4x8BitPackedSignedAccelerated;
    c.int_dot_extension = info.int_dot && !v13;
    info.cooperative_matrix = has_device_extension(pd, "VK_KHR_cooperative_matrix") ||
                              has_device_extension(pd, "VK_NV_cooperative_matrix");

    VkPhysicalDeviceMaintenance3Properties m3{};

    m3.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_MAINTENANCE_3_PROPERTIES;
    VkPhysicalDeviceProperties2 p2{};
    p2.sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2;
    p2.pNext = &m3;
    vkGetPhysicalDeviceProperties2(pd, &p2);
    c.max_allocation = m3.maxMemoryAllocationSize;

    VkPhysicalDeviceMemoryProperties mem;
    vkGetPhysicalDeviceMemoryProperties(pd, &mem);
    for (uint32_t h = 0; h < mem.memoryHeapCount; h++)
        if (mem.memoryHeaps[h].flags & VK_MEMORY_HEAP_DEVICE_LOCAL_BIT)
            info.memory_bytes = std::max<uint64_t>(info.memory_bytes, mem.memoryHeaps[h].size);

    uint32_t nq = 0;
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &nq, nullptr);
    std::vector<VkQueueFamilyProperties> families(nq);
    vkGetPhysicalDeviceQueueFamilyProperties(pd, &nq, families.data());
    // A compute queue; a compute-only family first (it does not wait behind graphics work).
    int chosen = -1;
    for (uint32_t q = 0; q < nq; q++)
        if ((families[q].queueFlags & VK_QUEUE_COMPUTE_BIT) && (chosen < 0 || !(families[q].queueFlags & VK_QUEUE_GRAPHICS_BIT)))
            chosen = static_cast<int>(q);
    c.queue_family = chosen < 0 ? 0 : static_cast<uint32_t>(chosen);

    if (c.api_version < VK_API_VERSION_1_2)
        info.unusable = "its driver supports Vulkan " + std::to_string(VK_API_VERSION_MAJOR(c.api_version)) + "." +
                        std::to_string(VK_API_VERSION_MINOR(c.api_version)) + " only; Ponder needs 1.2 (update the driver)";
    else if (chosen < 0)
        info.unusable = "it has no compute queue";
    return c;
}

} // namespace

const Instance& instance() {
    static const Instance in = create_instance();
    return in;
}

uint64_t validation_message_count() { return g_validation_messages.load(); }

const std::vector<DeviceCaps>& device_caps() {
    static const std::vector<DeviceCaps> caps = [] {
        std::vector<DeviceCaps> out;
        const Instance& in = instance();
        for (size_t i = 0; i < in.physical.size(); i++) out.push_back(probe(in.physical[i], static_cast<int>(i)));
        return out;
    }();
    return caps;
}

} // namespace ponder::vk

namespace ponder {

bool vulkan_built_in() { return true; }

std::vector<ComputeDevice> vulkan_devices(std::string* status) {
    std::vector<ComputeDevice> out;
    for (const vk::DeviceCaps& c : vk::device_caps()) out.push_back(c.info);
    if (status) *status = vk::instance().error;
    return out;
}

} // namespace ponder
