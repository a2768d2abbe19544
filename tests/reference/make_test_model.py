#!/usr/bin/python3
"""Write a small random GGUF model (qwen2 or llama flavour) for testing the reference.

  make_test_model.py --arch qwen2 --out tiny.gguf [--tied] [--rope-freqs] [--qtype Q8_0] ...

Weights are random normal (scaled so activations stay O(1)); with --qtype the 2-D weight
matrices are stored as random blocks of that quantized type (random codes, small f16 scales)
instead of F32.  Norm weights, biases and rope_freqs are always F32.
Also usable as a module: write_model(path, **options).
"""

import argparse
import struct

import numpy as np

GGUF_TYPES = {"F32": 0, "F16": 1, "Q4_0": 2, "Q4_1": 3, "Q5_0": 6, "Q5_1": 7, "Q8_0": 8,
              "Q2_K": 10, "Q3_K": 11, "Q4_K": 12, "Q5_K": 13, "Q6_K": 14, "BF16": 30}
BLOCK = {0: (1, 4), 1: (1, 2), 30: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24),
         8: (32, 34), 10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176), 14: (256, 210)}
# byte offsets of f16 scale fields inside a block (kept small and finite in random blocks)
F16_FIELDS = {2: [0], 3: [0, 2], 6: [0], 7: [0, 2], 8: [0], 10: [80, 82], 11: [108],
              12: [0, 2], 13: [0, 2], 14: [208]}
# rough rms of (sub-scale * code) per type, so random blocks come out with rms ~ the wanted scale
CODE_RMS = {2: 5, 3: 8, 6: 10, 7: 16, 8: 74, 10: 12, 11: 40, 12: 300, 13: 650, 14: 1300}


# ------------------------------------------------------------------ GGUF writer

class GGUFWriter:
    def __init__(self, alignment=32, version=3):
        self.kv = []           # (key, bytes of type+value)
        self.tensors = []      # (name, dims, type_id, raw bytes)
        self.alignment = alignment
        self.version = version
        if alignment != 32:
            self.add_u32("general.alignment", alignment)

    @staticmethod
    def _str(s):
        b = s.encode("utf-8")
        return struct.pack("<Q", len(b)) + b

    @staticmethod
    def _value(t, v):
        """Encode value v of metadata type t (arrays: t = (9, elem_type))."""
        if isinstance(t, tuple):
            et = t[1]
            head = struct.pack("<iQ", et[0] if isinstance(et, tuple) else et, len(v))
            return head + b"".join(GGUFWriter._value(et, e) for e in v)
        if t == 8:
            return GGUFWriter._str(v)
        fmt = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?",
               10: "<Q", 11: "<q", 12: "<d"}[t]
        return struct.pack(fmt, v)

    def add(self, key, t, v):
        tid = t[0] if isinstance(t, tuple) else t
        self.kv.append((key, struct.pack("<i", tid) + self._value(t, v)))

    def add_u32(self, k, v): self.add(k, 4, v)
    def add_f32(self, k, v): self.add(k, 6, v)
    def add_str(self, k, v): self.add(k, 8, v)

    def add_tensor(self, name, dims, type_id, raw):
        self.tensors.append((name, list(dims), type_id, bytes(raw)))

    def write(self, path):
        out = bytearray(b"GGUF")
        out += struct.pack("<Iqq", self.version, len(self.tensors), len(self.kv))
        for k, v in self.kv:
            out += self._str(k) + v
        offset = 0
        offsets = []
        for name, dims, tid, raw in self.tensors:
            offsets.append(offset)
            out += self._str(name) + struct.pack("<I", len(dims))
            out += b"".join(struct.pack("<q", d) for d in dims)
            out += struct.pack("<iQ", tid, offset)
            offset += (len(raw) + self.alignment - 1) // self.alignment * self.alignment
        out += bytes(-len(out) % self.alignment)
        for (name, dims, tid, raw), off in zip(self.tensors, offsets):
            out += raw + bytes(-len(raw) % self.alignment)
        with open(path, "wb") as f:
            f.write(out)


# ------------------------------------------------------------------ random tensors

def random_quant_blocks(rng, type_id, n_elements, scale):
    """Random bytes for n_elements of a quantized type, with finite small f16 scales."""
    blk, nb = BLOCK[type_id]
    assert n_elements % blk == 0
    b = rng.integers(0, 256, size=(n_elements // blk, nb), dtype=np.uint8)
    for off in F16_FIELDS[type_id]:
        d = (rng.uniform(0.5, 1.0, size=b.shape[0]) * scale / CODE_RMS[type_id]).astype("<f2")
        b[:, off:off + 2] = d.view(np.uint8).reshape(-1, 2)
    return b.tobytes()


def write_model(path, arch="qwen2", n_vocab=512, n_embd=64, n_ff=128, n_layer=2, n_head=4,
                n_head_kv=2, n_ctx=256, rope_base=10000.0, eps=1e-6, tied=False,
                rope_freqs=False, biases=None, qtype="F32", seed=0, alignment=32, n_rot=None,
                version=3, embd_qtype="F32"):
    rng = np.random.default_rng(seed)
    if biases is None:
        biases = arch == "qwen2"
    hd = n_embd // n_head
    qt = GGUF_TYPES[qtype]

    w = GGUFWriter(alignment=alignment, version=version)
    w.add_str("general.architecture", arch)
    w.add_str("general.name", f"ponder-reference-test-{arch}")
    w.add_u32(f"{arch}.context_length", n_ctx)
    w.add_u32(f"{arch}.embedding_length", n_embd)
    w.add_u32(f"{arch}.block_count", n_layer)
    w.add_u32(f"{arch}.feed_forward_length", n_ff)
    w.add_u32(f"{arch}.attention.head_count", n_head)
    w.add_u32(f"{arch}.attention.head_count_kv", n_head_kv)
    w.add_f32(f"{arch}.attention.layer_norm_rms_epsilon", eps)
    w.add_f32(f"{arch}.rope.freq_base", rope_base)
    if n_rot is not None:
        w.add_u32(f"{arch}.rope.dimension_count", n_rot)
    # dummy tokenizer keys (exercise string arrays / int arrays in readers)
    w.add_str("tokenizer.ggml.model", "gpt2")
    w.add("tokenizer.ggml.tokens", (9, 8), [f"tok{i}" for i in range(n_vocab)])
    w.add("tokenizer.ggml.token_type", (9, 5), [1] * n_vocab)
    w.add_u32("tokenizer.ggml.bos_token_id", 1)
    w.add_u32("tokenizer.ggml.eos_token_id", 2)
    w.add("test.nested", (9, (9, 4)), [[1, 2], [], [3]])   # nested array, ignored by models

    def f32(name, dims, std):
        n = int(np.prod(dims))
        w.add_tensor(name, dims, 0, (rng.standard_normal(n) * std).astype("<f4").tobytes())

    def weight(name, n_in, n_out, qt=qt, std=None):
        std = 1.0 / np.sqrt(n_in) if std is None else std
        if qt == 0:
            f32(name, [n_in, n_out], std)
        elif qt in (1, 30):
            v = (rng.standard_normal(n_in * n_out) * std).astype(np.float32)
            raw = v.astype("<f2").tobytes() if qt == 1 else (v.view(np.uint32) >> 16).astype("<u2").tobytes()
            w.add_tensor(name, [n_in, n_out], qt, raw)
        else:
            w.add_tensor(name, [n_in, n_out], qt, random_quant_blocks(rng, qt, n_in * n_out, std))

    def norm(name, n):
        w.add_tensor(name, [n], 0, (1.0 + 0.1 * rng.standard_normal(n)).astype("<f4").tobytes())

    weight("token_embd.weight", n_embd, n_vocab, qt=GGUF_TYPES[embd_qtype], std=1.0)
    if rope_freqs:
        w.add_tensor("rope_freqs.weight", [(n_rot or hd) // 2], 0,
                     rng.uniform(1.0, 8.0, (n_rot or hd) // 2).astype("<f4").tobytes())
    for il in range(n_layer):
        p = f"blk.{il}."
        norm(p + "attn_norm.weight", n_embd)
        weight(p + "attn_q.weight", n_embd, n_head * hd)
        weight(p + "attn_k.weight", n_embd, n_head_kv * hd)
        weight(p + "attn_v.weight", n_embd, n_head_kv * hd)
        if biases:
            f32(p + "attn_q.bias", [n_head * hd], 0.5)
            f32(p + "attn_k.bias", [n_head_kv * hd], 0.5)
            f32(p + "attn_v.bias", [n_head_kv * hd], 0.5)
        weight(p + "attn_output.weight", n_head * hd, n_embd)
        norm(p + "ffn_norm.weight", n_embd)
        weight(p + "ffn_gate.weight", n_embd, n_ff)
        weight(p + "ffn_up.weight", n_embd, n_ff)
        weight(p + "ffn_down.weight", n_ff, n_embd)
    norm("output_norm.weight", n_embd)
    if not tied:
        weight("output.weight", n_embd, n_vocab)
    w.write(path)
    return path


def main():
    ap = argparse.ArgumentParser(description="write a small random GGUF test model")
    ap.add_argument("--out", required=True)
    ap.add_argument("--arch", default="qwen2", choices=["qwen2", "llama"])
    ap.add_argument("--vocab", type=int, default=512)
    ap.add_argument("--embd", type=int, default=64)
    ap.add_argument("--ff", type=int, default=128)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--ctx", type=int, default=256)
    ap.add_argument("--rope-base", type=float, default=10000.0)
    ap.add_argument("--eps", type=float, default=1e-6)
    ap.add_argument("--tied", action="store_true")
    ap.add_argument("--rope-freqs", action="store_true")
    ap.add_argument("--qtype", default="F32", choices=sorted(GGUF_TYPES))
    ap.add_argument("--embd-qtype", default="F32", choices=sorted(GGUF_TYPES))
    ap.add_argument("--alignment", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    write_model(a.out, arch=a.arch, n_vocab=a.vocab, n_embd=a.embd, n_ff=a.ff, n_layer=a.layers,
                n_head=a.heads, n_head_kv=a.kv_heads, n_ctx=a.ctx, rope_base=a.rope_base,
                eps=a.eps, tied=a.tied, rope_freqs=a.rope_freqs, qtype=a.qtype, seed=a.seed,
                alignment=a.alignment, embd_qtype=a.embd_qtype)


if __name__ == "__main__":
    main()
