"""Minimal GGUF (v2 / v3, little-endian) reader.

Written from the GGUF format definition (summarised below):

    magic "GGUF" | u32 version | i64 n_tensors | i64 n_kv
    n_kv x  { string key, i32 value_type, value }
    n_tensors x { string name, u32 n_dims, i64 dims[n_dims], i32 type, u64 offset }
    padding up to a multiple of general.alignment (default 32)
    tensor data; each tensor's offset is relative to the start of this region

Strings are u64 length + UTF-8 bytes.  Arrays are i32 element type + u64 count +
elements (arrays may nest).  dims[0] is the contiguous (fastest-varying) one.

read_gguf(path) -> (metadata, tensors)
    metadata: dict key -> python value (int / float / bool / str / list)
    tensors:  dict name -> (type_id, dims list, raw np.uint8 array of the tensor's bytes)
"""

import struct

import numpy as np

# metadata value types
T_U8, T_I8, T_U16, T_I16, T_U32, T_I32, T_F32, T_BOOL, T_STR, T_ARR, T_U64, T_I64, T_F64 = range(13)

_SCALAR_FMT = {
    T_U8: "<B", T_I8: "<b", T_U16: "<H", T_I16: "<h", T_U32: "<I", T_I32: "<i",
    T_F32: "<f", T_BOOL: "<?", T_U64: "<Q", T_I64: "<q", T_F64: "<d",
}
_SCALAR_NP = {
    T_U8: "<u1", T_I8: "<i1", T_U16: "<u2", T_I16: "<i2", T_U32: "<u4", T_I32: "<i4",
    T_F32: "<f4", T_BOOL: "<u1", T_U64: "<u8", T_I64: "<i8", T_F64: "<f8",
}

# tensor types: id -> (elements per block, bytes per block)
TYPE_INFO = {
    0: ("F32", 1, 4),
    1: ("F16", 1, 2),
    2: ("Q4_0", 32, 18),
    3: ("Q4_1", 32, 20),
    6: ("Q5_0", 32, 22),
    7: ("Q5_1", 32, 24),
    8: ("Q8_0", 32, 34),
    10: ("Q2_K", 256, 84),
    11: ("Q3_K", 256, 110),
    12: ("Q4_K", 256, 144),
    13: ("Q5_K", 256, 176),
    14: ("Q6_K", 256, 210),
    30: ("BF16", 1, 2),
}


def tensor_nbytes(type_id, n_elements):
    """Bytes used by n_elements of a tensor type (n_elements must be a whole number of blocks)."""
    if type_id not in TYPE_INFO:
        raise ValueError(f"unsupported tensor type {type_id}")
    _, blk, nb = TYPE_INFO[type_id]
    if n_elements % blk:
        raise ValueError(f"{n_elements} elements is not a multiple of block size {blk}")
    return n_elements // blk * nb


class _Cursor:
    def __init__(self, buf):
        self.buf = buf
        self.pos = 0

    def take(self, n):
        if self.pos + n > len(self.buf):
            raise ValueError("GGUF: unexpected end of file")
        b = self.buf[self.pos:self.pos + n]
        self.pos += n
        return b

    def scalar(self, t):
        fmt = _SCALAR_FMT[t]
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def string(self):
        n = self.scalar(T_U64)
        return bytes(self.take(n)).decode("utf-8", errors="surrogateescape")

    def value(self, t):
        if t == T_STR:
            return self.string()
        if t == T_ARR:
            et = self.scalar(T_I32)
            n = self.scalar(T_U64)
            if et in _SCALAR_NP:  # fast path for numeric arrays
                dt = np.dtype(_SCALAR_NP[et])
                arr = np.frombuffer(self.take(n * dt.itemsize), dtype=dt)
                if et == T_BOOL:
                    return [bool(v) for v in arr]
                return arr.tolist()
            return [self.value(et) for _ in range(n)]
        if t in _SCALAR_FMT:
            return self.scalar(t)
        raise ValueError(f"GGUF: unknown metadata value type {t}")


def read_gguf(path):
    data = np.fromfile(path, dtype=np.uint8)
    mv = memoryview(data)
    c = _Cursor(mv)
    if bytes(c.take(4)) != b"GGUF":
        raise ValueError(f"{path}: not a GGUF file")
    version = c.scalar(T_U32)
    if version not in (2, 3):
        raise ValueError(f"{path}: unsupported GGUF version {version}")
    n_tensors = c.scalar(T_I64)
    n_kv = c.scalar(T_I64)

    metadata = {}
    for _ in range(n_kv):
        key = c.string()
        t = c.scalar(T_I32)
        metadata[key] = c.value(t)

    infos = []
    for _ in range(n_tensors):
        name = c.string()
        n_dims = c.scalar(T_U32)
        dims = [c.scalar(T_I64) for _ in range(n_dims)]
        ttype = c.scalar(T_I32)
        offset = c.scalar(T_U64)
        infos.append((name, dims, ttype, offset))

    align = int(metadata.get("general.alignment", 32))
    data_start = (c.pos + align - 1) // align * align

    # Sizes of types this reader does not know (IQ*) come from the next tensor's offset.
    ends = sorted({off for _, _, _, off in infos} | {len(data) - data_start})

    tensors = {}
    for name, dims, ttype, offset in infos:
        n_el = int(np.prod(dims, dtype=np.int64)) if dims else 1
        if ttype in TYPE_INFO:
            nbytes = tensor_nbytes(ttype, n_el)
        else:
            nbytes = next(e for e in ends if e > offset) - offset
        start = data_start + offset
        if start + nbytes > len(data):
            raise ValueError(f"{path}: tensor {name} runs past end of file")
        tensors[name] = (ttype, dims, data[start:start + nbytes])
    return metadata, tensors


if __name__ == "__main__":
    import sys

    md, ts = read_gguf(sys.argv[1])
    for k, v in md.items():
        s = repr(v)
        print(f"{k} = {s[:100]}{'...' if len(s) > 100 else ''}")
    for n, (t, d, raw) in ts.items():
        print(f"{n}: {TYPE_INFO.get(t, (f'type{t}',))[0]} {d} {raw.nbytes} bytes")
