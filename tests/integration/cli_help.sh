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

# Option errors are uniform (cli/cli.h hn_cli_args): an unknown option
# and an option without its value exit 2 with one line on stderr naming
# the option; --help prints the usage and exits 0. "CMD...|OPTION": OPTION
# takes a value ("-" when the command has none).
m=0
while IFS='|' read -r cmd opt; do
	st=0
	# shellcheck disable=SC2086
	"$HN_BIN" $cmd --frobnicate </dev/null >/dev/null 2>"$T/err" || st=$?
	[ "$st" = 2 ] || fail "$cmd --frobnicate: exit $st, not 2"
	[ "$(wc -l <"$T/err")" = 1 ] || fail "$cmd --frobnicate: not one line"
	grep -q -- "unknown option --frobnicate" "$T/err" ||
	    fail "$cmd --frobnicate: $(cat "$T/err")"
	# shellcheck disable=SC2086
	"$HN_BIN" $cmd --help </dev/null >"$T/out" 2>&1 ||
	    fail "$cmd --help: exit $?"
	grep -q "^usage: hanoinet $cmd" "$T/out" ||
	    fail "$cmd --help: $(cat "$T/out")"
	m=$((m + 1))
	[ "$opt" = - ] && continue
	st=0
	# shellcheck disable=SC2086
	"$HN_BIN" $cmd "--$opt" </dev/null >/dev/null 2>"$T/err" || st=$?
	[ "$st" = 2 ] || fail "$cmd --$opt (no value): exit $st, not 2"
	[ "$(wc -l <"$T/err")" = 1 ] || fail "$cmd --$opt: not one line"
	grep -q -- "option --$opt needs a value" "$T/err" ||
	    fail "$cmd --$opt: $(cat "$T/err")"
done <<'EOF'
registry entry|dir
registry keygen|key
registry sign|key
registry verify|vkey
demo|nodes
serve|listen
log note verify|vkey
log note sign|key
log append|dir
request create|node
request list|kind
request show|node
request transition|reason
request approve|cacert
request receive|dir
request kinds|-
request protocol|-
request validate|-
login|node
logout|node
parties status|on
parties between|basis
parties summary|register
evidence send|url
evidence seal-for|recipient
evidence retain|until
account add|dir
init|party
message open|directory
EOF
# one-letter options (serve -c FILE): the same errors
st=0
"$HN_BIN" serve -x 2>"$T/err" || st=$?
[ "$st" = 2 ] && grep -q -- "unknown option -x" "$T/err" ||
    fail "serve -x: exit $st, $(cat "$T/err")"
st=0
"$HN_BIN" serve -c 2>"$T/err" || st=$?
[ "$st" = 2 ] && grep -q -- "option --config needs a value" "$T/err" ||
    fail "serve -c: exit $st, $(cat "$T/err")"
[ "$m" -ge 29 ] || fail "only $m commands checked"
echo "ok - option errors of $m commands: one line naming the option, exit 2"
echo "ok - hanoinet help names every command and, for the $n with subcommands, every subcommand"
