"""Self-tests for dequant.py.

Two kinds of checks per type:
  * literal blocks written byte by byte with an obvious expected pattern (element ordering,
    nibble / bit-plane order, scale packing);
  * random blocks built by a slow per-element *packer* (written from the layout description,
    in the opposite direction to the vectorized unpacker) with expected values computed
    element by element in float32 in the format's operation order; compared bit for bit.

Run: /usr/bin/python3 tests/reference/test_dequant.py
"""

import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dequant import dequantize  # noqa: E402

F = np.float32
RNG = np.random.default_rng(1234)
FAILS = []


def f16b(x):
    return np.array([x], dtype="<f2").tobytes()


def f16v(x):
    """float32 value of x after rounding to f16 (what the block stores)."""
    return F(np.float16(x))


def check(name, type_id, raw, expected):
    raw = np.frombuffer(bytes(raw), dtype=np.uint8)
    expected = np.asarray(expected, dtype=F)
    got = dequantize(type_id, raw, expected.size)
    if got.shape != expected.shape or not np.array_equal(got.view(np.uint32), expected.view(np.uint32)):
        bad = np.nonzero(got.view(np.uint32) != expected.view(np.uint32))[0]
        FAILS.append(name)
        print(f"FAIL {name}: {bad.size} mismatches, first at {bad[:8]}: got {got[bad[:4]]} want {expected[bad[:4]]}")
    else:
        print(f"ok   {name}")


# ------------------------------------------------------------------ literal pattern tests

def literal_tests():
    # F32 / F16 / BF16
    vals = np.array([0.0, 1.0, -2.5, 65504.0, 1e-3, -0.0], dtype=F)
    check("F32 literal", 0, vals.tobytes(), vals)
    check("F16 literal", 1, vals.astype("<f2").tobytes(), vals.astype(np.float16).astype(F))
    bf = struct.pack("<4H", 0x3F80, 0xC020, 0x0000, 0x4049)          # 1, -2.5, 0, 3.140625
    check("BF16 literal", 30, bf, [1.0, -2.5, 0.0, 3.140625])

    # Q4_0: qs[j] = j | (15-j) << 4 -> e<16: j-8 ; e>=16: (15-(e-16)) - 8
    qs = bytes(j | ((15 - j) << 4) for j in range(16))
    check("Q4_0 literal", 2, f16b(2.0) + qs, [2.0 * (j - 8) for j in range(16)] + [2.0 * (7 - j) for j in range(16)])

    # Q4_1: x = q*d + m
    check("Q4_1 literal", 3, f16b(0.5) + f16b(-1.0) + qs,
          [0.5 * j - 1 for j in range(16)] + [0.5 * (15 - j) - 1 for j in range(16)])

    # Q5_0: qh = 0xFFFF0000 -> elements 16..31 get +16; low nibbles 0..15 all 3, high nibbles all 5
    blk = f16b(1.0) + struct.pack("<I", 0xFFFF0000) + bytes([0x53] * 16)
    check("Q5_0 literal", 6, blk, [3 - 16] * 16 + [5 + 16 - 16] * 16)
    # qh bit j set only for j = 0 and j = 17
    blk = f16b(1.0) + struct.pack("<I", (1 << 0) | (1 << 17)) + bytes(16)
    exp = [-16.0] * 32
    exp[0] = 0.0
    exp[17] = 0.0
    check("Q5_0 qh bit order", 6, blk, exp)

    # Q5_1
    blk = f16b(1.0) + f16b(0.25) + struct.pack("<I", 0x0000FFFF) + bytes([0x21] * 16)
    check("Q5_1 literal", 7, blk, [1 + 16 + 0.25] * 16 + [2 + 0.25] * 16)

    # Q8_0
    q = np.arange(-16, 16, dtype=np.int8)
    check("Q8_0 literal", 8, f16b(0.5) + q.tobytes(), q.astype(F) * F(0.5))

    # Q2_K: scales i = (i % 15 + 1) | (0 << 4); qs byte 32n+l = 0b11100100 (j -> q = j)
    scales = bytes(((i % 15) + 1) for i in range(16))
    qs = bytes([0b11100100] * 64)
    blk = scales + qs + f16b(1.0) + f16b(0.0)
    exp = [((e // 16) % 15 + 1) * ((e % 128) // 32) for e in range(256)]
    check("Q2_K literal (plane order, scale order)", 10, blk, exp)
    # mins: high nibble of scales; all q = 0 -> x = -dmin*m
    scales = bytes((1 | ((i % 16) << 4)) for i in range(16))
    blk = scales + bytes(64) + f16b(1.0) + f16b(0.5)
    check("Q2_K literal (mins)", 10, blk, [0.0 - 0.5 * ((e // 16) % 16) for e in range(256)])

    # Q3_K: hmask all ones (no -4), qs planes j -> q=j, scales all 6-bit 33 (-> +1)
    # scale 33 = 0b100001: low nibble 1, high 2 bits 0b10.
    sc = bytes([0x11] * 8) + bytes([0b10101010] * 4)
    blk = bytes([0xFF] * 32) + bytes([0b11100100] * 64) + sc + f16b(1.0)
    check("Q3_K literal (planes, hmask set)", 11, blk, [(e % 128) // 32 for e in range(256)])
    # hmask zero -> q - 4
    blk = bytes(32) + bytes([0b11100100] * 64) + sc + f16b(1.0)
    check("Q3_K literal (hmask clear)", 11, blk, [(e % 128) // 32 - 4 for e in range(256)])
    # hmask: only bit b of byte l set, for (b, l) = (5, 7): element 32*5 + 7 = 167
    hm = bytearray(32)
    hm[7] = 1 << 5
    blk = bytes(hm) + bytes(64) + sc + f16b(1.0)
    exp = [-4.0] * 256
    exp[167] = 0.0
    check("Q3_K literal (hmask bit -> element)", 11, blk, exp)
    # scales: scale i = 32 + i - 8 (values 24..39 -> -8..7), q all -> 1 (hmask set, low2 = 1)
    s6 = [32 + i - 8 for i in range(16)]
    packed = bytearray(12)
    for i, v in enumerate(s6):
        packed[i % 8] |= (v & 15) << (0 if i < 8 else 4)
        packed[8 + i % 4] |= (v >> 4) << (2 * (i // 4))
    blk = bytes([0xFF] * 32) + bytes([0b01010101] * 64) + bytes(packed) + f16b(1.0)
    check("Q3_K literal (scale packing)", 11, blk, [(e // 16) - 8 for e in range(256)])

    # Q4_K: scales j = j+1 (j<4 direct, j>=4 via byte 8..11 low nibble), mins 0; all q = 1
    sc = bytes([1, 2, 3, 4, 0, 0, 0, 0, 5, 6, 7, 8])
    blk = f16b(1.0) + f16b(0.0) + sc + bytes([0x11] * 128)
    check("Q4_K literal (scale order)", 12, blk, [e // 32 + 1 for e in range(256)])
    # ordering: all scales 1; qs[32c+l] = (2c) | (2c+1) << 4 -> element e = e // 32
    qs = bytes(((2 * c) | ((2 * c + 1) << 4)) for c in range(4) for _ in range(32))
    sc = bytes([1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1])
    blk = f16b(1.0) + f16b(0.0) + sc + qs
    check("Q4_K literal (nibble order)", 12, blk, [e // 32 for e in range(256)])
    # high bits of 6-bit scales/mins: sc4 = 63 (low 15 in byte 8, high 3 in byte 0 bits 6-7),
    # m4 = 48 (low 0 in byte 8 high nibble, high 3 in byte 4 bits 6-7), m0 = 5
    sc = bytes([0xC0 | 2, 1, 1, 1, 0xC0 | 5, 0, 0, 0, 0x0F, 1, 1, 1])
    blk = f16b(1.0) + f16b(1.0) + sc + bytes([0x11] * 128)
    exp = []
    for e in range(256):
        j = e // 32
        s, m = [(2, 5), (1, 0), (1, 0), (1, 0), (63, 48), (1, 0), (1, 0), (1, 0)][j]
        exp.append(s * 1 - m)
    check("Q4_K literal (6-bit high bits)", 12, blk, exp)

    # Q5_K: all scales 1, mins 0, qs 0; qh[l] = 1 << (l % 8) -> element 32*b + l has +16 iff b == l % 8
    sc = bytes([1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1])
    qh = bytes((1 << (l % 8)) for l in range(32))
    blk = f16b(1.0) + f16b(0.0) + sc + qh + bytes(128)
    check("Q5_K literal (qh bit order)", 13, blk,
          [16 if (e // 32) == (e % 32) % 8 else 0 for e in range(256)])
    qs = bytes(((2 * c) | ((2 * c + 1) << 4)) for c in range(4) for _ in range(32))
    blk = f16b(1.0) + f16b(0.0) + sc + bytes(32) + qs
    check("Q5_K literal (nibble order)", 13, blk, [e // 32 for e in range(256)])

    # Q6_K: scales i = i+1, d=1.  ql/qh chosen so that element e has q-32 = k (its 32-group in the half)
    # q = 32 + k: low4 = k, hi2 = 2.  ql[64n+l] = 0 | 2<<4 (k=0 low, k=2 high),
    # ql[64n+32+l] = 1 | 3<<4 (k=1 low, k=3 high); qh = 0b10101010 (2 in every 2-bit field).
    ql = (bytes([0x20] * 32) + bytes([0x31] * 32)) * 2
    qh = bytes([0b10101010] * 64)
    sc = np.arange(1, 17, dtype=np.int8).tobytes()
    blk = ql + qh + sc + f16b(1.0)
    check("Q6_K literal (ql/qh order, scale order)", 14, blk,
          [((e % 128) // 32) * (e // 16 + 1) for e in range(256)])
    # negative scales and low q
    sc = (-np.arange(1, 17, dtype=np.int8)).tobytes()
    blk = bytes(128) + bytes(64) + sc + f16b(0.5)
    check("Q6_K literal (int8 scales, q=-32)", 14, blk, [0.5 * -(e // 16 + 1) * -32 for e in range(256)])


# ------------------------------------------------------------------ random round-trip tests
# Each packer takes integer codes and float parameters and returns the block bytes plus the
# expected float32 values, computed element by element.

def pack_q4_0(n_blocks):
    raw, exp = bytearray(), []
    for _ in range(n_blocks):
        d = f16v(RNG.normal())
        q = RNG.integers(0, 16, 32)
        raw += f16b(d) + bytes(int(q[j]) | (int(q[j + 16]) << 4) for j in range(16))
        exp += [F(int(q[e]) - 8) * d for e in range(32)]
    return raw, exp


def pack_q4_1(n_blocks):
    raw, exp = bytearray(), []
    for _ in range(n_blocks):
        d, m = f16v(RNG.normal()), f16v(RNG.normal())
        q = RNG.integers(0, 16, 32)
        raw += f16b(d) + f16b(m) + bytes(int(q[j]) | (int(q[j + 16]) << 4) for j in range(16))
        exp += [F(int(q[e])) * d + m for e in range(32)]
    return raw, exp


def _q5_bytes(q):
    qh = 0
    for e in range(32):
        qh |= ((int(q[e]) >> 4) & 1) << e
    return struct.pack("<I", qh) + bytes((int(q[j]) & 15) | ((int(q[j + 16]) & 15) << 4) for j in range(16))


def pack_q5_0(n_blocks):
    raw, exp = bytearray(), []
    for _ in range(n_blocks):
        d = f16v(RNG.normal())
        q = RNG.integers(0, 32, 32)
        raw += f16b(d) + _q5_bytes(q)
        exp += [F(int(q[e]) - 16) * d for e in range(32)]
    return raw, exp


def pack_q5_1(n_blocks):
    raw, exp = bytearray(), []
    for _ in range(n_blocks):
        d, m = f16v(RNG.normal()), f16v(RNG.normal())
        q = RNG.integers(0, 32, 32)
        raw += f16b(d) + f16b(m) + _q5_bytes(q)
        exp += [F(int(q[e])) * d + m for e in range(32)]
    return raw, exp


def pack_q8_0(n_blocks):
    raw, exp = bytearray(), []
    for _ in range(n_blocks):
        d = f16v(RNG.normal())
        q = RNG.integers(-128, 128, 32).astype(np.int8)
        raw += f16b(d) + q.tobytes()
        exp += [F(int(q[e])) * d for e in range(32)]
    return raw, exp


def pack_q2_k(n_blocks):
    raw, exp = bytearray(), []
    for _ in range(n_blocks):
        d, dmin = f16v(RNG.normal() * 0.1), f16v(RNG.normal() * 0.1)
        sc = RNG.integers(0, 16, 16)
        mn = RNG.integers(0, 16, 16)
        q = RNG.integers(0, 4, 256)
        qs = bytearray(64)
        for e in range(256):
            n, j, l = e // 128, (e % 128) // 32, e % 32
            qs[32 * n + l] |= int(q[e]) << (2 * j)
        raw += bytes(int(sc[i]) | (int(mn[i]) << 4) for i in range(16)) + qs + f16b(d) + f16b(dmin)
        for e in range(256):
            i = e // 16
            exp.append((d * F(int(sc[i]))) * F(int(q[e])) - dmin * F(int(mn[i])))
    return raw, exp


def pack_q3_k(n_blocks):
    raw, exp = bytearray(), []
    for _ in range(n_blocks):
        d = f16v(RNG.normal() * 0.1)
        s6 = RNG.integers(0, 64, 16)          # stored 6-bit scale; effective = s6 - 32
        q = RNG.integers(-4, 4, 256)          # effective 3-bit value
        hm, qs, packed = bytearray(32), bytearray(64), bytearray(12)
        for e in range(256):
            n, j, l = e // 128, (e % 128) // 32, e % 32
            u = int(q[e]) + 4                 # high bit set <=> q >= 0
            qs[32 * n + l] |= (u & 3) << (2 * j)
            hm[l] |= (u >> 2) << (4 * n + j)
        for i in range(16):
            v = int(s6[i])
            packed[i % 8] |= (v & 15) << (0 if i < 8 else 4)
            packed[8 + i % 4] |= (v >> 4) << (2 * (i // 4))
        raw += hm + qs + packed + f16b(d)
        for e in range(256):
            exp.append((d * F(int(s6[e // 16]) - 32)) * F(int(q[e])))
    return raw, exp


def _pack_k4_scales(sc, mn):
    p = bytearray(12)
    for j in range(8):
        s, m = int(sc[j]), int(mn[j])
        if j < 4:
            p[j] |= s & 63
            p[j + 4] |= m & 63
        else:
            p[j + 4] |= (s & 15) | ((m & 15) << 4)
            p[j - 4] |= (s >> 4) << 6
            p[j] |= (m >> 4) << 6
    return bytes(p)


def pack_q4_k(n_blocks, five_bit=False):
    raw, exp = bytearray(), []
    for _ in range(n_blocks):
        d, dmin = f16v(RNG.normal() * 0.05), f16v(RNG.normal() * 0.05)
        sc, mn = RNG.integers(0, 64, 8), RNG.integers(0, 64, 8)
        q = RNG.integers(0, 32 if five_bit else 16, 256)
        qs, qh = bytearray(128), bytearray(32)
        for e in range(256):
            c, h, l = e // 64, (e % 64) // 32, e % 32
            qs[32 * c + l] |= (int(q[e]) & 15) << (4 * h)
            qh[l] |= (int(q[e]) >> 4) << (2 * c + h)
        raw += f16b(d) + f16b(dmin) + _pack_k4_scales(sc, mn) + (qh if five_bit else b"") + qs
        for e in range(256):
            j = e // 32
            exp.append((d * F(int(sc[j]))) * F(int(q[e])) - dmin * F(int(mn[j])))
    return raw, exp


def pack_q6_k(n_blocks):
    raw, exp = bytearray(), []
    for _ in range(n_blocks):
        d = f16v(RNG.normal() * 0.01)
        sc = RNG.integers(-128, 128, 16).astype(np.int8)
        q = RNG.integers(-32, 32, 256)
        ql, qh = bytearray(128), bytearray(64)
        for e in range(256):
            n, k, l = e // 128, (e % 128) // 32, e % 32
            u = int(q[e]) + 32
            ql[64 * n + 32 * (k % 2) + l] |= (u & 15) << (4 * (k // 2))
            qh[32 * n + l] |= (u >> 4) << (2 * k)
        raw += ql + qh + sc.tobytes() + f16b(d)
        for e in range(256):
            exp.append((d * F(int(sc[e // 16]))) * F(int(q[e])))
    return raw, exp


def random_tests():
    cases = [
        ("Q4_0", 2, pack_q4_0, 8), ("Q4_1", 3, pack_q4_1, 8), ("Q5_0", 6, pack_q5_0, 8),
        ("Q5_1", 7, pack_q5_1, 8), ("Q8_0", 8, pack_q8_0, 8), ("Q2_K", 10, pack_q2_k, 3),
        ("Q3_K", 11, pack_q3_k, 3), ("Q4_K", 12, pack_q4_k, 3),
        ("Q5_K", 13, lambda nb: pack_q4_k(nb, five_bit=True), 3), ("Q6_K", 14, pack_q6_k, 3),
    ]
    for name, tid, packer, nb in cases:
        raw, exp = packer(nb)
        check(f"{name} random x{nb} blocks", tid, raw, exp)

    # F16 / BF16: all bit patterns of a random sample incl. subnormals, inf
    bits = np.concatenate([RNG.integers(0, 1 << 16, 4000), [0x0001, 0x03FF, 0x7C00, 0xFC00, 0x8000]])
    bits = bits[((bits & 0x7C00) != 0x7C00) | ((bits & 0x3FF) == 0)].astype("<u2")   # drop NaNs
    check("F16 random bit patterns", 1, bits.tobytes(), bits.view(np.float16).astype(F))
    exp = np.array([struct.unpack("<f", struct.pack("<I", int(b) << 16))[0] for b in bits], dtype=F)
    check("BF16 random bit patterns", 30, bits.tobytes(), exp)


if __name__ == "__main__":
    literal_tests()
    random_tests()
    if FAILS:
        print(f"\n{len(FAILS)} FAILED: {FAILS}")
        sys.exit(1)
    print("\nall dequant tests passed")
