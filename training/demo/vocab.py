"""The demo model's byte-level BPE vocabulary and R1 chat rendering, in plain Python.

Tokens 0-255 are the 256 bytes (in GPT-2's byte-to-unicode spelling, as in every Qwen2 GGUF),
then the learned merges, then R1's special tokens. Merges are only learned between pieces that hold
no letters or digits (spaces, newlines, punctuation): every letter stays its own token so the model
can see how words are spelled, which letter counting needs, and the Qwen2 pre-tokenizer already
splits numbers into single digits.

The pre-tokenizer below is Qwen2's regex restricted to ASCII letters and digits, which is exact for
the text the training data contains (all non-ASCII characters in it, like "×", are symbols). The
engine's tokenizer must encode the same text to the same ids; tests/demo checks that it does.
"""

import collections
import os
import re
import sys

SPECIALS = [  # (text, GGUF token type): CONTROL = 3, USER_DEFINED = 4, as in the R1 distills
    ("<｜begin▁of▁sentence｜>", 3), ("<｜end▁of▁sentence｜>", 3), ("<｜User｜>", 3),
    ("<｜Assistant｜>", 3), ("<think>", 4), ("</think>", 4), ("<｜▁pad▁｜>", 3),
]
BOS, EOS, USER, ASSISTANT, THINK, END_THINK, PAD = (s for s, _ in SPECIALS)

_L, _N = "A-Za-z", "0-9"
PRETOKEN = re.compile(
    rf"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n{_L}{_N}]?[{_L}]+|[{_N}]| ?[^\s{_L}{_N}]+[\r\n]*"
    rf"|\s*[\r\n]+|\s+(?!\S)|\s+")


def bytes_to_unicode():
    """GPT-2's reversible mapping of bytes to printable characters."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + \
        list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, map(chr, cs)))


BYTE_CHAR = bytes_to_unicode()


def _mergeable(piece):
    return not any(ch.isalnum() for ch in piece.decode("latin-1"))


class Vocab:
    def __init__(self, merges):
        self.merges = merges                      # list of (bytes, bytes)
        self.rank = {m: i for i, m in enumerate(merges)}
        self.pieces = [bytes([b]) for b in range(256)] + [a + b for a, b in merges]
        self.piece_id = {p: i for i, p in enumerate(self.pieces)}
        self.special_id = {s: len(self.pieces) + i for i, (s, _) in enumerate(SPECIALS)}
        self.size = len(self.pieces) + len(SPECIALS)
        self._cache = {}

    @staticmethod
    def learn(texts, n_merges, min_count=50):
        """Greedy BPE over pre-tokens, restricted to letter- and digit-free pieces."""
        words = collections.Counter()
        for t in texts:
            for w in PRETOKEN.findall(t):
                words[w.encode("utf-8")] += 1
        split = {w: [bytes([b]) for b in w] for w in words}
        merges = []
        while len(merges) < n_merges:
            pairs = collections.Counter()
            for w, parts in split.items():
                for a, b in zip(parts, parts[1:]):
                    if _mergeable(a) and _mergeable(b):
                        pairs[a, b] += words[w]
            if not pairs:
                break
            (a, b), count = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
            if count < min_count:
                break
            merges.append((a, b))
            for w, parts in split.items():
                i, out = 0, []
                while i < len(parts):
                    if i + 1 < len(parts) and parts[i] == a and parts[i + 1] == b:
                        out.append(a + b)
                        i += 2
                    else:
                        out.append(parts[i])
                        i += 1
                split[w] = out
        return Vocab(merges)

    def _encode_piece(self, word):
        ids = self._cache.get(word)
        if ids is not None:
            return ids
        parts = [bytes([b]) for b in word]
        while len(parts) > 1:
            best = min(range(len(parts) - 1),
                       key=lambda i: self.rank.get((parts[i], parts[i + 1]), 1 << 30))
            if (parts[best], parts[best + 1]) not in self.rank:
                break
            parts[best:best + 2] = [parts[best] + parts[best + 1]]
        ids = [self.piece_id[p] for p in parts]
        self._cache[word] = ids
        return ids

    def encode(self, text):
        """Plain text (no special tokens) to ids."""
        out = []
        for w in PRETOKEN.findall(text):
            out += self._encode_piece(w.encode("utf-8"))
        return out

    def decode(self, ids):
        out = b""
        for i in ids:
            if i < len(self.pieces):
                out += self.pieces[i]
            else:
                out += SPECIALS[i - len(self.pieces)][0].encode("utf-8")
        return out.decode("utf-8", errors="replace")

    def token_strings(self):
        toks = ["".join(BYTE_CHAR[b] for b in p) for p in self.pieces]
        return toks + [s for s, _ in SPECIALS]

    def token_types(self):
        return [1] * len(self.pieces) + [t for _, t in SPECIALS]

    def merge_strings(self):
        enc = lambda p: "".join(BYTE_CHAR[b] for b in p)
        return [f"{enc(a)} {enc(b)}" for a, b in self.merges]

    def render_text(self, system, history, user):
        """The same prompt as text (what the Jinja template prints)."""
        out = BOS + (system or "")
        for role, content in history:
            out += (USER + content) if role == "user" else (ASSISTANT + content + EOS)
        return out + USER + user + ASSISTANT + THINK + "\n"

    def render(self, system, history, user):
        """Prompt ids as R1's official (Feb 2025) template renders them, ending in "<think>\\n".

        history holds (role, content) pairs; assistant content is what the template keeps of
        it (the text after the last </think>).
        """
        sp = self.special_id
        ids = [sp[BOS]] + (self.encode(system) if system else [])
        for role, content in history:
            if role == "user":
                ids += [sp[USER]] + self.encode(content)
            else:
                ids += [sp[ASSISTANT]] + self.encode(content) + [sp[EOS]]
        return ids + [sp[USER]] + self.encode(user) + [sp[ASSISTANT], sp[THINK]] + self.encode("\n")

    def completion(self, reasoning, answer_text):
        """What the model should write after the prompt: reasoning, </think>, answer, EOS."""
        sp = self.special_id
        return self.encode(reasoning) + [sp[END_THINK]] + self.encode("\n\n" + answer_text) + \
            [sp[EOS]]


def vocab_from_gguf(path):
    """The Vocab stored in a demo GGUF file (numpy only, no torch)."""
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sys.path.insert(0, os.path.join(root, "tests", "reference"))
    from gguf_reader import read_gguf
    meta, _ = read_gguf(path)
    unbyte = {c: b for b, c in BYTE_CHAR.items()}
    merges = []
    for m in meta["tokenizer.ggml.merges"]:
        a, b = m.split(" ")
        merges.append((bytes(unbyte[c] for c in a), bytes(unbyte[c] for c in b)))
    vocab = Vocab(merges)
    if vocab.token_strings() != list(meta["tokenizer.ggml.tokens"]):
        raise ValueError(f"{path}: token list is not the demo vocabulary's")
    return vocab, meta
