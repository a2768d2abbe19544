// out[t][r] = w[r] . x[t] (+ bias[r]) for one weight type (-DWTYPE): weights dequantized to F32
// element by element (dequant.glsl) and dotted with the F32 activations, accumulated in F32.
// A workgroup takes ROWS output rows (LANES threads each) and a block of NT tokens: each weight
// is dequantized once per block of tokens.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "push.h"

#define WG 64
#define LANES 16              // threads per row
#define ROWS (WG / LANES)     // rows per workgroup
#define NT 8
layout(local_size_x = WG) in;
layout(push_constant) uniform Push { MatmulPush p; };
layout(std430, binding = 0) readonly buffer WBuf { uint W[]; };
layout(std430, binding = 1) readonly buffer XBuf { float X[]; };
layout(std430, binding = 2) buffer OutBuf { float O[]; };
layout(std430, binding = 3) readonly buffer BiasBuf { float B[]; };
#include "dequant.glsl"

shared float partial[NT][WG];

void main() {
    const uint lid = gl_LocalInvocationID.x, lane = lid % LANES;
    const uint r = (gl_WorkGroupID.x + gl_WorkGroupID.y * p.groups_x) * ROWS + lid / LANES;
    const uint t0 = gl_WorkGroupID.z * NT, nt = min(uint(NT), p.n - t0);
    float acc[NT];
    for (uint t = 0u; t < NT; t++) acc[t] = 0.0;
    if (r < p.m) {  // no early return: every thread must reach the barriers
        const uint row = p.w_off_b + r * p.w_row_b;
        for (uint i = lane; i < p.k; i += LANES) {
            const float w = dequant(row, i);
            for (uint t = 0u; t < NT; t++)
                if (t < nt) acc[t] += w * X[p.x_off_f + (t0 + t) * p.x_row_f + i];
        }
    }
    for (uint t = 0u; t < nt; t++) partial[t][lid] = acc[t];
    barrier();
    for (uint s = LANES / 2; s > 0u; s >>= 1) {
        if (lane < s)
            for (uint t = 0u; t < nt; t++) partial[t][lid] += partial[t][lid + s];
        barrier();
    }
    if (r < p.m && lane < nt) {
        float v = partial[lane][lid - lane];
        if (p.has_bias != 0u) v += B[p.bias_off_f + r];
        O[p.out_off_f + (t0 + lane) * p.out_row_f + r] = v;
    }
}
