// Scalar reference quantization math. Element orders follow the GGUF block definitions; see
// quant.h for the layouts.
#include "quant.h"

#include <algorithm>
#include <cmath>

namespace ponder {

float fp16_to_fp32(uint16_t h) {
    uint32_t sign = static_cast<uint32_t>(h & 0x8000) << 16;
    uint32_t exp = (h >> 10) & 0x1F, mant = h & 0x3FF, bits;
    if (exp == 0) {
        if (mant == 0) {
            bits = sign;
        } else {  // subnormal: renormalise
            int e = -1;
            do {
                e++;
                mant <<= 1;
            } while (!(mant & 0x400));
            bits = sign | static_cast<uint32_t>(127 - 15 - e) << 23 | (mant & 0x3FF) << 13;
        }
    } else if (exp == 31) {
        bits = sign | 0x7F800000 | mant << 13;
    } else {
        bits = sign | (exp + 112) << 23 | mant << 13;
    }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

uint16_t fp32_to_fp16(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    uint32_t sign = (x >> 16) & 0x8000;
    uint32_t abs = x & 0x7FFFFFFF;
    if (abs > 0x7F800000) return static_cast<uint16_t>(sign | 0x7E00);  // NaN
    if (abs >= 0x477FF000) return static_cast<uint16_t>(sign | 0x7C00);  // overflow to inf
    if (abs < 0x38800000) {  // subnormal or zero in half precision
        if (abs < 0x33000000) return static_cast<uint16_t>(sign);
        uint32_t e = abs >> 23, m = (abs & 0x7FFFFF) | 0x800000;
        uint32_t shift = 126 - e;  // 14 - (e - 127) + 13 - 1 ... aligns to half's subnormal unit
        uint32_t half = m >> (shift);
        uint32_t rem = m & ((1u << shift) - 1), mid = 1u << (shift - 1);
        if (rem > mid || (rem == mid && (half & 1))) half++;
        return static_cast<uint16_t>(sign | half);
    }
    uint32_t half = ((abs >> 13) - (112u << 10));
    uint32_t rem = abs & 0x1FFF;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1))) half++;
    return static_cast<uint16_t>(sign | half);
}

uint16_t fp32_to_bf16(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    if ((x & 0x7FFFFFFF) > 0x7F800000) return static_cast<uint16_t>((x >> 16) | 0x40);  // quiet NaN
    x += 0x7FFF + ((x >> 16) & 1);
    return static_cast<uint16_t>(x >> 16);
}

bool tensor_type_supported(TensorType t) {
    switch (t) {
    case TensorType::F32: case TensorType::F16: case TensorType::BF16: case TensorType::Q4_0:
    case TensorType::Q4_1: case TensorType::Q5_0: case TensorType::Q5_1: case TensorType::Q8_0:
    case TensorType::Q2_K: case TensorType::Q3_K: case TensorType::Q4_K: case TensorType::Q5_K:
    case TensorType::Q6_K:
        return true;
    default:
        return false;
    }
}

namespace {

// The 6-bit scale and min of sub-block j (0..7) of a Q4_K / Q5_K super-block.
inline void scale_min_k4(int j, const uint8_t* q, int& sc, int& m) {
    if (j < 4) {
        sc = q[j] & 63;
        m = q[j + 4] & 63;
    } else {
        sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

// The 16 signed 6-bit scales of a Q3_K super-block (stored with an offset of 32).
inline void q3_k_scales(const uint8_t* packed, int8_t out[16]) {
    uint32_t aux[4];
    std::memcpy(aux, packed, 12);
    const uint32_t kmask1 = 0x03030303, kmask2 = 0x0f0f0f0f;
    uint32_t tmp = aux[2];
    aux[2] = ((aux[0] >> 4) & kmask2) | (((tmp >> 4) & kmask1) << 4);
    aux[3] = ((aux[1] >> 4) & kmask2) | (((tmp >> 6) & kmask1) << 4);
    aux[0] = (aux[0] & kmask2) | (((tmp >> 0) & kmask1) << 4);
    aux[1] = (aux[1] & kmask2) | (((tmp >> 2) & kmask1) << 4);
    std::memcpy(out, aux, 16);
    for (int i = 0; i < 16; i++) out[i] = static_cast<int8_t>(out[i] - 32);
}

// K-quant super-block unpacked to integers: value e is (scale[e / group] * q[e] - min[e / group])
// in units of d (scale part) and dmin (min part).
struct KBlock {
    int8_t q[QK_K];
    int16_t scale[16];
    int16_t min[16];
    int group;  // elements per scale: 16 or 32
    float d, dmin;
};

void unpack_k(TensorType t, const void* blk, KBlock& k) {
    switch (t) {
    case TensorType::Q2_K: {
        auto* b = static_cast<const block_q2_K*>(blk);
        k.group = 16;
        k.d = fp16_to_fp32(b->d);
        k.dmin = fp16_to_fp32(b->dmin);
        for (int g = 0; g < 16; g++) {
            k.scale[g] = b->scales[g] & 0xF;
            k.min[g] = b->scales[g] >> 4;
        }
        for (int e = 0; e < QK_K; e++) {
            int n = e / 128, j = (e % 128) / 32, h = (e % 32) / 16, l = e % 16;
            k.q[e] = static_cast<int8_t>((b->qs[32 * n + 16 * h + l] >> (2 * j)) & 3);
        }
        break;
    }
    case TensorType::Q3_K: {
        auto* b = static_cast<const block_q3_K*>(blk);
        k.group = 16;
        k.d = fp16_to_fp32(b->d);
        k.dmin = 0;
        int8_t sc[16];
        q3_k_scales(b->scales, sc);
        for (int g = 0; g < 16; g++) {
            k.scale[g] = sc[g];
            k.min[g] = 0;
        }
        for (int e = 0; e < QK_K; e++) {
            int n = e / 128, j = (e % 128) / 32, h = (e % 32) / 16, l = e % 16;
            int low = (b->qs[32 * n + 16 * h + l] >> (2 * j)) & 3;
            bool high = b->hmask[16 * h + l] & (1 << (4 * n + j));
            k.q[e] = static_cast<int8_t>(low - (high ? 0 : 4));
        }
        break;
    }
    case TensorType::Q4_K:
    case TensorType::Q5_K: {
        bool five = t == TensorType::Q5_K;
        auto* b4 = static_cast<const block_q4_K*>(blk);
        auto* b5 = static_cast<const block_q5_K*>(blk);
        const uint8_t* scales = five ? b5->scales : b4->scales;
        const uint8_t* qs = five ? b5->qs : b4->qs;
        k.group = 32;
        k.d = fp16_to_fp32(five ? b5->d : b4->d);
        k.dmin = fp16_to_fp32(five ? b5->dmin : b4->dmin);
        for (int g = 0; g < 8; g++) {
            int sc, m;
            scale_min_k4(g, scales, sc, m);
            k.scale[g] = static_cast<int16_t>(sc);
            k.min[g] = static_cast<int16_t>(m);
        }
        for (int e = 0; e < QK_K; e++) {
            int c = e / 64, hi = (e % 64) / 32, l = e % 32;
            int v = hi ? qs[32 * c + l] >> 4 : qs[32 * c + l] & 0xF;
            if (five && (b5->qh[l] & (1 << (2 * c + hi)))) v += 16;
            k.q[e] = static_cast<int8_t>(v);
        }
        break;
    }
    case TensorType::Q6_K: {
        auto* b = static_cast<const block_q6_K*>(blk);
        k.group = 16;
        k.d = fp16_to_fp32(b->d);
        k.dmin = 0;
        for (int g = 0; g < 16; g++) {
            k.scale[g] = b->scales[g];
            k.min[g] = 0;
        }
        for (int e = 0; e < QK_K; e++) {
            int n = e / 128, part = (e % 128) / 32, l = e % 32;
            const uint8_t* ql = b->ql + 64 * n;
            uint8_t qh = b->qh[32 * n + l];
            int low = part == 0 ? ql[l] & 0xF : part == 1 ? ql[l + 32] & 0xF : part == 2 ? ql[l] >> 4 : ql[l + 32] >> 4;
            int high = (qh >> (2 * part)) & 3;
            k.q[e] = static_cast<int8_t>((low | (high << 4)) - 32);
        }
        break;
    }
    default:
        break;
    }
}

bool is_k_quant(TensorType t) {
    return t == TensorType::Q2_K || t == TensorType::Q3_K || t == TensorType::Q4_K || t == TensorType::Q5_K ||
           t == TensorType::Q6_K;
}

size_t block_bytes(TensorType t) { return tensor_type_traits(static_cast<uint32_t>(t))->block_bytes; }

// Integer values and float scale/offset of one 32-element block: x = d * q + m.
void unpack_32(TensorType t, const void* blk, int8_t q[QK], float& d, float& m) {
    switch (t) {
    case TensorType::Q4_0: {
        auto* b = static_cast<const block_q4_0*>(blk);
        d = fp16_to_fp32(b->d);
        m = 0;
        for (int j = 0; j < 16; j++) {
            q[j] = static_cast<int8_t>((b->qs[j] & 0xF) - 8);
            q[j + 16] = static_cast<int8_t>((b->qs[j] >> 4) - 8);
        }
        break;
    }
    case TensorType::Q4_1: {
        auto* b = static_cast<const block_q4_1*>(blk);
        d = fp16_to_fp32(b->d);
        m = fp16_to_fp32(b->m);
        for (int j = 0; j < 16; j++) {
            q[j] = static_cast<int8_t>(b->qs[j] & 0xF);
            q[j + 16] = static_cast<int8_t>(b->qs[j] >> 4);
        }
        break;
    }
    case TensorType::Q5_0:
    case TensorType::Q5_1: {
        bool one = t == TensorType::Q5_1;
        auto* b0 = static_cast<const block_q5_0*>(blk);
        auto* b1 = static_cast<const block_q5_1*>(blk);
        const uint8_t* qs = one ? b1->qs : b0->qs;
        uint32_t qh;
        std::memcpy(&qh, one ? b1->qh : b0->qh, 4);
        d = fp16_to_fp32(one ? b1->d : b0->d);
        m = one ? fp16_to_fp32(b1->m) : 0;
        int offset = one ? 0 : 16;
        for (int j = 0; j < 16; j++) {
            int h0 = ((qh >> j) << 4) & 0x10, h1 = (qh >> (j + 12)) & 0x10;
            q[j] = static_cast<int8_t>(((qs[j] & 0xF) | h0) - offset);
            q[j + 16] = static_cast<int8_t>(((qs[j] >> 4) | h1) - offset);
        }
        break;
    }
    case TensorType::Q8_0: {
        auto* b = static_cast<const block_q8_0*>(blk);
        d = fp16_to_fp32(b->d);
        m = 0;
        std::memcpy(q, b->qs, QK);
        break;
    }
    default:
        break;
    }
}

} // namespace

void dequantize_row(TensorType t, const void* src, float* dst, int64_t n) {
    const uint8_t* p = static_cast<const uint8_t*>(src);
    switch (t) {
    case TensorType::F32:
        std::memcpy(dst, src, static_cast<size_t>(n) * 4);
        return;
    case TensorType::F16:
        for (int64_t i = 0; i < n; i++) {
            uint16_t h;
            std::memcpy(&h, p + 2 * i, 2);
            dst[i] = fp16_to_fp32(h);
        }
        return;
    case TensorType::BF16:
        for (int64_t i = 0; i < n; i++) {
            uint16_t h;
            std::memcpy(&h, p + 2 * i, 2);
            dst[i] = bf16_to_fp32(h);
        }
        return;
    default:
        break;
    }
    const size_t bb = block_bytes(t);
    if (is_k_quant(t)) {
        KBlock k;
        for (int64_t b = 0; b < n / QK_K; b++, p += bb, dst += QK_K) {
            unpack_k(t, p, k);
            for (int e = 0; e < QK_K; e++) {
                int g = e / k.group;
                // Order of operations as the format defines it: (d * scale) * q - (dmin * min).
                float dl = k.d * static_cast<float>(k.scale[g]);
                float ml = k.dmin * static_cast<float>(k.min[g]);
                dst[e] = dl * static_cast<float>(k.q[e]) - ml;
            }
        }
        return;
    }
    int8_t q[QK];
    float d, m;
    for (int64_t b = 0; b < n / QK; b++, p += bb, dst += QK) {
        unpack_32(t, p, q, d, m);
        for (int j = 0; j < QK; j++) dst[j] = static_cast<float>(q[j]) * d + m;
    }
}

TensorType vec_dot_activation_type(TensorType w) {
    if (w == TensorType::F32 || w == TensorType::F16 || w == TensorType::BF16) return TensorType::F32;
    if (w == TensorType::Q4_1 || w == TensorType::Q5_1) return TensorType::Q8_1;
    return is_k_quant(w) ? TensorType::Q8_K : TensorType::Q8_0;
}

size_t activation_row_bytes(TensorType w, int64_t n) {
    switch (vec_dot_activation_type(w)) {
    case TensorType::Q8_K: return static_cast<size_t>(n / QK_K) * sizeof(block_q8_K);
    case TensorType::Q8_0: return static_cast<size_t>(n / QK) * sizeof(block_q8_0);
    case TensorType::Q8_1: return static_cast<size_t>(n / QK) * sizeof(block_q8_1);
    default: return static_cast<size_t>(n) * 4;
    }
}

void quantize_row_q8_0(const float* x, block_q8_0* y, int64_t n) {
    for (int64_t b = 0; b < n / QK; b++, x += QK) {
        float amax = 0;
        for (int j = 0; j < QK; j++) amax = std::max(amax, std::fabs(x[j]));
        float d = amax / 127.f, id = d != 0 ? 1.f / d : 0.f;
        y[b].d = fp32_to_fp16(d);
        for (int j = 0; j < QK; j++) y[b].qs[j] = static_cast<int8_t>(std::nearbyint(x[j] * id));
    }
}

void quantize_row_q8_K(const float* x, block_q8_K* y, int64_t n) {
    for (int64_t b = 0; b < n / QK_K; b++, x += QK_K) {
        float amax = 0;
        for (int j = 0; j < QK_K; j++) amax = std::max(amax, std::fabs(x[j]));
        float d = amax / 127.f, id = d != 0 ? 1.f / d : 0.f;
        y[b].d = d;
        for (int j = 0; j < QK_K; j++)
            y[b].qs[j] = static_cast<int8_t>(std::min(127.f, std::max(-127.f, std::nearbyint(x[j] * id))));
        for (int g = 0; g < 16; g++) {
            int s = 0;
            for (int j = 0; j < 16; j++) s += y[b].qs[16 * g + j];
            y[b].bsums[g] = static_cast<int16_t>(s);
        }
    }
}

void quantize_row_q8_1(const float* x, block_q8_1* y, int64_t n) {
    for (int64_t b = 0; b < n / QK; b++, x += QK) {
        float amax = 0;
        for (int j = 0; j < QK; j++) amax = std::max(amax, std::fabs(x[j]));
        float d = amax / 127.f, id = d != 0 ? 1.f / d : 0.f;
        int sum = 0;
        for (int j = 0; j < QK; j++) {
            y[b].qs[j] = static_cast<int8_t>(std::nearbyint(x[j] * id));
            sum += y[b].qs[j];
        }
        y[b].d = fp32_to_fp16(d);
        y[b].s = fp32_to_fp16(d * static_cast<float>(sum));
    }
}

void quantize_activation_row(TensorType w, const float* x, void* y, int64_t n) {
    switch (vec_dot_activation_type(w)) {
    case TensorType::Q8_1: quantize_row_q8_1(x, static_cast<block_q8_1*>(y), n); break;
    case TensorType::Q8_K: quantize_row_q8_K(x, static_cast<block_q8_K*>(y), n); break;
    case TensorType::Q8_0: quantize_row_q8_0(x, static_cast<block_q8_0*>(y), n); break;
    default: std::memcpy(y, x, static_cast<size_t>(n) * 4); break;
    }
}

float vec_dot_scalar(TensorType t, const void* w, const void* a, int64_t n) {
    const uint8_t* p = static_cast<const uint8_t*>(w);
    if (t == TensorType::F32 || t == TensorType::F16 || t == TensorType::BF16) {
        const float* x = static_cast<const float*>(a);
        double sum = 0;
        for (int64_t i = 0; i < n; i++) {
            float v;
            if (t == TensorType::F32) std::memcpy(&v, p + 4 * i, 4);
            else {
                uint16_t h;
                std::memcpy(&h, p + 2 * i, 2);
                v = t == TensorType::F16 ? fp16_to_fp32(h) : bf16_to_fp32(h);
            }
            sum += static_cast<double>(v) * x[i];
        }
        return static_cast<float>(sum);
    }
    const size_t bb = block_bytes(t);
    float sum = 0;
    if (is_k_quant(t)) {
        const block_q8_K* y = static_cast<const block_q8_K*>(a);
        KBlock k;
        for (int64_t b = 0; b < n / QK_K; b++, p += bb) {
            unpack_k(t, p, k);
            int32_t scaled = 0, mins = 0;
            for (int g = 0; g < QK_K / k.group; g++) {
                int32_t dot = 0, asum = 0;
                for (int e = g * k.group; e < (g + 1) * k.group; e++) {
                    dot += k.q[e] * y[b].qs[e];
                    asum += y[b].qs[e];
                }
                scaled += k.scale[g] * dot;
                mins += k.min[g] * asum;
            }
            sum += y[b].d * (k.d * static_cast<float>(scaled) - k.dmin * static_cast<float>(mins));
        }
        return sum;
    }
    int8_t q[QK];
    float d, m;
    if (vec_dot_activation_type(t) == TensorType::Q8_1) {  // x = d*q + m: sum = d*da*dot + m*s
        const block_q8_1* y = static_cast<const block_q8_1*>(a);
        for (int64_t b = 0; b < n / QK; b++, p += bb) {
            unpack_32(t, p, q, d, m);
            int32_t dot = 0;
            for (int j = 0; j < QK; j++) dot += q[j] * y[b].qs[j];
            sum += d * fp16_to_fp32(y[b].d) * static_cast<float>(dot) + m * fp16_to_fp32(y[b].s);
        }
        return sum;
    }
    const block_q8_0* y = static_cast<const block_q8_0*>(a);
    for (int64_t b = 0; b < n / QK; b++, p += bb) {
        unpack_32(t, p, q, d, m);
        int32_t dot = 0;
        for (int j = 0; j < QK; j++) dot += q[j] * y[b].qs[j];
        sum += fp16_to_fp32(y[b].d) * d * static_cast<float>(dot);
    }
    return sum;
}

} // namespace ponder
