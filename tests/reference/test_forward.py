"""End-to-end checks of reference_forward.py against a slow, loop-based, token-by-token
(KV-cache) re-implementation in plain Python floats, on small random GGUF models.

Run: /usr/bin/python3 tests/reference/test_forward.py
"""

import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from dequant import dequantize               # noqa: E402
from gguf_reader import read_gguf            # noqa: E402
from make_test_model import write_model      # noqa: E402
import reference_forward as rf               # noqa: E402

FAILS = []


def report(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name + (f"  {detail}" if detail else ""))
    if not ok:
        FAILS.append(name)


# ------------------------------------------------------------------ loop-based version

def loop_forward(path, tokens):
    """Plain-Python, one token at a time with a KV cache.  Returns list of logit lists."""
    md, ts = read_gguf(path)
    arch = md["general.architecture"]
    n_layer = md[f"{arch}.block_count"]
    n_embd = md[f"{arch}.embedding_length"]
    n_head = md[f"{arch}.attention.head_count"]
    n_kv = md[f"{arch}.attention.head_count_kv"]
    eps = md[f"{arch}.attention.layer_norm_rms_epsilon"]
    base = md[f"{arch}.rope.freq_base"]
    hd = n_embd // n_head
    n_rot = md.get(f"{arch}.rope.dimension_count", hd)

    def t(name):
        """(flat list, dims) of a tensor."""
        ttype, dims, raw = ts[name]
        n = 1
        for d in dims:
            n *= d
        return dequantize(ttype, raw, n).tolist(), dims

    def matvec(name, x):
        # element (i, o) of a {in, out} tensor lives at flat[i + o*in]; y[o] = sum_i W[o][i] x[i]
        w, (n_in, n_out) = t(name)
        y = []
        for o in range(n_out):
            s = 0.0
            row = o * n_in
            for i in range(n_in):
                s += w[row + i] * x[i]
            y.append(s)
        if name.replace(".weight", ".bias") in ts:
            b, _ = t(name.replace(".weight", ".bias"))
            y = [y[o] + b[o] for o in range(n_out)]
        return y

    def norm(x, name):
        w, _ = t(name)
        ms = sum(v * v for v in x) / len(x)
        r = 1.0 / math.sqrt(ms + eps)
        return [x[i] * r * w[i] for i in range(len(x))]

    freqs = t("rope_freqs.weight")[0] if "rope_freqs.weight" in ts else None

    def rope(vec, n_heads, pos):
        out = list(vec)
        for h in range(n_heads):
            o = h * hd
            for i in range(n_rot // 2):
                theta = pos * base ** (-2.0 * i / n_rot)
                if freqs is not None:
                    theta /= freqs[i]
                if arch == "qwen2":
                    a, b = o + i, o + i + n_rot // 2
                else:
                    a, b = o + 2 * i, o + 2 * i + 1
                x0, x1 = vec[a], vec[b]
                out[a] = x0 * math.cos(theta) - x1 * math.sin(theta)
                out[b] = x0 * math.sin(theta) + x1 * math.cos(theta)
        return out

    emb, (ne, nv) = t("token_embd.weight")
    out_name = "output.weight" if "output.weight" in ts else "token_embd.weight"
    kcache = [[] for _ in range(n_layer)]
    vcache = [[] for _ in range(n_layer)]
    all_logits = []
    for pos, tok in enumerate(tokens):
        x = emb[tok * n_embd:(tok + 1) * n_embd]
        for il in range(n_layer):
            p = f"blk.{il}."
            h = norm(x, p + "attn_norm.weight")
            q = rope(matvec(p + "attn_q.weight", h), n_head, pos)
            k = rope(matvec(p + "attn_k.weight", h), n_kv, pos)
            v = matvec(p + "attn_v.weight", h)
            kcache[il].append(k)
            vcache[il].append(v)
            att = []
            for hh in range(n_head):
                kvh = hh // (n_head // n_kv)
                scores = []
                for tp in range(pos + 1):
                    kk = kcache[il][tp]
                    s = sum(q[hh * hd + d] * kk[kvh * hd + d] for d in range(hd))
                    scores.append(s / math.sqrt(hd))
                m = max(scores)
                e = [math.exp(s - m) for s in scores]
                z = sum(e)
                for d in range(hd):
                    att.append(sum(e[tp] / z * vcache[il][tp][kvh * hd + d] for tp in range(pos + 1)))
            o = matvec(p + "attn_output.weight", att)
            x = [x[i] + o[i] for i in range(n_embd)]
            h = norm(x, p + "ffn_norm.weight")
            g = matvec(p + "ffn_gate.weight", h)
            u = matvec(p + "ffn_up.weight", h)
            a = [g[i] / (1.0 + math.exp(-g[i])) * u[i] for i in range(len(g))]
            d = matvec(p + "ffn_down.weight", a)
            x = [x[i] + d[i] for i in range(n_embd)]
        h = norm(x, "output_norm.weight")
        all_logits.append(matvec(out_name, h))
    return all_logits


# ------------------------------------------------------------------ checks

def compare(name, path, tokens, tol=1e-9):
    ref = rf.forward(rf.Model(path), tokens)
    loop = np.array(loop_forward(path, tokens))
    err = np.max(np.abs(ref - loop)) / max(1.0, np.max(np.abs(loop)))
    report(name, ref.shape == loop.shape and err < tol,
           f"shape {ref.shape}, max rel err {err:.2e}, |logits| max {np.max(np.abs(loop)):.2f}")
    return ref


def main():
    tmp = tempfile.mkdtemp(prefix="ponder_ref_")
    try:
        return run_all(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run_all(tmp):
    P = lambda n: os.path.join(tmp, n)   # noqa: E731

    qwen = write_model(P("qwen.gguf"), arch="qwen2", seed=1)
    llama = write_model(P("llama.gguf"), arch="llama", seed=2, rope_base=500000.0, eps=1e-5)
    toks = [5, 77, 300, 1, 511, 42]

    compare("qwen2 1 token vs loop", qwen, [7])
    compare("llama 1 token vs loop", llama, [7])
    compare("qwen2 6 tokens vs loop (RoPE halves, GQA, biases)", qwen, toks)
    compare("llama 6 tokens vs loop (RoPE adjacent pairs, GQA)", llama, toks)

    tied = write_model(P("tied.gguf"), arch="qwen2", tied=True, seed=3)
    assert "output.weight" not in read_gguf(tied)[1]
    compare("qwen2 tied output vs loop", tied, toks[:3])
    compare("llama tied + rope_freqs + MHA (n_kv = n_head) vs loop",
            write_model(P("llama31.gguf"), arch="llama", tied=True, rope_freqs=True, n_head_kv=4, seed=4),
            toks[:4])
    compare("llama 40 tokens + rope_freqs vs loop (larger positions)",
            write_model(P("llama40.gguf"), arch="llama", rope_freqs=True, n_layer=1, rope_base=500000.0, seed=10),
            [(i * 37) % 512 for i in range(40)])
    compare("llama partial rotary (n_rot=8 < head_dim=16) vs loop",
            write_model(P("nrot.gguf"), arch="llama", n_rot=8, seed=5), toks[:4])
    compare("qwen2 partial rotary (n_rot=8) vs loop",
            write_model(P("nrot_q.gguf"), arch="qwen2", n_rot=8, seed=5), toks[:4])
    compare("GGUF v2 + alignment 64 + MQA (n_kv=1) vs loop",
            write_model(P("v2.gguf"), arch="qwen2", version=2, alignment=64, n_head_kv=1, seed=6), toks[:3])
    for qt in ("Q8_0", "Q4_K", "Q6_K", "F16", "BF16"):
        compare(f"{qt} weights (n_embd 256) vs loop",
                write_model(P(f"{qt}.gguf"), arch="qwen2", n_embd=256, n_ff=256, n_layer=1, qtype=qt,
                            n_vocab=256, seed=7), [3, 9])

    compare("tied Q8_0 token_embd (row gather + output from quantized embd) vs loop",
                  write_model(P("tiedq8.gguf"), arch="llama", tied=True, embd_qtype="Q8_0", seed=9), [0, 511, 256])
    mq8 = rf.Model(P("tiedq8.gguf"))
    x = mq8.embedding_rows([0, 511, 256])                      # any (T, n_embd) hidden state
    report("output_logits: row-chunked == unchunked",
           np.allclose(rf.output_logits(mq8, x, chunk_rows=100), rf.output_logits(mq8, x), rtol=0, atol=1e-12))

    # the tied model must really use token_embd.  Same seed => every tensor except output.weight
    # is identical, so the final hidden state h is the same: recover h from the untied logits
    # (least squares through output.weight) and check tied logits == h @ token_embd^T.
    untied = write_model(P("untied.gguf"), arch="qwen2", tied=False, seed=3)
    mu, mt = rf.Model(untied), rf.Model(tied)
    lu, lt = rf.forward(mu, [3, 4]), rf.forward(mt, [3, 4])
    h = np.linalg.lstsq(mu.matrix("output.weight"), lu.T, rcond=None)[0]     # (n_embd, T)
    pred = (mt.matrix("token_embd.weight") @ h).T
    report("tied output uses token_embd as the output matrix",
           lt.shape == (2, 512) and np.allclose(pred, lt, atol=1e-8), f"max err {np.max(np.abs(pred - lt)):.1e}")

    # causality: prefix logits equal the first rows of the longer run
    mq = rf.Model(qwen)
    full = rf.forward(mq, toks)
    pref = rf.forward(mq, toks[:3])
    report("causal: prefix logits == first rows of longer run",
           np.allclose(full[:3], pref, rtol=0, atol=1e-12))
    report("later positions differ from earlier", not np.allclose(full[3], full[4]))

    # metadata reader: nested arrays, strings
    md, _ = read_gguf(qwen)
    report("reader: nested array / string array metadata",
           md["test.nested"] == [[1, 2], [], [3]] and md["tokenizer.ggml.tokens"][5] == "tok5"
           and abs(md["qwen2.attention.layer_norm_rms_epsilon"] - 1e-6) < 1e-12)

    # CLI: logits and dequant-tensor
    script = os.path.join(HERE, "reference_forward.py")
    out = P("logits.npy")
    subprocess.run([sys.executable, script, "--model", qwen, "--tokens", ",".join(map(str, toks)),
                    "--out", out], check=True)
    got = np.load(out)
    report("CLI --tokens writes float32 [n_tokens, n_vocab]",
           got.dtype == np.float32 and got.shape == (len(toks), 512)
           and np.array_equal(got, full.astype(np.float32)))
    q4k = P("Q4_K.gguf")
    subprocess.run([sys.executable, script, "--model", q4k, "--dequant-tensor", "blk.0.ffn_up.weight",
                    "--out", out], check=True)
    got = np.load(out)
    tt, dims, raw = read_gguf(q4k)[1]["blk.0.ffn_up.weight"]
    report("CLI --dequant-tensor writes flat float32",
           got.dtype == np.float32 and got.shape == (dims[0] * dims[1],)
           and np.array_equal(got, dequantize(tt, raw, dims[0] * dims[1])))

    # speed: ~5M parameter model, 64 tokens
    import time
    big = write_model(P("big.gguf"), arch="qwen2", n_vocab=4096, n_embd=256, n_ff=768, n_layer=8,
                      n_head=8, n_head_kv=2, qtype="Q4_K", seed=8)
    t0 = time.time()
    lg = rf.forward(rf.Model(big), list(range(0, 4096, 64)))
    dt = time.time() - t0
    report("~5M params, 64 tokens runs in a few seconds", dt < 10 and np.all(np.isfinite(lg)),
           f"{dt:.2f} s, file {os.path.getsize(big)} bytes")

    if FAILS:
        print(f"\n{len(FAILS)} FAILED: {FAILS}")
        return 1
    print("\nall forward tests passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
