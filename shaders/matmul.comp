// out[t][r] = w[r] . x[t] (+ bias[r]) for one weight type (-DWTYPE): weights dequantized to F32
// element by element (dequant.glsl) and dotted with the F32 activations, accumulated in F32.
//
// Two variants of one op:
// - vector (few tokens: generation): a workgroup takes ROWS output rows (LANES threads each) and
//   a block of NT tokens, so each weight is dequantized once per block of tokens; the partial
//   sums meet in shared memory.
// - -DSUBGROUP (the vector variant where the device has subgroup arithmetic): each subgroup takes
//   whole rows of the workgroup's SG_ROWS, its lanes striding along k, and one subgroupAdd
//   replaces the shared-memory reduction and its barriers. Rows go to subgroups by
//   gl_SubgroupID, so any subgroup size the driver picks gives the same sums' terms.
// - -DTILED (a prompt's many tokens): a workgroup computes a TM x TN tile of the output; for each
//   step of BK along k it dequantizes a TM x BK tile of weights and loads a TN x BK tile of
//   activations into shared memory once, and each thread accumulates a TM/16 x TN/16 block from
//   there, so a weight is read from memory once per TN tokens and an activation once per TM rows.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "push.h"

layout(push_constant) uniform Push { MatmulPush p; };
layout(std430, binding = 0) readonly buffer WBuf { uint W[]; };
layout(std430, binding = 1) readonly buffer XBuf { float X[]; };
layout(std430, binding = 2) buffer OutBuf { float O[]; };
layout(std430, binding = 3) readonly buffer BiasBuf { float B[]; };
#include "dequant.glsl"

#ifdef TILED

#define TM 64                 // output rows per workgroup
#define TN 64                 // tokens per workgroup
#define BK 32                 // step along k
#define TWG 256               // threads: a 16 x 16 grid, each TM/16 x TN/16 outputs
#define RM (TM / 16)
#define RN (TN / 16)
layout(local_size_x = TWG) in;

shared float ws[TM][BK + 1];  // +1: threads of one row step read different banks
shared float xs[TN][BK + 1];

void main() {
    const uint lid = gl_LocalInvocationID.x, tr = lid / 16u, tt = lid % 16u;
    const uint r0 = (gl_WorkGroupID.x + gl_WorkGroupID.y * p.groups_x) * TM, t0 = gl_WorkGroupID.z * TN;
    float acc[RM][RN];
    for (uint i = 0u; i < RM; i++)
        for (uint j = 0u; j < RN; j++) acc[i][j] = 0.0;
    for (uint k0 = 0u; k0 < p.k; k0 += BK) {
        // Fill both tiles: TM x BK dequantized weights and TN x BK activations, zeros past the edges.
        for (uint e = lid; e < TM * BK; e += TWG) {
            const uint r = e / BK, kk = e % BK;
            ws[r][kk] = (r0 + r < p.m && k0 + kk < p.k) ? dequant(p.w_off_b + (r0 + r) * p.w_row_b, k0 + kk) : 0.0;
        }
        for (uint e = lid; e < TN * BK; e += TWG) {
            const uint t = e / BK, kk = e % BK;
            xs[t][kk] = (t0 + t < p.n && k0 + kk < p.k) ? X[p.x_off_f + (t0 + t) * p.x_row_f + k0 + kk] : 0.0;
        }
        barrier();
        for (uint kk = 0u; kk < BK; kk++) {
            float a[RM], b[RN];
            for (uint i = 0u; i < RM; i++) a[i] = ws[tr + 16u * i][kk];
            for (uint j = 0u; j < RN; j++) b[j] = xs[tt + 16u * j][kk];
            for (uint i = 0u; i < RM; i++)
                for (uint j = 0u; j < RN; j++) acc[i][j] += a[i] * b[j];
        }
        barrier();
    }
    for (uint i = 0u; i < RM; i++) {
        const uint r = r0 + tr + 16u * i;
        if (r >= p.m) continue;
        const float bias = p.has_bias != 0u ? B[p.bias_off_f + r] : 0.0;
        for (uint j = 0u; j < RN; j++) {
            const uint t = t0 + tt + 16u * j;
            if (t < p.n) O[p.out_off_f + t * p.out_row_f + r] = acc[i][j] + bias;
        }
    }
}

#elif defined(SUBGROUP)

#extension GL_KHR_shader_subgroup_basic : require
#extension GL_KHR_shader_subgroup_arithmetic : require
#define WG 64
#define SG_ROWS 8             // rows per workgroup
#define NT 8
layout(local_size_x = WG) in;

void main() {
    const uint base = (gl_WorkGroupID.x + gl_WorkGroupID.y * p.groups_x) * SG_ROWS;
    const uint t0 = gl_WorkGroupID.z * NT, nt = min(uint(NT), p.n - t0);
    for (uint rl = gl_SubgroupID; rl < SG_ROWS; rl += gl_NumSubgroups) {
        const uint r = base + rl;
        if (r >= p.m) break;  // the same for the whole subgroup: no lane is left waiting
        const uint row = p.w_off_b + r * p.w_row_b;
        float acc[NT];
        for (uint t = 0u; t < NT; t++) acc[t] = 0.0;
        for (uint i = gl_SubgroupInvocationID; i < p.k; i += gl_SubgroupSize) {
            const float w = dequant(row, i);
            for (uint t = 0u; t < NT; t++)
                if (t < nt) acc[t] += w * X[p.x_off_f + (t0 + t) * p.x_row_f + i];
        }
        const float bias = p.has_bias != 0u ? B[p.bias_off_f + r] : 0.0;
        for (uint t = 0u; t < nt; t++) {
            const float v = subgroupAdd(acc[t]);
            if (subgroupElect()) O[p.out_off_f + (t0 + t) * p.out_row_f + r] = v + bias;
        }
    }
}

#else  // the vector variant

#define WG 64
#define LANES 16              // threads per row
#define ROWS (WG / LANES)     // rows per workgroup
#define NT 8
layout(local_size_x = WG) in;

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

#endif  // TILED, SUBGROUP
