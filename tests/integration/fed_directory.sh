#!/usr/bin/env bash
# The registry role: a node with role = registry serves the signed
# directory at GET /v1/directory; a node pinning the registry key fetches
# it from registry_url, keeps a newer one, refuses an older one, and keeps
# its last good copy across a restart. (Forged and expired directories are
# refused by the same code: tests/unit/test_fed.c, registry_cli.sh and
# fed_faults.sh.)
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"

fed_setup VNM FRA
REG="$HN_T/UNR"
hn_init "$REG" UNR
PORTS[UNR]=$(fed_port)
URLS[UNR]="https://127.0.0.1:${PORTS[UNR]}"
cat >>"$REG/hanoinet.conf" <<CONF
role = registry
registry_key = $REGVKEY
witness_interval_s = 0
CONF
fed_sign 2 VNM FRA >/dev/null
cp "$HN_T/directory.signed" "$REG/directory.signed"
fed_sign 1 VNM FRA          # the nodes hold serial 1
cat >>"$HN_T/VNM/hanoinet.conf" <<CONF
registry_url = ${URLS[UNR]}
directory_refresh_s = 1
CONF
# The registry serves exactly the bytes signed.
d="$REG"; rm -f "$d/port"
"$HN_BIN" serve --dir "$d" --listen "127.0.0.1:${PORTS[UNR]}" --port-file "$d/port" 2>>"$d/serve.log" &
PIDS[UNR]=$!; HN_PIDS+=("${PIDS[UNR]}")
for i in $(seq 1 100); do [ -s "$d/port" ] && break; sleep 0.1; done
curl -sS --cacert "$REG/tls.crt" "${URLS[UNR]}/v1/directory" >"$HN_T/fetched"
cmp -s "$HN_T/fetched" "$REG/directory.signed" || fail "registry serves other bytes"
"$HN_BIN" registry verify --vkey "$REGVKEY" "$HN_T/fetched" | grep -q "serial=2" || fail "verify"
ok "the registry serves the signed directory"

fed_start VNM
serial() {
	curl -sS --cacert "$HN_T/VNM/tls.crt" "${URLS[VNM]}/v1/federation" |
	    python3 -c 'import json,sys; print(json.load(sys.stdin)["directory"]["serial"])'
}
for i in $(seq 1 50); do [ "$(serial)" = 2 ] && break; sleep 0.2; done
[ "$(serial)" = 2 ] || fail "VNM did not take serial 2"
cmp -s "$HN_T/VNM/directory.signed" "$REG/directory.signed" || fail "held copy"
ok "a newer directory is fetched and kept"

# An older directory served by the registry: refused, serial 2 kept.
offer() { # offer FILE: the registry now serves FILE
	cp "$1" "$REG/directory.signed"
	restart_reg
}
restart_reg() {
	hn_stop "${PIDS[UNR]}"
	rm -f "$REG/port"
	"$HN_BIN" serve --dir "$REG" --listen "127.0.0.1:${PORTS[UNR]}" --port-file "$REG/port" 2>>"$REG/serve.log" &
	PIDS[UNR]=$!; HN_PIDS+=("${PIDS[UNR]}")
	for i in $(seq 1 100); do [ -s "$REG/port" ] && break; sleep 0.1; done
}
n0=$(grep -c "event=directory.refused" "$HN_T/VNM/serve.log" || true)
wait_refused() {
	for i in $(seq 1 50); do
		[ "$(grep -c "event=directory.refused" "$HN_T/VNM/serve.log")" -gt "$n0" ] && break
		sleep 0.2
	done
	[ "$(grep -c "event=directory.refused" "$HN_T/VNM/serve.log")" -gt "$n0" ] || { tail -n 5 "$HN_T/VNM/serve.log" "$REG/serve.log" >&2; fail "$1 not refused"; }
	n0=$(grep -c "event=directory.refused" "$HN_T/VNM/serve.log")
	[ "$(serial)" = 2 ] || fail "$1 replaced the directory"
	ok "$1 directory refused, serial 2 kept"
}
python3 - "$HN_T/desc.json" >"$HN_T/desc1.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["serial"] = 1; print(json.dumps(d))
PY
"$HN_BIN" registry sign --key "$HN_T/registry.key" --out "$HN_T/older" "$HN_T/desc1.json"
offer "$HN_T/older"
wait_refused older
fed_stop VNM
fed_start VNM
[ "$(serial)" = 2 ] || fail "restart lost the held copy"
ok "the last good copy survives a restart"
