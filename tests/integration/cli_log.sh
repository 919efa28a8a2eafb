#!/usr/bin/env bash
# hanoinet log ...: merkle root/checkpoint/inclusion/consistency over leaf
# files, verify-inclusion / verify-consistency, note sign/verify/keygen, and
# checkpoint/prove/verify/append against a data directory. Happy paths
# against the shared vectors, then tampered, forged, truncated and bad
# input with their exit statuses (0 ok, 1 does not verify, 2 bad input).
set -euo pipefail
H=${HN_BIN:?}
S=${HN_SHARED:?}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

fail() { echo "FAIL: $*" >&2; exit 1; }
expect() { # expect STATUS CMD...
	local want=$1; shift
	set +e; "$@" >out 2>err; local got=$?; set -e
	[ "$got" = "$want" ] || { cat out err >&2; fail "$* -> $got, want $want"; }
	if [ "$got" != 0 ]; then
		[ -s err ] || [ -s out ] || fail "$*: no message"
		grep -q 'AddressSanitizer\|runtime error' err && fail "$*: sanitizer"
	fi
	return 0
}

# --- RFC 6962 small trees: roots of the first N leaves, N = 0..8
mapfile -t LEAVES < <(grep '^leaf ' "$S/testdata/merkle/rfc6962-small-trees.txt" | awk '{print $3}')
for n in $(seq 0 8); do
	: > leaves.$n
	for ((i = 0; i < n; i++)); do printf '%s\n' "${LEAVES[$i]}" >> leaves.$n; done
	want=$(grep "^root $n " "$S/testdata/merkle/rfc6962-small-trees.txt" | awk '{print $3}')
	got=$("$H" log merkle root leaves.$n)
	[ "$got" = "$want" ] || fail "root $n: $got != $want"
done
# upper-case hex is the same leaf; no final newline is the same file
tr a-f A-F < leaves.8 > upper.8
[ "$("$H" log merkle root upper.8)" = "$("$H" log merkle root leaves.8)" ] || fail "upper case"
printf '%s' "$(cat leaves.8)" > nonl.8
[ "$("$H" log merkle root nonl.8)" = "$("$H" log merkle root leaves.8)" ] || fail "final newline"
# "\n" is one empty leaf: SHA-256(0x00)
[ "$(printf '\n' > one.empty; "$H" log merkle root one.empty)" = \
  6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d ] || fail "empty leaf"

# --- the 16 c2sp-log checkpoints, byte for byte, and they verify
echo 'PRIVATE+KEY+astra+cad5a3d2+ASgwwenlc0uuYcdy7kI44pQvuz1fw8cS5NqS8RkZBXoy' > astra.key
VK='astra+cad5a3d2+AZJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b'
words=(one two three four five six seven eit nain ten ileven twelf threeten fourten fivten)
: > words
for n in $(seq 0 15); do
	"$H" log merkle checkpoint --origin example.com/testdata --key astra.key words > cp.$n
	cmp -s cp.$n "$S/testdata/c2sp-log/checkpoint.$n" || { diff cp.$n "$S/testdata/c2sp-log/checkpoint.$n" >&2; fail "checkpoint $n"; }
	expect 0 "$H" log note verify --vkey "$VK" "$S/testdata/c2sp-log/checkpoint.$n"
	grep -qx ok out || fail "verify prints ok"
	[ "$n" -lt 15 ] && printf '%s' "${words[$n]}" | od -An -tx1 | tr -d ' \n' >> words && echo >> words
done

# --- proofs over leaves.8 verify; tampered ones do not
R8=$("$H" log merkle root leaves.8)
R5=$("$H" log merkle root leaves.5)
LH3=$(printf '%s' "${LEAVES[3]}" > l3; echo "$(cat l3)" > l3f; "$H" log merkle root l3f)
"$H" log merkle inclusion leaves.8 3 > incl
[ "$(wc -l < incl)" = 3 ] || fail "inclusion length"
expect 0 "$H" log verify-inclusion --size 8 --index 3 --leaf-hash "$LH3" --root "$R8" incl
grep -qx ok out || fail "ok"
expect 1 "$H" log verify-inclusion --size 8 --index 2 --leaf-hash "$LH3" --root "$R8" incl
expect 1 "$H" log verify-inclusion --size 9 --index 3 --leaf-hash "$LH3" --root "$R8" incl
expect 1 "$H" log verify-inclusion --size 8 --index 3 --leaf-hash "$LH3" --root "$R5" incl
expect 1 "$H" log verify-inclusion --size 8 --index 8 --leaf-hash "$LH3" --root "$R8" incl
sed '1s/^./0/;1s/^0/1/' incl > incl.bad
expect 1 "$H" log verify-inclusion --size 8 --index 3 --leaf-hash "$LH3" --root "$R8" incl.bad
head -n 2 incl > incl.short
expect 1 "$H" log verify-inclusion --size 8 --index 3 --leaf-hash "$LH3" --root "$R8" incl.short
{ cat incl; echo "$R8"; } > incl.long
expect 1 "$H" log verify-inclusion --size 8 --index 3 --leaf-hash "$LH3" --root "$R8" incl.long
# bad input: hex, lengths, numbers, files, usage
sed '2s/.$/g/' incl > incl.hex
expect 2 "$H" log verify-inclusion --size 8 --index 3 --leaf-hash "$LH3" --root "$R8" incl.hex
sed '2s/..$//' incl > incl.len
expect 2 "$H" log verify-inclusion --size 8 --index 3 --leaf-hash "$LH3" --root "$R8" incl.len
{ head -n1 incl; echo; tail -n +2 incl; } > incl.blank
expect 2 "$H" log verify-inclusion --size 8 --index 3 --leaf-hash "$LH3" --root "$R8" incl.blank
expect 2 "$H" log verify-inclusion --size 8 --index 3 --leaf-hash "${LH3:0:62}" --root "$R8" incl
expect 2 "$H" log verify-inclusion --size 8 --index 3 --leaf-hash "$LH3" --root "zz${R8:2}" incl
expect 2 "$H" log verify-inclusion --size -8 --index 3 --leaf-hash "$LH3" --root "$R8" incl
expect 2 "$H" log verify-inclusion --size 08 --index 3 --leaf-hash "$LH3" --root "$R8" incl
expect 2 "$H" log verify-inclusion --size 99999999999999999999 --index 3 --leaf-hash "$LH3" --root "$R8" incl
expect 2 "$H" log verify-inclusion --size 8 --index 3 --leaf-hash "$LH3" --root "$R8" missing.file
expect 2 "$H" log verify-inclusion --size 8 --index 3 --leaf-hash "$LH3" incl
expect 2 "$H" log verify-inclusion --size 8 --index 3 --leaf-hash "$LH3" --root "$R8" --bogus 1 incl
for i in $(seq 200); do echo "$R8"; done > incl.huge
expect 2 "$H" log verify-inclusion --size 8 --index 3 --leaf-hash "$LH3" --root "$R8" incl.huge

"$H" log merkle consistency leaves.8 5 > cons
expect 0 "$H" log verify-consistency --size1 5 --size2 8 --root1 "$R5" --root2 "$R8" cons
grep -qx ok out || fail "ok"
expect 1 "$H" log verify-consistency --size1 5 --size2 8 --root1 "$R8" --root2 "$R5" cons
expect 1 "$H" log verify-consistency --size1 4 --size2 8 --root1 "$R5" --root2 "$R8" cons
expect 1 "$H" log verify-consistency --size1 0 --size2 8 --root1 "$R5" --root2 "$R8" cons
expect 1 "$H" log verify-consistency --size1 9 --size2 8 --root1 "$R5" --root2 "$R8" cons
sed '$d' cons > cons.short
expect 1 "$H" log verify-consistency --size1 5 --size2 8 --root1 "$R5" --root2 "$R8" cons.short
sed '2s/^./f/;2s/^f/e/' cons > cons.bad
expect 1 "$H" log verify-consistency --size1 5 --size2 8 --root1 "$R5" --root2 "$R8" cons.bad
: > empty.proof
expect 0 "$H" log verify-consistency --size1 8 --size2 8 --root1 "$R8" --root2 "$R8" empty.proof
expect 2 "$H" log verify-consistency --size1 5 --size2 8 --root1 "$R5" cons

# merkle bad input
printf '00\nxyz\n' > leaves.bad
expect 2 "$H" log merkle root leaves.bad
printf '0\n' > leaves.odd
expect 2 "$H" log merkle root leaves.odd
expect 2 "$H" log merkle root missing.file
expect 2 "$H" log merkle inclusion leaves.8 8
expect 2 "$H" log merkle inclusion leaves.8 -1
expect 2 "$H" log merkle inclusion leaves.0 0
expect 2 "$H" log merkle consistency leaves.8 0
expect 2 "$H" log merkle consistency leaves.8 9
expect 2 "$H" log merkle checkpoint --origin o words
expect 2 "$H" log merkle checkpoint --origin o --key leaves.8 words
expect 2 "$H" log merkle checkpoint --origin "" --key astra.key words
expect 2 "$H" log merkle
expect 2 "$H" log merkle nope
expect 2 "$H" log nope
expect 2 "$H" log

# --- notes: keygen, sign, verify; forged, truncated, wrong key
V=$("$H" log note keygen notary.example/n1 --out n1.key)
[[ "$V" =~ ^notary\.example/n1\+[0-9a-f]{8}\+ ]] || fail "vkey $V"
[ "$(stat -c %a n1.key)" = 600 ] || fail "key mode"
grep -q '^PRIVATE+KEY+notary.example/n1+' n1.key || fail "key format"
expect 2 "$H" log note keygen notary.example/n1 --out n1.key   # never overwrite
expect 2 "$H" log note keygen "bad name" --out bad.key
V2=$("$H" log note keygen other --out other.key)
printf 'Request VNM-2026-000001 received\nsize 3\n' > text
"$H" log note sign --key n1.key text > signed
expect 0 "$H" log note verify --vkey "$V" signed
expect 0 "$H" log note verify --vkey "$V2" --vkey "$V" signed
expect 1 "$H" log note verify --vkey "$V2" signed
sed '1s/VNM/FRA/' signed > forged
expect 1 "$H" log note verify --vkey "$V" forged
head -c 60 signed > truncated
expect 1 "$H" log note verify --vkey "$V" truncated
head -n 3 signed > nosig
expect 1 "$H" log note verify --vkey "$V" nosig
# a note signed by another key under the same name: ignored, so no known sig
"$H" log note keygen notary.example/n1 --out n1b.key > /dev/null
"$H" log note sign --key n1b.key text > other.signed
expect 1 "$H" log note verify --vkey "$V" other.signed
# bad input
expect 2 "$H" log note verify --vkey "not-a-key" signed
expect 2 "$H" log note verify signed
expect 2 "$H" log note verify --vkey "$V" missing.file
printf 'no final newline' > text.bad
expect 2 "$H" log note sign --key n1.key text.bad
expect 2 "$H" log note sign --key missing.key text
head -c 100000 /dev/zero | tr '\0' 'a' > text.big
expect 2 "$H" log note sign --key n1.key text.big

# --- a node's data directory
mkdir node
VN=$("$H" log note keygen hanoinet.example/VNM --out node/signing.key)
expect 2 "$H" log checkpoint --dir node               # no database yet
expect 2 "$H" log prove 0 --dir node
seq 1 700 | sed 's/^/{"event":"request.created","n":/; s/$/}/' > events
"$H" log append --dir node events > idx
[ "$(tail -n1 idx)" = 699 ] || fail "append indices"
"$H" log checkpoint --dir node > node.cp
expect 0 "$H" log note verify --vkey "$VN" node.cp
[ "$(sed -n 2p node.cp)" = 700 ] || fail "checkpoint size"
[ "$(head -n1 node.cp)" = hanoinet.example/VNM ] || fail "checkpoint origin"
ROOT=$(sed -n 3p node.cp | base64 -d | od -An -tx1 | tr -d ' \n')
"$H" log prove 345 --dir node > proof 2> what
LEAF=$(sed 's/.*leaf-hash \([0-9a-f]*\).*/\1/' what)
grep -q "root $ROOT" what || fail "prove root"
expect 0 "$H" log verify-inclusion --size 700 --index 345 --leaf-hash "$LEAF" --root "$ROOT" proof
# the leaf hash is the RFC 6962 hash of the entry as appended
E=$(printf '%s' "$(sed -n 346p events)" | od -An -tx1 | tr -d ' \n'); echo "$E" > e.leaf
[ "$("$H" log merkle root e.leaf)" = "$LEAF" ] || fail "leaf hash"
expect 2 "$H" log prove 700 --dir node
expect 2 "$H" log prove 5 --size 701 --dir node
expect 0 "$H" log verify --dir node
expect 0 "$H" log verify --dir node --vkey "$VN"
expect 1 "$H" log verify --dir node --vkey "$V2"
# an auditor's copy without the private key
mkdir copy; cp node/hanoinet.db copy/
expect 0 "$H" log verify --dir copy --vkey "$VN"
expect 2 "$H" log verify --dir copy
expect 2 "$H" log checkpoint --dir copy
"$H" log prove 345 --dir copy --vkey "$VN" > proof2 2>/dev/null
cmp -s proof proof2 || fail "proof from the copy"
# rewriting history is detected
if command -v sqlite3 > /dev/null; then
	sqlite3 copy/hanoinet.db "UPDATE ledger_entries SET entry = 'forged' WHERE idx = 10"
	expect 1 "$H" log verify --dir copy --vkey "$VN"
	cp node/hanoinet.db copy/hanoinet.db
	sqlite3 copy/hanoinet.db "UPDATE ledger_entries SET entry = 'forged' WHERE idx = 699"
	expect 1 "$H" log verify --dir copy --vkey "$VN"
	expect 1 "$H" log prove 1 --dir copy --vkey "$VN"
fi
expect 2 "$H" log verify --dir does-not-exist --vkey "$VN"

# --- static tlog tiles: export, then an auditor checks them offline
expect 0 "$H" log export --dir node exp
[ -f exp/checkpoint ] && [ -f exp/tile/0/000 ] && [ -f exp/tile/0/002.p/188 ] &&
  [ -f exp/tile/1/000.p/2 ] && [ -f exp/tile/entries/002.p/188 ] || { find exp >&2; fail "export layout"; }
[ "$(stat -c %s exp/tile/0/000)" = 8192 ] || fail "full tile size"
expect 0 "$H" log verify --tiles exp --vkey "$VN"
grep -q "700 entries match" out || fail "entries checked"
expect 1 "$H" log verify --tiles exp --vkey "$V2"
expect 2 "$H" log verify --tiles exp
expect 2 "$H" log verify --tiles missing-dir --vkey "$VN"
cp -r exp exp2
printf 'X' | dd of=exp2/tile/entries/001 bs=1 seek=10 conv=notrunc 2>/dev/null
expect 1 "$H" log verify --tiles exp2 --vkey "$VN"
rm -rf exp2; cp -r exp exp2
printf '\x01' | dd of=exp2/tile/0/001 bs=1 seek=100 conv=notrunc 2>/dev/null
expect 1 "$H" log verify --tiles exp2 --vkey "$VN"
rm -rf exp2; cp -r exp exp2
sed -i '2s/700/699/' exp2/checkpoint
expect 1 "$H" log verify --tiles exp2 --vkey "$VN"
# a consistent forgery of one entry + its level-0 tile: the tile above differs
mkdir node2; cp node/signing.key node2/
sed '300s/request.created/request.deleted/' events > events.forged
"$H" log append --dir node2 events.forged > /dev/null
expect 0 "$H" log export --dir node2 exp3
rm -rf exp2; cp -r exp exp2
cp exp3/tile/entries/001 exp2/tile/entries/001; cp exp3/tile/0/001 exp2/tile/0/001
expect 1 "$H" log verify --tiles exp2 --vkey "$VN"
grep -q "tile 0/1 does not match" err || fail "forgery reason"
# growing the log and exporting again keeps full tiles, adds the new ones
seq 701 1000 | sed 's/^/{"event":"login","n":/; s/$/}/' > events2
"$H" log append --dir node events2 > /dev/null
expect 0 "$H" log export --dir node exp
expect 0 "$H" log verify --tiles exp --vkey "$VN"
grep -q "1000 entries match" out || fail "entries after growth"
expect 0 "$H" log verify --dir node
echo "cli_log: ok"
