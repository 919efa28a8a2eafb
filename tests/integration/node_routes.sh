#!/usr/bin/env bash
# Every route x every role (and anonymous), generated from the route table
# (`hanoinet serve --print-routes`): allowed callers get past the role check,
# denied ones get 401 (no session) or 403 (wrong role). Also: docs/api.yaml
# documents every route, and bad input never wedges the server.
. "$HN_SRC/tests/integration/lib/node.sh"

N="$HN_T/vnm"
hn_init "$N" VNM
routes=$("$HN_BIN" serve --print-routes)
[ -n "$routes" ] || fail "no routes printed"

# docs/api.yaml names every route with its method
python3 - "$HN_SRC/docs/api.yaml" <<PY || fail "api.yaml does not cover the route table"
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
missing = []
for line in """$routes""".strip().splitlines():
    m, p, roles = line.split(" ")
    p = p.replace("/*", "/{path}") if p.endswith("/*") else p
    ops = doc.get("paths", {}).get(p)
    if not ops or m.lower() not in ops:
        missing.append(f"{m} {p}")
    else:
        want = sorted(roles.split(","))
        got = sorted(ops[m.lower()].get("x-roles", []))
        if want != got:
            missing.append(f"{m} {p}: x-roles {got} != {want}")
if missing:
    print("\n".join(missing)); sys.exit(1)
PY
ok "docs/api.yaml documents every route and its roles"

hn_start "$N"
TOKEN=$(login admin "$ADMIN_PW")
declare -A PW TOK
for role in duty_officer central_authority supervisor auditor; do
	PW[$role]=$(add_account "u-$role" "$role")
done
PW[admin]=$ADMIN_PW
for role in duty_officer central_authority supervisor auditor; do
	TOK[$role]=$(login "u-$role" "${PW[$role]}")
done
TOK[admin]=$TOKEN

n=0
while read -r method pattern roles; do
	path=$(printf '%s' "$pattern" | sed -e 's/{[a-z_]*}/1/g' -e 's/\*$/0\/0/')
	body=""
	case "$method" in POST|PUT|PATCH) body='{}' ;; esac
	for who in anonymous duty_officer central_authority supervisor auditor admin; do
		if [ "$who" = anonymous ]; then t=""; else t=${TOK[$who]}; fi
		api "$method" "$path" "$body" "$t"
		allowed=0
		case ",$roles," in *",public,"*|*",$who,"*) allowed=1 ;; esac
		denied=0
		case "$STATUS" in
		401) [ "$(jget error)" = unauthenticated ] && denied=1 ;;
		403) case "$BODY" in *"may not use this endpoint"*) denied=1 ;; esac ;;
		esac
		if [ $allowed = 1 ] && [ $denied = 1 ]; then
			fail "$who denied on $method $pattern ($STATUS $BODY)"
		fi
		if [ $allowed = 0 ] && [ $denied = 0 ]; then
			fail "$who allowed on $method $pattern ($STATUS $BODY)"
		fi
		[ "$STATUS" -lt 500 ] || fail "$who $method $pattern: $STATUS $BODY"
		# logging out ends that role's session: log in again
		if [ "$method $pattern" = "DELETE /v1/session" ] && [ $allowed = 1 ]; then
			TOK[$who]=$(login "$([ "$who" = admin ] && echo admin || echo "u-$who")" "${PW[$who]}")
		fi
		n=$((n + 1))
	done
done <<<"$routes"
ok "role matrix: $n route x role cases"

# bad input: oversized, malformed, deep, binary, huge headers; server keeps serving
TOKEN=${TOK[admin]}
big="$HN_T/big.json"
python3 -c 'import sys; sys.stdout.write("{\"name\":\"" + "a"*(2<<20) + "\"}")' >"$big"
STATUS=$(curl -sS --cacert "$CA" -o "$HN_T/resp" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	-H 'Content-Type: application/json' --data-binary @"$big" "$URL/v1/accounts")
[ "$STATUS" = 413 ] || fail "2 MiB body: $STATUS"
# chunked (no Content-Length): 400 length_required, request bodies come with a length (issue 15)
if STATUS=$(curl -sS --cacert "$CA" -o "$HN_T/resp" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
	-H 'Content-Type: application/json' -H 'Transfer-Encoding: chunked' --data-binary @"$big" "$URL/v1/accounts" 2>/dev/null); then
	[ "$STATUS" = 400 ] || fail "2 MiB chunked body: $STATUS"
fi
python3 -c 'import sys; sys.stdout.write("{\"name\":\"" + "a"*5000 + "\"}")' >"$big"
STATUS=$(curl -sS --cacert "$CA" -o "$HN_T/resp" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data-binary @"$big" "$URL/v1/session")
[ "$STATUS" = 413 ] || fail "login body over its 4 KiB limit: $STATUS"
api POST /v1/accounts '{"name": "x", "role": '
expect 400 "truncated json"
api POST /v1/accounts "$(python3 -c 'print("["*100 + "]"*100)')"
expect 400 "deep json"
api POST /v1/accounts '[1,2,3]'
expect 400 "not an object"
api POST /v1/accounts '{"name":"a","name":"b","role":"auditor"}'
expect 400 "duplicate keys"
api POST /v1/accounts "$(printf '{"name":"\xff\xfe","role":"auditor"}')"
expect 400 "invalid utf-8"
api POST /v1/accounts '{"name":123,"role":["admin"]}'
expect 400 "wrong types"
STATUS=$(curl -sS --cacert "$CA" -o /dev/null -w '%{http_code}' -H "X-Big: $(head -c 100000 /dev/zero | tr '\0' a)" "$URL/healthz") || STATUS=000
case "$STATUS" in 431|413|400|000) ;; *) fail "100 kB header: $STATUS" ;; esac
# raw garbage, a plaintext HTTP request on the TLS port, a half-open TLS hello
printf 'GET / HTTP/1.1\r\n\r\n' | timeout 5 bash -c "cat > /dev/tcp/127.0.0.1/$PORT" 2>/dev/null || true
head -c 4096 /dev/urandom | timeout 5 bash -c "cat > /dev/tcp/127.0.0.1/$PORT" 2>/dev/null || true
api GET /v1/nothing-here
expect 404 "unknown path"
api GET /healthz
expect 200 "still serving after bad input"
ok "oversized, malformed, deep, non-object, duplicate-key, binary bodies and huge headers: 4xx, server keeps serving"

# concurrent clients: 32 logins-free reads and 32 account creations at once
pids=()
for i in $(seq 1 32); do
	curl -sS --cacert "$CA" -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $TOKEN" \
		-H 'Content-Type: application/json' --max-time 60 \
		--data "{\"name\":\"c$i\",\"role\":\"auditor\",\"password\":\"concurrent-pass-$i\"}" \
		"$URL/v1/accounts" >>"$HN_T/codes" &
	pids+=($!)
	curl -sS --cacert "$CA" -o /dev/null -w '%{http_code}\n' --max-time 60 "$URL/healthz" >>"$HN_T/codes" &
	pids+=($!)
done
wait "${pids[@]}"
[ "$(grep -c '^201$' "$HN_T/codes")" = 32 ] || fail "concurrent creates: $(sort "$HN_T/codes" | uniq -c)"
[ "$(grep -c '^200$' "$HN_T/codes")" = 32 ] || fail "concurrent reads: $(sort "$HN_T/codes" | uniq -c)"
api GET /v1/accounts
[ "$(jget accounts | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" = 37 ] || fail "account count"
ok "64 concurrent clients"
hn_stop "$PID"
