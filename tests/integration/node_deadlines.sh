#!/usr/bin/env bash
# Deadlines and the order of lists (issue 12), on two nodes VNM and FRA:
# - a deadline stated in the past is refused where a request is made
#   (art. 40: 400, field deadline; the API and the command line), but an
#   incoming request with one is received (the requester's word) and is
#   overdue at once;
# - a finished request has no open clock: never in ?due=overdue, no
#   deadlines, no next_due;
# - an acknowledged emergency keeps a clock until it is finished (art. 41:
#   execute within emergency_execution_hours), on both copies;
# - lists put open emergencies first, then the earliest deadline, then the
#   newest, page by page.
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"

fed_setup VNM FRA
fed_start VNM
fed_start FRA
fed_api VNM GET /v1/kinds
printf '%s' "$BODY" >"$HN_T/kinds.json"
mk() { python3 "$HN_SRC/tests/integration/lib/mkrequest.py" "$HN_T/kinds.json" "$@"; }
now=$(date -u +%s)
fmt() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
ids() { python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.loads(sys.argv[1])["requests"]))' "$BODY"; }
# receive CODE FILE: registers a request that arrived in writing; sets RQ.
receive() {
	RQ=$("$HN_BIN" request receive --dir "$HN_T/$1" "$2" | awk '{print $2}')
	[ -n "$RQ" ] || fail "receive on $1"
}
# move CODE ID STATE...: the requested side's answers, one after another.
move() {
	local c=$1 id=$2 s
	shift 2
	for s in "$@"; do
		fed_api "$c" POST "/v1/requests/$id/transitions" "{\"to\":\"$s\"}"
		expect 200 "$c: $id -> $s"
	done
}
rq_wait() { # rq_wait CODE ID STATE: polls the request's state (bounded)
	local i
	for i in $(seq 1 300); do
		fed_api "$1" GET "/v1/requests/$2"
		[ "$STATUS" = 200 ] && [ "$(jget state)" = "$3" ] && return 0
		sleep 0.1
	done
	fail "request $2 on $1 not $3: $BODY"
}
# deadline NAME: the due time (Unix seconds) of the view's deadline NAME,
# "" if it has none.
deadline() {
	python3 -c '
import calendar, json, sys, time
d = [x for x in json.loads(sys.argv[1])["deadlines"] if x["name"] == sys.argv[2]]
print(calendar.timegm(time.strptime(d[0]["due"], "%Y-%m-%dT%H:%M:%SZ")) if d else "")' "$BODY" "$1"
}
in_list() { # in_list ID: the id is among the listed ones
	case " $(ids) " in *" $1 "*) return 0 ;; esac
	return 1
}

# 1. A deadline in the past (art. 40)
fed_api VNM POST /v1/requests "$(mk mla VNM DEU deadline=2020-01-01T00:00:00Z deadline_reason=late)"
expect_field 400 "a deadline of 2020-01-01" deadline
[ "$(jget article)" = 40 ] || fail "article: $BODY"
grep -q "in the past" <<<"$(jget message)" || fail "message: $BODY"
fed_api VNM POST /v1/requests "$(mk mla VNM DEU deadline="$(fmt $((now - 5)))" deadline_reason=late)"
expect_field 400 "a deadline 5 s ago" deadline
fed_api VNM POST /v1/requests "$(mk mla VNM DEU deadline="$(fmt $((now + 86400)))" deadline_reason=soon)"
expect 201 "a deadline tomorrow"
# the command line goes through the same route
URL=${URLS[VNM]}; CA="$HN_T/VNM/tls.crt"
export HANOINET_DIR="$HN_T/VNM" # the node's certificate
printf '%s\n' "${OFFICERPW[VNM]}" | "$HN_BIN" login --node "$URL" officer >/dev/null || fail "cli login"
mk mla VNM DEU deadline=2020-01-01T00:00:00Z deadline_reason=late >"$HN_T/past.json"
"$HN_BIN" request create --node "$URL" "$HN_T/past.json" 2>"$HN_T/err" && fail "cli: a past deadline accepted"
grep -q "deadline" "$HN_T/err" && grep -q "40" "$HN_T/err" || fail "cli error: $(cat "$HN_T/err")"
# an incoming request is not refused for it: received, overdue at once
mk mla VNM FRA deadline=2020-01-01T00:00:00Z deadline_reason=late >"$HN_T/in-past.json"
receive FRA "$HN_T/in-past.json"
late=$RQ
fed_api FRA GET "/v1/requests/$late"
[ "$(jget deadlines.0.name)" = requested_by ] && [ "$(jget deadlines.0.level)" = overdue ] || fail "incoming, past deadline: $BODY"
ok "a past deadline: 400 field deadline (API, CLI); an incoming one is received, overdue"

# 2. A finished request has no open clock
fed_api FRA GET "/v1/requests?due=overdue"
in_list "$late" || fail "the overdue request is not in ?due=overdue: $BODY"
mk mla VNM FRA deadline=2020-01-01T00:00:00Z deadline_reason=late >"$HN_T/in-past2.json"
receive FRA "$HN_T/in-past2.json"
late2=$RQ
move FRA "$late" acknowledged executed
move FRA "$late2" acknowledged partially_executed
for id in "$late" "$late2"; do
	fed_api FRA GET "/v1/requests/$id"
	[ "$(jget deadlines)" = "[]" ] || fail "finished with a deadline: $BODY"
	grep -q '"next_due"' <<<"$BODY" && fail "finished with a next_due: $BODY"
done
for due in overdue due_soon; do
	fed_api FRA GET "/v1/requests?due=$due&limit=500"
	expect 200 "?due=$due"
	in_list "$late" && fail "executed, yet in ?due=$due: $BODY"
	in_list "$late2" && fail "partially executed, yet in ?due=$due: $BODY"
done
fed_api FRA GET "/v1/requests?due=ok&limit=500"
in_list "$late" && in_list "$late2" || fail "finished requests are not ok: $BODY"
ok "finished requests: no deadline, not overdue"

# 3. An acknowledged emergency keeps a clock (art. 41), on both copies
URL=${URLS[VNM]}; CA="$HN_T/VNM/tls.crt"
TOKEN=$(login admin "${ADMINPW[VNM]}")
SUP=$(login sup "$(add_account sup supervisor)")
fed_api VNM POST /v1/requests "$(mk emergency VNM FRA)"
expect 201 "create the emergency"
em=$(jget id)
move VNM "$em" awaiting_approval
api POST "/v1/requests/$em/approve" '{}' "$SUP"
expect 200 "approve"
[ "$(jget state)" = approved ] && move VNM "$em" queued
rq_wait FRA "$em" received
[ "$(deadline acknowledge)" != "" ] || fail "FRA: no acknowledgement clock: $BODY"
move FRA "$em" acknowledged
fed_api FRA GET "/v1/requests/$em"
fra_due=$(deadline execution)
[ -n "$fra_due" ] || fail "FRA: the acknowledged emergency has no clock: $BODY"
[ "$(jget deadlines.0.article)" = 41 ] || fail "FRA: article: $BODY"
t=$(date -u +%s)
[ "$fra_due" -ge $((now + 86400)) ] && [ "$fra_due" -le $((t + 86400)) ] || fail "FRA: due $fra_due, not 24 h after the acknowledgement ($now..$t)"
[ -n "$(jget next_due)" ] || fail "FRA: no next_due: $BODY"
rq_wait VNM "$em" acknowledged
vnm_due=$(deadline execution)
[ -n "$vnm_due" ] || fail "VNM: its copy shows no clock: $BODY"
[ "$vnm_due" -ge "$fra_due" ] && [ "$vnm_due" -le $((fra_due + 60)) ] || fail "VNM: due $vnm_due, FRA $fra_due"
# a day later (the row's clock moved back 25 hours): overdue on FRA
sqlite3 "$HN_T/FRA/hanoinet.db" "UPDATE requests SET acknowledged_at = acknowledged_at - 90000, next_due = next_due - 90000, soon_at = soon_at - 90000 WHERE id = '$em'" || fail "sqlite3"
fed_api FRA GET "/v1/requests/$em"
[ "$(jget deadlines.0.name)" = execution ] && [ "$(jget deadlines.0.level)" = overdue ] || fail "FRA: not overdue after 25 h: $BODY"
fed_api FRA GET "/v1/requests?due=overdue"
in_list "$em" || fail "FRA: the overdue emergency is not in ?due=overdue: $BODY"
# executed: the clock stops on both copies
move FRA "$em" executed
rq_wait VNM "$em" executed
[ "$(jget deadlines)" = "[]" ] || fail "VNM: executed with a deadline: $BODY"
for c in FRA VNM; do
	fed_api "$c" GET "/v1/requests?due=overdue&limit=500"
	in_list "$em" && fail "$c: the executed emergency is overdue: $BODY"
done
ok "an acknowledged emergency: execution due 24 h after, on both copies; overdue, then finished"

# 4. Open emergencies first, then the earliest deadline, then the newest
fed_api VNM POST /v1/requests "$(mk emergency VNM DEU)"
e1=$(jget id)
fed_api VNM POST /v1/requests "$(mk mla VNM DEU deadline="$(fmt $((now + 10 * 86400)))" deadline_reason=later)"
far=$(jget id)
fed_api VNM POST /v1/requests "$(mk mla VNM DEU)"
old=$(jget id)
fed_api VNM POST /v1/requests "$(mk mla VNM DEU deadline="$(fmt $((now + 2 * 86400)))" deadline_reason=sooner)"
near=$(jget id)
fed_api VNM POST /v1/requests "$(mk mla VNM DEU)"
new=$(jget id)
fed_api VNM POST /v1/requests "$(mk emergency VNM DEU)"
e2=$(jget id)
fed_api VNM GET "/v1/requests?party=DEU&limit=500"
expect 200 "list"
# the two emergencies (no deadline yet: newest first), then by deadline
# (the one of part 1 tomorrow, near, far), then newest
python3 - "$BODY" "$e2 $e1" "$near $far" "$new $old" <<'PY' || fail "order: $BODY"
import json, sys
got = [r["id"] for r in json.loads(sys.argv[1])["requests"]]
em, dl, nodl = (s.split() for s in sys.argv[2:5])
assert got[:2] == em, got
assert got.index(dl[0]) < got.index(dl[1]) < got.index(nodl[0]) < got.index(nodl[1]), got
assert all(r["kind"] != "emergency" for r in json.loads(sys.argv[1])["requests"][2:]), got
PY
all=$(ids)
seen=""
cursor=""
for i in $(seq 1 50); do
	fed_api VNM GET "/v1/requests?party=DEU&limit=2${cursor:+&cursor=$cursor}"
	expect 200 "page $i"
	seen="$seen $(ids)"
	cursor=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get("next_cursor") or "")' "$BODY")
	[ -n "$cursor" ] || break
done
[ "$(echo $seen)" = "$(echo $all)" ] || fail "pages: $seen, one list: $all"
fed_api VNM GET "/v1/requests?cursor=12"
expect_field 400 "an old cursor" cursor
# the requested side: an incoming emergency, acknowledged, before a newer
# routine request due earlier
mk emergency VNM FRA >"$HN_T/in-em.json"
receive FRA "$HN_T/in-em.json"
rem=$RQ
move FRA "$rem" acknowledged
mk mla VNM FRA deadline="$(fmt $((now + 3600)))" deadline_reason=urgent >"$HN_T/in-mla.json"
receive FRA "$HN_T/in-mla.json"
rmla=$RQ
fed_api FRA GET "/v1/requests?side=requested&limit=500"
python3 - "$BODY" "$rem" "$rmla" <<'PY' || fail "FRA's inbox order: $BODY"
import json, sys
got = [r["id"] for r in json.loads(sys.argv[1])["requests"]]
assert got[0] == sys.argv[2] and got[1] == sys.argv[3], got
PY
ok "lists: open emergencies first, then by deadline, then newest; pages keep the order"
