#!/usr/bin/python3
"""Reference forward pass for GGUF `qwen2` and `llama` models (numpy, float64).

Independent reference for testing the C++ engine's logits.  Written from the math:

    x = embd[tok]                                            # (n_embd,)
    for each layer:
        h  = rmsnorm(x) * attn_norm
        q  = Wq h (+bq);  k = Wk h (+bk);  v = Wv h (+bv)     # biases used whenever present
        q, k = rope(q, p), rope(k, p)                         # per head, first n_rot dims
        a  = causal softmax attention, scale 1/sqrt(head_dim), grouped-query
        x  = x + Wo a
        h  = rmsnorm(x) * ffn_norm
        x  = x + Wdown (silu(Wgate h) * (Wup h))
    logits = Wout (rmsnorm(x) * output_norm)                  # Wout = token_embd if output absent

Precision: weights are dequantized to float32 exactly as the GGUF block formats define
(dequant.py), then widened to float64; every activation, matmul, norm, RoPE angle, softmax
and accumulation is float64.  Logits are written as float32.

GGUF weight with dims {in, out} (dims[0] contiguous) is the row-major (out, in) matrix W,
applied as y = W @ x.  All positions of the prompt are processed together (one row per token).

CLI:
  reference_forward.py --model M.gguf --tokens 1,2,3 --out logits.npy     # float32 [n_tokens, n_vocab]
  reference_forward.py --model M.gguf --dequant-tensor NAME --out x.npy   # float32 flat, GGUF order
"""

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dequant import dequantize          # noqa: E402
from gguf_reader import read_gguf, tensor_nbytes   # noqa: E402

F64 = np.float64
SUPPORTED_ARCHS = ("qwen2", "llama", "deepseek2")   # deepseek2: reference_deepseek2.py
NEOX_ARCHS = ("qwen2",)                 # rotate halves; the others rotate adjacent pairs


# ------------------------------------------------------------------ model loading

class Model:
    def __init__(self, path):
        self.metadata, self.tensors = read_gguf(path)
        md = self.metadata
        arch = md.get("general.architecture")
        if arch not in SUPPORTED_ARCHS:
            raise ValueError(f"unsupported architecture {arch!r}")
        self.arch = arch

        def key(name, default=None):
            k = f"{arch}.{name}"
            if k in md:
                return md[k]
            if default is None:
                raise KeyError(f"missing metadata key {k}")
            return default

        self.n_layer = int(key("block_count"))
        self.n_embd = int(key("embedding_length"))
        self.n_ff = int(key("feed_forward_length"))
        self.n_head = int(key("attention.head_count"))
        self.n_head_kv = int(key("attention.head_count_kv", self.n_head))
        self.eps = float(key("attention.layer_norm_rms_epsilon"))
        self.rope_base = float(key("rope.freq_base", 10000.0))
        self.head_dim = int(key("attention.key_length", self.n_embd // self.n_head))
        self.head_dim_v = int(key("attention.value_length", self.head_dim))
        self.n_rot = int(key("rope.dimension_count", self.head_dim))
        self.n_ctx_train = int(key("context_length"))
        scaling = key("rope.scaling.type", "none")
        if arch == "deepseek2":
            self.rope_pos_scale = 1.0  # YaRN: reference_deepseek2.py
        elif scaling == "linear":
            self.rope_pos_scale = 1.0 / float(key("rope.scaling.factor"))
        elif scaling in ("none", ""):
            self.rope_pos_scale = 1.0
        else:
            raise ValueError(f"unsupported rope scaling {scaling!r}")
        if self.n_head % self.n_head_kv:
            raise ValueError("head_count must be a multiple of head_count_kv")
        if self.n_rot % 2 or self.n_rot > self.head_dim:
            raise ValueError("bad rope.dimension_count")
        self.neox = arch in NEOX_ARCHS

        _, dims, _ = self.tensors["token_embd.weight"]
        if dims[0] != self.n_embd:
            raise ValueError("token_embd.weight dims[0] != embedding_length")
        self.n_vocab = int(dims[1])
        self.output_name = "output.weight" if "output.weight" in self.tensors else "token_embd.weight"
        self.rope_freqs = self.vector("rope_freqs.weight") if "rope_freqs.weight" in self.tensors else None

    def has(self, name):
        return name in self.tensors

    def flat(self, name):
        """Tensor dequantized to float32, flat in GGUF element order."""
        ttype, dims, raw = self.tensors[name]
        return dequantize(ttype, raw, int(np.prod(dims, dtype=np.int64)))

    def vector(self, name):
        """1-D tensor as float64."""
        return self.flat(name).astype(F64)

    def matrix(self, name, rows=None):
        """GGUF {in, out} tensor -> float64 (out, in) matrix; optionally only rows[0]:rows[1]."""
        ttype, dims, raw = self.tensors[name]
        if len(dims) != 2:
            raise ValueError(f"{name}: expected a 2-D tensor, got dims {dims}")
        n_in, n_out = int(dims[0]), int(dims[1])
        r0, r1 = rows if rows is not None else (0, n_out)
        row_bytes = tensor_nbytes(ttype, n_in)       # rows are whole blocks (n_in % block == 0)
        part = raw[r0 * row_bytes:r1 * row_bytes]
        return dequantize(ttype, part, (r1 - r0) * n_in).reshape(r1 - r0, n_in).astype(F64)

    def embedding_rows(self, tokens):
        """token_embd rows for the given token ids -> (n_tokens, n_embd) float64."""
        return np.stack([self.matrix("token_embd.weight", rows=(t, t + 1))[0] for t in tokens])


# ------------------------------------------------------------------ ops

def rmsnorm(x, weight, eps):
    """x: (T, n) ; weight: (n,) -> (T, n).  x / sqrt(mean(x^2) + eps) * weight."""
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * weight


def linear(model, name, x, bias_name=None):
    """x: (T, in) -> (T, out) = x @ W.T (+ bias), W the (out, in) matrix of tensor `name`."""
    y = x @ model.matrix(name).T
    if bias_name is not None and model.has(bias_name):
        y = y + model.vector(bias_name)
    return y


def rope_angles(model, positions):
    """positions: (T,) -> angles (T, n_rot/2) = p * base^(-2i/n_rot) [/ rope_freqs[i]]."""
    i = np.arange(model.n_rot // 2, dtype=F64)
    freq = model.rope_base ** (-2.0 * i / model.n_rot)
    if model.rope_freqs is not None:
        freq = freq / model.rope_freqs[: model.n_rot // 2]
    pos = np.asarray(positions, dtype=F64) * model.rope_pos_scale
    return pos[:, None] * freq[None, :]


def rope(model, x, angles):
    """x: (T, n_heads, head_dim); rotate the first n_rot dims of every head.
    NEOX (qwen2): pairs (x_i, x_{i+n_rot/2});  normal (llama): pairs (x_{2i}, x_{2i+1})."""
    half = model.n_rot // 2
    cos = np.cos(angles)[:, None, :]           # (T, 1, n_rot/2)
    sin = np.sin(angles)[:, None, :]
    out = x.copy()
    if model.neox:
        a, b = x[..., :half], x[..., half:model.n_rot]
        out[..., :half] = a * cos - b * sin
        out[..., half:model.n_rot] = a * sin + b * cos
    else:
        a, b = x[..., 0:model.n_rot:2], x[..., 1:model.n_rot:2]
        out[..., 0:model.n_rot:2] = a * cos - b * sin
        out[..., 1:model.n_rot:2] = a * sin + b * cos
    return out


def attention(model, q, k, v):
    """q: (T, n_head, hd), k: (T, n_kv, hd), v: (T, n_kv, hd_v) -> (T, n_head * hd_v).
    Causal: position t attends to positions <= t.  Query head h uses kv head h // (n_head / n_kv)."""
    T = q.shape[0]
    group = model.n_head // model.n_head_kv
    scale = 1.0 / np.sqrt(model.head_dim)
    mask = np.triu(np.ones((T, T), dtype=bool), k=1)            # True above the diagonal = future
    out = np.empty((T, model.n_head, model.head_dim_v), dtype=F64)
    for h in range(model.n_head):
        kv = h // group
        scores = (q[:, h, :] @ k[:, kv, :].T) * scale           # (T, T)
        scores[mask] = -np.inf
        scores -= scores.max(axis=-1, keepdims=True)
        p = np.exp(scores)
        p /= p.sum(axis=-1, keepdims=True)
        out[:, h, :] = p @ v[:, kv, :]                          # (T, hd_v)
    return out.reshape(T, model.n_head * model.head_dim_v)


def silu(x):
    return x / (1.0 + np.exp(-x))


def attention_block(model, il, x, angles, kv_f16=False):
    """x: (T, n_embd) -> attention output (T, n_embd) for layer il (before the residual add).
    kv_f16: keys and values are rounded to IEEE half precision as a half-precision KV cache stores
    them (round to nearest even), the rest stays float64."""
    p = f"blk.{il}."
    T = x.shape[0]
    h = rmsnorm(x, model.vector(p + "attn_norm.weight"), model.eps)
    q = linear(model, p + "attn_q.weight", h, p + "attn_q.bias").reshape(T, model.n_head, model.head_dim)
    k = linear(model, p + "attn_k.weight", h, p + "attn_k.bias").reshape(T, model.n_head_kv, model.head_dim)
    v = linear(model, p + "attn_v.weight", h, p + "attn_v.bias").reshape(T, model.n_head_kv, model.head_dim_v)
    q = rope(model, q, angles)
    k = rope(model, k, angles)
    if kv_f16:
        k = k.astype(np.float16).astype(F64)
        v = v.astype(np.float16).astype(F64)
    a = attention(model, q, k, v)                               # (T, n_head * hd_v)
    return linear(model, p + "attn_output.weight", a, p + "attn_output.bias")


def ffn_block(model, il, x):
    """x: (T, n_embd) -> SwiGLU FFN output (T, n_embd) for layer il (before the residual add)."""
    p = f"blk.{il}."
    h = rmsnorm(x, model.vector(p + "ffn_norm.weight"), model.eps)
    g = linear(model, p + "ffn_gate.weight", h)                 # (T, n_ff)
    u = linear(model, p + "ffn_up.weight", h)                   # (T, n_ff)
    return linear(model, p + "ffn_down.weight", silu(g) * u)    # (T, n_embd)


def output_logits(model, x, chunk_rows=16384):
    """x: (T, n_embd) -> logits (T, n_vocab); the output matrix is dequantized in row chunks."""
    h = rmsnorm(x, model.vector("output_norm.weight"), model.eps)
    logits = np.empty((x.shape[0], model.n_vocab), dtype=F64)
    for r0 in range(0, model.n_vocab, chunk_rows):
        r1 = min(r0 + chunk_rows, model.n_vocab)
        logits[:, r0:r1] = h @ model.matrix(model.output_name, rows=(r0, r1)).T
    return logits


def forward(model, tokens, kv_f16=False):
    """tokens: list of ids at positions 0..T-1 -> float64 logits (T, n_vocab) for every position."""
    tokens = [int(t) for t in tokens]
    if not tokens:
        raise ValueError("no tokens")
    if any(t < 0 or t >= model.n_vocab for t in tokens):
        raise ValueError("token id out of range")
    if len(tokens) > model.n_ctx_train:
        raise ValueError("more tokens than context_length")
    x = model.embedding_rows(tokens)                            # (T, n_embd)
    angles = rope_angles(model, np.arange(len(tokens)))        # (T, n_rot/2)
    for il in range(model.n_layer):
        x = x + attention_block(model, il, x, angles, kv_f16)
        x = x + ffn_block(model, il, x)
    return output_logits(model, x)


# ------------------------------------------------------------------ CLI

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--tokens", help="comma-separated token ids, positions 0..n-1")
    ap.add_argument("--dequant-tensor", help="write this tensor dequantized (float32, flat)")
    ap.add_argument("--out", required=True, help=".npy output path")
    ap.add_argument("--route-margins", help="deepseek2: also write each token's smallest MoE routing margin "
                    "(.npy; how near a choice of experts came to a tie)")
    ap.add_argument("--kv-cache", choices=["f32", "f16"], default="f32",
                    help="f16: keys and values rounded to half precision, as a half-precision KV cache stores them")
    args = ap.parse_args(argv)
    if (args.tokens is None) == (args.dequant_tensor is None):
        ap.error("give exactly one of --tokens or --dequant-tensor")

    model = Model(args.model)
    if args.dequant_tensor is not None:
        if not model.has(args.dequant_tensor):
            ap.error(f"no tensor named {args.dequant_tensor}")
        np.save(args.out, model.flat(args.dequant_tensor).astype(np.float32))
        return 0
    tokens = [int(t) for t in args.tokens.replace(" ", "").split(",") if t != ""]
    if model.arch == "deepseek2":
        from reference_deepseek2 import Deepseek2
        ds = Deepseek2(model)
        logits = ds.forward(tokens, kv_f16=args.kv_cache == "f16")
        if args.route_margins:
            np.save(args.route_margins, ds.margins.astype(np.float32))
    else:
        logits = forward(model, tokens, kv_f16=args.kv_cache == "f16")
    np.save(args.out, logits.astype(np.float32))
    return 0


if __name__ == "__main__":
    sys.exit(main())
