#include "backend.h"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace ponder {

void Stream::unsupported(const char* op) {
    throw std::runtime_error(std::string("the ") + op + " op is not supported by the " + backend().kind() + " backend");
}
void Stream::matmul_id(const Tensor&, const Tensor&, const Tensor&, const Tensor&) { unsupported("matmul_id"); }
void Stream::moe_route(const Tensor&, const Tensor*, const MoeRouting&, const Tensor&, const Tensor&) { unsupported("moe_route"); }
void Stream::moe_sum(const Tensor&, const Tensor&, const Tensor&) { unsupported("moe_sum"); }

OwnedTensor alloc_tensor(Backend& backend, TensorType type, int64_t ne0, int64_t ne1, int64_t ne2) {
    OwnedTensor o;
    const size_t bytes = type_row_bytes(type, ne0) * static_cast<size_t>(ne1) * static_cast<size_t>(ne2);
    o.buffer = backend.alloc(bytes);
    o.t = make_tensor(o.buffer.get(), 0, type, ne0, ne1, ne2);
    return o;
}

void copy_between(Stream& from, const Tensor& src, Stream& to, const Tensor& dst) {
    const size_t bytes = src.extent_bytes();
    if (src.buffer->host() && dst.buffer->host()) {
        // Both sides are host memory (CPU backends): finish what reads or writes them, then copy.
        from.synchronize();
        to.synchronize();
        std::memcpy(static_cast<uint8_t*>(dst.buffer->host()) + dst.offset,
                    static_cast<const uint8_t*>(src.buffer->host()) + src.offset, bytes);
        return;
    }
    // Through host memory. A pair of backends with a direct path (peer copies) can do better.
    std::vector<uint8_t> staging(bytes);
    from.download(src, staging.data());
    to.upload(dst, staging.data(), bytes);
}

bool upload_in_pieces(Stream& stream, const Tensor& dst, const uint8_t* src, size_t bytes, size_t piece,
                      const std::function<void(size_t)>& progress, const std::atomic<bool>* cancel) {
    for (size_t at = 0; at < bytes;) {
        if (cancel && cancel->load(std::memory_order_relaxed)) return false;
        const size_t n = std::min(piece, bytes - at);
        stream.upload(dst, src + at, n, at);
        at += n;
        if (progress) progress(n);
    }
    return true;
}

} // namespace ponder
