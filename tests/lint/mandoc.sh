#!/usr/bin/env bash
# issue 17: every man page under docs/man is clean under
# `mandoc -T lint -W warning` (and its style notes: lines within 80 bytes).
set -euo pipefail
: "${HN_SRC:?}"
command -v mandoc >/dev/null || { echo "FAIL: mandoc missing (scripts/bootstrap installs it)" >&2; exit 1; }
n=0
for f in "$HN_SRC"/docs/man/*.[1-9]; do
	out=$(mandoc -T lint -W style "$f" 2>&1) || { echo "FAIL: $f: $out" >&2; exit 1; }
	[ -z "$out" ] || { echo "FAIL: $f: $out" >&2; exit 1; }
	n=$((n + 1))
done
[ "$n" -gt 0 ] || { echo "FAIL: no man page under docs/man" >&2; exit 1; }
echo "ok - mandoc -T lint: $n man page(s) clean"
