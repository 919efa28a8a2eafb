#!/usr/bin/env bash
# No entry stays unsigned (issue 15, point 6): a running node signs a
# checkpoint covering an append within about a second, without anyone
# asking (nothing here calls /v1/log/checkpoint: the test reads the
# database). Then, node stopped: an entry rewritten in the SQLite file is
# caught by `log verify`, which names it; a deleted entry is caught; an
# entry appended offline (never signed) is reported as unsigned.
. "$HN_SRC/tests/integration/lib/node.sh"

N="$HN_T/vnm"
hn_init "$N" VNM
hn_start "$N"
TOKEN=$(login admin "$ADMIN_PW")
pw=$(add_account officer duty_officer)
TOKEN=$(login officer "$pw")

# signed_size DB: the size of the largest signed checkpoint (0: none)
signed_size() {
	python3 - "$1" <<'EOF'
import sqlite3, sys
c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=10)
print(c.execute("SELECT coalesce(max(size), 0) FROM ledger_checkpoints").fetchone()[0])
EOF
}

# Create a request; then poll (bounded: 10 s) until a signed checkpoint
# covers its ledger entry; print the latency in ms.
api POST /v1/requests "$(hn_doc preservation VNM FRA)"
expect 201 "create a request"
IDX=$(jget ledger_index)
lat=$(python3 - "$N/hanoinet.db" "$IDX" <<'EOF'
import sqlite3, sys, time
t0 = time.monotonic()
want = int(sys.argv[2]) + 1
while time.monotonic() - t0 < 10:
    c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=10)
    n = c.execute("SELECT coalesce(max(size), 0) FROM ledger_checkpoints").fetchone()[0]
    c.close()
    if n >= want:
        print(int((time.monotonic() - t0) * 1000))
        sys.exit(0)
    time.sleep(0.02)
print("never")
EOF
)
[ "$lat" != never ] || fail "no signed checkpoint covered entry $IDX within 10 s"
# about a second, with slack for a loaded machine
[ "$lat" -le 3000 ] || fail "entry $IDX was signed only after $lat ms"
ok "entry $IDX covered by a signed checkpoint $lat ms after the 201"

# a burst of appends: one signature covers many (batched)
before=$(python3 - "$N/hanoinet.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=10)
print(c.execute("SELECT count(*) FROM ledger_checkpoints").fetchone()[0])
EOF
)
doc=$(hn_doc preservation VNM FRA)
pids=()
for i in $(seq 1 20); do
	curl -sS --max-time 30 --cacert "$CA" -o /dev/null -H "Authorization: Bearer $TOKEN" \
	    -H 'Content-Type: application/json' --data-binary "$doc" "$URL/v1/requests" &
	pids+=($!)
done
wait "${pids[@]}"
api GET /metrics "" "$(login admin "$ADMIN_PW")"
expect 200 "metrics"
size=$(printf '%s\n' "$BODY" | sed -n 's/^hanoinet_ledger_entries //p')
for i in $(seq 1 100); do
	[ "$(signed_size "$N/hanoinet.db")" -ge "$size" ] && break
	sleep 0.1
done
[ "$(signed_size "$N/hanoinet.db")" -ge "$size" ] || fail "the burst was not signed"
after=$(python3 - "$N/hanoinet.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect("file:%s?mode=ro" % sys.argv[1], uri=True, timeout=10)
print(c.execute("SELECT count(*) FROM ledger_checkpoints").fetchone()[0])
EOF
)
[ $((after - before)) -lt 20 ] || fail "one signature per append ($((after - before)) for 21 appends)"
ok "22+ appends signed with $((after - before)) signatures"

hn_stop "$PID"
"$HN_BIN" log verify --dir "$N" >"$HN_T/v0" 2>&1 || fail "log verify: $(cat "$HN_T/v0")"
! grep -q '^unsigned' "$HN_T/v0" || fail "entries left unsigned at a clean stop: $(cat "$HN_T/v0")"
ok "log verify ok, nothing unsigned after a clean stop"

# rewrite entry IDX (the request's creation) in the SQLite file
cp -a "$N" "$HN_T/rewritten"
python3 - "$HN_T/rewritten/hanoinet.db" "$IDX" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
e = bytes(c.execute("SELECT entry FROM ledger_entries WHERE idx=?", (int(sys.argv[2]),)).fetchone()[0])
f = e.replace(b"preservation", b"preservatioN", 1)
assert f != e and len(f) == len(e)
c.execute("UPDATE ledger_entries SET entry=? WHERE idx=?", (f, int(sys.argv[2])))
c.commit()
EOF
if "$HN_BIN" log verify --dir "$HN_T/rewritten" >"$HN_T/v1" 2>&1; then
	fail "log verify passed a rewritten entry: $(cat "$HN_T/v1")"
fi
grep -q "entry $IDX was rewritten" "$HN_T/v1" || fail "log verify does not name entry $IDX: $(cat "$HN_T/v1")"
ok "a rewritten entry: log verify fails and names entry $IDX"

# delete the last entry (covered by the last checkpoint)
cp -a "$N" "$HN_T/truncated"
python3 - "$HN_T/truncated/hanoinet.db" <<'EOF'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("DELETE FROM ledger_entries WHERE idx=(SELECT max(idx) FROM ledger_entries)")
c.commit()
EOF
if "$HN_BIN" log verify --dir "$HN_T/truncated" >"$HN_T/v2" 2>&1; then
	fail "log verify passed a deleted entry: $(cat "$HN_T/v2")"
fi
grep -q "entries were lost" "$HN_T/v2" || fail "log verify: $(cat "$HN_T/v2")"
ok "a deleted entry: log verify fails (entries were lost)"

# an entry appended offline is not signed: verify says so
cp -a "$N" "$HN_T/tail"
printf 'an entry nobody signed\n' >"$HN_T/line"
"$HN_BIN" log append --dir "$HN_T/tail" "$HN_T/line" >/dev/null || fail "log append"
"$HN_BIN" log verify --dir "$HN_T/tail" >"$HN_T/v3" 2>&1 || fail "log verify: $(cat "$HN_T/v3")"
grep -q '^unsigned: 1 entries' "$HN_T/v3" || fail "log verify does not report the unsigned entry: $(cat "$HN_T/v3")"
ok "an entry after the last signed checkpoint is reported as unsigned"

# and a node started on it signs it at once
hn_start "$HN_T/tail"
want=$("$HN_BIN" log verify --dir "$HN_T/tail" | sed -n 's/^ok: \([0-9]*\) entries.*/\1/p')
for i in $(seq 1 100); do
	[ "$(signed_size "$HN_T/tail/hanoinet.db")" -ge "$want" ] && break
	sleep 0.1
done
[ "$(signed_size "$HN_T/tail/hanoinet.db")" -ge "$want" ] || fail "a restarted node left its tail unsigned"
ok "a node signs at start what was left unsigned"
