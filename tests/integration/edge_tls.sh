#!/usr/bin/env bash
# TLS at the edge (issue 15, point 7): ECDHE over X25519 or P-256 only, in
# TLS 1.2 and 1.3 (finite-field DH refused), in the server's order of
# preference; certificates of at most 397 days; `hanoinet tls renew`
# makes a pending certificate that the node switches to at its next start
# only once the directory lists it, and a peer with both fingerprints in
# its directory keeps talking across the switch.
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"

command -v openssl >/dev/null || fail "openssl is needed"
fed_setup VNM FRA
fed_start VNM
fed_start FRA
HOSTPORT="127.0.0.1:${PORTS[FRA]}"

# hs VERSION GROUPS: one handshake; sets HS (the output) and returns its status
hs() {
	HS=$(openssl s_client -connect "$HOSTPORT" "-$1" -groups "$2" \
	    </dev/null 2>&1) || return 1
	grep -q 'Cipher is [A-Z]' <<<"$HS"
}
temp_key() { sed -n 's/^\(Server\|Peer\) Temp Key: \([^,]*\).*/\2/p' <<<"$HS" | head -1; }

for v in tls1_2 tls1_3; do
	if hs "$v" ffdhe2048; then
		fail "$v with ffdhe2048 only: handshake accepted ($(temp_key))"
	fi
	if hs "$v" ffdhe2048:ffdhe3072:ffdhe4096; then
		fail "$v with finite-field groups only: accepted ($(temp_key))"
	fi
	# (in TLS 1.2 the groups offered also bound the curve of the
	# server's ECDSA certificate, P-256: offer it beside X25519)
	x=X25519
	[ "$v" = tls1_2 ] && x=X25519:P-256
	hs "$v" "$x" || fail "$v with $x: $HS"
	[ "$(temp_key)" = X25519 ] || fail "$v $x: key $(temp_key)"
	hs "$v" P-256 || fail "$v with P-256: $HS"
	[ "$(temp_key)" = ECDH ] || fail "$v P-256: key $(temp_key)"
	# the client prefers P-256 (and sends its key share first): the
	# server's order wins
	hs "$v" P-256:X25519 || fail "$v with P-256:X25519: $HS"
	[ "$(temp_key)" = X25519 ] || fail "$v: the client's order won ($(temp_key)), not the server's"
	# a client offering ffdhe first and P-256 after gets P-256
	hs "$v" ffdhe2048:P-256 || fail "$v with ffdhe2048:P-256: $HS"
	[ "$(temp_key)" = ECDH ] || fail "$v ffdhe2048:P-256: key $(temp_key)"
	ok "$v: ffdhe refused, X25519 and P-256 accepted, server preference X25519"
done

# days FILE: notAfter - notBefore in seconds
span() {
	python3 - "$1" <<'EOF'
import subprocess, sys
from datetime import datetime
o = subprocess.run(["openssl", "x509", "-in", sys.argv[1], "-noout", "-startdate", "-enddate"],
                   capture_output=True, text=True, check=True).stdout
d = dict(l.split("=", 1) for l in o.split("\n") if "=" in l)
f = "%b %d %H:%M:%S %Y GMT"
a = datetime.strptime(" ".join(d["notBefore"].split()), f)
b = datetime.strptime(" ".join(d["notAfter"].split()), f)
print(int((b - a).total_seconds()))
EOF
}
s=$(span "$HN_T/FRA/tls.crt")
[ "$s" -le $((397 * 86400)) ] || fail "the certificate is valid for $((s / 86400)) days (> 397)"
ok "hanoinet init: certificate valid $((s / 86400)) days (<= 397)"

fp() { openssl x509 -in "$1" -outform DER | sha256sum | cut -d' ' -f1; }
node_fp() { # node_fp CODE: the fingerprint CODE serves (GET /v1/node)
	URL=${URLS[$1]}; CA="$HN_T/$1/tls.crt"
	STATUS=$(curl -sS --max-time 20 -k -o "$HN_T/node.json" -w '%{http_code}' "$URL/v1/node") || STATUS=000
	BODY=$(cat "$HN_T/node.json")
	expect 200 "GET /v1/node on $1"
	jget tls_sha256
}
OLD=$(fp "$HN_T/FRA/tls.crt")
[ "$(node_fp FRA)" = "$OLD" ] || fail "FRA serves another certificate"

# talk: VNM -> FRA delivered, and FRA -> VNM
talk() {
	fed_queue VNM FRA preservation
	fed_wait_status VNM "$MSGID" delivered 30
	fed_queue FRA VNM preservation
	fed_wait_status FRA "$MSGID" delivered 30
}
talk
ok "VNM and FRA talk (FRA on its first certificate)"

# renew: a pending certificate, the current one untouched
"$HN_BIN" tls renew --dir "$HN_T/FRA" >"$HN_T/renew.out" || fail "tls renew: $(cat "$HN_T/renew.out")"
NEW=$(sed -n 's/^tls_sha256: //p' "$HN_T/renew.out")
[ -s "$HN_T/FRA/tls.next.crt" ] && [ -s "$HN_T/FRA/tls.next.key" ] || fail "no pending certificate"
[ "$NEW" = "$(fp "$HN_T/FRA/tls.next.crt")" ] || fail "tls renew printed another fingerprint"
[ "$NEW" != "$OLD" ] || fail "tls renew made the same certificate"
[ "$(fp "$HN_T/FRA/tls.crt")" = "$OLD" ] || fail "tls renew replaced the current certificate"
[ "$(stat -c %a "$HN_T/FRA/tls.next.key")" = 600 ] || fail "the pending key is not 0600"
s=$(span "$HN_T/FRA/tls.next.crt")
[ "$s" -le $((397 * 86400)) ] || fail "the renewed certificate is valid for $((s / 86400)) days"
"$HN_BIN" tls renew --dir "$HN_T/FRA" --days 398 >/dev/null 2>&1 && fail "tls renew --days 398 accepted"
"$HN_BIN" tls renew --dir "$HN_T/FRA" --days 0 >/dev/null 2>&1 && fail "tls renew --days 0 accepted"
[ "$NEW" = "$(fp "$HN_T/FRA/tls.next.crt")" ] || fail "a refused renew replaced the pending certificate"
"$HN_BIN" tls status --dir "$HN_T/FRA" | grep -qx "pending: $NEW" || fail "tls status"
ok "tls renew: pending $NEW, $((s / 86400)) days; the current certificate stays"

# restart while the directory does not list it: no switch
fed_stop FRA
fed_start FRA
[ "$(node_fp FRA)" = "$OLD" ] || fail "FRA switched before the directory listed the new certificate"
grep -q "event=tls.pending sha256=$NEW" "$HN_T/FRA/serve.log" || fail "FRA does not say why it did not switch"
ok "restart before the directory lists it: FRA keeps its certificate, says why"

# the directory lists both; VNM takes it (a restart: no registry here)
fed_stop VNM
fed_stop FRA
fed_entry FRA --pin-cert "$HN_T/FRA/tls.next.crt"
fed_sign 2 VNM FRA
fed_start VNM
fed_start FRA
[ "$(node_fp FRA)" = "$NEW" ] || fail "FRA did not switch once the directory listed its new certificate"
[ -s "$HN_T/FRA/tls.prev.crt" ] && [ "$(fp "$HN_T/FRA/tls.prev.crt")" = "$OLD" ] || fail "no tls.prev.crt"
[ ! -e "$HN_T/FRA/tls.next.crt" ] || fail "tls.next.crt still pending after the switch"
grep -q "event=tls.switched sha256=$NEW previous=$OLD" "$HN_T/FRA/serve.log" || fail "the switch is not logged"
CA="$HN_T/FRA/tls.crt"
talk
ok "FRA switched at restart; VNM (both fingerprints listed) keeps talking to it, both ways"

# a peer whose directory lists only the old certificate no longer accepts FRA
fed_stop VNM
fed_entry FRA --pin-cert "$HN_T/FRA/tls.prev.crt"
python3 - "$HN_T/FRA.entry" "$OLD" <<'EOF'
import json, sys
e = json.load(open(sys.argv[1]))
for ep in e["endpoints"]:
    ep["tls_sha256"] = [sys.argv[2]]
json.dump(e, open(sys.argv[1], "w"))
EOF
fed_sign 3 VNM FRA
fed_start VNM
fed_queue VNM FRA preservation
for i in $(seq 1 300); do
	fed_api VNM GET "/v1/messages/$MSGID"
	[ "$STATUS" = 200 ] && [ "$(jget attempts)" -ge 1 ] && [ -n "$(jget last_error)" ] && break
	sleep 0.1
done
[ "$(jget status)" != delivered ] || fail "VNM delivered to a certificate its directory does not list"
grep -q "certificate does not match the directory" <<<"$(jget last_error)" ||
	fail "VNM: last_error does not name the pin mismatch: $BODY"
ok "a directory without the new fingerprint: VNM does not deliver to FRA (pin mismatch)"
