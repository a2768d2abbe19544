"""Greedy decoding with a KV cache, and answer checking, for evaluating the demo model in torch."""

import re

import torch

import tasks
from vocab import END_THINK, EOS


@torch.no_grad()
def greedy(model, vocab, prompt_ids, max_tokens=600):
    """Completion ids (up to and excluding EOS) for a prompt, in float32."""
    caches = [[None, None] for _ in model.blocks]
    logits = model(torch.tensor([prompt_ids]), 0, caches)
    pos, out = len(prompt_ids), []
    eos = vocab.special_id[EOS]
    for _ in range(max_tokens):
        nxt = int(torch.argmax(logits[0, -1]))
        if nxt == eos:
            break
        out.append(nxt)
        logits = model(torch.tensor([[nxt]]), pos, caches)
        pos += 1
    return out


def extract_answer(text):
    """The answer in a completion: last \\boxed{...} after </think>, else the last number there,
    else the whole text after </think> (stripped). Mirrors ponder-cli eval."""
    tail = text.split(END_THINK)[-1]
    boxed = None
    for m in re.finditer(r"\\boxed\{", tail):
        depth, i = 1, m.end()
        while i < len(tail) and depth:
            depth += {"{": 1, "}": -1}.get(tail[i], 0)
            i += 1
        if depth == 0:
            boxed = tail[m.end():i - 1]
    if boxed is not None:
        return boxed.strip()
    nums = re.findall(r"-?\d+(?:\.\d+)?", tail)
    return nums[-1] if nums else tail.strip()


def quick_accuracy(model, vocab, rng, n):
    model.eval()
    right = 0
    for _ in range(n):
        p = tasks.problem(rng, heldout=True)
        ids = greedy(model, vocab, vocab.render(None, [], p["prompt"]))
        right += extract_answer(vocab.decode(ids)) == p["answer"]
    model.train()
    return f"{right}/{n}"
