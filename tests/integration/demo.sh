#!/usr/bin/env bash
# hanoinet demo --scenario-only: a registry and 3 nodes start, the scenario
# (preservation, acknowledgement, follow-up MLA) completes, the info file
# lists URLs and logins, and every process stops.
. "$HN_SRC/tests/integration/lib/node.sh"

out="$HN_T/demo.out"
timeout 120 "$HN_BIN" demo --scenario-only --info "$HN_T/info.json" \
    --dir "$HN_T/demo" >"$out" 2>&1 || { cat "$out" >&2; fail "demo failed"; }
grep -q "SIMULATED register" "$out" || fail "no simulated-register notice"
grep -q "NOT yet in force" "$out" || fail "no real-register status"
grep -q "Scenario complete." "$out" || fail "scenario"
grep -q "delivered to FRA: signed receipt" "$out" || fail "delivery"
python3 - "$HN_T/info.json" <<'PY' || fail "info file"
import json, sys
i = json.load(open(sys.argv[1]))
assert i["simulated_register"] is True
assert [n["party"] for n in i["nodes"]] == ["VNM", "FRA", "BRA"]
assert all(n["url"].startswith("https://127.0.0.1:") for n in i["nodes"])
assert {a["name"] for a in i["nodes"][0]["accounts"]} >= {"admin", "duty", "central", "supervisor", "auditor"}
assert i["registry"]["url"].startswith("https://127.0.0.1:")
PY
ok "demo scenario"
# No serve process of this demo is left.
if pgrep -f "serve --dir $HN_T/demo/" >/dev/null; then fail "processes left"; fi
ok "all stopped"
# --status: the register only, exit 0
"$HN_BIN" demo --status | grep -q "NOT yet in force" || fail "--status"
"$HN_BIN" demo --nodes 1 >/dev/null 2>&1 && fail "--nodes 1 accepted"
ok "options"
