#!/usr/bin/env bash
# The Debian package (issue 17): 'scripts/make-deb' (make deb) builds
# hanoinet_VERSION_ARCH.deb out of tree (the checkout's git status does not
# change), 'lintian --fail-on error' passes on it, it holds the binary,
# hanoinet-demo, both man pages, the unit and the sysusers entry for the
# hanoinet user; the unit as shipped rates 2.5 or lower under
# 'systemd-analyze security --offline=true' and the same unit stripped of
# its sandbox rates worse (the check reads the score it claims to); the
# packaged binary prints its version and hanoinet-demo runs its demo.
# The first run compiles the binary in build/deb/ (minutes); later runs
# rebuild only what changed.
# ctest-labels: slow
set -euo pipefail
: "${HN_SRC:?}"
fail() { echo "FAIL: $*" >&2; exit 1; }
for t in dpkg-buildpackage dh lintian systemd-analyze; do
	command -v $t >/dev/null || { echo "SKIP: no $t (scripts/bootstrap)"; exit 77; }
done
[ -x "$HN_SRC/scripts/make-deb" ] || fail "no scripts/make-deb"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

before=$(git -C "$HN_SRC" status --porcelain)
deb=$("$HN_SRC/scripts/make-deb" "$T") || fail "make-deb"
[ "$(git -C "$HN_SRC" status --porcelain)" = "$before" ] || fail "make-deb dirtied the checkout"
ver=$(cd "$HN_SRC" && dpkg-parsechangelog -S Version)
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
[ "$deb" = "$T/hanoinet_${ver}_${arch}.deb" ] || fail "deb named $deb"
[ -s "$deb" ] || fail "no $deb"
echo "deb: $(stat -c %s "$deb") bytes"

lintian --fail-on error "$deb" >"$T/lintian" 2>&1 || { cat "$T/lintian" >&2; fail "lintian"; }
grep -c '^[EW]:' "$T/lintian" | sed 's/^/lintian errors+warnings: /' || true

dpkg -c "$deb" | awk '{print $NF}' | sed 's#^\./#/#' >"$T/files"
for f in /usr/bin/hanoinet /usr/bin/hanoinet-demo /usr/share/man/man1/hanoinet.1.gz \
	/usr/share/man/man1/hanoinet-demo.1.gz /usr/lib/sysusers.d/hanoinet.conf; do
	grep -qxF "$f" "$T/files" || fail "not in the package: $f"
done
unit=$(grep -E '^(/usr)?/lib/systemd/system/hanoinet\.service$' "$T/files") ||
	fail "no hanoinet.service in the package"
grep -q '^/usr/bin/hanoinet-test$' "$T/files" && fail "test binary packaged"

mkdir "$T/root"
dpkg-deb -x "$deb" "$T/root"
score() {
	systemd-analyze security --offline=true "$1" 2>/dev/null |
		sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p'
}
s=$(score "$T/root$unit")
[ -n "$s" ] || fail "no exposure level for the unit"
echo "systemd-analyze exposure: $s"
awk -v s="$s" 'BEGIN { exit !(s <= 2.5) }' || fail "exposure $s > 2.5"
grep -E '^(User|ExecStart|\[|Description)' "$T/root$unit" >"$T/bare.service"
b=$(score "$T/bare.service")
awk -v s="$b" 'BEGIN { exit !(s > 2.5) }' || fail "unsandboxed unit rates $b"
grep -qx 'User=hanoinet' "$T/root$unit" || fail "unit not run as hanoinet"
grep -q '^u hanoinet ' "$T/root/usr/lib/sysusers.d/hanoinet.conf" || fail "sysusers"

[ "$("$T/root/usr/bin/hanoinet" version)" = "hanoinet $ver" ] ||
	fail "packaged version: $("$T/root/usr/bin/hanoinet" version)"
strings "$T/root/usr/bin/hanoinet" | grep -q HN_TEST_ && fail "test hooks in the packaged binary"
sed "s#/usr/bin/hanoinet#$T/root/usr/bin/hanoinet#" "$T/root/usr/bin/hanoinet-demo" >"$T/demo"
# the wrapper reaches the packaged binary's demo command (its option check)
sh "$T/demo" --no-such-option >"$T/demo.out" 2>&1 && fail "hanoinet-demo: bad option accepted"
grep -q 'usage: hanoinet demo ' "$T/demo.out" || { cat "$T/demo.out" >&2; fail "hanoinet-demo"; }
echo "ok"
