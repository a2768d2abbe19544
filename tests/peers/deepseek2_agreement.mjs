#!/usr/bin/env node
// Compares Ponder's deepseek2 forward (DeepSeek-V3 / R1: MLA attention, routed MoE) with llama.cpp
// (node-llama-cpp 3.21.1, CPU prebuilt), which is only called here. `ponder_tool make-model --arch
// deepseek2` writes tiny random models with the real DeepSeek-V3 vocabulary (R1's special tokens,
// cut to 4k ordinary tokens); both engines load the same file.
//
// usage: node deepseek2_agreement.mjs --tool PONDER_TOOL --workdir DIR [--python PYTHON3_WITH_NUMPY]
//             [--types F32,F16,Q8_0,Q4_K_M] [--models mla,kvb,lite] [--threads N] [--n-predict 64]
//
// Models: 8 routed experts of which 2 are used, group-limited sigmoid routing with the selection
// bias, normalised expert weights scaled by 2.5, shared experts, a dense first layer.
//   mla   q low rank (attn_q_a / attn_q_b), the split attn_k_b / attn_v_b layout of current R1
//         GGUFs (llama.cpp then caches only the latent, as Ponder always does), YaRN, 4 groups of
//         which 2 are used, one shared expert; 3 layers; F32, F16, Q8_0, Q4_K_M.
//   kvb   q low rank, one attn_kv_b (older GGUFs: llama.cpp then runs plain multi-head attention
//         with per-head K and V in its cache, Ponder absorbs W_UK / W_UV around the latent), no
//         YaRN, 2 groups of which 1 is used, two shared experts; 3 layers; the same four types.
//   lite  no q low rank (attn_q) with the split layout; 27 layers, because llama.cpp has no key for
//         "no q low rank": it takes a deepseek2 model with 27 (or 26) layers for DeepSeek-V2-Lite
//         and demands deepseek2.attention.q_lora_rank from any other (a real V2-Lite GGUF has no
//         such key, as ours has none). F32 and one prompt only: 27 random layers are chaotic under
//         rounding (measured: F16 weights move llama.cpp's log-probabilities by up to 11 from its
//         F16 activations alone, Q8_0 both engines by ~1 in the median from the float reference),
//         while at F32 the engines agree to 5e-5.
// Q4_K_M is make-model --q4-k-m: Q4_K weights and Q6_K output (llama.cpp's Q4_K_M also moves some
// layers' attn_v / ffn_down to Q6_K; make-model does that for qwen2/llama only); rows narrower than
// 256 fall back to Q8_0 as llama.cpp's quantizer does.
//
// For every (model, type, prompt), both engines fed the same prompt ids (llama.cpp's tokenization,
// BOS first):
//   gen  64 greedy tokens: ours (ponder_tool generate: Session::generate at temperature 0) vs
//        llama.cpp's (temperature 0, no penalties), each with the end-of-generation token it stopped
//        on. Identical, or at the first divergence llama.cpp's own log-probabilities of its token
//        and of ours differ by less than the near-tie limit, the rule of generation_agreement.mjs:
//        F32/F16 0.05 (or Ponder's own SIMD-vs-scalar noise on that sequence, ~1e-6 there);
//        Q8_0/Q4_K_M the largest of 0.05, that noise and the engines' teacher-forced difference on
//        the sequence (the next token's log-probability and the gap between their two top tokens).
//        Routing near ties: a token whose routing in some layer is within rounding of choosing other
//        experts may go to other experts in the other engine, and the output then jumps by whole
//        units (measured on kvb F16 with an 8k vocabulary: llama.cpp's F16 activations in its one-token path picked other
//        experts at a margin of 2.4e-4 and the next token's log-probability moved by 15). So a
//        divergence outside the limit also passes when tests/reference/reference_forward.py (numpy,
//        float64, written from DeepSeek-V3's equations) puts the routing of the token at that step
//        within ROUTE_TIE = 0.01 of a tie in some layer (the bound check_engine.py leaves out); the
//        reference's own choice of token is printed beside it. Without --python such a divergence
//        fails.
//   tf   teacher forced over prompt + our tokens (llama.cpp's full-vocabulary probabilities, one
//        batch, against ponder_tool logits): max |log-probability difference| < 0.05 at F32/F16
//        (this is the check that catches a routing bug: a wrong bias, weight, group score or group
//        limit fails all 13 sequences). At Q8_0/Q4_K_M a routing call near a tie can go either way in
//        each engine and move single positions by whole units, so the median over positions must
//        stay below 0.15 (measured at most 0.06; a wrong expert, a wrong head or a wrong model
//        gives medians of 3-14).
//   split the mla model at Q4_K_M rewritten as 3 shards (ponder_tool split, as gguf-split does):
//        Ponder opening the first shard gives bit for bit the single file's logits and the same
//        greedy tokens; llama.cpp opening the first shard the same greedy tokens as from the file.
// Both engines keep the KV cache in F32 and llama.cpp's flash attention is off (plain F32
// attention in both), one thread each (llama.cpp's spinning pool makes 2-thread single-token steps
// of a tiny model far slower on 2 cores). About 40 s on the 2-core machine under load.
// A summary line per (model, type); the last line is "N passed, M failed"; exit 1 on any failure.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { getLlama, LlamaLogLevel } from "node-llama-cpp";
import { buildR1Vocab } from "./r1_vocabs.mjs";
import { parseCli, runTool, sameIds, Report, fatal } from "./common.mjs";

const USAGE = "node deepseek2_agreement.mjs --tool PONDER_TOOL --workdir DIR [--python PYTHON3] " +
    "[--types F32,F16,Q8_0,Q4_K_M] [--models mla,kvb,lite] [--threads N] [--n-predict N]";
const ALL_TYPES = ["F32", "F16", "Q8_0", "Q4_K_M"];
const STRICT_TYPES = new Set(["F32", "F16"]);
const NEAR_TIE = 0.05;
const TF_TOL = 0.05;      // max |logprob diff| teacher forced, F32/F16
const TF_MEDIAN = 0.15;   // median |logprob diff| teacher forced, Q8_0/Q4_K_M
const ROUTE_TIE = 0.01;   // a routing call this close to going another way is a near tie (check_engine.py's)
const REFERENCE = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "reference", "reference_forward.py");
const COMMON = ["--vocab-tokens", "4096", "--n-expert", "8", "--n-expert-used", "2", "--dense-lead", "1",
    "--n-embd", "256", "--n-head", "4", "--kv-lora", "64", "--qk-nope", "32", "--qk-rope", "16"];
const MODELS = {
    mla: { types: ALL_TYPES, flags: ["--n-layer", "3", "--q-lora", "64", "--v-head", "64", "--n-group", "4",
        "--n-group-used", "2", "--n-expert-shared", "1", "--n-ff-exp", "256", "--seed", "11"] },
    kvb: { types: ALL_TYPES, flags: ["--n-layer", "3", "--q-lora", "128", "--kv-b-single", "--v-head", "32", "--n-group", "2",
        "--n-group-used", "1", "--n-expert-shared", "2", "--n-ff-exp", "128", "--no-yarn", "--seed", "12"] },
    lite: { types: ["F32"], prompts: 1, flags: ["--n-layer", "27", "--q-lora", "0", "--v-head", "32", "--n-group", "2",
        "--n-group-used", "1", "--n-expert-shared", "1", "--n-ff-exp", "64", "--n-ff", "256", "--seed", "13"] },
};
const SPLIT = { model: "mla", type: "Q4_K_M", shards: 3 };

const PROMPTS = [
    { name: "chat", text: "<｜User｜>What is 2+2?<｜Assistant｜><think>\n" },
    { name: "english", text: "The quick brown fox jumps over the lazy dog. Afterwards, it rested in the shade of an old oak tree." },
    { name: "code", text: "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n" },
];

const args = parseCli({
    tool: { type: "string", required: true },
    workdir: { type: "string", required: true },
    types: { type: "string" },
    models: { type: "string" },
    python: { type: "string" },
    threads: { type: "string" },
    "n-predict": { type: "string" },
}, USAGE);

const list = (s, all) => (s ? s.split(",").map((x) => x.trim()).filter(Boolean) : all);
const types = list(args.types, ALL_TYPES);
const models = list(args.models, Object.keys(MODELS));
const threads = Number(args.threads ?? 1);
const nPredict = Number(args["n-predict"] ?? 64);
for (const t of types) if (!ALL_TYPES.includes(t)) { process.stderr.write(`unknown type ${t}\nusage: ${USAGE}\n`); process.exit(2); }
for (const m of models) if (!MODELS[m]) { process.stderr.write(`unknown model ${m}\nusage: ${USAGE}\n`); process.exit(2); }
if (!(threads >= 1) || !(nPredict >= 1)) { process.stderr.write(`bad --threads / --n-predict\nusage: ${USAGE}\n`); process.exit(2); }

const esc = (s) => JSON.stringify(s);
const spent = { ponder: 0, llama: 0 };  // seconds, for the last line
async function timed(side, f) {
    const t = process.hrtime.bigint();
    try { return await f(); } finally { spent[side] += Number(process.hrtime.bigint() - t) / 1e9; }
}
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(4) : String(x));

function logSoftmax(row) {
    let max = -Infinity;
    for (let i = 0; i < row.length; i++) if (row[i] > max) max = row[i];
    let sum = 0;
    for (let i = 0; i < row.length; i++) sum += Math.exp(row[i] - max);
    const lse = max + Math.log(sum);
    return (id) => (id >= 0 && id < row.length ? row[id] - lse : NaN);
}

function argmax(row) {
    let best = 0;
    for (let i = 1; i < row.length; i++) if (row[i] > row[best]) best = i;
    return best;
}

function denseLogProbs(map, nVocab) {
    const lp = new Float64Array(nVocab).fill(-Infinity);
    for (const [tok, p] of map) if (tok >= 0 && tok < nVocab) lp[tok] = Math.log(p);
    return lp;
}

/** The numpy reference's (tests/reference, float64, written from DeepSeek-V3's equations) smallest
 *  routing margin over all MoE layers for the last token of `seq`, and its top token there. */
function referenceAtLast(python, modelPath, seq, workdir) {
    const logitsNpy = path.join(workdir, "reference.logits.npy"), marginsNpy = path.join(workdir, "reference.margins.npy");
    const r = spawnSync(python, [REFERENCE, "--model", modelPath, "--tokens", seq.join(","), "--kv-cache", "f32",
        "--out", logitsNpy, "--route-margins", marginsNpy], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${REFERENCE} exited with ${r.status ?? r.signal}: ${(r.stderr || "").trim().slice(-800)}`);
    const readNpy = (file) => {  // float32, little endian, version 1 header
        const b = fs.readFileSync(file);
        const header = b.toString("latin1", 10, 10 + b.readUInt16LE(8));
        if (!header.includes("'<f4'")) throw new Error(`${file}: not float32 (${header})`);
        const off = 10 + b.readUInt16LE(8);
        return new Float32Array(b.buffer.slice(b.byteOffset + off, b.byteOffset + b.length));
    };
    const margins = readNpy(marginsNpy), logits = readNpy(logitsNpy);
    const nv = logits.length / seq.length;
    return { margin: margins[seq.length - 1], top: argmax(logits.subarray((seq.length - 1) * nv, seq.length * nv)) };
}

function makeArgs(type) {
    return type === "Q4_K_M" ? ["--q4-k-m", "--embd-type", "Q4_K"] : ["--type", type, "--embd-type", type];
}

/** Ponder: greedy tokens (with the EOG it stopped on) and all-position logits of prompt + them;
 *  noise() is Ponder against itself on that sequence (its scalar kernels), computed on demand. */
function ponderRun(tool, modelPath, promptIds, workdir, tag) {
    const g = JSON.parse(runTool(tool, ["generate", "--model", modelPath, "--tokens", promptIds.join(","),
        "--n-predict", String(nPredict), "--kv", "f32", "--threads", String(threads)]));
    if (!Array.isArray(g.tokens)) throw new Error(`ponder_tool generate printed no tokens for ${tag}`);
    const tokens = [...g.tokens, ...(g.eog != null ? [g.eog] : [])];
    const seq = [...promptIds, ...g.tokens];
    const readLogits = (suffix, extra) => {
        const bin = path.join(workdir, `${tag}${suffix}.logits.bin`);
        runTool(tool, ["logits", "--model", modelPath, "--tokens", seq.join(","), "--out", bin, "--kv", "f32", ...extra]);
        const buf = fs.readFileSync(bin);
        const logits = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
        if (logits.length % seq.length !== 0) throw new Error(`${bin}: ${logits.length} floats for ${seq.length} tokens`);
        const nRows = logits.length / seq.length;
        return { buf, nRows, row: (i) => logits.subarray(i * nRows, (i + 1) * nRows) };
    };
    const main = readLogits("", []);
    const noise = () => {
        const scalar = readLogits(".scalar", ["--simd", "scalar"]);
        let n = 0;
        for (let k = 0; k + 1 < seq.length; k++)
            n = Math.max(n, Math.abs(logSoftmax(main.row(k))(seq[k + 1]) - logSoftmax(scalar.row(k))(seq[k + 1])));
        return n;
    };
    return { g, tokens, seq, logitsBytes: main.buf, nRows: main.nRows, row: main.row, noise };
}

const tokenOnly = { generateNext: { token: true, options: { temperature: 0 } } };
const withProbs = { generateNext: { token: true, probabilities: true, options: { temperature: 0 } } };
const probsOnly = { generateNext: { probabilities: true, options: { temperature: 0 } } };

/** llama.cpp greedy from `promptIds`, one token per step, until EOG, nPredict or the first token
 *  that differs from `ours`; there its full distribution after the common prefix is fetched. */
async function llamaGreedy(model, sequence, promptIds, ours, nVocab, where) {
    await sequence.clearHistory();
    const tokens = [];
    let divergeLogProbs = null;
    let input = promptIds.map((t, k) => (k === promptIds.length - 1 ? [t, tokenOnly] : t));
    for (let step = 0; step < nPredict; step++) {
        const out = await sequence.controlledEvaluate(input);
        const tok = out[input.length - 1]?.next?.token;
        if (tok == null) throw new Error(`${where}: llama.cpp returned no token at step ${step}`);
        tokens.push(tok);
        if (tok !== ours[step]) {
            const last = input[input.length - 1][0];
            const n = sequence.contextTokens.length;
            await sequence.eraseContextTokenRanges([{ start: n - 1, end: n }]);
            const again = (await sequence.controlledEvaluate([[last, withProbs]]))[0]?.next;
            if (!again?.probabilities) throw new Error(`${where}: llama.cpp gave no probabilities at step ${step}`);
            divergeLogProbs = denseLogProbs(again.probabilities, nVocab);
            break;
        }
        if (model.isEogToken(tok)) break;
        input = [[tok, tokenOnly]];
    }
    return { tokens, divergeLogProbs };
}

async function openLlama(llama, llamaLog, modelPath) {
    let model;
    try {
        model = await llama.loadModel({ modelPath, gpuLayers: 0 });
    } catch (e) {
        throw new Error(`llama.cpp could not load ${modelPath}: ${e.message}\n${llamaLog.slice(-10).join("\n")}`);
    }
    const context = await model.createContext({ contextSize: 256, batchSize: 256, threads, sequences: 1,
        flashAttention: false, experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32" });
    let nVocab = 0;
    for (const _ of model.iterateAllTokens()) nVocab++;
    return { model, context, sequence: context.getSequence(), nVocab,
        async close() { await context.dispose(); await model.dispose(); } };
}

async function main() {
    const tool = path.resolve(args.tool);
    const workdir = path.resolve(args.workdir);
    fs.mkdirSync(workdir, { recursive: true });
    const t0 = Date.now();

    const llamaLog = [];
    const llama = await getLlama({
        gpu: false, build: "never", skipDownload: true, progressLogs: false,
        logLevel: LlamaLogLevel.error, logger: (level, message) => llamaLog.push(`${level}: ${message}`),
    });

    const meta = await buildR1Vocab("deepseek", workdir);
    const vocabGguf = path.join(workdir, "deepseek-r1.vocab.gguf");
    fs.rmSync(vocabGguf, { force: true });
    runTool(tool, ["vocab-gguf", "--tokenizer-json", meta.tokenizerJsonPath, "--pre", meta.pre,
        "--bos", String(meta.bos), "--eos", String(meta.eos), "--add-bos", meta.addBos ? "1" : "0",
        "--arch", meta.arch, "--out", vocabGguf]);

    const report = new Report(20);
    const divergences = [];
    let promptIds = null;  // per prompt, llama.cpp's tokenization (the truncated vocabulary is the same in every model)
    let nRuns = 0;
    const splitRef = {};   // prompt -> {ours, lcTokens} of the single file SPLIT names

    for (const name of models) {
        for (const type of MODELS[name].types.filter((t) => types.includes(t))) {
            const tag = `${name} ${type}`;
            const tModel = Date.now();
            const modelPath = path.join(workdir, `ds2-${name}-${type}.gguf`);
            fs.rmSync(modelPath, { force: true });
            runTool(tool, ["make-model", "--vocab-from", vocabGguf, "--out", modelPath, "--arch", "deepseek2",
                ...makeArgs(type), ...COMMON, ...MODELS[name].flags]);
            const lc = await timed("llama", () => openLlama(llama, llamaLog, modelPath));
            const { model, sequence, nVocab } = lc;
            if (!promptIds) {
                const bos = model.tokens.shouldPrependBosToken && model.tokens.bos != null ? [model.tokens.bos] : [];
                promptIds = PROMPTS.map((p) => [...bos, ...model.tokenize(p.text, true)]);
            }
            const quantized = !STRICT_TYPES.has(type);
            const s = { identical: 0, nearTie: 0, routeTie: 0, fail: 0, tfMax: 0, tfMedian: 0 };
            for (let pi = 0; pi < (MODELS[name].prompts ?? PROMPTS.length); pi++) {
                const p = PROMPTS[pi];
                const where = `${tag} prompt ${p.name}`;
                nRuns++;
                const o = await timed("ponder", () => ponderRun(tool, modelPath, promptIds[pi], workdir, `${name}-${type}-${p.name}`));
                if (o.nRows !== nVocab) throw new Error(`${where}: ours has ${o.nRows} logits, llama.cpp ${nVocab} tokens`);
                const lcRun = await timed("llama", () => llamaGreedy(model, sequence, promptIds[pi], o.tokens, nVocab, where));
                if (name === SPLIT.model && type === SPLIT.type) splitRef[p.name] = { o, lcTokens: lcRun.tokens };

                // tf: llama.cpp's probabilities of each next token over prompt + our tokens, one batch
                const seq = o.seq;
                const out = await timed("llama", async () => {
                    await sequence.clearHistory();
                    return sequence.controlledEvaluate(seq.map((t, k) => (k < seq.length - 1 ? [t, probsOnly] : t)));
                });
                let maxDiff = 0, rankDiff = 0, worst = null;
                const diffs = [];
                for (let k = 0; k + 1 < seq.length; k++) {
                    const map = out[k]?.next?.probabilities;
                    if (!map) throw new Error(`${where}: llama.cpp gave no probabilities at position ${k}`);
                    const next = seq[k + 1];
                    const lcLp = (t) => { const q = map.get(t); return q === undefined ? -Infinity : Math.log(q); };
                    const lsm = logSoftmax(o.row(k));
                    const lpLc = lcLp(next), lpOurs = lsm(next);
                    // how differently the two engines see the gap between their top tokens here
                    const a = argmax(o.row(k));
                    let bTok = a, bP = -1;
                    for (const [tok, prob] of map) if (prob > bP) { bP = prob; bTok = tok; }
                    const dd = Math.abs((lcLp(a) - lcLp(bTok)) - (lsm(a) - lsm(bTok)));
                    if (Number.isFinite(dd)) rankDiff = Math.max(rankDiff, dd);
                    const d = Number.isNaN(lpLc - lpOurs) ? Infinity : Math.abs(lpLc - lpOurs);
                    diffs.push(d);
                    if (!(d <= maxDiff)) {
                        maxDiff = d;
                        worst = { k, next, lpLc, lpOurs };
                    }
                }
                diffs.sort((x, y) => x - y);
                const median = diffs[Math.floor(diffs.length / 2)];
                s.tfMax = Math.max(s.tfMax, maxDiff);
                s.tfMedian = Math.max(s.tfMedian, median);
                if (quantized) {
                    report.record(`tf teacher-forced median |logprob diff| < ${TF_MEDIAN} (Q8_0/Q4_K_M)`, median < TF_MEDIAN, () =>
                        `${where}: median |diff| ${fmt(median)} over ${diffs.length} positions (max ${fmt(maxDiff)} at position ${worst.k})`);
                } else {
                    report.record(`tf teacher-forced max |logprob diff| < ${TF_TOL} (F32/F16)`, maxDiff < TF_TOL, () =>
                        `${where}: max |diff| ${fmt(maxDiff)} at position ${worst.k} (next token ${worst.next}): ` +
                        `llama.cpp ${fmt(worst.lpLc)}, ours ${fmt(worst.lpOurs)}`);
                }

                // gen
                const ours = o.tokens, lcTokens = lcRun.tokens;
                let i = 0;
                while (i < ours.length && i < lcTokens.length && ours[i] === lcTokens[i]) i++;
                if (i === ours.length && i === lcTokens.length) {
                    s.identical++;
                    report.record("gen greedy identical or near tie", true);
                } else {
                    const lcTok = lcTokens[i], ourTok = ours[i];
                    const piece = (id) => (id === undefined ? "(none)" : `${id} ${esc(model.detokenize([id], true))}`);
                    let gap = NaN, lpLc = NaN, lpOurs = NaN, why, oursView = "";
                    if (lcTok !== undefined && ourTok !== undefined) {
                        lpLc = lcRun.divergeLogProbs[lcTok];
                        lpOurs = ourTok < nVocab ? lcRun.divergeLogProbs[ourTok] : -Infinity;
                        gap = lpLc - lpOurs;
                        why = `first divergence at step ${i}`;
                        const lsm = logSoftmax(o.row(promptIds[pi].length - 1 + i));
                        oursView = `; ours' logprobs: its token ${fmt(lsm(ourTok))}, llama.cpp's ${fmt(lsm(lcTok))}`;
                    } else if (lcTok === undefined) {
                        why = `llama.cpp stopped after step ${i - 1} (EOG ${piece(lcTokens[i - 1])}), ours went on with ${piece(ourTok)}`;
                    } else {
                        why = `ours stopped after step ${i - 1} (${o.g.stop_reason}), llama.cpp went on with ${piece(lcTok)}`;
                    }
                    // Ponder's own noise is computed only when the rest leaves the divergence outside
                    let threshold = quantized ? Math.max(NEAR_TIE, maxDiff, rankDiff) : NEAR_TIE;
                    if (!(Math.abs(gap) < threshold)) threshold = Math.max(threshold, await timed("ponder", () => o.noise()));
                    let near = Number.isFinite(gap) && Math.abs(gap) < threshold;
                    // Else a routing near tie: the reference's routing of the token at this step
                    // came within ROUTE_TIE of choosing other experts in some layer.
                    let route = "";
                    if (!near && lcTok !== undefined && ourTok !== undefined) {
                        if (!args.python) {
                            route = "; no --python to ask the reference whether routing was near a tie";
                        } else {
                            const ref = await timed("ponder", () => referenceAtLast(args.python, modelPath,
                                [...promptIds[pi], ...ours.slice(0, i)], workdir));
                            near = ref.margin < ROUTE_TIE;
                            route = `; reference: routing margin ${ref.margin.toExponential(2)} (tie below ${ROUTE_TIE}), ` +
                                `its token ${piece(ref.top)}`;
                        }
                    }
                    if (near) (route ? s.routeTie++ : s.nearTie++);
                    else s.fail++;
                    const detail = `${where}: ${why}; llama.cpp token ${piece(lcTok)} logprob ${fmt(lpLc)}, ours ${piece(ourTok)} ` +
                        `llama.cpp logprob ${fmt(lpOurs)}, gap ${fmt(gap)} (near-tie limit ${fmt(threshold)})${oursView}${route}`;
                    divergences.push(`${near ? (route ? "route-tie" : "near-tie ") : "FAIL     "} ${detail}`);
                    report.record("gen greedy identical or near tie", near, () =>
                        `${detail}\ncommon prefix ${i} tokens; ours: [${ours.join(",")}]\nllama.cpp: [${lcTokens.join(",")}]`);
                }
            }
            await lc.close();
            const line = `${tag.padEnd(12)} ${((Date.now() - tModel) / 1000).toFixed(1).padStart(4)} s, identical ${s.identical}, near-tie ${s.nearTie}, routing near-tie ${s.routeTie}, fail ${s.fail}, ` +
                `teacher-forced |logprob diff| max ${s.tfMax.toExponential(2)}, median ${s.tfMedian.toExponential(2)}`;
            process.stdout.write(`${line}\n`);
        }
    }

    // split: the SPLIT model as shards, opened from the first one by both engines
    if (Object.keys(splitRef).length) {
        const single = path.join(workdir, `ds2-${SPLIT.model}-${SPLIT.type}.gguf`);
        const first = path.join(workdir, `ds2-split-00001-of-${String(SPLIT.shards).padStart(5, "0")}.gguf`);
        for (let k = 1; k <= SPLIT.shards; k++)
            fs.rmSync(first.replace("-00001-of-", `-${String(k).padStart(5, "0")}-of-`), { force: true });
        runTool(tool, ["split", "--model", single, "--out", first, "--n", String(SPLIT.shards)]);
        const lc = await timed("llama", () => openLlama(llama, llamaLog, first));
        for (let pi = 0; pi < PROMPTS.length; pi++) {
            const ref = splitRef[PROMPTS[pi].name];
            const where = `split ${SPLIT.model} ${SPLIT.type} x${SPLIT.shards} prompt ${PROMPTS[pi].name}`;
            const o = await timed("ponder", () => ponderRun(tool, first, promptIds[pi], workdir, `split-${PROMPTS[pi].name}`));
            report.record("split Ponder: the first shard gives the single file's tokens and logits, bit for bit",
                sameIds(o.tokens, ref.o.tokens) && o.logitsBytes.equals(ref.o.logitsBytes),
                () => `${where}: tokens ${sameIds(o.tokens, ref.o.tokens) ? "equal" : `[${o.tokens.join(",")}] vs single [${ref.o.tokens.join(",")}]`}, ` +
                    `logits ${o.logitsBytes.equals(ref.o.logitsBytes) ? "equal" : "differ"}`);
            const lcRun = await timed("llama", () => llamaGreedy(lc.model, lc.sequence, promptIds[pi], ref.o.tokens, lc.nVocab, where));
            report.record("split llama.cpp: the first shard gives the single file's greedy tokens",
                sameIds(lcRun.tokens, ref.lcTokens),
                () => `${where}: llama.cpp split [${lcRun.tokens.join(",")}] vs single [${ref.lcTokens.join(",")}]`);
        }
        await lc.close();
        process.stdout.write(`split ${SPLIT.model} ${SPLIT.type} into ${SPLIT.shards} shards: checked in both engines\n`);
    }

    if (divergences.length) {
        process.stdout.write(`\nNon-identical greedy runs (${divergences.length}):\n`);
        for (const d of divergences) process.stdout.write(`  ${d}\n`);
    }
    process.stdout.write(`\n${nRuns} (model, type, prompt) runs, ${nPredict} tokens, ` +
        `threads ${threads}, ${((Date.now() - t0) / 1000).toFixed(1)} s (ponder_tool ${spent.ponder.toFixed(1)} s, ` +
        `llama.cpp ${spent.llama.toFixed(1)} s)\n`);
    await llama.dispose();
    return report.finish();
}

main().then((code) => process.exit(code), fatal);
