#!/usr/bin/env bash
# Two nodes on loopback: a preservation request VNM -> FRA (created and
# queued on VNM) is delivered over mutual TLS, receipted with FRA's ledger
# index and checkpoint, stored once; FRA's acknowledgement comes back; a
# follow-up MLA request; witnessing.
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"

FED_WITNESS=1 fed_setup VNM FRA
fed_start VNM
fed_start FRA

fed_api VNM GET /v1/federation
expect 200 federation
[ "$(jget directory.serial)" = 1 ] || fail "directory serial: $BODY"
[ "$(jget register_label)" = "SIMULATED register (test)" ] || fail "label"

fed_queue VNM FRA preservation
P=$MSGID
fed_wait_status VNM "$P" delivered
fed_api VNM GET "/v1/messages/$P"
grep -q '"receipt": *"hanoinet-receipt-v1 FRA ' <<<"$BODY" || fail "receipt: $BODY"
ok "preservation delivered with a signed receipt"
fed_inbox_total FRA
[ "$TOTAL" = 1 ] || fail "FRA stored $TOTAL"
fed_api FRA GET "/v1/messages?box=in"
[ "$(jget messages.0.id)" = "$P" ] || fail "FRA inbox: $BODY"
[ "$(jget messages.0.kind)" = preservation ] || fail "kind"
[ "$(jget messages.0.body.offence)" = O ] || fail "body"

rq_wait FRA "$P" received
fed_api FRA POST "/v1/requests/$P/transitions" '{"to":"acknowledged"}'
expect 200 "acknowledge on FRA"
fed_api FRA GET "/v1/messages?request_id=$P"
fed_wait_status FRA "$(jget messages.0.id)" delivered
rq_wait VNM "$P" acknowledged
fed_queue VNM FRA mla
fed_wait_status VNM "$MSGID" delivered
fed_inbox_total FRA
[ "$TOTAL" = 2 ] || fail "FRA total $TOTAL"
fed_inbox_total VNM
[ "$TOTAL" = 1 ] || fail "VNM total $TOTAL"
ok "acknowledged, then a follow-up MLA request"

# Invalid messages are refused at the sender's API (fed_messages.sh: all).
fed_api VNM POST /v1/messages "{\"to\":\"VNM\",\"kind\":\"more_information\",\"request_id\":\"$P\",\"body\":{}}"
expect_field 400 "to ourselves" to
fed_api VNM POST /v1/messages '{"to":"FRA","kind":"gossip","body":{}}'
expect_field 400 "unknown kind" kind
fed_api VNM POST /v1/messages '{"to":"FRA","kind":"refusal","body":{}}'
expect_field 400 "a state change through the messages route" kind
[ "$(jget error)" = use_request_routes ] || fail "refusal: $BODY"

# Witnessing: within a few rounds each node cosigned the other's log.
for i in $(seq 1 100); do
	URL=${URLS[VNM]}; CA="$HN_T/VNM/tls.crt"
	api GET "/v1/log/cosignatures" "" ""
	grep -q "^FRA [0-9]* VNM " <<<"$BODY" && grep -q "^VNM [0-9]* FRA " <<<"$BODY" && break
	sleep 0.2
done
grep -q "^FRA [0-9]* VNM " <<<"$BODY" || fail "VNM made no cosignature: $BODY"
grep -q "^VNM [0-9]* FRA " <<<"$BODY" || fail "VNM holds no cosignature by FRA: $BODY"
fed_api VNM GET /v1/witness
[ "$(jget alert_count)" = 0 ] || fail "alerts: $BODY"
ok "checkpoints cosigned both ways, no alert"

fed_stop VNM
fed_stop FRA
grep -q 'event=serve.stopped clean=1' "$HN_T/VNM/serve.log" || fail "clean stop"
ok "clean stop"
