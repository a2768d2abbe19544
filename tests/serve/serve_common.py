"""Shared by the ponder-cli serve tests: start a server, talk HTTP to it, read its SSE streams."""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

def script_args(extra=lambda ap: None):
    """The arguments every serve test takes (--cli, --model, --workdir, and `extra`'s); the work
    folder starts empty."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--model", required=True)
    ap.add_argument("--workdir", required=True)
    extra(ap)
    a = ap.parse_args()
    shutil.rmtree(a.workdir, ignore_errors=True)
    os.makedirs(a.workdir)
    return a


LISTENING = re.compile(r"^ponder-cli serve: listening on http://(\[[^\]]+\]|[^:]+):(\d+)$")


class Server:
    """A `ponder-cli serve --port 0` process; its stderr goes to a log file the tests read."""

    def __init__(self, cli, model, workdir, name, args=(), env=None):
        self.log_path = os.path.join(workdir, name + ".log")
        self.log = open(self.log_path, "w")
        cmd = [cli, "serve", "--model", model, "--port", "0", *args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=self.log, env=env)
        deadline = time.time() + 30
        while time.time() < deadline:
            for line in self.log_text().splitlines():
                m = LISTENING.match(line)
                if m:
                    self.host, self.port = m.group(1).strip("[]"), int(m.group(2))
                    if self.host in ("0.0.0.0", "::"):
                        self.host = "127.0.0.1"
                    return
            if self.proc.poll() is not None:
                raise RuntimeError("server exited with %d: %s" % (self.proc.returncode, self.log_text()))
            time.sleep(0.02)
        raise RuntimeError("no listening line in 30 s: " + self.log_text())

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()

    def connect(self, timeout=30):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def request(self, method, path, body=None, headers=None, conn=None):
        """(status, headers dict with lower-case names, body bytes). `body` may be a dict (sent as JSON)."""
        own = conn is None
        conn = conn or self.connect()
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        h = {"Content-Type": "application/json"} if body is not None else {}
        h.update(headers or {})
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        hdrs = {k.lower(): v for k, v in r.getheaders()}
        if own:
            conn.close()
        return r.status, hdrs, data

    def raw(self, data, read_timeout=10):
        """Sends bytes on a fresh socket and returns everything the server sends until it closes."""
        s = socket.create_connection((self.host, self.port), timeout=read_timeout)
        s.sendall(data)
        out = b""
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                out += b
        except socket.timeout:
            out += b"<timeout>"
        s.close()
        return out

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return -1

    def stop(self):
        """SIGTERM; returns the exit status (it must be 0)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return "did not stop within 10 s"
        self.log.close()
        return self.proc.returncode


def split_response(raw):
    """(status, head bytes, body bytes) of one raw HTTP/1.1 response read until close; a chunked
    body is de-chunked."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    if b"Transfer-Encoding: chunked" in head:
        out, rest = b"", body
        while rest:
            size_line, _, rest = rest.partition(b"\r\n")
            size = int(size_line, 16)
            if size == 0:
                break
            out, rest = out + rest[:size], rest[size + 2:]
        body = out
    return status, head, body


def parse_sse(body):
    """The `data:` payloads of an event stream, comments (keep-alives) counted apart."""
    events, comments = [], 0
    for block in body.decode("utf-8").split("\n\n"):
        for line in block.split("\n"):
            if line.startswith(":"):
                comments += 1
            elif line.startswith("data: "):
                events.append(line[6:])
    return events, comments


def stream_result(events):
    """reasoning, answer, finish reason, usage (or None), ordered (all reasoning before any answer)
    and done ([DONE] last) from the payloads of a chat completion stream."""
    reasoning, answer, finish, usage = "", "", None, None
    ordered, seen_answer = True, False
    for e in events[:-1]:
        j = json.loads(e)
        if "error" in j:
            raise AssertionError("stream error: " + e)
        assert j["object"] == "chat.completion.chunk", e
        if not j["choices"]:
            usage = j["usage"]
            continue
        c = j["choices"][0]
        d = c["delta"]
        if d.get("reasoning_content"):
            if seen_answer:
                ordered = False
            reasoning += d["reasoning_content"]
        if d.get("content"):
            seen_answer = True
            answer += d["content"]
        if c["finish_reason"]:
            finish = c["finish_reason"]
    return reasoning, answer, finish, usage, ordered, bool(events) and events[-1] == "[DONE]"


class Checks:
    def __init__(self):
        self.passed, self.failed = 0, 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok   " + name)
        else:
            self.failed += 1
            print("FAIL " + name + (": " + str(detail)[:600] if detail != "" else ""))
        sys.stdout.flush()
        return ok

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0


def chat(content, **kw):
    body = {"model": "ponder-demo", "messages": [{"role": "user", "content": content}], "temperature": 0}
    body.update(kw)
    return body
