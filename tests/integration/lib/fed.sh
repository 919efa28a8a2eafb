# Helpers for federation tests: a registry key, nodes with a signed
# directory, a simulated register. Source after lib/node.sh.
#   fed_setup CODE...      init one node per code (dirs $HN_T/CODE), ports,
#                          entries, a signed directory copied to each node
#   fed_entry CODE [OPTS]  (re)makes CODE's directory entry (registry entry
#                          options: --pin-cert FILE, --url URL, --witness ...)
#   fed_sign SERIAL CODE...  signs and installs a directory (FED_FORMAT=1:
#                          a version 1 directory)
#   fed_start CODE         serve it (PIDS[CODE], URLS[CODE])
#   fed_stop CODE, fed_kill CODE
#   fed_api CODE METHOD PATH [BODY]   as that node's officer (STATUS, BODY)
# Every wait is bounded; lib/node.sh kills every server on exit.

declare -A PORTS PIDS URLS ADMINPW OFFICERPW OTOKEN

# A free loopback port (the kernel's choice; a race with another test is
# possible but unlikely, and fed_start fails loudly if it happens).
fed_port() {
	python3 -c 'import socket
s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# The simulated register: every party of the shipped register has
# ratified on 2025-11-03, so the UN Convention is in force for all of them
# from 2026-02-01 (art. 65). Arguments: codes to leave without an instrument.
fed_register() {
	python3 - "$HN_SRC/data/parties.json" "$@" >"$HN_T/register.json" <<'PY'
import json, sys
reg = json.load(open(sys.argv[1]))
skip = set(sys.argv[2:])
for p in reg["parties"]:
    p["events"] = [e for e in p["events"] if e["type"] == "signature"]
    if p["code"] not in skip:
        p["events"].append({"type": "ratification", "date": "2025-11-03",
                            "confirmed": True})
print(json.dumps(reg))
PY
}

fed_setup() {
	local c d
	[ -s "$HN_T/register.json" ] || fed_register
	REGVKEY=$("$HN_BIN" registry keygen --name registry.test --key "$HN_T/registry.key")
	for c in "$@"; do
		d="$HN_T/$c"
		hn_init "$d" "$c"
		ADMINPW[$c]=$ADMIN_PW
		PORTS[$c]=$(fed_port)
		URLS[$c]="https://127.0.0.1:${PORTS[$c]}"
		cat >>"$d/hanoinet.conf" <<CONF
registry_key = $REGVKEY
register = $HN_T/register.json
witness_interval_s = ${FED_WITNESS:-0}
retry_base_ms = ${FED_RETRY_BASE:-100}
retry_max_ms = ${FED_RETRY_MAX:-1000}
peer_timeout_ms = 5000
register_label = SIMULATED register (test)
CONF
		fed_entry "$c"
	done
	fed_sign 1 "$@"
}

# fed_entry CODE [OPTS...]: CODE's directory entry (version 2: its URL as
# the first endpoint, pinned by its tls.crt and any --pin/--pin-cert OPTS).
fed_entry() {
	local c=$1
	shift
	"$HN_BIN" registry entry --dir "$HN_T/$c" --url "${URLS[$c]}" "$@" \
	    >"$HN_T/$c.entry" || fail "registry entry $c"
}

# fed_sign SERIAL CODE...: signs a directory of those nodes (valid 30 days
# unless FED_VALID_DAYS) and installs it in each node's data directory.
fed_sign() {
	local serial=$1 c
	shift
	python3 - "$serial" "${FED_VALID_DAYS:-30}" "$@" >"$HN_T/desc.json" <<PY
import json, sys
serial, days, codes = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
parties = [json.load(open("$HN_T/%s.entry" % c)) for c in codes]
print(json.dumps({"serial": serial, "valid_days": days, "parties": parties}))
PY
	"$HN_BIN" registry sign --key "$HN_T/registry.key" --out "$HN_T/directory.signed" \
	    --format "${FED_FORMAT:-2}" "$HN_T/desc.json" || fail "registry sign"
	for c in "$@"; do
		cp "$HN_T/directory.signed" "$HN_T/$c/directory.signed"
	done
}

fed_start() {
	local c=$1 d="$HN_T/$1" i
	rm -f "$d/port"
	"$HN_BIN" serve --dir "$d" --listen "127.0.0.1:${PORTS[$c]}" \
	    --port-file "$d/port" 2>>"$d/serve.log" &
	PIDS[$c]=$!
	HN_PIDS+=("${PIDS[$c]}")
	for i in $(seq 1 150); do
		if [ -s "$d/port" ]; then
			[ -n "${OTOKEN[$c]:-}" ] || fed_officer "$c"
			return 0
		fi
		kill -0 "${PIDS[$c]}" 2>/dev/null || { tail -5 "$d/serve.log" >&2; fail "serve $c died"; }
		sleep 0.1
	done
	fail "serve $c did not start"
}

fed_stop() { hn_stop "${PIDS[$1]}"; }
fed_kill() { kill -9 "${PIDS[$1]}" 2>/dev/null || true; wait "${PIDS[$1]}" 2>/dev/null || true; }

# fed_officer CODE: creates (once) and logs in a duty officer on CODE.
fed_officer() {
	local c=$1 tok
	URL=${URLS[$c]}; CA="$HN_T/$c/tls.crt"
	if [ -z "${OFFICERPW[$c]:-}" ]; then
		TOKEN=$(login admin "${ADMINPW[$c]}")
		OFFICERPW[$c]=$(add_account officer duty_officer)
	fi
	OTOKEN[$c]=$(login officer "${OFFICERPW[$c]}")
}

fed_api() {
	local c=$1
	shift
	URL=${URLS[$c]}; CA="$HN_T/$c/tls.crt"
	[ -n "${OTOKEN[$c]:-}" ] || fed_officer "$c"
	api "$1" "$2" "${3:-}" "${OTOKEN[$c]}"
}

# Requests go through the sender's gate (POST /v1/requests, then the
# transition that sends them); POST /v1/messages carries only free text
# about a request both nodes hold (more_information, art. 40).
# fed_queue FROM TO KIND [MEMBERS]: creates a request of KIND
# (preservation, mla; MEMBERS: more JSON members, e.g.
# '"legal_basis":"bilateral"') on FROM and queues it to TO; sets RQ and
# MSGID (one id: the request's, its message's and, once delivered, TO's
# copy's).
fed_queue() {
	local doc
	doc=$(fed_request "$3" "$1" "$2")
	[ -z "${4:-}" ] || doc="${doc%\}},$4}"
	fed_api "$1" POST /v1/requests "$doc"
	expect 201 "create $3 $1->$2"
	RQ=$(jget id)
	fed_api "$1" POST "/v1/requests/$RQ/transitions" '{"to":"queued"}'
	expect 200 "queue $3 $1->$2"
	MSGID=$RQ
}

# fed_note FROM TO REQUEST TEXT: more information about REQUEST (art. 40)
# through POST /v1/messages; sets MSGID.
fed_note() {
	fed_api "$1" POST /v1/messages "{\"to\":\"$2\",\"kind\":\"more_information\",\"request_id\":\"$3\",\"body\":{\"request\":\"$3\",\"payload\":{\"message\":\"more_information\",\"text\":\"$4\"}}}"
	expect 201 "more information $1->$2 about $3"
	MSGID=$(jget id)
}

# fed_raw FROM TO KIND IN_REPLY_TO BODY: what a peer that skips its own
# gate could send: an envelope signed with FROM's key, posted to TO's inbox
# over FROM's TLS identity. Sets STATUS, BODY (TO's answer) and MSGID.
fed_raw() {
	MSGID=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
	printf '%s' "$5" >"$HN_T/raw.json"
	"$HN_BIN" message seal --key "$HN_T/$1/signing.key" --from "$1" --to "$2" \
	    --kind "$3" ${4:+--in-reply-to "$4"} --id "$MSGID" "$HN_T/raw.json" \
	    >"$HN_T/raw.env" || fail "seal $3 $1->$2"
	STATUS=$(curl -sS --max-time 20 --cacert "$HN_T/$2/tls.crt" \
	    --cert "$HN_T/$1/tls.crt" --key "$HN_T/$1/tls.key" \
	    -H 'Content-Type: application/vnd.hanoinet.envelope' \
	    --data-binary @"$HN_T/raw.env" -o "$HN_T/raw.resp" \
	    -w '%{http_code} %{content_type}' "${URLS[$2]}/v1/inbox") ||
	    STATUS=000
	local ctype=${STATUS#* }
	STATUS=${STATUS%% *}
	[ "$ctype" != "$STATUS" ] || ctype=
	BODY=$(cat "$HN_T/raw.resp")
	hn_record POST /v1/inbox "$STATUS" "$ctype" "$HN_T/raw.resp"
}

# A valid request body of a kind (preservation, mla) or {} for messages.
fed_request() {
	case $1 in
	preservation) printf '{"kind":"preservation","from":"%s","to":"%s","requesting_authority":"A","offence":"O","proceedings":"P","facts":"F","data":[{"description":"D","relation_to_offence":"R"}],"custodian":"C","necessity":"N","mla_to_follow":true}' "$2" "$3" ;;
	mla) printf '{"kind":"mla","from":"%s","to":"%s","requesting_authority":"A","proceedings":"P","facts":"F","assistance_sought":"S","purpose":"U"}' "$2" "$3" ;;
	*) printf '{"note":"n"}' ;;
	esac
}

# fed_wait_status FROM MSGID STATUS [SECONDS]: polls the delivery status.
fed_wait_status() {
	local i n=$(( ${4:-20} * 10 ))
	for i in $(seq 1 "$n"); do
		fed_api "$1" GET "/v1/messages/$2"
		[ "$STATUS" = 200 ] && [ "$(jget status)" = "$3" ] && return 0
		sleep 0.1
	done
	fail "message $2 on $1 not $3 within ${4:-20}s: $BODY"
}

# fed_inbox_total CODE: sets TOTAL, the number of messages CODE stored.
fed_inbox_total() {
	fed_api "$1" GET "/v1/messages?box=in&limit=1"
	expect 200 "inbox of $1"
	TOTAL=$(jget inbox_total)
}

# fed_send_many FROM TO N OUTFILE REQUEST: queues N more_information
# messages about REQUEST (both nodes hold it) over one kept-alive
# connection; writes their ids, one per line.
fed_send_many() {
	local from=$1
	[ -n "${OTOKEN[$from]:-}" ] || fed_officer "$from"
	python3 - "${URLS[$from]}" "$HN_T/$from/tls.crt" "${OTOKEN[$from]}" "$2" "$3" "$5" >"$4" <<'PY' ||
import http.client, json, ssl, sys, urllib.parse
url, ca, tok, to, n, rq = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
u = urllib.parse.urlparse(url)
ctx = ssl.create_default_context(cafile=ca)
ctx.check_hostname = False
c = http.client.HTTPSConnection(u.hostname, u.port, context=ctx, timeout=30)
for i in range(n):
    body = json.dumps({"to": to, "kind": "more_information", "request_id": rq,
                       "body": {"request": rq, "payload": {"message": "more_information",
                                                           "text": "note %d" % i}}})
    c.request("POST", "/v1/messages", body, {"Authorization": "Bearer " + tok,
              "Content-Type": "application/json"})
    r = c.getresponse(); d = r.read()
    if r.status != 201:
        sys.exit("send %d: %d %s" % (i, r.status, d))
    print(json.loads(d)["id"])
PY
	fail "fed_send_many"
}

# fed_traffic_setup FROM TO: the request the traffic of fed_send_many is
# about, delivered and settled on both nodes; sets FED_RQ and the ledger
# sizes before the traffic, FED_BASE_FROM and FED_BASE_TO.
fed_traffic_setup() {
	fed_queue "$1" "$2" preservation
	FED_RQ=$RQ
	rq_wait "$1" "$FED_RQ" delivered
	rq_wait "$2" "$FED_RQ" received
	fed_log_size "$1"
	FED_BASE_FROM=$SIZE
	fed_log_size "$2"
	FED_BASE_TO=$SIZE
}

# fed_log_size CODE: sets SIZE, the size of CODE's latest checkpoint.
fed_log_size() {
	SIZE=$(curl -sS --max-time 10 --cacert "$HN_T/$1/tls.crt" \
	    "${URLS[$1]}/v1/log/checkpoint" | sed -n 2p)
}

# fed_outbox CODE: sets DELIVERED, FAILED, PENDING (queued + delivering).
fed_outbox() {
	fed_api "$1" GET "/v1/messages?limit=1"
	[ "$STATUS" = 200 ] || { DELIVERED=-1; return 0; }
	read -r DELIVERED FAILED PENDING < <(python3 -c 'import json,sys
o=json.loads(sys.argv[1])["outbox"]
print(o["delivered"], o["failed"], o["queued"] + o["delivering"])' "$BODY")
}

# fed_wait_delivered CODE N SECONDS: waits until CODE has delivered N
# messages; fails when SECONDS pass without one more delivered (a stall,
# however loaded the machine), and after 5 x SECONDS in all.
fed_wait_delivered() {
	local last=-2 since=$SECONDS end=$(( SECONDS + 5 * $3 ))
	while :; do
		fed_outbox "$1"
		[ "$DELIVERED" = "$2" ] && return 0
		[ "$DELIVERED" != "$last" ] && { last=$DELIVERED; since=$SECONDS; }
		[ $(( SECONDS - since )) -lt "$3" ] && [ "$SECONDS" -lt "$end" ] || break
		sleep 0.5
	done
	fail "$1 delivered $DELIVERED of $2 (failed $FAILED, pending $PENDING): none more in $3 s, or over $(( 5 * $3 )) s in all"
}

# fed_inbox_ids CODE OUTFILE: every message id CODE stored, sorted.
fed_inbox_ids() {
	local c=$1
	[ -n "${OTOKEN[$c]:-}" ] || fed_officer "$c"
	python3 - "${URLS[$c]}" "$HN_T/$c/tls.crt" "${OTOKEN[$c]}" <<'PY' | sort >"$2"
import http.client, json, ssl, sys, urllib.parse
url, ca, tok = sys.argv[1:4]
u = urllib.parse.urlparse(url)
ctx = ssl.create_default_context(cafile=ca); ctx.check_hostname = False
c = http.client.HTTPSConnection(u.hostname, u.port, context=ctx, timeout=30)
before = 0
while True:
    c.request("GET", "/v1/messages?box=in&limit=200&before=%d" % before,
              headers={"Authorization": "Bearer " + tok})
    r = c.getresponse(); d = json.loads(r.read())
    if not d["messages"]:
        break
    for m in d["messages"]:
        print(m["id"])
    before = d["messages"][-1]["seq"]
PY
}

# fed_check_exactly_once FROM TO IDSFILE N: everything sent (the N
# messages of fed_send_many about FED_RQ, after fed_traffic_setup) was
# stored once by TO, nothing else; both ledgers grew by exactly the
# entries expected: TO 2 per message (stored + the note in the request's
# history), FROM 2 (queued + delivered).
fed_check_exactly_once() {
	local n=$4
	fed_inbox_ids "$2" "$HN_T/stored.ids"
	{ cat "$3"; echo "$FED_RQ"; } | sort >"$HN_T/sent.sorted"
	[ "$(wc -l <"$HN_T/stored.ids")" = "$(( n + 1 ))" ] || fail "$2 stored $(wc -l <"$HN_T/stored.ids") messages, want $n and the request"
	[ -z "$(uniq -d "$HN_T/stored.ids")" ] || fail "duplicates stored"
	cmp -s "$HN_T/sent.sorted" "$HN_T/stored.ids" || { diff "$HN_T/sent.sorted" "$HN_T/stored.ids" | head -5 >&2; fail "stored ids differ from sent ids"; }
	fed_log_size "$2"
	[ "$(( SIZE - FED_BASE_TO ))" = "$(( 2 * n ))" ] || fail "$2's ledger grew by $(( SIZE - FED_BASE_TO )) entries, want $(( 2 * n )) (per message: stored, noted)"
	fed_log_size "$1"
	[ "$(( SIZE - FED_BASE_FROM ))" = "$(( 2 * n ))" ] || fail "$1's ledger grew by $(( SIZE - FED_BASE_FROM )) entries, want $(( 2 * n )) (queued + delivered)"
	ok "$n sent, $n stored once, ledgers +$(( 2 * n )) and +$(( 2 * n ))"
}

# ---- requests over the network ----

# rq_wait CODE ID STATE: polls the request's state (bounded).
rq_wait() {
	local i
	for i in $(seq 1 150); do
		fed_api "$1" GET "/v1/requests/$2"
		[ "$STATUS" = 200 ] && [ "$(jget state)" = "$3" ] && return 0
		sleep 0.1
	done
	fail "request $2 on $1 not $3: $BODY"
}

# rq_wait_text CODE ID TEXT: polls until the request's view holds TEXT.
rq_wait_text() {
	local i
	for i in $(seq 1 150); do
		fed_api "$1" GET "/v1/requests/$2"
		grep -q "$3" <<<"$BODY" && return 0
		sleep 0.1
	done
	fail "request $2 on $1 never showed '$3': $BODY"
}

# rq_state CODE ID: sets ST to the request's state now.
rq_state() {
	fed_api "$1" GET "/v1/requests/$2"
	expect 200 "request $2 on $1"
	ST=$(jget state)
}

# inbox_has CODE MSGID: the message is in CODE's inbox (bounded wait).
inbox_has() {
	local i
	for i in $(seq 1 150); do
		fed_api "$1" GET "/v1/messages?box=in&limit=50"
		grep -q "\"$2\"" <<<"$BODY" && return 0
		sleep 0.1
	done
	fail "message $2 not in $1's inbox: $BODY"
}

# queue CODE KIND TO: creates and queues a request; sets RQ.
queue() {
	fed_api "$1" POST /v1/requests "$(fed_request "$2" "$1" "$3")"
	expect 201 "create $2"
	RQ=$(jget id)
	fed_api "$1" POST "/v1/requests/$RQ/transitions" '{"to":"queued"}'
	expect 200 "queue $2"
}
