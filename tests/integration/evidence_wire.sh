#!/usr/bin/env bash
# Evidence transfer between real nodes over the federation channel
# (docs/protocol.md section 7): VNM (the requested side) sends an item to
# FRA sealed for FRA's key, in signed pieces over mutual TLS; FRA verifies
# every chunk and the SHA-256 before it stores and receipts; custody on
# both sides. Interrupted transfers resume from what FRA holds (sender
# stopped, sender killed, receiver killed); a tampered piece, another node's certificate
# and an unknown signer are refused; a wrong announced hash is refused
# before any acknowledgement; FRA refuses to send the item on to DEU
# without VNM's recorded authorisation (art. 36), then sends it for a
# request of DEU's that both hold. Evidence belongs to real requests: FRA's
# MLA request to VNM, and DEU's to FRA.
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"

fed_setup VNM FRA DEU
# DEU is no party to the UN Convention (the register): its request to FRA
# below goes under a bilateral treaty both declare
echo "bilateral = DEU" >>"$HN_T/FRA/hanoinet.conf"
echo "bilateral = FRA" >>"$HN_T/DEU/hanoinet.conf"
fed_start VNM
fed_start FRA
fed_start DEU

S="$HN_T/src"
mkdir -p "$S"
head -c $((3 * 1048576 + 5)) /dev/urandom >"$S/logs.tar"
head -c $((3 * 1048576 + 77)) /dev/urandom >"$S/resume.img"
head -c $((2 * 1048576 + 1)) /dev/urandom >"$S/killed.img"
head -c $((2 * 1048576 + 3)) /dev/urandom >"$S/crash.img"
head -c 70000 /dev/urandom >"$S/small.bin"
head -c 100000 /dev/urandom >"$S/wrong.bin"
head -c 600000 /dev/urandom >"$S/twice.bin"
printf '%s\n' "${OTOKEN[VNM]}" >"$HN_T/vnm.token"
# the request the evidence answers: FRA's, received by VNM (one id on both)
fed_queue FRA VNM mla
REQW=$RQ
rq_wait VNM "$REQW" received
rq_wait FRA "$REQW" delivered
"$HN_BIN" evidence add --url "${URLS[VNM]}" --cacert "$HN_T/VNM/tls.crt" \
	--token-file "$HN_T/vnm.token" --request "$REQW" \
	"$S/logs.tar" "$S/resume.img" "$S/killed.img" "$S/crash.img" "$S/small.bin" "$S/wrong.bin" "$S/twice.bin" >/dev/null \
	|| fail "upload on VNM"
fed_api VNM GET "/v1/evidence?request=$REQW"
VLIST=$BODY
id_in() { python3 -c 'import json,sys
for it in json.loads(sys.argv[1])["items"]:
    if it["name"] == sys.argv[2]: print(it["item"])' "$1" "$2"; }
LOGS=$(id_in "$VLIST" logs.tar); RES=$(id_in "$VLIST" resume.img)
KIL=$(id_in "$VLIST" killed.img); SMALL=$(id_in "$VLIST" small.bin)
CRASH=$(id_in "$VLIST" crash.img)
WRONG=$(id_in "$VLIST" wrong.bin); TWICE=$(id_in "$VLIST" twice.bin)

# xfer_state CODE ITEM: sets XSTATE, XSENT, XID, XERR (latest outgoing)
xfer_state() {
	fed_api "$1" GET "/v1/evidence/$2/transfers"
	expect 200 "transfers of $2 on $1"
	read -r XSTATE XSENT XID XERR < <(python3 -c 'import json,sys
t=[x for x in json.loads(sys.argv[1])["transfers"] if x["direction"]=="out"]
x=t[-1] if t else {"state":"none","sent":0,"transfer":"-","error":""}
print(x["state"], x["sent"], x["transfer"], x["error"].replace(" ","_") or "-")' "$BODY")
}
# wait_state CODE ITEM STATE [SECONDS]
wait_state() {
	local i
	for i in $(seq 1 $(( ${4:-60} * 10 ))); do
		xfer_state "$1" "$2"
		[ "$XSTATE" = "$3" ] && return 0
		case "$XSTATE" in failed|interrupted|acknowledged)
			[ "$XSTATE" != "$3" ] && fail "item $2 on $1: $XSTATE, not $3 ($XERR)" ;;
		esac
		sleep 0.1
	done
	fail "item $2 on $1 not $3 within ${4:-60}s (state $XSTATE, sent $XSENT)"
}
# wait_sent CODE ITEM BYTES: the sender has BYTES acknowledged by the
# recipient (a sender started with HN_TEST_XFER_HOLD_AFTER stays there)
wait_sent() {
	local i
	for i in $(seq 1 600); do
		xfer_state "$1" "$2"
		[ "$XSTATE" = sending ] && [ "$XSENT" = "$3" ] && return 0
		[ "$XSTATE" = sending ] || fail "item $2 on $1: $XSTATE before $3 bytes were sent ($XERR)"
		sleep 0.1
	done
	fail "item $2 on $1: $XSENT bytes sent, not $3, within 60s"
}
# wait_log CODE PATTERN: PATTERN appears in CODE's log
wait_log() {
	local i
	for i in $(seq 1 600); do
		grep -q -- "$2" "$HN_T/$1/serve.log" && return 0
		sleep 0.1
	done
	fail "$1 did not log '$2' within 60s"
}
# item_on CODE NAME [REQUEST]: sets ITEM (id on CODE, or empty), IJSON
item_on() {
	fed_api "$1" GET "/v1/evidence?request=${3:-$REQW}"
	ITEM=$(id_in "$BODY" "$2")
	IJSON=$(python3 -c 'import json,sys
for it in json.loads(sys.argv[1])["items"]:
    if it["name"] == sys.argv[2]: print(json.dumps(it))' "$BODY" "$2")
}
download() { # download CODE ITEM OUT
	curl -sSf --max-time 60 --cacert "$HN_T/$1/tls.crt" -H "Authorization: Bearer ${OTOKEN[$1]}" \
		-o "$3" "${URLS[$1]}/v1/evidence/$2/content?reason=test" || fail "download $2 from $1"
}

# --- happy path --------------------------------------------------------
fed_api VNM POST "/v1/evidence/$LOGS/transfer" '{"to":"FRA","conditions":"use only in case 2026/117","reason":"executing the MLA request"}'
expect 202 "transfer logs.tar"
wait_state VNM "$LOGS" acknowledged
item_on FRA logs.tar
[ -n "$ITEM" ] || fail "FRA has no logs.tar"
python3 - "$IJSON" "$(sha256sum "$S/logs.tar" | cut -c1-64)" <<'PY' || fail "FRA's item: $IJSON"
import json, sys
it = json.loads(sys.argv[1])
assert it["sha256"] == sys.argv[2], it
assert it["origin"] == "VNM" and it["conditions"] == "use only in case 2026/117", it
acts = [c["action"] for c in it["custody"]]
assert acts == ["intake", "seal", "received", "verified"], acts
assert all(c["ledger_index"] >= 0 for c in it["custody"]), it
PY
download FRA "$ITEM" "$HN_T/got"
cmp "$HN_T/got" "$S/logs.tar" || fail "content on FRA"
fed_api VNM GET "/v1/evidence?request=$REQW"
python3 - "$BODY" "$LOGS" <<'PY' || fail "VNM custody: $BODY"
import json, sys
it = [i for i in json.loads(sys.argv[1])["items"] if i["item"] == int(sys.argv[2])][0]
acts = [c["action"] for c in it["custody"]]
assert acts[-2:] == ["transfer_out", "acknowledged"], acts
ack = it["custody"][-1]
assert ack["detail"]["their_ledger_index"] >= 0 and ack["detail"]["recipient"] == "FRA", ack
assert it["custody"][-2]["detail"]["conditions"] == "use only in case 2026/117"
PY
fed_api VNM GET "/v1/evidence/$LOGS/transfers"
grep -q '"their_ledger_index": *[0-9]' <<<"$BODY" || fail "their index: $BODY"
ok "3 MiB item sent VNM -> FRA, verified, receipted; custody on both sides; content identical"

# a second request for the same item and peer is answered from the record
fed_api VNM POST "/v1/evidence/$LOGS/transfer" '{"to":"FRA"}'
expect 200 "again"
[ "$(jget state)" = acknowledged ] || fail "again: $BODY"

# two asks at once: the choice (new, resumed, being sent, acknowledged) is
# made in the write job that records it, so both name one transfer
ASKS=()
for k in 1 2; do
	curl -sS --max-time 30 --cacert "$HN_T/VNM/tls.crt" -H "Authorization: Bearer ${OTOKEN[VNM]}" \
		-H 'Content-Type: application/json' --data-binary '{"to":"FRA"}' \
		-o "$HN_T/twice.$k" -w '%{http_code}\n' "${URLS[VNM]}/v1/evidence/$TWICE/transfer" >"$HN_T/twice.st$k" &
	ASKS+=($!)
done
wait "${ASKS[@]}"
python3 - "$HN_T/twice" <<'PY' || fail "two asks at once: $(cat "$HN_T"/twice.*)"
import json, sys
st = [open(sys.argv[1] + ".st%d" % k).read().strip() for k in (1, 2)]
b = [json.load(open(sys.argv[1] + ".%d" % k)) for k in (1, 2)]
assert all(s in ("200", "202") for s in st), st
assert b[0]["transfer"] == b[1]["transfer"], b
PY
wait_state VNM "$TWICE" acknowledged
fed_api VNM GET "/v1/evidence?request=$REQW"
python3 - "$BODY" "$TWICE" <<'PY' || fail "VNM custody of twice.bin: $BODY"
import json, sys
it = [i for i in json.loads(sys.argv[1])["items"] if i["item"] == int(sys.argv[2])][0]
acts = [c["action"] for c in it["custody"]]
assert acts.count("transfer_out") == 1 and acts.count("acknowledged") == 1, acts
PY
fed_api FRA GET "/v1/evidence?request=$REQW"
[ "$(grep -o '"twice.bin"' <<<"$BODY" | wc -l)" = 1 ] || fail "FRA holds twice.bin not once: $BODY"
ok "two asks at once for one item: one transfer, one transfer_out, one acknowledgement, one item on FRA"

# --- interrupted (sender stops), then resumed -----------------------------
fed_stop VNM
HN_TEST_XFER_STOP_AFTER=3 HN_TEST_XFER_DUMP="$HN_T/dump" fed_start VNM
mkdir -p "$HN_T/dump"
fed_api VNM POST "/v1/evidence/$RES/transfer" '{"to":"FRA","conditions":"c2"}'
expect 202 "transfer resume.img"
wait_state VNM "$RES" interrupted
[ "$XSENT" = $((3 * 524288)) ] || fail "sent before the stop: $XSENT"
RXID=$XID
ls "$HN_T/dump/chunk-0" >/dev/null || fail "no dump"
fed_stop VNM
fed_start VNM   # resumes what was left interrupted, by itself
wait_state VNM "$RES" acknowledged
fed_api VNM POST "/v1/evidence/$RES/transfer" '{"to":"FRA"}'
expect 200 "asked again once acknowledged"
[ "$(jget transfer)" = "$RXID" ] || fail "a resumed transfer keeps its id: $BODY"
grep -q "event=evidence.transfer_resume transfer=$RXID to=FRA offset=1572864" "$HN_T/VNM/serve.log" \
	|| fail "VNM did not resume at 1572864: $(grep transfer_resume "$HN_T/VNM/serve.log")"
grep -q "event=evidence.incoming_resume sender=VNM transfer=$RXID offset=1572864" "$HN_T/FRA/serve.log" \
	|| fail "FRA did not report 1572864"
item_on FRA resume.img
download FRA "$ITEM" "$HN_T/got"
cmp "$HN_T/got" "$S/resume.img" || fail "resumed content"
ok "interrupted after 3 pieces, resumed at byte 1572864 (the recipient's count) when the node restarted, content identical"

# --- the sender is killed mid-transfer: it resumes when it starts again ----
# The sender holds after two pieces (HN_TEST_XFER_HOLD_AFTER), so the kill
# lands mid-transfer however slow this machine is.
fed_stop VNM
HN_TEST_XFER_HOLD_AFTER=2 fed_start VNM
fed_api VNM POST "/v1/evidence/$CRASH/transfer" '{"to":"FRA"}'
expect 202 "transfer crash.img"
CXID=$(jget transfer)
wait_sent VNM "$CRASH" 1048576
fed_kill VNM
fed_start VNM
wait_state VNM "$CRASH" acknowledged 90
grep -q "event=evidence.incoming_resume sender=VNM transfer=$CXID offset=1048576 " "$HN_T/FRA/serve.log" \
	|| fail "FRA was not asked to resume $CXID at 1048576: $(grep incoming_resume "$HN_T/FRA/serve.log")"
item_on FRA crash.img
download FRA "$ITEM" "$HN_T/got"
cmp "$HN_T/got" "$S/crash.img" || fail "content after the sender's crash"
ok "the sender was killed mid-transfer; started again, it resumed from what the recipient held"

# --- the receiver is killed mid-transfer -----------------------------------
# The sender holds after two pieces until released; FRA is killed there,
# the sender released, and FRA started again only once the sender has
# found it gone.
fed_stop VNM
HN_TEST_XFER_HOLD_AFTER=2 HN_TEST_XFER_RELEASE="$HN_T/release" fed_start VNM
fed_api VNM POST "/v1/evidence/$KIL/transfer" '{"to":"FRA"}'
expect 202 "transfer killed.img"
wait_sent VNM "$KIL" 1048576
KXID=$XID
# asked again while a delivery thread holds it: that thread's claim keeps
# it the only sender (answered "sending", no second start)
fed_api VNM POST "/v1/evidence/$KIL/transfer" '{"to":"FRA"}'
expect 202 "killed.img asked again while being sent"
python3 - "$BODY" "$KXID" <<'PY' || fail "asked again while being sent: $BODY"
import json, sys
b = json.loads(sys.argv[1])
assert b["transfer"] == sys.argv[2] and b["state"] == "sending", b
assert "ledger_index" not in b, b  # not started again
PY
[ "$(grep -c "event=evidence.transfer_started transfer=$KXID " "$HN_T/VNM/serve.log")" = 1 ] \
	|| fail "a second start of $KXID: $(grep "transfer_started transfer=$KXID" "$HN_T/VNM/serve.log")"
fed_kill FRA
touch "$HN_T/release"
wait_log VNM "event=evidence.transfer_retry transfer=$KXID "
fed_start FRA
wait_state VNM "$KIL" acknowledged 90
item_on FRA killed.img
download FRA "$ITEM" "$HN_T/got"
cmp "$HN_T/got" "$S/killed.img" || fail "content after the receiver's crash"
fed_api VNM GET "/v1/evidence?request=$REQW"
python3 - "$BODY" "$KIL" <<'PY' || fail "VNM custody of killed.img: $BODY"
import json, sys
it = [i for i in json.loads(sys.argv[1])["items"] if i["item"] == int(sys.argv[2])][0]
acts = [c["action"] for c in it["custody"]]
assert acts.count("transfer_out") == 1 and acts.count("acknowledged") == 1, acts
PY
grep -q "event=evidence.incoming_resume sender=VNM transfer=$KXID offset=1048576 " "$HN_T/FRA/serve.log" \
	|| fail "FRA was not asked to resume $KXID at 1048576: $(grep incoming_resume "$HN_T/FRA/serve.log")"
ok "the recipient was killed mid-transfer; the sender resumed from what it held; asked again meanwhile, no second sender, one acknowledgement"
fed_stop VNM
fed_start VNM

# --- forged, tampered and misdirected pieces -------------------------------
# peer_post CERTDIR FILE PATH: posts a signed object to FRA with CERTDIR's TLS identity
peer_post() {
	STATUS=$(curl -sS --max-time 30 --cacert "$HN_T/FRA/tls.crt" --cert "$1/tls.crt" --key "$1/tls.key" \
		-o "$HN_T/resp" -w '%{http_code}' -H 'Content-Type: application/vnd.hanoinet.evidence' \
		--data-binary "@$2" "${URLS[FRA]}$3") || STATUS=000
	BODY=$(cat "$HN_T/resp")
}
C0="$HN_T/dump/chunk-0"
peer_post "$HN_T/VNM" "$C0" "/v1/evidence/incoming/$RXID"
expect 409 "a replayed piece of a finished transfer"
python3 - "$C0" "$HN_T/tampered" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
i = b.index(b'"data":"') + 200
b[i] = ord("A") if b[i] != ord("A") else ord("B")
open(sys.argv[2], "wb").write(b)
PY
peer_post "$HN_T/VNM" "$HN_T/tampered" "/v1/evidence/incoming/$RXID"
expect 403 "tampered piece"
[ "$(jget error)" = bad_signature ] || fail "tampered: $BODY"
peer_post "$HN_T/DEU" "$C0" "/v1/evidence/incoming/$RXID"
expect 403 "VNM's piece over DEU's connection"
[ "$(jget error)" = certificate_mismatch ] || fail "wrong cert: $BODY"
sed '1s/^hanoinet-evidence-v1 VNM /hanoinet-evidence-v1 ZZZ /' "$C0" >"$HN_T/unknown"
peer_post "$HN_T/VNM" "$HN_T/unknown" "/v1/evidence/incoming/$RXID"
expect 403 "unknown signer"
[ "$(jget error)" = unknown_sender ] || fail "unknown signer: $BODY"
sed '1s/^hanoinet-evidence-v1 VNM /hanoinet-evidence-v1 DEU /' "$C0" >"$HN_T/relabelled"
peer_post "$HN_T/DEU" "$HN_T/relabelled" "/v1/evidence/incoming/$RXID"
expect 403 "VNM's piece relabelled as DEU's"
[ "$(jget error)" = bad_signature ] || fail "relabelled: $BODY"
peer_post "$HN_T/VNM" "$C0" "/v1/inbox"
[ "$STATUS" = 400 ] || fail "an evidence object accepted as an envelope: $STATUS $BODY"
# (a small signed object: the 401 comes before the body is read, and a
# server that closes on a half-sent 512 KiB piece can reset the connection
# before curl reads the answer: 'Send failure: Broken pipe', status 000)
STATUS=$(curl -sS --max-time 30 --cacert "$HN_T/FRA/tls.crt" -o "$HN_T/resp" -w '%{http_code}' \
	--data-binary "@$HN_T/dump/offer-0" "${URLS[FRA]}/v1/evidence/incoming/$RXID") || STATUS=000
[ "$STATUS" = 401 ] || fail "no client certificate: $STATUS"
ok "replayed 409, tampered 403 bad_signature, other node's certificate 403, unknown signer 403, relabelled 403, not an envelope, no certificate 401"

# --- a wrong announced hash: refused before any acknowledgement ------------
fed_stop VNM
HN_TEST_XFER_WRONG_SHA=1 fed_start VNM
fed_api VNM POST "/v1/evidence/$WRONG/transfer" '{"to":"FRA"}'
expect 202 "transfer wrong.bin"
wait_state VNM "$WRONG" failed
case "$XERR" in *verification_failed*) ;; *) fail "failure reason: $XERR" ;; esac
item_on FRA wrong.bin
[ -z "$ITEM" ] || fail "FRA stored an item whose hash did not match"
grep -q "event=evidence.incoming_refused sender=VNM" "$HN_T/FRA/serve.log" || fail "refusal not logged"
fed_api VNM GET "/v1/evidence?request=$REQW"
python3 - "$BODY" "$WRONG" <<'PY' || fail "VNM recorded an acknowledgement: $BODY"
import json, sys
it = [i for i in json.loads(sys.argv[1])["items"] if i["item"] == int(sys.argv[2])][0]
acts = [c["action"] for c in it["custody"]]
assert "transfer_out" in acts and "acknowledged" not in acts, acts
PY
ok "a wrong announced SHA-256: FRA refuses before any receipt, stores nothing; VNM records no acknowledgement"
fed_stop VNM
fed_start VNM

# --- a request known on both nodes (one id): evidence goes to its other party
fed_api FRA POST /v1/requests "$(fed_request mla FRA VNM)"
expect 201 "FRA creates an MLA request"
RQ=$(jget id)
fed_api FRA POST "/v1/requests/$RQ/transitions" '{"to":"queued"}'
expect 200 "queue it"
for i in $(seq 1 150); do
	fed_api VNM GET "/v1/requests/$RQ"
	[ "$STATUS" = 200 ] && [ "$(jget side)" = requested ] && break
	sleep 0.1
done
[ "$(jget side)" = requested ] || fail "VNM did not receive request $RQ: $BODY"
printf 'executed: account records\n' >"$S/answer.txt"
"$HN_BIN" evidence add --url "${URLS[VNM]}" --cacert "$HN_T/VNM/tls.crt" \
	--token-file "$HN_T/vnm.token" --request "$RQ" "$S/answer.txt" >/dev/null || fail "upload the answer"
fed_api VNM GET "/v1/evidence?request=$RQ"
ANS=$(id_in "$BODY" answer.txt)
fed_api VNM POST "/v1/evidence/$ANS/transfer" '{"to":"DEU"}'
expect 400 "evidence of FRA's request sent to DEU"
grep -q "goes to FRA" <<<"$BODY" || fail "reason: $BODY"
fed_api VNM POST "/v1/evidence/$ANS/transfer" '{"to":"FRA","reason":"answer to the MLA request"}'
expect 202 "the answer to FRA"
wait_state VNM "$ANS" acknowledged
fed_api FRA GET "/v1/evidence?request=$RQ"
[ -n "$(id_in "$BODY" answer.txt)" ] || fail "FRA: the item is not on request $RQ: $BODY"
# DEU is no party to it: FRA refuses evidence for it from DEU. DEU cannot
# even file evidence under it (it holds no such request), so its node is
# made to name RF in the offer of an item of its own request RD with FRA.
RF=$RQ
fed_queue DEU FRA mla '"legal_basis":"bilateral"'
RD=$RQ
rq_wait DEU "$RD" delivered
printf 'not yours\n' >"$S/intruder.txt"
printf '%s\n' "${OTOKEN[DEU]}" >"$HN_T/deu.token"
"$HN_BIN" evidence add --url "${URLS[DEU]}" --cacert "$HN_T/DEU/tls.crt" \
	--token-file "$HN_T/deu.token" --request "$RF" "$S/intruder.txt" 2>"$HN_T/e" >/dev/null \
	&& fail "DEU filed evidence under a request it does not hold"
grep -q "404.*no such request" "$HN_T/e" || fail "DEU's upload: $(cat "$HN_T/e")"
"$HN_BIN" evidence add --url "${URLS[DEU]}" --cacert "$HN_T/DEU/tls.crt" \
	--token-file "$HN_T/deu.token" --request "$RD" "$S/intruder.txt" >/dev/null || fail "upload on DEU"
fed_api DEU GET "/v1/evidence?request=$RD"
INTR=$(id_in "$BODY" intruder.txt)
fed_stop DEU
HN_TEST_XFER_REQUEST=$RF fed_start DEU
fed_api DEU POST "/v1/evidence/$INTR/transfer" '{"to":"FRA"}'
expect 202 "DEU tries"
wait_state DEU "$INTR" failed
case "$XERR" in *403*forbidden*) ;; *) fail "DEU's failure: $XERR" ;; esac
fed_stop DEU
fed_start DEU
fed_api FRA GET "/v1/evidence?request=$RF"
[ -z "$(id_in "$BODY" intruder.txt)" ] || fail "FRA took evidence for its request from DEU"
ok "request $RF (one id on both nodes): its evidence goes to FRA only; FRA refuses evidence for it from DEU"

# --- art. 36: no onward transfer without the sender's authorisation --------
# (onward: for DEU's request RD, which FRA holds too)
item_on FRA logs.tar
FLOGS=$ITEM
fed_api FRA POST "/v1/evidence/$FLOGS/transfer" "{\"to\":\"DEU\",\"request\":\"$RD\"}"
expect 403 "onward transfer without consent"
[ "$(jget article)" = 36 ] || fail "article: $BODY"
grep -q "art. 36" <<<"$BODY" || fail "reason: $BODY"
"$HN_BIN" evidence consent --dir "$HN_T/FRA" --request "$REQW" --name logs.tar \
	--ref "VNM letter 2026-11-20" >/dev/null || fail "consent"
fed_api FRA POST "/v1/evidence/$FLOGS/transfer" '{"to":"DEU","conditions":"as VNM allowed"}'
expect_field 400 "VNM's request's evidence to DEU" to
grep -q "goes to VNM" <<<"$BODY" || fail "reason: $BODY"
fed_api FRA POST "/v1/evidence/$FLOGS/transfer" "{\"to\":\"DEU\",\"request\":\"$RD\",\"conditions\":\"as VNM allowed\"}"
expect 202 "onward transfer with consent, for DEU's request"
wait_state FRA "$FLOGS" acknowledged
item_on DEU logs.tar "$RD"
[ "$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["origin"])' "$IJSON")" = FRA ] || fail "DEU origin: $IJSON"
ok "art. 36: FRA refuses to send VNM's item to DEU (403, art. 36) until the authorisation is recorded, then sends it for DEU's request"

# the small item: one piece, and a transfer to an unknown party or to ourselves is refused
fed_api VNM POST "/v1/evidence/$SMALL/transfer" '{"to":"ZZZ"}'
expect 400 "unknown party"
fed_api VNM POST "/v1/evidence/$SMALL/transfer" '{"to":"VNM"}'
expect 400 "ourselves"
# too long: the error names the field that is (the console shows it there)
LONG=$(head -c 1025 /dev/zero | tr '\0' x)
fed_api VNM POST "/v1/evidence/$SMALL/transfer" "{\"to\":\"FRA\",\"reason\":\"$LONG\"}"
expect_field 413 "reason too long" reason
fed_api VNM POST "/v1/evidence/$SMALL/transfer" "{\"to\":\"FRA\",\"reason\":\"ok\",\"conditions\":\"$LONG\"}"
expect_field 413 "conditions too long" conditions
xfer_state VNM "$SMALL"
[ "$XSTATE" = none ] || fail "a refused transfer was recorded: $XSTATE"
out=$("$HN_BIN" evidence send --url "${URLS[VNM]}" --cacert "$HN_T/VNM/tls.crt" \
	--token-file "$HN_T/vnm.token" --item "$SMALL" --to FRA --reason "CLI" --wait 60) \
	|| fail "evidence send: $out"
grep -q "acknowledged by FRA" <<<"$out" || fail "send printed: $out"
wait_state VNM "$SMALL" acknowledged
item_on FRA resume.img
"$HN_BIN" evidence send --url "${URLS[FRA]}" --cacert "$HN_T/FRA/tls.crt" \
	--token-file <(printf '%s\n' "${OTOKEN[FRA]}") --item "$ITEM" --to VNM 2>"$HN_T/e" \
	&& fail "CLI onward transfer without consent"
grep -q "art. 36" "$HN_T/e" || fail "CLI art. 36: $(cat "$HN_T/e")"
ok "a one-piece item with 'hanoinet evidence send'; unknown party, self, too long a reason or conditions (413 at its field) and (CLI) art. 36 refused"

for c in VNM FRA DEU; do fed_stop "$c"; done
