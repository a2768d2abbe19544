#!/usr/bin/python3
"""Greedy evaluation of a demo GGUF in PyTorch (the training framework), independent of Ponder's
engine: the weights are read back from the GGUF file and decoded in float32.

  /usr/bin/python3 training/demo/evaluate.py --model resources/models/ponder-demo.gguf \\
      --suite resources/eval/demo-suite.jsonl --out /tmp/torch.jsonl [--compare ponder.json ...]

Prints accuracy per task and digit count. --compare takes `ponder-cli eval --json` output (or
a JSONL written by tests/peers/demo_agreement.mjs) and counts completions that are identical to
torch's, and problems graded the same.
"""

import argparse
import collections
import json
import os
import re
import sys
import time

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import decode  # noqa: E402
import gguf_export  # noqa: E402


def is_number(s):
    return re.fullmatch(r"\s*-?\d[\d,]*(\.\d+)?\s*", s) is not None


def grade(completion, expected):
    if "</think>" not in completion:
        return None, False
    tail = completion.split("</think>")[-1]
    got = decode.extract_answer(completion)
    if not is_number(expected) and "\\boxed{" not in tail:
        got = tail.strip()
    if is_number(expected) and is_number(got):
        return got, float(got.replace(",", "")) == float(expected.replace(",", ""))
    return got, got.strip() == expected.strip()


def load_completions(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    try:
        report = json.loads(text)
        return [p["samples"][0]["completion"] for p in report["problems"]]
    except (json.JSONDecodeError, KeyError, TypeError):
        return [json.loads(line)["completion"] for line in text.splitlines() if line.strip()]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--suite", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--limit", type=int)
    ap.add_argument("--max-tokens", type=int, default=1000)
    ap.add_argument("--compare", nargs="*", default=[])
    args = ap.parse_args()
    torch.set_num_threads(1)
    model, vocab = gguf_export.load(args.model)
    with open(args.suite, encoding="utf-8") as f:
        suite = [json.loads(line) for line in f if line.strip()][:args.limit]
    groups = collections.defaultdict(lambda: [0, 0])
    completions = []
    t0 = time.time()
    with open(args.out, "w", encoding="utf-8") as out:
        for i, p in enumerate(suite):
            ids = decode.greedy(model, vocab, vocab.render(None, [], p["prompt"]), args.max_tokens)
            text = vocab.decode(ids)
            got, ok = grade(text, p["answer"])
            completions.append(text)
            key = f"{p.get('task', '')} digits={p.get('digits', '')}"
            groups[key][0] += ok
            groups[key][1] += 1
            out.write(json.dumps({"index": i, "completion": text, "extracted": got, "correct": ok},
                                 ensure_ascii=False) + "\n")
            if (i + 1) % 100 == 0:
                print(f"[{i + 1}/{len(suite)}] {time.time() - t0:.0f} s", file=sys.stderr, flush=True)
    right = sum(g[0] for g in groups.values())
    for k in sorted(groups):
        print(f"{k:28s} {groups[k][1]:5d} {100.0 * groups[k][0] / groups[k][1]:7.1f}%")
    print(f"torch greedy accuracy: {right}/{len(suite)} = {100.0 * right / len(suite):.1f}%")
    for path in args.compare:
        other = load_completions(path)[:len(completions)]
        same = sum(a == b for a, b in zip(completions, other))
        graded_same = sum(grade(a, p["answer"])[1] == grade(b, p["answer"])[1]
                          for a, b, p in zip(completions, other, suite))
        print(f"{path}: {same}/{len(other)} completions identical to torch's, "
              f"{graded_same}/{len(other)} graded the same")


if __name__ == "__main__":
    main()
