# Shared helpers for integration tests that run real nodes on loopback.
# Source it: . "$HN_SRC/tests/integration/lib/node.sh"
# Every server started here is killed on exit; every wait is bounded.
set -euo pipefail

: "${HN_BIN:?HN_BIN must point to the hanoinet binary}"
HN_T=$(mktemp -d "${TMPDIR:-/tmp}/hn-test.XXXXXX")
HN_PIDS=()
export XDG_CONFIG_HOME="$HN_T/xdg"

hn_cleanup() {
	local p
	for p in "${HN_PIDS[@]:-}"; do
		[ -n "$p" ] && kill -9 "$p" 2>/dev/null || true
	done
	rm -rf "$HN_T"
}
trap hn_cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok - $*"; }

# hn_init DIR PARTY: a fresh node; sets ADMIN_PW.
hn_init() {
	local out
	out=$("$HN_BIN" init --party "$2" --dir "$1") || fail "init $1"
	ADMIN_PW=$(printf '%s\n' "$out" | sed -n 's/^password: //p')
	[ -n "$ADMIN_PW" ] || fail "init printed no password"
}

# hn_start DIR [args...]: serve DIR on a free port; sets PORT, PID, URL, CA.
hn_start() {
	local dir=$1 i
	shift
	rm -f "$dir/port"
	"$HN_BIN" serve --dir "$dir" --listen 127.0.0.1:0 \
	    --port-file "$dir/port" "$@" 2>>"$dir/serve.log" &
	PID=$!
	HN_PIDS+=("$PID")
	for i in $(seq 1 100); do
		[ -s "$dir/port" ] && break
		kill -0 "$PID" 2>/dev/null || { cat "$dir/serve.log" >&2; fail "serve died"; }
		sleep 0.1
	done
	[ -s "$dir/port" ] || fail "serve did not start"
	PORT=$(cat "$dir/port")
	URL="https://127.0.0.1:$PORT"
	CA="$dir/tls.crt"
}

# hn_stop PID: SIGTERM and wait (bounded) for a clean exit.
hn_stop() {
	local i
	kill -TERM "$1" 2>/dev/null || return 0
	for i in $(seq 1 100); do
		kill -0 "$1" 2>/dev/null || { wait "$1" 2>/dev/null || true; return 0; }
		sleep 0.1
	done
	fail "server $1 did not stop on SIGTERM"
}

# api METHOD PATH [BODY] [TOKEN]: sets STATUS and BODY (response).
api() {
	local m=$1 p=$2 d=${3:-} t=${4-${TOKEN:-}} args=()
	[ -n "$t" ] && args+=(-H "Authorization: Bearer $t")
	[ -n "$d" ] && args+=(-H 'Content-Type: application/json' --data-binary "$d")
	rm -f "$HN_T/resp"
	STATUS=$(curl -sS --max-time 30 --cacert "$CA" -o "$HN_T/resp" \
	    -w '%{http_code} %{content_type}' -X "$m" "${args[@]}" "$URL$p") ||
	    STATUS=000
	local ctype=${STATUS#* }
	STATUS=${STATUS%% *}
	[ "$ctype" != "$STATUS" ] || ctype=
	BODY=$(cat "$HN_T/resp" 2>/dev/null || true)
	hn_record "$m" "$p" "$STATUS" "$ctype" "$HN_T/resp"
}

# hn_record METHOD PATH STATUS CONTENT-TYPE BODYFILE: when HN_API_RECORD
# names a file, appends the response to it (one tab-separated line, the
# body in base64) for the contract test (tests/contract/validate.py checks
# each against docs/api.yaml).
hn_record() {
	[ -n "${HN_API_RECORD:-}" ] || return 0
	local b=""
	[ -s "$5" ] && b=$(base64 -w0 "$5")
	printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$b" >>"$HN_API_RECORD"
}

expect() { # expect STATUS CONTEXT
	[ "$STATUS" = "$1" ] || fail "$2: expected $1, got $STATUS: $BODY"
}

expect_field() { # expect_field STATUS CONTEXT FIELD: the error names FIELD
	expect "$1" "$2"
	[ "$(jget field)" = "$3" ] || fail "$2: the error names field $3: $BODY"
}

jget() { # jget KEY: a top-level (or a.b) field of $BODY
	python3 -c 'import json,sys
v=json.loads(sys.argv[1])
for k in sys.argv[2].split("."):
    v=v[int(k)] if isinstance(v,list) else v[k]
print(v if not isinstance(v,(dict,list)) else json.dumps(v))' "$BODY" "$1"
}

# login NAME PASSWORD: prints a token.
login() {
	api POST /v1/session "{\"name\":\"$1\",\"password\":\"$2\"}" ""
	expect 201 "login $1"
	jget token
}

# add_account NAME ROLE (as admin, TOKEN=admin's): prints the password.
add_account() {
	api POST /v1/accounts "{\"name\":\"$1\",\"role\":\"$2\"}"
	expect 201 "create account $1"
	jget password
}

# hn_doc KIND FROM TO [key=value ...]: a valid request document of KIND
# (lib/mkrequest.py over the binary's own kinds table, as GET /v1/kinds).
hn_doc() {
	[ -s "$HN_T/kinds.json" ] || "$HN_BIN" request kinds >"$HN_T/kinds.json" ||
	    fail "request kinds"
	python3 "$HN_SRC/tests/integration/lib/mkrequest.py" "$HN_T/kinds.json" "$@"
}

# new_request FROM TO [KIND]: creates a request (a draft) through the API
# (URL, CA, TOKEN: an officer's) and prints its id. Evidence and messages
# belong to a real request of the node, never a made-up reference.
new_request() {
	api POST /v1/requests "$(hn_doc "${3:-preservation}" "$1" "$2")"
	expect 201 "create a ${3:-preservation} request $1 -> $2"
	jget id
}

# received_request DIR FROM [KIND]: registers on DIR's node (offline,
# 'hanoinet request receive') a request received in writing from FROM;
# prints its id.
received_request() {
	local party out
	party=$(sed -n 's/^party *= *//p' "$1/hanoinet.conf")
	out=$(hn_doc "${3:-preservation}" "$2" "$party" |
	    "$HN_BIN" request receive --dir "$1" -) || fail "request receive on $1"
	set -- $out
	printf '%s\n' "$2"
}
