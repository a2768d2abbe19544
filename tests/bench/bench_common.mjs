// What the benchmarks against llama.cpp share (bench_vs_llamacpp.mjs, bench_deepseek2.mjs): the
// command line, running Ponder's tools, statistics, the llama.cpp side's timed rounds, the
// tensor sizes of a GGUF, and models built once and cached in the work folder.
// llama.cpp is only called, through node-llama-cpp's CPU prebuilt in tests/peers/node_modules.

import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

export const PEERS = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "peers");
export const nodeLlamaCpp = () => import(path.join(PEERS, "node_modules", "node-llama-cpp", "dist", "index.js"));

// The options of `options` (parseArgs' format); a bad command line prints `usage` and exits 2.
export function commandLine(usage, options) {
    const usageError = (msg) => {
        process.stderr.write(`${msg}\nusage: ${usage}\n`);
        process.exit(2);
    };
    try {
        const { values } = parseArgs({ options, strict: true, allowPositionals: false });
        return { values, usageError };
    } catch (e) {
        return usageError(e.message);
    }
}

export function run(cmd, args, what) {
    const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 1 << 28 });
    if (r.error) throw new Error(`cannot run ${cmd}: ${r.error.message}`);
    if (r.status !== 0) {
        throw new Error(`${what} exited with ${r.status ?? r.signal}: ` +
            `${(r.stderr || "").trim().split("\n").slice(-15).join("\n")}`);
    }
    return r.stdout;
}

export function parseJson(text, what) {
    try {
        return JSON.parse(text);
    } catch (e) {
        throw new Error(`${what} printed invalid JSON (${e.message}): ${text.slice(0, 300)}`);
    }
}

export const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
export const sd = (v) => (v.length > 1 ? Math.sqrt(v.reduce((a, x) => a + (x - mean(v)) ** 2, 0) / (v.length - 1)) : 0);
export const median = (v) => {
    const s = [...v].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// llama.cpp on `modelPath` with `threads` threads and batch 512, timed as ponder-cli bench is: per
// round `nPrompt` random ids (the first = the round number, so no prefix is reused) in one decode,
// then `nGen` greedy tokens one at a time; round 0 warms up and is not counted. Returns the
// tokens/s of each counted round and what the context was. `logLevel` / `logger`: node-llama-cpp's.
export async function llamaRounds(modelPath, threads, nPrompt, nGen, reps, { logLevel, logger } = {}) {
    const { getLlama, LlamaLogLevel } = await nodeLlamaCpp();
    const llama = await getLlama({
        gpu: false, build: "never", skipDownload: true, progressLogs: false,
        logLevel: LlamaLogLevel[logLevel ?? "error"], ...(logger ? { logger } : {}), maxThreads: threads,
    });
    const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
    const context = await model.createContext({
        contextSize: nPrompt + nGen + 1, batchSize: 512, threads: { ideal: threads, min: threads }, sequences: 1,
    });
    const sequence = context.getSequence();
    let nVocab = 0;
    for (const _ of model.iterateAllTokens()) nVocab++;
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
    const greedy = { generateNext: { token: true, options: { temperature: 0 } } };
    const pp = [];
    const tg = [];
    for (let r = 0; r <= reps; r++) {
        await sequence.clearHistory();
        const tokens = Array.from({ length: nPrompt }, () => Math.floor(rand() * nVocab));
        tokens[0] = r;
        const t0 = process.hrtime.bigint();
        let out = await sequence.controlledEvaluate(tokens.map((t, i) => (i === nPrompt - 1 ? [t, greedy] : t)));
        let next = out[nPrompt - 1]?.next?.token;
        const ppS = Number(process.hrtime.bigint() - t0) / 1e9;
        const t1 = process.hrtime.bigint();
        for (let i = 0; i < nGen; i++) {
            if (next == null) throw new Error(`llama.cpp produced no token at generation step ${i}`);
            out = await sequence.controlledEvaluate([[next, greedy]]);
            next = out[0]?.next?.token;
        }
        const tgS = Number(process.hrtime.bigint() - t1) / 1e9;
        if (r === 0) continue;
        pp.push(nPrompt / ppS);
        if (nGen > 0) tg.push(nGen / tgS);
    }
    const facts = {
        pp, tg, context_size: context.contextSize, batch_size: context.batchSize,
        flash_attention: context.flashAttention, threads: context.currentThreads ?? threads, n_vocab: nVocab,
    };
    await context.dispose();
    await model.dispose();
    await llama.dispose();
    return facts;
}

// The GGUF's metadata and each tensor's bytes in the file (up to the next tensor) and dimensions.
export async function tensorSizes(modelPath) {
    const { readGgufFileInfo } = await nodeLlamaCpp();
    const info = await readGgufFileInfo(modelPath, { readTensorInfo: true, logWarnings: false,
        ignoreKeys: ["tokenizer.ggml.merges", "tokenizer.ggml.tokens", "tokenizer.ggml.token_type"] });
    const fileBytes = fs.statSync(modelPath).size;
    const tensors = [...info.tensorInfo].sort((a, b) => Number(a.fileOffset) - Number(b.fileOffset));
    const sizes = new Map();
    tensors.forEach((t, i) => {
        const end = i + 1 < tensors.length ? Number(tensors[i + 1].fileOffset) : fileBytes;
        sizes.set(t.name, { bytes: end - Number(t.fileOffset), dims: t.dimensions.map(Number) });
    });
    const tensorBytes = [...sizes.values()].reduce((a, t) => a + t.bytes, 0);
    return { metadata: info.architectureMetadata, fileBytes, tensorBytes, sizes };
}

// An R1 vocabulary ("qwen", "llama", "deepseek") as a vocab-only GGUF in `workdir` (made once).
export async function r1VocabGguf(tool, workdir, which, fileName) {
    const out = path.join(workdir, fileName);
    if (fs.existsSync(out)) return out;
    const { buildR1Vocab } = await import(path.join(PEERS, "r1_vocabs.mjs"));
    const meta = await buildR1Vocab(which, workdir);
    run(tool, ["vocab-gguf", "--tokenizer-json", meta.tokenizerJsonPath, "--pre", meta.pre,
        "--bos", String(meta.bos), "--eos", String(meta.eos), "--add-bos", meta.addBos ? "1" : "0",
        "--arch", meta.arch, "--out", `${out}.tmp`], "ponder_tool vocab-gguf");
    fs.renameSync(`${out}.tmp`, out);
    return out;
}

// `ponder_tool make-model` with the vocabulary, the shape's options and the type's (Q4_K_M is
// `--q4-k-m --embd-type Q4_K`, any other type T `--type T --embd-type T`), written to `out` once:
// a later call with the same arguments reuses the file.
export function cachedModel(tool, out, arch, vocabGguf, shape, type) {
    const args = ["make-model", "--vocab-from", vocabGguf, "--arch", arch,
        ...(type === "Q4_K_M" ? ["--q4-k-m", "--embd-type", "Q4_K"] : ["--type", type, "--embd-type", type]),
        ...Object.entries(shape).flatMap(([k, v]) => [`--${k}`, String(v)]), "--seed", "1"];
    const stamp = `${out}.args.json`;
    if (fs.existsSync(out) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === JSON.stringify(args)) {
        return { path: out, built: false, seconds: 0 };
    }
    const tmp = `${out}.tmp`;
    fs.rmSync(out, { force: true });
    fs.rmSync(stamp, { force: true });
    const t0 = Date.now();
    run(tool, [...args, "--out", tmp], `ponder_tool make-model (${type})`);
    fs.renameSync(tmp, out);
    fs.writeFileSync(stamp, JSON.stringify(args));
    return { path: out, built: true, seconds: (Date.now() - t0) / 1000 };
}
