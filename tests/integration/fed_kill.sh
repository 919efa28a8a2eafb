#!/usr/bin/env bash
# ctest-labels: slow
# kill -9 of the receiver and of the sender during delivery, repeated:
# all messages are delivered, none lost, none processed twice.
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"

N=${FED_N:-1000}
FED_RETRY_BASE=100 FED_RETRY_MAX=1000 fed_setup VNM FRA
fed_start VNM
fed_start FRA
fed_stop VNM   # queue everything first, deliver under fire
fed_start VNM
fed_send_many VNM FRA "$N" "$HN_T/sent.ids"
for round in 1 2 3 4; do
	sleep 0.$(( RANDOM % 5 + 3 ))
	fed_kill FRA
	fed_outbox VNM; echo "round $round: FRA killed at $DELIVERED delivered"
	sleep 0.5
	fed_start FRA
	sleep 0.$(( RANDOM % 5 + 3 ))
	fed_kill VNM
	echo "round $round: VNM killed"
	fed_start VNM
done
fed_wait_delivered VNM "$N" 120
fed_check_exactly_once VNM FRA "$HN_T/sent.ids" "$N"
