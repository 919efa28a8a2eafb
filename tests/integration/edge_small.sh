#!/usr/bin/env bash
# The smaller edges of issue 15 (point 8):
#  (a) two PUTs at one evidence offset: the second is a conflict (409,
#      field offset), never 503 busy (a test hook holds the first PUT);
#  (b) one rule for who reads entry texts: duty officers get an inclusion
#      proof with the leaf hash but no entry; auditors and admins get the
#      entry (its leaf hash matches); tile entry bundles follow the rule;
#  (c) control and bidi-override characters (ESC, RLO U+202E, LRI, C1)
#      refused in request texts with the field named (400): a request
#      document, a transition's reason, a note; Arabic with RLM passes;
#  (d) the same texts from a peer (a request and a note posted straight to
#      the inbox, signed by the peer) are refused by the receiving node.
# ctest-labels: slow
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"

fed_setup VNM FRA
REL="$HN_T/release"
HN_TEST_UPLOAD_HOLD="$REL" fed_start VNM
fed_start FRA
fed_officer VNM
TOKEN=$(login admin "${ADMINPW[VNM]}")
ADMIN_TOKEN=$TOKEN
APW=$(add_account audit auditor)
AUDIT_TOKEN=$(login audit "$APW")
TOKEN=${OTOKEN[VNM]}

# ---- (a) two PUTs at one offset ----
REQ=$(new_request VNM FRA)
api POST /v1/evidence "{\"request\":\"$REQ\",\"name\":\"x.bin\"}"
expect 201 "start an upload"
UP=$(jget upload)
head -c 100000 /dev/urandom >"$HN_T/piece"
put() { # put OUT: PUT the piece at offset 0, the status into OUT
	curl -sS --max-time 60 --cacert "$CA" -o "$1.body" -w '%{http_code}' -X PUT \
	    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/octet-stream' \
	    --data-binary @"$HN_T/piece" "$URL/v1/evidence/uploads/$UP?offset=0" >"$1" || echo 000 >"$1"
}
put "$HN_T/first" &
first=$!
for i in $(seq 1 300); do
	[ -e "$REL.held" ] && break
	sleep 0.1
done
[ -e "$REL.held" ] || fail "the first PUT never held the upload"
put "$HN_T/second"
touch "$REL"
wait "$first"
[ "$(cat "$HN_T/first")" = 200 ] || fail "first PUT: $(cat "$HN_T/first") $(cat "$HN_T/first.body")"
BODY=$(cat "$HN_T/second.body")
STATUS=$(cat "$HN_T/second")
expect_field 409 "a second PUT at the same offset while the first runs" offset
[ "$(jget error)" = conflict ] || fail "error name: $BODY"
put "$HN_T/third"
BODY=$(cat "$HN_T/third.body")
STATUS=$(cat "$HN_T/third")
expect_field 409 "the same offset again after the first" offset
ok "two PUTs at one evidence offset: 200 and 409 conflict (field offset), no 503"

# ---- (b) entry texts: one rule ----
api GET "/v1/requests/$REQ"
IDX=$(jget ledger_index)
api GET "/v1/log/proof/$IDX"
expect 200 "a duty officer's proof"
python3 -c 'import json,sys
p=json.loads(sys.argv[1])
assert "entry_text" not in p and "entry" not in p, p
assert len(p["leaf_hash"]) == 44 and p["proof"] is not None, p' "$BODY" || fail "duty officer reads the entry: $BODY"
dutyleaf=$(jget leaf_hash)
for who in AUDIT_TOKEN ADMIN_TOKEN; do
	api GET "/v1/log/proof/$IDX" "" "${!who}"
	expect 200 "proof for $who"
	python3 -c 'import json,sys,hashlib,base64
p=json.loads(sys.argv[1])
e=base64.b64decode(p["entry"])
assert p["entry_text"].encode() == e, p
assert base64.b64encode(hashlib.sha256(b"\0"+e).digest()).decode() == p["leaf_hash"] == sys.argv[2], p
assert sys.argv[3] in p["entry_text"], p' "$BODY" "$dutyleaf" "$REQ" || fail "$who: $BODY"
done
api GET "/v1/log/tile/entries/000.p/1"
expect 403 "a duty officer's entry bundle"
api GET "/v1/log/tile/entries/000.p/1" "" "$AUDIT_TOKEN"
expect 200 "an auditor's entry bundle"
ok "entry texts: auditors and admins only (proofs and bundles); officers get the leaf hash"

# ---- (c) control and bidi-override characters through the API ----
ESC=$'\x1b'
RLO=$'\u202e'
LRI=$'\u2066'
C1=$'\u0085'
bad_doc() { # bad_doc FIELD-SETTER: a preservation document with one text changed
	python3 -c 'import json,sys
d=json.loads(sys.argv[1]); exec(sys.argv[2]); print(json.dumps(d))' "$(hn_doc preservation VNM FRA)" "$1"
}
n0=$(sqlite3 "$HN_T/VNM/hanoinet.db" "SELECT count(*) FROM requests")
api POST /v1/requests "$(bad_doc "d['facts']='invoice ${RLO}fdp.exe'")"
expect 400 "RLO in facts"
grep -q '"facts"' <<<"$BODY" || fail "the error does not name facts: $BODY"
grep -q 'U+202E' <<<"$BODY" || fail "the error does not name the character: $BODY"
api POST /v1/requests "$(bad_doc "d['offence']='fraud${ESC}[2J'")"
expect 400 "ESC in offence"
grep -q '"offence"' <<<"$BODY" || fail "the error does not name offence: $BODY"
api POST /v1/requests "$(bad_doc "d['data'][0]['description']='logs ${LRI}x'")"
expect 400 "LRI in data[0].description"
grep -q 'data\[0\].description' <<<"$BODY" || fail "the error does not name data[0].description: $BODY"
api POST /v1/requests "$(bad_doc "d['custodian']='ISP${C1}'")"
expect 400 "a C1 control in custodian"
[ "$(sqlite3 "$HN_T/VNM/hanoinet.db" "SELECT count(*) FROM requests")" = "$n0" ] || fail "a refused request was stored"
api POST /v1/requests "$(bad_doc "d['facts']='line one\nline two\twith a tab; مرحبا $(printf '\u200f')(RLM) ok'")"
expect 201 "newlines, tabs, Arabic and RLM pass"
OKREQ=$(jget id)
api POST "/v1/requests/$OKREQ/transitions" "{\"to\":\"withdrawn\",\"reason\":\"done ${RLO}\"}"
expect_field 400 "RLO in a transition's reason" reason
api GET "/v1/requests/$OKREQ"
[ "$(jget state)" = draft ] || fail "the refused transition moved the request: $BODY"
ok "control and bidi-override characters refused in request texts, field named; LF, TAB, Arabic, RLM pass"

# ---- (d) the same from a peer ----
queue VNM mla FRA
M=$RQ
rq_wait VNM "$M" delivered
rq_wait FRA "$M" received
fed_api VNM POST /v1/messages "{\"to\":\"FRA\",\"kind\":\"more_information\",\"request_id\":\"$M\",\"body\":{\"request\":\"$M\",\"payload\":{\"message\":\"more_information\",\"text\":\"see ${RLO}fdp.exe\"}}}"
expect_field 400 "a note with RLO through the API" body.payload.text
fed_raw VNM FRA preservation "" "$(fed_request preservation VNM FRA | sed "s/\"facts\":\"F\"/\"facts\":\"F ${RLO}gpj.exe\"/")"
expect 400 "a request with RLO posted to FRA's inbox"
grep -q 'facts' <<<"$BODY" || fail "FRA's refusal does not name facts: $BODY"
fed_api FRA GET "/v1/requests/$MSGID"
expect 404 "FRA stored the refused request"
fed_raw VNM FRA more_information "$M" "{\"request\":\"$M\",\"payload\":{\"message\":\"more_information\",\"text\":\"x\\u001b[31m red\"}}"
[ "$STATUS" = 400 ] || grep -q '"refused"' <<<"$BODY" || fail "a note with ESC from a peer: $STATUS $BODY"
grep -q '"refused":"text: ' <<<"$BODY" || fail "the refusal does not name text: $BODY"
fed_api FRA GET "/v1/requests/$M"
grep -q "${ESC}\|\\\\u001b" <<<"$BODY" && fail "the ESC note is in FRA's history: $BODY"
ok "a peer's request or note with control or bidi-override characters is refused by the receiving node"
