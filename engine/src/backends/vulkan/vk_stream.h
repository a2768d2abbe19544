// One session's queue of work on a Vulkan device (internal). See vk_backend.h.
#pragma once

#include "vk_backend.h"
#include "vulkan_backend.h"

#include <array>
#include <initializer_list>
#include <map>
#include <tuple>
#include <unordered_map>

namespace ponder::vk {

// A tensor as a shader sees it: a descriptor range of its buffer (starting at an offset the
// device can bind) and the tensor's first byte within that range.
struct Bound {
    VkBuffer buffer;
    VkDeviceSize offset, range;
    uint32_t at_b;  // byte offset of element 0 inside the range
    uint32_t at_f() const { return at_b / 4; }
};

// What a descriptor set holds: its layout and up to four buffer ranges.
struct SetKey {
    VkDescriptorSetLayout layout = VK_NULL_HANDLE;
    std::array<VkBuffer, 4> buffers{};
    std::array<VkDeviceSize, 8> ranges{};  // offset, range per binding
    bool operator==(const SetKey&) const = default;
};
struct SetKeyHash {
    size_t operator()(const SetKey& k) const;
};



class VulkanStream final : public Stream {
public:
    explicit VulkanStream(VulkanBackend& backend);
    ~VulkanStream() override;

    Backend& backend() override { return backend_; }
    void upload(const Tensor& dst, const void* src, size_t bytes, size_t at) override;
    void download(const Tensor& src, void* dst) override;
    void synchronize() override;
    const VulkanStreamCounters& counters() const { return counters_; }

    void get_rows(const Tensor& table, const Tensor& ids, const Tensor& out) override;
    void rms_norm(const Tensor& x, const Tensor* w, float eps, const Tensor& out) override;
    void matmul(const Tensor& w, const Tensor& x, const Tensor& out, const Tensor* bias) override;
    void rope(const Tensor& x, int pos0, const RopeParams& p) override;
    void copy(const Tensor& src, const Tensor& dst) override;
    void attention(const Tensor& q, const Tensor& k, const Tensor& v, const Tensor& out,
                   const AttentionParams& p) override;
    void swiglu(const Tensor& gate, const Tensor& up, const Tensor& out) override;
    void add(const Tensor& a, const Tensor& b, const Tensor& out) override;

private:
    // Records one dispatch of a shader variant with these bindings and push constants.
    void dispatch(const std::string& shader, std::initializer_list<Bound> bindings, const void* push, uint32_t push_bytes,
                  uint32_t gx, uint32_t gy = 1, uint32_t gz = 1);
    Bound bind(const Tensor& t) const;
    Bound bind_host(size_t offset, size_t bytes) const;  // a range of the host table arena
    // Host-written data the next ops read (rope's cos/sin tables): `bytes` of the arena, valid until
    // the stream is synchronized. Returns its offset in the arena.
    size_t arena_alloc(size_t bytes);
    const std::vector<float>& host_copy_of(const Tensor& t);  // small device tensors the host needs
    VkDescriptorSet allocate_set(VkDescriptorSetLayout layout);
    // The set for these bindings: a cached one when the same layout and ranges were bound before
    // (a generated token binds what the last one did), else a new one, written.
    VkDescriptorSet descriptor_set(VkDescriptorSetLayout layout, std::initializer_list<Bound> bindings);
    void write_set(VkDescriptorSet set, std::initializer_list<Bound> bindings);
    void release();         // destroys what the constructor made
    void begin();           // opens the command buffer if it is not open
    void barrier();         // orders everything recorded so far before what follows
    void submit_and_wait(); // runs what is recorded; the pools and the arena are free again
    void copy_region(VkBuffer src, VkDeviceSize src_off, VkBuffer dst, VkDeviceSize dst_off, VkDeviceSize bytes);

    VulkanBackend& backend_;
    VkDevice device_;
    VkCommandPool command_pool_ = VK_NULL_HANDLE;
    VkCommandBuffer cmd_ = VK_NULL_HANDLE;
    VkFence fence_ = VK_NULL_HANDLE;
    // Descriptor sets of the ops recorded so far: pools of kSetsPerPool, one more whenever the
    // current one runs out (never a submit in the middle of an op), all reset at each submit.
    std::vector<VkDescriptorPool> descriptor_pools_;
    size_t pool_in_use_ = 0;
    uint32_t sets_left_ = 0;
    // Sets kept across submits, keyed by what they hold. Sets are never rewritten; when a buffer
    // has been destroyed since the cache was filled (one may name it), or the pool is full, new
    // sets come from the per-submit pools until the next submit empties the cache.
    VkDescriptorPool cache_pool_ = VK_NULL_HANDLE;
    std::unordered_map<SetKey, VkDescriptorSet, SetKeyHash> cached_sets_;
    uint64_t cache_epoch_ = 0;   // buffers_destroyed() when the cache was last emptied
    bool cache_stale_ = false;   // empty it at the next submit
    VulkanStreamCounters counters_;
    bool recording_ = false;
    std::unique_ptr<VkBuf> staging_;  // transfers, in pieces of its size
    std::unique_ptr<VkBuf> arena_;    // host-made tables read by shaders
    size_t arena_used_ = 0;
    // rope: the table of the last (positions, parameters) asked for, reused by q and k of every
    // layer until the stream is synchronized.
    std::tuple<int, int64_t, int, float, const Buffer*, size_t, std::array<float, 5>> rope_key_{};
    size_t rope_table_ = SIZE_MAX;
    std::map<std::pair<const Buffer*, size_t>, std::vector<float>> host_copies_;
    std::unique_ptr<Buffer> attention_scratch_;  // split attention's partial results
};

} // namespace ponder::vk
