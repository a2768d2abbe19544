// Causal attention for one query head and token per workgroup, over a K/V cache of -DKV_TYPE
// (F32, F16 or BF16): keys in chunks of WG, an online softmax (running max and sum) so any
// context length fits in a fixed amount of shared memory; each thread owns dv / WG outputs.
// Grouped queries: head h reads KV head h / (n_head / n_head_kv).
// -DSPLIT (flash decoding, for few queries over a long context): workgroup z takes one span of the
// keys and writes its running max, sum and unnormalised outputs to a scratch row
// [m, l, acc[dv]]; attention_merge.comp combines the spans.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "common.glsl"
#include "push.h"

#define WG 64
#define MAX_DK 1024
#define MAX_PER_THREAD 8  // dv <= WG * MAX_PER_THREAD = 512
layout(local_size_x = WG) in;
layout(push_constant) uniform Push { AttentionPush p; };
layout(std430, binding = 0) readonly buffer QBuf { float Q[]; };
layout(std430, binding = 1) readonly buffer KBuf { uint K[]; };
layout(std430, binding = 2) readonly buffer VBuf { uint V[]; };
layout(std430, binding = 3) writeonly buffer OutBuf { float O[]; };  // SPLIT: the scratch rows

#if KV_TYPE == T_F32
#define ELEM 4u
#define LOAD(buf, b) uintBitsToFloat(buf[(b) >> 2])
#elif KV_TYPE == T_F16
#define ELEM 2u
#define LOAD(buf, b) half_to_float(READ_U16(buf, b))
#else
#define ELEM 2u
#define LOAD(buf, b) bf16_to_float(READ_U16(buf, b))
#endif

shared float q_sh[MAX_DK];
shared float p_sh[WG];
shared float red[WG];

float reduce_max(float v) {
    const uint lid = gl_LocalInvocationID.x;
    red[lid] = v;
    barrier();
    for (uint s = WG / 2; s > 0u; s >>= 1) {
        if (lid < s) red[lid] = max(red[lid], red[lid + s]);
        barrier();
    }
    const float r = red[0];
    barrier();
    return r;
}

float reduce_sum(float v) {
    const uint lid = gl_LocalInvocationID.x;
    red[lid] = v;
    barrier();
    for (uint s = WG / 2; s > 0u; s >>= 1) {
        if (lid < s) red[lid] += red[lid + s];
        barrier();
    }
    const float r = red[0];
    barrier();
    return r;
}

void main() {
    const uint h = gl_WorkGroupID.x, t = gl_WorkGroupID.y, lid = gl_LocalInvocationID.x;
    const uint kvh = h / (p.n_head / p.n_head_kv);
    const uint q0 = p.q_off_f + t * p.q_nb2_f + h * p.q_nb1_f;
    for (uint i = lid; i < p.dk; i += WG) q_sh[i] = Q[q0 + i];
    barrier();

    int n_keys = p.pos0 + int(t) + 1, first = 0;
#ifdef SPLIT
    const int span = (p.pos0 + int(p.n) + int(p.n_split) - 1) / int(p.n_split);
    first = int(gl_WorkGroupID.z) * span;
    n_keys = min(n_keys, first + span);
#endif
    float m = -1e30, l = 0.0;
    float acc[MAX_PER_THREAD];
    for (uint r = 0u; r < MAX_PER_THREAD; r++) acc[r] = 0.0;
    for (int c0 = first; c0 < n_keys; c0 += WG) {
        const int j = c0 + int(lid);
        float s = -1e30;
        if (j < n_keys) {
            const uint k0 = p.k_off_b + uint(j) * p.k_nb2_b + kvh * p.k_nb1_b;
            float dot = 0.0;
            for (uint i = 0u; i < p.dk; i++) dot += q_sh[i] * LOAD(K, k0 + i * ELEM);
            s = dot * p.scale;
        }
        const float m_new = max(m, reduce_max(s));
        const float pj = j < n_keys ? exp(s - m_new) : 0.0;
        p_sh[lid] = pj;
        const float alpha = exp(m - m_new);
        l = l * alpha + reduce_sum(pj);  // reduce_sum's barriers also publish p_sh
        const uint cn = uint(min(WG, n_keys - c0));
        for (uint r = 0u; r < MAX_PER_THREAD; r++) {
            const uint i = lid + r * WG;
            if (i >= p.dv) break;
            float a = acc[r] * alpha;
            for (uint jj = 0u; jj < cn; jj++)
                a += p_sh[jj] * LOAD(V, p.v_off_b + uint(c0 + int(jj)) * p.v_nb2_b + kvh * p.v_nb1_b + i * ELEM);
            acc[r] = a;
        }
        m = m_new;
        barrier();  // p_sh is read by every thread before the next chunk writes it
    }
#ifdef SPLIT
    // Scratch row of (t, h, z): an empty span leaves m = -1e30, l = 0, which the merge weighs as 0.
    const uint row = ((t * p.n_head + h) * p.n_split + gl_WorkGroupID.z) * (p.dv + 2u);
    if (lid == 0u) {
        O[row] = m;
        O[row + 1u] = l;
    }
    for (uint r = 0u; r < MAX_PER_THREAD; r++) {
        const uint i = lid + r * WG;
        if (i < p.dv) O[row + 2u + i] = acc[r];
    }
#else
    const uint o0 = p.out_off_f + t * p.out_nb2_f + h * p.out_nb1_f;
    for (uint r = 0u; r < MAX_PER_THREAD; r++) {
        const uint i = lid + r * WG;
        if (i < p.dv) O[o0 + i] = acc[r] / l;
    }
#endif
}
