// Combines the spans of a split attention (attention.comp with -DSPLIT): for query token t and
// head h, out = sum_s exp(m_s - M) acc_s / sum_s exp(m_s - M) l_s with M the largest m_s.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "push.h"

layout(local_size_x = 64) in;
layout(push_constant) uniform Push { AttentionMergePush p; };
layout(std430, binding = 0) readonly buffer ScratchBuf { float S[]; };
layout(std430, binding = 1) writeonly buffer OutBuf { float O[]; };

void main() {
    const uint h = gl_WorkGroupID.x, t = gl_WorkGroupID.y, stride = p.dv + 2u;
    const uint base = (t * p.n_head + h) * p.n_split * stride;
    float big = -1e30;
    for (uint s = 0u; s < p.n_split; s++) big = max(big, S[base + s * stride]);
    float l = 0.0;
    for (uint s = 0u; s < p.n_split; s++) l += exp(S[base + s * stride] - big) * S[base + s * stride + 1u];
    const uint o0 = p.out_off_f + t * p.out_nb2_f + h * p.out_nb1_f;
    for (uint i = gl_LocalInvocationID.x; i < p.dv; i += 64u) {
        float acc = 0.0;
        for (uint s = 0u; s < p.n_split; s++) acc += exp(S[base + s * stride] - big) * S[base + s * stride + 2u + i];
        O[o0 + i] = acc / l;
    }
}
