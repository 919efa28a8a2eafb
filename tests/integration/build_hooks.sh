#!/usr/bin/env bash
# Test hooks live only in the test executable (src/util/hook.h): the
# shipped `hanoinet` ($HN_SHIPPED_BIN) holds no HN_TEST_* name and ignores
# HN_TEST_XFER_WRONG_SHA (its transfer is acknowledged), while
# `hanoinet-test` ($HN_BIN, what every other integration test runs) honours
# it (FRA refuses the false hash). Both are built from one main.c.
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"
: "${HN_SHIPPED_BIN:?HN_SHIPPED_BIN must point to the shipped hanoinet}"

[ "$HN_SHIPPED_BIN" != "$HN_BIN" ] || fail "HN_BIN is the shipped binary"
if command -v strings >/dev/null; then
	names() { strings "$1" | grep -o 'HN_TEST_[A-Z_]*' | sort -u || true; }
else
	names() { grep -a -o 'HN_TEST_[A-Z_]*' "$1" | sort -u || true; }
fi
[ -z "$(names "$HN_SHIPPED_BIN")" ] || fail "the shipped binary names hooks: $(names "$HN_SHIPPED_BIN" | tr '\n' ' ')"
names "$HN_BIN" | grep -qx HN_TEST_XFER_WRONG_SHA || fail "the test binary has no hooks"
ok "strings: no HN_TEST_ in the shipped binary; the test binary has $(names "$HN_BIN" | wc -l)"

fed_setup VNM FRA
fed_start FRA
S="$HN_T/src"
mkdir -p "$S"
head -c 70000 /dev/urandom >"$S/a.bin"
head -c 70001 /dev/urandom >"$S/b.bin"
fed_queue FRA VNM mla
REQ=$RQ
# xfer ITEM STATE: waits (bounded) for VNM's latest outgoing transfer of
# ITEM to end; fails unless it ended in STATE. Sets XERR.
xfer() {
	local i st=none
	for i in $(seq 1 600); do
		fed_api VNM GET "/v1/evidence/$1/transfers"
		read -r st XERR < <(python3 -c 'import json,sys
t=[x for x in json.loads(sys.argv[1])["transfers"] if x["direction"]=="out"]
x=t[-1] if t else {"state":"none","error":""}
print(x["state"], (x["error"] or "-").replace(" ","_"))' "$BODY")
		case "$st" in failed|interrupted|acknowledged)
			[ "$st" = "$2" ] || fail "item $1: $st ($XERR), not $2"
			return 0 ;;
		esac
		sleep 0.1
	done
	fail "item $1: no end within 60 s (state $st)"
}
# send BIN FILE STATE: VNM served by BIN with HN_TEST_XFER_WRONG_SHA=1
# uploads FILE and sends it to FRA; the transfer must end in STATE
send() {
	HN_BIN=$1 HN_TEST_XFER_WRONG_SHA=1 fed_start VNM
	[ -n "${RECEIVED:-}" ] || { rq_wait VNM "$REQ" received; RECEIVED=1; }
	printf '%s\n' "${OTOKEN[VNM]}" >"$HN_T/vnm.token"
	"$HN_BIN" evidence add --url "${URLS[VNM]}" --cacert "$HN_T/VNM/tls.crt" \
		--token-file "$HN_T/vnm.token" --request "$REQ" "$2" >"$HN_T/add.out" ||
		fail "upload $2"
	ITEM=$(awk '{print $6}' "$HN_T/add.out")
	fed_api VNM POST "/v1/evidence/$ITEM/transfer" '{"to":"FRA"}'
	expect 202 "transfer $2"
	xfer "$ITEM" "$3"
	fed_stop VNM
}
send "$HN_SHIPPED_BIN" "$S/a.bin" acknowledged
ok "the shipped binary ignores HN_TEST_XFER_WRONG_SHA: the transfer is acknowledged"
send "$HN_BIN" "$S/b.bin" failed
case "$XERR" in *verification_failed*) ;; *) fail "failure reason: $XERR" ;; esac
ok "the test binary honours it: FRA refuses the false SHA-256"
