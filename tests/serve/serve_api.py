#!/usr/bin/python3
"""ponder-cli serve against the bundled demo model: every endpoint, the OpenAI/DeepSeek response
shapes, streaming, multi-turn, stop strings, every error status, the API key and host rules,
keep-alive comments, the queue limit, cancellation on disconnect and a clean SIGTERM.
usage: serve_api.py --cli PONDER_CLI --model ponder-demo.gguf --workdir DIR"""
import json
import os
import socket
import subprocess
import time

from serve_common import Checks, Server, script_args, chat, parse_sse, split_response, stream_result

a = script_args()
t = Checks()

# A repetition "penalty" below 1 rewards repeating: the demo model loops until its 2,048-token
# context is full and never says end-of-sequence. Its longest generation, about 0.2-0.5 s.
def long_chat(**kw):
    return chat("Hello", repetition_penalty=0.2, **kw)


def error_of(status_body):
    status, _, body = status_body
    try:
        e = json.loads(body)["error"]
        return status, e["message"], e["type"], e["code"]
    except Exception:
        return status, body, None, None


def expect_error(name, got, status, words=()):
    st, msg, typ, code = error_of(got)
    t.check(name, st == status and typ is not None and code and all(w in msg for w in words),
            "status %s message %r" % (st, msg))


srv = Server(a.cli, a.model, a.workdir, "main", ["--keep-alive", "0.02", "--queue", "1"])

# --- Endpoints and shapes ---------------------------------------------------------------------
st, _, body = srv.request("GET", "/health")
t.check("health", st == 200 and json.loads(body) == {"status": "ok"}, body)
st, _, body = srv.request("GET", "/v1/models")
models = json.loads(body)
t.check("models", st == 200 and models["object"] == "list" and [m["id"] for m in models["data"]] == ["ponder-demo"]
        and models["data"][0]["object"] == "model", body)
st, _, body = srv.request("GET", "/v1/models/ponder-demo")
t.check("model by id", st == 200 and json.loads(body)["id"] == "ponder-demo", body)

# What ponder-cli run says (the same engine, greedy): the server must return exactly that.
run = json.loads(subprocess.run([a.cli, "run", "--model", a.model, "--prompt", "What is 12 + 7?", "--temp", "0",
                                 "--json", "--quiet"], capture_output=True, check=True).stdout)
st, _, body = srv.request("POST", "/v1/chat/completions", chat("What is 12 + 7?"))
j = json.loads(body)
msg = j["choices"][0]["message"]
u = j["usage"]
t.check("completion shape", st == 200 and j["object"] == "chat.completion" and j["id"].startswith("chatcmpl-")
        and j["model"] == "ponder-demo" and msg["role"] == "assistant" and j["choices"][0]["finish_reason"] == "stop", body)
t.check("completion answer right", "\\boxed{19}" in msg["content"] and "19" in msg["reasoning_content"], msg)
t.check("completion equals ponder-cli run", msg["content"] == run["answer"] and msg["reasoning_content"] == run["reasoning"],
        (msg, run["answer"]))
t.check("usage", u["prompt_tokens"] == len(run["prompt_tokens"]) and u["completion_tokens"] == len(run["tokens"])
        and u["total_tokens"] == u["prompt_tokens"] + u["completion_tokens"]
        and 0 < u["completion_tokens_details"]["reasoning_tokens"] < u["completion_tokens"], u)

# Streamed: the same text, the thought first, then the answer; usage; [DONE].
st, hdrs, body = srv.request("POST", "/v1/chat/completions",
                             chat("What is 12 + 7?", stream=True, stream_options={"include_usage": True}))
events, _ = parse_sse(body)
reasoning, answer, finish, usage, ordered, done = stream_result(events)
t.check("stream headers", st == 200 and hdrs.get("content-type") == "text/event-stream", hdrs)
t.check("stream equals non-streamed", reasoning == msg["reasoning_content"] and answer == msg["content"], (reasoning, answer))
t.check("stream reasoning before answer", ordered)
t.check("stream finish and [DONE]", finish == "stop" and done, events[-3:])
t.check("stream usage chunk", usage is not None and usage["completion_tokens"] == u["completion_tokens"]
        and usage["completion_tokens_details"]["reasoning_tokens"] == u["completion_tokens_details"]["reasoning_tokens"], usage)
first = json.loads(events[0])["choices"][0]["delta"]
t.check("stream first chunk carries the role", first.get("role") == "assistant", first)
_, _, body = srv.request("POST", "/v1/chat/completions", chat("What is 12 + 7?", stream=True))
t.check("no usage chunk unless asked", all(json.loads(e)["choices"] for e in parse_sse(body)[0][:-1]))

# Multi-turn, content as parts, the earlier thought ignored.
turns = {"model": "x", "temperature": 0, "messages": [
    {"role": "user", "content": "What is 12 + 7?"},
    {"role": "assistant", "content": msg["content"], "reasoning_content": "ignored by the template"},
    {"role": "user", "content": [{"type": "text", "text": "What is 25 + 17?"}]}]}
st, _, body = srv.request("POST", "/v1/chat/completions", turns)
j = json.loads(body)
t.check("multi-turn", st == 200 and "\\boxed{42}" in j["choices"][0]["message"]["content"], body)
t.check("multi-turn reuses the cached prefix", j["usage"]["prompt_tokens_details"]["cached_tokens"] > 0, j["usage"])

# Limits and stop strings on the answer.
st, _, body = srv.request("POST", "/v1/chat/completions", chat("What is 12 + 7?", max_tokens=5))
j = json.loads(body)
t.check("max_tokens: finish length", j["choices"][0]["finish_reason"] == "length" and j["usage"]["completion_tokens"] == 5, body)
st, _, body = srv.request("POST", "/v1/chat/completions", chat("What is 12 + 7?", max_completion_tokens=7))
t.check("max_completion_tokens", json.loads(body)["usage"]["completion_tokens"] == 7, body)
for stream in (False, True):
    st, _, body = srv.request("POST", "/v1/chat/completions", chat("What is 12 + 7?", stop=["= ", "never"], stream=stream))
    if stream:
        _, content, finish, _, _, _ = stream_result(parse_sse(body)[0])
    else:
        c = json.loads(body)["choices"][0]
        content, finish = c["message"]["content"], c["finish_reason"]
    t.check("stop string (stream=%s)" % stream, content == "12 + 7 " and finish == "stop", (content, finish))
st, _, body = srv.request("POST", "/v1/chat/completions", chat("What is 12 + 7?", temperature=1.0, seed=5, top_k=40, min_p=0.05))
st2, _, body2 = srv.request("POST", "/v1/chat/completions", chat("What is 12 + 7?", temperature=1.0, seed=5, top_k=40, min_p=0.05))
t.check("seeded sampling is repeatable", st == 200 and body and json.loads(body)["choices"] == json.loads(body2)["choices"])
st, _, body = srv.request("POST", "/v1/chat/completions", chat("What is 12 + 7?", frequency_penalty=0, user="u1", extra_field={"a": 1}))
t.check("unknown fields ignored", st == 200, body)

# --- Errors --------------------------------------------------------------------------------------
P = "/v1/chat/completions"
expect_error("bad JSON", srv.request("POST", P, "{not json"), 400, ["JSON"])
expect_error("body not an object", srv.request("POST", P, "[1]"), 400, ["object"])
expect_error("missing messages", srv.request("POST", P, {"model": "m"}), 400, ["messages"])
expect_error("empty messages", srv.request("POST", P, {"messages": []}), 400, ["messages"])
expect_error("messages wrong type", srv.request("POST", P, {"messages": "hi"}), 400, ["messages"])
expect_error("temperature wrong type", srv.request("POST", P, chat("hi", temperature="hot")), 400, ["temperature"])
expect_error("temperature out of range", srv.request("POST", P, chat("hi", temperature=3)), 400, ["temperature"])
expect_error("max_tokens wrong type", srv.request("POST", P, chat("hi", max_tokens="10")), 400, ["max_tokens"])
expect_error("stream wrong type", srv.request("POST", P, chat("hi", stream="yes")), 400, ["stream"])
expect_error("stop wrong type", srv.request("POST", P, chat("hi", stop=5)), 400, ["stop"])
expect_error("n = 2", srv.request("POST", P, chat("hi", n=2)), 400, ["'n'"])
expect_error("tools", srv.request("POST", P, chat("hi", tools=[{"type": "function"}])), 400, ["Tool"])
expect_error("image part", srv.request("POST", P, chat([{"type": "image_url", "image_url": {"url": "x"}}])), 400, ["image_url"])
expect_error("bad role", srv.request("POST", P, {"messages": [{"role": "robot", "content": "hi"}]}), 400, ["robot"])
expect_error("last message not user", srv.request("POST", P, {"messages": [{"role": "user", "content": "a"},
                                                                         {"role": "assistant", "content": "b"}]}), 400, ["last"])
expect_error("prompt too long", srv.request("POST", P, chat("What is 1 + 1? " * 200)), 400, ["too many tokens", "2048"])
expect_error("prompt + max_tokens too long", srv.request("POST", P, chat("What is 12 + 7?", max_tokens=2040)), 400,
             ["too many tokens", "2040", "2048", "19"])
expect_error("body too large", srv.request("POST", P, chat("x" * (1 << 20))), 413, ["1048576"])
expect_error("unknown path", srv.request("GET", "/v1/nothing"), 404, ["/v1/nothing"])
expect_error("wrong method (GET completions)", srv.request("GET", P), 405, ["POST"])
expect_error("wrong method (POST health)", srv.request("POST", "/health", "{}"), 405, ["GET"])
st, hdrs, _ = srv.request("DELETE", "/v1/models")
t.check("405 says Allow", st == 405 and hdrs.get("allow") == "GET", hdrs)

raw = srv.raw(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
t.check("no Content-Length: 411", raw.startswith(b"HTTP/1.1 411 ") and b"Content-Length header" in raw, raw[:200])
raw = srv.raw(b"HELLO THERE\r\n\r\n")
t.check("malformed request line: 400 and close", raw.startswith(b"HTTP/1.1 400 ") and b"Connection: close" in raw
        and not raw.endswith(b"<timeout>"), raw[:200])
raw = srv.raw(b"GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
t.check("headers too large: 431", raw.startswith(b"HTTP/1.1 431 "), raw[:200])
body = json.dumps(chat("What is 12 + 7?")).encode()
chunked = b"%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n" % (10, body[:10], len(body) - 10, body[10:])
raw = srv.raw(b"POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
              + chunked)
t.check("chunked request body", raw.startswith(b"HTTP/1.1 200 ") and b"\\\\boxed{19}" in raw, raw[:300])
raw = srv.raw(b"GET /health HTTP/1.1\r\nHost: localhost\r\n\r\nGET /v1/models HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
t.check("pipelined requests, then Connection: close", raw.count(b"HTTP/1.1 200 ") == 2 and b"Connection: close" in raw, raw)

# Framing another HTTP implementation could read differently is refused (request smuggling).
raw = srv.raw(b"POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n"
              b"Transfer-Encoding: gzip\r\n\r\n" + chunked)
t.check("Transfer-Encoding chunked + gzip: refused", raw.startswith(b"HTTP/1.1 400 ") and b"Connection: close" in raw, raw[:200])
raw = srv.raw(b"POST /v1/chat/completions HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n" + chunked)
t.check("chunked body on HTTP/1.0: 400", raw.startswith(b"HTTP/1.1 400 ") and b"needs HTTP/1.1" in raw, raw[:200])
raw = srv.raw(b"GET /health HTTP/1.1\r\n\r\n")
t.check("HTTP/1.1 without Host: 400", raw.startswith(b"HTTP/1.1 400 ") and b"Host header" in raw, raw[:200])
raw = srv.raw(b"GET /health HTTP/1.0\r\n\r\n")
t.check("HTTP/1.0 without Host: served", raw.startswith(b"HTTP/1.1 200 "), raw[:200])

# Keep-alive: several requests on one connection.
conn = srv.connect()
statuses = [srv.request("GET", "/health", conn=conn)[0], srv.request("POST", P, chat("What is 2 + 3?"), conn=conn)[0],
            srv.request("POST", P, chat("What is 2 + 3?", stream=True), conn=conn)[0], srv.request("GET", "/nope", conn=conn)[0]]
conn.close()
t.check("keep-alive connection serves several requests", statuses == [200, 200, 200, 404], statuses)

# --- Without a key: DNS rebinding and cross-site requests from web pages are refused -----------------
port = str(srv.port)
expect_error("foreign Host (DNS rebinding): 403", srv.request("GET", "/v1/models", headers={"Host": "evil.example:" + port}),
             403, ["evil.example", "localhost"])
expect_error("foreign Host on a completion: 403",
             srv.request("POST", P, chat("What is 12 + 7?"), {"Host": "evil.example:" + port}), 403, ["Host"])
for host in ("localhost:" + port, "127.0.0.1", "[::1]:" + port, "LOCALHOST"):
    t.check("Host %s: served" % host, srv.request("GET", "/v1/models", headers={"Host": host})[0] == 200)
# A page's "simple" cross-site POST (text/plain needs no preflight) carries its Origin.
expect_error("cross-site POST (Origin evil.example, text/plain): 403",
             srv.request("POST", P, json.dumps(chat("What is 12 + 7?")),
                         {"Origin": "https://evil.example", "Content-Type": "text/plain"}), 403, ["evil.example"])
expect_error("Origin null: 403", srv.request("GET", "/v1/models", headers={"Origin": "null"}), 403, ["null"])
st, _, body = srv.request("POST", P, chat("What is 12 + 7?"), {"Origin": "http://localhost:3000"})
t.check("Origin localhost (a local web app): served", st == 200 and b"boxed{19}" in body, body[:200])
t.check("refusals are logged with 403", srv.log_text().count(" 403 ") >= 4, srv.log_text()[-600:])

# --- Queue: keep-alives while waiting, 503 when full ---------------------------------------------
def send_raw(body, read=False):
    s = socket.create_connection((srv.host, srv.port), timeout=30)
    data = json.dumps(body).encode()
    s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
              % (len(data), data))
    return s


def read_all(s):
    out = b""
    while True:
        b = s.recv(65536)
        if not b:
            return out
        out += b


busy = send_raw(long_chat())              # runs (fills the context)
time.sleep(0.01)
waiting = send_raw(chat("What is 12 + 7?", stream=True))  # waits: --queue 1
time.sleep(0.01)
refused = read_all(send_raw(chat("What is 12 + 7?")))  # one waiting already: 503
first_long = read_all(busy)
queued = read_all(waiting)
long_body = json.loads(first_long.split(b"\r\n\r\n", 1)[1])
t.check("long prompt fills the context", long_body["choices"][0]["finish_reason"] == "length", long_body["usage"])
t.check("queue full: 503 with Retry-After", refused.startswith(b"HTTP/1.1 503 ") and b"Retry-After: 1" in refused
        and b"queue_full" in refused, refused[:300])
st, _, body = split_response(queued)
events, comments = parse_sse(body)
t.check("keep-alive comments while queued", st == 200 and comments > 0 and body.startswith(b": keep-alive\n\n")
        and "\\boxed{19}" in stream_result(events)[1], queued[:400])

# --- A client that goes away cancels its generation -----------------------------------------------
cancelled = False
for attempt in range(3):
    s = send_raw(long_chat(stream=True))
    got = b""
    while b"reasoning_content\":\"" not in got.replace(b"\"reasoning_content\":\"\"", b""):
        got += s.recv(4096)
    s.close()
    t0 = time.time()
    st, _, body = srv.request("POST", P, chat("What is 12 + 7?"))
    prompt_ms = (time.time() - t0) * 1000
    time.sleep(0.1)
    if "generation cancelled after" in srv.log_text():
        cancelled = True
        break
t.check("disconnect cancels the generation (server log)", cancelled, srv.log_text()[-800:])
t.check("next request answered promptly after a disconnect", st == 200 and b"boxed{19}" in body and prompt_ms < 5000,
        "%d ms" % prompt_ms)

# SIGTERM during a generation: exit status 0.
s = send_raw(long_chat(stream=True))
s.recv(100)
status = srv.stop()
s.close()
t.check("SIGTERM: exit 0", status == 0, status)
log = srv.log_text()
t.check("one log line per request, no message text", "What is" not in log and "POST /v1/chat/completions 200" in log, log[-500:])

# --- API key and hosts ------------------------------------------------------------------------------
env = dict(os.environ, PONDER_TEST_KEY="s3cret-key")
keyed = Server(a.cli, a.model, a.workdir, "keyed", ["--host", "0.0.0.0", "--api-key-env", "PONDER_TEST_KEY"], env=env)
t.check("0.0.0.0 with a key: listening", "listening on http://0.0.0.0:" in keyed.log_text(), keyed.log_text())
expect_error("no key: 401", keyed.request("GET", "/v1/models"), 401, ["API key"])
expect_error("wrong key: 401", keyed.request("POST", P, chat("hi"), {"Authorization": "Bearer s3cret-kez"}), 401, ["not valid"])
expect_error("key without Bearer: 401", keyed.request("GET", "/v1/models", headers={"Authorization": "s3cret-key"}), 401)
st, _, _ = keyed.request("POST", P, chat("What is 12 + 7?"), {"Authorization": "Bearer s3cret-key"})
t.check("right key: 200", st == 200)
t.check("health needs no key", keyed.request("GET", "/health")[0] == 200)
st, _, _ = keyed.request("GET", "/v1/models", headers={"Authorization": "Bearer s3cret-key", "Host": "lan-name:8080",
                                                      "Origin": "https://app.example"})
t.check("with a key: any Host and Origin", st == 200)
t.check("keyed server stops with 0", keyed.stop() == 0)
t.check("the key is never logged", "s3cret" not in keyed.log_text(), keyed.log_text())


def refuses(name, args, words, env=None):
    r = subprocess.run([a.cli, "serve", "--model", a.model, "--port", "0", *args], capture_output=True, text=True,
                       timeout=30, env=env)
    t.check(name, r.returncode != 0 and all(w in r.stderr for w in words) and r.stderr.count("\n") == 1,
            (r.returncode, r.stderr))


refuses("0.0.0.0 without a key is refused", ["--host", "0.0.0.0"], ["0.0.0.0", "loopback", "--api-key-env"])
refuses(":: without a key is refused", ["--host", "::"], ["loopback"])
refuses("unset key variable is refused", ["--api-key-env", "PONDER_TEST_NO_SUCH_VAR"], ["PONDER_TEST_NO_SUCH_VAR", "not set"])
refuses("empty key variable is refused", ["--api-key-env", "PONDER_TEST_EMPTY"], ["not set or empty"],
        env=dict(os.environ, PONDER_TEST_EMPTY=""))
refuses("bad port", ["--port", "70000"], ["--port"])
raise SystemExit(t.finish())
