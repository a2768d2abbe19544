// GGUF reader agreement: files written by Ponder's GGUF writer, read by Ponder's reader
// (ponder_tool gguf-dump) and by node-llama-cpp's independent GGUF parser (readGgufFileInfo);
// header, every metadata value and every tensor info must agree. Then llama.cpp itself must
// load a Ponder-written vocabulary file (the tokenizer tests do that for real vocabularies).
//
// usage: node gguf_agreement.mjs --tool PONDER_TOOL --cli PONDER_CLI --workdir DIR
import {mkdirSync, readdirSync, rmSync} from "node:fs";
import {join} from "node:path";
import {execFileSync} from "node:child_process";
import {readGgufFileInfo} from "node-llama-cpp";

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

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
