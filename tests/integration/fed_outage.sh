#!/usr/bin/env bash
# ctest-labels: slow
# The receiver is down for 30 s while 1,000 messages (more information
# about one request both nodes hold) are sent; after it returns, all are
# delivered, none lost, none processed twice.
# FED_N and FED_DOWN_S shorten it (fed_outage_quick.sh).
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"

N=${FED_N:-1000}
DOWN_S=${FED_DOWN_S:-30}
FED_RETRY_BASE=200 FED_RETRY_MAX=3000 fed_setup VNM FRA
fed_start VNM
fed_start FRA
fed_traffic_setup VNM FRA
fed_stop FRA
down=$(date +%s)
fed_send_many VNM FRA "$N" "$HN_T/sent.ids" "$FED_RQ"
[ "$(wc -l <"$HN_T/sent.ids")" = "$N" ] || fail "queued"
ok "$N messages queued while FRA is down"
while [ $(( $(date +%s) - down )) -lt "$DOWN_S" ]; do sleep 1; done
fed_outbox VNM
[ "$DELIVERED" = 1 ] || fail "delivered while down? ($DELIVERED, the request and nothing more expected)"
[ "$PENDING" = "$N" ] || fail "pending $PENDING"
fed_api VNM GET "/v1/messages/$(head -1 "$HN_T/sent.ids")"
[ "$(jget status)" = delivering ] || fail "status: $BODY"
[ -n "$(jget last_error)" ] || fail "no last error: $BODY"
ok "after $DOWN_S s: all pending, status delivering with the last error"
fed_start FRA
fed_wait_delivered VNM "$(( N + 1 ))" 120
fed_check_exactly_once VNM FRA "$HN_T/sent.ids" "$N"
