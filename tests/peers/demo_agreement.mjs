#!/usr/bin/env node
// The bundled demo model answers the same, word for word, in Ponder and in llama.cpp
// (node-llama-cpp, CPU prebuilt).
//
// usage: node demo_agreement.mjs --cli PONDER_CLI --model DEMO.gguf --suite SUITE.jsonl
//             [--limit N] [--out LLAMA.jsonl] [--min-accuracy 0.95]
//
// Ponder: `ponder-cli eval --json` (greedy). llama.cpp: the same prompt text (R1's template with
// the generation prompt "<think>\n", specials parsed), greedy one token at a time until an
// end-of-generation token. Both engines keep the KV cache in F32 and llama.cpp's flash attention is
// off, so the only numeric difference left is how each multiplies F16 weights (llama.cpp rounds
// activations to F16, Ponder keeps them in F32).
// Checks, per problem: llama.cpp's completion text equals ours, and failing that both are graded
// the same. Then both engines' accuracy must reach --min-accuracy. --out writes llama.cpp's
// completions as JSONL (training/demo/evaluate.py --compare reads it).
// The last line is "N passed, M failed"; exit 1 on any failure.

import fs from "node:fs";
import { spawnSync } from "node:child_process";
import { getLlama, LlamaLogLevel } from "node-llama-cpp";
import { parseCli, Report, fatal } from "./common.mjs";

const USAGE = "node demo_agreement.mjs --cli PONDER_CLI --model DEMO.gguf --suite SUITE.jsonl " +
    "[--limit N] [--out LLAMA.jsonl] [--min-accuracy 0.95]";
const MAX_TOKENS = 1000;

const args = parseCli({
    cli: { type: "string", required: true },
    model: { type: "string", required: true },
    suite: { type: "string", required: true },
    limit: { type: "string" },
    out: { type: "string" },
    "min-accuracy": { type: "string" },
}, USAGE);
const minAccuracy = Number(args["min-accuracy"] ?? 0.95);

// The grading rule of ponder-cli eval (engine/src/answer.cpp), written again here so that a bug in
// it shows up as a disagreement rather than being shared.
function lastBoxed(text) {
    let found = null;
    for (let at = text.indexOf("\\boxed{"); at >= 0; at = text.indexOf("\\boxed{", at + 1)) {
        let depth = 1, i = at + 7;
        for (; i < text.length && depth; i++) depth += text[i] === "{" ? 1 : text[i] === "}" ? -1 : 0;
        if (depth === 0) found = text.slice(at + 7, i - 1).trim();
    }
    return found;
}
const isNumber = (s) => /^\s*-?\d+(,\d{3})*(\.\d+)?\s*$/.test(s);
function grade(completion, expected) {
    const close = completion.lastIndexOf("</think>");
    if (close < 0) return { extracted: null, correct: false };
    const tail = completion.slice(close + 8);
    let got = lastBoxed(tail);
    if (got === null) {
        const nums = tail.match(/-?\d+(,\d{3})*(\.\d+)?/g);
        got = isNumber(expected) && nums ? nums[nums.length - 1] : tail.trim();
    }
    const text = (s) => s.trim().replace(/^\$(.*)\$$/s, "$1").replace(/\.$/, "").replace(/\s+/g, "");
    const correct = isNumber(expected) && isNumber(got)
        ? Number(got.replace(/,/g, "")) === Number(expected.replace(/,/g, ""))
        : got.length > 0 && text(got) === text(expected);
    return { extracted: got, correct };
}

async function main() {
    const suite = fs.readFileSync(args.suite, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l))
        .slice(0, args.limit ? Number(args.limit) : undefined);

    // --- ours
    const t0 = Date.now();
    const r = spawnSync(args.cli, ["eval", "--model", args.model, "--suite", args.suite, "--limit", String(suite.length),
        "--json", "--quiet", "--threads", "1", "--cache-type", "f32", "--max-tokens", String(MAX_TOKENS)],
    { encoding: "utf8", maxBuffer: 1 << 30 });
    if (r.status !== 0) fatal(`ponder-cli eval exited with ${r.status ?? r.signal}: ${(r.stderr || "").trim()}`);
    const ours = JSON.parse(r.stdout);
    const oursMs = Date.now() - t0;

    // --- llama.cpp
    const llamaLog = [];
    const llama = await getLlama({
        gpu: false, build: "never", skipDownload: true, progressLogs: false,
        logLevel: LlamaLogLevel.error, logger: (level, message) => llamaLog.push(`${level}: ${message}`),
    });
    const model = await llama.loadModel({ modelPath: args.model, gpuLayers: 0 });
    const context = await model.createContext({ contextSize: 2048, batchSize: 512, threads: 1, sequences: 1,
        flashAttention: false, experimentalKvCacheKeyType: "F32", experimentalKvCacheValueType: "F32" });
    const sequence = context.getSequence();
    const tokenOnly = { generateNext: { token: true, options: { temperature: 0 } } };

    const report = new Report(10);
    const out = args.out ? fs.openSync(args.out, "w") : null;
    let identical = 0, oursRight = 0, lcRight = 0, lcTokens = 0;
    const t1 = Date.now();
    for (let i = 0; i < suite.length; i++) {
        const p = suite[i];
        const promptText = `<｜begin▁of▁sentence｜><｜User｜>${p.prompt}<｜Assistant｜><think>\n`;
        const promptIds = model.tokenize(promptText, true);
        await sequence.clearHistory();
        const generated = [];
        let input = promptIds.map((t, k) => (k === promptIds.length - 1 ? [t, tokenOnly] : t));
        for (let step = 0; step < MAX_TOKENS; step++) {
            const res = await sequence.controlledEvaluate(input);
            const tok = res[input.length - 1]?.next?.token;
            if (tok == null) fatal(`llama.cpp returned no token (problem ${i})`);
            if (model.isEogToken(tok)) break;
            generated.push(tok);
            input = [[tok, tokenOnly]];
        }
        lcTokens += generated.length;
        const lcText = model.detokenize(generated, true);
        const ourText = ours.problems[i].samples[0].completion;
        const g = grade(lcText, String(p.answer));
        const gOurs = grade(ourText, String(p.answer));
        if (out) fs.writeSync(out, JSON.stringify({ index: i, completion: lcText, ...g }) + "\n");
        identical += lcText === ourText;
        oursRight += ours.problems[i].samples[0].correct;
        lcRight += g.correct;
        const show = (s) => JSON.stringify(s.length > 400 ? s.slice(0, 400) + "..." : s);
        report.record("Ponder's eval grade == this script's grade of its completion",
            gOurs.correct === ours.problems[i].samples[0].correct,
            () => `problem ${i} ${show(p.prompt)}: eval says ${ours.problems[i].samples[0].correct}, extracted ` +
                `${show(String(ours.problems[i].samples[0].extracted))}; here ${gOurs.correct} (${show(String(gOurs.extracted))})`);
        report.record("same answer in both engines", lcText === ourText || (g.correct === gOurs.correct &&
            g.extracted === gOurs.extracted),
        () => `problem ${i} ${show(p.prompt)}\n  ours:      ${show(ourText)}\n  llama.cpp: ${show(lcText)}`);
    }
    if (out) fs.closeSync(out);
    const n = suite.length;
    process.stdout.write(`${identical}/${n} completions identical; accuracy: Ponder ${(100 * oursRight / n).toFixed(1)}%, ` +
        `llama.cpp ${(100 * lcRight / n).toFixed(1)}%; Ponder ${(oursMs / 1000).toFixed(1)} s (eval, incl. load), ` +
        `llama.cpp ${((Date.now() - t1) / 1000).toFixed(1)} s for ${lcTokens} tokens\n`);
    report.record(`Ponder accuracy >= ${minAccuracy}`, oursRight / n >= minAccuracy, () => `${oursRight}/${n}`);
    report.record(`llama.cpp accuracy >= ${minAccuracy}`, lcRight / n >= minAccuracy, () => `${lcRight}/${n}`);
    await context.dispose();
    await model.dispose();
    process.exitCode = report.finish();
}

main().catch((e) => fatal(e.stack || String(e)));
