#!/usr/bin/env bash
# hanoinet registry keygen / sign / verify: the depositary's tools for the
# signed directory. Happy path, then forged, tampered, expired, wrong key,
# invalid description and usage errors with their exit statuses.
set -euo pipefail
H=${HN_BIN:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { # expect STATUS CMD...
	local want=$1; shift
	set +e; "$@" >out 2>err; local got=$?; set -e
	[ "$got" = "$want" ] || { cat out err >&2; fail "$* -> $got, want $want"; }
}

V=$("$H" registry keygen --name registry.test --key reg.key)
[[ "$V" =~ ^registry\.test\+[0-9a-f]{8}\+ ]] || fail "vkey $V"
[ "$(stat -c %a reg.key)" = 600 ] || fail "key mode"
grep -q '^PRIVATE+KEY+registry.test+' reg.key || fail "key format"
[ "$(cat reg.key.pub)" = "$V" ] || fail "pub file"
"$H" registry keygen --name node/VNM --key vnm.key >/dev/null
"$H" registry keygen --name node/FRA --key fra.key >/dev/null
"$H" registry keygen --name other --key other.key >/dev/null

fp1=$(printf '%064d' 1); fp2=$(printf '%064d' 2)
cat > desc.json <<JSON
{"serial": 5, "valid_days": 30, "parties": [
 {"code":"VNM","name":"Viet Nam","node_url":"https://127.0.0.1:8443",
  "tls_sha256":"$fp1","signing_key":"$(cat vnm.key.pub)",
  "contact_24_7":{"name":"Duty desk"},"central_authority":{"name":"MPS"},
  "languages":["vi","en"],"register":{"unccc":{"status":"party"}}},
 {"code":"FRA","node_url":"https://127.0.0.1:8444",
  "tls_sha256":"$fp2","signing_key":"$(cat fra.key.pub)",
  "contact_24_7":{},"central_authority":{},"languages":["fr"]}]}
JSON
expect 0 "$H" registry sign --key reg.key --out dir.signed desc.json
head -n1 dir.signed | grep -q '^hanoinet-directory-v1 registry.test ' || fail header
expect 0 "$H" registry verify --vkey @reg.key.pub dir.signed
grep -q '^ok serial=5 parties=2 .* v=2$' out || fail "verify output"
grep -q '^VNM https://127.0.0.1:8443$' out || fail "verify list"
expect 0 "$H" registry verify --vkey "$V" dir.signed
# stdout form is identical in content
"$H" registry sign --key reg.key desc.json > dir2.signed
cmp <(tail -n +2 dir.signed | sed 's/"issued_at":"[^"]*"//; s/"expires_at":"[^"]*"//') \
    <(tail -n +2 dir2.signed | sed 's/"issued_at":"[^"]*"//; s/"expires_at":"[^"]*"//') || fail stdout

# Tampered body, truncated, wrong pinned key, signed by another key.
sed 's/8444/8445/' dir.signed > tampered
expect 1 "$H" registry verify --vkey @reg.key.pub tampered
grep -q 'does not verify' err || fail "tampered message"
head -c 300 dir.signed > truncated
expect 1 "$H" registry verify --vkey @reg.key.pub truncated
expect 1 "$H" registry verify --vkey @other.key.pub dir.signed
"$H" registry sign --key other.key desc.json > forged
expect 1 "$H" registry verify --vkey @reg.key.pub forged
# Expired: verify at a time after expiry.
expect 1 "$H" registry verify --vkey @reg.key.pub --at 2099-01-01T00:00:00Z dir.signed
grep -q expires_at err || fail "expired message"

# Invalid descriptions: named field, exit 1.
sed 's/"languages":\["fr"\]/"languages":[]/' desc.json > bad.json
expect 1 "$H" registry sign --key reg.key bad.json
grep -q 'parties\[1\].languages' err || fail "field named"
sed 's/"code":"FRA"/"code":"VNM"/' desc.json > dup.json
expect 1 "$H" registry sign --key reg.key dup.json
echo '{"serial": 1, ' > broken.json
expect 1 "$H" registry sign --key reg.key broken.json
head -c 5000000 /dev/zero | tr '\0' ' ' > huge.json
expect 2 "$H" registry sign --key reg.key huge.json

# Version 2 is written; --format 1 writes version 1 of the same
# description and refuses what version 1 cannot say, naming the field.
grep -q '"v":2' dir.signed || fail "not version 2"
grep -q '"endpoints":\[{"tls_sha256":\["'"$fp1"'"\],"url":"https://127.0.0.1:8443"}\]' dir.signed ||
    fail "v1 description not converted: $(cat dir.signed)"
expect 0 "$H" registry sign --key reg.key --format 1 --out dir1.signed desc.json
grep -q '"v":1' dir1.signed && grep -q '"node_url":"https://127.0.0.1:8443"' dir1.signed ||
    fail "version 1"
expect 0 "$H" registry verify --vkey @reg.key.pub dir1.signed
grep -q '^ok serial=5 parties=2 .* v=1$' out || fail "verify v1: $(cat out)"
grep -q '^VNM https://127.0.0.1:8443$' out || fail "verify list v1"
python3 - "$fp1" <<'PY2' >desc2.json
import json, sys
d = json.load(open("desc.json"))
v = d["parties"][0]
del v["node_url"], v["tls_sha256"]
v["endpoints"] = [{"url": "https://127.0.0.1:8443", "tls_sha256": [sys.argv[1], "%064d" % 3]},
                  {"url": "https://vnm-b.example", "tls_sha256": ["%064d" % 4]}]
v["witnesses"] = ["FRA"]
v["declarations"] = {"later": {"kept": True}}
print(json.dumps(d))
PY2
expect 0 "$H" registry sign --key reg.key --out dir2v.signed desc2.json
expect 0 "$H" registry verify --vkey @reg.key.pub dir2v.signed
grep -q '^VNM https://127.0.0.1:8443 https://vnm-b.example$' out || fail "endpoints listed: $(cat out)"
grep -q '"declarations":{"later":{"kept":true}}' dir2v.signed || fail "declarations kept"
expect 1 "$H" registry sign --key reg.key --format 1 desc2.json
grep -q 'parties\[0\].endpoints' err || fail "v1 refusal: $(cat err)"
expect 2 "$H" registry sign --key reg.key --format 3 desc2.json
python3 -c '
import json
d = json.load(open("desc2.json"))
d["parties"][1]["endpoints"] = [{"url": "https://fra%d.example" % i, "tls_sha256": ["%064d" % (10 + i)]} for i in range(9)]
del d["parties"][1]["node_url"], d["parties"][1]["tls_sha256"]
print(json.dumps(d))' >nine.json
expect 1 "$H" registry sign --key reg.key nine.json
grep -q 'parties\[1\].endpoints: must list 1 to 8' err || fail "bound: $(cat err)"
sed 's/"witnesses": \["FRA"\]/"witnesses": ["DEU"]/' desc2.json >wit.json
expect 1 "$H" registry sign --key reg.key wit.json
grep -q 'witnesses: VNM names witness DEU' err || fail "witness: $(cat err)"

# registry entry: endpoints, pins, cosigning key, witnesses.
"$H" init --party VNM --dir node >/dev/null
"$H" init --party VNM --dir next >/dev/null
own=$(openssl x509 -in node/tls.crt -outform DER | sha256sum | cut -d' ' -f1)
nxt=$(openssl x509 -in next/tls.crt -outform DER | sha256sum | cut -d' ' -f1)
cos=$(python3 -c '
import base64, hashlib
pk = hashlib.sha256(b"cosigning").digest()
kid = hashlib.sha256(b"witness/VNM\n\x04" + pk).digest()[:4].hex()
print("witness/VNM+%s+%s" % (kid, base64.b64encode(b"\x04" + pk).decode()))')
expect 0 "$H" registry entry --dir node --url https://a.example --pin-cert next/tls.crt \
    --url https://b.example --pin "$fp2" --cosigning-key "$cos" --witness FRA,DEU --witness ITA
python3 - "$own" "$nxt" "$fp2" "$cos" <<'PY2' || fail "entry: $(cat out)"
import json, sys
own, nxt, fp2, cos = sys.argv[1:]
e = json.load(open("out"))
assert e["endpoints"] == [{"url": "https://a.example", "tls_sha256": [own, nxt]},
                          {"url": "https://b.example", "tls_sha256": [own, fp2]}], e
assert e["cosigning_key"] == cos and e["witnesses"] == ["FRA", "DEU", "ITA"], e
PY2
expect 2 "$H" registry entry --dir node --pin "$fp2" --url https://a.example
expect 2 "$H" registry entry --dir node --url https://a.example --pin xyz
grep -q 'tls_sha256' err || fail "pin message"
expect 2 "$H" registry entry --dir node --url https://a.example --pin "$fp1" --pin "$fp2" \
    --pin "$(printf '%064d' 7)" --pin "$(printf '%064d' 8)"
expect 2 "$H" registry entry --dir node --url https://a.example --witness FRA,fra
expect 1 "$H" registry entry --dir node --url https://a.example --cosigning-key "$(cat vnm.key.pub)"
grep -q 'cosigning_key' err || fail "cosigning message"

# Usage and unreadable input: exit 2.
expect 2 "$H" registry sign desc.json
expect 2 "$H" registry sign --key missing.key desc.json
expect 2 "$H" registry sign --key desc.json desc.json
expect 2 "$H" registry keygen --name 'bad name' --key x.key
expect 2 "$H" registry verify dir.signed
expect 2 "$H" registry nosuch
echo ok
