#!/usr/bin/python3
"""ponder-cli serve against clients that hold its resources: connections trickling a request a byte
at a time (slowloris) are closed at the request deadline and their slots serve new clients; a
client that stops reading its responses is closed at the write deadline; one that pipelines
megabytes of requests without reading does not grow the server's memory.
usage: serve_limits.py --cli PONDER_CLI --model ponder-demo.gguf --workdir DIR"""
import select
import socket
import threading
import time

from serve_common import Checks, Server, script_args

a = script_args()
t = Checks()

GET = b"GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def read_until_closed(s, limit_s):
    """Everything the server sends until it closes (or resets) the connection; None when it is
    still open after limit_s."""
    s.settimeout(0.2)
    out, deadline = b"", time.time() + limit_s
    while time.time() < deadline:
        try:
            b = s.recv(65536)
        except socket.timeout:
            continue
        except ConnectionResetError:
            return out
        if not b:
            return out
        out += b
    return None


# --- Slowloris: 4 slots held by requests trickling in a byte every 0.2 s; deadline 2 s -------------
srv = Server(a.cli, a.model, a.workdir, "slow", ["--max-connections", "4", "--request-timeout", "2"])
stop_trickling = threading.Event()


def trickle(s):
    s.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    while not stop_trickling.wait(0.2):
        try:
            s.sendall(b"a")
        except OSError:
            return


slow = [socket.create_connection((srv.host, srv.port), timeout=10) for _ in range(4)]
started = time.time()
threads = [threading.Thread(target=trickle, args=(s,), daemon=True) for s in slow]
for th in threads:
    th.start()
time.sleep(0.3)
extra = socket.create_connection((srv.host, srv.port), timeout=10)  # sends nothing, so the close is not a reset
busy = read_until_closed(extra, 5) or b"<open>"
extra.close()
t.check("all 4 slots held: a new client gets 503", busy.startswith(b"HTTP/1.1 503 "), busy[:120])
answers = [read_until_closed(s, 10) for s in slow]
closed_after = time.time() - started
stop_trickling.set()
for s in slow:
    s.close()
t.check("trickling connections closed with 408", all(r is not None and r.startswith(b"HTTP/1.1 408 ") for r in answers),
        [r[:60] if r else r for r in answers])
t.check("closed at the deadline (2 s), not the idle timeout (60 s)", 1.9 < closed_after < 9, "%.1f s" % closed_after)


def health_within(seconds):
    """The status of GET /health, retried while the server still counts closing connections."""
    deadline = time.time() + seconds
    while True:
        try:
            st = srv.request("GET", "/health")[0]
        except OSError as e:
            st = str(e)
        if st == 200 or time.time() > deadline:
            return st
        time.sleep(0.1)


t.check("a new client is served after the deadline", health_within(3) == 200)

# A request that arrives whole, just slowly split, is still served.
s = socket.create_connection((srv.host, srv.port), timeout=10)
for piece in (GET[:10], GET[10:30], GET[30:]):
    s.sendall(piece)
    time.sleep(0.1)
first = s.recv(65536)
t.check("a request split over 0.2 s (within the deadline) is served", first.startswith(b"HTTP/1.1 200 "), first[:80])
s.close()

# --- A client that never reads its responses: closed at the write deadline -------------------------
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: a small window fills at once
s.connect((srv.host, srv.port))
s.setblocking(False)
sent, t0 = 0, time.time()
while time.time() - t0 < 5:
    _, w, _ = select.select([], [s], [], 0.2)
    if not w:
        continue
    try:
        sent += s.send(GET * 256)
    except (BlockingIOError, ConnectionResetError, BrokenPipeError):
        break
s.setblocking(True)
gone = read_until_closed(s, 10)
s.close()
t.check("a client that stops reading is closed", gone is not None, "sent %d bytes" % sent)
t.check("the log says why", "stopped reading its response" in srv.log_text(), srv.log_text()[-400:])
t.check("served afterwards", health_within(3) == 200)
t.check("stops with 0", srv.stop() == 0)

# --- Pipelining megabytes without reading: memory stays flat (default timeouts) ----------------------
srv = Server(a.cli, a.model, a.workdir, "pipelined")
srv.request("GET", "/v1/models")
base = srv.rss_kib()
peak = base
clients = []
for _ in range(4):
    c = socket.socket()
    c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    c.connect((srv.host, srv.port))
    c.setblocking(False)
    clients.append([c, 0])
batch, target = GET * 1024, 4 << 20  # 4 MiB of requests each: about 20 MiB of answers each if all were read
last_progress = time.time()
while time.time() - last_progress < 1.5 and any(n < target for _, n in clients):
    _, writable, _ = select.select([], [c for c, n in clients if n < target], [], 0.2)
    for entry in clients:
        if entry[0] in writable:
            try:
                entry[1] += entry[0].send(batch)
                last_progress = time.time()
            except (BlockingIOError, ConnectionResetError, BrokenPipeError):
                pass
    peak = max(peak, srv.rss_kib())
# The server may still be working through what it took: watch until its memory settles.
settled, last, deadline = time.time(), srv.rss_kib(), time.time() + 8
while time.time() - settled < 1 and time.time() < deadline:
    time.sleep(0.1)
    now = srv.rss_kib()
    if now != last:
        settled, last = time.time(), now
    peak = max(peak, now)
total = sum(n for _, n in clients)
for c, _ in clients:
    c.close()
grown_mib = (peak - base) / 1024
print("     RSS %d -> %d KiB (peak) with %d KiB of requests sent" % (base, peak, total >> 10))
t.check("pipelined requests without reading: RSS grows < 24 MiB", grown_mib < 24,
        "%.1f MiB after %d MiB of requests on 4 connections" % (grown_mib, total >> 20))
st, _, _ = srv.request("GET", "/health")
t.check("served afterwards", st == 200, st)
t.check("stops with 0", srv.stop() == 0)
raise SystemExit(t.finish())
