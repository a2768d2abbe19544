// The Vulkan backend (internal): one logical device with one compute queue. Buffers are
// device-local memory the host cannot address (host() is null: every transfer goes through a
// stream's staging buffer). A stream records its ops into one command buffer, with a barrier
// between ops, and submits it when the host needs a result (download, synchronize) or when its
// descriptor pool runs out. Shaders come from shaders/ (see vk_shaders.h); each op family is one
// pipeline per variant, built on first use.
//   vk_device.cpp  the logical device, memory, pipelines, the backend
//   vk_stream.cpp  command buffers, descriptors, staging, transfers
//   vk_ops.cpp     the ops: push constants and workgroup counts per shader
#pragma once

#include "backend.h"
#include "vk_context.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ponder::vk {

// Throws std::runtime_error("Vulkan: <what> failed: VK_...") unless r is VK_SUCCESS;
// VK_ERROR_OUT_OF_DEVICE_MEMORY / _HOST_MEMORY throw std::bad_alloc (the contract's allocation error).
void check(VkResult r, const char* what);

struct Pipeline {
    VkDescriptorSetLayout set_layout = VK_NULL_HANDLE;
    VkPipelineLayout layout = VK_NULL_HANDLE;
    VkPipeline pipeline = VK_NULL_HANDLE;
    uint32_t n_bindings = 0;
};

// A buffer of device memory (device-local for tensors, host-visible for staging).
class VkBuf final : public Buffer {
public:
    VkBuf(Backend& backend, size_t size, VkBuffer buffer, VkDeviceMemory memory, void* mapped)
        : Buffer(backend, size, nullptr), buffer_(buffer), memory_(memory), mapped_(mapped) {}
    ~VkBuf() override;
    VkBuffer handle() const { return buffer_; }
    void* mapped() const { return mapped_; }  // host-visible buffers only (staging, tables)

private:
    VkBuffer buffer_;
    VkDeviceMemory memory_;
    void* mapped_;
};

struct VulkanOptions {
    int device = -1;                 // index in device_caps(); -1: the best usable device
    uint64_t memory_limit = 0;       // fail allocations past this many bytes (tests); 0: the device's
};

class VulkanBackend final : public Backend {
public:
    // Throws std::runtime_error with one clear line when the device cannot be used.
    explicit VulkanBackend(const VulkanOptions& options);
    ~VulkanBackend() override;

    std::string describe() const override;
    std::string kind() const override { return "vulkan"; }
    std::unique_ptr<Buffer> alloc(size_t bytes) override;
    std::unique_ptr<Buffer> borrow_host(const void*, size_t) override { return nullptr; }
    std::unique_ptr<Stream> create_stream() override;

    // Host-visible, coherent memory (staging and host-made tables), mapped.
    std::unique_ptr<VkBuf> alloc_host(size_t bytes);
    // The pipeline of a shader variant (e.g. "matmul_q4_k"), built on first use.
    const Pipeline& pipeline(const std::string& name, uint32_t n_bindings);
    // Submits one command buffer and waits for it (the queue is shared by every stream).
    void submit_and_wait(VkCommandBuffer cmd, VkFence fence);

    VkDevice device() const { return device_; }
    const DeviceCaps& caps() const { return caps_; }
    uint64_t allocated() const { return allocated_; }
    // Counts every buffer destroyed: a stream's cached descriptor sets are good while it stays put.
    uint64_t buffers_destroyed() const { return buffers_destroyed_.load(); }

private:
    std::unique_ptr<VkBuf> make_buffer(size_t bytes, bool host);
    void freed(size_t bytes);
    friend class VkBuf;

    DeviceCaps caps_;
    VulkanOptions options_;
    VkDevice device_ = VK_NULL_HANDLE;
    VkQueue queue_ = VK_NULL_HANDLE;
    std::mutex queue_mutex_;
    std::mutex pipelines_mutex_;
    std::map<std::string, Pipeline> pipelines_;
    std::mutex memory_mutex_;
    uint64_t allocated_ = 0;
    std::atomic<uint64_t> buffers_destroyed_{0};
};

// The device a request names: an index, a name (or part of one), or "" for the best usable
// device (discrete before integrated before the CPU's lavapipe). -1 and `error` when none fits.
int choose_device(const std::string& choice, std::string& error);

} // namespace ponder::vk
