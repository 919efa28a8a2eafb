#!/usr/bin/env bash
# Evidence end to end on a data directory: add (0 B, 1 B, a chunk, a chunk
# + 1, a name with a space), export, then the stock tools a court runs
# (hashdeep audit, ssh-keygen -Y verify, case-validate) and
# `hanoinet evidence verify`; then tampered exports and a damaged store,
# each detected and reported.
set -euo pipefail
: "${HN_BIN:?}" "${HN_SHARED:?}"
. "$HN_SRC/tests/integration/lib/node.sh"
T=$HN_T
. "$HN_SRC/tests/integration/lib/flip.sh"

D=$T/node
hn_init "$D" VNM
# the published C2SP test key (shared/testdata/README.md): node "astra"
# (in place of init's key: the node's audit log is still empty)
echo 'PRIVATE+KEY+astra+cad5a3d2+ASgwwenlc0uuYcdy7kI44pQvuz1fw8cS5NqS8RkZBXoy' > "$D/signing.key"
chmod 600 "$D/signing.key"
# evidence answers a request the node holds: two received in writing
REQ=$(received_request "$D" FRA)
REQ8=$(received_request "$D" FRA)
PUB='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJJqeuyE/GnknsCNh1eCtDtwdAwKBddOlS8M2eI1Jt4b'

S=$T/src
mkdir -p "$S"
: > "$S/empty.bin"
printf 'x' > "$S/one.bin"
head -c 1048576 /dev/urandom > "$S/chunk.bin"
head -c 1048577 /dev/urandom > "$S/chunk+1.bin"
printf 'mail\n' > "$S/mail box.mbox"

out=$("$HN_BIN" evidence add --dir "$D" --request "$REQ" --md5 --sha1 \
  --description "seized on 2026-11-20" "$S"/*) || fail "add"
[ "$(echo "$out" | wc -l)" -eq 5 ] || fail "add printed: $out"
echo "$out" | grep -q "^e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty.bin  0 bytes" \
  || fail "empty file hash: $out"
# not a TTY: no progress bar on stderr
err=$("$HN_BIN" evidence add --dir "$D" --request "$REQ8" "$S/one.bin" 2>&1 >/dev/null)
[ -z "$err" ] || fail "output on stderr when not a TTY: $err"
# the same name twice in one request is refused; the same content elsewhere is fine
if "$HN_BIN" evidence add --dir "$D" --request "$REQ" "$S/one.bin" 2>/dev/null; then
  fail "duplicate name accepted"
fi
"$HN_BIN" evidence list --dir "$D" --request "$REQ" | grep -q "mail box.mbox" || fail "list"

# nothing in clear text in the store
if grep -rq 'mail' "$D/blobs"; then fail "plaintext in the blob store"; fi

E=$T/export
"$HN_BIN" evidence export --dir "$D" --request "$REQ" --out "$E" --by clerk \
  --reason "court order 12/2026" >/dev/null || fail "export"
for f in manifest.hashdeep manifest.hashdeep.sig allowed_signers case.jsonld README.txt manifest.tlog-proof; do
  [ -s "$E/$f" ] || fail "export lacks $f"
done
[ "$(ls "$E/files" | wc -l)" -eq 5 ] || fail "export files: $(ls "$E/files")"
cmp "$S/chunk+1.bin" "$E/files/chunk+1.bin" || fail "content differs"
"$HN_BIN" evidence export --dir "$D" --request "$REQ" --out "$E" 2>/dev/null \
  && fail "export into a non-empty directory"
"$HN_BIN" evidence export --dir "$D" --request NOPE --out "$T/x" 2>/dev/null \
  && fail "export of a request without evidence"

# the stock tools
(cd "$E/files" && hashdeep -c sha256 -a -l -r -k ../manifest.hashdeep . >/dev/null) \
  || fail "hashdeep audit"
ssh-keygen -Y verify -f "$E/allowed_signers" -I astra -n hanoinet-evidence \
  -s "$E/manifest.hashdeep.sig" < "$E/manifest.hashdeep" >/dev/null || fail "ssh-keygen verify"
grep -q "hashdeep -c sha256 -a -l -r -k ../manifest.hashdeep" "$E/README.txt" || fail "README"

CV=$HN_SHARED/tools/case-validate
if [ ! -d "$CV/node_modules" ]; then (cd "$CV" && npm ci --no-audit --no-fund >/dev/null); fi
"$CV/case-validate" "$E/case.jsonld" > "$T/cv.json" || { cat "$T/cv.json"; fail "case-validate"; }

# hanoinet's own offline check: everything holds, including the ledger proof
"$HN_BIN" evidence verify "$E" --key "$PUB" > "$T/v.txt" || { cat "$T/v.txt"; fail "verify"; }
grep -q '^ok   manifest.hashdeep.sig: good signature by astra (pinned key)' "$T/v.txt" || fail "sig line"
grep -q '^ok   case.jsonld: 5 files agree' "$T/v.txt" || fail "case line"
grep -q '^ok   manifest.tlog-proof: entry [0-9]* of astra' "$T/v.txt" || fail "tlog line"
! grep -q '^FAIL' "$T/v.txt" || fail "verify reported problems"
# a verifier pinning another key refuses the export
other='ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHBdnMWyS0dlJWUzcnDHtMq4d6HyVk04x2UtcRBz8JGL'
"$HN_BIN" evidence verify "$E" --key "$other" > "$T/v2.txt" 2>&1 && fail "verify with another pinned key"
grep -q "is not the pinned key" "$T/v2.txt" || fail "pinned key message"

# tampering, each detected and reported by name
tamper() { # name, command run in a copy; expects verify to fail and mention $3
  local c=$T/t-$1
  rm -rf "$c"; cp -r "$E" "$c"
  (cd "$c" && eval "$2")
  set +e
  "$HN_BIN" evidence verify "$c" --key "$PUB" > "$T/t.txt" 2>&1
  local r=$?
  set -e
  [ $r -eq 1 ] || { cat "$T/t.txt"; fail "$1: verify rc=$r"; }
  grep -q "^FAIL $3" "$T/t.txt" || { cat "$T/t.txt"; fail "$1: no FAIL $3"; }
}
tamper bitflip "printf 'y' | dd of=files/one.bin conv=notrunc 2>/dev/null" "files/one.bin: SHA-256"
tamper truncated "truncate -s 1048576 'files/chunk+1.bin'" "files/chunk+1.bin: 1048576 bytes"
tamper extra "echo hi > files/planted.txt" "files/planted.txt: not in the manifest"
tamper missing "rm 'files/mail box.mbox'" "files/mail box.mbox: missing"
tamper manifest "sed -i 's/^1,/2,/' manifest.hashdeep" "manifest.hashdeep.sig: does not verify"
tamper manifest2 "sed -i 's/^1,/2,/' manifest.hashdeep" "manifest.tlog-proof: the ledger records manifest SHA-256"
tamper tlogindex "sed -i 's/^index \\([0-9]*\\)\$/index 1\\1/' manifest.tlog-proof" "manifest.tlog-proof: "
tamper tlogsig "sed -i '\$ s/.\\{8\\}\$/AAAAAAA=/' manifest.tlog-proof" "manifest.tlog-proof: checkpoint"
tamper tlogmissing "rm manifest.tlog-proof" "manifest.tlog-proof: missing"
tamper signature 'l=$(sed -n 4p manifest.hashdeep.sig); c=${l:10:1}; n=A; [ "$c" = A ] && n=B; sed -i "4s/^\(.\{10\}\)./\1$n/" manifest.hashdeep.sig' "manifest.hashdeep.sig"
tamper otherkey "sed -i 's/AAAAIJJqeu/AAAAIJJqeX/' allowed_signers" "allowed_signers\|manifest.hashdeep.sig"
tamper case "sed -i 's/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b856/' case.jsonld" "case.jsonld: file empty.bin"
tamper casejson "echo '{' >> case.jsonld" "case.jsonld: not JSON"
# hashdeep sees the content change too
c=$T/t-bitflip
if (cd "$c/files" && hashdeep -c sha256 -a -l -r -k ../manifest.hashdeep . >/dev/null 2>&1); then
  fail "hashdeep passed a tampered file"
fi
"$HN_BIN" evidence verify "$T/nothing" >/dev/null 2>&1 && fail "verify of a missing dir"

# a damaged object in the store is reported, never served
h=$(sha256sum "$S/chunk.bin" | cut -c1-64)
obj=$D/blobs/${h:0:2}/${h:2}
[ -f "$obj" ] || fail "no object at $obj"
flip_byte "$obj" 5000
set +e
"$HN_BIN" evidence get --dir "$D" --request "$REQ" --name chunk.bin --out "$T/got.bin" > "$T/g.txt" 2>&1
r=$?
set -e
[ $r -eq 1 ] || fail "damaged object served: rc=$r"
[ ! -e "$T/got.bin" ] || fail "a damaged object left a file behind"
grep -q "chunk 0 (content offset 0) does not authenticate" "$T/g.txt" || { cat "$T/g.txt"; fail "damage not reported"; }
"$HN_BIN" evidence get --dir "$D" --request "$REQ" --name one.bin --out "$T/one.out" --reason check \
  || fail "an intact object was not served"
cmp "$T/one.out" "$S/one.bin" || fail "get content"
set +e
"$HN_BIN" evidence export --dir "$D" --request "$REQ" --out "$T/export2" > "$T/x.txt" 2>&1
r=$?
set -e
[ $r -eq 1 ] || fail "export of a damaged store: rc=$r"
grep -q "does not authenticate" "$T/x.txt" || fail "export did not say why"
echo "evidence_export: all checks passed"
