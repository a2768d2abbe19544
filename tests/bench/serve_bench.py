#!/usr/bin/python3
"""ponder-cli serve's overhead, in numbers (a benchmark, never a test): generation tokens/s of
`ponder-cli run` against the same prompts through the server (one client, not streamed and
streamed), time to first byte and first reasoning token of a stream, and requests/s with 8 clients.
usage: serve_bench.py --cli build/app/cli/ponder-cli [--model resources/models/ponder-demo.gguf] [-n 50]"""
import argparse
import concurrent.futures
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "serve"))
from serve_common import Server, chat, parse_sse, stream_result  # noqa: E402

ap = argparse.ArgumentParser()
ap.add_argument("--cli", required=True)
ap.add_argument("--model", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../resources/models/ponder-demo.gguf"))
ap.add_argument("-n", type=int, default=50)
a = ap.parse_args()
prompts = ["What is %d + %d?" % (10 + i, 7 + i % 9) for i in range(a.n)]

# ponder-cli run: one process per prompt; its own timings exclude loading.
tokens = ms = 0.0
for p in prompts[:20]:
    r = json.loads(subprocess.run([a.cli, "run", "--model", a.model, "--prompt", p, "--temp", "0", "--json", "--quiet"],
                                  capture_output=True, check=True).stdout)
    tokens += r["timings"]["generated_tokens"]
    ms += r["timings"]["prompt_ms"] + r["timings"]["generation_ms"]
print("ponder-cli run:            %7.0f tokens/s (prompt + generation time, engine only)" % (1000 * tokens / ms))

srv = Server(a.cli, a.model, tempfile.mkdtemp(), "bench")
conn = srv.connect()
for stream in (False, True):
    t0, tokens = time.time(), 0
    for p in prompts:
        st, _, body = srv.request("POST", "/v1/chat/completions", chat(p, stream=stream, stream_options={"include_usage": True}), conn=conn)
        usage = stream_result(parse_sse(body)[0])[3] if stream else json.loads(body)["usage"]
        tokens += usage["completion_tokens"]
    dt = time.time() - t0
    print("serve, %-12s        %7.0f tokens/s, %5.0f requests/s (one client, keep-alive)" % ("streamed:" if stream else "not streamed:", tokens / dt, len(prompts) / dt))

ttfb, ttft = [], []
for p in prompts[:20]:
    body = json.dumps(chat(p, stream=True)).encode()
    s = socket.create_connection((srv.host, srv.port))
    t0 = time.time()
    s.sendall(b"POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (len(body), body))
    got, first = b"", None
    while b"reasoning_content\":\"" not in got.replace(b"\"reasoning_content\":\"\"", b""):
        b = s.recv(65536)
        if first is None:
            first = time.time() - t0
        got += b
    ttfb.append(first * 1000)
    ttft.append((time.time() - t0) * 1000)
    while s.recv(65536):
        pass
    s.close()
print("serve, stream latency:     first byte %.2f ms, first reasoning token %.2f ms (median of 20)" %
      (statistics.median(ttfb), statistics.median(ttft)))


def one(p):
    c = srv.connect()
    st, _, body = srv.request("POST", "/v1/chat/completions", chat(p, stream=True), conn=c)
    c.close()
    return st


with concurrent.futures.ThreadPoolExecutor(8) as pool:
    t0 = time.time()
    statuses = list(pool.map(one, prompts * 2))
    dt = time.time() - t0
print("serve, 8 clients streamed: %5.0f requests/s (%d answered, %d refused)" %
      (len(statuses) / dt, statuses.count(200), statuses.count(503)))
srv.stop()
