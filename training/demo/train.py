#!/usr/bin/python3
"""Trains Ponder's bundled demo model and writes it as a GGUF file.

  GOMP_SPINCOUNT=0 /usr/bin/python3 training/demo/train.py --out resources/models/ponder-demo.gguf

Seeded and reproducible on one machine (same seed, same thread count, same torch). The defaults
take about 30 minutes on 2 cores with AVX512-BF16 (bfloat16 autocast through oneDNN); pass --fp32
where bfloat16 is slow. See training/README.md.
"""

import argparse
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gguf_export  # noqa: E402
import tasks  # noqa: E402
from model import Config, Model  # noqa: E402
from vocab import Vocab  # noqa: E402
import decode  # noqa: E402


def build_vocab(seed, n_merges):
    rng = random.Random(seed)
    texts = []
    for _ in range(20000):
        system, history, p = tasks.conversation(rng)
        texts += [system or ""] + [c for _, c in history]
        texts += [p["prompt"], p["reasoning"], "\n\n" + p["answer_text"]]
    return Vocab.learn(texts, n_merges)


def example(vocab, rng, mix=None):
    system, history, p = tasks.conversation(rng, mix)
    prompt = vocab.render(system, history, p["prompt"])
    completion = vocab.completion(p["reasoning"], p["answer_text"])
    return prompt, completion


def batches(vocab, rng, batch_size, max_len, pool=16, mix=None):
    """Length-bucketed batches: generate pool * batch_size examples, sort by length, cut."""
    while True:
        exs = []
        while len(exs) < pool * batch_size:
            prompt, completion = example(vocab, rng, mix)
            if len(prompt) + len(completion) <= max_len:
                exs.append((prompt, completion))
        exs.sort(key=lambda e: len(e[0]) + len(e[1]))
        chunks = [exs[i:i + batch_size] for i in range(0, len(exs), batch_size)]
        rng.shuffle(chunks)
        for chunk in chunks:
            T = max(len(p) + len(c) for p, c in chunk)
            ids = np.zeros((len(chunk), T), dtype=np.int64)
            tgt = np.full((len(chunk), T), -100, dtype=np.int64)
            for r, (p, c) in enumerate(chunk):
                seq = p + c
                ids[r, :len(seq)] = seq
                # predict each completion token from the position before it
                tgt[r, len(p) - 1:len(seq) - 1] = c
            yield torch.from_numpy(ids), torch.from_numpy(tgt)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--out", required=True, help="GGUF file to write")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--steps", type=int, default=3000)
    ap.add_argument("--batch", type=int, default=48)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--merges", type=int, default=48)
    ap.add_argument("--max-len", type=int, default=768)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--fp32", action="store_true", help="train in float32 instead of bfloat16")
    ap.add_argument("--eval-every", type=int, default=500)
    ap.add_argument("--checkpoint", help="also save the torch state here")
    ap.add_argument("--mix", help="task shares, e.g. add:0.25,sub:0.27,mul:0.1,count:0.33,chat:0.05 "
                                  "(default: tasks.DEFAULT_MIX)")
    ap.add_argument("--count-trace", choices=["paired", "verdict"], default="paired",
                    help="letter-count trace lines: 'd d yes 1' (paired) or 'd yes 1' (verdict)")
    ap.add_argument("--init-from", help="start from this torch state (a --checkpoint of a run with the "
                                         "same seed) instead of random weights: a second stage")
    args = ap.parse_args()

    tasks.COUNT_TRACE = args.count_trace
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    vocab = build_vocab(args.seed, args.merges)
    cfg = Config(n_vocab=vocab.size)
    model = Model(cfg)
    if args.init_from:
        model.load_state_dict(torch.load(args.init_from))
    n_params = sum(p.numel() for p in model.parameters())
    print(f"vocab {vocab.size} ({len(vocab.merges)} merges), {n_params / 1e6:.2f}M parameters",
          flush=True)

    decay = [p for p in model.parameters() if p.dim() == 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98), eps=1e-8)
    warmup = max(1, args.steps // 30)

    def lr_at(step):
        if step < warmup:
            return args.lr * (step + 1) / warmup
        t = (step - warmup) / max(1, args.steps - warmup)
        return args.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * t)))

    # A second stage draws different examples than the first.
    mix = {k: float(v) for k, v in (kv.split(":") for kv in args.mix.split(","))} if args.mix else None
    data = batches(vocab, random.Random(args.seed + 1 + (7919 if args.init_from else 0)), args.batch,
                   args.max_len, mix=mix)
    eval_rng_seed = args.seed + 2
    t0 = time.time()
    tokens = 0
    for step in range(args.steps):
        ids, tgt = next(data)
        for g in opt.param_groups:
            g["lr"] = lr_at(step)
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=not args.fp32):
            logits = model(ids)
        loss = F.cross_entropy(logits.float().view(-1, cfg.n_vocab), tgt.view(-1),
                               ignore_index=-100)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        tokens += int((tgt != -100).sum())
        if step % 50 == 0 or step == args.steps - 1:
            el = time.time() - t0
            print(f"step {step:5d}  loss {loss.item():.4f}  lr {lr_at(step):.2e}  "
                  f"{tokens / el:7.0f} tok/s  {el / 60:5.1f} min", flush=True)
        if args.eval_every and (step + 1) % args.eval_every == 0 and step + 1 < args.steps:
            acc = decode.quick_accuracy(model, vocab, random.Random(eval_rng_seed), 60)
            print(f"  held-out greedy accuracy: {acc}", flush=True)

    if args.checkpoint:
        torch.save(model.state_dict(), args.checkpoint)
    gguf_export.write(args.out, model, vocab)
    print(f"wrote {args.out} ({os.path.getsize(args.out) / 1e6:.2f} MB) in "
          f"{(time.time() - t0) / 60:.1f} min", flush=True)
    acc = decode.quick_accuracy(gguf_export.load_rounded(model), vocab,
                                random.Random(eval_rng_seed), 200)
    print(f"held-out greedy accuracy with the exported (f16) weights: {acc}", flush=True)


if __name__ == "__main__":
    main()
