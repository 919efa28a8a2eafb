#!/usr/bin/env bash
# Requests over the API: create each kind, validation errors with field and
# article, list with filters and pagination, deadlines and due levels, every
# legal and illegal transition on both sides, approval of emergencies, the
# ledger entry of every change, the command-line client. (Every legal and
# illegal transition: node_lifecycle.sh.)
. "$HN_SRC/tests/integration/lib/node.sh"

N="$HN_T/vnm"
hn_init "$N" VNM
hn_start "$N"
TOKEN=$(login admin "$ADMIN_PW")
declare -A PW TOK
for role in duty_officer central_authority supervisor auditor; do
	PW[$role]=$(add_account "u-$role" "$role")
	TOK[$role]=$(login "u-$role" "${PW[$role]}")
done
TOK[admin]=$TOKEN
curl -sS --cacert "$CA" "$URL/v1/kinds" >"$HN_T/kinds.json"
kinds=$(python3 -c 'import json,sys; print(" ".join(k["name"] for k in json.load(open(sys.argv[1]))["kinds"]))' "$HN_T/kinds.json")
[ -n "$kinds" ] || fail "no kinds"
mk() { python3 "$HN_SRC/tests/integration/lib/mkrequest.py" "$HN_T/kinds.json" "$@"; }

# create each kind
TOKEN=${TOK[duty_officer]}
prev=-1
for k in $kinds; do
	api POST /v1/requests "$(mk "$k" VNM FRA)"
	expect 201 "create $k"
	[ "$(jget kind)" = "$k" ] && [ "$(jget state)" = draft ] || fail "create $k: $BODY"
	idx=$(jget ledger_index)
	[ "$idx" -gt "$prev" ] || fail "ledger index did not grow: $idx"
	prev=$idx
	id=$(jget id)
	api GET "/v1/requests/$id"
	expect 200 "show $k"
	[ "$(jget body.kind)" = "$k" ] || fail "show body"
	[ "$(jget history.0.to)" = draft ] || fail "history"
	api GET "/v1/log/proof/$idx" "" "${TOK[auditor]}"
	expect 200 "proof of $k"
	case "$(jget entry_text)" in *"\"id\":\"$id\""*request.created*) ;; *) fail "ledger entry: $BODY" ;; esac
done
ok "each kind created, stored, shown, in the ledger"

# validation: field and article named; every problem listed
api POST /v1/requests '{"kind":"preservation","from":"VNM","to":"FRA"}'
expect 400 "incomplete preservation"
[ "$(jget error)" = validation_failed ] || fail "$BODY"
python3 - "$BODY" <<'PY' || fail "problems: $BODY"
import json, sys
d = json.loads(sys.argv[1])
fields = {p["field"]: p["article"] for p in d["problems"]}
assert fields.get("offence") == "42 (b)", fields
assert fields.get("necessity") == "42 (e)", fields
assert len(d["problems"]) >= 5
PY
api POST /v1/requests "$(mk preservation FRA DEU)"
expect_field 400 "from another party" from
api POST /v1/requests "$(mk preservation VNM FRA mla_to_follow=false)"
expect 400 "art. 42 (f)"
[ "$(jget article)" = "42 (f)" ] || fail "$BODY"
api POST /v1/requests '{"kind":"teleportation","from":"VNM","to":"FRA"}'
expect 400 "unknown kind"
api POST /v1/requests "$(mk preservation VNM FRA surprise=1)"
expect 400 "unknown field"
api POST /v1/requests '{"kind":'
expect 400 "malformed"
api POST /v1/requests "$(mk mla VNM FRA)" "${TOK[auditor]}"
expect 403 "auditor creates"
ok "validation errors name the field and the article"

# deadlines and due levels (art. 40: the requester's stated deadline)
now=$(date -u +%s)
fmt() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
# a deadline stated in the past is refused here (art. 40: 400, field
# deadline) but not on an incoming request, which is the requester's word:
# received, and overdue at once
api POST /v1/requests "$(mk mla VNM DEU deadline="$(fmt $((now - 60)))" deadline_reason=late)"
expect_field 400 "past deadline" deadline
mk mla DEU VNM deadline="$(fmt $((now - 60)))" deadline_reason=late >"$HN_T/late.json"
over=$("$HN_BIN" request receive --dir "$N" "$HN_T/late.json" | awk '{print $2}')
api GET "/v1/requests/$over"
[ "$(jget deadlines.0.name)" = requested_by ] && [ "$(jget deadlines.0.level)" = overdue ] || fail "overdue: $BODY"
# due soon: an incoming request received 20 hours ago whose acknowledgement
# (art. 41, 24 h target) is due in 4 hours (the row's schedule moved back
# with it: next_due = received + 24 h, soon_at = next_due - 6 h)
mk preservation DEU VNM >"$HN_T/in.json"
soon=$("$HN_BIN" request receive --dir "$N" "$HN_T/in.json" | awk '{print $2}')
sqlite3 "$N/hanoinet.db" "UPDATE requests SET received_at = $((now - 72000)), created_at = $((now - 72000)), next_due = $((now + 14400)), soon_at = $((now - 7200)) WHERE id = '$soon'" || fail "sqlite3"
api GET "/v1/requests/$soon"
[ "$(jget deadlines.0.name)" = acknowledge ] && [ "$(jget deadlines.0.level)" = due_soon ] || fail "due soon: $BODY"
api POST /v1/requests "$(mk mla VNM DEU deadline="$(fmt $((now + 90 * 86400)))" deadline_reason=later)"
expect 201 "far deadline"
far=$(jget id)
[ "$(jget deadlines.0.level)" = ok ] || fail "ok: $BODY"
ids() { python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.loads(sys.argv[1])["requests"]))' "$BODY"; }
api GET "/v1/requests?party=DEU&due=overdue"
[ "$(ids)" = "$over" ] || fail "due=overdue: $(ids)"
api GET "/v1/requests?party=DEU&due=due_soon"
[ "$(ids)" = "$soon" ] || fail "due=due_soon: $(ids)"
api GET "/v1/requests?party=DEU&due=ok"
[ "$(ids)" = "$far" ] || fail "due=ok: $(ids)"
api GET /metrics "" "$TOKEN"
expect 403 "metrics for officers"
api GET /metrics "" "${TOK[auditor]}"
printf '%s\n' "$BODY" | grep -q '^hanoinet_requests_overdue 1$' || fail "overdue metric: $(printf '%s\n' "$BODY" | grep overdue)"
printf '%s\n' "$BODY" | grep -q '^hanoinet_requests{kind="mla",state="draft"} [0-9]' || fail "requests metric"
printf '%s\n' "$BODY" | grep -q '^hanoinet_ledger_entries [0-9]' || fail "ledger metric"
ok "deadlines, due-level filters, metrics"

# filters and pagination
api GET "/v1/requests?kind=mla&limit=500"
n_mla=$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["requests"]))' "$BODY")
[ "$n_mla" = 3 ] || fail "kind=mla: $n_mla"
api GET "/v1/requests?state=draft&party=FRA&side=requesting"
expect 200 "filters"
for bad in "kind=x" "state=nowhere" "due=later" "limit=0" "limit=501" "cursor=zzz" "side=up" "party=FRANCE"; do
	api GET "/v1/requests?$bad"
	expect 400 "filter $bad"
done
seen=""
cursor=""
for i in $(seq 1 50); do
	api GET "/v1/requests?limit=3${cursor:+&cursor=$cursor}"
	expect 200 "page $i"
	seen="$seen $(ids)"
	cursor=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1]).get("next_cursor") or "")' "$BODY")
	[ -n "$cursor" ] || break
done
api GET "/v1/requests?limit=500"
all=$(ids)
[ "$(echo $seen | tr ' ' '\n' | sort | tr '\n' ' ')" = "$(echo $all | tr ' ' '\n' | sort | tr '\n' ' ')" ] || fail "pagination lost or repeated rows"
[ "$(echo $seen | wc -w)" = "$(echo $all | wc -w)" ] || fail "pagination count"
ok "filters (kind, party, state, side, due) and cursor pagination"

# emergency: a supervisor approves (art. 41)
api POST /v1/requests "$(mk emergency VNM FRA)"
em=$(jget id)
api POST "/v1/requests/$em/transitions" '{"to":"awaiting_approval"}'
expect 200 "submit emergency"
api POST "/v1/requests/$em/approve" '{}'
expect 403 "officer approves"
api POST "/v1/requests/$em/approve" '' "${TOK[supervisor]}"
expect 200 "supervisor approves"
# approving sends: the request is queued (or further) when the answer comes
case "$(jget state)" in queued|delivered) ;; *) fail "approved but $(jget state): $BODY" ;; esac
[ "$(jget from_state)" = awaiting_approval ] || fail "$BODY"
api POST "/v1/requests/$em/approve" '{}' "${TOK[supervisor]}"
expect 409 "approve twice"
api POST "/v1/requests/$over/approve" '{}' "${TOK[supervisor]}"
expect 409 "approve a non-emergency"
api POST "/v1/requests/0123456789abcdef0123456789abcdef/approve" '{}' "${TOK[supervisor]}"
expect 404 "approve nothing"
api POST "/v1/requests/$em/transitions" '{"to":"nowhere"}'
expect 400 "unknown state"
api POST "/v1/requests/$em/transitions" '{"to":"queued","grounds":"x"}'
expect 400 "grounds not a list"
ok "emergency approval by a supervisor only"

# the command line as a client
export HANOINET_DIR="$N"
printf '%s\n' "${PW[duty_officer]}" | "$HN_BIN" login --node "$URL" u-duty_officer >/dev/null || fail "cli login"
f=$(ls "$XDG_CONFIG_HOME"/hanoinet/session-*)
[ "$(stat -c %a "$f")" = 600 ] || fail "session file mode"
mk preservation VNM FRA >"$HN_T/p.json"
out=$("$HN_BIN" request create --node "$URL" "$HN_T/p.json") || fail "cli create"
cid=$(echo "$out" | awk '{print $2}')
"$HN_BIN" request list --node "$URL" --kind preservation | grep -q "$cid" || fail "cli list"
"$HN_BIN" request show --node "$URL" "$cid" | grep -q '"state": "draft"' || fail "cli show"
"$HN_BIN" request transition --node "$URL" "$cid" withdrawn | grep -q "draft -> withdrawn" || fail "cli transition"
"$HN_BIN" request transition --node "$URL" "$cid" draft 2>/dev/null && fail "cli illegal transition accepted"
echo '{"kind":"preservation"}' | "$HN_BIN" request create --node "$URL" - 2>"$HN_T/err" && fail "cli invalid create"
grep -q "42 (b)" "$HN_T/err" || fail "cli problems: $(cat "$HN_T/err")"
"$HN_BIN" logout --node "$URL" >/dev/null || fail "cli logout"
"$HN_BIN" request list --node "$URL" 2>/dev/null && fail "list after logout"
ok "command line: login, request create/list/show/transition, logout"

# the audit log verifies
hn_stop "$PID"
"$HN_BIN" log verify --dir "$N" >/dev/null || fail "ledger does not verify"
ok "the ledger verifies"
