// Element-wise ops on {d, ne1, ne2} tensors with their own strides: -DOP_ADD (out = a + b, out
// may be a) or -DOP_SWIGLU (out = silu(a) * b).
#version 450
#extension GL_GOOGLE_include_directive : require
#include "push.h"

layout(local_size_x = 64) in;
layout(push_constant) uniform Push { EltwisePush p; };
layout(std430, binding = 0) readonly buffer ABuf { float A[]; };
layout(std430, binding = 1) readonly buffer BBuf { float B[]; };
layout(std430, binding = 2) buffer OutBuf { float O[]; };

void main() {
    const uint i = gl_GlobalInvocationID.x, r = gl_WorkGroupID.y, z = gl_WorkGroupID.z;
    if (i >= p.d) return;
    const float a = A[p.a_off_f + z * p.a_nb2_f + r * p.a_nb1_f + i];
    const float b = B[p.b_off_f + z * p.b_nb2_f + r * p.b_nb1_f + i];
#ifdef OP_ADD
    const float v = a + b;
#else
    const float v = a / (1.0 + exp(-a)) * b;
#endif
    O[p.out_off_f + z * p.out_nb2_f + r * p.out_nb1_f + i] = v;
}
