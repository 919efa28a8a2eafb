#!/usr/bin/env bash
# Directory version 2 between two running nodes and a registry (issue 13,
# docs/protocol.md section 3). The nodes fetch each directory from the
# registry (registry_url) and report its format and serial at
# GET /v1/federation (directory_version, directory.serial).
#  1. v2, each party with two endpoints, the first pinned by its current
#     TLS certificate and a next one, and a cosigning_key distinct from
#     its signing key: a request is delivered and answered; witnessing
#     still works (cosignatures are made and checked under the signing
#     key: the separate cosigning key is published and validated only,
#     see section 3, until the C2SP cosigning issue).
#  2. v2 whose first pin is the next certificate, the current one second:
#     delivery still works (any pin of the endpoint matches).
#  3. v2 in which none of FRA's pins is its certificate: VNM does not
#     deliver to FRA, and says why (outbox last_error and log: the
#     certificate does not match the directory); the message stays due.
#  4. The good directory again (a higher serial): that message is
#     delivered, once; nothing was lost.
#  5. A version 1 directory (FED_FORMAT=1): still works both ways.
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"

FED_WITNESS=1 fed_setup VNM FRA

# The next certificates (a renewal announced before the switch) and one
# that belongs to no node.
for n in VNM.next FRA.next stray; do
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -subj "/CN=$n" -days 30 -keyout "$HN_T/$n.key" -out "$HN_T/$n.crt" \
	    2>/dev/null || fail "openssl: certificate $n"
done
fp() { openssl x509 -in "$1" -outform DER | sha256sum | cut -d' ' -f1; }
# cosvkey CODE: a C2SP cosigning verifier key (type 0x04) for CODE, not
# its signing key
cosvkey() {
	python3 - "$1" <<'PY'
import base64, hashlib, sys
name = "witness/" + sys.argv[1]
pk = hashlib.sha256(b"cosigning " + sys.argv[1].encode()).digest()
kid = hashlib.sha256(name.encode() + b"\n\x04" + pk).digest()[:4].hex()
print("%s+%s+%s" % (name, kid, base64.b64encode(b"\x04" + pk).decode()))
PY
}
# v2_entry CODE: current + next pin on its URL, a second endpoint (not
# used for sending: failover is issue 14), a cosigning key
v2_entry() {
	fed_entry "$1" --pin-cert "$HN_T/$1.next.crt" \
	    --url "https://backup-${1,,}.example:8443" --pin-cert "$HN_T/$1.next.crt" \
	    --cosigning-key "$(cosvkey "$1")"
}
# pins CODE FP...: sets every endpoint's pins of CODE's entry, in order
pins() {
	local c=$1
	shift
	python3 - "$HN_T/$c.entry" "$@" <<'PY' || fail "pins $c"
import json, sys
path, pins = sys.argv[1], sys.argv[2:]
e = json.load(open(path))
for ep in e["endpoints"]:
    ep["tls_sha256"] = pins
json.dump(e, open(path, "w"))
PY
}

# The registry serves the directory the nodes fetch every second.
REG="$HN_T/UNR"
hn_init "$REG" UNR
PORTS[UNR]=$(fed_port)
URLS[UNR]="https://127.0.0.1:${PORTS[UNR]}"
cat >>"$REG/hanoinet.conf" <<CONF
role = registry
registry_key = $REGVKEY
witness_interval_s = 0
CONF
for c in VNM FRA; do
	cat >>"$HN_T/$c/hanoinet.conf" <<CONF
registry_url = ${URLS[UNR]}
directory_refresh_s = 1
CONF
done
reg_start() {
	local i
	rm -f "$REG/port"
	"$HN_BIN" serve --dir "$REG" --listen "127.0.0.1:${PORTS[UNR]}" \
	    --port-file "$REG/port" 2>>"$REG/serve.log" &
	PIDS[UNR]=$!
	HN_PIDS+=("${PIDS[UNR]}")
	for i in $(seq 1 150); do
		[ -s "$REG/port" ] && return 0
		kill -0 "${PIDS[UNR]}" 2>/dev/null || { tail -5 "$REG/serve.log" >&2; fail "registry died"; }
		sleep 0.1
	done
	fail "registry did not start"
}
# publish SERIAL VERSION: signs the entries of VNM and FRA (format
# VERSION), has the registry serve it and waits until both nodes hold it.
publish() {
	local c i
	FED_FORMAT=$2 fed_sign "$1" VNM FRA
	if [ -n "${PIDS[UNR]:-}" ]; then
		hn_stop "${PIDS[UNR]}"
	fi
	cp "$HN_T/directory.signed" "$REG/directory.signed"
	reg_start
	[ -n "${PIDS[VNM]:-}" ] || return 0
	for c in VNM FRA; do
		for i in $(seq 1 300); do
			fed_api "$c" GET /v1/federation
			[ "$STATUS" = 200 ] && [ "$(jget directory.serial)" = "$1" ] && break
			sleep 0.1
		done
		[ "$(jget directory.serial)" = "$1" ] || fail "$c did not take serial $1: $BODY"
		[ "$(jget directory_version)" = "$2" ] || fail "$c: directory_version, want $2: $BODY"
	done
}
# exchange LABEL: VNM sends FRA a request, FRA acknowledges it; sets RQ
exchange() {
	queue VNM mla FRA
	rq_wait VNM "$RQ" delivered
	rq_wait FRA "$RQ" received
	fed_api FRA POST "/v1/requests/$RQ/transitions" '{"to":"acknowledged"}'
	expect 200 "$1: FRA acknowledges"
	rq_wait VNM "$RQ" acknowledged
}

# --- 1. v2: two endpoints, current + next pins, a cosigning key ----------
for c in VNM FRA; do v2_entry "$c"; done
python3 - "$HN_T" "$(fp "$HN_T/VNM/tls.crt")" "$(fp "$HN_T/VNM.next.crt")" <<'PY' || fail "VNM's v2 entry"
import json, sys
t, own, nxt = sys.argv[1:]
e = json.load(open(t + "/VNM.entry"))
assert len(e["endpoints"]) == 2, e
assert all(ep["tls_sha256"] == [own, nxt] for ep in e["endpoints"]), e
assert e["cosigning_key"].startswith("witness/VNM+") and e["cosigning_key"] != e["signing_key"], e
PY
publish 1 2
fed_start VNM
fed_start FRA
for c in VNM FRA; do
	fed_api "$c" GET /v1/federation
	[ "$(jget directory_version)" = 2 ] && [ "$(jget directory.serial)" = 1 ] &&
	    [ "$(jget directory.parties)" = 2 ] || fail "$c's federation state: $BODY"
done
exchange "v2, current pin first"
ok "v2 (two endpoints, pins current+next, cosigning keys): request $RQ delivered and acknowledged; directory_version 2, serial 1 on both"

for i in $(seq 1 150); do
	URL=${URLS[VNM]}; CA="$HN_T/VNM/tls.crt"
	api GET "/v1/log/cosignatures" "" ""
	grep -q "^FRA [0-9]* VNM " <<<"$BODY" && grep -q "^VNM [0-9]* FRA " <<<"$BODY" && break
	sleep 0.2
done
grep -q "^FRA [0-9]* VNM " <<<"$BODY" || fail "VNM made no cosignature: $BODY"
grep -q "^VNM [0-9]* FRA " <<<"$BODY" || fail "VNM holds no cosignature by FRA: $BODY"
fed_api VNM GET /v1/witness
[ "$(jget alert_count)" = 0 ] || fail "witness alerts: $BODY"
ok "witnessing with a published cosigning_key: cosigned both ways under the signing keys (a separate cosigning key is not used yet), no alert"

# --- 2. the next certificate first, the current one second -----------------
for c in VNM FRA; do
	v2_entry "$c"
	pins "$c" "$(fp "$HN_T/$c.next.crt")" "$(fp "$HN_T/$c/tls.crt")"
done
publish 2 2
exchange "v2, next pin first"
ok "v2 with the next certificate's pin first: request $RQ delivered and acknowledged (any pin matches)"

# --- 3. no pin of FRA's matches its certificate ----------------------------
pins FRA "$(fp "$HN_T/FRA.next.crt")" "$(fp "$HN_T/stray.crt")"
publish 3 2
fed_inbox_total FRA
FRA_TOTAL=$TOTAL
queue VNM mla FRA
HELD=$RQ
for i in $(seq 1 300); do
	fed_api VNM GET "/v1/messages/$HELD"
	[ "$STATUS" = 200 ] && [ "$(jget attempts)" -ge 2 ] && break
	sleep 0.1
done
[ "$(jget attempts)" -ge 2 ] || fail "VNM did not try to deliver $HELD twice: $BODY"
[ "$(jget status)" = delivering ] || fail "$HELD: status, want delivering (due again): $BODY"
grep -q "certificate does not match the directory" <<<"$(jget last_error)" ||
    fail "$HELD: last_error does not name the pin mismatch: $BODY"
grep -q "event=outbox.retry id=$HELD to=FRA .*certificate does not match the directory" \
    "$HN_T/VNM/serve.log" || fail "VNM did not log the pin mismatch"
rq_state VNM "$HELD"
[ "$ST" = queued ] || fail "$HELD on VNM: $ST, want queued"
fed_inbox_total FRA
[ "$TOTAL" = "$FRA_TOTAL" ] || fail "FRA stored a message from VNM through a directory that does not pin it"
fed_api FRA GET "/v1/requests/$HELD"
expect 404 "FRA holds $HELD"
ok "no pin matches FRA's certificate: VNM does not deliver $HELD, last_error and log name the mismatch, the message stays due"

# --- 4. the good directory returns: nothing lost -------------------------
v2_entry FRA
publish 4 2
rq_wait VNM "$HELD" delivered
rq_wait FRA "$HELD" received
fed_api VNM GET "/v1/messages/$HELD"
[ "$(jget status)" = delivered ] && [ "$(jget last_error)" = "" ] || fail "$HELD: $BODY"
fed_inbox_total FRA
[ "$TOTAL" = "$(( FRA_TOTAL + 1 ))" ] || fail "FRA stored $(( TOTAL - FRA_TOTAL )) messages, want 1"
fed_api VNM GET "/v1/messages?limit=1"
[ "$(jget outbox.failed)" = 0 ] || fail "a message failed: $BODY"
exchange "v2 restored"
ok "the good directory (serial 4) restored: $HELD delivered once, nothing failed, delivery goes on"

# --- 5. a version 1 directory --------------------------------------------
for c in VNM FRA; do fed_entry "$c"; done
publish 5 1
exchange "v1"
A=$RQ
queue FRA mla VNM
rq_wait FRA "$RQ" delivered
rq_wait VNM "$RQ" received
ok "a version 1 directory (serial 5, directory_version 1): VNM->FRA ($A) and FRA->VNM ($RQ) delivered, answered"
fed_api VNM GET /v1/witness
[ "$(jget alert_count)" = 0 ] || fail "witness alerts: $BODY"

fed_stop VNM
fed_stop FRA
fed_stop UNR
ok "clean stop"
