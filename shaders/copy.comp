// dst = src (F32) converted to -DDST_TYPE (F32, F16 or BF16, rounded to nearest even as the CPU
// rounds), any strides. Halves are written into their 32-bit word with atomics, so two threads
// writing the two halves of one word never lose either.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "push.h"

layout(local_size_x = 64) in;
layout(push_constant) uniform Push { CopyPush p; };
layout(std430, binding = 0) readonly buffer SrcBuf { float S[]; };
layout(std430, binding = 1) buffer DstBuf { uint D[]; };

void main() {
    const uint i = gl_GlobalInvocationID.x, r = gl_WorkGroupID.y, z = gl_WorkGroupID.z;
    if (i >= p.d) return;
    const float v = S[p.src_off_f + z * p.src_nb2_f + r * p.src_nb1_f + i];
    const uint at = p.dst_off_b + z * p.dst_nb2_b + r * p.dst_nb1_b + i * p.dst_nb0_b;
#if DST_TYPE == T_F32
    D[at >> 2] = floatBitsToUint(v);
#else
#if DST_TYPE == T_F16
    const uint bits = float_to_half(v);
#else
    const uint bits = float_to_bf16(v);
#endif
    const uint shift = (at & 2u) * 8u;
    atomicAnd(D[at >> 2], ~(0xFFFFu << shift));
    atomicOr(D[at >> 2], bits << shift);
#endif
}
