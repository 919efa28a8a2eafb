#!/usr/bin/env bash
# The one gate (node/requests.h hn_rq_change), on two nodes: every change
# of a request is checked against its kind's protocol table, whoever asks.
#  (a) the wrong side or role: FRA (requested) cannot withdraw, VNM
#      (requesting) cannot acknowledge or refuse, a duty officer cannot
#      approve: 403, and neither copy moves;
#  (b) approving an emergency sends it: 200 with the request already queued
#      (or later), and FRA receives it;
#  (c) the approver must not be the author (art. 41): 403;
#  (d) a preservation is kept at least 60 days (art. 42): a release before
#      that is 409 citing art. 42, a withdrawal by the requester still ends
#      it; the node's timer expires a preservation whose 60 days are over
#      (its preserved_at is moved back in the database while FRA is down:
#      the node has no clock setting) and tells VNM, but not a fresh one;
#  (e) an art. 43 traffic disclosure must name a preservation between the
#      same two States that FRA holds: 400 naming preservation_reference;
#      FRA's gate checks the same when one arrives in writing;
#  (f) GET /v1/requests/ID lists the actions this user may take now.
# ctest-labels: slow
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"

fed_setup VNM FRA
fed_start VNM
fed_start FRA

# Accounts besides lib/fed.sh's duty officer: two supervisors on VNM, an
# auditor on each node. USERTOK[CODE.name] holds their tokens.
declare -A USERTOK
user() { # user CODE NAME ROLE
	local pw
	URL=${URLS[$1]}; CA="$HN_T/$1/tls.crt"
	TOKEN=$(login admin "${ADMINPW[$1]}")
	pw=$(add_account "$2" "$3")
	USERTOK[$1.$2]=$(login "$2" "$pw")
}
user VNM sup1 supervisor
user VNM sup2 supervisor
user VNM aud auditor
user FRA aud auditor
# as CODE NAME METHOD PATH [BODY]: the call as that user
as() {
	local c=$1 n=$2
	shift 2
	URL=${URLS[$c]}; CA="$HN_T/$c/tls.crt"
	api "$1" "$2" "${3:-}" "${USERTOK[$c.$n]}"
}

rq_wait() { # rq_wait CODE ID STATE: polls the request's state (bounded)
	local i
	for i in $(seq 1 200); do
		fed_api "$1" GET "/v1/requests/$2"
		[ "$STATUS" = 200 ] && [ "$(jget state)" = "$3" ] && return 0
		sleep 0.1
	done
	fail "request $2 on $1 not $3: $BODY"
}
rq_is() { # rq_is CODE ID STATE: the request is in STATE now
	fed_api "$1" GET "/v1/requests/$2"
	expect 200 "request $2 on $1"
	[ "$(jget state)" = "$3" ] || fail "request $2 on $1 is $(jget state), want $3"
}
# actions: the "to" of each action in $BODY, sorted, space-separated
actions() {
	python3 -c 'import json,sys; print(" ".join(sorted(a["to"] for a in json.loads(sys.argv[1])["actions"])))' "$BODY"
}
create() { # create CODE KIND TO [key=value...]: sets RQ (as the officer)
	local c=$1 k=$2 to=$3
	shift 3
	fed_api "$c" POST /v1/requests "$(mk "$k" "$c" "$to" "$@")"
	expect 201 "create $k on $c"
	RQ=$(jget id)
}
move() { # move CODE ID BODY: a transition as the officer, expect 200
	fed_api "$1" POST "/v1/requests/$2/transitions" "$3"
	expect 200 "$1 $2 $3"
}
curl -sS --cacert "$HN_T/VNM/tls.crt" "${URLS[VNM]}/v1/kinds" >"$HN_T/kinds.json"
mk() { python3 "$HN_SRC/tests/integration/lib/mkrequest.py" "$HN_T/kinds.json" "$@"; }
GROUND=sovereignty_security_public_order

# A preservation delivered to FRA and acknowledged there.
create VNM preservation FRA
P=$RQ
move VNM "$P" '{"to":"queued"}'
rq_wait VNM "$P" delivered
rq_wait FRA "$P" received

# (f) actions: FRA's officer may acknowledge; VNM's may withdraw; an
# auditor may do nothing.
fed_api FRA GET "/v1/requests/$P"
[ "$(actions)" = acknowledged ] || fail "FRA's actions in received: $(actions)"
python3 - "$BODY" <<'PY' || fail "acknowledge action: $BODY"
import json, sys
a = json.loads(sys.argv[1])["actions"][0]
assert a["label"] and a["article"] == "41" and a["citation"] and a["needs"] == [], a
PY
fed_api VNM GET "/v1/requests/$P"
[ "$(actions)" = withdrawn ] || fail "VNM's actions in delivered: $(actions)"
as FRA aud GET "/v1/requests/$P"
expect 200 "auditor reads"
[ "$(actions)" = "" ] || fail "an auditor is offered $(actions)"

# (a) wrong side: nothing moves on either node.
fed_api FRA POST "/v1/requests/$P/transitions" '{"to":"withdrawn","reason":"r"}'
expect 403 "FRA (requested) withdraws"
fed_api VNM POST "/v1/requests/$P/transitions" '{"to":"acknowledged"}'
expect 403 "VNM (requesting) acknowledges"
fed_api VNM POST "/v1/requests/$P/transitions" "{\"to\":\"refused\",\"grounds\":[\"$GROUND\"],\"reason\":\"r\"}"
expect 403 "VNM (requesting) refuses"
as VNM aud POST "/v1/requests/$P/transitions" '{"to":"withdrawn"}'
expect 403 "an auditor withdraws"
rq_is FRA "$P" received
rq_is VNM "$P" delivered
ok "(a) the requested State cannot withdraw, the requesting State cannot acknowledge or refuse (403); both copies unchanged"

move FRA "$P" '{"to":"acknowledged"}'
rq_wait VNM "$P" acknowledged
# (f) a refusal lists the grounds open to a preservation (art. 42): the
# narrow subset, each with its citation and text.
fed_api FRA GET "/v1/requests/$P"
python3 - "$BODY" <<'PY' || fail "refusal action: $BODY"
import json, sys
acts = {a["to"]: a for a in json.loads(sys.argv[1])["actions"]}
assert set(acts) >= {"preserved", "refused"}, acts.keys()
r = acts["refused"]
assert "grounds" in r["needs"], r
codes = [g["code"] for g in r["grounds"]]
assert codes and all(g["citation"] and g["text"] for g in r["grounds"]), r
assert "sovereignty_security_public_order" in codes, codes
assert "bank_secrecy" not in codes, codes
PY
move FRA "$P" '{"to":"preserved"}'
rq_wait VNM "$P" preserved

# (d) the 60 days of art. 42: no release before; the view says from when.
fed_api FRA GET "/v1/requests/$P"
python3 - "$BODY" <<'PY' || fail "release action: $BODY"
import json, sys, datetime
v = json.loads(sys.argv[1])
acts = {a["to"]: a for a in v["actions"]}
r = acts["released"]
nb = datetime.datetime.strptime(r["not_before"], "%Y-%m-%dT%H:%M:%SZ")
pa = datetime.datetime.strptime(v["preserved_at"], "%Y-%m-%dT%H:%M:%SZ")
assert (nb - pa).days == 60, (nb, pa)
PY
fed_api FRA POST "/v1/requests/$P/transitions" '{"to":"released"}'
expect 409 "release on the day of preservation"
[ "$(jget article)" = 42 ] || fail "the refusal cites art. 42: $BODY"
grep -q "60 days" <<<"$(jget message)" || fail "message: $BODY"
rq_is FRA "$P" preserved
rq_is VNM "$P" preserved
ok "(d) a release before 60 days is 409 citing art. 42; the view's release action says not_before"

# (e) art. 43: a disclosure names a preservation FRA holds.
create VNM traffic_disclosure FRA
move_fail() { # move_fail CODE ID BODY STATUS FIELD CONTEXT
	fed_api "$1" POST "/v1/requests/$2/transitions" "$3"
	expect_field "$4" "$6" "$5"
}
move_fail VNM "$RQ" '{"to":"queued"}' 400 preservation_reference "a disclosure naming no preservation"
[ "$(jget article)" = 43 ] || fail "article: $BODY"
rq_is VNM "$RQ" draft
create VNM traffic_disclosure FRA preservation_reference=0123456789abcdef0123456789abcdef
move_fail VNM "$RQ" '{"to":"queued"}' 400 preservation_reference "a disclosure naming an unknown preservation"
create VNM preservation DEU
OTHER=$RQ
create VNM traffic_disclosure FRA "preservation_reference=$OTHER"
move_fail VNM "$RQ" '{"to":"queued"}' 400 preservation_reference "a disclosure naming a preservation of VNM to DEU"
create VNM preservation FRA
DRAFTP=$RQ
create VNM traffic_disclosure FRA "preservation_reference=$DRAFTP"
move_fail VNM "$RQ" '{"to":"queued"}' 400 preservation_reference "a disclosure naming a preservation FRA has not received"
create VNM traffic_disclosure FRA "preservation_reference=$P"
D=$RQ
move VNM "$D" '{"to":"queued"}'
rq_wait FRA "$D" received
rq_wait VNM "$D" delivered
# FRA's own gate: one that arrives in writing naming nothing FRA holds
mk traffic_disclosure VNM FRA preservation_reference="$DRAFTP" >"$HN_T/td.json"
"$HN_BIN" request receive --dir "$HN_T/FRA" "$HN_T/td.json" >/dev/null 2>"$HN_T/td.err" &&
    fail "FRA registered a disclosure naming a preservation it does not hold"
grep -q "preservation_reference" "$HN_T/td.err" && grep -q "43" "$HN_T/td.err" || fail "FRA's refusal: $(cat "$HN_T/td.err")"
ok "(e) art. 43: a disclosure naming no preservation, another pair's or one FRA has not received is 400 naming preservation_reference; one naming the delivered preservation reaches FRA"

# (d) a withdrawal by the requester ends a preservation at once.
create VNM preservation FRA
W=$RQ
move VNM "$W" '{"to":"queued"}'
rq_wait FRA "$W" received
move FRA "$W" '{"to":"acknowledged"}'
move FRA "$W" '{"to":"preserved"}'
rq_wait VNM "$W" preserved
move VNM "$W" '{"to":"withdrawn","reason":"no longer needed"}'
rq_wait FRA "$W" withdrawn
ok "(d) the requester's withdrawal ends a preservation before 60 days, on both nodes"

# (d) the timer: P's preservation took effect 61 days ago (moved back in
# FRA's database while FRA is down); a fresh one (F) stays.
create VNM preservation FRA
F=$RQ
move VNM "$F" '{"to":"queued"}'
rq_wait FRA "$F" received
move FRA "$F" '{"to":"acknowledged"}'
move FRA "$F" '{"to":"preserved"}'
rq_wait VNM "$F" preserved
fed_stop FRA
python3 - "$HN_T/FRA/hanoinet.db" "$P" <<'PY' || fail "moving preserved_at back"
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
n = db.execute("UPDATE requests SET preserved_at = ? WHERE id = ?",
               (int(time.time()) - 61 * 86400, sys.argv[2])).rowcount
db.commit()
assert n == 1
PY
fed_start FRA
rq_wait FRA "$P" expired
rq_wait VNM "$P" expired
fed_api FRA GET "/v1/requests/$P"
python3 - "$BODY" <<'PY' || fail "FRA's history of the expiry: $BODY"
import json, sys
h = json.loads(sys.argv[1])["history"][-1]
assert h["from"] == "preserved" and h["to"] == "expired" and h["actor"] == "timer", h
PY
rq_is FRA "$F" preserved
rq_is VNM "$F" preserved
ok "(d) the node's timer expires a preservation 60 days after it took effect (FRA, then VNM told), not a fresh one"

# (b), (c): emergencies. The officer writes it, sup1 approves it: the answer
# is already queued (or delivered) and FRA receives it.
create VNM emergency FRA
E=$RQ
move VNM "$E" '{"to":"awaiting_approval"}'
fed_api VNM GET "/v1/requests/$E"
[ "$(actions)" = withdrawn ] || fail "a duty officer is offered $(actions) on an emergency awaiting approval"
as VNM sup1 GET "/v1/requests/$E"
python3 - "$BODY" <<'PY' || fail "sup1's actions: $BODY"
import json, sys
acts = {a["to"]: a for a in json.loads(sys.argv[1])["actions"]}
assert "queued" in acts and acts["queued"]["article"] == "41", acts
assert "other_approver" in acts["queued"]["needs"], acts["queued"]
PY
fed_api VNM POST "/v1/requests/$E/approve" ''
expect 403 "a duty officer approves"
rq_is VNM "$E" awaiting_approval
as VNM sup1 POST "/v1/requests/$E/approve" ''
expect 200 "sup1 approves"
st=$(jget state)
[ "$st" = queued ] || [ "$st" = delivered ] || fail "approve answered state $st: $BODY"
[ "$(jget from_state)" = awaiting_approval ] || fail "from_state: $BODY"
fed_api VNM GET "/v1/messages?request_id=$E"
[ "$(jget messages.0.id)" = "$E" ] || fail "no message queued with the approval: $BODY"
rq_wait FRA "$E" received
rq_wait VNM "$E" delivered
ok "(b) approving an emergency answers 200 with it queued, the message in the same transaction; FRA receives it"

# A supervisor's own emergency: not offered to them, refused (403), another
# supervisor approves.
as VNM sup1 POST /v1/requests "$(mk emergency VNM FRA)"
expect 201 "sup1 writes an emergency"
E2=$(jget id)
as VNM sup1 POST "/v1/requests/$E2/transitions" '{"to":"awaiting_approval"}'
expect 200 "sup1 submits"
as VNM sup1 GET "/v1/requests/$E2"
[ "$(actions)" = "draft withdrawn" ] || fail "the author is offered $(actions)"
as VNM sup1 POST "/v1/requests/$E2/approve" ''
expect 403 "the author approves"
[ "$(jget article)" = 41 ] || fail "article: $BODY"
as VNM sup1 POST "/v1/requests/$E2/transitions" '{"to":"queued"}'
expect 403 "the author approves through transitions"
rq_is VNM "$E2" awaiting_approval
fed_api FRA GET "/v1/requests/$E2"
expect 404 "FRA has nothing of an unapproved emergency"
as VNM sup2 POST "/v1/requests/$E2/approve" ''
expect 200 "sup2 approves"
rq_wait FRA "$E2" received
ok "(c) the author cannot approve their own emergency (403, not offered); another supervisor can"

# The ledgers verify.
fed_stop VNM
fed_stop FRA
"$HN_BIN" log verify --dir "$HN_T/VNM" >/dev/null || fail "VNM's ledger"
"$HN_BIN" log verify --dir "$HN_T/FRA" >/dev/null || fail "FRA's ledger"
ok "both ledgers verify"
