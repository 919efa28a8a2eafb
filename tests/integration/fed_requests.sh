#!/usr/bin/env bash
# The node's requests over the network, with one id on both nodes: a
# preservation request created on VNM and queued is delivered to FRA (VNM:
# queued -> sent -> delivered; FRA: the same id, requested side, received);
# FRA's answers move VNM's request (acknowledged, preserved); stale,
# repeated, illegal and misdirected answers change nothing but stay in the
# inbox; a withdrawal on VNM withdraws FRA's copy; a withdrawal of an
# answered request changes nothing; a follow-up MLA request.
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"

fed_setup VNM FRA
fed_start VNM
fed_start FRA

queue VNM preservation FRA
P=$RQ
rq_wait VNM "$P" delivered
ok "VNM: preservation queued, sent, delivered"

rq_wait FRA "$P" received
[ "$(jget side)" = requested ] || fail "FRA side: $BODY"
[ "$(jget kind)" = preservation ] || fail "FRA kind: $BODY"
[ "$(jget from)" = VNM ] || fail "FRA from: $BODY"
fed_api VNM GET "/v1/messages?request_id=$P"
[ "$(jget messages.0.id)" = "$P" ] || fail "the request's message id is not its id: $BODY"
ok "FRA holds the request under the same id ($P), state received"

fed_api FRA POST "/v1/requests/$P/transitions" '{"to":"acknowledged"}'
expect 200 "acknowledge"
rq_wait VNM "$P" acknowledged
grep -q '"actor":"FRA"' <<<"$BODY" || fail "VNM history does not name FRA: $BODY"
fed_api FRA POST "/v1/requests/$P/transitions" '{"to":"preserved","reason":"kept 60 days"}'
expect 200 "preserve"
rq_wait VNM "$P" preserved
[ -n "$(jget preserved_at)" ] || fail "no preserved_at on VNM: $BODY"
ok "FRA's acknowledgement and preservation move VNM's request"

# More information (art. 40 consultation): asked by FRA, supplied by VNM;
# each lands in the other side's history, no state moves.
fed_api FRA POST "/v1/requests/$P/messages" '{"kind":"more_information","text":"Which account names exactly?"}'
expect 201 "ask for more information"
rq_wait_text VNM "$P" 'Which account names exactly'
python3 -c '
import json, sys
h = json.loads(sys.argv[1])["history"]
assert any(e["actor"] == "FRA" and e.get("payload", {}).get("message") == "more_information"
           and e["from"] == e["to"] == "preserved" and e["ledger_index"] >= 0 for e in h), h
' "$BODY" || fail "the question did not reach VNM as FRA's: $BODY"
[ "$(jget state)" = preserved ] || fail "a question moved VNM's request: $BODY"
fed_api VNM POST "/v1/requests/$P/messages" '{"kind":"more_information","text":"Accounts phish-1 and phish-2"}'
expect 201 "supply more information"
rq_wait_text FRA "$P" 'Accounts phish-1 and phish-2'
fed_api FRA POST "/v1/requests/$P/messages" '{"kind":"refusal","text":"x"}'
expect_field 400 "a message kind other than more_information" kind
fed_api FRA POST "/v1/requests/$P/messages" '{"kind":"more_information","text":""}'
expect_field 400 "empty text" text
fed_api VNM POST /v1/requests "$(fed_request mla VNM FRA)"
fed_api VNM POST "/v1/requests/$(jget id)/messages" '{"kind":"more_information","text":"too early"}'
expect 409 "a draft has not gone over the network"
fed_api VNM POST "/v1/requests/0123456789abcdef0123456789abcdef/messages" '{"kind":"more_information","text":"x"}'
expect 404 "unknown request"
ok "more information asked and supplied across nodes; wrong kind, empty text, draft and unknown request refused"

# Stale, repeated, illegal for the kind, misdirected: nothing moves. The
# senders' APIs no longer send such messages (400 use_request_routes), so
# they come as a peer that skips its own gate would send them (fed_raw).
raw() { # raw FROM TO KIND IN_REPLY_TO BODY: posted and receipted
	fed_raw "$@"
	expect 200 "$3 $1->$2 posted to the inbox"
	inbox_has "$2" "$MSGID"
}
raw FRA VNM acknowledgement "$P" "{\"request\":\"$P\",\"state\":\"acknowledged\"}"
raw FRA VNM response "$P" "{\"request\":\"$P\",\"state\":\"executed\"}"
raw FRA VNM status_update "$P" "{\"request\":\"$P\",\"state\":\"sent\"}"
rq_state VNM "$P"
[ "$ST" = preserved ] || fail "a stale or illegal answer moved VNM to $ST"
raw VNM FRA refusal "$P" "{\"request\":\"$P\",\"state\":\"refused\"}"
rq_state FRA "$P"
[ "$ST" = preserved ] || fail "the requester answered its own request: FRA $ST"
raw FRA VNM acknowledgement 0123456789abcdef0123456789abcdef '{"state":"acknowledged"}'
ok "stale, repeated, illegal and misdirected answers are kept in the inbox, change nothing"

# Withdrawal: a second preservation request, withdrawn once delivered.
queue VNM preservation FRA
W=$RQ
rq_wait VNM "$W" delivered
rq_wait FRA "$W" received
fed_api VNM POST "/v1/requests/$W/transitions" '{"to":"withdrawn","reason":"no longer needed"}'
expect 200 "withdraw"
rq_wait FRA "$W" withdrawn
grep -q '"actor":"VNM"' <<<"$BODY" || fail "FRA history does not name VNM: $BODY"
ok "a withdrawal on VNM withdraws FRA's copy"

# Art. 42: preserved data is kept at least 60 days; FRA cannot release it
# the day it took effect (only VNM's withdrawal ends it earlier), and both
# copies stay preserved; a draft withdrawn sends nothing.
fed_api FRA POST "/v1/requests/$P/transitions" '{"to":"released"}'
expect_field 409 "release before 60 days" state
[ "$(jget article)" = 42 ] || fail "release before 60 days cites $(jget article)"
rq_state FRA "$P"
[ "$ST" = preserved ] || fail "a refused release moved FRA to $ST"
rq_state VNM "$P"
[ "$ST" = preserved ] || fail "a refused release moved VNM to $ST"
fed_api VNM POST /v1/requests "$(fed_request preservation VNM FRA)"
D=$(jget id)
fed_api VNM POST "/v1/requests/$D/transitions" '{"to":"withdrawn"}'
expect 200 "withdraw draft"
fed_api VNM GET "/v1/messages?request_id=$D"
[ "$(jget messages.0.id 2>/dev/null)" = "" ] || fail "a withdrawn draft sent a message: $BODY"
ok "no release before 60 days (art. 42); a withdrawn draft sends nothing"

# Sent and withdrawn while FRA is down: the request and its withdrawal
# reach FRA later, in either order; FRA's copy ends withdrawn.
fed_stop FRA
queue VNM preservation FRA
X=$RQ
fed_api VNM POST "/v1/requests/$X/transitions" '{"to":"withdrawn"}'
expect 200 "withdraw before delivery"
fed_start FRA
rq_wait FRA "$X" withdrawn
rq_state VNM "$X"
[ "$ST" = withdrawn ] || fail "VNM: $ST"
ok "a request withdrawn before it was delivered ends withdrawn on both nodes"

# Art. 40: a language FRA accepts (the directory lists "en" for it).
body=$(fed_request preservation VNM FRA | sed 's/}$/,"language":"es"}/')
fed_api VNM POST /v1/requests "$body"
expect 201 "create in Spanish"
L=$(jget id)
fed_api VNM POST "/v1/requests/$L/transitions" '{"to":"queued"}'
expect 400 "queue a request in a language FRA does not accept"
[ "$(jget field)" = language ] && [ "$(jget article)" = 40 ] || fail "field/article: $BODY"
grep -q "FRA accepts requests in en; this request is in es" <<<"$(jget message)" || fail "message: $BODY"
rq_state VNM "$L"
[ "$ST" = draft ] || fail "the refused send left $ST"
fed_api VNM GET "/v1/messages?request_id=$L"
[ "$(jget messages.0.id 2>/dev/null)" = "" ] || fail "a message went out: $BODY"
body=$(fed_request preservation VNM FRA | sed 's/}$/,"language":"en-GB"}/')
fed_api VNM POST /v1/requests "$body"
L=$(jget id)
fed_api VNM POST "/v1/requests/$L/transitions" '{"to":"queued"}'
expect 200 "queue a request in English"
rq_wait FRA "$L" received
# The receiving node's gate refuses one that comes anyway.
fed_raw VNM FRA preservation "" "$(fed_request preservation VNM FRA | sed 's/}$/,"language":"es"}/')"
expect 400 "a request in Spanish posted to FRA's inbox"
[ "$(jget error)" = invalid_request ] || fail "error: $BODY"
grep -q "FRA accepts requests in en" <<<"$(jget message)" || fail "message: $BODY"
ok "art. 40: a request in a language FRA does not accept is refused by VNM (400, field, article) and by FRA's gate"

queue VNM mla FRA
M=$RQ
rq_wait VNM "$M" delivered
rq_wait FRA "$M" received
ok "follow-up MLA request delivered under the same id"
