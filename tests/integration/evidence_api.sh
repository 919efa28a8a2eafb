#!/usr/bin/env bash
# Evidence through a node's API: chunked uploads with the CLI client (sizes
# around the chunk and piece boundaries), an upload interrupted and resumed
# by the client, an upload resumed after the server was killed, offsets
# that do not match, then the export of what came in (custody in the
# node's audit log) verified offline.
. "$HN_SRC/tests/integration/lib/node.sh"

N="$HN_T/vnm"
hn_init "$N" VNM
# the node's signing key (the published C2SP test key) if init made none
[ -f "$N/signing.key" ] || {
	echo 'PRIVATE+KEY+astra+cad5a3d2+ASgwwenlc0uuYcdy7kI44pQvuz1fw8cS5NqS8RkZBXoy' >"$N/signing.key"
	chmod 600 "$N/signing.key"
}
hn_start "$N"
TOKEN=$(login admin "$ADMIN_PW")
PW=$(add_account duty duty_officer)
TOKEN=$(login duty "$PW")
printf '%s\n' "$TOKEN" >"$HN_T/token"
chmod 600 "$HN_T/token"
REQ=$(new_request VNM FRA)

S="$HN_T/src"
mkdir -p "$S"
: >"$S/empty.bin"
printf 'x' >"$S/one.bin"
head -c 1048576 /dev/urandom >"$S/chunk.bin"
head -c $((4 * 1048576 + 1)) /dev/urandom >"$S/piece+1.bin"
head -c $((9 * 1048576 + 12345)) /dev/urandom >"$S/big.bin"

add() { "$HN_BIN" evidence add --url "$URL" --cacert "$CA" --token-file "$HN_T/token" "$@"; }

out=$(add --request "$REQ" --description "from the API" "$S"/*.bin 2>"$HN_T/add.err") \
	|| { cat "$HN_T/add.err"; fail "add through the API"; }
for f in empty.bin one.bin chunk.bin piece+1.bin big.bin; do
	h=$(sha256sum "$S/$f" | cut -c1-64)
	sz=$(stat -c %s "$S/$f")
	grep -q "^$h  $f  $sz bytes  item " <<<"$out" || fail "$f: $out"
done
[ ! -s "$HN_T/add.err" ] || fail "stderr when not a TTY: $(cat "$HN_T/add.err")"
ok "uploads of 0 B, 1 B, a chunk, a piece + 1, 9 MiB: hashes match"

# the client loses the connection after one piece and resumes
head -c $((13 * 1048576 + 7)) /dev/urandom >"$S/resumed.bin"
out=$(HN_TEST_UPLOAD_FAIL_AFTER=1 add --request "$REQ" "$S/resumed.bin") || fail "resumed add"
grep -q "^$(sha256sum "$S/resumed.bin" | cut -c1-64)  resumed.bin" <<<"$out" || fail "resumed: $out"
ok "an interrupted upload resumes where it stopped"

# by hand: 4 MiB, then a partial chunk, then the server dies
api POST /v1/evidence "{\"request\":\"$REQ\",\"name\":\"crash.bin\"}"
expect 201 "create upload"
UP=$(jget upload)
head -c $((6 * 1048576 + 99)) /dev/urandom >"$S/crash.bin"
put() { # put OFFSET SKIP_MIB COUNT_BYTES
	head -c $(($2 * 1048576 + $3)) "$S/crash.bin" | tail -c "$3" >"$HN_T/piece"
	STATUS=$(curl -sS --max-time 30 --cacert "$CA" -o "$HN_T/resp" -w '%{http_code}' \
		-X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/octet-stream' \
		--data-binary "@$HN_T/piece" "$URL/v1/evidence/uploads/$UP?offset=$1") || STATUS=000
	BODY=$(cat "$HN_T/resp")
}
head -c $((4 * 1048576)) "$S/crash.bin" >"$HN_T/piece"
STATUS=$(curl -sS --max-time 30 --cacert "$CA" -o "$HN_T/resp" -w '%{http_code}' -X PUT \
	-H "Authorization: Bearer $TOKEN" --data-binary "@$HN_T/piece" \
	"$URL/v1/evidence/uploads/$UP?offset=0")
BODY=$(cat "$HN_T/resp")
expect 200 "put 4 MiB"
[ "$(jget offset)" = $((4 * 1048576)) ] && [ "$(jget durable)" = $((4 * 1048576)) ] || fail "after 4 MiB: $BODY"
put 12 0 100   # wrong offset
expect 409 "a PUT at the wrong offset"
dd if="$S/crash.bin" of="$HN_T/piece" bs=1 skip=$((4 * 1048576)) count=100 status=none
STATUS=$(curl -sS --max-time 30 --cacert "$CA" -o "$HN_T/resp" -w '%{http_code}' -X PUT \
	-H "Authorization: Bearer $TOKEN" --data-binary "@$HN_T/piece" \
	"$URL/v1/evidence/uploads/$UP?offset=$((4 * 1048576))")
BODY=$(cat "$HN_T/resp")
expect 200 "put 100 bytes"
[ "$(jget offset)" = $((4 * 1048576 + 100)) ] && [ "$(jget durable)" = $((4 * 1048576)) ] || fail "partial: $BODY"
kill -9 "$PID"
wait "$PID" 2>/dev/null || true
hn_start "$N"
api GET "/v1/evidence/uploads/$UP"
expect 200 "upload state after a crash"
[ "$(jget offset)" = $((4 * 1048576)) ] || fail "resume offset after a crash: $BODY"
tail -c +$((4 * 1048576 + 1)) "$S/crash.bin" >"$HN_T/piece"
STATUS=$(curl -sS --max-time 30 --cacert "$CA" -o "$HN_T/resp" -w '%{http_code}' -X PUT \
	-H "Authorization: Bearer $TOKEN" --data-binary "@$HN_T/piece" \
	"$URL/v1/evidence/uploads/$UP?offset=$((4 * 1048576))")
BODY=$(cat "$HN_T/resp")
expect 200 "put the rest"
api POST "/v1/evidence/uploads/$UP/finish" '{}'
expect 201 "finish"
[ "$(jget sha256)" = "$(sha256sum "$S/crash.bin" | cut -c1-64)" ] || fail "hash after a crash: $BODY"
ok "an upload resumes after the server was killed (whole chunks were durable)"

# a cancelled upload is gone; unknown uploads are 404
api POST /v1/evidence "{\"request\":\"$REQ\",\"name\":\"gone.bin\"}"
expect 201 "create"
UP=$(jget upload)
api DELETE "/v1/evidence/uploads/$UP"
expect 204 "cancel"
api GET "/v1/evidence/uploads/$UP"
expect 404 "cancelled upload"
[ ! -e "$N/blobs/uploads/$UP.part" ] || fail "staging file left behind"
api GET "/v1/evidence?request=$REQ"
expect 200 "list"
[ "$(jget items | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 7 ] || fail "list: $BODY"
ok "cancel, 404, list"

# the same name twice in a request is refused
api POST /v1/evidence "{\"request\":\"$REQ\",\"name\":\"one.bin\"}"
expect 409 "a second item named one.bin"

# export on the data directory (the server still runs): custody and proof hold
"$HN_BIN" evidence export --dir "$N" --request "$REQ" --out "$HN_T/export" >/dev/null || fail "export"
"$HN_BIN" evidence verify "$HN_T/export" >"$HN_T/v.txt" || { cat "$HN_T/v.txt"; fail "verify"; }
(cd "$HN_T/export/files" && hashdeep -c sha256 -a -l -r -k ../manifest.hashdeep . >/dev/null) || fail "hashdeep"
grep -q '"Intake (fingerprinted on arrival)"' "$HN_T/export/case.jsonld" || fail "custody in CASE"
grep -q "by duty at" "$HN_T/export/case.jsonld" || fail "the uploader is named in the custody record"
ok "the API's evidence exports and verifies (custody in the ledger, tlog proof)"
hn_stop "$PID"
