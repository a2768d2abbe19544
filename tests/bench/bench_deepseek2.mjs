#!/usr/bin/env node
// Ponder vs llama.cpp speed on a deepseek2 (DeepSeek-V3 / R1 shaped) GGUF with random weights: the
// same file, same machine, same thread count. llama.cpp is only called, through node-llama-cpp's
// CPU prebuilt in tests/peers/node_modules. The sibling of bench_vs_llamacpp.mjs for MoE + MLA.
//
// usage: node tests/bench/bench_deepseek2.mjs --tool PONDER_TOOL --workdir DIR
//             [--threads 2] [--type Q4_K_M] [--shape moe1b|tiny] [-p 256] [-n 64] [-r 3] [--runs 3]
//
// `ponder_tool make-model --arch deepseek2` writes (once; cached in DIR) a model with R1's
// attention geometry (q low rank, kv_lora_rank 512 + 64 RoPE dims = R1's 576-value latent, 128+64
// query/key head dims, 128 value dims, the attn_k_b / attn_v_b layout of current R1 GGUFs, YaRN),
// R1's routing (sigmoid scores with the selection bias, 8 groups of which 4 are used, normalised
// weights scaled by 2.5, one shared expert, dense leading layers) and R1's ratios scaled down
// (moe1b: n_embd 1536, 16 layers of which 1 dense, 16 heads, q_lora 384, 64 experts of 512 of which
// 6 are used, the DeepSeek-V3 vocabulary cut to 32k tokens; ~1.3 GB at Q4_K_M). Q4_K_M is
// `--q4-k-m --embd-type Q4_K` (Q4_K weights, Q6_K output; rows narrower than 256 fall back to Q8_0).
// Then, `--runs` times, alternating the two sides (this VM's wall clock drifts ~20 %):
//   Ponder:    ponder_tool bench --model M --p P --n N --r R --threads T (a separate process): per
//              round P random tokens in one batch, then N tokens one at a time; a warm-up round.
//   llama.cpp: a child node process loads M (mmap), a context of the same thread count, batch 512,
//              then the same scheme: P random ids in one decode, N greedy tokens one at a time.
// Prints each run and the medians over the runs: pp/tg tokens/s, ours/llama.cpp ratios, the bytes
// of weights one generated token reads (attention, norms, router, dense layers, shared experts, the
// output matrix, and n_expert_used / n_expert of every routed expert tensor; one row of the
// embedding), from the GGUF's tensor sizes, against the time per token (achieved GB/s: the MoE
// roofline), and the KV cache's bytes per token: Ponder's from the engine (576 F16 values per layer
// = 1,152 B/layer), llama.cpp's from its own log of the cache it allocated. Writes everything to
// DIR/bench_deepseek2.json.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { cachedModel, commandLine, llamaRounds, mean, median, parseJson, r1VocabGguf, run, tensorSizes } from "./bench_common.mjs";

const USAGE = "node tests/bench/bench_deepseek2.mjs --tool PONDER_TOOL --workdir DIR [--threads 2] [--type Q4_K_M] " +
    "[--shape moe1b|tiny] [-p 256] [-n 64] [-r 3] [--runs 3]";

// R1: n_embd 7168, 61 layers (3 dense), 128 heads, q_lora 1536, kv_lora 512, qk 128+64, v 128,
// 256 experts of 2048 (8 used, 8 groups / 4 used), 1 shared, dense n_ff 18432, vocab 129,280.
const R1_ATTENTION = { "kv-lora": 512, "qk-nope": 128, "qk-rope": 64, "v-head": 128 };
const SHAPES = {
    moe1b: { "n-embd": 1536, "n-layer": 16, "dense-lead": 1, "n-head": 16, "q-lora": 384, ...R1_ATTENTION,
        "n-ff": 4096, "n-expert": 64, "n-expert-used": 6, "n-expert-shared": 1, "n-ff-exp": 512,
        "n-group": 8, "n-group-used": 4, "vocab-tokens": 32000, ctx: 4096 },
    tiny: { "n-embd": 256, "n-layer": 3, "dense-lead": 1, "n-head": 4, "q-lora": 64, ...R1_ATTENTION,
        "n-ff": 512, "n-expert": 16, "n-expert-used": 4, "n-expert-shared": 1, "n-ff-exp": 256,
        "n-group": 4, "n-group-used": 2, "vocab-tokens": 8192, ctx: 4096 },
};
const TYPES = ["F16", "Q8_0", "Q4_K", "Q6_K", "Q4_K_M"];

const OPTIONS = {
    tool: { type: "string" }, workdir: { type: "string" }, threads: { type: "string" },
    type: { type: "string" }, shape: { type: "string" }, runs: { type: "string" },
    p: { type: "string", short: "p" }, n: { type: "string", short: "n" }, r: { type: "string", short: "r" },
    "llama-worker": { type: "string" },  // internal: run the llama.cpp side on this model
};

// ---------------------------------------------------------------- llama.cpp worker (child process)
async function llamaWorker(modelPath, threads, nPrompt, nGen, reps) {
    const log = [];
    const { pp, tg, ...context } = await llamaRounds(modelPath, threads, nPrompt, nGen, reps,
        { logLevel: "info", logger: (level, message) => log.push(message) });
    // llama.cpp's own account of its KV cache: "llama_kv_cache: size = X MiB (C cells, L layers, ...),
    // K (f16): A MiB, V (f16): B MiB"
    const kvLine = log.find((l) => /llama_kv_cache: size =/.test(l)) ?? "";
    const cells = Number(/\(\s*(\d+) cells/.exec(kvLine)?.[1]);
    const mib = (re) => Number(re.exec(kvLine)?.[1]) * 1048576;
    const result = {
        pp_tokens_per_s: mean(pp), tg_tokens_per_s: tg.length ? mean(tg) : 0,
        peak_rss_bytes: process.resourceUsage().maxRSS * 1024,
        kv_log: kvLine.trim(), kv_cells: cells,
        kv_k_bytes_per_token: mib(/K \([^)]*\):\s*([\d.]+) MiB/) / cells,
        kv_v_bytes_per_token: mib(/V \([^)]*\):\s*([\d.]+) MiB/) / cells,
        ...context,
    };
    process.stdout.write(JSON.stringify(result));
}

// ---------------------------------------------------------------- main
async function gguFacts(modelPath) {
    const { metadata: a, fileBytes, tensorBytes, sizes } = await tensorSizes(modelPath);
    const nExpert = Number(a.expert_count), nUsed = Number(a.expert_used_count);
    const share = { attention: 0, dense: 0, shared: 0, router: 0, routed: 0, routedAll: 0, output: 0, norms: 0, embdRow: 0 };
    for (const [name, { bytes, dims }] of sizes) {
        if (name === "token_embd.weight") share.embdRow = bytes / dims[1];
        else if (name === "output.weight") share.output += bytes;
        else if (/_exps\.weight$/.test(name)) { share.routedAll += bytes; share.routed += bytes * nUsed / nExpert; }
        else if (/_shexp\.weight$/.test(name)) share.shared += bytes;
        else if (/ffn_gate_inp|exp_probs_b/.test(name)) share.router += bytes;
        else if (/\.ffn_(gate|up|down)\.weight$/.test(name)) share.dense += bytes;
        else if (/\.attn_(q|q_a|q_b|kv_a_mqa|kv_b|k_b|v_b|output)\.weight$/.test(name)) share.attention += bytes;
        else share.norms += bytes;
    }
    const active = share.attention + share.dense + share.shared + share.router + share.routed + share.output + share.norms + share.embdRow;
    return {
        fileBytes, tensorBytes, activeBytes: active, share, nExpert, nUsed,
        nLayer: Number(a.block_count), kvLora: Number(a.attention?.kv_lora_rank), nRot: Number(a.rope?.dimension_count),
    };
}

async function main() {
    const { values: a, usageError } = commandLine(USAGE, OPTIONS);
    const threads = Number(a.threads ?? 2);
    const nPrompt = Number(a.p ?? 256);
    const nGen = Number(a.n ?? 64);
    const reps = Number(a.r ?? 3);
    const runs = Number(a.runs ?? 3);
    if (!(threads >= 1 && nPrompt >= 1 && nPrompt <= 512 && nGen >= 1 && reps >= 1 && runs >= 1))
        usageError("bad --threads/-p/-n/-r/--runs (-p at most 512, one batch)");
    if (a["llama-worker"]) return llamaWorker(a["llama-worker"], threads, nPrompt, nGen, reps);

    for (const k of ["tool", "workdir"]) if (!a[k]) usageError(`missing --${k}`);
    const shapeName = a.shape ?? "moe1b";
    if (!SHAPES[shapeName]) usageError(`--shape must be one of ${Object.keys(SHAPES).join(", ")}`);
    const type = a.type ?? "Q4_K_M";
    if (!TYPES.includes(type)) usageError(`--type must be one of ${TYPES.join(", ")}`);
    const tool = path.resolve(a.tool);
    const workdir = path.resolve(a.workdir);
    fs.mkdirSync(workdir, { recursive: true });
    const tStart = Date.now();

    // The R1 (DeepSeek-V3) vocabulary as a vocab-only GGUF (cached).
    const vocabGguf = await r1VocabGguf(tool, workdir, "deepseek", "deepseek-r1.vocab.gguf");

    const m = cachedModel(tool, path.join(workdir, `bench-ds2-${shapeName}-${type}.gguf`), "deepseek2", vocabGguf,
        SHAPES[shapeName], type);
    process.stdout.write(`${type}: ${m.built ? `built ${m.path} in ${m.seconds.toFixed(0)} s` : `cached ${m.path}`}\n`);
    const facts = await gguFacts(m.path);
    const MB = (b) => `${(b / 1e6).toFixed(1)} MB`;
    process.stdout.write(`file ${MB(facts.fileBytes)}; weights one token reads ${MB(facts.activeBytes)}: attention ` +
        `${MB(facts.share.attention)}, dense ${MB(facts.share.dense)}, shared experts ${MB(facts.share.shared)}, ` +
        `routed ${facts.nUsed}/${facts.nExpert} of ${MB(facts.share.routedAll)} = ${MB(facts.share.routed)}, output ` +
        `${MB(facts.share.output)}, router + norms ${MB(facts.share.router + facts.share.norms)}\n`);

    const ours = [], lc = [];
    for (let k = 0; k < runs; k++) {  // alternate the sides, so drift hits both alike
        const sides = k % 2 ? ["llama.cpp", "ponder"] : ["ponder", "llama.cpp"];
        for (const side of sides) {
            if (side === "ponder") {
                const o = parseJson(run(tool, ["bench", "--model", m.path, "--p", String(nPrompt), "--n", String(nGen),
                    "--r", String(reps), "--threads", String(threads)], "ponder_tool bench"), "ponder_tool bench");
                ours.push(o);
                process.stdout.write(`  run ${k + 1} ponder    pp ${o.pp_tokens_per_s.toFixed(2)} t/s, tg ${o.tg_tokens_per_s.toFixed(2)} t/s (${o.backend})\n`);
            } else {
                const l = parseJson(run(process.execPath, [fileURLToPath(import.meta.url), "--llama-worker", m.path,
                    "--threads", String(threads), "-p", String(nPrompt), "-n", String(nGen), "-r", String(reps)],
                "llama.cpp worker"), "llama.cpp worker");
                lc.push(l);
                process.stdout.write(`  run ${k + 1} llama.cpp pp ${l.pp_tokens_per_s.toFixed(2)} t/s, tg ${l.tg_tokens_per_s.toFixed(2)} t/s\n`);
            }
        }
    }
    const med = (list, key) => median(list.map((x) => x[key]));
    const o = { pp: med(ours, "pp_tokens_per_s"), tg: med(ours, "tg_tokens_per_s") };
    const l = { pp: med(lc, "pp_tokens_per_s"), tg: med(lc, "tg_tokens_per_s") };
    const gbps = (tps) => (tps * facts.activeBytes) / 1e9;
    const ponderKv = ours[0].kv_bytes_per_token;
    const lcKv = lc[0].kv_k_bytes_per_token + lc[0].kv_v_bytes_per_token;
    const result = {
        date: new Date().toISOString(), model: m.path, shape: shapeName, type, threads, n_prompt: nPrompt, n_gen: nGen,
        repetitions: reps, runs, file_bytes: facts.fileBytes, tensor_bytes: facts.tensorBytes,
        active_bytes_per_token: facts.activeBytes, active_breakdown: facts.share,
        ponder: { pp_median: o.pp, tg_median: o.tg, ms_per_token: 1000 / o.tg, active_gb_per_s: gbps(o.tg),
            kv_bytes_per_token: ponderKv, runs: ours },
        llamacpp: { pp_median: l.pp, tg_median: l.tg, ms_per_token: 1000 / l.tg, active_gb_per_s: gbps(l.tg),
            kv_bytes_per_token: lcKv, kv_k_bytes_per_token: lc[0].kv_k_bytes_per_token,
            kv_v_bytes_per_token: lc[0].kv_v_bytes_per_token, kv_log: lc[0].kv_log,
            flash_attention: lc[0].flash_attention, runs: lc },
        ratio_pp: o.pp / l.pp, ratio_tg: o.tg / l.tg,
    };

    const rows = [["engine", `pp${nPrompt} t/s`, `tg${nGen} t/s`, "ms/token", "active GB/s", "KV B/token", "peak RSS"],
        ["ponder", o.pp.toFixed(2), o.tg.toFixed(2), (1000 / o.tg).toFixed(1), gbps(o.tg).toFixed(2), String(ponderKv),
            MB(median(ours.map((x) => x.peak_rss_bytes)))],
        ["llama.cpp", l.pp.toFixed(2), l.tg.toFixed(2), (1000 / l.tg).toFixed(1), gbps(l.tg).toFixed(2), lcKv.toFixed(0),
            `${MB(median(lc.map((x) => x.peak_rss_bytes)))} (node incl.)`],
        ["ours/lc", result.ratio_pp.toFixed(2), result.ratio_tg.toFixed(2), "", "", "", ""]];
    const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
    process.stdout.write(`\nshape ${shapeName} ${type}, ${threads} threads, medians of ${runs} alternating runs ` +
        `(each the mean of ${reps} rounds after a warm-up)\n`);
    for (const r of rows) process.stdout.write(`${r.map((x, c) => x.padEnd(widths[c])).join("  ")}\n`);
    process.stdout.write(`active GB/s = ${MB(facts.activeBytes)} of weights per generated token x tokens/s. KV: Ponder ` +
        `${facts.nLayer} layers x (${facts.kvLora} + ${facts.nRot}) F16 values; llama.cpp: ${lc[0].kv_log}\n`);
    const outPath = path.join(workdir, "bench_deepseek2.json");
    fs.writeFileSync(outPath, JSON.stringify(result, null, 2));
    process.stdout.write(`wrote ${outPath} (${((Date.now() - tStart) / 1000).toFixed(0)} s)\n`);
}

main().catch((e) => {
    process.stderr.write(`error: ${e && e.message ? e.message : e}\n`);
    process.exit(1);
});
