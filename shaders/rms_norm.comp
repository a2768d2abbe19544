// out = x / sqrt(mean(x^2) + eps) * w, one workgroup per row (rows of {d, ne1, ne2}).
#version 450
#extension GL_GOOGLE_include_directive : require
#include "push.h"

#define WG 64
layout(local_size_x = WG) in;
layout(push_constant) uniform Push { RmsNormPush p; };
layout(std430, binding = 0) readonly buffer XBuf { float X[]; };
layout(std430, binding = 1) readonly buffer WBuf { float Wt[]; };
layout(std430, binding = 2) buffer OutBuf { float O[]; };

shared float partial[WG];

void main() {
    const uint lid = gl_LocalInvocationID.x;
    const uint x0 = p.x_off_f + gl_WorkGroupID.x * p.x_nb1_f + gl_WorkGroupID.y * p.x_nb2_f;
    const uint o0 = p.out_off_f + gl_WorkGroupID.x * p.out_nb1_f + gl_WorkGroupID.y * p.out_nb2_f;
    float ss = 0.0;
    for (uint i = lid; i < p.d; i += WG) ss += X[x0 + i] * X[x0 + i];
    partial[lid] = ss;
    barrier();
    for (uint s = WG / 2; s > 0u; s >>= 1) {
        if (lid < s) partial[lid] += partial[lid + s];
        barrier();
    }
    const float scale = 1.0 / sqrt(partial[0] / float(p.d) + p.eps);
    // Every thread has read the sum before any output (which may be x itself) is written.
    barrier();
    for (uint i = lid; i < p.d; i += WG) {
        const float v = X[x0 + i] * scale;
        O[o0 + i] = p.has_w != 0u ? v * Wt[p.w_off_f + i] : v;
    }
}
