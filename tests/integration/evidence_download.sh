#!/usr/bin/env bash
# GET /v1/evidence/{id}/content: the plaintext streamed and verified chunk
# by chunk, custody "opened" (who, why) in the audit log; officers only;
# a flipped bit, a truncated or a swapped object is never served as good
# (a clean error when caught before the first byte, otherwise the stream
# stops short of Content-Length) and is logged.
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/flip.sh"

N="$HN_T/vnm"
hn_init "$N" VNM
hn_start "$N"
TOKEN=$(login admin "$ADMIN_PW")
ADMIN_TOKEN=$TOKEN
PW=$(add_account duty duty_officer)
APW=$(add_account audit auditor)
AUDIT_TOKEN=$(login audit "$APW")
TOKEN=$(login duty "$PW")
printf '%s\n' "$TOKEN" >"$HN_T/token"
chmod 600 "$HN_T/token"
REQ=$(new_request VNM FRA)

S="$HN_T/src"
mkdir -p "$S"
printf 'small evidence\n' >"$S/small.txt"
printf 'other evidence\n' >"$S/other.txt"
: >"$S/empty.bin"
head -c $((3 * 1048576 + 7)) /dev/urandom >"$S/big.bin"
head -c $((3 * 1048576 + 7)) /dev/urandom >"$S/cut.bin"
"$HN_BIN" evidence add --url "$URL" --cacert "$CA" --token-file "$HN_T/token" \
	--request "$REQ" "$S/small.txt" "$S/other.txt" "$S/empty.bin" "$S/big.bin" "$S/cut.bin" >"$HN_T/add.out" \
	|| fail "upload"
api GET "/v1/evidence?request=$REQ"
expect 200 list
id_of() { python3 -c 'import json,sys
for it in json.loads(sys.argv[1])["items"]:
    if it["name"] == sys.argv[2]: print(it["item"])' "$BODY" "$1"; }
SMALL=$(id_of small.txt); OTHER=$(id_of other.txt); EMPTY=$(id_of empty.bin)
BIG=$(id_of big.bin); CUT=$(id_of cut.bin)
[ -n "$SMALL" ] && [ -n "$BIG" ] && [ -n "$CUT" ] || fail "ids: $BODY"

# get ITEM [TOKEN] [QUERY]: sets STATUS, CURLRC; body in $HN_T/got, headers in $HN_T/hdr
get() {
	local t=${2-$TOKEN} args=()
	[ -n "$t" ] && args+=(-H "Authorization: Bearer $t")
	CURLRC=0
	STATUS=$(curl -sS --max-time 60 --cacert "$CA" -D "$HN_T/hdr" -o "$HN_T/got" \
		-w '%{http_code}' "${args[@]}" "$URL/v1/evidence/$1/content${3:-}" 2>"$HN_T/curl.err") || CURLRC=$?
	BODY=$(head -c 2000 "$HN_T/got" 2>/dev/null | tr -d "\000" || true)
}

get "$BIG" "$TOKEN" "?reason=court%20order%2017"
expect 200 "download big"
[ "$CURLRC" = 0 ] || fail "curl: $(cat "$HN_T/curl.err")"
cmp "$HN_T/got" "$S/big.bin" || fail "downloaded content differs"
grep -qi "^x-content-sha256: $(sha256sum "$S/big.bin" | cut -c1-64)" "$HN_T/hdr" || fail "sha header: $(cat "$HN_T/hdr")"
grep -qi '^content-disposition: attachment; filename="big.bin"' "$HN_T/hdr" || fail "disposition"
get "$SMALL"
expect 200 "download small"
cmp "$HN_T/got" "$S/small.txt" || fail "small content"
get "$EMPTY"
expect 200 "download empty"
[ ! -s "$HN_T/got" ] || fail "empty item not empty"
ok "downloads of 3 MiB + 7, a small and an empty item are byte-identical"

# custody: "opened" with who and why, in the audit log
api GET "/v1/evidence?request=$REQ"
IDX=$(python3 -c 'import json,sys
for it in json.loads(sys.argv[1])["items"]:
    if it["item"] == int(sys.argv[2]):
        ev = [c for c in it["custody"] if c["action"] == "opened"]
        assert len(ev) == 1, ev
        assert ev[0]["actor"] == "duty" and ev[0]["reason"] == "court order 17", ev
        assert ev[0]["ledger_index"] >= 0
        print(ev[0]["ledger_index"])' "$BODY" "$BIG") || fail "custody: $BODY"
api GET "/v1/log/proof/$IDX" "" "$AUDIT_TOKEN"
expect 200 "proof of the opened entry"
grep -q 'opened' <<<"$BODY" || fail "the ledger entry: $BODY"
ok "custody 'opened' (duty, court order 17) at ledger index $IDX"

# roles: auditors, admins and anonymous callers get no content
get "$BIG" "$AUDIT_TOKEN"
expect 403 "auditor"
get "$BIG" "$ADMIN_TOKEN"
expect 403 "admin"
get "$BIG" ""
expect 401 "anonymous"
get 999999
expect 404 "unknown item"
get abc
expect 404 "bad id"
ok "auditor 403, admin 403, anonymous 401, unknown 404"

obj() { python3 -c 'import json,sys
for it in json.loads(sys.argv[1])["items"]:
    if it["item"] == int(sys.argv[2]): h = it["sha256"]; print(sys.argv[3] + "/blobs/" + h[:2] + "/" + h[2:])' "$BODY" "$1" "$N"; }
api GET "/v1/evidence?request=$REQ"
O_SMALL=$(obj "$SMALL"); O_OTHER=$(obj "$OTHER"); O_BIG=$(obj "$BIG"); O_CUT=$(obj "$CUT")
opened_count() { api GET "/v1/evidence?request=$REQ"; python3 -c 'import json,sys
for it in json.loads(sys.argv[1])["items"]:
    if it["item"] == int(sys.argv[2]): print(len([c for c in it["custody"] if c["action"] == "opened"]))' "$BODY" "$1"; }

# a flipped bit in the first chunk: a clean error, no data
cp "$O_SMALL" "$HN_T/small.good"
chmod u+w "$O_SMALL"
flip_byte "$O_SMALL" 130
get "$SMALL"
expect 500 "flipped bit (first chunk)"
grep -q '"error":"evidence_damaged"' "$HN_T/got" || fail "damaged: $BODY"
grep -q "small evidence" "$HN_T/got" && fail "plaintext served"
[ "$(opened_count "$SMALL")" = 1 ] || fail "a failed open must not be recorded as opened"
ok "flipped bit in a one-chunk object: 500 evidence_damaged, nothing served"

# a flipped bit in the third chunk: the stream stops short, never whole
chmod u+w "$O_BIG"
flip_byte "$O_BIG" $((124 + 2 * (1048576 + 16) + 5000))
get "$BIG"
[ "$CURLRC" != 0 ] || fail "a damaged stream completed (status $STATUS)"
[ "$(stat -c %s "$HN_T/got")" -lt $((3 * 1048576 + 7)) ] || fail "too many bytes served"
[ "$(stat -c %s "$HN_T/got")" -le $((2 * 1048576)) ] || fail "bytes of the damaged chunk served"
ok "flipped bit in chunk 2 of 4: the stream stops before Content-Length (curl exit $CURLRC)"

# truncated object: stops short
chmod u+w "$O_CUT"
truncate -s $((124 + 3 * (1048576 + 16))) "$O_CUT"
get "$CUT"
[ "$CURLRC" != 0 ] || fail "a truncated object was served whole"
[ "$(stat -c %s "$HN_T/got")" -lt $((3 * 1048576)) ] || fail "truncated: too many bytes"
ok "truncated object: the stream stops short"

# a valid object swapped for another valid one: refused by the address check
chmod u+w "$O_OTHER"
cp "$HN_T/small.good" "$O_OTHER"
get "$OTHER"
expect 500 "swapped object"
grep -q 'does not match its address' "$HN_T/got" || fail "swapped: $BODY"
grep -q "small evidence" "$HN_T/got" && fail "the swapped content was served"
ok "swapped object: 500, its content not served"

n=$(grep -c 'event=evidence.download_failed' "$N/serve.log") || true
[ "$n" -ge 4 ] || fail "download failures logged: $n"
ok "each failure is logged ($n)"
hn_stop "$PID"
