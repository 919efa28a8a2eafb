#!/usr/bin/env bash
# Bad input at POST /v1/inbox: forged signature, wrong TLS certificate,
# unknown sender, tampered body, replayed message, Convention not in force,
# expired directory. Each is rejected with its specific error (or, for a
# replay, answered with the original receipt), logged, and nothing is
# stored.
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"

# DEU is in the directory but not in the register: the UN Convention is
# not in force between DEU and FRA.
fed_setup VNM FRA DEU
fed_start FRA

# Identities that are not in the directory.
"$HN_BIN" registry keygen --name hanoinet/VNM --key "$HN_T/evil.key" >/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$HN_T/evil-tls.key" -out "$HN_T/evil-tls.crt" -days 2 \
    -subj /CN=evil >/dev/null 2>&1 || fail "openssl"

FRAURL=${URLS[FRA]}
# post ENVELOPE CERTDIR|evil: POSTs to FRA's inbox with that client cert.
post() {
	local crt key
	if [ "$2" = evil ]; then crt="$HN_T/evil-tls.crt"; key="$HN_T/evil-tls.key"
	else crt="$HN_T/$2/tls.crt"; key="$HN_T/$2/tls.key"; fi
	STATUS=$(curl -sS -k --max-time 20 --cert "$crt" --key "$key" \
	    -H 'Content-Type: application/vnd.hanoinet.envelope' \
	    --data-binary @"$1" -o "$HN_T/resp" -w '%{http_code}' \
	    "$FRAURL/v1/inbox") || STATUS=000
	BODY=$(cat "$HN_T/resp")
}
seal() { # seal OUT KEY FROM KIND [BODYFILE]
	local body=${5:-$HN_T/req.json}
	"$HN_BIN" message seal --key "$2" --from "$3" --to FRA --kind "$4" "$body" >"$1" ||
	    fail "seal $1"
}
fed_request preservation VNM FRA >"$HN_T/req.json"
fed_request preservation DEU FRA >"$HN_T/req-deu.json"

fed_inbox_total FRA
[ "$TOTAL" = 0 ] || fail "not empty"
# rejected CODE STATUS ENVELOPE CERT: the exact error, logged, not stored.
rejected() {
	post "$3" "$4"
	[ "$STATUS" = "$2" ] || fail "$1: HTTP $STATUS $BODY"
	[ "$(jget error)" = "$1" ] || fail "$1: got $BODY"
	REJ=$BODY
	grep -q "event=inbox.rejected reason=$1 " "$HN_T/FRA/serve.log" || fail "$1 not logged"
	fed_inbox_total FRA
	[ "$TOTAL" = "$STORED" ] || fail "$1: something was stored ($TOTAL)"
	ok "$1"
}
STORED=0

seal "$HN_T/forged" "$HN_T/evil.key" VNM preservation
rejected bad_signature 403 "$HN_T/forged" VNM

seal "$HN_T/good" "$HN_T/VNM/signing.key" VNM preservation
rejected certificate_mismatch 403 "$HN_T/good" evil
rejected certificate_mismatch 403 "$HN_T/good" DEU

seal "$HN_T/unknown" "$HN_T/evil.key" KOR preservation
rejected unknown_sender 403 "$HN_T/unknown" evil

sed 's/"offence":"O"/"offence":"X"/' "$HN_T/good" >"$HN_T/tampered"
cmp -s "$HN_T/good" "$HN_T/tampered" && fail "tamper did nothing"
rejected bad_signature 403 "$HN_T/tampered" VNM
head -c 100 "$HN_T/good" >"$HN_T/truncated"
rejected malformed 400 "$HN_T/truncated" VNM

"$HN_BIN" message seal --key "$HN_T/VNM/signing.key" --from VNM --to FRA \
    --kind preservation --time 2026-01-01T00:00:00Z "$HN_T/req.json" >"$HN_T/old"
rejected stale_time 400 "$HN_T/old" VNM

seal "$HN_T/deu" "$HN_T/DEU/signing.key" DEU preservation "$HN_T/req-deu.json"
rejected not_in_force 403 "$HN_T/deu" DEU
BODY=$REJ
grep -q 'unccc\|UN Convention' <<<"$(jget message)" || fail "refusal does not name the basis: $REJ"

echo '{"kind":"preservation","from":"VNM","to":"FRA"}' >"$HN_T/bad-req.json"
seal "$HN_T/invalid" "$HN_T/VNM/signing.key" VNM preservation "$HN_T/bad-req.json"
rejected invalid_request 400 "$HN_T/invalid" VNM

# The good one is accepted; its replay gets the original receipt and is
# not stored again.
post "$HN_T/good" VNM
[ "$STATUS" = 200 ] || fail "good: $STATUS $BODY"
cp "$HN_T/resp" "$HN_T/receipt1"
head -c 24 "$HN_T/receipt1" | grep -q '^hanoinet-receipt-v1 FRA ' || fail "receipt"
post "$HN_T/good" VNM
[ "$STATUS" = 200 ] || fail "replay: $STATUS"
cmp -s "$HN_T/resp" "$HN_T/receipt1" || fail "replay got another receipt"
grep -q "event=inbox.duplicate sender=VNM" "$HN_T/FRA/serve.log" || fail "replay not logged"
fed_inbox_total FRA
[ "$TOTAL" = 1 ] || fail "stored $TOTAL"
ok "replayed message: original receipt, stored once"
# Re-signed later with the same id (a sender's retry): same answer.
id=$(sed -n 2p "$HN_T/good" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
"$HN_BIN" message seal --key "$HN_T/VNM/signing.key" --from VNM --to FRA \
    --kind preservation --id "$id" "$HN_T/req.json" >"$HN_T/retry"
post "$HN_T/retry" VNM
cmp -s "$HN_T/resp" "$HN_T/receipt1" || fail "retry got another receipt"
STORED=1
ok "retry with the same id: original receipt"

# Expired directory: FRA restarts holding only an expired one.
fed_stop FRA
python3 - "$HN_T/desc.json" >"$HN_T/desc-expired.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d.pop("valid_days"); d["serial"] = 2
d["issued_at"] = "2026-01-01T00:00:00Z"; d["expires_at"] = "2026-01-02T00:00:00Z"
print(json.dumps(d))
PY
"$HN_BIN" registry sign --key "$HN_T/registry.key" --out "$HN_T/FRA/directory.signed" \
    "$HN_T/desc-expired.json" || fail "sign expired"
fed_start FRA
seal "$HN_T/good2" "$HN_T/VNM/signing.key" VNM preservation
rejected stale_directory 503 "$HN_T/good2" VNM
grep -q "event=directory.expired" "$HN_T/FRA/serve.log" || fail "expired directory not logged"
ok "all rejections specific, logged, nothing stored"
