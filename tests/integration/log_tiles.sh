#!/usr/bin/env bash
# Tiles as C2SP tlog-tiles asks (issue 17): hash tiles are public like the
# checkpoint, so a witness or a court can follow the log without an
# account; entry bundles (they carry the entries) stay for auditors and
# admins (401 without a session, 403 for an officer). A full tile never
# changes: `Cache-Control: public, max-age=31536000, immutable` (entry
# bundles `private`); a partial one is short-lived (`max-age=10`); other
# answers keep `no-store`.
. "$HN_SRC/tests/integration/lib/node.sh"

N="$HN_T/vnm"
hn_init "$N" VNM
hn_start "$N"
TOKEN=$(login admin "$ADMIN_PW")
apw=$(add_account audit auditor)
AUDIT_TOKEN=$(login audit "$apw")
opw=$(add_account officer duty_officer)
TOKEN=$(login officer "$opw")

# log_size: the size of the latest signed checkpoint (its second line)
log_size() {
	curl -sS --max-time 30 --cacert "$CA" "$URL/v1/log/checkpoint" | sed -n 2p
}

# more than one full tile of entries: requests, 20 at a time (bounded)
doc=$(hn_doc preservation VNM FRA)
for round in $(seq 1 30); do
	[ "$(log_size)" -gt 256 ] 2>/dev/null && break
	pids=()
	for i in $(seq 1 20); do
		curl -sS --max-time 30 --cacert "$CA" -o /dev/null \
		    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
		    --data-binary "$doc" "$URL/v1/requests" &
		pids+=($!)
	done
	wait "${pids[@]}"
done
# the signer covers appends within about a second: wait for it (bounded)
for i in $(seq 1 100); do
	[ "$(log_size)" -gt 256 ] 2>/dev/null && break
	sleep 0.1
done
size=$(log_size)
[ "$size" -gt 256 ] 2>/dev/null || fail "the log did not pass 256 entries: '$size'"
ok "log of $size entries"

# get PATH [TOKEN]: sets STATUS, CC (its Cache-Control) and LEN (bytes)
get() {
	local args=()
	[ -n "${2:-}" ] && args+=(-H "Authorization: Bearer $2")
	STATUS=$(curl -sS --max-time 30 --cacert "$CA" "${args[@]}" -D "$HN_T/hdr" \
	    -o "$HN_T/tile" -w '%{http_code}' "$URL$1") || STATUS=000
	CC=$(sed -n 's/^[Cc]ache-[Cc]ontrol: *//p' "$HN_T/hdr" | tr -d '\r')
	LEN=$(stat -c %s "$HN_T/tile")
	BODY=$(tr -d '\000' <"$HN_T/tile")
	hn_record GET "$1" "$STATUS" "" "$HN_T/tile"
}

partial=$(printf '%03d.p/%d' 1 $((size - 256)))

get /v1/log/tile/0/000
[ "$STATUS" = 200 ] || fail "a full hash tile without a session: $STATUS: $BODY"
[ "$LEN" = $((256 * 32)) ] || fail "a full hash tile is $LEN bytes"
[ "$CC" = "public, max-age=31536000, immutable" ] || fail "full hash tile: Cache-Control '$CC'"
ok "full hash tile: public, immutable, no session needed"

get "/v1/log/tile/0/$partial"
[ "$STATUS" = 200 ] || fail "a partial hash tile: $STATUS: $BODY"
[ "$LEN" = $(((size - 256) * 32)) ] || fail "partial hash tile is $LEN bytes"
[ "$CC" = "public, max-age=10" ] || fail "partial hash tile: Cache-Control '$CC'"
ok "partial hash tile: short-lived"

get /v1/log/tile/entries/000
[ "$STATUS" = 401 ] || fail "an entry bundle without a session: $STATUS"
[ "$CC" = no-store ] || fail "a refusal: Cache-Control '$CC'"
get /v1/log/tile/entries/000 "$TOKEN"
[ "$STATUS" = 403 ] || fail "an entry bundle for a duty officer: $STATUS"
get /v1/log/tile/entries/000 "bogus-token"
[ "$STATUS" = 401 ] || fail "an entry bundle with a forged token: $STATUS"
ok "entry bundles: 401 without a session or with a forged one, 403 for an officer"

get /v1/log/tile/entries/000 "$AUDIT_TOKEN"
[ "$STATUS" = 200 ] || fail "an auditor's full entry bundle: $STATUS"
[ "$CC" = "private, max-age=31536000, immutable" ] || fail "full entry bundle: Cache-Control '$CC'"
get "/v1/log/tile/entries/$partial" "$AUDIT_TOKEN"
[ "$STATUS" = 200 ] || fail "an auditor's partial entry bundle: $STATUS"
[ "$CC" = "private, max-age=10" ] || fail "partial entry bundle: Cache-Control '$CC'"
ok "entry bundles for an auditor: private; full immutable, partial short-lived"

# beyond the log, malformed paths: 404, not cached
get "/v1/log/tile/0/$(printf '%03d' 9)"
[ "$STATUS" = 404 ] || fail "a tile beyond the log: $STATUS"
[ "$CC" = no-store ] || fail "a 404: Cache-Control '$CC'"
get "/v1/log/tile/0/abc"
[ "$STATUS" = 404 ] || fail "a malformed tile path: $STATUS"
get "/v1/log/tile/0/000.p/300"
[ "$STATUS" = 404 ] || fail "a partial tile wider than 256: $STATUS"
get /v1/node
[ "$CC" = no-store ] || fail "/v1/node: Cache-Control '$CC'"
ok "404s and other answers stay no-store"
