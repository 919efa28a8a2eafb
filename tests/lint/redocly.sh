#!/usr/bin/env bash
# issue 17: docs/api.yaml has 0 errors under `redocly lint` (@redocly/cli,
# pinned in tests/browser/package.json, its default rules: no redocly.yaml).
set -euo pipefail
: "${HN_SRC:?}"
r="$HN_SRC/tests/browser/node_modules/.bin/redocly"
[ -x "$r" ] || { echo "FAIL: $r missing (scripts/bootstrap runs npm ci in tests/browser)" >&2; exit 1; }
[ ! -e "$HN_SRC/redocly.yaml" ] || { echo "FAIL: redocly.yaml would change the default rules" >&2; exit 1; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
cd "$t"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
"$r" lint "$HN_SRC/docs/api.yaml" >"$t/out" 2>&1 || { cat "$t/out" >&2; echo "FAIL: redocly lint" >&2; exit 1; }
tail -n 3 "$t/out"
echo "ok - redocly lint docs/api.yaml: 0 errors"
