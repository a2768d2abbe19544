// The push constants of every shader, declared once for GLSL and C++ (vk_ops.cpp includes this
// file with `uint` and `int` mapped to their 32-bit C++ types). Only 4-byte scalars, so the
// layouts agree by construction; vk_ops.cpp also checks each size. Offsets and strides are in
// the units each field names: "_f" in floats, "_b" in bytes.
#ifndef PONDER_SHADERS_PUSH_H
#define PONDER_SHADERS_PUSH_H

// matmul: out[t][r] = w[r] . x[t] (+ bias[r]); one workgroup per row and block of tokens.
struct MatmulPush {
    uint k, m, n;          // w {k, m}, x {k, n}, out {m, n}
    uint w_off_b, w_row_b; // w: byte offset of row 0, bytes between rows
    uint x_off_f, x_row_f;
    uint out_off_f, out_row_f;
    uint bias_off_f, has_bias;
    uint groups_x;         // rows are gl_WorkGroupID.x + gl_WorkGroupID.y * groups_x
};

// get_rows: out[i] = table[ids[i]] as F32.
struct GetRowsPush {
    uint d, n;
    uint table_off_b, table_row_b;
    uint ids_off_f;        // ids are I32, read from the same kind of binding as floats
    uint out_off_f, out_row_f;
};

// rms_norm: rows of {d, ne1, ne2}, x and out with their own strides; w F32 {d} or none.
struct RmsNormPush {
    uint d, ne1;
    uint x_off_f, x_nb1_f, x_nb2_f;
    uint out_off_f, out_nb1_f, out_nb2_f;
    uint w_off_f, has_w;
    float eps;
};

// rope: x {width, n_head, n} rotated in place with a host-made cos/sin table {2 * half, n}.
struct RopePush {
    uint half_rot, n_head, n, neox;
    uint x_off_f, x_nb1_f, x_nb2_f;
    uint table_off_f;
};

// copy: F32 {d, ne1, ne2} into F32 / F16 / BF16 with any strides.
struct CopyPush {
    uint d, ne1;
    uint src_off_f, src_nb1_f, src_nb2_f;
    uint dst_off_b, dst_nb0_b, dst_nb1_b, dst_nb2_b;
};

// attention: one workgroup per (query head, query token).
struct AttentionPush {
    uint dk, dv, n_head, n_head_kv, n;
    int pos0;
    float scale;
    uint q_off_f, q_nb1_f, q_nb2_f;
    uint k_off_b, k_nb1_b, k_nb2_b;
    uint v_off_b, v_nb1_b, v_nb2_b;
    uint out_off_f, out_nb1_f, out_nb2_f;
    uint n_split;          // spans of keys (attention_split_*: one workgroup each); 1 otherwise
};

// attention_merge: out[t][h] from the n_split scratch rows [m, l, acc[dv]] of (t, h).
struct AttentionMergePush {
    uint dv, n_head, n_split;
    uint out_off_f, out_nb1_f, out_nb2_f;
};

// swiglu / add: three {d, ne1, ne2} tensors with their own strides.
struct EltwisePush {
    uint d, ne1;
    uint a_off_f, a_nb1_f, a_nb2_f;
    uint b_off_f, b_nb1_f, b_nb2_f;
    uint out_off_f, out_nb1_f, out_nb2_f;
};

#endif
