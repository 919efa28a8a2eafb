#!/usr/bin/env bash
# A full disk (issue 15, point 5): the node's data directory is a small
# tmpfs, filled to the last byte. Writes answer 507 insufficient_storage
# (never 500), reads keep working with an existing session, /readyz says
# not ready (503) while /healthz says alive, /metrics counts the refusals,
# the log says "no space left on device". Once space is freed the node
# takes writes again without a restart, and nothing is half-written:
# every acknowledged request is there, no refused one is, the audit log
# verifies. Needs root to mount the tmpfs: skipped (77) otherwise.
. "$HN_SRC/tests/integration/lib/node.sh"

if [ "$(id -u)" != 0 ]; then
	echo "skip: mounting a tmpfs needs root"
	exit 77
fi
D="$HN_T/disk"
mkdir -p "$D"
if ! mount -t tmpfs -o size=16m,mode=0700 tmpfs "$D" 2>"$HN_T/mount.err"; then
	echo "skip: cannot mount a tmpfs: $(cat "$HN_T/mount.err")"
	exit 77
fi
disk_cleanup() {
	local p
	for p in "${HN_PIDS[@]:-}"; do
		[ -n "$p" ] && kill -9 "$p" 2>/dev/null || true
	done
	umount "$D" 2>/dev/null || umount -l "$D" 2>/dev/null || true
	hn_cleanup
}
trap disk_cleanup EXIT

N="$D/vnm"
hn_init "$N" VNM
hn_start "$N"
ADMIN=$(login admin "$ADMIN_PW")
TOKEN=$ADMIN
pw=$(add_account officer duty_officer)
TOKEN=$(login officer "$pw")
OFFICER=$TOKEN
first=$(new_request VNM FRA)
acked=1
ok "a request is created while there is space"

api GET /readyz "" ""
expect 200 "/readyz with space"
api POST /v1/evidence "{\"request\":\"$first\",\"name\":\"full.bin\"}"
expect 201 "start an evidence upload"
UP=$(jget upload)
head -c $((2 * 1048576)) /dev/urandom >"$HN_T/piece"
put_piece() { # put_piece OFFSET: the 2 MiB piece into the upload
	STATUS=$(curl -sS --max-time 30 --cacert "$CA" -o "$HN_T/resp" -w '%{http_code}' \
	    -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/octet-stream' \
	    --data-binary "@$HN_T/piece" "$URL/v1/evidence/uploads/$UP?offset=$1") || STATUS=000
	BODY=$(cat "$HN_T/resp")
}

# fill the filesystem to the last block
cat /dev/zero >"$D/fill" 2>/dev/null || true
[ "$(df --output=avail -k "$D" | tail -1 | tr -d ' ')" -lt 64 ] ||
	fail "the tmpfs is not full"

# Writes on a full disk: 507 for those that need a new page (some may
# still fit in space SQLite already holds: 201); never anything else.
doc=$(hn_doc preservation VNM FRA)
n507=0
for i in $(seq 1 40); do
	api POST /v1/requests "$doc"
	case $STATUS in
	201) acked=$((acked + 1)) ;;
	507)
		n507=$((n507 + 1))
		[ "$(jget error)" = insufficient_storage ] ||
			fail "507 names insufficient_storage: $BODY"
		[ "$n507" -ge 3 ] && break
		;;
	*) fail "a write on a full disk: expected 201 or 507, got $STATUS: $BODY" ;;
	esac
done
[ "$n507" -ge 3 ] || fail "writes on a full disk were not refused ($n507 x 507)"
ok "writes on a full disk: 507 insufficient_storage ($((acked - 1)) fitted)"

# evidence bytes on a full disk: ENOSPC from the object write is 507 too
put_piece 0
expect 507 "2 MiB of evidence on a full disk"
[ "$(jget error)" = insufficient_storage ] || fail "evidence 507 names insufficient_storage: $BODY"
ok "evidence upload on a full disk: 507 insufficient_storage"

# reads with an existing session keep working
api GET "/v1/requests/$first"
expect 200 "read a request on a full disk"
api GET /v1/requests
expect 200 "list requests on a full disk"
api GET /v1/node "" ""
expect 200 "GET /v1/node on a full disk"
ok "reads work on a full disk"

# a login writes (its session row and its audit-log entry): it works while
# that fits in space the database already holds, else 507; never a 500
for i in 1 2 3 4 5; do
	api POST /v1/session "{\"name\":\"officer\",\"password\":\"$pw\"}" ""
	case $STATUS in
	201 | 507) ;;
	*) fail "login on a full disk: expected 201 or 507, got $STATUS: $BODY" ;;
	esac
done
ok "login on a full disk: 201 or 507, never 500 (last: $STATUS)"

api GET /healthz "" ""
expect 200 "/healthz on a full disk (alive)"
api GET /readyz "" ""
expect 503 "/readyz on a full disk"
[ "$(jget error)" = insufficient_storage ] || fail "/readyz names the cause: $BODY"
ok "/healthz 200 (alive), /readyz 503 (not ready)"

TOKEN=$ADMIN
api GET /metrics
expect 200 "metrics on a full disk"
n507=$(printf '%s\n' "$BODY" | sed -n 's/^hanoinet_http_insufficient_storage_total //p')
[ -n "$n507" ] && [ "$n507" -ge 3 ] || fail "metrics count the 507s: '$n507'"
printf '%s\n' "$BODY" | grep -qx 'hanoinet_ready 0' || fail "metrics: hanoinet_ready 0"
ok "metrics: $n507 writes refused, hanoinet_ready 0"

grep -q 'no space left on device' "$N/serve.log" ||
	fail "the log names ENOSPC as 'no space left on device'"
! grep -q 'input/output error' "$N/serve.log" ||
	fail "the log calls ENOSPC an input/output error"
ok "the log says: no space left on device"

# space returns: ready again and writes work, without a restart
rm -f "$D/fill"
for i in $(seq 1 100); do
	api GET /readyz "" ""
	[ "$STATUS" = 200 ] && break
	sleep 0.1
done
expect 200 "/readyz once space is back"
TOKEN=$OFFICER
new_request VNM FRA >/dev/null
acked=$((acked + 1))
api POST /v1/session "{\"name\":\"officer\",\"password\":\"$pw\"}" ""
expect 201 "login once space is back"
api GET "/v1/evidence/uploads/$UP"
expect 200 "the upload after a refused write"
off=$(jget offset)
# the upload resumes at what is durable (whole chunks); nothing beyond
[ "$off" -lt $((2 * 1048576)) ] || fail "a refused evidence write counted as written: $BODY"
head -c $((2 * 1048576)) "$HN_T/piece" | tail -c $((2 * 1048576 - off)) >"$HN_T/rest"
mv "$HN_T/rest" "$HN_T/piece"
put_piece "$off"
expect 200 "the evidence piece once space is back"
ok "space freed: ready, writes and logins work again without a restart"

# nothing half-written: exactly the acknowledged requests exist
api GET /v1/requests
expect 200 "list requests"
n=$(python3 -c 'import json,sys; print(len(json.loads(sys.argv[1])["requests"]))' "$BODY")
[ "$n" = "$acked" ] || fail "$acked requests acknowledged but $n stored"
hn_stop "$PID"
"$HN_BIN" log verify --dir "$N" >"$HN_T/verify.out" ||
	fail "log verify after a full disk: $(cat "$HN_T/verify.out")"
python3 - "$N/hanoinet.db" <<'EOF' || fail "integrity_check"
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
EOF
ok "$acked requests stored as acknowledged; log verify ok; integrity ok"
