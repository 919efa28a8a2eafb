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

# case status field error: the JSON error's "field" ("-": none) and name;
# "mhd": the library refuses it itself, before the node sees it, with an
# HTML body
while read -r c want field error; do
	out=$(python3 "$HN_SRC/tests/integration/lib/rawhttp.py" "$PORT" "$c") ||
	    fail "$c: the raw client failed"
	statuses=$(head -1 <<<"$out")
	BODY=$(tail -n +2 <<<"$out")
	[ "$statuses" = "$want closed" ] ||
	    fail "$c: expected '$want closed' (one answer, then closed), got '$statuses': $BODY"
	if [ "$error" != mhd ]; then
		[ "$(jget error)" = "$error" ] || fail "$c: expected error $error: $BODY"
		[ "$field" = - ] || [ "$(jget field)" = "$field" ] ||
		    fail "$c: the error names $field: $BODY"
	fi
	ok "$c: $want $error, closed, nothing behind it served"
done <<'CASES'
cl_te 400 Transfer-Encoding malformed_request
te_cl 400 Transfer-Encoding malformed_request
cl_twice 400 Content-Length malformed_request
cl_same 400 Content-Length malformed_request
cl_list 400 - mhd
cl_sign 400 - mhd
te_unknown 501 Transfer-Encoding not_implemented
te_gzip_chunked 501 Transfer-Encoding not_implemented
te_twice 400 Transfer-Encoding malformed_request
te_http10 400 Transfer-Encoding malformed_request
te_chunked 400 Transfer-Encoding length_required
chunk_ext 400 Transfer-Encoding length_required
nul 400 X-A malformed_request
nul_cl 400 Content-Length malformed_request
cr 400 X-A malformed_request
ctl 400 X-A malformed_request
space_colon 400 - malformed_request
fold 400 - malformed_request
host_twice 400 Host malformed_request
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
