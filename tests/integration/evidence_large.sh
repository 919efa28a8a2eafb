#!/usr/bin/env bash
# ctest-labels: slow
# Evidence over 4 GiB (a sparse source: 4 GiB + 1 byte, so a size above
# 2^32 and a partial last chunk): intake with bounded memory, export, and
# the hashdeep audit of the exported file. Takes a minute or more.
set -euo pipefail
: "${HN_BIN:?}"
. "$HN_SRC/tests/integration/lib/node.sh"
T=$HN_T

D=$T/node
hn_init "$D" VNM
echo 'PRIVATE+KEY+astra+cad5a3d2+ASgwwenlc0uuYcdy7kI44pQvuz1fw8cS5NqS8RkZBXoy' > "$D/signing.key"
chmod 600 "$D/signing.key"
BIG=$(received_request "$D" FRA)
SIZE=$((4 * 1024 * 1024 * 1024 + 1))
truncate -s $SIZE "$T/disk.img"
printf 'end' | dd of="$T/disk.img" bs=1 seek=$((SIZE - 3)) conv=notrunc 2>/dev/null
want=$(sha256sum "$T/disk.img" | cut -c1-64)

# peak memory of the intake (GNU time's %M is in KiB)
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f '%M' -o "$T/rss" "$HN_BIN" evidence add --dir "$D" --request "$BIG" \
    "$T/disk.img" > "$T/add.txt" || fail "add"
  rss=$(tail -n 1 "$T/rss")
  echo "peak RSS of the intake: $rss KiB"
  [ "$rss" -lt 65536 ] || fail "intake used $rss KiB (goal: < 64 MiB)"
else
  "$HN_BIN" evidence add --dir "$D" --request "$BIG" "$T/disk.img" > "$T/add.txt" || fail "add"
fi
grep -q "^$want  disk.img  $SIZE bytes" "$T/add.txt" || { cat "$T/add.txt"; fail "intake hash"; }
rm -f "$T/disk.img"

"$HN_BIN" evidence export --dir "$D" --request "$BIG" --out "$T/export" >/dev/null || fail "export"
[ "$(stat -c %s "$T/export/files/disk.img")" -eq $SIZE ] || fail "exported size"
(cd "$T/export/files" && hashdeep -c sha256 -a -l -r -k ../manifest.hashdeep . >/dev/null) \
  || fail "hashdeep audit of the 4 GiB file"
"$HN_BIN" evidence verify "$T/export" >/dev/null || fail "verify"
echo "evidence_large: all checks passed"
