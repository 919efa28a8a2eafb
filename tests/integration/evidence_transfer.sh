#!/usr/bin/env bash
# Transfer between nodes (the format; the wire comes with federation):
# node A seals an item for node B's key, B stores it only if every chunk
# and the announced SHA-256 check, and records who sent it under which
# conditions; B refuses to send it on without A's recorded authorisation
# (art. 36); deletion only after retention ends, the hash stays.
set -euo pipefail
: "${HN_BIN:?}"
. "$HN_SRC/tests/integration/lib/node.sh"
T=$HN_T
. "$HN_SRC/tests/integration/lib/flip.sh"

A=$T/a; B=$T/b; C=$T/c
hn_init "$A" VNM
hn_init "$B" FRA
hn_init "$C" DEU
# test keys in place of init's (the nodes' audit logs are still empty)
rm -f "$A/signing.key" "$B/signing.key" "$C/signing.key"
echo 'PRIVATE+KEY+astra+cad5a3d2+ASgwwenlc0uuYcdy7kI44pQvuz1fw8cS5NqS8RkZBXoy' >"$A/signing.key"
VB=$("$HN_BIN" log note keygen node-b --out "$B/signing.key" | tail -n 1)
VC=$("$HN_BIN" log note keygen node-c --out "$C/signing.key" | tail -n 1)
chmod 600 "$A/signing.key" "$B/signing.key" "$C/signing.key"
case "$VB" in node-b+*) ;; *) fail "keygen printed: $VB" ;; esac
# Evidence answers a request each node holds. FRA's MLA request reached
# VNM in writing; offline, each node files what it receives under its own
# request (here FRA's copy and DEU's are registered the same way).
RA=$(received_request "$A" FRA mla)
RB=$(received_request "$B" VNM mla)
RC=$(received_request "$C" FRA mla)

head -c $((2 * 1048576 + 5)) /dev/urandom >"$T/logs.tar"
H=$(sha256sum "$T/logs.tar" | cut -c1-64)
"$HN_BIN" evidence add --dir "$A" --request "$RA" "$T/logs.tar" >/dev/null || fail "add on A"
"$HN_BIN" evidence seal-for --dir "$A" --request "$RA" --name logs.tar \
	--recipient "$VB" --conditions "use only in case 2026/117" --out "$T/to-b.sealed" \
	>/dev/null || fail "seal-for B"
if grep -q "$(head -c 64 "$T/logs.tar" | od -An -tx1 | tr -d ' \n' | head -c 32)" "$T/to-b.sealed"; then
	fail "plaintext in the sealed stream"
fi
# C cannot open what was sealed for B
"$HN_BIN" evidence receive "$T/to-b.sealed" --dir "$C" --request "$RC" --name logs.tar \
	--sha256 "$H" --from astra 2>"$T/e" && fail "C opened B's stream"
grep -q "not sealed for this node" "$T/e" || fail "C: $(cat "$T/e")"
# B: a wrong announced hash and a damaged stream are refused
"$HN_BIN" evidence receive "$T/to-b.sealed" --dir "$B" --request "$RB" --name logs.tar \
	--sha256 "$(echo x | sha256sum | cut -c1-64)" --from astra 2>"$T/e" && fail "wrong hash accepted"
grep -q "does not match its address" "$T/e" || fail "wrong hash: $(cat "$T/e")"
cp "$T/to-b.sealed" "$T/bad.sealed"
flip_byte "$T/bad.sealed" 100000
"$HN_BIN" evidence receive "$T/bad.sealed" --dir "$B" --request "$RB" --name logs.tar \
	--sha256 "$H" --from astra 2>"$T/e" && fail "damaged stream accepted"
grep -q "does not authenticate" "$T/e" || fail "damaged: $(cat "$T/e")"
"$HN_BIN" evidence receive "$T/to-b.sealed" --dir "$B" --request "$RB" --name logs.tar \
	--sha256 "$H" --from astra --conditions "use only in case 2026/117" >/dev/null \
	|| fail "B receives"
"$HN_BIN" evidence get --dir "$B" --request "$RB" --name logs.tar --out "$T/got" >/dev/null || fail "get on B"
cmp "$T/got" "$T/logs.tar" || fail "content on B"

# art. 36: no onward transfer without A's authorisation
"$HN_BIN" evidence seal-for --dir "$B" --request "$RB" --name logs.tar --recipient "$VC" \
	--out "$T/to-c.sealed" 2>"$T/e" && fail "onward transfer without consent"
grep -q "art. 36" "$T/e" || fail "no art. 36 reason: $(cat "$T/e")"
[ ! -e "$T/to-c.sealed" ] || fail "a sealed file was left behind"
"$HN_BIN" evidence consent --dir "$B" --request "$RB" --name logs.tar --ref "astra letter 2026-11-20" \
	|| fail "consent"
# a file that cannot be written: a usage error (exit 2), nothing recorded
st=0
"$HN_BIN" evidence seal-for --dir "$B" --request "$RB" --name logs.tar --recipient "$VC" \
	--out "$T/no-such-dir/to-c.sealed" 2>"$T/e" || st=$?
[ "$st" = 2 ] && grep -q "no-such-dir/to-c.sealed.partial" "$T/e" ||
	fail "unwritable --out: exit $st, $(cat "$T/e")"
"$HN_BIN" evidence seal-for --dir "$B" --request "$RB" --name logs.tar --recipient "$VC" \
	--out "$T/to-c.sealed" >/dev/null || fail "onward transfer with consent"

# custody on both sides, in the export
"$HN_BIN" evidence export --dir "$A" --request "$RA" --out "$T/ea" >/dev/null || fail "export A"
grep -q '"Transfer to the requesting State"' "$T/ea/case.jsonld" || fail "A's transfer_out step"
"$HN_BIN" evidence export --dir "$B" --request "$RB" --out "$T/eb" >/dev/null || fail "export B"
grep -q '"Received from the sending State"' "$T/eb/case.jsonld" || fail "B's received step"
grep -q '"Verified"' "$T/eb/case.jsonld" || fail "B's verified step"
"$HN_BIN" evidence verify "$T/eb" >/dev/null || fail "verify B's export"

# deletion only once the retention period ended; the hash stays
"$HN_BIN" evidence delete --dir "$B" --request "$RB" --name logs.tar --reason "case closed" \
	2>"$T/e" && fail "deleted without a retention end"
grep -q "under retention" "$T/e" || fail "delete: $(cat "$T/e")"
"$HN_BIN" evidence retain --dir "$B" --request "$RB" --name logs.tar --until 2999-01-01 || fail "retain"
"$HN_BIN" evidence delete --dir "$B" --request "$RB" --name logs.tar --reason "case closed" \
	2>/dev/null && fail "deleted before the retention end"
"$HN_BIN" evidence retain --dir "$B" --request "$RB" --name logs.tar --until 2001-01-01 || fail "retain"
"$HN_BIN" evidence delete --dir "$B" --request "$RB" --name logs.tar --reason "case closed" \
	>/dev/null || fail "delete after retention"
[ ! -e "$B/blobs/${H:0:2}/${H:2}" ] || fail "object still stored"
"$HN_BIN" evidence list --dir "$B" --request "$RB" | grep -q "$H.*(deleted)" || fail "the hash must stay"
echo "evidence_transfer: all checks passed"
