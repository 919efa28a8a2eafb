#!/usr/bin/env bash
# Request smuggling shapes (issue 15, RFC 9112) over raw TLS: each is
# refused before any handler runs, with its status and a JSON error naming
# the header, and the connection is closed, so that the request placed
# right behind it (GET /healthz) is never served. Two sound requests on
# one connection are both served (the check sees a second response).
. "$HN_SRC/tests/integration/lib/node.sh"

N="$HN_T/vnm"
hn_init "$N" VNM
hn_start "$N"

# case expected-status field (the error's "field"; "-": none; "mhd": the
# library refuses it itself, before the node sees it, with an HTML body)
while read -r c want field; do
	out=$(python3 "$HN_SRC/tests/integration/lib/rawhttp.py" "$PORT" "$c") ||
	    fail "$c: the raw client failed"
	statuses=$(head -1 <<<"$out")
	BODY=$(tail -n +2 <<<"$out")
	[ "$statuses" = "$want closed" ] ||
	    fail "$c: expected '$want closed' (one answer, then closed), got '$statuses': $BODY"
	case $field in
	mhd) ;;
	-) [ "$(jget error)" != "" ] || fail "$c: no JSON error: $BODY" ;;
	*) [ "$(jget field)" = "$field" ] || fail "$c: the error names $field: $BODY" ;;
	esac
	case $want in
	400) [ "$field" = mhd ] || [ "$(jget error)" = malformed_request ] || fail "$c: $BODY" ;;
	501) [ "$(jget error)" = not_implemented ] || fail "$c: $BODY" ;;
	411) [ "$(jget error)" = length_required ] || fail "$c: $BODY" ;;
	esac
	ok "$c: $want, closed, nothing behind it served"
done <<'CASES'
cl_te 400 Transfer-Encoding
te_cl 400 Transfer-Encoding
cl_twice 400 Content-Length
cl_same 400 Content-Length
cl_list 400 mhd
cl_sign 400 mhd
te_unknown 501 Transfer-Encoding
te_gzip_chunked 501 Transfer-Encoding
te_twice 400 Transfer-Encoding
te_http10 400 Transfer-Encoding
te_chunked 411 Transfer-Encoding
chunk_ext 411 Transfer-Encoding
nul 400 X-A
nul_cl 400 Content-Length
cr 400 X-A
ctl 400 X-A
space_colon 400 -
fold 400 -
host_twice 400 Host
CASES

# sound requests on one connection: both answered, the connection stays
[ "$(python3 "$HN_SRC/tests/integration/lib/rawhttp.py" "$PORT" pipelined | head -1)" = "200 200 open" ] ||
    fail "two pipelined GETs are not both served"
[ "$(python3 "$HN_SRC/tests/integration/lib/rawhttp.py" "$PORT" cl_ok | head -1)" = "400 200 open" ] ||
    fail "a login with a Content-Length body and a GET behind it"
ok "sound requests on one connection are all served"

api GET /healthz
expect 200 "healthz after the smuggling shapes"
hn_stop "$PID"
