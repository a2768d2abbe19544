// `ponder-cli serve` against OpenAI's own Node SDK (the `openai` npm package, pinned): the
// reference client for the protocol. Checks that the SDK reads what the server sends, streamed
// and not: DeepSeek-style `reasoning_content` before `content`, the answer right for the demo
// model, usage (with reasoning tokens), a multi-turn conversation, the model list, errors as the
// SDK's typed errors (400, 401), and an aborted stream leaving the server ready for the next.
// usage: openai_sdk_serve.mjs --cli PONDER_CLI --model ponder-demo.gguf
import { spawn } from "node:child_process";
import OpenAI from "openai";
import { parseCli } from "./common.mjs";

const args = parseCli({ cli: { type: "string", required: true }, model: { type: "string", required: true } },
    "openai_sdk_serve.mjs --cli PONDER_CLI --model MODEL.gguf");
let passed = 0, failed = 0;
function check(name, ok, detail = "") {
    if (ok) passed++;
    else { failed++; console.log(`FAIL: ${name} ${detail}`); }
}

/** Starts `ponder-cli serve --port 0` and resolves to {url, proc} once it listens. */
function startServer(extraArgs = [], env = process.env) {
    return new Promise((resolve, reject) => {
        const proc = spawn(args.cli, ["serve", "--model", args.model, "--port", "0", ...extraArgs], { env });
        let log = "";
        const timer = setTimeout(() => reject(new Error(`serve did not start: ${log}`)), 30000);
        proc.stderr.on("data", (d) => {
            log += d;
            const m = log.match(/listening on (http:\/\/\S+)/);
            if (m) { clearTimeout(timer); resolve({ url: m[1], proc }); }
        });
        proc.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${log}`)));
    });
}

const question = "What is 12 + 7?";
const { url, proc } = await startServer();
try {
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: "unused", maxRetries: 0 });

    const models = await client.models.list();
    check("models.list", models.data.length === 1 && models.data[0].id === "ponder-demo", JSON.stringify(models.data));

    const plain = await client.chat.completions.create({
        model: "ponder-demo", messages: [{ role: "user", content: question }], temperature: 0 });
    const msg = plain.choices[0].message;
    check("answer right", /\\boxed\{19\}/.test(msg.content), JSON.stringify(msg.content));
    check("reasoning_content", typeof msg.reasoning_content === "string" && msg.reasoning_content.length > 0);
    check("no think tags in content", !msg.content.includes("</think>"));
    check("finish_reason", plain.choices[0].finish_reason === "stop", plain.choices[0].finish_reason);
    check("usage", plain.usage.prompt_tokens > 0 && plain.usage.completion_tokens > 0 &&
        plain.usage.total_tokens === plain.usage.prompt_tokens + plain.usage.completion_tokens, JSON.stringify(plain.usage));
    check("reasoning tokens", plain.usage.completion_tokens_details?.reasoning_tokens > 0, JSON.stringify(plain.usage));

    const stream = await client.chat.completions.create({
        model: "ponder-demo", messages: [{ role: "user", content: question }], temperature: 0, stream: true,
        stream_options: { include_usage: true } });
    let reasoning = "", content = "", answerStarted = false, reasoningAfterAnswer = false, usage = null, finish = null;
    for await (const chunk of stream) {
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices[0];
        if (!choice) continue;
        if (choice.finish_reason) finish = choice.finish_reason;
        if (choice.delta.reasoning_content) {
            reasoning += choice.delta.reasoning_content;
            if (answerStarted) reasoningAfterAnswer = true;
        }
        if (choice.delta.content) { content += choice.delta.content; answerStarted = true; }
    }
    check("stream: reasoning then answer", !reasoningAfterAnswer);
    check("stream equals non-stream", reasoning === msg.reasoning_content && content === msg.content,
        JSON.stringify({ reasoning: reasoning.slice(-40), content }));
    check("stream: finish and usage", finish === "stop" && usage?.completion_tokens === plain.usage.completion_tokens,
        JSON.stringify({ finish, usage }));

    const second = await client.chat.completions.create({
        model: "ponder-demo", temperature: 0,
        messages: [{ role: "user", content: question }, { role: "assistant", content: msg.content },
                   { role: "user", content: "What is 63 * 7?" }] });
    check("multi-turn", /441/.test(second.choices[0].message.content), JSON.stringify(second.choices[0].message.content));

    try {
        await client.chat.completions.create({ model: "ponder-demo", messages: [] });
        check("400 as BadRequestError", false, "no error");
    } catch (e) {
        check("400 as BadRequestError", e instanceof OpenAI.BadRequestError && e.status === 400 && e.message.length > 0,
            `${e.constructor.name} ${e.status} ${e.message}`);
    }

    // Reasoning control through the SDK: a thinking budget (vLLM's request field, which the SDK
    // passes through) and OpenAI's own reasoning_effort; the forced ending is reported.
    const hard = "What is 4738 + 2956?";
    const free = await client.chat.completions.create({
        model: "ponder-demo", messages: [{ role: "user", content: hard }], temperature: 0 });
    const budgeted = await client.chat.completions.create({
        model: "ponder-demo", messages: [{ role: "user", content: hard }], temperature: 0, thinking_token_budget: 40 });
    const bm = budgeted.choices[0].message;
    const forced = bm.forced_thinking ?? [];
    check("budget: forced ending reported", forced.length === 1 && forced[0].kind === "budget" && forced[0].at_token === 40 &&
        /40 tokens/.test(forced[0].description), JSON.stringify(forced));
    check("budget: thought cut", bm.reasoning_content.length < free.choices[0].message.reasoning_content.length &&
        free.choices[0].message.reasoning_content.startsWith(bm.reasoning_content.trimEnd()), JSON.stringify(bm.reasoning_content));
    check("budget: an answer follows", bm.content.length > 0, JSON.stringify(bm.content));
    const rt = budgeted.usage.completion_tokens_details?.reasoning_tokens;
    check("budget: reasoning tokens", rt >= 40 && rt <= 41, JSON.stringify(budgeted.usage));
    check("no budget: nothing forced", free.choices[0].message.forced_thinking === undefined);

    const minimal = await client.chat.completions.create({
        model: "ponder-demo", messages: [{ role: "user", content: hard }], temperature: 0, reasoning_effort: "minimal" });
    const mf = minimal.choices[0].message.forced_thinking ?? [];
    check("reasoning_effort minimal: no thought", mf.length === 1 && mf[0].at_token === 0 &&
        minimal.choices[0].message.reasoning_content.trim() === "", JSON.stringify(minimal.choices[0].message));
    const high = await client.chat.completions.create({
        model: "ponder-demo", messages: [{ role: "user", content: hard }], temperature: 0, reasoning_effort: "high" });
    check("reasoning_effort high: unlimited by default", high.choices[0].message.content === free.choices[0].message.content);
    try {
        await client.chat.completions.create({ model: "ponder-demo", messages: [{ role: "user", content: hard }],
            reasoning_effort: "extreme" });
        check("bad reasoning_effort refused", false, "no error");
    } catch (e) {
        check("bad reasoning_effort refused", e instanceof OpenAI.BadRequestError, `${e.constructor.name} ${e.message}`);
    }

    const bstream = await client.chat.completions.create({
        model: "ponder-demo", messages: [{ role: "user", content: hard }], temperature: 0, stream: true,
        thinking_token_budget: 40 });
    let order = "", sreasoning = "", scontent = "";
    for await (const chunk of bstream) {
        const d = chunk.choices[0]?.delta;
        if (!d) continue;
        if (d.reasoning_content) { sreasoning += d.reasoning_content; if (!order.endsWith("r")) order += "r"; }
        if (d.forced_thinking) order += `f(${d.forced_thinking[0].kind}@${d.forced_thinking[0].at_token})`;
        if (d.content) { scontent += d.content; if (!order.endsWith("c")) order += "c"; }
    }
    check("stream: forced ending between thought and answer", /^rf\(budget@40\)r?c$/.test(order), order);
    check("stream equals non-stream with a budget", sreasoning === bm.reasoning_content && scontent === bm.content);

    // Aborted mid-stream: the server cancels it and answers the next request.
    const controller = new AbortController();
    const long = await client.chat.completions.create({
        model: "ponder-demo", messages: [{ role: "user", content: question }], stream: true, temperature: 1.5,
        repetition_penalty: 0.2, max_tokens: 1500 }, { signal: controller.signal });
    try {
        for await (const chunk of long) { if (chunk.choices[0]?.delta) { controller.abort(); } }
    } catch (e) { /* the abort */ }
    const t0 = Date.now();
    const after = await client.chat.completions.create({
        model: "ponder-demo", messages: [{ role: "user", content: question }], temperature: 0 });
    check("next request after an abort", after.choices[0].message.content === msg.content, `${Date.now() - t0} ms`);
} catch (e) {
    check("no exception", false, e.stack);
} finally {
    proc.kill("SIGTERM");
}

// With an API key: the SDK's key goes in the header; a wrong one is an AuthenticationError.
const keyed = await startServer(["--api-key-env", "PONDER_PEER_KEY"], { ...process.env, PONDER_PEER_KEY: "sk-peer-test" });
try {
    const good = new OpenAI({ baseURL: `${keyed.url}/v1`, apiKey: "sk-peer-test", maxRetries: 0 });
    const r = await good.chat.completions.create({ model: "ponder-demo", messages: [{ role: "user", content: question }], temperature: 0 });
    check("right key", /\\boxed\{19\}/.test(r.choices[0].message.content));
    const bad = new OpenAI({ baseURL: `${keyed.url}/v1`, apiKey: "sk-wrong", maxRetries: 0 });
    try {
        await bad.chat.completions.create({ model: "ponder-demo", messages: [{ role: "user", content: question }] });
        check("401 as AuthenticationError", false, "no error");
    } catch (e) {
        check("401 as AuthenticationError", e instanceof OpenAI.AuthenticationError && e.status === 401, `${e.constructor.name} ${e.status}`);
    }
} catch (e) {
    check("no exception (keyed)", false, e.stack);
} finally {
    keyed.proc.kill("SIGTERM");
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
