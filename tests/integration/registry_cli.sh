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
grep -q '^ok serial=5 parties=2 ' out || fail "verify output"
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

# Usage and unreadable input: exit 2.
expect 2 "$H" registry sign desc.json
expect 2 "$H" registry sign --key missing.key desc.json
expect 2 "$H" registry sign --key desc.json desc.json
expect 2 "$H" registry keygen --name 'bad name' --key x.key
expect 2 "$H" registry verify dir.signed
expect 2 "$H" registry nosuch
echo ok
