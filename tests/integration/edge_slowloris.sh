#!/usr/bin/env bash
# Slow clients (issue 15): 300 TLS connections from 127.0.0.2-5 (under the
# per-address cap) each send a request header one line a second and never
# finish it (half of them after one quick request on the connection). Throughout, /healthz and a logged-in GET /v1/session from
# 127.0.0.1 answer every probe within 2 s; every slow connection is closed
# at header_timeout (3 s here); a body that trickles is closed too; the
# refusals and deadline closes are counted in /metrics.
. "$HN_SRC/tests/integration/lib/node.sh"

HTO=3
N="$HN_T/vnm"
hn_init "$N" VNM
# (a node without the key, as before issue 15, meets the slow clients with
# its defaults: the probes then fail, which is what this test is about)
if grep -q '^#header_timeout' "$N/hanoinet.conf"; then
	echo "header_timeout = $HTO" >>"$N/hanoinet.conf"
fi
hn_start "$N"
TOKEN=$(login admin "$ADMIN_PW")
rss0=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")

python3 "$HN_SRC/tests/integration/lib/slowloris.py" "$PORT" "$TOKEN" 20 300 1 \
    "$HN_T/slow.json" &
SLOW=$!
# the node's memory while the slow clients press (bounded wait on them)
for i in $(seq 1 40); do
	kill -0 "$SLOW" 2>/dev/null || break
	[ "$i" = 20 ] && rss1=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
	sleep 0.5
done
wait "$SLOW" || fail "the slow client script failed"
python3 - "$HN_T/slow.json" "$HTO" <<'PY' || fail "slow clients: $(cat "$HN_T/slow.json")"
import json, sys
d = json.load(open(sys.argv[1])); hto = float(sys.argv[2])
assert not d["failures"], "probes failed: %s" % d["failures"][:5]
for k in ("healthz", "session"):
    assert d["probes"][k]["n"] >= 15, "too few %s probes" % k
    assert d["probes"][k]["max_s"] < 2, k
life = d["lifetimes"]
assert len(life) >= 100, "only %d slow connections were closed" % len(life)
early = [x for x in life if x < hto - 0.3]
late = [x for x in life if x > hto + 3]
assert not early and not late, "closed off the deadline: %s %s" % (early[:5], late[:5])
assert d["refused"] > 0, "no connection refused"
print("probes: healthz max %.3f s, session max %.3f s; %d slow connections opened,"
      " %d refused, at most %d at once, closed after %.2f-%.2f s" % (
      d["probes"]["healthz"]["max_s"], d["probes"]["session"]["max_s"],
      d["opened"], d["refused"], d["max_alive"], min(life), max(life)))
PY
ok "300 slow clients: every probe answered within 2 s, slow headers closed at ${HTO} s (RSS ${rss0} kB idle, ${rss1:-?} kB under the slow clients)"

# a body that trickles (1 byte every 0.5 s of 1000 announced) is closed
# within one header_timeout span of too little progress
python3 - "$PORT" "$HTO" <<'PY' || fail "slow body"
import socket, ssl, sys, time
port, hto = int(sys.argv[1]), float(sys.argv[2])
ctx = ssl.create_default_context(); ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5))
s.sendall(b"POST /v1/session HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          b"Content-Length: 1000\r\n\r\n")
t0 = time.monotonic(); s.settimeout(0.5); closed = False
while time.monotonic() - t0 < hto * 3:
    try:
        if s.recv(1) == b"":
            closed = True; break
    except socket.timeout:
        pass
    except (OSError, ssl.SSLError):
        closed = True; break
    try:
        s.sendall(b" ")
    except (OSError, ssl.SSLError):
        closed = True; break
dt = time.monotonic() - t0
assert closed and hto - 0.3 <= dt <= hto + 2.5, "closed=%s after %.2f s" % (closed, dt)
PY
ok "a trickling body is closed after ${HTO} s"

# counted
api GET /metrics
expect 200 metrics
grep -Eq '^hanoinet_http_deadline_closed_total\{phase="header"\} [1-9]' <<<"$BODY" ||
    fail "header deadline closes not counted"
grep -Eq '^hanoinet_http_deadline_closed_total\{phase="body"\} [1-9]' <<<"$BODY" ||
    fail "body deadline closes not counted"
grep -Eq '^hanoinet_http_connections_refused_total\{reason="startups"\} [1-9]' <<<"$BODY" ||
    fail "refusals not counted"
ok "metrics count deadline closes and refusals"

api GET /healthz
expect 200 "healthz after the slow clients"
hn_stop "$PID"
