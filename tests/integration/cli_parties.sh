#!/usr/bin/env bash
# hanoinet parties status|between|summary and request validate: exact JSON
# keys and exit codes, on synthetic registers written to $TMPDIR.
set -euo pipefail
: "${HN_BIN:?}" "${HN_SRC:?}"
T=$(mktemp -d "${TMPDIR:-/tmp}/hn-cli-parties.XXXXXX")
trap 'rm -rf "$T"' EXIT
fails=0

check() { # NAME WANT_STATUS WANT_STDOUT CMD...
	local name=$1 want=$2 wantout=$3 out st
	shift 3
	set +e
	out=$("$@" 2>"$T/stderr")
	st=$?
	set -e
	if [ "$st" != "$want" ] || { [ "$wantout" != "*" ] && [ "$out" != "$wantout" ]; }; then
		echo "FAIL $name: status $st (want $want)"
		echo "  got:  $out"
		[ "$wantout" = "*" ] || echo "  want: $wantout"
		sed 's/^/  stderr: /' "$T/stderr"
		fails=$((fails + 1))
	else
		echo "ok   $name"
	fi
}

# Errors: exactly one line on stderr.
check_err() { # NAME CMD...
	local name=$1
	shift
	check "$name" 2 "" "$@"
	if [ "$(wc -l <"$T/stderr")" != 1 ]; then
		echo "FAIL $name: stderr is not one line"
		fails=$((fails + 1))
	fi
}

# 38 States on 2027-01-10, four on 2027-02-01 (the 40th among them), a
# later one, a reio, a denunciation received on 29 February 2028, an
# undated ratification, a mere signatory.
{
	echo '{"instrument": "unccc", "parties": ['
	for i in $(seq 1 38); do
		c=$(printf 'A%02d' "$i" | tr '0-9' 'A-J')
		echo "{\"code\": \"$c\", \"name\": \"State $i\", \"kind\": \"state\", \"events\": [{\"type\": \"signature\", \"date\": \"2025-10-25\"}, {\"type\": \"ratification\", \"date\": \"2027-01-10\"}]},"
	done
	cat <<'JSON'
{"code": "FRA", "name": "France", "kind": "state", "events": [{"type": "signature", "date": "2025-10-25"}, {"type": "approval", "date": "2027-02-01"}]},
{"code": "VNM", "name": "Viet Nam", "kind": "state", "events": [{"type": "signature", "date": "2025-10-25"}, {"type": "ratification", "date": "2027-02-01", "confirmed": false}]},
{"code": "ITA", "name": "Italy", "kind": "state", "events": [{"type": "signature"}, {"type": "acceptance", "date": "2027-02-01"}]},
{"code": "ESP", "name": "Spain", "kind": "state", "events": [{"type": "ratification", "date": "2027-02-01"}, {"type": "denunciation", "date": "2028-02-29"}]},
{"code": "POL", "name": "Poland", "kind": "state", "events": [{"type": "accession", "date": "2027-06-01"}]},
{"code": "EUU", "name": "European Union", "kind": "reio", "events": [{"type": "signature", "date": "2025-10-25"}, {"type": "approval", "date": "2027-01-05"}]},
{"code": "AZE", "name": "Azerbaijan", "kind": "state", "events": [{"type": "signature", "date": "2025-10-25"}, {"type": "ratification", "confirmed": false, "note": "not deposited"}]},
{"code": "MUS", "name": "Mauritius", "kind": "state", "future_field": {"x": 1}, "events": [{"type": "signature", "date": "2026-01-20", "place": "New York"}]}
]}
JSON
} >"$T/reg.json"
R=(--register "$T/reg.json")

check "summary json" 0 '{"signatories":44,"instruments":43,"fortieth_instrument":"2027-02-01","entry_into_force":"2027-05-02"}' \
	"$HN_BIN" parties summary "${R[@]}" --json
check "status FRA" 0 '{"code":"FRA","signed":"2025-10-25","instrument":"approval","deposited":"2027-02-01","in_force_from":"2027-05-02","denunciation_effective":null,"in_force":true}' \
	"$HN_BIN" parties status FRA "${R[@]}" --on 2027-05-02 --json
check "status FRA day before" 0 '{"code":"FRA","signed":"2025-10-25","instrument":"approval","deposited":"2027-02-01","in_force_from":"2027-05-02","denunciation_effective":null,"in_force":false}' \
	"$HN_BIN" parties status FRA --json --on 2027-05-01 "${R[@]}"
check "status ITA undated signature" 0 '{"code":"ITA","signed":null,"instrument":"acceptance","deposited":"2027-02-01","in_force_from":"2027-05-02","denunciation_effective":null,"in_force":true}' \
	"$HN_BIN" parties status ITA "${R[@]}" --on 2028-01-01 --json
check "status ESP denounced" 0 '{"code":"ESP","signed":null,"instrument":"ratification","deposited":"2027-02-01","in_force_from":"2027-05-02","denunciation_effective":"2029-03-01","in_force":false}' \
	"$HN_BIN" parties status ESP "${R[@]}" --on 2029-03-01 --json
check "status POL later" 0 '{"code":"POL","signed":null,"instrument":"accession","deposited":"2027-06-01","in_force_from":"2027-07-01","denunciation_effective":null,"in_force":true}' \
	"$HN_BIN" parties status POL "${R[@]}" --on 2027-07-01 --json
check "status EUU reio" 0 '{"code":"EUU","signed":"2025-10-25","instrument":"approval","deposited":"2027-01-05","in_force_from":"2027-05-02","denunciation_effective":null,"in_force":true}' \
	"$HN_BIN" parties status EUU "${R[@]}" --on 2027-07-01 --json
check "status AZE undated" 0 '{"code":"AZE","signed":"2025-10-25","instrument":null,"deposited":null,"in_force_from":null,"denunciation_effective":null,"in_force":false}' \
	"$HN_BIN" parties status AZE "${R[@]}" --on 2030-01-01 --json
check "between in force" 0 '{"a":"VNM","b":"FRA","on":"2027-05-02","basis":"unccc","in_force":true,"reason":"the UN Convention (unccc) is in force between VNM and FRA on 2027-05-02 (art. 65)"}' \
	"$HN_BIN" parties between VNM FRA "${R[@]}" --on 2027-05-02 --json
check "between not yet" 0 '{"a":"VNM","b":"POL","on":"2027-06-30","basis":"unccc","in_force":false,"reason":"the UN Convention (unccc) is not in force between VNM and POL on 2027-06-30: it enters into force for POL on 2027-07-01 (art. 65)"}' \
	"$HN_BIN" parties between VNM POL "${R[@]}" --on 2027-06-30 --json --basis unccc
check "between budapest, unccc register" 0 '{"a":"VNM","b":"FRA","on":"2027-06-30","basis":"budapest","in_force":false,"reason":"the Budapest Convention (budapest) cannot be relied on between VNM and FRA: no register of it is configured"}' \
	"$HN_BIN" parties between VNM FRA "${R[@]}" --on 2027-06-30 --json --basis budapest
check "status human" 0 '*' "$HN_BIN" parties status FRA "${R[@]}" --on 2027-06-30
check "between human" 0 '*' "$HN_BIN" parties between FRA VNM "${R[@]}"
check "summary human" 0 '*' "$HN_BIN" parties summary "${R[@]}"

# A Budapest register: 30 November -> 1 March.
cat >"$T/bud.json" <<'JSON'
{"instrument": "budapest", "parties": [
{"code": "AAA", "name": "A", "kind": "state", "events": [{"type": "ratification", "date": "2019-01-01"}]},
{"code": "AAB", "name": "B", "kind": "state", "events": [{"type": "ratification", "date": "2019-01-01"}]},
{"code": "AAC", "name": "C", "kind": "state", "events": [{"type": "ratification", "date": "2019-01-01"}]},
{"code": "AAD", "name": "D", "kind": "state", "events": [{"type": "ratification", "date": "2019-01-01"}]},
{"code": "AAE", "name": "E", "kind": "state", "events": [{"type": "ratification", "date": "2019-01-01"}]},
{"code": "NOV", "name": "N", "kind": "state", "events": [{"type": "accession", "date": "2027-11-30"}]}]}
JSON
check "budapest clamp" 0 '{"code":"NOV","signed":null,"instrument":"accession","deposited":"2027-11-30","in_force_from":"2028-03-01","denunciation_effective":null,"in_force":true}' \
	"$HN_BIN" parties status NOV --register "$T/bud.json" --on 2028-03-01 --json
check "budapest between" 0 '{"a":"AAA","b":"NOV","on":"2028-02-29","basis":"budapest","in_force":false,"reason":"the Budapest Convention (budapest) is not in force between AAA and NOV on 2028-02-29: it enters into force for NOV on 2028-03-01 (art. 36, 37)"}' \
	"$HN_BIN" parties between AAA NOV --register "$T/bud.json" --on 2028-02-29 --basis budapest --json

# The shipped register: 73 parties, the ratification without a date has
# no legal effect, fewer than 40 instruments.
check "shipped summary" 0 '{"signatories":73,"instruments":0,"fortieth_instrument":null,"entry_into_force":null}' \
	"$HN_BIN" parties summary --json
check "shipped AZE" 0 '{"code":"AZE","signed":"2025-10-25","instrument":null,"deposited":null,"in_force_from":null,"denunciation_effective":null,"in_force":false}' \
	"$HN_BIN" parties status AZE --json
check "shipped between" 0 '{"a":"VNM","b":"FRA","on":"2026-11-23","basis":"unccc","in_force":false,"reason":"the UN Convention (unccc) is not in force between VNM and FRA on 2026-11-23: fewer than 40 instruments deposited (art. 65)"}' \
	"$HN_BIN" parties between VNM FRA --on 2026-11-23 --json
check "demo" 0 '*' "$HN_BIN" demo --status
"$HN_BIN" demo --status >"$T/demo.txt"
grep -q "NOT yet in force" "$T/demo.txt" || { echo "FAIL demo text"; fails=$((fails + 1)); }

# Errors: one line on stderr, exit 2.
echo '{"parties": [{"code": "FRA", "name": "F", "kind": "state", "events": [{"type": "signature", "date": "2026-02-30"}]}]}' >"$T/bad.json"
check_err "unknown code" "$HN_BIN" parties status XYZ "${R[@]}" --json
check_err "unknown code between" "$HN_BIN" parties between VNM XYZ "${R[@]}"
check_err "bad date" "$HN_BIN" parties status FRA "${R[@]}" --on 2026-02-30
check_err "bad date format" "$HN_BIN" parties status FRA "${R[@]}" --on 2026-2-3
check_err "bad file" "$HN_BIN" parties summary --register "$T/bad.json"
grep -q 'parties\[0\] (FRA).events\[0\].date: not a date YYYY-MM-DD' "$T/stderr" || { echo "FAIL bad file message"; fails=$((fails + 1)); }
check_err "missing file" "$HN_BIN" parties summary --register "$T/nope.json"
echo '{"parties": [' >"$T/trunc.json"
check_err "truncated file" "$HN_BIN" parties summary --register "$T/trunc.json"
check_err "bad basis" "$HN_BIN" parties between VNM FRA --basis friendship
check_err "missing arg" "$HN_BIN" parties status
check_err "unknown option" "$HN_BIN" parties summary --frobnicate

# request validate: ok / one line per problem / exit 0, 1, 2
cat >"$T/pres.json" <<'JSON'
{"kind": "preservation", "from": "VNM", "to": "FRA",
 "requesting_authority": "A", "offence": "O", "proceedings": "P",
 "facts": "F", "data": [{"description": "D", "relation_to_offence": "R"}],
 "custodian": "C", "necessity": "N", "mla_to_follow": true}
JSON
check "validate ok" 0 'ok' "$HN_BIN" request validate "$T/pres.json"
sed 's/"relation_to_offence": "R"//; s/"D", /"D"/; s/"custodian": "C", //; s/"mla_to_follow": true/"mla_to_follow": false, "custodain": "x"/' "$T/pres.json" >"$T/bad-req.json"
check "validate problems" 1 'data[0].relation_to_offence: required (art. 42 (c))
mla_to_follow: must be true (art. 42 (f))
custodain: unknown field' "$HN_BIN" request validate "$T/bad-req.json"
# art. 42 (d): "any available information" - neither custodian nor location
sed 's/"custodian": "C", //' "$T/pres.json" >"$T/pres-nocust.json"
check "validate without custodian (art. 42 (d))" 0 'ok' "$HN_BIN" request validate "$T/pres-nocust.json"
# art. 43: a traffic disclosure names the preservation it arises from
cat >"$T/traffic.json" <<'JSON'
{"kind": "traffic_disclosure", "from": "VNM", "to": "FRA",
 "requesting_authority": "A", "offence": "O", "facts": "F",
 "data": [{"description": "D", "relation_to_offence": "R"}], "purpose": "P"}
JSON
check "validate traffic without preservation (art. 43)" 1 'preservation_reference: required (art. 43)' "$HN_BIN" request validate "$T/traffic.json"
printf '{"kind": "preservation",' >"$T/trunc-req.json"
check "validate truncated json" 1 '*' "$HN_BIN" request validate "$T/trunc-req.json"
python_free_deep=$(printf '%.0s[' $(seq 1 40))$(printf '%.0s]' $(seq 1 40))
echo "$python_free_deep" >"$T/deep.json"
check "validate too deep" 1 '(document): JSON nesting deeper than 32 levels' "$HN_BIN" request validate "$T/deep.json"
head -c 1100000 /dev/zero | tr '\0' ' ' >"$T/big.json"
check "validate too large" 1 '(document): larger than 1048576 bytes' "$HN_BIN" request validate "$T/big.json"
check "validate stdin" 0 'ok' "$HN_BIN" request validate - <"$T/pres.json"
check_err "validate missing file" "$HN_BIN" request validate "$T/nope.json"
check_err "validate usage" "$HN_BIN" request validate
check "request kinds" 0 '*' "$HN_BIN" request kinds
"$HN_BIN" request kinds >"$T/kinds.json"
grep -q '"name": "relation_to_offence"' "$T/kinds.json" || { echo "FAIL request kinds content"; fails=$((fails + 1)); }
# docs/requests.md holds exactly the generated tables
"$HN_BIN" request kinds --markdown >"$T/kinds.md"
awk '/^### `/{on=1} /^## Lifecycle/{on=0} on' "$HN_SRC/docs/requests.md" >"$T/kinds-doc.md"
cmp -s "$T/kinds.md" "$T/kinds-doc.md" || { echo "FAIL docs/requests.md differs from 'hanoinet request kinds --markdown'"; fails=$((fails + 1)); }
check_err "request unknown subcommand" "$HN_BIN" request frobnicate

if [ "$fails" -ne 0 ]; then
	echo "$fails failure(s)"
	exit 1
fi
echo "all passed"
