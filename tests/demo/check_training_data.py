#!/usr/bin/python3
"""The demo model was trained on token ids that Ponder's engine reproduces exactly.

  check_training_data.py --tool PONDER_TOOL --model resources/models/ponder-demo.gguf [--n 300]

The trainer (training/demo) renders R1's chat template and tokenizes in plain Python. If either
drifted from the engine (template text, pre-tokenizer, merges, special tokens), the model would
see different ids at run time than in training and quietly get worse. For generated training
conversations (system prompts, multi-turn history with reasoning dropped, every task):
  text  the Python rendering == `ponder_tool render-chat` (the engine's R1 template)
  ids   the Python ids of prompt + completion == the engine's tokenization of the same text
Last line "N passed, M failed"; exit 1 on any failure.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "training", "demo"))
import tasks  # noqa: E402
from vocab import END_THINK, EOS, vocab_from_gguf  # noqa: E402


def tool_json(tool, *args):
    r = subprocess.run([tool, *args], capture_output=True, text=True)
    if r.returncode:
        sys.exit(f"{tool} {args[0]} failed: {r.stderr.strip()}\n0 passed, 1 failed")
    return json.loads(r.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tool", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--n", type=int, default=300)
    args = ap.parse_args()
    vocab, _ = vocab_from_gguf(args.model)
    rng = random.Random(7)
    cases, texts, ids, convs = [], [], [], []
    for _ in range(args.n):
        system, history, p = tasks.conversation(rng)
        msgs = ([{"role": "system", "content": system}] if system else []) + \
            [{"role": r, "content": c} for r, c in history] + [{"role": "user", "content": p["prompt"]}]
        cases.append({"messages": msgs, "add_generation_prompt": True})
        prompt_text = vocab.render_text(system, history, p["prompt"])
        texts.append(prompt_text + p["reasoning"] + END_THINK + "\n\n" + p["answer_text"] + EOS)
        ids.append(vocab.render(system, history, p["prompt"]) +
                   vocab.completion(p["reasoning"], p["answer_text"]))
        convs.append(prompt_text)
    with tempfile.TemporaryDirectory() as tmp:
        cases_path, texts_path = os.path.join(tmp, "cases.json"), os.path.join(tmp, "texts.json")
        with open(cases_path, "w", encoding="utf-8") as f:
            json.dump(cases, f, ensure_ascii=False)
        with open(texts_path, "w", encoding="utf-8") as f:
            json.dump(texts, f, ensure_ascii=False)
        rendered = tool_json(args.tool, "render-chat", "--in", cases_path)
        engine_ids = tool_json(args.tool, "tokenize-batch", "--model", args.model, "--in", texts_path,
                               "--special", "1")
    failed = shown = 0
    for i in range(args.n):
        for check, ok, detail in (
                ("text", rendered[i] == convs[i], lambda: f"python {convs[i]!r}\nengine {rendered[i]!r}"),
                ("ids", engine_ids[i] == ids[i], lambda: f"text {texts[i]!r}\npython {ids[i]}\nengine {engine_ids[i]}")):
            if not ok:
                failed += 1
                if shown < 5:
                    shown += 1
                    print(f"--- {check} mismatch, conversation {i}\n{detail()}")
    print(f"{2 * args.n - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
