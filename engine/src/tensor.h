// N-D strided tensor views (internal). A Tensor names a region of one backend Buffer: a type,
// up to four extents and a byte stride per dimension. It owns nothing; views of rows, columns and
// slices are new Tensors over the same bytes, so the forward can hand an op "heads 0..n of these
// rows" or "columns 512..576 of the latent cache" without a copy.
//
// Conventions (as GGUF and ggml): ne[0] is the contiguous dimension. For a quantized type ne[0]
// counts elements but nb[0] is the size of one block, and a view may only cut ne[0] at block
// boundaries. A PyTorch [out, in] weight is ne = {in, out}: row r (ne[1]) is output r.
#pragma once

#include "ponder/tensor_types.h"

#include <cstddef>
#include <cstdint>

namespace ponder {

class Buffer;

constexpr int kMaxDims = 4;

struct Tensor {
    TensorType type = TensorType::F32;
    int64_t ne[kMaxDims] = {0, 1, 1, 1};  // extents; ne[0] in elements
    size_t nb[kMaxDims] = {0, 0, 0, 0};   // byte strides; nb[0]: one element (one block if quantized)
    Buffer* buffer = nullptr;             // where the bytes are (owned by a backend)
    size_t offset = 0;                    // byte offset of element 0 in the buffer

    bool empty() const { return buffer == nullptr; }
    int64_t n_elements() const { return ne[0] * ne[1] * ne[2] * ne[3]; }
    int64_t n_rows() const { return ne[1] * ne[2] * ne[3]; }
    size_t row_bytes() const;             // bytes of ne[0] contiguous elements
    // The elements of each row lie back to back (nb[0] is one element or block).
    bool dense_rows() const;
    bool is_contiguous() const;           // the whole tensor is one dense block
    size_t extent_bytes() const;          // bytes from element 0 to one past the last element
};

// Bytes of n elements of `type` (n a multiple of its block size).
size_t type_row_bytes(TensorType type, int64_t n);
int64_t type_block_elems(TensorType type);

// A dense tensor at `offset` of `buffer` (strides computed from the extents).
Tensor make_tensor(Buffer* buffer, size_t offset, TensorType type, int64_t ne0, int64_t ne1 = 1, int64_t ne2 = 1,
                   int64_t ne3 = 1);

// --- views (bounds-checked when PONDER_CHECK_VIEWS is on: debug builds and sanitizer builds) ---

// Indices [i0, i0 + n) of dimension `dim`, other dimensions whole.
Tensor slice(const Tensor& t, int dim, int64_t i0, int64_t n);
inline Tensor rows(const Tensor& t, int64_t r0, int64_t n) { return slice(t, 1, r0, n); }
inline Tensor cols(const Tensor& t, int64_t c0, int64_t n) { return slice(t, 0, c0, n); }
// Matrix i of a 3-D tensor (e.g. expert i of ffn_*_exps): a 2-D view {ne[0], ne[1]}.
Tensor matrix(const Tensor& t, int64_t i);
// The same bytes seen as {ne0, ne1, ne2} with explicit strides for dims 1 and 2 (nb[0] kept):
// e.g. rows of n_head * head_dim values as {head_dim, n_head, rows}.
Tensor view_3d(const Tensor& t, int64_t ne0, int64_t ne1, int64_t ne2, size_t nb1, size_t nb2);
// Rows of a dense 2-D tensor split into heads: {head_dim, ne[0] / head_dim, ne[1]}.
Tensor split_heads(const Tensor& t, int64_t head_dim);

// Whether `view` lies inside `parent`'s bytes and its buffer: what the view functions assert.
bool view_within(const Tensor& view, const Tensor& parent);

} // namespace ponder
