#!/usr/bin/env bash
# Every legal and every illegal transition of every request kind, on the
# requesting and the requested side, through the API (lib/lifecycle.py walks
# the node's own transition table); the ledger verifies afterwards.
# ctest-labels: slow
. "$HN_SRC/tests/integration/lib/node.sh"

N="$HN_T/vnm"
hn_init "$N" VNM
hn_start "$N"
TOKEN=$(login admin "$ADMIN_PW")
declare -A TOK
for role in duty_officer supervisor; do
	pw=$(add_account "u-$role" "$role")
	TOK[$role]=$(login "u-$role" "$pw")
done
# every legal and illegal transition, both sides
python3 -c 'import json,sys; print(json.dumps(dict(zip(sys.argv[1::2], sys.argv[2::2]))))' \
	duty_officer "${TOK[duty_officer]}" supervisor "${TOK[supervisor]}" >"$HN_T/tokens.json"
out=$(python3 "$HN_SRC/tests/integration/lib/lifecycle.py" "$URL" "$CA" "$HN_T/tokens.json" "$HN_BIN" "$N") || fail "$out"
ok "lifecycle: $out"

hn_stop "$PID"
"$HN_BIN" log verify --dir "$N" >/dev/null || fail "ledger does not verify"
ok "the ledger verifies"
