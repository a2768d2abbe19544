// Element i of a weight row that starts at byte `row` of the word array W, as F32: the same
// values, bit for bit, as the CPU backend's dequantize_row (engine/src/quant.cpp). `precise`
// keeps the compiler from fusing the multiply and add, which would round differently.
// Included after W is declared and WTYPE is defined (a GGUF type id, see common.glsl).
#ifndef PONDER_DEQUANT_GLSL
#define PONDER_DEQUANT_GLSL

#if WTYPE == T_Q4_0 || WTYPE == T_Q4_1 || WTYPE == T_Q5_0 || WTYPE == T_Q5_1 || WTYPE == T_Q8_0
// 32-element blocks: x = d * q + m.
float dequant(uint row, uint i) {
    uint j = i & 31u;
#if WTYPE == T_Q4_0
    uint b = row + (i >> 5) * 18u;
    uint byte = READ_U8(W, b + 2u + (j & 15u));
    int q = int(j < 16u ? byte & 0xFu : byte >> 4) - 8;
    float d = half_to_float(READ_U16(W, b)), m = 0.0;
#elif WTYPE == T_Q4_1
    uint b = row + (i >> 5) * 20u;
    uint byte = READ_U8(W, b + 4u + (j & 15u));
    int q = int(j < 16u ? byte & 0xFu : byte >> 4);
    float d = half_to_float(READ_U16(W, b)), m = half_to_float(READ_U16(W, b + 2u));
#elif WTYPE == T_Q5_0 || WTYPE == T_Q5_1
#if WTYPE == T_Q5_0
    uint b = row + (i >> 5) * 22u, qh_at = b + 2u, qs_at = b + 6u;
    float d = half_to_float(READ_U16(W, b)), m = 0.0;
    int offset = 16;
#else
    uint b = row + (i >> 5) * 24u, qh_at = b + 4u, qs_at = b + 8u;
    float d = half_to_float(READ_U16(W, b)), m = half_to_float(READ_U16(W, b + 2u));
    int offset = 0;
#endif
    uint qh = READ_U32_2(W, qh_at);
    uint byte = READ_U8(W, qs_at + (j & 15u));
    uint low = j < 16u ? byte & 0xFu : byte >> 4;
    uint high = j < 16u ? ((qh >> j) << 4) & 0x10u : (qh >> (j - 4u)) & 0x10u;  // bit j of qh
    int q = int(low | high) - offset;
#else  // Q8_0
    uint b = row + (i >> 5) * 34u;
    int q = s8(READ_U8(W, b + 2u + j));
    float d = half_to_float(READ_U16(W, b)), m = 0.0;
#endif
    precise float x = float(q) * d + m;
    return x;
}

#elif WTYPE == T_Q2_K || WTYPE == T_Q3_K || WTYPE == T_Q4_K || WTYPE == T_Q5_K || WTYPE == T_Q6_K
// 256-element super-blocks: x = (d * scale) * q - (dmin * min), scale and min per group of 16 or 32.
float dequant(uint row, uint i) {
    uint e = i & 255u;
    int q, sc, mn = 0;
    float d, dmin = 0.0;
#if WTYPE == T_Q2_K
    uint b = row + (i >> 8) * 84u;
    uint n = e >> 7, j = (e & 127u) >> 5, h = (e & 31u) >> 4, l = e & 15u;
    q = int((READ_U8(W, b + 16u + 32u * n + 16u * h + l) >> (2u * j)) & 3u);
    uint s = READ_U8(W, b + (e >> 4));
    sc = int(s & 0xFu);
    mn = int(s >> 4);
    d = half_to_float(READ_U16(W, b + 80u));
    dmin = half_to_float(READ_U16(W, b + 82u));
#elif WTYPE == T_Q3_K
    uint b = row + (i >> 8) * 110u;
    uint n = e >> 7, j = (e & 127u) >> 5, h = (e & 31u) >> 4, l = e & 15u;
    int low = int((READ_U8(W, b + 32u + 32u * n + 16u * h + l) >> (2u * j)) & 3u);
    bool high = (READ_U8(W, b + 16u * h + l) & (1u << (4u * n + j))) != 0u;
    q = low - (high ? 0 : 4);
    // The 16 6-bit scales: low nibbles in bytes 0..7, high pairs of bits in bytes 8..11.
    uint g = e >> 4, gb = g & 3u, quarter = g >> 2;
    uint lowbyte = READ_U8(W, b + 96u + ((quarter & 1u) != 0u ? 4u : 0u) + gb);
    uint nib = quarter < 2u ? lowbyte & 0xFu : lowbyte >> 4;
    uint hi2 = (READ_U8(W, b + 96u + 8u + gb) >> (2u * quarter)) & 3u;
    sc = int(nib | (hi2 << 4)) - 32;
    d = half_to_float(READ_U16(W, b + 108u));
#elif WTYPE == T_Q4_K || WTYPE == T_Q5_K
#if WTYPE == T_Q4_K
    uint b = row + (i >> 8) * 144u, qs_at = b + 16u;
#else
    uint b = row + (i >> 8) * 176u, qs_at = b + 48u;
#endif
    uint c = e >> 6, hi = (e & 63u) >> 5, l = e & 31u;
    uint byte = READ_U8(W, qs_at + 32u * c + l);
    q = int(hi != 0u ? byte >> 4 : byte & 0xFu);
#if WTYPE == T_Q5_K
    if ((READ_U8(W, b + 16u + l) & (1u << (2u * c + hi))) != 0u) q += 16;
#endif
    uint g = e >> 5, sc_at = b + 4u;  // the 6-bit scale and min of group g (0..7)
    if (g < 4u) {
        sc = int(READ_U8(W, sc_at + g) & 63u);
        mn = int(READ_U8(W, sc_at + g + 4u) & 63u);
    } else {
        sc = int((READ_U8(W, sc_at + g + 4u) & 0xFu) | ((READ_U8(W, sc_at + g - 4u) >> 6) << 4));
        mn = int((READ_U8(W, sc_at + g + 4u) >> 4) | ((READ_U8(W, sc_at + g) >> 6) << 4));
    }
    d = half_to_float(READ_U16(W, b));
    dmin = half_to_float(READ_U16(W, b + 2u));
#else  // Q6_K
    uint b = row + (i >> 8) * 210u;
    uint n = e >> 7, part = (e & 127u) >> 5, l = e & 31u;
    uint ql = READ_U8(W, b + 64u * n + l + ((part & 1u) != 0u ? 32u : 0u));
    uint low = part < 2u ? ql & 0xFu : ql >> 4;
    uint high = (READ_U8(W, b + 128u + 32u * n + l) >> (2u * part)) & 3u;
    q = int(low | (high << 4)) - 32;
    sc = s8(READ_U8(W, b + 192u + (e >> 4)));
    d = half_to_float(READ_U16(W, b + 208u));
#endif
    precise float dl = d * float(sc);
    precise float ml = dmin * float(mn);
    precise float x = dl * float(q) - ml;
    return x;
}

#elif WTYPE == T_F16
float dequant(uint row, uint i) { return half_to_float(READ_U16(W, row + 2u * i)); }
#elif WTYPE == T_BF16
float dequant(uint row, uint i) { return bf16_to_float(READ_U16(W, row + 2u * i)); }
#else  // F32
float dequant(uint row, uint i) { return uintBitsToFloat(W[(row >> 2) + i]); }
#endif

#endif
