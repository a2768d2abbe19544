"""GGUF v3 export of the demo model (and loading it back into torch), metadata as the R1
distills carry it: qwen2 architecture, gpt2 byte-level BPE with pre = deepseek-r1-qwen, R1's
special tokens and the official chat template."""

import copy
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "reference"))
from gguf_reader import read_gguf  # noqa: E402
from make_test_model import GGUFWriter  # noqa: E402

from model import Config, Model  # noqa: E402
from vocab import BOS, EOS, PAD, vocab_from_gguf  # noqa: E402

TEMPLATE = os.path.join(ROOT, "resources", "chat_templates", "deepseek-r1.jinja")
T_F32, T_F16 = 0, 1
T_STR, T_I32, T_BOOL = 8, 5, 7


def _stored_type(name, arr):
    # Matrices in f16 (half the file, and the engines' f16 paths get exercised); norms, biases and
    # the embedding table's rows stay exact where precision is cheap.
    return T_F16 if arr.ndim == 2 else T_F32


def write(path, model, vocab, name="Ponder Demo R1 (1M)"):
    cfg = model.cfg
    w = GGUFWriter()
    w.add_str("general.architecture", "qwen2")
    w.add_str("general.name", name)
    w.add_str("general.description", "Tiny reasoning model trained by Ponder's training/demo "
              "scripts: arithmetic and letter counting in DeepSeek-R1's format.")
    w.add_str("general.license", "mit")
    w.add_u32("general.file_type", 1)  # mostly F16
    w.add_u32("qwen2.context_length", cfg.n_ctx)
    w.add_u32("qwen2.embedding_length", cfg.n_embd)
    w.add_u32("qwen2.block_count", cfg.n_layer)
    w.add_u32("qwen2.feed_forward_length", cfg.n_ff)
    w.add_u32("qwen2.attention.head_count", cfg.n_head)
    w.add_u32("qwen2.attention.head_count_kv", cfg.n_head_kv)
    w.add_f32("qwen2.rope.freq_base", cfg.rope_theta)
    w.add_f32("qwen2.attention.layer_norm_rms_epsilon", cfg.rms_eps)
    w.add_str("tokenizer.ggml.model", "gpt2")
    w.add_str("tokenizer.ggml.pre", "deepseek-r1-qwen")
    w.add("tokenizer.ggml.tokens", (9, T_STR), vocab.token_strings())
    w.add("tokenizer.ggml.token_type", (9, T_I32), vocab.token_types())
    w.add("tokenizer.ggml.merges", (9, T_STR), vocab.merge_strings())
    w.add_u32("tokenizer.ggml.bos_token_id", vocab.special_id[BOS])
    w.add_u32("tokenizer.ggml.eos_token_id", vocab.special_id[EOS])
    w.add_u32("tokenizer.ggml.padding_token_id", vocab.special_id[PAD])
    w.add("tokenizer.ggml.add_bos_token", T_BOOL, True)
    w.add("tokenizer.ggml.add_eos_token", T_BOOL, False)
    with open(TEMPLATE, encoding="utf-8") as f:
        w.add_str("tokenizer.chat_template", f.read())
    for tname, arr in model.gguf_tensors():
        t = _stored_type(tname, arr)
        data = arr.astype("<f2" if t == T_F16 else "<f4")
        w.add_tensor(tname, list(reversed(arr.shape)), t, data.tobytes())
    tmp = path + ".tmp"
    w.write(tmp)
    os.replace(tmp, path)


def load_rounded(model):
    """A copy of the model whose weights are exactly what the GGUF file stores."""
    m = copy.deepcopy(model)
    with torch.no_grad():
        for name, p in m.named_parameters():
            if p.dim() == 2:
                p.copy_(p.half().float())
    return m


def load(path):
    """(Model, Vocab) from a demo GGUF file."""
    vocab, meta = vocab_from_gguf(path)
    _, tensors = read_gguf(path)
    cfg = Config(n_vocab=len(meta["tokenizer.ggml.tokens"]),
                 n_embd=meta["qwen2.embedding_length"], n_layer=meta["qwen2.block_count"],
                 n_head=meta["qwen2.attention.head_count"],
                 n_head_kv=meta["qwen2.attention.head_count_kv"],
                 n_ff=meta["qwen2.feed_forward_length"], n_ctx=meta["qwen2.context_length"],
                 rope_theta=meta["qwen2.rope.freq_base"],
                 rms_eps=meta["qwen2.attention.layer_norm_rms_epsilon"])
    model = Model(cfg)
    names = dict(model.gguf_tensors())
    state = {}
    for gname, _ in names.items():
        type_id, dims, raw = tensors[gname]
        arr = raw.view("<f2" if type_id == T_F16 else "<f4").astype(np.float32)
        state[gname] = arr.reshape(list(reversed(dims)))
    with torch.no_grad():
        model.token_embd.weight.copy_(torch.from_numpy(state["token_embd.weight"]))
        model.output_norm.weight.copy_(torch.from_numpy(state["output_norm.weight"]))
        model.output.weight.copy_(torch.from_numpy(state["output.weight"]))
        for i, b in enumerate(model.blocks):
            for n, p in b.named_parameters():
                p.copy_(torch.from_numpy(state[f"blk.{i}.{n}"]))
    return model.eval(), vocab
