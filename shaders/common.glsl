// Helpers every shader shares: bytes, halves and bfloats read out of 32-bit words (so no shader
// needs 8- or 16-bit storage features), and the rounding conversions the CPU backend does.
#ifndef PONDER_COMMON_GLSL
#define PONDER_COMMON_GLSL

// GGUF type ids (engine/include/ponder/tensor_types.h).
#define T_F32 0
#define T_F16 1
#define T_Q4_0 2
#define T_Q4_1 3
#define T_Q5_0 6
#define T_Q5_1 7
#define T_Q8_0 8
#define T_Q2_K 10
#define T_Q3_K 11
#define T_Q4_K 12
#define T_Q5_K 13
#define T_Q6_K 14
#define T_BF16 30

// Byte `b` of a word array (little-endian).
#define READ_U8(buf, b) ((buf[(b) >> 2] >> (((b) & 3u) * 8u)) & 0xFFu)
// 16 bits at an even byte offset.
#define READ_U16(buf, b) ((buf[(b) >> 2] >> (((b) & 2u) * 8u)) & 0xFFFFu)
// 32 bits at any byte offset that is a multiple of 2 (Q5 qh fields sit at 2 mod 4).
#define READ_U32_2(buf, b) (READ_U16(buf, b) | (READ_U16(buf, (b) + 2u) << 16))

// Decoded with integer operations, so a subnormal half (a tiny block scale) comes out exact on
// every driver; unpackHalf2x16 may flush it to zero.
float half_to_float(uint h) {
    const uint sign = (h & 0x8000u) << 16, e = (h >> 10) & 0x1Fu, m = h & 0x3FFu;
    if (e == 0u) {  // zero or subnormal: m * 2^-24, a normal float
        const float v = float(m) * 5.9604644775390625e-8;
        return sign != 0u ? -v : v;
    }
    if (e == 31u) return uintBitsToFloat(sign | 0x7F800000u | (m << 13));  // inf, NaN
    return uintBitsToFloat(sign | ((e + 112u) << 23) | (m << 13));
}
float bf16_to_float(uint h) { return uintBitsToFloat(h << 16); }
int s8(uint v) { return int(v << 24) >> 24; }

// IEEE binary16 of f, rounded to nearest even (as the CPU backend's fp32_to_fp16).
uint float_to_half(float f) {
    uint x = floatBitsToUint(f);
    uint sign = (x >> 16) & 0x8000u;
    uint e = (x >> 23) & 0xFFu;
    uint m = x & 0x7FFFFFu;
    if (e == 255u) return sign | (m != 0u ? 0x7E00u : 0x7C00u);  // NaN stays NaN
    int ee = int(e) - 112;
    if (ee >= 31) return sign | 0x7C00u;
    if (ee <= 0) {  // a subnormal half (or zero)
        if (ee < -10) return sign;
        m |= 0x800000u;
        uint shift = uint(14 - ee);
        uint h = m >> shift, rem = m & ((1u << shift) - 1u), halfway = 1u << (shift - 1u);
        if (rem > halfway || (rem == halfway && (h & 1u) != 0u)) h++;
        return sign | h;
    }
    uint h = (uint(ee) << 10) | (m >> 13), rem = m & 0x1FFFu;
    if (rem > 0x1000u || (rem == 0x1000u && (h & 1u) != 0u)) h++;  // a carry rounds up the exponent
    return sign | h;
}

// bfloat16 of f, rounded to nearest even; NaN stays NaN.
uint float_to_bf16(float f) {
    uint x = floatBitsToUint(f);
    if ((x & 0x7FFFFFFFu) > 0x7F800000u) return (x >> 16) | 0x40u;
    return (x + 0x7FFFu + ((x >> 16) & 1u)) >> 16;
}

#endif
