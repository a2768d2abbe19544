#!/usr/bin/env node
// Ponder vs llama.cpp speed on the same GGUF file, same machine, same thread count.
// llama.cpp is only called, through node-llama-cpp's CPU prebuilt in tests/peers/node_modules.
//
// usage: node tests/bench/bench_vs_llamacpp.mjs --tool PONDER_TOOL --cli PONDER_CLI --workdir DIR
//             [--threads 2] [--types Q4_K_M,Q8_0] [--shape qwen1.5b|tiny] [-p 512] [-n 128] [-r 3]
//
// For each type, `ponder_tool make-model` writes (once; cached in DIR) a random-weight model shaped
// like DeepSeek-R1-Distill-Qwen-1.5B (qwen2, n_embd 1536, 28 layers, 12 heads / 2 KV heads, n_ff
// 8960, the full R1-Distill-Qwen vocabulary), or a tiny one with --shape tiny. Q4_K_M is
// `--q4-k-m --embd-type Q4_K`; any other type T is `--type T --embd-type T`. Then:
//   Ponder:    ponder-cli bench --model M -p 512 -n 128 -r 3 --threads N --json (a separate process).
//   llama.cpp: a child node process (so its peak RSS is its own) loads M with mmap, a context of the
//              same thread count and batch size 512, then per round: 512 random token ids in one
//              decode (prompt processing, logits of the last one), then 128 greedy tokens one at a
//              time (temperature 0); one warm-up round, then r timed rounds, wall clock; the same
//              scheme ponder-cli bench uses.
// Prints a table (pp/tg tokens/s of each engine, ours/llama.cpp ratios, peak RSS against file size
// + KV cache, generation roofline = bytes streamed per token / seconds per token) and writes
// everything to DIR/bench_results.json. The 1.5B model files take ~1.1 GB (Q4_K_M) and ~1.9 GB
// (Q8_0): use a workdir under /tmp.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cachedModel, commandLine, llamaRounds, mean, parseJson, r1VocabGguf, run, sd, tensorSizes } from "./bench_common.mjs";

const USAGE = "node tests/bench/bench_vs_llamacpp.mjs --tool PONDER_TOOL --cli PONDER_CLI --workdir DIR " +
    "[--threads 2] [--types Q4_K_M,Q8_0] [--shape qwen1.5b|tiny] [-p 512] [-n 128] [-r 3]";

const SHAPES = {
    "qwen1.5b": { "n-embd": 1536, "n-layer": 28, "n-head": 12, "n-head-kv": 2, "n-ff": 8960, "vocab-tokens": 200000, ctx: 4096 },
    tiny: { "n-embd": 256, "n-layer": 2, "n-head": 4, "n-head-kv": 2, "n-ff": 512, "vocab-tokens": 8192, ctx: 4096 },
};
const TYPES = ["F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q4_K_M"];

const OPTIONS = {
    tool: { type: "string" }, cli: { type: "string" }, workdir: { type: "string" },
    threads: { type: "string" }, types: { type: "string" }, shape: { type: "string" },
    p: { type: "string", short: "p" }, n: { type: "string", short: "n" }, r: { type: "string", short: "r" },
    "llama-worker": { type: "string" },  // internal: run the llama.cpp side on this model
};

// ---------------------------------------------------------------- llama.cpp worker (child process)
async function llamaWorker(modelPath, threads, nPrompt, nGen, reps) {
    const baseRss = process.memoryUsage().rss;
    const { pp, tg, ...context } = await llamaRounds(modelPath, threads, nPrompt, nGen, reps);
    const result = {
        pp_tokens_per_s: mean(pp), pp_tokens_per_s_sd: sd(pp),
        tg_tokens_per_s: tg.length ? mean(tg) : 0, tg_tokens_per_s_sd: sd(tg),
        peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
        node_baseline_rss_bytes: baseRss,
        ...context,
    };
    process.stdout.write(JSON.stringify(result));
}

// ---------------------------------------------------------------- main
async function gguFacts(modelPath) {
    const { metadata: a, fileBytes, tensorBytes, sizes } = await tensorSizes(modelPath);
    const nEmbd = Number(a.embedding_length);
    const nHead = Number(a.attention?.head_count);
    const nHeadKv = Number(a.attention?.head_count_kv ?? nHead);
    const nLayer = Number(a.block_count);
    const tied = !sizes.has("output.weight");
    // Bytes a generated token reads: every tensor except the embedding table (one row of it), unless
    // the table is also the output matrix.
    const embdBytes = sizes.get("token_embd.weight")?.bytes ?? 0;
    return {
        fileBytes, tensorBytes, embdBytes, tied,
        streamedBytes: tied ? tensorBytes : tensorBytes - embdBytes,
        kvBytesPerToken: 2 * nLayer * nHeadKv * (nEmbd / nHead) * 2,  // K and V, F16
        nLayer, nEmbd, nHead, nHeadKv,
    };
}

async function main() {
    const { values: a, usageError } = commandLine(USAGE, OPTIONS);
    const threads = Number(a.threads ?? 2);
    const nPrompt = Number(a.p ?? 512);
    const nGen = Number(a.n ?? 128);
    const reps = Number(a.r ?? 3);
    if (!(threads >= 1 && nPrompt >= 1 && nPrompt <= 512 && nGen >= 0 && reps >= 1)) usageError("bad --threads/-p/-n/-r (-p at most 512, one batch)");
    if (a["llama-worker"]) return llamaWorker(a["llama-worker"], threads, nPrompt, nGen, reps);

    for (const k of ["tool", "cli", "workdir"]) if (!a[k]) usageError(`missing --${k}`);
    const shapeName = a.shape ?? "qwen1.5b";
    if (!SHAPES[shapeName]) usageError(`--shape must be one of ${Object.keys(SHAPES).join(", ")}`);
    const types = (a.types ?? "Q4_K_M,Q8_0").split(",").map((s) => s.trim()).filter(Boolean);
    for (const t of types) if (!TYPES.includes(t)) usageError(`unknown type ${t}`);
    const tool = path.resolve(a.tool);
    const cli = path.resolve(a.cli);
    const workdir = path.resolve(a.workdir);
    fs.mkdirSync(workdir, { recursive: true });
    const tStart = Date.now();

    // The R1-Distill-Qwen vocabulary as a vocab-only GGUF (cached).
    const vocabGguf = await r1VocabGguf(tool, workdir, "qwen", "qwen-r1.vocab.gguf");

    const results = [];
    for (const type of types) {
        const m = cachedModel(tool, path.join(workdir, `bench-${shapeName}-${type}.gguf`), "qwen2", vocabGguf,
            SHAPES[shapeName], type);
        process.stdout.write(`${type}: ${m.built ? `built ${m.path} in ${m.seconds.toFixed(0)} s` : `cached ${m.path}`}\n`);
        const facts = await gguFacts(m.path);

        const ours = parseJson(run(cli, ["bench", "--model", m.path, "-p", String(nPrompt), "-n", String(nGen),
            "-r", String(reps), "--threads", String(threads), "--json"], "ponder-cli bench"), "ponder-cli bench");
        process.stdout.write(`  ponder    pp ${ours.pp_tokens_per_s.toFixed(2)} t/s, tg ${ours.tg_tokens_per_s.toFixed(2)} t/s (${ours.backend})\n`);

        const lc = parseJson(run(process.execPath, [fileURLToPath(import.meta.url), "--llama-worker", m.path,
            "--threads", String(threads), "-p", String(nPrompt), "-n", String(nGen), "-r", String(reps)],
        "llama.cpp worker"), "llama.cpp worker");
        process.stdout.write(`  llama.cpp pp ${lc.pp_tokens_per_s.toFixed(2)} t/s, tg ${lc.tg_tokens_per_s.toFixed(2)} t/s\n`);

        const kvBytes = facts.kvBytesPerToken * (nPrompt + nGen + 1);
        const gbps = (tps, bytes) => (tps * bytes) / 1e9;
        results.push({
            type, model: m.path, shape: shapeName, threads, n_prompt: nPrompt, n_gen: nGen, repetitions: reps,
            file_bytes: facts.fileBytes, tensor_bytes: facts.tensorBytes, token_embd_bytes: facts.embdBytes,
            streamed_bytes_per_token: facts.streamedBytes, kv_cache_bytes_f16: kvBytes,
            ponder: { ...ours, roofline_gb_per_s: gbps(ours.tg_tokens_per_s, facts.fileBytes),
                streamed_gb_per_s: gbps(ours.tg_tokens_per_s, facts.streamedBytes) },
            llamacpp: { ...lc, roofline_gb_per_s: gbps(lc.tg_tokens_per_s, facts.fileBytes),
                streamed_gb_per_s: gbps(lc.tg_tokens_per_s, facts.streamedBytes) },
            ratio_pp: ours.pp_tokens_per_s / lc.pp_tokens_per_s,
            ratio_tg: ours.tg_tokens_per_s / lc.tg_tokens_per_s,
        });
    }

    // ---- table
    const MB = (b) => `${(b / 1e6).toFixed(0)} MB`;
    const rows = [["type", "engine", "pp t/s", "tg t/s", "pp ours/lc", "tg ours/lc", "peak RSS", "file + KV", "tg GB/s (file)", "tg GB/s (streamed)"]];
    for (const r of results) {
        const fileKv = MB(r.file_bytes + r.kv_cache_bytes_f16);
        rows.push([r.type, "ponder", `${r.ponder.pp_tokens_per_s.toFixed(2)} ±${r.ponder.pp_tokens_per_s_sd.toFixed(2)}`,
            `${r.ponder.tg_tokens_per_s.toFixed(2)} ±${r.ponder.tg_tokens_per_s_sd.toFixed(2)}`,
            r.ratio_pp.toFixed(2), r.ratio_tg.toFixed(2), MB(r.ponder.peak_rss_bytes), fileKv,
            r.ponder.roofline_gb_per_s.toFixed(1), r.ponder.streamed_gb_per_s.toFixed(1)]);
        rows.push(["", "llama.cpp", `${r.llamacpp.pp_tokens_per_s.toFixed(2)} ±${r.llamacpp.pp_tokens_per_s_sd.toFixed(2)}`,
            `${r.llamacpp.tg_tokens_per_s.toFixed(2)} ±${r.llamacpp.tg_tokens_per_s_sd.toFixed(2)}`, "", "",
            `${MB(r.llamacpp.peak_rss_bytes)} (node ${MB(r.llamacpp.node_baseline_rss_bytes)})`, fileKv,
            r.llamacpp.roofline_gb_per_s.toFixed(1), r.llamacpp.streamed_gb_per_s.toFixed(1)]);
    }
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    process.stdout.write(`\nshape ${shapeName}, ${threads} threads, pp${nPrompt} / tg${nGen} after the prompt, ` +
        `${reps} timed rounds after a warm-up (mean ± sd)\n`);
    for (const r of rows) process.stdout.write(`${r.map((x, c) => x.padEnd(widths[c])).join("  ")}\n`);
    process.stdout.write("tg GB/s (file) = file bytes x tokens/s; (streamed) = bytes a token reads (all tensors but the " +
        "untied embedding table) x tokens/s. llama.cpp RSS is its node process's, node itself included.\n");

    const outPath = path.join(workdir, "bench_results.json");
    fs.writeFileSync(outPath, JSON.stringify({ date: new Date().toISOString(), results }, null, 2));
    process.stdout.write(`wrote ${outPath} (${((Date.now() - tStart) / 1000).toFixed(0)} s)\n`);
}

main().catch((e) => {
    process.stderr.write(`error: ${e && e.message ? e.message : e}\n`);
    process.exit(1);
});
