// GGUF reader and writer agreement with two independent GGUF implementations:
//  1. files written by Ponder's writer, read by Ponder's reader (ponder_tool gguf-dump), by
//     node-llama-cpp's parser (readGgufFileInfo) and by Hugging Face's @huggingface/gguf: header,
//     every metadata value and every tensor info must agree;
//  2. files written by Hugging Face's GGUF writer (serializeGgufMetadata / buildGgufHeader, the
//     code behind the Hub's GGUF metadata editor) must be read by Ponder exactly, tensor bytes
//     included. llama.cpp's own gguf-py writer is not packaged for Debian or npm.
// llama.cpp loading Ponder-written vocabularies is covered by tokenizer_agreement.mjs.
//
// usage: node gguf_agreement.mjs --tool PONDER_TOOL --cli PONDER_CLI --workdir DIR
import {mkdirSync, readdirSync, rmSync} from "node:fs";
import {join} from "node:path";
import {execFileSync} from "node:child_process";
import {readGgufFileInfo} from "node-llama-cpp";
import {gguf as hfGguf, serializeGgufMetadata, buildGgufHeader} from "@huggingface/gguf";
import {readFileSync, writeFileSync} from "node:fs";

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
    a.startsWith("--") ? [...acc, [a.slice(2), all[i + 1]]] : acc, []));
for (const k of ["tool", "cli", "workdir"])
    if (!args[k]) { console.error(`missing --${k}`); process.exit(2); }

rmSync(args.workdir, {recursive: true, force: true});
mkdirSync(args.workdir, {recursive: true});
execFileSync(args.tool, ["write-seeds", args.workdir]);

let passed = 0, failed = 0;
const fail = (what) => { failed++; if (failed <= 20) console.log("MISMATCH " + what); };
const ok = () => passed++;

// Flattens node-llama-cpp's nested metadata object back into dotted GGUF keys.
function flatten(obj, prefix = "", out = {}) {
    for (const [k, v] of Object.entries(obj)) {
        const key = prefix ? `${prefix}.${k}` : k;
        if (v !== null && typeof v === "object" && !Array.isArray(v)) flatten(v, key, out);
        else out[key] = v;
    }
    return out;
}

// Compares a value from node-llama-cpp with ours (integers as exact text, floats as f32/f64).
function same(theirs, ours) {
    if (Array.isArray(theirs)) return Array.isArray(ours) && theirs.length === ours.length &&
        theirs.every((t, i) => same(t, ours[i]));
    if (typeof theirs === "bigint") return String(theirs) === String(ours);
    if (typeof theirs === "number") {
        if (typeof ours === "string") return String(theirs) === ours;
        return theirs === ours || Math.fround(theirs) === Math.fround(ours);
    }
    return theirs === ours;
}

for (const name of readdirSync(args.workdir).filter(f => f.endsWith(".gguf")).sort()) {
    const path = join(args.workdir, name);
    const ours = JSON.parse(execFileSync(args.tool, ["gguf-dump", path], {maxBuffer: 1 << 28}).toString());
    const theirs = await readGgufFileInfo(path, {logWarnings: false});
    theirs.version === ours.version ? ok() : fail(`${name}: version ${theirs.version} vs ${ours.version}`);
    const meta = flatten(theirs.metadata);
    const ourKeys = Object.keys(ours.kvs).sort(), theirKeys = Object.keys(meta).sort();
    JSON.stringify(ourKeys) === JSON.stringify(theirKeys) ? ok()
        : fail(`${name}: keys differ\n  ours:   ${ourKeys}\n  theirs: ${theirKeys}`);
    for (const key of ourKeys) {
        if (!(key in meta)) continue;
        same(meta[key], ours.kvs[key]) ? ok()
            : fail(`${name}: ${key}: theirs ${JSON.stringify(meta[key], (k, v) => typeof v === "bigint" ? String(v) : v)} ours ${JSON.stringify(ours.kvs[key])}`);
    }
    const tensors = theirs.fullTensorInfo ?? theirs.tensorInfo ?? [];
    tensors.length === ours.tensors.length ? ok() : fail(`${name}: ${tensors.length} tensors vs ${ours.tensors.length}`);
    tensors.forEach((t, i) => {
        const o = ours.tensors[i] ?? {};
        const dims = t.dimensions.map(Number);
        const good = t.name === o.name && t.ggmlType === o.type && JSON.stringify(dims) === JSON.stringify(o.dims) &&
            Number(t.offset) === o.offset && Number(t.fileOffset) === o.file_offset;
        good ? ok() : fail(`${name}: tensor ${i}: theirs ${t.name} type ${t.ggmlType} dims ${dims} offset ${t.offset} ` +
            `file ${t.fileOffset}; ours ${JSON.stringify(o)}`);
    });
    console.log(`${name}: ${ourKeys.length} keys, ${ours.tensors.length} tensors, alignment ${ours.alignment}`);
}

const dump = (path) => JSON.parse(execFileSync(args.tool, ["gguf-dump", path], {maxBuffer: 1 << 28}).toString());
const show = (v) => JSON.stringify(v, (k, x) => typeof x === "bigint" ? String(x) : x);

// Compares Hugging Face's typed metadata with Ponder's dump, key by key.
function compareTyped(label, typed, ours) {
    const keys = Object.keys(typed).filter(k => !["version", "tensor_count", "kv_count"].includes(k));
    keys.length === Object.keys(ours.kvs).length ? ok() : fail(`${label}: ${keys.length} keys vs ${Object.keys(ours.kvs).length}`);
    for (const k of keys) same(typed[k].value, ours.kvs[k]) ? ok() : fail(`${label}: ${k}: HF ${show(typed[k].value)} ours ${show(ours.kvs[k])}`);
}

// 1b. Hugging Face's parser on Ponder-written files.
for (const name of readdirSync(args.workdir).filter(f => f.startsWith("seed_") && f.endsWith(".gguf")).sort()) {
    const path = join(args.workdir, name);
    const hf = await hfGguf(path, {allowLocalFile: true, typedMetadata: true});
    const ours = dump(path);
    compareTyped(`HF reads ${name}`, hf.typedMetadata, ours);
    hf.tensorInfos.length === ours.tensors.length ? ok() : fail(`HF reads ${name}: tensor count`);
    hf.tensorInfos.forEach((t, i) => {
        const o = ours.tensors[i];
        t.name === o.name && t.dtype === o.type && Number(t.offset) === o.offset &&
            JSON.stringify(t.shape.map(Number)) === JSON.stringify(o.dims) ? ok()
            : fail(`HF reads ${name}: tensor ${i} ${show(t)} vs ${show(o)}`);
    });
}

// 2a. Hugging Face's writer rewrites the metadata of a Ponder file (new keys of several types);
// Ponder must read the result, with every tensor's bytes where they were.
{
    const src = join(args.workdir, "seed_types.gguf");
    const hf = await hfGguf(src, {allowLocalFile: true, typedMetadata: true});
    const typed = {...hf.typedMetadata};
    typed["hf.note"] = {value: "written by @huggingface/gguf", type: 8};
    typed["hf.u16s"] = {value: [1, 2, 65535], type: 9, subType: 2};
    typed["hf.i64"] = {value: -42n, type: 11};
    typed["hf.flag"] = {value: true, type: 7};
    typed.kv_count = {value: BigInt(Object.keys(typed).length - 3), type: 10};
    const bytes = readFileSync(src);
    const header = await buildGgufHeader(new Blob([bytes]), typed, {
        littleEndian: true, tensorInfoByteRange: hf.tensorInfoByteRange, alignment: 64});
    const out = join(args.workdir, "hf_rewritten.gguf");
    writeFileSync(out, Buffer.concat([Buffer.from(await header.arrayBuffer()), bytes.subarray(Number(hf.tensorDataOffset))]));
    const ours = dump(out), orig = dump(src);
    compareTyped("Ponder reads HF-rewritten file", typed, ours);
    ours.tensors.length === orig.tensors.length ? ok() : fail("HF-rewritten: tensor count");
    orig.tensors.forEach((t, i) => (ours.tensors[i] && ours.tensors[i].fnv1a === t.fnv1a && ours.tensors[i].name === t.name)
        ? ok() : fail(`HF-rewritten: tensor ${t.name} bytes differ`));
    console.log(`hf_rewritten.gguf: ${Object.keys(ours.kvs).length} keys, ${ours.tensors.length} tensors`);
}

// 2b. A metadata-only file serialised from scratch by Hugging Face's writer.
{
    const typed = {
        version: {value: 3, type: 4}, tensor_count: {value: 0n, type: 10}, kv_count: {value: 5n, type: 10},
        "general.architecture": {value: "qwen2", type: 8},
        "qwen2.context_length": {value: 131072, type: 4},
        "qwen2.rope.freq_base": {value: 1000000, type: 6},
        "tokenizer.ggml.tokens": {value: ["<｜User｜>", "Ġworld", ""], type: 9, subType: 8},
        "x.i8s": {value: [-1, 0, 127], type: 9, subType: 1},
    };
    const out = join(args.workdir, "hf_written.gguf");
    writeFileSync(out, serializeGgufMetadata(typed, {alignment: 32}));
    compareTyped("Ponder reads HF-written file", typed, dump(out));
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
