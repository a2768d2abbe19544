// Small helpers shared by the peer comparison scripts: argument parsing, running ponder_tool,
// and counting/reporting results in the "N passed, M failed" form ctest greps for.

import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";

export function parseCli(options, usage) {
    try {
        const { values } = parseArgs({ options, strict: true, allowPositionals: false });
        for (const [name, o] of Object.entries(options)) {
            if (o.required && values[name] === undefined) throw new Error(`missing --${name}`);
        }
        return values;
    } catch (e) {
        process.stderr.write(`${e.message}\nusage: ${usage}\n`);
        process.exit(2);
    }
}

/** Runs ponder_tool and returns its stdout; throws with its stderr on a non-zero exit. */
export function runTool(tool, args) {
    const r = spawnSync(tool, args, { encoding: "utf8", maxBuffer: 1 << 30 });
    if (r.error) throw new Error(`cannot run ${tool}: ${r.error.message}`);
    if (r.status !== 0) {
        const err = (r.stderr || "").trim().split("\n").slice(0, 15).join("\n");
        throw new Error(`ponder_tool ${args[0]} exited with ${r.status ?? r.signal}: ${err}`);
    }
    return r.stdout;
}

export function runToolJson(tool, args, expectedLength) {
    const out = runTool(tool, args);
    let parsed;
    try {
        parsed = JSON.parse(out);
    } catch (e) {
        throw new Error(`ponder_tool ${args[0]} printed invalid JSON (${e.message}): ${out.slice(0, 200)}`);
    }
    if (!Array.isArray(parsed) || (expectedLength !== undefined && parsed.length !== expectedLength)) {
        throw new Error(`ponder_tool ${args[0]} printed ${Array.isArray(parsed) ? parsed.length : typeof parsed} ` +
            `items, expected an array of ${expectedLength}`);
    }
    return parsed;
}

/** Throws unless `lists` is an array of arrays of non-negative integers (token id lists). */
export function checkIdLists(lists, what) {
    lists.forEach((ids, i) => {
        if (!Array.isArray(ids) || !ids.every((x) => Number.isInteger(x) && x >= 0))
            throw new Error(`${what}: item ${i} is not an array of token ids: ${JSON.stringify(ids).slice(0, 200)}`);
    });
    return lists;
}

export function sameIds(a, b) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
}

/** Collects pass/fail counts per named check and the first few failure details overall. */
export class Report {
    constructor(maxDetails = 10) {
        this.maxDetails = maxDetails;
        this.checks = new Map(); // name -> {passed, failed}
        this.details = [];
        this.totalFailed = 0;
    }

    record(check, ok, detail) {
        let c = this.checks.get(check);
        if (!c) this.checks.set(check, (c = { passed: 0, failed: 0 }));
        if (ok) {
            c.passed++;
            return;
        }
        c.failed++;
        this.totalFailed++;
        if (this.details.length < this.maxDetails) this.details.push({ check, detail: detail() });
    }

    /** Prints the summary and final line; returns the process exit code. */
    finish(out = process.stdout) {
        let passed = 0;
        let failed = 0;
        out.write("\nSummary:\n");
        for (const [name, c] of this.checks) {
            passed += c.passed;
            failed += c.failed;
            out.write(`  ${c.failed ? "FAIL" : "ok  "} ${name}: ${c.passed} passed, ${c.failed} failed\n`);
        }
        if (this.details.length) {
            out.write(`\nFirst ${this.details.length} mismatch(es):\n`);
            for (const d of this.details) out.write(`--- [${d.check}]\n${d.detail}\n`);
        }
        out.write(`${passed} passed, ${failed} failed\n`);
        return failed ? 1 : 0;
    }
}

/** Reports an error that stopped the comparison before it could count anything. */
export function fatal(e) {
    process.stdout.write(`error: ${e && e.message ? e.message : e}\n0 passed, 1 failed\n`);
    process.exit(1);
}
