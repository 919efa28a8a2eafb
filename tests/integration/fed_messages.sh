#!/usr/bin/env bash
# POST /v1/messages no longer creates or moves requests (issue 12): a
# request kind (every kind of GET /v1/kinds) or a kind that changes a
# request answers 400 use_request_routes naming field kind and the routes
# to use, and nothing is queued, stored or sent. Free text about a request
# both nodes hold (more_information, art. 40) still goes, from either
# side, and lands in the other copy's history without moving it; one about
# an unknown request, a draft, or for a third party is refused.
. "$HN_SRC/tests/integration/lib/node.sh"
. "$HN_SRC/tests/integration/lib/fed.sh"

fed_setup VNM FRA
fed_start VNM
fed_start FRA

# outbox_total CODE: sets OUT, the number of messages CODE queued (any state)
outbox_total() {
	fed_api "$1" GET "/v1/messages?limit=1"
	expect 200 "outbox of $1"
	OUT=$(python3 -c 'import json,sys
o=json.loads(sys.argv[1])["outbox"]; print(sum(o[k] for k in ("queued","delivering","delivered","failed")))' "$BODY")
}

# Every request kind of GET /v1/kinds (a valid document of each, built by
# lib/mkrequest.py) and every kind that changes a request, in one client
# (a process per call costs seconds on a loaded machine).
curl -sS --cacert "$HN_T/VNM/tls.crt" "${URLS[VNM]}/v1/kinds" >"$HN_T/kinds.json"
changes="acknowledgement response refusal postponement status_update preservation_extension release withdrawal"
request_kinds=$(python3 - "${URLS[VNM]}" "$HN_T/VNM/tls.crt" "${OTOKEN[VNM]}" "$HN_T/kinds.json" \
    "$HN_SRC/tests/integration/lib/mkrequest.py" $changes <<'PY'
import contextlib, http.client, io, json, runpy, ssl, sys, urllib.parse
url, ca, tok, kinds_path, mk = sys.argv[1:6]
changes = sys.argv[6:]
u = urllib.parse.urlparse(url)
ctx = ssl.create_default_context(cafile=ca)
ctx.check_hostname = False
c = http.client.HTTPSConnection(u.hostname, u.port, context=ctx, timeout=30)
kinds = [k["name"] for k in json.load(open(kinds_path))["kinds"]]
assert kinds, "no kinds"
p0 = "0123456789abcdef0123456789abcdef"
for k in kinds + changes:
    if k in kinds:
        argv, sys.argv = sys.argv, [mk, kinds_path, k, "VNM", "FRA"]
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            runpy.run_path(mk, run_name="__main__")
        sys.argv = argv
        msg = {"to": "FRA", "kind": k, "body": json.loads(out.getvalue())}
    else:
        msg = {"to": "FRA", "kind": k, "in_reply_to": p0,
               "body": {"request": p0, "state": "x"}}
    c.request("POST", "/v1/messages", json.dumps(msg),
              {"Authorization": "Bearer " + tok, "Content-Type": "application/json"})
    r = c.getresponse()
    d = r.read()
    e = json.loads(d) if d else {}
    if not (r.status == 400 and e.get("error") == "use_request_routes" and
            e.get("field") == "kind" and "use POST /v1/requests and "
            "/v1/requests/{id}/transitions" in e.get("message", "")):
        sys.exit("POST /v1/messages kind %s: %d %s (want 400 use_request_routes "
                 "at field kind, naming the routes)" % (k, r.status, d.decode()))
print(" ".join(kinds))
PY
) || fail "a request kind or a change went through POST /v1/messages"
outbox_total VNM
[ "$OUT" = 0 ] || fail "VNM queued $OUT messages"
fed_api VNM GET /v1/requests
[ "$(jget requests)" = "[]" ] || fail "a request appeared on VNM: $BODY"
fed_api VNM POST /v1/messages '{"to":"FRA","kind":"receipt","body":{}}'
expect_field 400 "a receipt by hand" kind
fed_api VNM POST /v1/messages '{"to":"FRA","kind":"gossip","body":{}}'
expect_field 400 "an unknown kind" kind
ok "request kinds ($request_kinds) and changes ($changes): 400 use_request_routes, field kind; nothing queued"

# free text: only about a request both hold, to its other party
P0=0123456789abcdef0123456789abcdef
fed_api VNM POST /v1/messages '{"to":"FRA","kind":"more_information","body":{}}'
expect_field 400 "more information about no request" request_id
fed_api VNM POST /v1/messages "{\"to\":\"FRA\",\"kind\":\"more_information\",\"request_id\":\"$P0\",\"body\":{}}"
expect_field 404 "more information about an unknown request" request_id
fed_api VNM POST /v1/messages "{\"to\":\"FRA\",\"kind\":\"more_information\",\"in_reply_to\":\"$P0\",\"body\":{}}"
expect_field 404 "more information in reply to an unknown request" in_reply_to
fed_api VNM POST /v1/requests "$(fed_request preservation VNM FRA)"
expect 201 "a draft"
D=$(jget id)
fed_api VNM POST /v1/messages "{\"to\":\"FRA\",\"kind\":\"more_information\",\"request_id\":\"$D\",\"body\":{}}"
expect_field 409 "more information about a draft" request_id
fed_api VNM POST /v1/messages "{\"to\":\"DEU\",\"kind\":\"more_information\",\"request_id\":\"$D\",\"body\":{}}"
expect_field 400 "more information to a third party" to
outbox_total VNM
[ "$OUT" = 0 ] || fail "VNM queued $OUT messages"
ok "more information about no request, an unknown one (404), a draft (409) or to a third party (400): refused, nothing queued"

fed_queue VNM FRA preservation
P=$RQ
rq_wait VNM "$P" delivered
rq_wait FRA "$P" received
fed_note VNM FRA "$P" "Which accounts exactly?"
fed_wait_status VNM "$MSGID" delivered
fed_api FRA GET "/v1/requests/$P"
grep -q 'Which accounts exactly?' <<<"$BODY" || fail "the note is not in FRA's history: $BODY"
[ "$(jget state)" = received ] || fail "a note moved FRA's copy: $BODY"
# from the requested side, as a reply (in_reply_to: the request's id)
fed_api FRA POST /v1/messages "{\"to\":\"VNM\",\"kind\":\"more_information\",\"in_reply_to\":\"$P\",\"body\":{\"request\":\"$P\",\"payload\":{\"message\":\"more_information\",\"text\":\"Accounts phish-1 and phish-2?\"}}}"
expect 201 "FRA's more information"
fed_wait_status FRA "$(jget id)" delivered
fed_api VNM GET "/v1/requests/$P"
grep -q 'Accounts phish-1 and phish-2?' <<<"$BODY" || fail "the note is not in VNM's history: $BODY"
[ "$(jget state)" = delivered ] || fail "a note moved VNM's copy: $BODY"
fed_api VNM POST /v1/messages "{\"to\":\"FRA\",\"kind\":\"refusal\",\"in_reply_to\":\"$P\",\"body\":{\"request\":\"$P\",\"state\":\"refused\"}}"
expect_field 400 "a refusal of a real request through /v1/messages" kind
fed_api FRA GET "/v1/requests/$P"
[ "$(jget state)" = received ] || fail "FRA's copy moved: $BODY"
ok "more information about request $P goes both ways, lands in each history, moves nothing"
