#!/usr/bin/env bash
# The on-call roster (issue 16): an admin stores and reads it back; bad input
# is refused with the field named; other roles are refused; oversized bodies
# are refused; the roster survives a restart.
. "$HN_SRC/tests/integration/lib/node.sh"

N="$HN_T/vnm"
hn_init "$N" VNM
hn_start "$N"
TOKEN=$(login admin "$ADMIN_PW")

GOOD='{"zone":"UTC","people":[
 {"name":"An","lang":"en","email":"an@vnm.example","order":1,
  "slots":[{"day":"mon","from":"00:00","to":"24:00"}]},
 {"name":"Binh","lang":"fr","email":"binh@vnm.example","order":2,
  "webhook":"https://127.0.0.1:9/hook",
  "slots":[{"day":"tue","from":"08:00","to":"17:30"}]},
 {"name":"Chi","lang":"ar","email":"chi@vnm.example","order":3,
  "supervisor":true,"slots":[{"day":"sun","from":"00:00","to":"12:00"}]}]}'

api GET /v1/roster
expect 200 "empty roster"
[ "$(jget people)" = "[]" ] || fail "a new node's roster is empty: $BODY"
ok "a new node has an empty roster"

api PUT /v1/roster "$GOOD"
expect 200 "put roster"
api GET /v1/roster
expect 200 "get roster"
[ "$(jget people.1.email)" = "binh@vnm.example" ] || fail "roster read back: $BODY"
[ "$(jget updated_by)" = "admin" ] || fail "updated_by: $BODY"
ok "an admin stores the roster and reads it back"

# bad input, each refused with its field named
bad() { # bad FIELD JSON-EDIT(python on d)
	local doc
	doc=$(python3 -c 'import json,sys
d=json.loads(sys.argv[1]); exec(sys.argv[2]); print(json.dumps(d))' "$GOOD" "$2")
	api PUT /v1/roster "$doc"
	expect_field 400 "bad roster ($2)" "$1"
}
bad "people[0].email" 'd["people"][0]["email"]="no-at-sign"'
bad "people[0].email" 'd["people"][0]["email"]="a b@x.org"'
bad "people[1].email" 'd["people"][1]["email"]="<x@y.org>"'
bad "people[1].webhook" 'd["people"][1]["webhook"]="http://127.0.0.1/hook"'
bad "people[0].lang" 'd["people"][0]["lang"]="de"'
bad "people[2].order" 'd["people"][2]["order"]=0'
bad "people[2].order" 'd["people"][2]["order"]="1"'
bad "people[0].name" 'd["people"][0]["name"]=""'
bad "people[0].slots" 'd["people"][0]["slots"]=[]'
bad "people[0].slots[0].day" 'd["people"][0]["slots"][0]["day"]="monday"'
bad "people[1].slots[0].from" 'd["people"][1]["slots"][0]["from"]="8:00"'
bad "people[1].slots[0].to" 'd["people"][1]["slots"][0]["to"]="07:00"'
bad "people[1].slots[0].to" 'd["people"][1]["slots"][0]["to"]="24:01"'
bad "people[2].supervisor" 'd["people"][2]["supervisor"]="yes"'
bad "people[0]" 'd["people"][0]["phone"]="+84"'
bad "zone" 'd["zone"]="Asia/Ho_Chi_Minh"'
bad "people" 'd["people"]=[d["people"][0]]*65'
ok "bad rosters are refused, each naming its field"

api GET /v1/roster
[ "$(jget people.1.email)" = "binh@vnm.example" ] || fail "a refused PUT left the roster alone: $BODY"
ok "a refused roster changes nothing"

big=$(python3 -c 'print("{\"people\":[],\"x\":\"" + "a"*70000 + "\"}")')
api PUT /v1/roster "$big"
expect 413 "oversized roster"
ok "an oversized roster is refused (413)"

PW=$(add_account u-duty duty_officer)
api GET /v1/roster "" "$(login u-duty "$PW")"
expect 403 "duty officer reads roster"
api PUT /v1/roster "$GOOD" ""
expect 401 "anonymous put"
ok "only admins read or change the roster"

hn_stop "$PID"
hn_start "$N"
TOKEN=$(login admin "$ADMIN_PW")
api GET /v1/roster
[ "$(jget people.2.supervisor)" = "True" ] || fail "roster after restart: $BODY"
ok "the roster survives a restart"

# the CLI on a local data directory (the node still running: WAL)
printf '%s' "$GOOD" | sed 's/"order":3/"order":"3"/' >"$HN_T/bad.json"
if out=$("$HN_BIN" roster set --dir "$N" "$HN_T/bad.json" 2>&1); then
	fail "roster set took a bad file: $out"
fi
echo "$out" | grep -q 'people\[2\].order' || fail "roster set names the field: $out"
printf '%s' "$GOOD" | sed 's/"Binh"/"Bao"/' >"$HN_T/good.json"
"$HN_BIN" roster set --dir "$N" "$HN_T/good.json" >/dev/null || fail "roster set"
"$HN_BIN" roster show --dir "$N" | grep -q '"Bao"' || fail "roster show"
api GET /v1/roster
[ "$(jget people.1.name)" = "Bao" ] || fail "the node sees the CLI's roster: $BODY"
[ "$(jget updated_by)" = "local" ] || fail "updated_by local: $BODY"
ok "hanoinet roster set/show: validated by field, seen by the running node"
