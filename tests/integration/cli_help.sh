#!/usr/bin/env bash
# The usage text tells the truth (issue 13): 'hanoinet help' lists every
# command, each command with subcommands answers 'help' with its table,
# and the top-level summary of such a command names every one of its
# subcommands, so that a new subcommand cannot be left out of it. Rows are
# folded at 79 columns.
set -euo pipefail
: "${HN_BIN:?}"
fail() { echo "FAIL: $*" >&2; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

"$HN_BIN" help >"$T/top" || fail "hanoinet help: exit $?"
"$HN_BIN" >"$T/none" 2>&1 && fail "no command: exit 0"
cmp -s "$T/top" "$T/none" || fail "no command: not the help text"
for c in $(python3 - "$T/top" <<'PY'
import sys
for l in open(sys.argv[1]):
    if l.startswith("  ") and not l.startswith("   "):
        print(l.split()[0])
PY
); do
	# a command with subcommands prints its table for 'help'
	if "$HN_BIN" "$c" help >"$T/$c" 2>/dev/null &&
	    grep -q "^usage: hanoinet $c <command>" "$T/$c"; then
		python3 - "$T/top" "$T/$c" "$c" <<'PY' || fail "summary of $c"
import re, sys
top, sub, cmd = (open(sys.argv[1]).read().splitlines(),
                 open(sys.argv[2]).read().splitlines(), sys.argv[3])
def rows(lines):
    out, cur = {}, None
    for l in lines:
        if l.startswith("  ") and not l.startswith("   "):
            cur = l.split()[0]
            out[cur] = l[2 + len(cur):].strip()
        elif l.startswith(" " * 21) and cur:
            out[cur] += " " + l.strip()
        else:
            cur = None
    return out
summary = rows(top)[cmd]
words = set(re.findall(r"[a-z][a-z-]*", summary))
missing = [s for s in rows(sub) if s not in words]
if missing:
    sys.exit("hanoinet help: '%s' leaves out %s" % (cmd, ", ".join(missing)))
PY
		n=$((${n:-0} + 1))
	fi
done
[ "${n:-0}" -ge 6 ] || fail "only ${n:-0} commands with subcommands found"
awk 'length($0) > 79 { exit 1 }' "$T/top" || fail "a row wider than 79 columns"
echo "ok - hanoinet help names every command and, for the $n with subcommands, every subcommand"
