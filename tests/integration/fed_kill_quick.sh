#!/usr/bin/env bash
# fed_kill.sh shortened (100 messages, 2 rounds of kill -9 of the receiver
# and of the sender) and not labelled slow, so that the sanitizer build
# runs the delivery paths through crashes too.
FED_N=100 FED_ROUNDS=2 exec bash "$HN_SRC/tests/integration/fed_kill.sh"
