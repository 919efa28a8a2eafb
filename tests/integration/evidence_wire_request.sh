#!/usr/bin/env bash
# Evidence transfers and requests (issue 12, docs/evidence.md "Transfers
# and requests"): an item crosses the network only as evidence for a
# request both nodes hold under one id. The sender refuses a request the
# recipient does not hold yet (a draft, queued but not receipted, or
# registered from writing: 409, field request), one it does not hold
# itself (404) and a recipient that is not the request's other party
# (400, field to); once the request was delivered the item goes and is
# filed under it on the recipient. The recipient refuses an offer for a
# request it does not hold (404, field request; logged), which ends the
# transfer as failed with that reason and stores nothing.
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"

fed_setup VNM FRA DEU
fed_start VNM
fed_start FRA
S="$HN_T/src"
mkdir -p "$S"
printf 'subscriber records\n' >"$S/records.txt"
printf 'more records\n' >"$S/more.txt"
printf 'written answer\n' >"$S/written.txt"
printf '%s\n' "${OTOKEN[VNM]}" >"$HN_T/vnm.token"
add() { # add REQUEST FILE: sets ITEM (VNM's id)
	"$HN_BIN" evidence add --url "${URLS[VNM]}" --cacert "$HN_T/VNM/tls.crt" \
		--token-file "$HN_T/vnm.token" --request "$1" "$2" >"$HN_T/add.out" || fail "add $2 to $1"
	ITEM=$(awk '{print $6}' "$HN_T/add.out")
}
# wait_xfer CODE ITEM STATE: polls the item's latest outgoing transfer
wait_xfer() {
	local i
	for i in $(seq 1 300); do
		fed_api "$1" GET "/v1/evidence/$2/transfers"
		read -r XSTATE XERR < <(python3 -c 'import json,sys
t=[x for x in json.loads(sys.argv[1])["transfers"] if x["direction"]=="out"]
x=t[-1] if t else {"state":"none","error":""}
print(x["state"], x["error"] or "-")' "$BODY")
		[ "$XSTATE" = "$3" ] && return 0
		case "$XSTATE" in failed|acknowledged) fail "item $2 on $1: $XSTATE ($XERR), not $3" ;; esac
		sleep 0.1
	done
	fail "item $2 on $1 not $3 (state $XSTATE)"
}
on_fra() { # on_fra REQUEST NAME: sets FITEM (FRA's item of that name, or empty)
	fed_api FRA GET "/v1/evidence?request=$1"
	expect 200 "FRA's evidence of $1"
	FITEM=$(python3 -c 'import json,sys
for it in json.loads(sys.argv[1])["items"]:
    if it["name"] == sys.argv[2]: print(it["item"])' "$BODY" "$2")
}

# --- the sender: the recipient must hold the request ---------------------
fed_api VNM POST /v1/requests "$(fed_request preservation VNM FRA)"
expect 201 "a draft"
D=$(jget id)
add "$D" "$S/records.txt"
fed_api VNM POST "/v1/evidence/$ITEM/transfer" '{"to":"FRA"}'
expect_field 409 "evidence of a draft" request
fed_api VNM POST "/v1/evidence/$ITEM/transfer" '{"to":"DEU"}'
expect_field 400 "evidence of VNM's request with FRA, to DEU" to
fed_api VNM POST "/v1/evidence/$ITEM/transfer" '{"to":"FRA","request":"0123456789abcdef0123456789abcdef"}'
expect_field 404 "for a request VNM does not hold" request
fed_stop FRA
fed_api VNM POST "/v1/requests/$D/transitions" '{"to":"queued"}'
expect 200 "queue it while FRA is down"
fed_api VNM POST "/v1/evidence/$ITEM/transfer" '{"to":"FRA"}'
expect_field 409 "evidence of a request FRA has not receipted" request
fed_api VNM GET "/v1/evidence/$ITEM/transfers"
[ "$(jget transfers)" = "[]" ] || fail "a refused transfer was recorded: $BODY"
ok "evidence of a draft or of a request not yet receipted (409), to a third party (400), for an unknown request (404): refused, nothing recorded"

fed_start FRA
rq_wait VNM "$D" delivered
fed_api VNM POST "/v1/evidence/$ITEM/transfer" '{"to":"FRA","reason":"supporting evidence"}'
expect 202 "evidence of a delivered request"
wait_xfer VNM "$ITEM" acknowledged
on_fra "$D" records.txt
[ -n "$FITEM" ] || fail "FRA did not file the item under $D: $BODY"
ok "once FRA holds request $D, its evidence goes and is filed under the same id"

# a request registered from writing: the other State does not know its id
RX=$(received_request "$HN_T/VNM" FRA mla)
add "$RX" "$S/written.txt"
fed_api VNM POST "/v1/evidence/$ITEM/transfer" '{"to":"FRA"}'
expect_field 409 "evidence of a request received in writing" request
ok "evidence of a request received in writing goes offline, not over the network (409)"

# --- the recipient: an offer for a request it does not hold ----------------
add "$D" "$S/more.txt"
fed_stop VNM
HN_TEST_XFER_REQUEST=fedcba9876543210fedcba9876543210 fed_start VNM
fed_api VNM POST "/v1/evidence/$ITEM/transfer" '{"to":"FRA"}'
expect 202 "a transfer whose offer names a request FRA does not hold"
wait_xfer VNM "$ITEM" failed
case "$XERR" in *404*not_found*"fedcba9876543210fedcba9876543210"*"FRA holds no such request"*) ;;
	*) fail "VNM's reason: $XERR" ;; esac
grep -q "event=evidence.wire_rejected reason=unknown_request sender=VNM request=fedcba9876543210fedcba9876543210" \
	"$HN_T/FRA/serve.log" || fail "FRA did not log the refusal"
on_fra fedcba9876543210fedcba9876543210 more.txt
[ -z "$FITEM" ] || fail "FRA stored evidence for a request it does not hold"
# counted by the delivery engine, beside the messages (final at once: 1 attempt)
fed_api VNM GET /v1/federation
expect 200 "VNM's federation counters"
[ "$(jget counters.evidence_failed)" = 1 ] && [ "$(jget counters.evidence_attempts)" = 1 ] \
	&& [ "$(jget counters.evidence_acknowledged)" = 0 ] || fail "VNM's evidence counters: $BODY"
fed_stop VNM
fed_start VNM
ok "FRA refuses an offer for a request it does not hold (404, field request, logged); VNM's transfer fails with that reason, counted once (1 attempt, 1 failed)"
