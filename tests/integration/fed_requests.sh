#!/usr/bin/env bash
# The node's requests over the network: a preservation request created on
# VNM and queued is delivered to FRA (VNM: queued -> sent -> delivered; FRA:
# a requested-side request in state received); FRA acknowledges and the
# acknowledgement reaches VNM; then a follow-up MLA request.
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"

fed_setup VNM FRA
fed_start VNM
fed_start FRA

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

fed_api VNM POST /v1/requests "$(fed_request preservation VNM FRA)"
expect 201 "create"
P=$(jget id)
fed_api VNM POST "/v1/requests/$P/transitions" '{"to":"queued"}'
expect 200 "queue"
rq_wait VNM "$P" delivered
ok "VNM: preservation queued, sent, delivered"

fed_api FRA GET "/v1/requests?side=requested"
expect 200 "FRA list"
[ "$(jget requests.0.state)" = received ] || fail "FRA: $BODY"
[ "$(jget requests.0.kind)" = preservation ] || fail "FRA kind: $BODY"
R=$(jget requests.0.id)
ok "FRA: the request arrived as received"

fed_api FRA POST "/v1/requests/$R/transitions" '{"to":"acknowledged"}'
expect 200 "acknowledge"
for i in $(seq 1 150); do
	fed_api VNM GET "/v1/messages?box=in"
	[ "$(jget messages.0.kind 2>/dev/null)" = acknowledgement ] && break
	sleep 0.1
done
[ "$(jget messages.0.kind)" = acknowledgement ] || fail "no acknowledgement on VNM: $BODY"
fed_api VNM GET "/v1/messages?request_id=$P"
MSG=$(jget messages.0.id)
fed_api VNM GET "/v1/messages?box=in"
[ "$(jget messages.0.in_reply_to)" = "$MSG" ] || fail "acknowledgement not linked to $MSG: $BODY"
ok "FRA acknowledged; VNM has the acknowledgement, in reply to its request's message"

fed_api VNM POST /v1/requests "$(fed_request mla VNM FRA)"
expect 201 "create mla"
M=$(jget id)
fed_api VNM POST "/v1/requests/$M/transitions" '{"to":"queued"}'
expect 200 "queue mla"
rq_wait VNM "$M" delivered
fed_api FRA GET "/v1/requests?side=requested&kind=mla"
[ "$(jget requests.0.state)" = received ] || fail "FRA mla: $BODY"
ok "follow-up MLA request delivered"
