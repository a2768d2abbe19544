"""Qwen2 as DeepSeek-R1-Distill-Qwen uses it, in PyTorch: RMSNorm, NEOX RoPE, grouped-query
attention with q/k/v biases, SwiGLU, untied output. Tensor names follow the GGUF conventions so
export is a rename-free copy."""

import dataclasses
import math

import torch
import torch.nn.functional as F


@dataclasses.dataclass
class Config:
    n_vocab: int
    n_embd: int = 128
    n_layer: int = 4
    n_head: int = 4
    n_head_kv: int = 2
    n_ff: int = 512
    n_ctx: int = 2048
    rope_theta: float = 10000.0
    rms_eps: float = 1e-6


class RMSNorm(torch.nn.Module):
    def __init__(self, n, eps):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x):
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)).to(x.dtype) * \
            self.weight.to(x.dtype)


def rope_tables(cfg, n_pos):
    hd = cfg.n_embd // cfg.n_head
    inv = 1.0 / (cfg.rope_theta ** (torch.arange(0, hd, 2, dtype=torch.float64) / hd))
    ang = torch.arange(n_pos, dtype=torch.float64)[:, None] * inv[None, :]
    return torch.cos(ang).float(), torch.sin(ang).float()


def apply_rope(x, cos, sin):
    # NEOX style: the two halves of each head are rotated as pairs (i, i + d/2).
    h = x.shape[-1] // 2
    x1, x2 = x[..., :h], x[..., h:]
    return torch.cat([x1 * cos - x2 * sin, x2 * cos + x1 * sin], dim=-1)


class Block(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        hd = cfg.n_embd // cfg.n_head
        self.cfg = cfg
        self.attn_norm = RMSNorm(cfg.n_embd, cfg.rms_eps)
        self.attn_q = torch.nn.Linear(cfg.n_embd, cfg.n_head * hd)
        self.attn_k = torch.nn.Linear(cfg.n_embd, cfg.n_head_kv * hd)
        self.attn_v = torch.nn.Linear(cfg.n_embd, cfg.n_head_kv * hd)
        self.attn_output = torch.nn.Linear(cfg.n_head * hd, cfg.n_embd, bias=False)
        self.ffn_norm = RMSNorm(cfg.n_embd, cfg.rms_eps)
        self.ffn_gate = torch.nn.Linear(cfg.n_embd, cfg.n_ff, bias=False)
        self.ffn_up = torch.nn.Linear(cfg.n_embd, cfg.n_ff, bias=False)
        self.ffn_down = torch.nn.Linear(cfg.n_ff, cfg.n_embd, bias=False)

    def forward(self, x, cos, sin, mask, cache=None):
        cfg = self.cfg
        B, T, _ = x.shape
        hd = cfg.n_embd // cfg.n_head
        h = self.attn_norm(x)
        q = self.attn_q(h).view(B, T, cfg.n_head, hd).transpose(1, 2)
        k = self.attn_k(h).view(B, T, cfg.n_head_kv, hd).transpose(1, 2)
        v = self.attn_v(h).view(B, T, cfg.n_head_kv, hd).transpose(1, 2)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        if cache is not None:
            if cache[0] is not None:
                k = torch.cat([cache[0], k], dim=2)
                v = torch.cat([cache[1], v], dim=2)
            cache[0], cache[1] = k, v
        rep = cfg.n_head // cfg.n_head_kv
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        att = (q @ k.transpose(-1, -2)) * (1.0 / math.sqrt(hd))
        if mask is not None:
            att = att + mask
        att = torch.softmax(att.float(), dim=-1).to(v.dtype)
        o = (att @ v).transpose(1, 2).reshape(B, T, cfg.n_head * hd)
        x = x + self.attn_output(o)
        h = self.ffn_norm(x)
        return x + self.ffn_down(F.silu(self.ffn_gate(h)) * self.ffn_up(h))


class Model(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        self.token_embd = torch.nn.Embedding(cfg.n_vocab, cfg.n_embd)
        self.blocks = torch.nn.ModuleList(Block(cfg) for _ in range(cfg.n_layer))
        self.output_norm = RMSNorm(cfg.n_embd, cfg.rms_eps)
        self.output = torch.nn.Linear(cfg.n_embd, cfg.n_vocab, bias=False)
        cos, sin = rope_tables(cfg, cfg.n_ctx)
        self.register_buffer("cos", cos, persistent=False)
        self.register_buffer("sin", sin, persistent=False)
        for name, p in self.named_parameters():
            if p.dim() == 2:
                torch.nn.init.normal_(p, std=0.02)
            elif name.endswith("bias"):
                torch.nn.init.zeros_(p)
        for b in self.blocks:  # scaled residual projections, as GPT-2 does
            torch.nn.init.normal_(b.attn_output.weight, std=0.02 / math.sqrt(2 * cfg.n_layer))
            torch.nn.init.normal_(b.ffn_down.weight, std=0.02 / math.sqrt(2 * cfg.n_layer))

    def forward(self, ids, start=0, caches=None):
        T = ids.shape[1]
        x = self.token_embd(ids)
        cos, sin = self.cos[start:start + T], self.sin[start:start + T]
        mask = None
        if T > 1:
            n_k = start + T
            mask = torch.full((T, n_k), float("-inf"))
            mask = torch.triu(mask, diagonal=start + 1)
        for i, b in enumerate(self.blocks):
            x = b(x, cos, sin, mask, None if caches is None else caches[i])
        return self.output(self.output_norm(x))

    def gguf_tensors(self):
        """(name, float32 numpy array in torch [out, in] layout) for every weight."""
        out = [("token_embd.weight", self.token_embd.weight)]
        for i, b in enumerate(self.blocks):
            for name, t in b.named_parameters():
                out.append((f"blk.{i}.{name}", t))
        out += [("output_norm.weight", self.output_norm.weight), ("output.weight", self.output.weight)]
        return [(n, t.detach().float().cpu().numpy()) for n, t in out]
