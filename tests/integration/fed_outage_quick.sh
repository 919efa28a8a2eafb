#!/usr/bin/env bash
# fed_outage.sh shortened (100 messages, the receiver down 5 s) and not
# labelled slow, so that the sanitizer build runs the delivery paths
# (claims, retries with backoff, batched receipts) under an outage too.
FED_N=100 FED_DOWN_S=5 exec bash "$HN_SRC/tests/integration/fed_outage.sh"
