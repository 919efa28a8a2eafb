#!/usr/bin/env python3
"""Slow clients against a node (issue 15), and probes beside them.

slowloris.py PORT TOKEN SECONDS CONNS LINE_EVERY OUT.json

CONNS threads open TLS connections from 127.0.0.2-5 and send a request
header one line every LINE_EVERY seconds, never finishing it (every other
thread first sends one whole request and reads its answer, so that its
slow header is the second on a kept-alive connection); a connection
that is closed or refused is opened again after a short pause. Meanwhile,
from 127.0.0.1, /healthz and GET /v1/session (with TOKEN) are probed every
0.5 s on fresh connections. Writes a summary: the probes' worst latency and
failures, how many slow connections were opened and refused, and how long
each one that got through the handshake lived.
"""
import json
import socket
import ssl
import sys
import threading
import time

PORT, TOKEN = int(sys.argv[1]), sys.argv[2]
SECONDS, CONNS, EVERY = float(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
OUT = sys.argv[6]

ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
stop = time.monotonic() + SECONDS
lock = threading.Lock()
stats = {"opened": 0, "refused": 0, "lifetimes": [], "max_alive": 0}
alive = [0]


def slow(i):
    src = "127.0.0.%d" % (2 + i % 4)
    while time.monotonic() < stop:
        t0 = time.monotonic()
        try:
            raw = socket.create_connection(("127.0.0.1", PORT), timeout=5,
                                           source_address=(src, 0))
            s = ctx.wrap_socket(raw)
        except (OSError, ssl.SSLError):
            with lock:
                stats["refused"] += 1
            time.sleep(0.5)
            continue
        with lock:
            stats["opened"] += 1
            alive[0] += 1
            stats["max_alive"] = max(stats["max_alive"], alive[0])
        try:
            if i % 2:
                s.settimeout(5)
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
                s.recv(4096)
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
            n = 0
            s.settimeout(EVERY)
            while time.monotonic() < stop:
                try:
                    if s.recv(1) == b"":
                        break  # closed by the node
                except socket.timeout:
                    pass
                n += 1
                s.sendall(b"X-Slow-%d: %d\r\n" % (n, n))
            else:
                s.close()
                with lock:
                    alive[0] -= 1
                return
        except (OSError, ssl.SSLError):
            pass
        life = time.monotonic() - t0
        with lock:
            alive[0] -= 1
            stats["lifetimes"].append(round(life, 2))
        s.close()
        time.sleep(0.2)


def probe(path, token=None):
    t0 = time.monotonic()
    try:
        raw = socket.create_connection(("127.0.0.1", PORT), timeout=2,
                                       source_address=("127.0.0.1", 0))
        s = ctx.wrap_socket(raw)
        s.settimeout(2)
        h = b"GET %s HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" % path
        if token:
            h += b"Authorization: Bearer %s\r\n" % token.encode()
        s.sendall(h + b"\r\n")
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
        s.close()
        ok = data.startswith(b"HTTP/1.1 200")
    except (OSError, ssl.SSLError):
        ok = False
    return ok, time.monotonic() - t0


threads = [threading.Thread(target=slow, args=(i,), daemon=True)
           for i in range(CONNS)]
for t in threads:
    t.start()
probes = {"healthz": [], "session": []}
fails = []
while time.monotonic() < stop:
    for name, path, tok in (("healthz", b"/healthz", None),
                            ("session", b"/v1/session", TOKEN)):
        ok, dt = probe(path, tok)
        probes[name].append(round(dt, 3))
        if not ok or dt > 2:
            fails.append({"probe": name, "ok": ok, "s": round(dt, 3),
                          "at": round(SECONDS - (stop - time.monotonic()), 1)})
    time.sleep(0.5)
for t in threads:
    t.join(timeout=EVERY + 6)
with lock:
    out = dict(stats)
out["probes"] = {k: {"n": len(v), "max_s": max(v) if v else None}
                 for k, v in probes.items()}
out["failures"] = fails
with open(OUT, "w") as f:
    json.dump(out, f)
