#!/usr/bin/python3
"""Writes the demo model's held-out evaluation suite (JSONL for `ponder-cli eval`).

  /usr/bin/python3 training/demo/suite.py --out resources/eval/demo-suite.jsonl

1,000 problems from a seed the trainer never uses: addition and subtraction stratified by the
larger operand's digit count (1-5), 2-digit x 1-digit multiplication, letter counting on held-out
words, and chit-chat. Each line: {"prompt", "answer", "task", "digits"}.
"""

import argparse
import json
import random

import tasks


def arithmetic_with_digits(rng, kind, digits):
    other = rng.randint(1, digits)
    da, db = (digits, other) if rng.random() < 0.5 else (other, digits)
    return tasks.arithmetic(rng, kind, da, db)


def suite(seed=20260101):
    rng = random.Random(seed)
    out = []
    for digits in range(1, 6):
        out += [arithmetic_with_digits(rng, "add", digits) for _ in range(50)]
        out += [arithmetic_with_digits(rng, "sub", digits) for _ in range(50)]
    out += [tasks.arithmetic(rng, "mul") for _ in range(150)]
    out += [tasks.letter_count(rng, heldout=True) for _ in range(250)]
    out += [tasks.chitchat(rng) for _ in range(100)]
    return [{"prompt": p["prompt"], "answer": p["answer"], "task": p["task"], "digits": p["digits"]}
            for p in out]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=20260101)
    args = ap.parse_args()
    with open(args.out, "w", encoding="utf-8") as f:
        for p in suite(args.seed):
            f.write(json.dumps(p, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
