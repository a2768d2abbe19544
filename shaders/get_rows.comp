// out[i] = row ids[i] of a weight table (-DWTYPE), as F32: exactly the CPU's dequantization.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "push.h"

#define WG 64
layout(local_size_x = WG) in;
layout(push_constant) uniform Push { GetRowsPush p; };
layout(std430, binding = 0) readonly buffer WBuf { uint W[]; };
layout(std430, binding = 1) readonly buffer IdBuf { int ids[]; };
layout(std430, binding = 2) writeonly buffer OutBuf { float O[]; };
#include "dequant.glsl"

void main() {
    const uint i = gl_WorkGroupID.x + gl_WorkGroupID.y * 65535u;
    if (i >= p.n) return;
    const uint row = p.table_off_b + uint(ids[p.ids_off_f + i]) * p.table_row_b;
    for (uint j = gl_LocalInvocationID.x; j < p.d; j += WG) O[p.out_off_f + i * p.out_row_f + j] = dequant(row, j);
}
