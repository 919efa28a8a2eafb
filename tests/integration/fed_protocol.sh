#!/usr/bin/env bash
# One protocol on both nodes (docs/protocol.md section 4): a message that is
# not a legal change of the receiver's copy of its request is refused for
# good (the receipt says why; both sides log it; the copy does not move):
# a refusal without grounds, a withdrawal from the requested State, a state
# the kind does not have, a message about another party's request. The
# messages about one request go in order (a withdrawal never overtakes its
# request), and a request the other node's gate refuses ends `rejected` on
# the requesting node instead of waiting forever in `queued`.
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"

fed_setup VNM FRA DEU
fed_start VNM
fed_start FRA

# raw FROM TO KIND REF BODY: a message signed with FROM's own key and sent
# with FROM's own TLS certificate straight to TO's inbox (what a node
# that does not follow the protocol could send); sets STATUS, BODY.
raw() {
	printf '%s' "$5" >"$HN_T/raw.json"
	"$HN_BIN" message seal --key "$HN_T/$1/signing.key" --from "$1" \
	    --to "$2" --kind "$3" --in-reply-to "$4" "$HN_T/raw.json" \
	    >"$HN_T/raw.env" || fail "seal $3"
	STATUS=$(curl -sS -k --max-time 20 --cert "$HN_T/$1/tls.crt" \
	    --key "$HN_T/$1/tls.key" \
	    -H 'Content-Type: application/vnd.hanoinet.envelope' \
	    --data-binary @"$HN_T/raw.env" -o "$HN_T/resp" -w '%{http_code}' \
	    "${URLS[$2]}/v1/inbox") || STATUS=000
	BODY=$(cat "$HN_T/resp")
}
# refused_raw CONTEXT WHY...: the last raw message got a receipt (200) that
# says it was refused, naming WHY; it is in the receiver's inbox with the
# same reason, and the receiver logged it.
refused_raw() {
	local ctx=$1 id
	shift
	[ "$STATUS" = 200 ] || fail "$ctx: HTTP $STATUS $BODY"
	grep -q '"refused":"' <<<"$BODY" || fail "$ctx: the receipt does not say refused: $BODY"
	grep -q "$1" <<<"$BODY" || fail "$ctx: the receipt does not name '$1': $BODY"
	id=$(sed -n 's/.*"message_id":"\([0-9a-f]*\)".*/\1/p' <<<"$BODY")
	fed_api VNM GET "/v1/messages?box=in&limit=50"
	python3 -c 'import json,sys
m=[x for x in json.loads(sys.argv[1])["messages"] if x["id"]==sys.argv[2]]
assert m and sys.argv[3] in m[0].get("refused",""), m' "$BODY" "$id" "$1" ||
	    fail "$ctx: VNM's inbox does not record the refusal"
	grep -q "event=inbox.refused sender=FRA id=$id" "$HN_T/VNM/serve.log" ||
	    fail "$ctx: VNM did not log the refusal"
}

queue VNM mla FRA
A=$RQ
rq_wait VNM "$A" delivered
rq_wait FRA "$A" received
fed_api FRA POST "/v1/requests/$A/transitions" '{"to":"acknowledged"}'
expect 200 "FRA acknowledges"
rq_wait VNM "$A" acknowledged

# 1. A refusal without grounds (art. 40) does not move VNM's copy.
raw FRA VNM refusal "$A" "{\"request\":\"$A\",\"state\":\"refused\",\"payload\":{\"reason\":\"no\"}}"
refused_raw "refusal without grounds" "ground"
raw FRA VNM refusal "$A" "{\"request\":\"$A\",\"state\":\"refused\",\"payload\":{\"reason\":\"no\",\"grounds\":[\"bank_secrecy\"]}}"
refused_raw "refusal on bank secrecy" "not a ground"
rq_state VNM "$A"
[ "$ST" = acknowledged ] || fail "a refusal without grounds moved VNM to $ST"
rq_state FRA "$A"
[ "$ST" = acknowledged ] || fail "FRA moved to $ST"
ok "a refusal without grounds or on bank secrecy is refused by VNM, copies unchanged (art. 40)"

# 2. Only the requesting State withdraws: FRA's withdrawal is refused.
raw FRA VNM withdrawal "$A" "{\"request\":\"$A\",\"state\":\"withdrawn\"}"
refused_raw "withdrawal from the requested State" "withdrawal"
rq_state VNM "$A"
[ "$ST" = acknowledged ] || fail "FRA's withdrawal moved VNM to $ST"
# 3. A state the kind does not have, and a state out of order.
raw FRA VNM status_update "$A" "{\"request\":\"$A\",\"state\":\"preserved\"}"
refused_raw "preserved for an mla request" "status_update"
raw FRA VNM acknowledgement "$A" "{\"request\":\"$A\",\"state\":\"received\"}"
refused_raw "back to received" "acknowledgement"
# 4. Another party's request, and one that does not exist.
raw FRA VNM response 0123456789abcdef0123456789abcdef '{"request":"0123456789abcdef0123456789abcdef","state":"executed"}'
refused_raw "unknown request" "no such request"
rq_state VNM "$A"
[ "$ST" = acknowledged ] || fail "VNM moved to $ST"
ok "a withdrawal from the requested State, an impossible state, an unknown request: refused, nothing moves"

# The real answer, through FRA's gate, moves both copies.
fed_api FRA POST "/v1/requests/$A/transitions" \
    '{"to":"refused","grounds":["sovereignty_security_public_order"],"reason":"essential interests"}'
expect 200 "FRA refuses with grounds"
rq_wait VNM "$A" refused
# A withdrawal crossing the final answer: VNM's copy is final now, so
# VNM's users cannot withdraw; a raw one from VNM is refused by FRA.
fed_api VNM POST "/v1/requests/$A/transitions" '{"to":"withdrawn"}'
expect 409 "withdraw a refused request"
ok "a refusal with grounds and reasons moves both copies; no withdrawal after it"

# 5. In order: sent and withdrawn while FRA is down; FRA receives the
# request, then the withdrawal, and refuses neither.
fed_stop FRA
queue VNM preservation FRA
W=$RQ
fed_api VNM POST "/v1/requests/$W/transitions" '{"to":"withdrawn"}'
expect 200 "withdraw while FRA is down"
fed_start FRA
rq_wait FRA "$W" withdrawn
fed_api FRA GET "/v1/messages?box=in&limit=50"
python3 -c 'import json,sys
m=[x for x in json.loads(sys.argv[1])["messages"] if x["in_reply_to"]==sys.argv[2] or x["id"]==sys.argv[2]]
kinds=[x["kind"] for x in sorted(m, key=lambda x: x["seq"])]
assert kinds==["preservation","withdrawal"], kinds
assert not any(x.get("refused") for x in m), m' "$BODY" "$W" ||
    fail "FRA did not receive request then withdrawal, unrefused: $BODY"
rq_state VNM "$W"
[ "$ST" = withdrawn ] || fail "VNM: $ST"
ok "a request and its withdrawal arrive in order; both copies withdrawn"

# 6. A request FRA's gate refuses for good (no bilateral treaty with VNM
# declared on FRA): VNM's copy ends rejected, with the reason.
body=$(fed_request mla VNM FRA | sed 's/}$/,"legal_basis":"bilateral"}/')
fed_api VNM POST /v1/requests "$body"
expect 201 "create on a bilateral basis"
B=$(jget id)
fed_api VNM POST "/v1/requests/$B/transitions" '{"to":"queued"}'
if [ "$STATUS" = 200 ]; then
	rq_wait VNM "$B" rejected
	grep -q "not_in_force\|bilateral" <<<"$BODY" || fail "the rejection gives no reason: $BODY"
	fed_api FRA GET "/v1/requests/$B"
	[ "$STATUS" = 404 ] || fail "FRA holds a copy of a request its gate refused: $BODY"
	ok "a request FRA's gate refuses ends rejected on VNM (no copy on FRA)"
else
	expect_field 403 "queue on an undeclared bilateral basis" legal_basis
	ok "VNM refuses to send on a bilateral basis it has not declared"
fi
