#!/usr/bin/env node
// Compares Ponder's tokenizer (through ponder_tool) with two independent peers, on an R1-style
// vocabulary built from the npm tokenizer packages (r1_vocabs.mjs):
//   Hugging Face tokenizers.js reading tokenizer.json, and llama.cpp (node-llama-cpp, CPU prebuilt)
//   reading the vocab-only GGUF that ponder_tool writes.
//
// usage: node tokenizer_agreement.mjs --tool PATH --vocab qwen|llama|deepseek --corpus PATH --workdir DIR
//
// Checks, for every corpus string (ours = ponder_tool tokenize-batch):
//   a  ours(gguf, special)      == HF encode(text, {add_special_tokens: false})
//   b  ours(tokenizer.json, special) == ours(gguf, special)
//   c  ours(gguf, special)      == llama.cpp tokenize(text, true)
//   d  ours(gguf, no special)   == llama.cpp tokenize(text, false), except for texts that contain the
//      text of a token the GGUF types USER_DEFINED (<think>...), which llama.cpp matches even then
//      and Ponder deliberately does not: for those, ours must hold no added-token id
//   e  ours(gguf, no special) holds no added-token id (typed text never becomes a control token)
//   f  detokenize(ours(gguf, no special)) == text
//   g  detokenize(ours(gguf, special))    == text (special tokens render as their text)
// and once per added token:
//   h  the GGUF's token types are those llama.cpp's converter writes and R1-FACTS states (special or
//      special-looking <|...|> / <｜...｜> tokens CONTROL, so <｜User｜> even where DeepSeek's
//      tokenizer.json says special:false; <think> and other added tokens USER_DEFINED), llama.cpp
//      reads back each added token's text, and llama.cpp's BOS/EOS are the R1 ids.
// Exit 1 on any mismatch. The last line is "N passed, M failed".

import fs from "node:fs";
import path from "node:path";
import { Tokenizer } from "@huggingface/tokenizers";
import { getLlama, LlamaLogLevel, readGgufFileInfo } from "node-llama-cpp";
import { buildR1Vocab, VOCAB_NAMES } from "./r1_vocabs.mjs";
import { parseCli, runTool, runToolJson, checkIdLists, sameIds, Report, fatal } from "./common.mjs";

const USAGE = "node tokenizer_agreement.mjs --tool PATH --vocab qwen|llama|deepseek --corpus PATH --workdir DIR";
const args = parseCli({
    tool: { type: "string", required: true },
    vocab: { type: "string", required: true },
    corpus: { type: "string", required: true },
    workdir: { type: "string", required: true },
}, USAGE);
if (!VOCAB_NAMES.includes(args.vocab)) {
    process.stderr.write(`--vocab must be one of ${VOCAB_NAMES.join(", ")}\nusage: ${USAGE}\n`);
    process.exit(2);
}

const esc = (s) => JSON.stringify(s);
const MAX_SHOWN = 80;
const listIds = (ids) => (ids.length > MAX_SHOWN ? `[${ids.slice(0, MAX_SHOWN).join(",")},... (${ids.length} ids)]` : `[${ids.join(",")}]`);

function firstDiff(a, b) {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return i;
}

async function main() {
    const tool = path.resolve(args.tool);
    const workdir = path.resolve(args.workdir);
    fs.mkdirSync(workdir, { recursive: true });
    const corpusPath = path.resolve(args.corpus);
    const corpus = JSON.parse(fs.readFileSync(corpusPath, "utf8"));
    if (!Array.isArray(corpus) || !corpus.every((s) => typeof s === "string")) throw new Error("corpus must be a JSON array of strings");
    const n = corpus.length;

    // --- the R1 vocabulary and its GGUF
    const meta = await buildR1Vocab(args.vocab, workdir);
    const ggufPath = path.join(workdir, `${args.vocab}-r1.vocab.gguf`);
    fs.rmSync(ggufPath, { force: true });
    runTool(tool, ["vocab-gguf", "--tokenizer-json", meta.tokenizerJsonPath, "--pre", meta.pre,
        "--bos", String(meta.bos), "--eos", String(meta.eos), "--add-bos", meta.addBos ? "1" : "0",
        "--arch", meta.arch, "--out", ggufPath]);
    if (!fs.existsSync(ggufPath)) throw new Error(`vocab-gguf exited 0 but wrote no ${ggufPath}`);

    // --- ours
    const t0 = Date.now();
    const tokenize = (source, special) => checkIdLists(
        runToolJson(tool, ["tokenize-batch", ...source, "--in", corpusPath, "--special", special], n),
        `tokenize-batch ${source[0]} --special ${special}`);
    const oursS1 = tokenize(["--model", ggufPath], "1");
    const oursS0 = tokenize(["--model", ggufPath], "0");
    const oursJson = tokenize(["--tokenizer-json", meta.tokenizerJsonPath], "1");
    const idsPathS0 = path.join(workdir, `${args.vocab}-ids-nospecial.json`);
    const idsPathS1 = path.join(workdir, `${args.vocab}-ids-special.json`);
    fs.writeFileSync(idsPathS0, JSON.stringify(oursS0));
    fs.writeFileSync(idsPathS1, JSON.stringify(oursS1));
    const detokS0 = runToolJson(tool, ["detokenize-batch", "--model", ggufPath, "--in", idsPathS0], n);
    const detokS1 = runToolJson(tool, ["detokenize-batch", "--model", ggufPath, "--in", idsPathS1], n);
    const tOurs = Date.now() - t0;

    // --- Hugging Face tokenizers.js
    const hf = new Tokenizer(JSON.parse(fs.readFileSync(meta.tokenizerJsonPath, "utf8")),
        JSON.parse(fs.readFileSync(meta.tokenizerConfigPath, "utf8")));
    const hfIds = corpus.map((s) => hf.encode(s, { add_special_tokens: false }).ids);

    // --- llama.cpp
    const llamaLog = [];
    const llama = await getLlama({
        gpu: false, build: "never", skipDownload: true, progressLogs: false,
        logLevel: LlamaLogLevel.warn, logger: (level, message) => llamaLog.push(`${level}: ${message}`),
    });
    let model;
    try {
        model = await llama.loadModel({ modelPath: ggufPath, vocabOnly: true, gpuLayers: 0 });
    } catch (e) {
        throw new Error(`llama.cpp could not load ${ggufPath}: ${e.message}\n${llamaLog.slice(-10).join("\n")}`);
    }
    const lcS1 = corpus.map((s) => model.tokenize(s, true));
    const lcS0 = corpus.map((s) => model.tokenize(s, false));
    const piece = (id) => {
        try { return model.detokenize([id], true); } catch { return "?"; }
    };
    // Per-token strings for debugging: the vocabulary's byte-level text (Ġ = space, Ċ = newline),
    // or llama.cpp's text for ids tokenizer.json does not know.
    const pieces = (ids) => esc(ids.slice(0, MAX_SHOWN).map((id) => hf.id_to_token(id) ?? piece(id)));

    // Added-token ids (HF's list plus whatever the GGUF types as control/user-defined), and the texts
    // of the tokens the GGUF types USER_DEFINED: llama.cpp matches only those when parse_special is
    // off (tokenizer.json's special:false tokens that look like <｜...｜> are CONTROL in a GGUF).
    const addedIds = new Set(meta.addedTokens.map((t) => t.id));
    const userDefinedTexts = new Set();
    for (const id of model.iterateAllTokens()) {
        const at = model.getTokenAttributes(id);
        if (at.control || at.userDefined) addedIds.add(id);
        if (at.userDefined) userDefinedTexts.add(piece(id));
    }

    const report = new Report(10);
    process.stdout.write(`vocab ${args.vocab}: ${n} strings, ${meta.addedTokens.length} added tokens, ` +
        `ponder_tool ${tOurs} ms, pre=${meta.pre}, arch=${meta.arch}\n`);

    const diff = (label, text, oursIds, oursName, peerIds, peerName) => () => {
        const i = firstDiff(oursIds, peerIds);
        return `${label}\ntext: ${esc(text).slice(0, 400)}\n` +
            `first difference at token ${i}\n` +
            `${oursName}: ${listIds(oursIds)}\n  pieces: ${pieces(oursIds)}\n` +
            `${peerName}: ${listIds(peerIds)}\n  pieces: ${pieces(peerIds)}`;
    };

    for (let i = 0; i < n; i++) {
        const text = corpus[i];
        const s1 = oursS1[i];
        const s0 = oursS0[i];
        report.record("a ours(gguf,special) == HF tokenizers", sameIds(s1, hfIds[i]),
            diff(`#${i}`, text, s1, "ours", hfIds[i], "HF  "));
        report.record("b ours(tokenizer.json) == ours(gguf)", sameIds(oursJson[i], s1),
            diff(`#${i}`, text, oursJson[i], "ours(json)", s1, "ours(gguf)"));
        report.record("c ours(gguf,special) == llama.cpp(special)", sameIds(s1, lcS1[i]),
            diff(`#${i}`, text, s1, "ours     ", lcS1[i], "llama.cpp"));

        const holdsUserDefined = [...userDefinedTexts].some((t) => t && text.includes(t));
        const forbidden = s0.filter((id) => addedIds.has(id));
        if (holdsUserDefined) {
            report.record("d ours(gguf,plain) == llama.cpp(plain) | no added ids", forbidden.length === 0,
                () => `#${i} (holds user-defined token text)\ntext: ${esc(text)}\nours(special 0) holds added ids ${esc(forbidden)}: ${listIds(s0)}\n  pieces: ${pieces(s0)}`);
        } else {
            report.record("d ours(gguf,plain) == llama.cpp(plain) | no added ids", sameIds(s0, lcS0[i]),
                diff(`#${i}`, text, s0, "ours     ", lcS0[i], "llama.cpp"));
        }
        report.record("e ours(gguf,plain) holds no added-token id", forbidden.length === 0,
            () => `#${i}\ntext: ${esc(text)}\nadded ids ${esc(forbidden)} in ${listIds(s0)}\n  pieces: ${pieces(s0)}`);
        report.record("f detokenize(ours plain) == text", detokS0[i] === text,
            () => `#${i}\ntext:       ${esc(text).slice(0, 400)}\ndetokenized: ${esc(detokS0[i]).slice(0, 400)}\nids: ${listIds(s0)}`);
        report.record("g detokenize(ours special) == text", detokS1[i] === text,
            () => `#${i}\ntext:       ${esc(text).slice(0, 400)}\ndetokenized: ${esc(detokS1[i]).slice(0, 400)}\nids: ${listIds(s1)}`);
    }

    // --- GGUF token types as written (node-llama-cpp's own GGUF reader, before llama.cpp's load-time
    // overrides), and BOS/EOS/token texts as llama.cpp reads them. Expected types follow llama.cpp's
    // converter and R1-FACTS: special tokens and tokens that look special (<|...|>, <｜...｜>) are
    // CONTROL (3), the other added tokens (<think>, <tool_call>) USER_DEFINED (4).
    const H = "h GGUF token types / BOS / EOS / added-token texts";
    const info = await readGgufFileInfo(ggufPath, { readTensorInfo: false, logWarnings: false, ignoreKeys: ["tokenizer.ggml.merges"] });
    const types = info.metadata?.tokenizer?.ggml?.token_type ?? [];
    const TYPE_NAMES = { 1: "NORMAL", 2: "UNKNOWN", 3: "CONTROL", 4: "USER_DEFINED", 5: "UNUSED", 6: "BYTE" };
    report.record(H, model.tokens.bos === meta.bos, () => `llama.cpp BOS ${model.tokens.bos}, expected ${meta.bos}`);
    report.record(H, model.tokens.eos === meta.eos, () => `llama.cpp EOS ${model.tokens.eos}, expected ${meta.eos}`);
    for (const t of meta.addedTokens) {
        const looksSpecial = /^<\|.*\|>$/su.test(t.content) || /^<｜.*｜>$/su.test(t.content);
        const want = t.special || looksSpecial ? 3 : 4;
        const type = types[t.id];
        const text = piece(t.id);
        report.record(H, type === want && text === t.content,
            () => `added token ${t.id} ${esc(t.content)} (tokenizer.json special:${t.special}): GGUF type ` +
                `${type} ${TYPE_NAMES[type] ?? "?"}, want ${want} ${TYPE_NAMES[want]}; llama.cpp text ${esc(text)}`);
    }
    // llama.cpp's complaints about the file (its resource simulation of a full load is expected to
    // fail on a vocab-only file and is not reported).
    const complaints = llamaLog.filter((l) => !/simulating model resource usage|llama_model_load|failed to load model/.test(l));
    if (complaints.length) {
        process.stdout.write(`llama.cpp said (${complaints.length} lines, first 10):\n`);
        for (const l of complaints.slice(0, 10)) process.stdout.write(`  ${l.trim()}\n`);
    }

    await model.dispose();
    await llama.dispose();
    return report.finish();
}

main().then((code) => process.exit(code), fatal);
