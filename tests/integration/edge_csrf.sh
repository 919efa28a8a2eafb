#!/usr/bin/env bash
# Cross-site writes (issue 15, point 3): a write authenticated by the
# session cookie needs the node's own Origin (or Sec-Fetch-Site:
# same-origin) and the route's media type (application/json; the evidence
# chunk upload application/octet-stream). Refused: text/plain, form and
# multipart bodies, a foreign or "null" Origin, another port of the same
# host, a forged Host header, no Origin at all. Bearer clients (the command
# line) are unaffected; a login carrying a foreign Origin is refused.
. "$HN_SRC/tests/integration/lib/node.sh"

N="$HN_T/vnm"
hn_init "$N" VNM
hn_start "$N"
TOKEN=$(login admin "$ADMIN_PW")
PW=$(add_account duty duty_officer)
TOKEN=$(login duty "$PW")
REQ=$(new_request VNM FRA)
OWN="https://127.0.0.1:$PORT"

# a cookie session for duty (no Origin: like the command line, allowed)
hdrs=$(curl -sS --cacert "$CA" -D - -o /dev/null -H 'Content-Type: application/json' \
	--data "{\"name\":\"duty\",\"password\":\"$PW\"}" "$URL/v1/session")
CK=$(printf '%s' "$hdrs" | tr -d '\r' | sed -n 's/^Set-Cookie: hn_session=\([^;]*\);.*/\1/Ip')
[ -n "$CK" ] || fail "no session cookie: $hdrs"

# cw METHOD PATH [curl args...]: a write with the cookie; sets STATUS, BODY
cw() {
	local m=$1 p=$2
	shift 2
	STATUS=$(curl -sS --max-time 30 --cacert "$CA" -o "$HN_T/resp" -w '%{http_code}' \
		-X "$m" -b "hn_session=$CK" "$@" "$URL$p") || STATUS=000
	BODY=$(cat "$HN_T/resp" 2>/dev/null || true)
}
refused() { # refused STATUS ERROR CONTEXT
	expect "$1" "$3"
	[ "$(jget error)" = "$2" ] || fail "$3: error $2 expected: $BODY"
}
J='Content-Type: application/json'
LANG_FR='{"lang":"fr"}'

cw PATCH /v1/session -H "$J" --data "$LANG_FR"
refused 403 cross_site "cookie write without Origin"
cw PATCH /v1/session -H "$J" -H 'Origin: https://evil.example' --data "$LANG_FR"
refused 403 cross_site "Origin evil.example"
cw PATCH /v1/session -H "$J" -H 'Origin: null' --data "$LANG_FR"
refused 403 cross_site "Origin null"
cw PATCH /v1/session -H "$J" -H "Origin: https://127.0.0.1:$((PORT + 1))" --data "$LANG_FR"
refused 403 cross_site "another port of the same host"
cw PATCH /v1/session -H "$J" -H "Origin: http://127.0.0.1:$PORT" --data "$LANG_FR"
refused 403 cross_site "http:// instead of https://"
cw PATCH /v1/session -H "$J" -H 'Origin: https://evil.example' -H 'Host: evil.example' --data "$LANG_FR"
refused 403 cross_site "a forged Host matching the foreign Origin"
cw PATCH /v1/session -H "$J" -H "Origin: https://127.0.0.1:$PORT.evil.example" --data "$LANG_FR"
refused 403 cross_site "own origin as a prefix"
cw PATCH /v1/session -H "$J" -H 'Sec-Fetch-Site: cross-site' --data "$LANG_FR"
refused 403 cross_site "Sec-Fetch-Site: cross-site"
cw PATCH /v1/session -H "$J" -H 'Sec-Fetch-Site: same-site' --data "$LANG_FR"
refused 403 cross_site "Sec-Fetch-Site: same-site"
ok "cookie writes from a foreign, null, other-port, forged-Host or missing origin: 403 cross_site"

cw PATCH /v1/session -H "Origin: $OWN" -H 'Content-Type: text/plain' --data "$LANG_FR"
refused 415 unsupported_media_type "text/plain"
cw PATCH /v1/session -H "Origin: $OWN" --data-urlencode 'lang=fr'
refused 415 unsupported_media_type "a form body"
cw PATCH /v1/session -H "Origin: $OWN" -F 'lang=fr'
refused 415 unsupported_media_type "a multipart body"
cw PATCH /v1/session -H "Origin: $OWN" -H 'Content-Type:' --data "$LANG_FR"
refused 415 unsupported_media_type "a body without a Content-Type"
cw PATCH /v1/session -H "Origin: $OWN" -H 'Content-Type: application/jsonx' --data "$LANG_FR"
refused 415 unsupported_media_type "application/jsonx"
ok "cookie writes with text/plain, form, multipart or no media type: 415"

cw PATCH /v1/session -H "$J" -H "Origin: $OWN" --data "$LANG_FR"
expect 200 "own origin, JSON"
[ "$(jget lang)" = fr ] || fail "lang: $BODY"
cw PATCH /v1/session -H 'Content-Type: application/json; charset=utf-8' \
	-H "Origin: https://LOCALHOST:$PORT" --data '{"lang":"es"}'
expect 200 "the node's name as origin, JSON with a charset"
cw PATCH /v1/session -H "$J" -H 'Sec-Fetch-Site: same-origin' --data '{"lang":"en"}'
expect 200 "no Origin but Sec-Fetch-Site: same-origin"
ok "cookie writes from the node's own origin with JSON pass"

# a state change on a request: nothing is created by a refused write
n0=$(sqlite3 "$N/hanoinet.db" "SELECT count(*) FROM requests")
doc=$(hn_doc preservation VNM FRA)
cw POST /v1/requests -H 'Content-Type: text/plain' -H 'Origin: https://evil.example' --data "$doc"
refused 403 cross_site "create a request cross-site"
cw POST /v1/requests -H 'Content-Type: text/plain' -H "Origin: $OWN" --data "$doc"
refused 415 unsupported_media_type "create a request as text/plain"
[ "$(sqlite3 "$N/hanoinet.db" "SELECT count(*) FROM requests")" = "$n0" ] || fail "a refused write created a request"
cw POST /v1/requests -H "$J" -H "Origin: $OWN" --data "$doc"
expect 201 "create a request from the console's origin"
ok "a refused write changes nothing; the console's write goes through"

# the evidence chunk upload keeps application/octet-stream, needs the Origin
cw POST /v1/evidence -H "$J" -H "Origin: $OWN" --data "{\"request\":\"$REQ\",\"name\":\"c.bin\"}"
expect 201 "start an upload"
UP=$(jget upload)
printf 'evidence bytes' >"$HN_T/chunk"
cw PUT "/v1/evidence/uploads/$UP?offset=0" -H 'Content-Type: application/octet-stream' --data-binary @"$HN_T/chunk"
refused 403 cross_site "chunk without Origin"
cw PUT "/v1/evidence/uploads/$UP?offset=0" -H 'Content-Type: text/plain' -H "Origin: $OWN" --data-binary @"$HN_T/chunk"
refused 415 unsupported_media_type "chunk as text/plain"
cw PUT "/v1/evidence/uploads/$UP?offset=0" -H 'Content-Type: application/octet-stream' -H "Origin: $OWN" --data-binary @"$HN_T/chunk"
expect 200 "chunk from the console's origin"
ok "evidence chunks: application/octet-stream with the node's Origin"

# a body-less write (log out) needs the Origin too, no media type
cw DELETE /v1/session -H 'Origin: https://evil.example'
refused 403 cross_site "log out cross-site"
api GET /v1/session "" "$CK"
expect 200 "the session survived the refused log-out"

# bearer clients are unaffected: no Origin, any media type
api PATCH /v1/session '{"lang":"ru"}'
expect 200 "bearer write without Origin"
STATUS=$(curl -sS --cacert "$CA" -o "$HN_T/resp" -w '%{http_code}' -X PATCH \
	-H "Authorization: Bearer $TOKEN" -H 'Content-Type: text/plain' --data '{"lang":"zh"}' "$URL/v1/session")
[ "$STATUS" = 200 ] || fail "bearer write as text/plain: $STATUS"
ok "bearer-token writes unaffected"

# a login forced from another site (login CSRF) is refused; ours passes
STATUS=$(curl -sS --cacert "$CA" -o "$HN_T/resp" -w '%{http_code}' -H "$J" \
	-H 'Origin: https://evil.example' --data "{\"name\":\"duty\",\"password\":\"$PW\"}" "$URL/v1/session")
[ "$STATUS" = 403 ] || fail "login with a foreign Origin: $STATUS"
STATUS=$(curl -sS --cacert "$CA" -o "$HN_T/resp" -w '%{http_code}' -H "$J" \
	-H "Origin: $OWN" --data "{\"name\":\"duty\",\"password\":\"$PW\"}" "$URL/v1/session")
[ "$STATUS" = 201 ] || fail "login from the console's origin: $STATUS"
cw DELETE /v1/session -H "Origin: $OWN"
expect 204 "log out from the console's origin"
ok "login CSRF refused; the console logs in and out"
grep -q 'event=http.cross_site' "$N/serve.log" || fail "refusals are not logged"
