#include "tensor.h"

#include "backend.h"

#include <cassert>
#include <cstdio>
#include <cstdlib>

// Views are checked in debug builds and in the sanitizer builds (which define PONDER_CHECK_VIEWS):
// a bad view there stops at the line that made it instead of corrupting memory far away.
#if !defined(NDEBUG) && !defined(PONDER_CHECK_VIEWS)
#define PONDER_CHECK_VIEWS 1
#endif

namespace ponder {

namespace {

[[maybe_unused]] void check_view(bool ok, const char* what) {
#if PONDER_CHECK_VIEWS
    if (!ok) {
        std::fprintf(stderr, "ponder: tensor view out of bounds: %s\n", what);
        std::abort();
    }
#else
    (void)ok;
    (void)what;
#endif
}

const TensorTypeTraits& traits(TensorType type) {
    const TensorTypeTraits* t = tensor_type_traits(static_cast<uint32_t>(type));
    assert(t && "unknown tensor type");
    return *t;
}

} // namespace

size_t type_row_bytes(TensorType type, int64_t n) {
    const TensorTypeTraits& t = traits(type);
    return static_cast<size_t>(n / t.block_elems) * t.block_bytes;
}

int64_t type_block_elems(TensorType type) { return traits(type).block_elems; }

size_t Tensor::row_bytes() const { return type_row_bytes(type, ne[0]); }

bool Tensor::dense_rows() const { return nb[0] == traits(type).block_bytes; }

bool Tensor::is_contiguous() const {
    if (!dense_rows()) return false;
    size_t expect = row_bytes();
    for (int d = 1; d < kMaxDims; d++) {
        if (ne[d] > 1 && nb[d] != expect) return false;
        expect *= static_cast<size_t>(ne[d]);
    }
    return true;
}

size_t Tensor::extent_bytes() const {
    if (n_elements() == 0) return 0;
    size_t last = row_bytes();
    for (int d = 1; d < kMaxDims; d++) last += static_cast<size_t>(ne[d] - 1) * nb[d];
    return last;
}

Tensor make_tensor(Buffer* buffer, size_t offset, TensorType type, int64_t ne0, int64_t ne1, int64_t ne2, int64_t ne3) {
    Tensor t;
    t.type = type;
    t.buffer = buffer;
    t.offset = offset;
    t.ne[0] = ne0;
    t.ne[1] = ne1;
    t.ne[2] = ne2;
    t.ne[3] = ne3;
    t.nb[0] = traits(type).block_bytes;
    t.nb[1] = type_row_bytes(type, ne0);
    t.nb[2] = t.nb[1] * static_cast<size_t>(ne1);
    t.nb[3] = t.nb[2] * static_cast<size_t>(ne2);
    return t;
}

bool view_within(const Tensor& v, const Tensor& parent) {
    for (int d = 0; d < kMaxDims; d++)
        if (v.ne[d] < 0) return false;
    if (v.offset < parent.offset) return false;
    if (v.n_elements() == 0) return true;
    const size_t end = v.offset + v.extent_bytes();
    if (end > parent.offset + parent.extent_bytes()) return false;
    return !v.buffer || end <= v.buffer->size();
}

Tensor slice(const Tensor& t, int dim, int64_t i0, int64_t n) {
    check_view(dim >= 0 && dim < kMaxDims && i0 >= 0 && n >= 0 && i0 + n <= t.ne[dim], "slice outside the extent");
    Tensor v = t;
    v.ne[dim] = n;
    if (dim == 0) {
        const int64_t block = type_block_elems(t.type);
        check_view(i0 % block == 0 && n % block == 0, "column slice not on a block boundary");
        v.offset += static_cast<size_t>(i0 / block) * t.nb[0];
    } else {
        v.offset += static_cast<size_t>(i0) * t.nb[dim];
    }
    check_view(view_within(v, t), "slice");
    return v;
}

Tensor matrix(const Tensor& t, int64_t i) {
    return slice(t, 2, i, 1);
}

Tensor view_3d(const Tensor& t, int64_t ne0, int64_t ne1, int64_t ne2, size_t nb1, size_t nb2) {
    Tensor v = t;
    v.ne[0] = ne0;
    v.ne[1] = ne1;
    v.ne[2] = ne2;
    v.ne[3] = 1;
    v.nb[1] = nb1;
    v.nb[2] = nb2;
    v.nb[3] = nb2 * static_cast<size_t>(ne2);
    check_view(ne0 % type_block_elems(t.type) == 0, "view_3d: rows not whole blocks");
    check_view(view_within(v, t), "view_3d");
    return v;
}

Tensor split_heads(const Tensor& t, int64_t head_dim) {
    check_view(head_dim > 0 && t.ne[0] % head_dim == 0 && t.ne[2] == 1, "split_heads: row is not whole heads");
    return view_3d(t, head_dim, t.ne[0] / head_dim, t.ne[1], type_row_bytes(t.type, head_dim), t.nb[1]);
}

} // namespace ponder
