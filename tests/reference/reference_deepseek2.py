#!/usr/bin/python3
"""Reference forward pass for GGUF `deepseek2` models (DeepSeek-V3 / R1), numpy float64.

Written from DeepSeek-V3's equations, deliberately in the naive (non-absorbed) form, so that it
checks the engine's absorbed latent attention rather than repeating it:

    per layer, for all tokens at once:
      h      = rmsnorm(x) * attn_norm
      q      = W_qb (rmsnorm(W_qa h) * q_a_norm)        (or W_q h without a q low rank)
             -> per head [q_nope (nope) | q_pe (rope)]
      kv     = W_kva h -> c = rmsnorm(kv[:rank]) * kv_a_norm,  k_pe = kv[rank:]   (shared by heads)
      q_pe, k_pe rotated (adjacent pairs) with YaRN frequencies, unit magnitude
      k_h    = [W_UK_h c | k_pe],   v_h = W_UV_h c          (per head, from attn_kv_b or k_b/v_b)
      o_h    = softmax(q_h . k_h * scale, causal) v_h,  scale = mscale^2 / sqrt(nope + rope)
      x     += W_o concat(o_h)
      h      = rmsnorm(x) * ffn_norm
      dense layers: x += W_down (silu(W_gate h) * W_up h)
      MoE layers:   s = sigmoid(W_router h); choose by s + bias: groups ranked by the sum of their
                    two best, the best n_group_used kept, the k best experts among them;
                    w = s of the chosen, normalised, times expert_weights_scale;
                    x += sum_j w_j expert_j(h) + shared_expert(h)
    logits = W_out (rmsnorm(x) * output_norm)

YaRN (as DeepSeek-V3's reference code): f_i = base^(-2i/n_rot); correction range
low = floor(d(beta_fast)), high = ceil(d(beta_slow)) clamped to [0, n_rot - 1], with
d(b) = n_rot ln(orig_ctx / (2 pi b)) / (2 ln base); ramp r_i = clamp((i - low) / (high - low), 0, 1);
f_i' = f_i / factor * r_i + f_i * (1 - r_i); mscale = 1 + yarn_log_multiplier * ln(factor).

kv_f16: c and k_pe are rounded to half precision, as a half-precision latent cache stores them.
"""
import math

import numpy as np

from reference_forward import Model, rmsnorm, silu, F64  # noqa: F401  (shared loading and ops)


class Deepseek2:
    def __init__(self, model):
        self.m = m = model
        md, a = m.metadata, "deepseek2."

        def key(name, default=None):
            if a + name in md:
                return md[a + name]
            if default is None:
                raise KeyError(a + name)
            return default

        self.H = int(key("attention.head_count"))
        self.rank = int(key("attention.kv_lora_rank"))
        self.q_lora = int(key("attention.q_lora_rank", 0))
        self.rope_dims = int(key("rope.dimension_count"))
        if a + "attention.key_length_mla" in md:
            self.nope = int(key("attention.key_length_mla")) - self.rope_dims
            self.v = int(key("attention.value_length_mla"))
        else:
            self.nope = int(key("attention.key_length")) - self.rope_dims
            self.v = int(key("attention.value_length"))
        self.dense_lead = int(key("leading_dense_block_count", 0))
        self.n_expert = int(key("expert_count", 0))
        self.k = int(key("expert_used_count", 0))
        self.n_group = int(key("expert_group_count", 1))
        self.n_group_used = int(key("expert_group_used_count", 1))
        self.w_scale = float(key("expert_weights_scale", 1.0))
        self.w_norm = bool(key("expert_weights_norm", False))
        if int(key("expert_gating_func", 0)) != 2:
            raise ValueError("this reference implements sigmoid routing (expert_gating_func 2) only")
        self.base = float(key("rope.freq_base", 10000.0))
        self.yarn = key("rope.scaling.type", "none") == "yarn"
        self.factor = float(key("rope.scaling.factor", 1.0))
        self.orig_ctx = float(key("rope.scaling.original_context_length", 0))
        self.log_mul = float(key("rope.scaling.yarn_log_multiplier", 0.0))
        self.beta_fast = float(key("rope.scaling.yarn_beta_fast", 32.0))
        self.beta_slow = float(key("rope.scaling.yarn_beta_slow", 1.0))

    # -------------------------------------------------------------- pieces

    def freqs(self):
        n = self.rope_dims
        f = self.base ** (-2.0 * np.arange(n // 2, dtype=F64) / n)
        if not (self.yarn and self.factor > 1):
            return f

        def d(b):
            return n * math.log(self.orig_ctx / (2 * math.pi * b)) / (2 * math.log(self.base))
        low = max(math.floor(d(self.beta_fast)), 0)
        high = min(math.ceil(d(self.beta_slow)), n - 1)
        r = np.clip((np.arange(n // 2, dtype=F64) - low) / max(high - low, 0.001), 0, 1)
        return f / self.factor * r + f * (1 - r)

    def scale(self):
        ms = 1 + self.log_mul * math.log(self.factor) if (self.yarn and self.factor > 1) else 1.0
        return ms * ms / math.sqrt(self.nope + self.rope_dims)

    def rope(self, x, angles):
        """x: (T, ..., rope_dims), adjacent pairs rotated by angles (T, rope_dims/2)."""
        a, b = x[..., 0::2], x[..., 1::2]
        shape = (angles.shape[0],) + (1,) * (x.ndim - 2) + (angles.shape[1],)
        c, s = np.cos(angles).reshape(shape), np.sin(angles).reshape(shape)
        out = np.empty_like(x)
        out[..., 0::2] = a * c - b * s
        out[..., 1::2] = a * s + b * c
        return out

    def per_head(self, p):
        """(W_UK, W_UV): (H, nope, rank) and (H, v, rank), from attn_k_b/attn_v_b or attn_kv_b."""
        m = self.m
        if m.has(p + "attn_k_b.weight"):
            k_b = m.flat(p + "attn_k_b.weight").astype(F64).reshape(self.H, self.rank, self.nope)  # (h, c, n)
            v_b = m.flat(p + "attn_v_b.weight").astype(F64).reshape(self.H, self.v, self.rank)     # (h, v, c)
            return k_b.transpose(0, 2, 1), v_b
        kv_b = m.matrix(p + "attn_kv_b.weight").reshape(self.H, self.nope + self.v, self.rank)
        return kv_b[:, :self.nope, :], kv_b[:, self.nope:, :]

    def attention(self, il, h, angles, kv_f16):
        m, p, H, T = self.m, f"blk.{il}.", self.H, h.shape[0]
        if self.q_lora:
            cq = rmsnorm(h @ m.matrix(p + "attn_q_a.weight").T, m.vector(p + "attn_q_a_norm.weight"), m.eps)
            q = cq @ m.matrix(p + "attn_q_b.weight").T
        else:
            q = h @ m.matrix(p + "attn_q.weight").T
        q = q.reshape(T, H, self.nope + self.rope_dims)
        q_nope, q_pe = q[..., :self.nope], self.rope(q[..., self.nope:], angles)
        kv = h @ m.matrix(p + "attn_kv_a_mqa.weight").T
        c = rmsnorm(kv[:, :self.rank], m.vector(p + "attn_kv_a_norm.weight"), m.eps)
        k_pe = self.rope(kv[:, self.rank:], angles)
        if kv_f16:
            c = c.astype(np.float16).astype(F64)
            k_pe = k_pe.astype(np.float16).astype(F64)
        w_uk, w_uv = self.per_head(p)
        mask = np.triu(np.ones((T, T), dtype=bool), k=1)
        out = np.empty((T, H, self.v), dtype=F64)
        for hd in range(H):
            k_h = np.concatenate([c @ w_uk[hd].T, k_pe], axis=1)        # (T, nope + rope)
            v_h = c @ w_uv[hd].T                                         # (T, v)
            q_h = np.concatenate([q_nope[:, hd], q_pe[:, hd]], axis=1)
            s = (q_h @ k_h.T) * self.scale()
            s[mask] = -np.inf
            s -= s.max(axis=1, keepdims=True)
            pr = np.exp(s)
            pr /= pr.sum(axis=1, keepdims=True)
            out[:, hd] = pr @ v_h
        return out.reshape(T, H * self.v) @ m.matrix(p + "attn_output.weight").T

    def ffn(self, p, suffix, h):
        m = self.m
        g = h @ m.matrix(p + f"ffn_gate{suffix}.weight").T
        u = h @ m.matrix(p + f"ffn_up{suffix}.weight").T
        return (silu(g) * u) @ m.matrix(p + f"ffn_down{suffix}.weight").T

    def expert(self, p, e, hv):
        m = self.m

        def mat(name):  # expert e of a {in, out, n_expert} tensor as an (out, in) matrix
            _, dims, _ = m.tensors[p + name]
            return m.flat(p + name).astype(F64).reshape(int(dims[2]), int(dims[1]), int(dims[0]))[e]
        g = mat("ffn_gate_exps.weight") @ hv
        u = mat("ffn_up_exps.weight") @ hv
        return mat("ffn_down_exps.weight") @ (silu(g) * u)

    def route(self, logits_row, bias):
        s = 1 / (1 + np.exp(-logits_row))
        sel = s + (bias if bias is not None else 0)
        per = self.n_expert // self.n_group
        groups = [np.sort(sel[g * per:(g + 1) * per])[::-1] for g in range(self.n_group)]
        gscore = np.array([gr[0] + gr[1] if len(gr) > 1 else gr[0] for gr in groups])
        order = np.argsort(-gscore, kind="stable")
        kept = sorted(order[:self.n_group_used])
        cand = [e for g in kept for e in range(g * per, (g + 1) * per)]
        cand.sort(key=lambda e: (-sel[e], e))
        chosen = cand[:self.k]
        # How close the choice was to going another way (a tie broken by rounding noise).
        margin = sel[cand[self.k - 1]] - sel[cand[self.k]] if len(cand) > self.k else np.inf
        if self.n_group_used < self.n_group:
            margin = min(margin, gscore[order[self.n_group_used - 1]] - gscore[order[self.n_group_used]])
        self.margin = min(self.margin, margin)
        w = s[chosen]
        if self.w_norm:
            w = w / w.sum()
        return chosen, w * self.w_scale

    def moe(self, il, h):
        m, p = self.m, f"blk.{il}."
        logits = h @ m.matrix(p + "ffn_gate_inp.weight").T
        bias = m.vector(p + "exp_probs_b.bias") if m.has(p + "exp_probs_b.bias") else None
        y = np.zeros_like(h)
        for t in range(h.shape[0]):
            self.margin = self.margins[t]
            chosen, w = self.route(logits[t], bias)
            self.margins[t] = self.margin
            for e, we in zip(chosen, w):
                y[t] += we * self.expert(p, e, h[t])
        if m.has(p + "ffn_gate_shexp.weight"):
            y += self.ffn(p, "_shexp", h)
        return y

    def forward(self, tokens, kv_f16=False):
        m = self.m
        self.margins = np.full(len(tokens), np.inf)  # per token: the closest routing call of any layer
        x = m.embedding_rows(tokens)
        angles = np.arange(len(tokens), dtype=F64)[:, None] * self.freqs()[None, :]
        for il in range(m.n_layer):
            x = x + self.attention(il, rmsnorm(x, m.vector(f"blk.{il}.attn_norm.weight"), m.eps), angles, kv_f16)
            h = rmsnorm(x, m.vector(f"blk.{il}.ffn_norm.weight"), m.eps)
            x = x + (self.ffn(f"blk.{il}.", "", h) if il < self.dense_lead or self.n_expert == 0 else self.moe(il, h))
        h = rmsnorm(x, m.vector("output_norm.weight"), m.eps)
        return h @ m.matrix("output.weight").T
