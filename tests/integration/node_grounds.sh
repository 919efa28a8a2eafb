#!/usr/bin/env bash
# Issue 12 point 8 through a node's API and the command line: the grounds a
# refusal may carry (for preservation and disclosure only the narrow subset:
# UNCCC arts. 42, 43; Budapest 29(5), 30(2)); the dual-criminality
# reservation only for a party that made it; GET /v1/kinds citing each
# ground once and never like a field; art. 42 (d) (no custodian needed);
# art. 43 (a disclosure names its preservation); the register: a signature
# after 31 December 2026 (art. 64) and malformed reservations refused with
# their place. core/grounds.c and tests/unit/test_grounds.c have every
# combination; this is the same rules at the node's edges.
. "$HN_SRC/tests/integration/lib/node.sh"

N="$HN_T/vnm"
hn_init "$N" VNM
hn_start "$N"
TOKEN=$(login admin "$ADMIN_PW")
PW=$(add_account duty duty_officer)
TOKEN=$(login duty "$PW")
curl -sS --cacert "$CA" "$URL/v1/kinds" >"$HN_T/kinds.json"
mk() { python3 "$HN_SRC/tests/integration/lib/mkrequest.py" "$HN_T/kinds.json" "$@"; }
# drop KEY from a JSON document on stdin
drop() { python3 -c 'import json,sys; d=json.load(sys.stdin); d.pop(sys.argv[1]); print(json.dumps(d))' "$1"; }

# --- art. 42 (d): "any available information" - none is a valid request
api POST /v1/requests "$(mk preservation VNM FRA)"
expect 201 "preservation without custodian or location (art. 42 (d))"
case "$(jget body)" in *custodian*|*system_location*) fail "the document had a custodian: $BODY" ;; esac
ok "a preservation without custodian or system location is accepted (art. 42 (d))"

# --- art. 43: a traffic disclosure names the preservation it arises from
api POST /v1/requests "$(mk traffic_disclosure VNM FRA | drop preservation_reference)"
expect_field 400 "traffic disclosure without its preservation" preservation_reference
python3 - "$BODY" <<'PY' || fail "art. 43 problem: $BODY"
import json, sys
d = json.loads(sys.argv[1])
assert {"field": "preservation_reference", "article": "43"}.items() <= \
    next(p for p in d["problems"] if p["field"] == "preservation_reference").items(), d
PY
api POST /v1/requests "$(mk traffic_disclosure VNM FRA preservation_reference=VNM-PRES-1)"
expect 201 "traffic disclosure naming its preservation"
ok "a traffic disclosure without preservation_reference is refused (400, art. 43)"

# --- /v1/kinds: each ground once, with one citation that is no field's
python3 - "$HN_T/kinds.json" <<'PY' || fail "kinds grounds"
import json, sys
k = json.load(open(sys.argv[1]))
g = k["grounds"]
codes = [x["code"] for x in g]
assert len(codes) == len(set(codes)), codes
fields = {f["article"] for kk in k["kinds"] for f in kk["fields"] if f.get("article")}
for x in g:
    c = x["citation"]
    assert set(c) >= {"instrument", "article", "paragraph", "letter", "confirmed"}, c
    assert {"code", "article", "text", "preservation_only"} <= set(x), x
    if c["paragraph"] or c["letter"]:
        assert x["article"] not in fields, (x["code"], x["article"])
    for a in x["applies"]:
        assert a["basis"] in ("unccc", "budapest", "bilateral", "reciprocity"), a
def open_for(kind, basis):
    return sorted(x["code"] for x in g for a in x["applies"]
                  if a["basis"] == basis and kind in a["kinds"])
# the narrow subsets (the reservation listed where it may apply)
assert open_for("preservation", "budapest") == ["dual_criminality_reservation",
    "political_offence", "sovereignty_security_public_order"], open_for("preservation", "budapest")
assert open_for("traffic_disclosure", "budapest") == ["political_offence",
    "sovereignty_security_public_order"]
assert "non_conformity" not in open_for("preservation", "unccc")
assert "non_conformity" in open_for("mla", "unccc")
PY
ok "GET /v1/kinds: each ground once, cited by instrument, article, paragraph and letter, and where it applies"

# --- refusals on the requested side (VNM receives from FRA)
receive() { # receive KIND [key=value...]: a received, acknowledged request's id
	local id
	mk "$1" FRA VNM "${@:2}" >"$HN_T/in.json"
	id=$("$HN_BIN" request receive --dir "$N" "$HN_T/in.json" | awk '{print $2}')
	[ -n "$id" ] || fail "receive $1"
	api POST "/v1/requests/$id/transitions" '{"to":"acknowledged"}'
	expect 200 "acknowledge $1"
	echo "$id"
}
refuse() { # refuse ID GROUND: sets STATUS and BODY
	api POST "/v1/requests/$1/transitions" "{\"to\":\"refused\",\"grounds\":[\"$2\"],\"reason\":\"the reasons\"}"
}
article() { jget article 2>/dev/null || true; }

pres=$(receive preservation)
for g in non_conformity domestic_law_forbids contrary_to_legal_system political_offence law_or_treaty_ground; do
	refuse "$pres" "$g"
	expect_field 400 "preservation refused on $g (unccc)" grounds
	[ "$(article)" = 42 ] || fail "$g: article 42 expected: $BODY"
done
for g in bank_secrecy fiscal_matter forged_ground; do
	refuse "$pres" "$g"
	expect_field 400 "preservation refused on $g" grounds
done
# the reservation: VNM's register entry records none
refuse "$pres" dual_criminality_reservation
expect_field 400 "dual criminality without a reservation" grounds
case "$BODY" in *"no dual-criminality reservation"*) ;; *) fail "reason: $BODY" ;; esac
refuse "$pres" sovereignty_security_public_order
expect 200 "preservation refused on sovereignty (art. 42 via 40(21)(b))"
ok "preservation: only sovereignty and discrimination under unccc; the reservation not for a party without it"

# art. 43: it names a preservation VNM holds from FRA (the node's gate)
traf=$(receive traffic_disclosure "preservation_reference=$pres")
refuse "$traf" non_conformity
expect_field 400 "traffic disclosure refused on non_conformity" grounds
[ "$(article)" = 43 ] || fail "article 43 expected: $BODY"
refuse "$traf" discrimination
expect 200 "traffic disclosure refused on discrimination"
ok "traffic disclosure: the narrow subset (art. 43)"

mla=$(receive mla)
refuse "$mla" non_conformity
expect 200 "mla refused on non_conformity (art. 40(21)(a))"
ok "mutual assistance: the art. 40 list"

# --- the register (art. 64; reservations)
cat >"$HN_T/late.json" <<'JSON'
{"instrument": "unccc", "parties": [{"code": "NOR", "name": "N", "kind": "state",
  "events": [{"type": "signature", "date": "2026-12-31"}, {"type": "signature", "date": "2027-01-01"}]}]}
JSON
set +e
out=$("$HN_BIN" parties summary --register "$HN_T/late.json" 2>&1); st=$?
set -e
[ "$st" = 2 ] || fail "a signature dated 2027-01-01 was accepted: $out"
case "$out" in *"parties[0] (NOR).events[1].date: a signature dated 2027-01-01"*"(art. 64)"*) ;; *) fail "art. 64 message: $out" ;; esac
cat >"$HN_T/res.json" <<'JSON'
{"instrument": "unccc", "parties": [{"code": "AAA", "name": "A", "kind": "state"},
  {"code": "BBB", "name": "B", "kind": "state"}, {"code": "CCC", "name": "C", "kind": "state"},
  {"code": "FRA", "name": "F", "kind": "state", "reservations": [{"article": "forty-two"}]}]}
JSON
set +e
out=$("$HN_BIN" parties summary --register "$HN_T/res.json" 2>&1); st=$?
set -e
[ "$st" = 2 ] || fail "a malformed reservation was accepted: $out"
case "$out" in *"parties[3] (FRA).reservations[0].article: not an article number"*) ;; *) fail "reservation message: $out" ;; esac
sed 's/"forty-two"/"42"/' "$HN_T/res.json" >"$HN_T/res-ok.json"
"$HN_BIN" parties summary --register "$HN_T/res-ok.json" >/dev/null || fail "a valid reservation refused"
ok "register: a signature after 2026-12-31 (art. 64) and a malformed reservation refused, naming the place"
