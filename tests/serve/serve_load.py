#!/usr/bin/python3
"""ponder-cli serve under load: 32 concurrent streaming clients, 200 requests, each answered right
(the stream parsed, the answer what the model says for that prompt alone, at temperature 0) or
refused with 503; oversized and malformed requests mixed in get 413/400; nothing corrupted or
interleaved, the server healthy afterwards and its memory flat.
usage: serve_load.py --cli PONDER_CLI --model ponder-demo.gguf --workdir DIR"""
import concurrent.futures
import json
import threading
import time

from serve_common import Checks, Server, script_args, chat, parse_sse, stream_result

def load_options(ap):
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--rss-bound-kib", type=int, default=16 * 1024)


a = script_args(load_options)
t = Checks()
srv = Server(a.cli, a.model, a.workdir, "load", ["--queue", "16"])
P = "/v1/chat/completions"

# Reference answers, one request at a time; only prompts the demo model gets right are used.
candidates = [(x, y) for x in (3, 12, 25, 40, 57, 68, 71, 86, 93) for y in (4, 7, 19)]
reference = {}
for x, y in candidates:
    prompt = "What is %d + %d?" % (x, y)
    st, _, body = srv.request("POST", P, chat(prompt))
    m = json.loads(body)["choices"][0]["message"]
    if st == 200 and m["content"].endswith("\\boxed{%d}" % (x + y)):
        reference[prompt] = (m["reasoning_content"], m["content"])
t.check("the demo model gets most reference prompts right", len(reference) >= len(candidates) * 0.8,
        "%d of %d" % (len(reference), len(candidates)))
prompts = sorted(reference)

local = threading.local()


def connection():
    if not hasattr(local, "conn"):
        local.conn = srv.connect(timeout=60)
    return local.conn


def one(i):
    """Request i: mostly a streamed completion; every 10th oversized, every 10th+5 malformed JSON."""
    conn = connection()
    try:
        if i % 10 == 3:
            st, _, body = srv.request("POST", P, chat("x" * (1100 * 1024), stream=True), conn=conn)
            return ("oversized", st == 413, st)
        if i % 10 == 7:
            st, _, body = srv.request("POST", P, '{"messages": [', conn=conn)
            return ("malformed", st == 400, st)
        prompt = prompts[i % len(prompts)]
        st, _, body = srv.request("POST", P, chat(prompt, stream=True, stream_options={"include_usage": True}), conn=conn)
        if st == 503:
            time.sleep(0.05)  # a polite client backs off (Retry-After) before its next request
            return ("refused", True, st)
        events, _ = parse_sse(body)
        ids = {json.loads(e)["id"] for e in events[:-1]}
        reasoning, answer, finish, usage, ordered, done = stream_result(events)
        ok = (st == 200 and len(ids) == 1 and ordered and done and finish == "stop" and usage is not None
              and (reasoning, answer) == reference[prompt])
        return ("answered", ok, (prompt, answer[-40:], st) if not ok else st)
    except Exception as e:  # a broken connection or stream is a failure, not a crash of the test
        local.__dict__.pop("conn", None)
        return ("error", False, repr(e))


def run_round(n):
    with concurrent.futures.ThreadPoolExecutor(a.clients) as pool:
        return list(pool.map(one, range(n)))


run_round(a.clients * 2)  # warm-up: allocator pools, connection buffers, the tokenizer cache
rss_warm = srv.rss_kib()
t0 = time.time()
results = run_round(a.requests)
elapsed = time.time() - t0
rss_end = srv.rss_kib()

kinds = {}
for kind, ok, _ in results:
    kinds.setdefault(kind, [0, 0])[0 if ok else 1] += 1
print("results (ok, bad):", kinds, "in %.1f s" % elapsed)
bad = [r for r in results if not r[1]]
t.check("every request answered right, refused with 503, or rejected with 413/400", not bad, bad[:5])
t.check("some completions answered under load", kinds.get("answered", [0])[0] > a.requests // 10, kinds)
t.check("oversized bodies rejected with 413 under load", kinds.get("oversized", [0, 1])[1] == 0, kinds)
t.check("malformed bodies rejected with 400 under load", kinds.get("malformed", [0, 1])[1] == 0, kinds)
print("VmRSS after warm-up %d KiB, at the end %d KiB (bound +%d KiB)" % (rss_warm, rss_end, a.rss_bound_kib))
t.check("memory flat", rss_end - rss_warm <= a.rss_bound_kib, (rss_warm, rss_end))
st, _, body = srv.request("GET", "/health")
t.check("healthy after the load", st == 200, body)
st, _, body = srv.request("POST", P, chat(prompts[0]))
t.check("answers right after the load", st == 200 and json.loads(body)["choices"][0]["message"]["content"] == reference[prompts[0]][1])
t.check("stops with exit status 0", srv.stop() == 0)
log = srv.log_text()
t.check("no crash or sanitizer report in the log", "ERROR" not in log and "terminate" not in log, log[-500:])
raise SystemExit(t.finish())
