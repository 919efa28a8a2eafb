#!/usr/bin/env bash
# Crash safety: kill -9 the node while 16 clients write; after a restart
# every acknowledged request is present with its history, every request row
# has its ledger entry (and no entry lacks its row), the database passes
# integrity_check, and the audit log verifies.
# ctest-labels: slow
. "$HN_SRC/tests/integration/lib/node.sh"

N="$HN_T/vnm"
hn_init "$N" VNM
hn_start "$N"
TOKEN=$(login admin "$ADMIN_PW")
ADMIN_TOKEN=$TOKEN # entry texts: auditors and admins (net/auth.h)
pw=$(add_account officer duty_officer)
TOKEN=$(login officer "$pw")
curl -sS --cacert "$CA" "$URL/v1/kinds" >"$HN_T/kinds.json"
python3 "$HN_SRC/tests/integration/lib/mkrequest.py" "$HN_T/kinds.json" preservation VNM FRA >"$HN_T/doc.json"

for round in 1 2 3; do
	: >"$HN_T/acked.$round"
	pids=()
	for i in $(seq 1 16); do
		python3 "$HN_SRC/tests/integration/lib/writer.py" "$URL" "$CA" "$TOKEN" \
			"$HN_T/doc.json" "$HN_T/acked.$round" 30 &
		pids+=($!)
	done
	# let them write, then pull the plug mid-stream
	for i in $(seq 1 100); do
		[ "$(wc -l <"$HN_T/acked.$round")" -ge 100 ] && break
		sleep 0.1
	done
	kill -9 "$PID"
	wait "${pids[@]}" || true
	acked=$(sort -u "$HN_T/acked.$round" | wc -l)
	[ "$acked" -gt 0 ] || fail "round $round: nothing was acknowledged"
	hn_start "$N"
	python3 - "$URL" "$CA" "$TOKEN" "$HN_T/acked.$round" "$ADMIN_TOKEN" <<'PY' || fail "round $round: lost or half-written requests"
import http.client, json, ssl, sys
url, ca, token, acked, admin = sys.argv[1:6]
host, port = url.replace("https://", "").split(":")
c = http.client.HTTPSConnection(host, int(port), context=ssl.create_default_context(cafile=ca), timeout=30)
H = {"Authorization": "Bearer " + token}
for rid in sorted(set(open(acked).read().split())):
    c.request("GET", "/v1/requests/" + rid, headers=H)
    r = c.getresponse(); d = json.loads(r.read())
    assert r.status == 200, (rid, r.status, d)
    assert d["history"][0]["to"] == "draft", d
    c.request("GET", "/v1/log/proof/%d" % d["ledger_index"], headers={"Authorization": "Bearer " + admin})
    r = c.getresponse(); p = json.loads(r.read())
    assert r.status == 200 and ('"id":"%s"' % rid) in p["entry_text"], p
PY
	# rows and ledger entries match one to one (nothing half-written)
	rows=$(sqlite3 "$N/hanoinet.db" "SELECT count(*) FROM requests")
	events=$(sqlite3 "$N/hanoinet.db" "SELECT count(*) FROM request_events")
	entries=$(sqlite3 "$N/hanoinet.db" "SELECT count(*) FROM ledger_entries WHERE CAST(entry AS TEXT) LIKE '%\"type\":\"request.created\"%'")
	[ "$rows" = "$events" ] && [ "$rows" = "$entries" ] || fail "round $round: $rows requests, $events history events, $entries ledger entries"
	[ "$(sqlite3 "$N/hanoinet.db" "PRAGMA integrity_check")" = ok ] || fail "integrity_check"
	ok "round $round: kill -9 under 16 writers, $acked acknowledged requests all present after restart ($rows stored)"
done
size=$(sqlite3 "$N/hanoinet.db" "SELECT count(*) FROM ledger_entries")
hn_stop "$PID"
"$HN_BIN" log verify --dir "$N" >/dev/null || fail "the audit log does not verify"
ok "the audit log verifies after three crashes ($size entries)"
