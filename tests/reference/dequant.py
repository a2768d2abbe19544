"""Dequantization of GGUF tensor types to float32, vectorized over blocks with numpy.

dequantize(type_id, raw, n_elements) -> np.float32 array of n_elements, in GGUF element order.

Written from the block definitions (layout facts only).  Float arithmetic is float32 and
follows the order the format defines, one rounding per operation and no fused multiply-add:
    Q4_0  x = float(q - 8) * d
    Q4_1  x = (float(q) * d) + m
    Q5_0  x = float(q - 16) * d
    Q5_1  x = (float(q) * d) + m
    Q8_0  x = float(q) * d
    Q2_K  x = ((d * sc) * q) - (dmin * m)            sc, m: 4-bit
    Q3_K  x = (d * (sc - 32)) * q                   sc: 6-bit, q in [-4, 3]
    Q4_K  x = ((d * sc) * q) - (dmin * m)            sc, m: 6-bit
    Q5_K  x = ((d * sc) * q) - (dmin * m)
    Q6_K  x = (d * sc) * (q - 32)                    sc: int8
d, dmin, m (legacy) are f16 converted exactly to f32.

Element numbering inside a 256-element K-quant super-block (e = element index):
    Q2_K / Q3_K:  e = 128*n + 32*j + l   (n in 0..1, j in 0..3, l in 0..31)
                  low 2 bits = (qs[32*n + l] >> 2*j) & 3; scale index = e // 16
                  Q3_K high bit = (hmask[l] >> (4*n + j)) & 1  (bit clear -> subtract 4)
    Q4_K / Q5_K:  e = 64*c + 32*h + l    (c in 0..3, h in 0..1)
                  q = low (h=0) / high (h=1) nibble of qs[32*c + l]; sub-block = e // 32
                  Q5_K 5th bit = (qh[l] >> (2*c + h)) & 1
    Q6_K:         e = 128*n + 32*k + l   (k in 0..3)
                  low 4 bits: k=0 low nibble of ql[64n+l], k=1 low of ql[64n+32+l],
                              k=2 high of ql[64n+l],     k=3 high of ql[64n+32+l]
                  high 2 bits = (qh[32*n + l] >> 2*k) & 3; scale index = e // 16
"""

import numpy as np

from gguf_reader import TYPE_INFO

F32 = np.float32


def _blocks(raw, type_id, n_elements):
    """View raw bytes as (n_blocks, bytes_per_block) uint8."""
    _, blk, nb = TYPE_INFO[type_id]
    if n_elements % blk:
        raise ValueError(f"{n_elements} is not a multiple of block size {blk}")
    n_blocks = n_elements // blk
    raw = np.asarray(raw, dtype=np.uint8).reshape(-1)
    if raw.size < n_blocks * nb:
        raise ValueError("not enough bytes for tensor")
    return raw[:n_blocks * nb].reshape(n_blocks, nb)


def _f16(b, start):
    """f16 field at byte offset `start` of each block -> float32 column (n_blocks, 1)."""
    return np.ascontiguousarray(b[:, start:start + 2]).view("<f2").astype(F32)


def _nibbles_lo_hi(qs):
    """(nb, 16) bytes -> (nb, 32): low nibbles are elements 0..15, high nibbles 16..31."""
    return np.concatenate([qs & 0x0F, qs >> 4], axis=1)


# ---------------------------------------------------------------- plain floats

def _deq_f32(raw, n):
    return np.asarray(raw, dtype=np.uint8)[:4 * n].view("<f4").astype(F32)


def _deq_f16(raw, n):
    return np.asarray(raw, dtype=np.uint8)[:2 * n].view("<f2").astype(F32)


def _deq_bf16(raw, n):
    u16 = np.asarray(raw, dtype=np.uint8)[:2 * n].view("<u2").astype(np.uint32)
    return (u16 << 16).view(F32)


# ---------------------------------------------------------------- 32-element blocks

def _deq_q4_0(raw, n):                       # 18 bytes: f16 d | 16 qs
    b = _blocks(raw, 2, n)
    d = _f16(b, 0)
    q = _nibbles_lo_hi(b[:, 2:18]).astype(np.int8) - np.int8(8)
    return (q.astype(F32) * d).reshape(-1)


def _deq_q4_1(raw, n):                       # 20 bytes: f16 d | f16 m | 16 qs
    b = _blocks(raw, 3, n)
    d, m = _f16(b, 0), _f16(b, 2)
    q = _nibbles_lo_hi(b[:, 4:20])
    return (q.astype(F32) * d + m).reshape(-1)


def _qh_bits32(qh4):
    """(nb, 4) bytes -> (nb, 32) 0/16: bit j of the little-endian u32 is element j's 5th bit."""
    qh = np.ascontiguousarray(qh4).view("<u4")                  # (nb, 1)
    return (((qh >> np.arange(32, dtype=np.uint32)) & 1) << 4).astype(np.uint8)


def _deq_q5_0(raw, n):                       # 22 bytes: f16 d | 4 qh | 16 qs
    b = _blocks(raw, 6, n)
    d = _f16(b, 0)
    q = (_nibbles_lo_hi(b[:, 6:22]) | _qh_bits32(b[:, 2:6])).astype(np.int8) - np.int8(16)
    return (q.astype(F32) * d).reshape(-1)


def _deq_q5_1(raw, n):                       # 24 bytes: f16 d | f16 m | 4 qh | 16 qs
    b = _blocks(raw, 7, n)
    d, m = _f16(b, 0), _f16(b, 2)
    q = _nibbles_lo_hi(b[:, 8:24]) | _qh_bits32(b[:, 4:8])
    return (q.astype(F32) * d + m).reshape(-1)


def _deq_q8_0(raw, n):                       # 34 bytes: f16 d | 32 int8
    b = _blocks(raw, 8, n)
    d = _f16(b, 0)
    q = b[:, 2:34].view(np.int8)
    return (q.astype(F32) * d).reshape(-1)


# ---------------------------------------------------------------- K-quants (256 elements)

def _two_bit_planes(qs64):
    """(nb, 64) bytes -> (nb, 256) 2-bit values, e = 128n + 32j + l <- (qs[32n+l] >> 2j) & 3."""
    qs = qs64.reshape(-1, 2, 1, 32)                              # [blk, n, 1, l]
    shifts = (2 * np.arange(4, dtype=np.uint8)).reshape(1, 1, 4, 1)
    return ((qs >> shifts) & 3).reshape(-1, 256)                 # [blk, n, j, l] -> flat


def _deq_q2_k(raw, n):                       # 84: 16 scales | 64 qs | f16 d | f16 dmin
    b = _blocks(raw, 10, n)
    sc = b[:, 0:16]
    d, dmin = _f16(b, 80), _f16(b, 82)
    dl = d * (sc & 0x0F).astype(F32)                             # (nb, 16) scale per 16 elements
    ml = dmin * (sc >> 4).astype(F32)
    q = _two_bit_planes(b[:, 16:80]).astype(F32)                 # (nb, 256)
    dl = np.repeat(dl, 16, axis=1)                               # element e uses index e // 16
    ml = np.repeat(ml, 16, axis=1)
    return (dl * q - ml).reshape(-1)


def _q3_k_scales(s):
    """12 packed bytes -> 16 signed scales (6-bit value - 32), shape (nb, 16).
    scale i: low 4 bits = s[i] & 15 (i < 8) or s[i-8] >> 4 (i >= 8);
             high 2 bits = (s[8 + i % 4] >> (2 * (i // 4))) & 3."""
    low = np.concatenate([s[:, 0:8] & 0x0F, s[:, 0:8] >> 4], axis=1)           # (nb, 16)
    hi_bytes = np.tile(s[:, 8:12], (1, 4))                                       # s[8 + i%4]
    hi_shift = (2 * (np.arange(16) // 4)).astype(np.uint8)
    high = (hi_bytes >> hi_shift) & 3
    return (low | (high << 4)).astype(np.int16) - 32


def _deq_q3_k(raw, n):                       # 110: 32 hmask | 64 qs | 12 scales | f16 d
    b = _blocks(raw, 11, n)
    hm, qs, s = b[:, 0:32], b[:, 32:96], b[:, 96:108]
    d = _f16(b, 108)
    low2 = _two_bit_planes(qs).astype(np.int8)                   # (nb, 256)
    # high bit of element e = 32*bit + l is bit `bit` (= 4n + j) of hmask[l]
    hbit = (hm[:, None, :] >> np.arange(8, dtype=np.uint8)[None, :, None]) & 1
    q = low2 - np.where(hbit.reshape(-1, 256) == 1, 0, 4).astype(np.int8)
    dl = d * _q3_k_scales(s).astype(F32)                          # (nb, 16)
    return (np.repeat(dl, 16, axis=1) * q.astype(F32)).reshape(-1)


def _k4_scales_mins(s):
    """12 packed bytes -> (scales, mins), each (nb, 8) 6-bit values.
    j < 4:  sc = s[j] & 63,                       m = s[j+4] & 63
    j >= 4: sc = (s[j+4] & 15) | (s[j-4] >> 6) << 4, m = (s[j+4] >> 4) | (s[j] >> 6) << 4"""
    sc = np.concatenate([s[:, 0:4] & 63, (s[:, 8:12] & 0x0F) | ((s[:, 0:4] >> 6) << 4)], axis=1)
    m = np.concatenate([s[:, 4:8] & 63, (s[:, 8:12] >> 4) | ((s[:, 4:8] >> 6) << 4)], axis=1)
    return sc, m


def _nibble_chunks(qs128):
    """(nb, 128) -> (nb, 256) 4-bit values, e = 64c + 32h + l <- nibble h of qs[32c + l]."""
    qs = qs128.reshape(-1, 4, 1, 32)
    return np.concatenate([qs & 0x0F, qs >> 4], axis=2).reshape(-1, 256)


def _scale_min_apply(d, dmin, s, q):
    sc, m = _k4_scales_mins(s)
    d1 = np.repeat(d * sc.astype(F32), 32, axis=1)               # sub-block = e // 32
    m1 = np.repeat(dmin * m.astype(F32), 32, axis=1)
    return (d1 * q.astype(F32) - m1).reshape(-1)


def _deq_q4_k(raw, n):                       # 144: f16 d | f16 dmin | 12 scales | 128 qs
    b = _blocks(raw, 12, n)
    return _scale_min_apply(_f16(b, 0), _f16(b, 2), b[:, 4:16], _nibble_chunks(b[:, 16:144]))


def _deq_q5_k(raw, n):                       # 176: f16 d | f16 dmin | 12 scales | 32 qh | 128 qs
    b = _blocks(raw, 13, n)
    qh = b[:, 16:48]
    hbit = (qh[:, None, :] >> np.arange(8, dtype=np.uint8)[None, :, None]) & 1  # [blk, 2c+h, l]
    q = _nibble_chunks(b[:, 48:176]) | (hbit.reshape(-1, 256) << 4)
    return _scale_min_apply(_f16(b, 0), _f16(b, 2), b[:, 4:16], q)


def _deq_q6_k(raw, n):                       # 210: 128 ql | 64 qh | 16 int8 scales | f16 d
    b = _blocks(raw, 14, n)
    ql = b[:, 0:128].reshape(-1, 2, 2, 32)                       # [blk, n, half, l]
    qh = b[:, 128:192].reshape(-1, 2, 1, 32)                     # [blk, n, 1, l]
    sc = b[:, 192:208].view(np.int8)
    d = _f16(b, 208)
    low = np.stack([ql[:, :, 0] & 0x0F, ql[:, :, 1] & 0x0F,
                    ql[:, :, 0] >> 4, ql[:, :, 1] >> 4], axis=2)  # [blk, n, k, l]
    high = (qh >> (2 * np.arange(4, dtype=np.uint8)).reshape(1, 1, 4, 1)) & 3
    q = (low | (high << 4)).astype(np.int8).reshape(-1, 256) - np.int8(32)
    dl = np.repeat(d * sc.astype(F32), 16, axis=1)               # scale index = e // 16
    return (dl * q.astype(F32)).reshape(-1)


_DEQ = {
    0: _deq_f32, 1: _deq_f16, 30: _deq_bf16,
    2: _deq_q4_0, 3: _deq_q4_1, 6: _deq_q5_0, 7: _deq_q5_1, 8: _deq_q8_0,
    10: _deq_q2_k, 11: _deq_q3_k, 12: _deq_q4_k, 13: _deq_q5_k, 14: _deq_q6_k,
}


def dequantize(type_id, raw, n_elements):
    if type_id not in _DEQ:
        raise ValueError(f"dequantize: unsupported tensor type {type_id}")
    n_elements = int(n_elements)
    out = _DEQ[type_id](raw, n_elements)
    assert out.dtype == F32 and out.size == n_elements
    return out
