#!/usr/bin/env bash
# ctest-labels: slow
# kill -9 of the receiver and of the sender during delivery, repeated:
# all messages (more information about one request both nodes hold) are
# delivered, none lost, none processed twice.
# FED_N and FED_ROUNDS shorten it (fed_kill_quick.sh).
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"

N=${FED_N:-1000}
FED_RETRY_BASE=100 FED_RETRY_MAX=1000 fed_setup VNM FRA
fed_start VNM
fed_start FRA
fed_traffic_setup VNM FRA
# Queue everything while FRA is down (delivery is faster than queueing
# over one connection), then deliver under fire: the rows come due over
# about a second of backoff, and the kills land within it.
fed_stop FRA
fed_send_many VNM FRA "$N" "$HN_T/sent.ids" "$FED_RQ"
fed_start FRA
for round in $(seq 1 "${FED_ROUNDS:-4}"); do
	sleep 0.$(( RANDOM % 3 + 1 ))
	fed_kill FRA
	fed_outbox VNM; echo "round $round: FRA killed at $DELIVERED delivered"
	sleep 0.3
	fed_start FRA
	sleep 0.$(( RANDOM % 3 + 1 ))
	fed_kill VNM
	echo "round $round: VNM killed"
	fed_start VNM
	fed_outbox VNM; echo "round $round: VNM restarted at $DELIVERED delivered"
done
fed_wait_delivered VNM "$(( N + 1 ))" 120
fed_check_exactly_once VNM FRA "$HN_T/sent.ids" "$N"
