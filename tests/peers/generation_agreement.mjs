#!/usr/bin/env node
// Compares Ponder's forward pass and greedy generation with llama.cpp (node-llama-cpp, CPU prebuilt),
// which is only called here. For each architecture (qwen2 with the R1-Distill-Qwen vocabulary, llama
// with the R1-Distill-Llama vocabulary and a rope_freqs tensor) and each tensor type, `ponder_tool
// make-model` writes a tiny random model; both engines load the same file.
//
// usage: node generation_agreement.mjs --tool PONDER_TOOL --cli PONDER_CLI --workdir DIR
//             [--types F32,Q4_K,...] [--archs qwen2,llama] [--threads N] [--n-predict 64]
//
// For every (arch, type, prompt):
//   tok  llama.cpp's tokenization of the prompt text (BOS prepended as the model says, special
//        tokens parsed) == the prompt_tokens ponder-cli evaluated.
//   gen  greedy 64 tokens: ours (ponder-cli run --raw --temp 0 --json) vs llama.cpp fed with OUR
//        prompt ids (temperature 0: a pure argmax chain, no repeat/DRY penalty, no top-k/p). Passes
//        when the token sequences (each including the end-of-generation token it stopped on) are
//        identical, or when at the first divergence step llama.cpp's own log-probabilities (after
//        the common prefix) of its token and of ours differ by < 0.05 (a near tie: the engines
//        round activations differently, e.g. llama.cpp multiplies F16/BF16 weights with F16/BF16
//        activations and Q4_1/Q5_1 with Q8_1 ones, Ponder with F32 and Q8_0). One engine
//        stopping at end of generation where the other goes on is a divergence like any other:
//        the stop token is compared as a token (ours' is the argmax of its own last logits row).
//   tf   teacher forced: over prompt + our generated tokens, the log-softmax of each actual next
//        token from llama.cpp (its full-vocabulary probabilities at every position, one batch) and
//        from ours (ponder_tool logits): max |diff| < 0.05 required at F32 and F16, reported only
//        for the other types. Also reported: each engine's max distance from Ponder's reference
//        mode (ponder_tool logits --simd exact: dequantized weights, float activations), the noise
//        floor that activation quantization (Q8_0/Q8_K in both engines, F16/BF16 in llama.cpp)
//        puts on these random models.
// Configuration: both engines keep the KV cache in F32 and llama.cpp's flash attention is off, so
// attention is plain F32 arithmetic in both and the comparison is about the matmuls (llama.cpp's
// F16 cache and flash attention round Q, K, V and the probabilities to F16).
// Quantized types: random tiny models are chaotic under activation quantization. A change of
// float summation order alone (Ponder's scalar vs SIMD kernels, same integer dots) moves their
// log-probabilities by up to ~0.1, so a divergence counts as a near tie when llama.cpp's gap is
// below max(0.05, noise, tf), noise being the largest teacher-forced log-probability difference
// between Ponder's SIMD and scalar paths on that same sequence: Ponder disagrees with itself by
// that much, and tf the two engines' teacher-forced difference on that sequence (in the next
// token's log-probability, and in the gap between their two top tokens at each position, bounded
// by the check below). Teacher forced at quantized types: max |diff| must stay within the larger of 0.05
// and both engines' distance from the float-activation reference (it catches a wrong kernel,
// which is off by whole units, not the ~0.1 of rounding).
// --threads defaults to 1: on a 2-core machine llama.cpp's spinning thread pool makes 2-thread
// single-token steps of a tiny model 10-100x slower.
// A summary line per (arch, type); the last line is "N passed, M failed"; exit 1 on any failure.

import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { getLlama, LlamaLogLevel } from "node-llama-cpp";
import { buildR1Vocab } from "./r1_vocabs.mjs";
import { parseCli, runTool, sameIds, Report, fatal } from "./common.mjs";

const USAGE = "node generation_agreement.mjs --tool PONDER_TOOL --cli PONDER_CLI --workdir DIR " +
    "[--types F32,F16,...] [--archs qwen2,llama] [--threads N] [--n-predict N]";
const ALL_TYPES = ["F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"];
const ARCH_VOCAB = { qwen2: "qwen", llama: "llama" };
const STRICT_TF_TYPES = new Set(["F32", "F16"]);
const NEAR_TIE = 0.05;   // max llama.cpp logprob gap between the two tokens at a divergence
const TF_TOL = 0.05;     // max |logprob diff| teacher forced, F32/F16

const PROMPTS = [
    { name: "chat", text: "<｜begin▁of▁sentence｜><｜User｜>What is 2+2?<｜Assistant｜><think>\n" },
    { name: "english", text: "The quick brown fox jumps over the lazy dog. Afterwards, it rested in the shade of an old oak tree." },
    { name: "code", text: "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n\nprint([fib(i) for i in range(10)])\n" },
    { name: "numbers", text: "3.14159 2.71828 1.41421 -42 1234567890 0x1F 1e-10 99% 2024-01-31 12:34:56" },
];

const args = parseCli({
    tool: { type: "string", required: true },
    cli: { type: "string", required: true },
    workdir: { type: "string", required: true },
    types: { type: "string" },
    archs: { type: "string" },
    threads: { type: "string" },
    "n-predict": { type: "string" },
}, USAGE);

const types = args.types ? args.types.split(",").map((s) => s.trim()).filter(Boolean) : ALL_TYPES;
const archs = args.archs ? args.archs.split(",").map((s) => s.trim()).filter(Boolean) : Object.keys(ARCH_VOCAB);
const threads = Number(args.threads ?? 1);
const nPredict = Number(args["n-predict"] ?? 64);
for (const t of types) if (!ALL_TYPES.includes(t)) { process.stderr.write(`unknown type ${t}\nusage: ${USAGE}\n`); process.exit(2); }
for (const a of archs) if (!ARCH_VOCAB[a]) { process.stderr.write(`unknown arch ${a}\nusage: ${USAGE}\n`); process.exit(2); }
if (!(threads >= 1) || !(nPredict >= 1)) { process.stderr.write(`bad --threads / --n-predict\nusage: ${USAGE}\n`); process.exit(2); }

const esc = (s) => JSON.stringify(s);
const fmt = (x) => (Number.isFinite(x) ? x.toFixed(4) : String(x));

function runCliJson(cli, cliArgs) {
    const r = spawnSync(cli, cliArgs, { encoding: "utf8", maxBuffer: 1 << 28 });
    if (r.error) throw new Error(`cannot run ${cli}: ${r.error.message}`);
    if (r.status !== 0) {
        throw new Error(`ponder-cli ${cliArgs[0]} exited with ${r.status ?? r.signal}: ` +
            (r.stderr || "").trim().split("\n").slice(0, 15).join("\n"));
    }
    try {
        return JSON.parse(r.stdout);
    } catch (e) {
        throw new Error(`ponder-cli ${cliArgs[0]} printed invalid JSON (${e.message}): ${r.stdout.slice(0, 300)}`);
    }
}

/** Log-softmax (float64) of each row of a float32 [rows][nCols] matrix, evaluated only at `pick[r]`. */
function logSoftmaxAt(row) {
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

/** llama.cpp's probabilities map -> dense log-probability array (missing tokens: -Infinity). */
function denseLogProbs(map, nVocab) {
    const lp = new Float64Array(nVocab).fill(-Infinity);
    for (const [tok, p] of map) if (tok >= 0 && tok < nVocab) lp[tok] = Math.log(p);
    return lp;
}

async function main() {
    const tool = path.resolve(args.tool);
    const cli = path.resolve(args.cli);
    const workdir = path.resolve(args.workdir);
    fs.mkdirSync(workdir, { recursive: true });
    const t0 = Date.now();

    const llamaLog = [];
    const llama = await getLlama({
        gpu: false, build: "never", skipDownload: true, progressLogs: false,
        logLevel: LlamaLogLevel.error, logger: (level, message) => llamaLog.push(`${level}: ${message}`),
    });

    const report = new Report(20);
    const summaries = [];
    const divergences = [];

    for (const arch of archs) {
        // --- the R1-Distill vocabulary of this family, as a vocab-only GGUF
        const vocabName = ARCH_VOCAB[arch];
        const meta = await buildR1Vocab(vocabName, workdir);
        const vocabGguf = path.join(workdir, `${vocabName}-r1.vocab.gguf`);
        fs.rmSync(vocabGguf, { force: true });
        runTool(tool, ["vocab-gguf", "--tokenizer-json", meta.tokenizerJsonPath, "--pre", meta.pre,
            "--bos", String(meta.bos), "--eos", String(meta.eos), "--add-bos", meta.addBos ? "1" : "0",
            "--arch", meta.arch, "--out", vocabGguf]);

        let eogListed = false;
        for (const type of types) {
            const tag = `${arch} ${type}`;
            const modelPath = path.join(workdir, `gen-${arch}-${type}.gguf`);
            fs.rmSync(modelPath, { force: true });
            runTool(tool, ["make-model", "--vocab-from", vocabGguf, "--out", modelPath, "--arch", arch,
                "--type", type, "--embd-type", type, ...(arch === "llama" ? ["--rope-freqs"] : []), "--seed", "1"]);

            // --- ours: greedy generation, then all-position logits of prompt + generated tokens
            const ours = PROMPTS.map((p) => {
                const j = runCliJson(cli, ["run", "--model", modelPath, "--raw", "--prompt", p.text,
                    "--n-predict", String(nPredict), "--temp", "0", "--json", "--quiet", "--threads", String(threads),
                    "--cache-type", "f32"]);
                if (!Array.isArray(j.prompt_tokens) || !Array.isArray(j.tokens))
                    throw new Error(`ponder-cli run printed no prompt_tokens/tokens for ${tag} ${p.name}`);
                const seq = [...j.prompt_tokens, ...j.tokens];
                // ours as run (activations quantized for quantized matmuls, like llama.cpp), and the
                // reference mode (weights dequantized, float activations) as a noise floor for the report
                const readLogits = (suffix, extra) => {
                    const bin = path.join(workdir, `gen-${arch}-${type}-${p.name}${suffix}.logits.bin`);
                    runTool(tool, ["logits", "--model", modelPath, "--tokens", seq.join(","), "--out", bin, "--kv", "f32", ...extra]);
                    const buf = fs.readFileSync(bin);
                    const logits = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
                    if (logits.length % seq.length !== 0) throw new Error(`${bin}: ${logits.length} floats for ${seq.length} tokens`);
                    const nRows = logits.length / seq.length;
                    return { nRows, row: (i) => logits.subarray(i * nRows, (i + 1) * nRows) };
                };
                const { nRows, row } = readLogits("", []);
                const exact = readLogits(".exact", ["--simd", "exact"]);
                // Ponder against itself: the scalar kernels (same integer math, other float order)
                const scalar = readLogits(".scalar", ["--simd", "scalar"]);
                let noise = 0;
                for (let k = 0; k + 1 < seq.length; k++)
                    noise = Math.max(noise, Math.abs(logSoftmaxAt(row(k))(seq[k + 1]) - logSoftmaxAt(scalar.row(k))(seq[k + 1])));
                return { json: j, seq, nRows, row, exactRow: exact.row, noise };
            });

            // --- llama.cpp
            let model;
            try {
                model = await llama.loadModel({ modelPath, gpuLayers: 0 });
            } catch (e) {
                throw new Error(`llama.cpp could not load ${modelPath}: ${e.message}\n${llamaLog.slice(-10).join("\n")}`);
            }
            const context = await model.createContext({ contextSize: 512, batchSize: 512, threads, sequences: 1,
                flashAttention: false, experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32" });
            const sequence = context.getSequence();
            let nVocab = 0;
            for (const _ of model.iterateAllTokens()) nVocab++;
            if (!eogListed) {  // informational: what llama.cpp stops on with this vocabulary
                eogListed = true;
                const eog = [...model.iterateAllTokens()].filter((t) => model.isEogToken(t));
                process.stdout.write(`${arch}: llama.cpp end-of-generation tokens: ` +
                    `${eog.map((t) => `${t} ${esc(model.detokenize([t], true))}`).join(", ")}\n`);
            }
            const tokenOnly = { generateNext: { token: true, options: { temperature: 0 } } };
            const withProbs = { generateNext: { token: true, probabilities: true, options: { temperature: 0 } } };
            const probsOnly = { generateNext: { probabilities: true, options: { temperature: 0 } } };

            const s = { identical: 0, nearTie: 0, fail: 0, tfMax: 0, tokFail: 0, exactVsLc: 0, exactVsOurs: 0 };
            for (let pi = 0; pi < PROMPTS.length; pi++) {
                const p = PROMPTS[pi];
                const o = ours[pi];
                const promptIds = o.json.prompt_tokens;
                const where = `${tag} prompt ${p.name}`;

                // tok: llama.cpp's own tokenization of the text
                const lcPrompt = [...(model.tokens.shouldPrependBosToken && model.tokens.bos != null ? [model.tokens.bos] : []),
                    ...model.tokenize(p.text, true)];
                const tokOk = sameIds(lcPrompt, promptIds);
                if (!tokOk) s.tokFail++;
                report.record("tok llama.cpp tokenize(prompt) == our prompt_tokens", tokOk,
                    () => `${where}\ntext: ${esc(p.text)}\nours:      [${promptIds.join(",")}]\nllama.cpp: [${lcPrompt.join(",")}]`);

                // ours, with the end-of-generation token it stopped on (argmax of its last logits row)
                const oursTokens = [...o.json.tokens];
                if (o.json.stop_reason === "eos") oursTokens.push(argmax(o.row(o.seq.length - 1)));

                // gen: llama.cpp greedy from our prompt ids, one token per step. At the first step
                // where its token differs from ours, that last input token is erased from its KV
                // cache and evaluated again asking for the full distribution: llama.cpp's own
                // log-probabilities after the common prefix (asking at every step costs ~25 ms).
                await sequence.clearHistory();
                const lcTokens = [];
                let divergeLogProbs = null;
                let resampleNote = "";
                let input = promptIds.map((t, k) => (k === promptIds.length - 1 ? [t, tokenOnly] : t));
                for (let step = 0; step < nPredict; step++) {
                    const out = await sequence.controlledEvaluate(input);
                    const tok = out[input.length - 1]?.next?.token;
                    if (tok == null) throw new Error(`${where}: llama.cpp returned no token at step ${step}`);
                    lcTokens.push(tok);
                    if (tok !== oursTokens[step]) {
                        const last = input[input.length - 1][0];
                        const n = sequence.contextTokens.length;
                        await sequence.eraseContextTokenRanges([{ start: n - 1, end: n }]);
                        const again = (await sequence.controlledEvaluate([[last, withProbs]]))[0]?.next;
                        if (!again?.probabilities) throw new Error(`${where}: llama.cpp gave no probabilities at step ${step}`);
                        divergeLogProbs = denseLogProbs(again.probabilities, nVocab);
                        if (again.token !== tok) resampleNote = ` (re-evaluated, llama.cpp picked ${again.token} instead of ${tok})`;
                        break;
                    }
                    if (model.isEogToken(tok)) break;
                    input = [[tok, tokenOnly]];
                }
                const lcStopped = lcTokens.length > 0 && model.isEogToken(lcTokens[lcTokens.length - 1]);

                // tf: teacher-forced log-probabilities over prompt + our generated tokens
                await sequence.clearHistory();
                const seq = o.seq;
                const items = seq.map((t, k) => (k < seq.length - 1 ? [t, probsOnly] : t));
                const out = await sequence.controlledEvaluate(items);
                let maxDiff = 0, lcFromExact = 0, oursFromExact = 0;
                let rankDiff = 0;  // max over positions of how differently the engines see the gap between their top tokens
                let worst = null;
                for (let k = 0; k + 1 < seq.length; k++) {
                    const map = out[k]?.next?.probabilities;
                    if (!map) throw new Error(`${where}: llama.cpp gave no probabilities at position ${k}`);
                    const next = seq[k + 1];
                    const pLc = map.get(next);
                    const lpLc = pLc === undefined ? -Infinity : Math.log(pLc);
                    const lpOurs = logSoftmaxAt(o.row(k))(next);
                    const lpExact = logSoftmaxAt(o.exactRow(k))(next);
                    lcFromExact = Math.max(lcFromExact, Math.abs(lpExact - lpLc));
                    oursFromExact = Math.max(oursFromExact, Math.abs(lpExact - lpOurs));
                    {
                        const lsm = logSoftmaxAt(o.row(k));
                        const a = argmax(o.row(k));
                        let bTok = a, bP = -1;
                        for (const [tok, prob] of map) if (prob > bP) { bP = prob; bTok = tok; }
                        const lcLp = (t) => { const q = map.get(t); return q === undefined ? -Infinity : Math.log(q); };
                        const dd = Math.abs((lcLp(a) - lcLp(bTok)) - (lsm(a) - lsm(bTok)));
                        if (Number.isFinite(dd)) rankDiff = Math.max(rankDiff, dd);
                    }
                    const d = Math.abs(lpLc - lpOurs);
                    if (!(d <= maxDiff)) {
                        maxDiff = Number.isNaN(d) ? Infinity : d;
                        worst = { k, next, lpLc, lpOurs };
                    }
                }
                s.tfMax = Math.max(s.tfMax, maxDiff);
                s.exactVsLc = Math.max(s.exactVsLc, lcFromExact);
                s.exactVsOurs = Math.max(s.exactVsOurs, oursFromExact);
                if (STRICT_TF_TYPES.has(type)) {
                    report.record(`tf teacher-forced |logprob diff| < ${TF_TOL} (F32/F16)`, maxDiff < TF_TOL, () =>
                        `${where}: max |diff| ${fmt(maxDiff)} at position ${worst.k} (next token ${worst.next}): ` +
                        `llama.cpp ${fmt(worst.lpLc)}, ours ${fmt(worst.lpOurs)}`);
                } else {
                    const limit = Math.max(TF_TOL, lcFromExact, oursFromExact);
                    report.record("tf teacher-forced |logprob diff| within the quantization noise (quantized types)",
                        maxDiff <= limit, () => `${where}: max |diff| ${fmt(maxDiff)} > ${fmt(limit)} (llama.cpp from the float ` +
                            `reference ${fmt(lcFromExact)}, ours ${fmt(oursFromExact)}) at position ${worst.k}`);
                }
                let i = 0;
                while (i < oursTokens.length && i < lcTokens.length && oursTokens[i] === lcTokens[i]) i++;
                const bothEnd = i === oursTokens.length && i === lcTokens.length;
                if (bothEnd) {
                    s.identical++;
                    report.record("gen greedy identical or near tie", true);
                } else {
                    // At step i one engine has a token and the other either another token or nothing
                    // (it stopped; then the token it stopped on is the previous one, an EOG, so
                    // that case is a mismatch in what counts as end of generation).
                    const lcTok = lcTokens[i];
                    const ourTok = oursTokens[i];
                    const piece = (id) => (id === undefined ? "(none)" : `${id} ${esc(model.detokenize([id], true))}`);
                    let gap = NaN;
                    let lpLc = NaN;
                    let lpOurs = NaN;
                    let why;
                    if (lcTok !== undefined && ourTok !== undefined) {
                        lpLc = divergeLogProbs[lcTok];
                        lpOurs = ourTok < nVocab ? divergeLogProbs[ourTok] : -Infinity;
                        gap = lpLc - lpOurs;
                        why = `first divergence at step ${i}`;
                    } else if (lcTok === undefined) {
                        why = `llama.cpp stopped after step ${i - 1} (EOG ${piece(lcTokens[i - 1])}), ours went on with ${piece(ourTok)}`;
                    } else {
                        why = `ours stopped after step ${i - 1} (${o.json.stop_reason}), llama.cpp went on with ${piece(lcTok)}`;
                    }
                    // ours' own view of the same step (its teacher-forced row after the common prefix)
                    let oursView = "";
                    if (lcTok !== undefined && ourTok !== undefined) {
                        const lsm = logSoftmaxAt(o.row(promptIds.length - 1 + i));
                        oursView = `; ours' logprobs: its token ${fmt(lsm(ourTok))}, llama.cpp's ${fmt(lsm(lcTok))}`;
                    }
                    // Float types: 0.05 (Ponder's own scalar/SIMD noise is ~1e-6 there). Quantized
                    // types: also Ponder's own noise and the engines' teacher-forced difference on
                    // this very sequence, which the tf check bounds by the quantization error.
                    const threshold = STRICT_TF_TYPES.has(type) || type === "BF16"
                        ? Math.max(NEAR_TIE, o.noise) : Math.max(NEAR_TIE, o.noise, maxDiff, rankDiff);
                    const near = Number.isFinite(gap) && Math.abs(gap) < threshold;
                    if (near) s.nearTie++;
                    else s.fail++;
                    const detail = `${where}: ${why}; llama.cpp token ${piece(lcTok)} logprob ${fmt(lpLc)}, ` +
                        `ours ${piece(ourTok)} llama.cpp logprob ${fmt(lpOurs)}, gap ${fmt(gap)} (near-tie limit ${fmt(threshold)})${resampleNote}${oursView}` +
                        ` (ours ${o.json.tokens.length} tokens, stop ${o.json.stop_reason}${lcStopped ? "; llama.cpp ended with EOG" : ""})`;
                    divergences.push(`${near ? "near-tie" : "FAIL    "} ${detail}`);
                    report.record("gen greedy identical or near tie", near, () =>
                        `${detail}\ncommon prefix ${i} tokens; ours: [${oursTokens.join(",")}]\nllama.cpp: [${lcTokens.join(",")}]`);
                }

                if (o.nRows !== nVocab && pi === 0) {
                    process.stdout.write(`  note ${tag}: ours has ${o.nRows} logit rows, llama.cpp ${nVocab} tokens\n`);
                }
            }
            await sequence.dispose?.();
            await context.dispose();
            await model.dispose();

            const line = `${tag.padEnd(12)} identical ${s.identical}, near-tie ${s.nearTie}, fail ${s.fail}, ` +
                `teacher-forced max |diff| ${s.tfMax.toExponential(2)}${STRICT_TF_TYPES.has(type) ? ` (limit ${TF_TOL})` : " (reported)"}` +
                `; vs float-activation reference: llama.cpp ${s.exactVsLc.toExponential(2)}, ours ${s.exactVsOurs.toExponential(2)}` +
                `${s.tokFail ? `, tokenization mismatches ${s.tokFail}` : ""}`;
            summaries.push(line);
            process.stdout.write(`${line}\n`);
        }
    }

    if (divergences.length) {
        process.stdout.write(`\nNon-identical greedy runs (${divergences.length}):\n`);
        for (const d of divergences) process.stdout.write(`  ${d}\n`);
    }
    process.stdout.write(`\n${archs.length} archs x ${types.length} types x ${PROMPTS.length} prompts, ` +
        `${nPredict} tokens, threads ${threads}, ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
    await llama.dispose();
    return report.finish();
}

main().then((code) => process.exit(code), fatal);
