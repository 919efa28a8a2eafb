#!/usr/bin/env bash
# issue 17: a real node's /metrics is clean under Prometheus's own
# `promtool check metrics` (every family with # HELP and # TYPE, names and
# units by its conventions), the federation families included.
. "$HN_SRC/tests/integration/lib/node.sh"
command -v promtool >/dev/null || fail "promtool missing (scripts/bootstrap installs prometheus)"

N="$HN_T/vnm"
hn_init "$N" VNM
hn_start "$N"
TOKEN=$(login admin "$ADMIN_PW")
api GET /metrics
expect 200 "scrape /metrics"
printf '%s\n' "$BODY" >"$HN_T/metrics.txt"
out=$(promtool check metrics <"$HN_T/metrics.txt" 2>&1) || fail "promtool check metrics: $out"
grep -q '^# HELP hanoinet_witness_cosigned_total ' "$HN_T/metrics.txt" ||
    fail "the scrape carries the federation families"
ok "promtool check metrics: clean ($(grep -c '^# TYPE' "$HN_T/metrics.txt") families)"
