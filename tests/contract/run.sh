#!/usr/bin/env bash
# issue 17, the contract test: a handful of integration tests run with
# HN_API_RECORD set (tests/integration/lib/node.sh records every API
# response), then validate.py checks each recorded response against
# docs/api.yaml: its status documented for its operation, its JSON body
# valid against the schema. 0 mismatches; zero records fails.
set -euo pipefail
: "${HN_SRC:?}" "${HN_BIN:?}"
python3 -c 'import jsonschema, yaml' ||
    { echo "FAIL: python3-jsonschema / python3-yaml missing (scripts/bootstrap)" >&2; exit 1; }
t=$(mktemp -d "${TMPDIR:-/tmp}/hn-contract.XXXXXX")
trap 'rm -rf "$t"' EXIT
export HN_API_RECORD="$t/records.tsv"
: >"$HN_API_RECORD"
for s in node_requests evidence_api fed_requests edge_csrf; do
	bash "$HN_SRC/tests/integration/$s.sh" >"$t/$s.log" 2>&1 ||
	    { cat "$t/$s.log" >&2; echo "FAIL: $s (recording run)" >&2; exit 1; }
done
# a forged record must be caught: the checker checks
printf 'GET\t/v1/kinds\t200\tapplication/json\t%s\n' "$(printf '"not the kinds"' | base64 -w0)" >"$t/forged.tsv"
if python3 "$HN_SRC/tests/contract/validate.py" "$HN_SRC/docs/api.yaml" "$t/forged.tsv" >/dev/null; then
	echo "FAIL: a forged response passed the checker" >&2; exit 1
fi
: >"$t/empty.tsv"
if python3 "$HN_SRC/tests/contract/validate.py" "$HN_SRC/docs/api.yaml" "$t/empty.tsv" >/dev/null; then
	echo "FAIL: zero records passed the checker" >&2; exit 1
fi
python3 "$HN_SRC/tests/contract/validate.py" "$HN_SRC/docs/api.yaml" "$HN_API_RECORD"
