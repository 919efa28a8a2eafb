#!/usr/bin/env bash
# Evidence needs an existing request (issue 12): every way of adding
# evidence (POST /v1/evidence, 'evidence add' through the API and on the
# data directory, 'evidence receive') refuses a request id this node does
# not hold, naming the request (API: 404 not_found, field "request"), and
# stores nothing; with a request the node holds, each works.
. "$HN_SRC/tests/integration/lib/node.sh"

N="$HN_T/vnm"
hn_init "$N" VNM
hn_start "$N"
TOKEN=$(login admin "$ADMIN_PW")
PW=$(add_account duty duty_officer)
TOKEN=$(login duty "$PW")
printf '%s\n' "$TOKEN" >"$HN_T/token"
chmod 600 "$HN_T/token"
printf 'account records\n' >"$HN_T/a.txt"
UNKNOWN=0123456789abcdef0123456789abcdef

# nothing_for REQUEST: no item, no upload, no stored object for it
nothing_for() {
	api GET "/v1/evidence?request=$1"
	expect 200 "list $1"
	[ "$(jget items)" = "[]" ] || fail "evidence stored for $1: $BODY"
}
objects() { find "$N/blobs" -type f -path '*/[0-9a-f][0-9a-f]/*' | wc -l; }

# --- the API --------------------------------------------------------------
for ref in "$UNKNOWN" REQ-1; do
	api POST /v1/evidence "{\"request\":\"$ref\",\"name\":\"a.txt\"}"
	expect_field 404 "upload for request $ref" request
	[ "$(jget error)" = not_found ] || fail "error: $BODY"
	grep -q "$ref" <<<"$(jget message)" || fail "the message does not name $ref: $BODY"
	nothing_for "$ref"
done
api POST /v1/evidence '{"name":"a.txt"}'
expect_field 400 "no request" request
ok "POST /v1/evidence for a request the node does not hold: 404 naming request, nothing stored"

REQ=$(new_request VNM FRA)
api POST /v1/evidence "{\"request\":\"$REQ\",\"name\":\"a.txt\"}"
expect 201 "upload for request $REQ"
UP=$(jget upload)
STATUS=$(curl -sS --max-time 30 --cacert "$CA" -o "$HN_T/resp" -w '%{http_code}' -X PUT \
	-H "Authorization: Bearer $TOKEN" --data-binary "@$HN_T/a.txt" \
	"$URL/v1/evidence/uploads/$UP?offset=0") || STATUS=000
expect 200 "put"
api POST "/v1/evidence/uploads/$UP/finish" '{}'
expect 201 "finish"
[ "$(jget request)" = "$REQ" ] || fail "item's request: $BODY"
ok "POST /v1/evidence for the node's request $REQ: stored"

# --- the command line through the API --------------------------------------
"$HN_BIN" evidence add --url "$URL" --cacert "$CA" --token-file "$HN_T/token" \
	--request "$UNKNOWN" "$HN_T/a.txt" >/dev/null 2>"$HN_T/e" && fail "CLI (API) add for an unknown request"
grep -q "404.*request $UNKNOWN: no such request" "$HN_T/e" || fail "CLI (API): $(cat "$HN_T/e")"
nothing_for "$UNKNOWN"
printf 'more records\n' >"$HN_T/b.txt"
"$HN_BIN" evidence add --url "$URL" --cacert "$CA" --token-file "$HN_T/token" \
	--request "$REQ" "$HN_T/b.txt" >/dev/null || fail "CLI (API) add"
ok "'evidence add --url' for an unknown request: exit 1 naming it; for $REQ: stored"

# --- the command line on the data directory --------------------------------
printf 'disk image\n' >"$HN_T/c.img"
before=$(objects)
rc=0
"$HN_BIN" evidence add --dir "$N" --request "$UNKNOWN" "$HN_T/c.img" >/dev/null 2>"$HN_T/e" || rc=$?
[ "$rc" = 1 ] || fail "CLI add for an unknown request: exit $rc"
grep -q "request $UNKNOWN: no such request on this node" "$HN_T/e" || fail "CLI: $(cat "$HN_T/e")"
[ "$(objects)" = "$before" ] || fail "an object was stored for an unknown request"
nothing_for "$UNKNOWN"
"$HN_BIN" evidence add --dir "$N" --request "$REQ" "$HN_T/c.img" >/dev/null || fail "CLI add"
api GET "/v1/evidence?request=$REQ"
for f in a.txt b.txt c.img; do grep -q "\"$f\"" <<<"$BODY" || fail "$f not on $REQ: $BODY"; done
# a request received in writing (registered offline) is a request too
RX=$(received_request "$N" FRA)
"$HN_BIN" evidence add --dir "$N" --request "$RX" "$HN_T/c.img" >/dev/null || fail "CLI add (received)"
ok "'evidence add --dir' for an unknown request: exit 1 naming it, nothing stored; for the node's requests: stored"

# 'evidence receive' (a stream sealed by another State) files it under a
# request too: refused before the stream is read
rc=0
"$HN_BIN" evidence receive "$HN_T/c.img" --dir "$N" --request "$UNKNOWN" --name x \
	--sha256 "$(sha256sum "$HN_T/c.img" | cut -c1-64)" --from FRA >/dev/null 2>"$HN_T/e" || rc=$?
[ "$rc" = 1 ] || fail "CLI receive for an unknown request: exit $rc"
grep -q "request $UNKNOWN: no such request on this node" "$HN_T/e" || fail "CLI receive: $(cat "$HN_T/e")"
"$HN_BIN" evidence receive "$HN_T/c.img" --dir "$N" --request "$RX" --name x \
	--sha256 "$(sha256sum "$HN_T/c.img" | cut -c1-64)" --from FRA >/dev/null 2>"$HN_T/e" && fail "not a sealed stream"
grep -q "no such request" "$HN_T/e" && fail "receive refused an existing request: $(cat "$HN_T/e")"
nothing_for "$UNKNOWN"
ok "'evidence receive' for an unknown request: exit 1 naming it; for an existing one it goes on to check the stream"
