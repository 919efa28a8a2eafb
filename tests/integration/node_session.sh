#!/usr/bin/env bash
# The node over TLS: health, login, sessions (bearer, cookie, expired,
# forged, logged out), no lock-out, accounts, TLS versions, client certificates.
. "$HN_SRC/tests/integration/lib/node.sh"

N="$HN_T/vnm"
hn_init "$N" VNM
[ "$(stat -c %a "$N")" = 700 ] || fail "data directory is not 0700"
for f in tls.key hanoinet.conf hanoinet.db; do
	[ "$(stat -c %a "$N/$f")" = 600 ] || fail "$f is not 0600"
done
"$HN_BIN" init --party VNM --dir "$N" >/dev/null 2>&1 && fail "init overwrote a node"
ok "init: directory 0700, keys 0600, refuses to overwrite"

hn_start "$N"
api GET /healthz
expect 200 healthz
[ "$(jget status)" = ok ] || fail "healthz: $BODY"
[ "$(jget party)" = VNM ] || fail "healthz party"
ok "healthz over TLS"

# TLS: 1.1 and non-AEAD ciphers refused, 1.2 and 1.3 accepted
curl -sS --cacert "$CA" --tls-max 1.1 "$URL/healthz" >/dev/null 2>&1 && fail "TLS 1.1 accepted"
curl -sS --cacert "$CA" --tlsv1.2 --tls-max 1.2 --ciphers AES128-SHA "$URL/healthz" >/dev/null 2>&1 && fail "CBC cipher accepted"
curl -sS --cacert "$CA" --tlsv1.2 --tls-max 1.2 "$URL/healthz" >/dev/null || fail "TLS 1.2 refused"
curl -sS --cacert "$CA" --tlsv1.3 "$URL/healthz" >/dev/null || fail "TLS 1.3 refused"
ok "TLS 1.2+ with AEAD ciphers only"

# client certificate: fingerprint exposed, optional
api GET /v1/node
[ "$(jget tls_sha256)" = "$(openssl x509 -in "$CA" -outform DER | sha256sum | cut -d' ' -f1)" ] || fail "node fingerprint"
"$HN_BIN" init --party FRA --dir "$HN_T/peer" >/dev/null
peer=$(curl -sS --cacert "$CA" --cert "$HN_T/peer/tls.crt" --key "$HN_T/peer/tls.key" "$URL/v1/node" |
	python3 -c 'import json,sys; print(json.load(sys.stdin).get("peer_tls_sha256",""))')
[ "$peer" = "$(openssl x509 -in "$HN_T/peer/tls.crt" -outform DER | sha256sum | cut -d' ' -f1)" ] || fail "peer fingerprint: $peer"
ok "client certificate fingerprint"

# login
api POST /v1/session '{"name":"admin","password":"wrong-password-000"}' ""
expect 401 "wrong password"
[ "$(jget error)" = invalid_credentials ] || fail "error code: $BODY"
api POST /v1/session '{"name":"nobody","password":"wrong-password-000"}' ""
expect 401 "unknown account"
api POST /v1/session '{"name":"admin"}' ""
expect 400 "missing password"
api POST /v1/session '{"name":"admin","password":' ""
expect 400 "malformed json"
[ "$(jget error)" = malformed_json ] || fail "malformed: $BODY"
TOKEN=$(login admin "$ADMIN_PW")
api GET /v1/session
expect 200 "session"
[ "$(jget role)" = admin ] || fail "role: $BODY"
ok "login with password, bearer token"

# the cookie: flags and use
hdrs=$(curl -sS --cacert "$CA" -D - -o /dev/null -H 'Content-Type: application/json' \
	--data "{\"name\":\"admin\",\"password\":\"$ADMIN_PW\"}" "$URL/v1/session")
cookie=$(printf '%s' "$hdrs" | tr -d '\r' | sed -n 's/^Set-Cookie: //Ip')
case "$cookie" in *Secure*HttpOnly*SameSite=Strict*) ;; *) fail "cookie flags: $cookie" ;; esac
ctok=$(printf '%s' "$cookie" | sed 's/^hn_session=\([^;]*\);.*/\1/')
code=$(curl -sS --cacert "$CA" -o /dev/null -w '%{http_code}' -b "hn_session=$ctok" "$URL/v1/session")
[ "$code" = 200 ] || fail "cookie session: $code"
ok "session cookie Secure; HttpOnly; SameSite=Strict"

# forged, truncated, garbage tokens
last=${TOKEN: -1}
[ "$last" = A ] && repl=B || repl=A
api GET /v1/session "" "${TOKEN%?}$repl"
expect 401 "forged token"
api GET /v1/session "" "${TOKEN:0:20}"
expect 401 "truncated token"
api GET /v1/session "" 'not a token at all'
expect 401 "garbage token"
api GET /v1/accounts "" ""
expect 401 "no token"
ok "forged, truncated and missing tokens refused"

# accounts
pw=$(add_account alice duty_officer)
api POST /v1/accounts '{"name":"alice","role":"auditor","password":"another-password-1"}'
expect 409 "duplicate account"
api POST /v1/accounts '{"name":"bob","role":"king","password":"another-password-1"}'
expect_field 400 "bad role" role
api POST /v1/accounts '{"name":"Bob!","role":"auditor","password":"another-password-1"}'
expect 400 "bad name"
api POST /v1/accounts '{"name":"bob","role":"auditor","password":"short"}'
expect 400 "short password"
atok=$(login alice "$pw")
api GET /v1/accounts "" "$atok"
expect 403 "officer lists accounts"
[ "$(jget error)" = forbidden ] || fail "forbidden: $BODY"
ok "accounts: admin only, validation"

# expired session (moved into the past in the database)
TOKEN2=$(login alice "$pw")
sqlite3 "$N/hanoinet.db" "UPDATE sessions SET expires_at = 1" >/dev/null
api GET /v1/session "" "$TOKEN2"
expect 401 "expired session"
TOKEN=$(login admin "$ADMIN_PW")
ok "expired sessions refused"

# logout
api DELETE /v1/session
expect 204 logout
api GET /v1/session
expect 401 "after logout"
TOKEN=$(login admin "$ADMIN_PW")
ok "logout ends the session"

# no lock-out (issue 15): after 5 failures the right password still works,
# delayed (edge_login.sh tries floods and timings); a lock-out left in the
# database by an older version is ignored and cleared
for i in 1 2 3 4 5 6; do
	api POST /v1/session '{"name":"alice","password":"wrong-password-000"}' ""
	expect 401 "failure $i"
done
sqlite3 "$N/hanoinet.db" "UPDATE accounts SET failed = 9, locked_until = 4102444800 WHERE name = 'alice'" >/dev/null
login alice "$pw" >/dev/null
[ "$(sqlite3 "$N/hanoinet.db" "SELECT failed || ' ' || locked_until FROM accounts WHERE name = 'alice'")" = "0 0" ] ||
	fail "the old lock-out columns were not cleared"
ok "6 failed logins lock nothing: the right password works (delayed)"

api GET /v1/openapi.yaml
expect 200 openapi
case "$BODY" in openapi:*) ;; *) fail "openapi: ${BODY:0:40}" ;; esac
api GET /metrics
expect 200 metrics
printf '%s\n' "$BODY" | grep -q '^hanoinet_http_request_duration_seconds_bucket{le="+Inf"}' || fail "metrics: $BODY"
ok "openapi and metrics"

# idle memory (not under the sanitizers, whose shadow memory dominates)
if [ -z "${ASAN_OPTIONS:-}" ]; then
	sleep 3 # the node trims its heap every 2 s
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
	[ "$rss" -lt 20480 ] || fail "idle RSS ${rss} kB >= 20 MB"
	ok "idle RSS ${rss} kB < 20 MB"

	# ... and again after a burst of 64 concurrent clients writing and
	# reading (a thread, a reader connection, TLS state per connection);
	# the node gives the memory back within two of its 2 s ticks
	TOKEN=$(login admin "$ADMIN_PW")
	opw=$(add_account burst duty_officer)
	otok=$(login burst "$opw")
	curl -sS --cacert "$CA" "$URL/v1/kinds" >"$HN_T/kinds.json"
	python3 "$HN_SRC/tests/integration/lib/mkrequest.py" "$HN_T/kinds.json" \
	    preservation VNM FRA >"$HN_T/doc.json"
	{
		echo 'header = "Content-Type: application/json"'
		echo "header = \"Authorization: Bearer $otok\""
		echo "cacert = \"$CA\""
		echo 'max-time = 30'
		for i in $(seq 1 192); do
			if [ $((i % 3)) = 0 ]; then
				echo "url = \"$URL/v1/requests?limit=20\""
				echo 'request = "GET"'
			else
				echo "url = \"$URL/v1/requests\""
				echo "data-binary = \"@$HN_T/doc.json\""
			fi
			echo 'output = "/dev/null"'
			echo 'write-out = "%{http_code}\\n"'
		done
	} >"$HN_T/burst.cfg"
	curl -sS --parallel --parallel-max 64 --parallel-immediate \
	    -K "$HN_T/burst.cfg" >"$HN_T/burst.out" || fail "burst: curl failed"
	[ "$(grep -c '^20[01]$' "$HN_T/burst.out")" = 192 ] ||
	    fail "burst: $(sort "$HN_T/burst.out" | uniq -c | tr '\n' ' ')"
	peak=$(awk '/^VmHWM:/ {print $2}' "/proc/$PID/status")
	sleep 5
	rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")
	[ "$rss" -lt 20480 ] || fail "RSS ${rss} kB >= 20 MB 5 s after a burst"
	ok "idle RSS ${rss} kB < 20 MB 5 s after a burst of 64 clients (peak ${peak} kB)"
fi

hn_stop "$PID"
grep -q 'event=serve.stopped clean=1' "$N/serve.log" || fail "no clean stop"
! grep -q "$ADMIN_PW" "$N/serve.log" || fail "password in the log"
! grep -q "$TOKEN" "$N/serve.log" || fail "token in the log"
ok "graceful stop on SIGTERM; no secrets in the log"
