#!/usr/bin/env python3
"""Raw HTTP/1.1 over TLS for framing tests (issue 15).

rawhttp.py PORT CASE: sends the bytes of CASE on one TLS connection (with a
second request, GET /healthz, right behind the first one's body, where a
smuggled request would sit) and prints one line: the status of every
response read, space-separated, then "closed" if the node closed the
connection within 5 s, or "open". Then the first response's body.
"""
import socket
import ssl
import sys
import time

PORT, CASE = int(sys.argv[1]), sys.argv[2]
H = b"Host: localhost\r\n"
SMUGGLED = b"GET /healthz HTTP/1.1\r\n" + H + b"\r\n"
LOGIN = b"POST /v1/session HTTP/1.1\r\n" + H + b"Content-Type: application/json\r\n"
CASES = {
    "cl_te": LOGIN + b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
             b"0\r\n\r\n" + SMUGGLED,
    "te_cl": LOGIN + b"Transfer-Encoding: chunked\r\nContent-Length: 40\r\n\r\n"
             b"0\r\n\r\n" + SMUGGLED,
    "cl_twice": LOGIN + b"Content-Length: 0\r\nContent-Length: %d\r\n\r\n"
                % len(SMUGGLED) + SMUGGLED,
    "cl_same": LOGIN + b"Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}"
               + SMUGGLED,
    "cl_list": LOGIN + b"Content-Length: 2, 2\r\n\r\n{}" + SMUGGLED,
    "cl_sign": LOGIN + b"Content-Length: +2\r\n\r\n{}" + SMUGGLED,
    "te_unknown": LOGIN + b"Transfer-Encoding: gzip\r\n\r\n" + SMUGGLED,
    "te_gzip_chunked": LOGIN + b"Transfer-Encoding: gzip, chunked\r\n\r\n"
                       b"0\r\n\r\n" + SMUGGLED,
    "te_twice": LOGIN + b"Transfer-Encoding: chunked\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED,
    "te_chunked": LOGIN + b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n"
                  b"0\r\n\r\n" + SMUGGLED,
    "te_http10": b"POST /v1/session HTTP/1.0\r\n" + H +
                 b"Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + SMUGGLED,
    "chunk_ext": LOGIN + b"Transfer-Encoding: chunked\r\n\r\n2;" +
                 b"x" * 100000 + b"\r\n{}\r\n0\r\n\r\n" + SMUGGLED,
    "nul": b"GET /healthz HTTP/1.1\r\n" + H + b"X-A: a\x00b\r\n\r\n" + SMUGGLED,
    "nul_cl": LOGIN + b"Content-Length: 2\x00 45\r\n\r\n{}" + SMUGGLED,
    "cr": b"GET /healthz HTTP/1.1\r\n" + H + b"X-A: a\rb\r\n\r\n" + SMUGGLED,
    "ctl": b"GET /healthz HTTP/1.1\r\n" + H + b"X-A: a\x01b\r\n\r\n" + SMUGGLED,
    "space_colon": LOGIN + b"Content-Length : 2\r\n\r\n{}" + SMUGGLED,
    "fold": b"GET /healthz HTTP/1.1\r\n" + H + b"X-A: a\r\n b\r\n\r\n" + SMUGGLED,
    "host_twice": b"GET /healthz HTTP/1.1\r\n" + H + H + b"\r\n" + SMUGGLED,
    # sound requests: both are served, on the one connection
    "pipelined": b"GET /healthz HTTP/1.1\r\n" + H + b"\r\n" + SMUGGLED,
    "cl_ok": LOGIN + b"Content-Length: 2\r\n\r\n{}" + SMUGGLED,
}

ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", PORT), timeout=5))
try:
    s.sendall(CASES[CASE])
except (OSError, ssl.SSLError):
    pass  # the node may close before it read everything
data, closed, t0 = b"", False, time.monotonic()
s.settimeout(0.5)
while time.monotonic() - t0 < 5:
    try:
        b = s.recv(65536)
    except socket.timeout:
        if data.count(b"HTTP/1.1 ") >= 2:
            break
        continue
    except (OSError, ssl.SSLError):
        closed = True
        break
    if not b:
        closed = True
        break
    data += b
# responses one after the other, each by its Content-Length (whatever
# follows that is not a status line is not a response)
statuses, bodies, rest = [], [], data
while rest.startswith(b"HTTP/1.1 ") and b"\r\n\r\n" in rest:
    head, rest = rest.split(b"\r\n\r\n", 1)
    n = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            n = int(v.strip())
    statuses.append(head[9:12].decode("ascii", "replace"))
    bodies.append(rest[:n])
    rest = rest[n:]
print(" ".join(statuses) or "-", "closed" if closed else "open")
print(bodies[0].decode("utf-8", "replace") if bodies else "")
