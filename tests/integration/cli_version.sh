#!/usr/bin/env bash
# 'hanoinet version' (issue 17): `git describe --tags` where the checkout has
# a tag, else the project's version in CMakeLists.txt; both binaries agree and
# CHANGELOG.md has a section for the project's version. The describe logic
# (cmake/HnVersion.cmake) is also run on scratch repositories: untagged (the
# project's version), tagged "v9.8.7" (9.8.7), one commit past the tag
# (9.8.7-1-g<hash>), and a tag that is not a version (ignored).
set -euo pipefail
: "${HN_BIN:?}" "${HN_SRC:?}"
fail() { echo "FAIL: $*" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
M="$HN_SRC/cmake/HnVersion.cmake"
[ -f "$M" ] || fail "no cmake/HnVersion.cmake"

proj=$(sed -n 's/^project(hanoinet VERSION \([0-9.]*\).*/\1/p' "$HN_SRC/CMakeLists.txt")
[ -n "$proj" ] || fail "no project version in CMakeLists.txt"
want=$(cmake -DSRC="$HN_SRC" -DFALLBACK="$proj" -P "$M" 2>&1)
if d=$(git -C "$HN_SRC" describe --tags 2>/dev/null); then
	[ "$want" = "${d#v}" ] || fail "describe $d, script says $want"
else
	[ "$want" = "$proj" ] || fail "untagged: script says $want, not $proj"
fi
for b in "$HN_BIN" "${HN_SHIPPED_BIN:-$HN_BIN}"; do
	[ "$("$b" version)" = "hanoinet $want" ] || fail "$b version: $("$b" version)"
	[ "$("$b" --version)" = "hanoinet $want" ] || fail "$b --version"
done
grep -q "^## $proj " "$HN_SRC/CHANGELOG.md" || fail "CHANGELOG.md: no section $proj"

# scratch repositories
v() { cmake -DSRC="$T/r" -DFALLBACK=0.1.0 -P "$M" 2>&1; }
g() { git -C "$T/r" -c user.name=t -c user.email=t@example.invalid "$@" >/dev/null; }
mkdir "$T/r" && g init -q && echo a >"$T/r/f" && g add f && g commit -qm a
[ "$(v)" = 0.1.0 ] || fail "untagged scratch: $(v)"
g tag not-a-version
[ "$(v)" = 0.1.0 ] || fail "non-version tag taken: $(v)"
g tag -a v9.8.7 -m r
[ "$(v)" = 9.8.7 ] || fail "tagged: $(v)"
echo b >"$T/r/f" && g commit -qam b
h=$(git -C "$T/r" rev-parse --short HEAD)
[ "$(v)" = "9.8.7-1-g$h" ] || fail "past the tag: $(v)"
rm -rf "$T/r/.git"
[ "$(v)" = 0.1.0 ] || fail "no .git: $(v)"
echo "ok: hanoinet $want"
