// Rotates pairs of each head in place by the angles of a host-made table (cos then sin of each
// pair, per token; made in double as the CPU backend makes them). neox: pairs (i, i + half),
// else (2i, 2i + 1).
#version 450
#extension GL_GOOGLE_include_directive : require
#include "push.h"

layout(local_size_x = 64) in;
layout(push_constant) uniform Push { RopePush p; };
layout(std430, binding = 0) buffer XBuf { float X[]; };
layout(std430, binding = 1) readonly buffer TableBuf { float T[]; };

void main() {
    const uint i = gl_GlobalInvocationID.x, h = gl_WorkGroupID.y, t = gl_WorkGroupID.z;
    if (i >= p.half_rot) return;
    const uint base = p.x_off_f + t * p.x_nb2_f + h * p.x_nb1_f;
    const uint a = base + (p.neox != 0u ? i : 2u * i), b = base + (p.neox != 0u ? i + p.half_rot : 2u * i + 1u);
    const uint row = p.table_off_f + t * 2u * p.half_rot;
    const float c = T[row + i], s = T[row + p.half_rot + i];
    const float x0 = X[a], x1 = X[b];
    X[a] = x0 * c - x1 * s;
    X[b] = x0 * s + x1 * c;
}
