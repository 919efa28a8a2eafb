/*
 * The ledger over HTTP: GET /v1/log/checkpoint (C2SP signed note,
 * text/plain), /v1/log/proof/{index} (inclusion proof + entry, JSON),
 * /v1/log/consistency?from=M&to=N (one base64 hash per line, RFC 9162),
 * /v1/log/tile/... (C2SP tlog-tiles).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/sha256.h"
#include "ledger/checkpoint.h"
#include "ledger/merkle.h"
#include "store/ledger.h"
#include "ledger/note.h"
#include "ledger/tile.h"
#include "net/auth.h"
#include "net/http.h"
#include "node/node.h"
#include "net/routes.h"
#include "store/store.h"
#include "util/encode.h"
#include "util/fmt.h"

int
hn_api_log_checkpoint(struct hn_req *r)
{
	struct hn_buf b = HN_BUF_INIT(HN_NOTE_MAX);
	struct hn_error e;
	int rc;

	hn_error_clear(&e);
	if ((rc = hn_node_checkpoint(r->node, &b, &e)) != 0) {
		hn_buf_release(&b);
		if (e.code == 0)
			e.code = rc;
		return hn_resp_err(r, &e);
	}
	rc = hn_resp_raw(r, 200, "text/plain; charset=utf-8", b.data, b.len);
	hn_buf_release(&b);
	return rc;
}

static int
parse_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return HN_EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return HN_EINVAL;
	*out = v;
	return 0;
}

int
hn_api_log_proof(struct hn_req *r)
{
	struct hn_buf cp = HN_BUF_INIT(HN_NOTE_MAX),
		      entry = HN_BUF_INIT(HN_LEDGER_ENTRY_MAX + 1);
	uint8_t proof[HN_MERKLE_PROOF_MAX][32];
	char b64[hn_b64_len(HN_LEDGER_ENTRY_MAX)], h[hn_b64_len(32)],
	    lh[hn_b64_len(32)];
	uint8_t leaf[32];
	struct hn_sha256 sh;
	struct hn_checkpoint c;
	struct hn_note note;
	struct hn_error e;
	json_t *arr = NULL, *o;
	uint64_t index;
	size_t np = 0, i;
	int rc;

	hn_error_clear(&e);
	memset(&note, 0, sizeof(note));
	if (parse_u64(hn_req_param(r, "index"), &index) != 0) {
		rc = hn_resp_error(r, 400, "validation_failed", "index", NULL,
		    "index is a number");
		goto out;
	}
	if ((rc = hn_node_checkpoint(r->node, &cp, &e)) != 0 ||
	    (rc = hn_note_parse(&note, cp.data, cp.len, &e)) != 0 ||
	    (rc = hn_checkpoint_parse(&c, note.text, note.text_len, &e)) != 0) {
		if (e.code == 0)
			e.code = rc;
		e.code = e.code == HN_EPARSE ? HN_EINTERNAL : e.code;
		rc = hn_resp_err(r, &e);
		goto out;
	}
	if (index >= c.size) {
		rc = hn_resp_error(r, 404, "not_found", "index", NULL,
		    "the log has %llu entries", (unsigned long long)c.size);
		goto out;
	}
	pthread_mutex_lock(&r->node->ledger_mu);
	rc = hn_ledger_inclusion(r->node->ledger_ro, index, c.size, proof, &np);
	if (rc == 0)
		rc = hn_ledger_entry(r->node->ledger_ro, index, &entry);
	pthread_mutex_unlock(&r->node->ledger_mu);
	if (rc != 0) {
		e.code = rc;
		rc = hn_resp_err(r, &e);
		goto out;
	}
	arr = json_array();
	for (i = 0; i < np; i++) {
		hn_b64_encode(h, proof[i], 32);
		json_array_append_new(arr, json_string(h));
	}
	if ((rc = hn_sha256_init(&sh)) != 0) {
		e.code = rc;
		rc = hn_resp_err(r, &e);
		goto out;
	}
	hn_merkle_leaf_hash(&sh, entry.data, entry.len, leaf);
	hn_sha256_release(&sh);
	hn_b64_encode(lh, leaf, 32);
	hn_b64_encode(h, c.root, 32);
	o = json_pack("{s:I, s:I, s:s, s:s, s:o, s:s%}", "index",
	    (json_int_t)index, "size", (json_int_t)c.size, "root", h,
	    "leaf_hash", lh, "proof", arr, "checkpoint", cp.data, cp.len);
	arr = NULL;
	/* the entry itself only for those who may read entry texts */
	if (o != NULL && hn_entry_text_allowed(r->who.role)) {
		hn_b64_encode(b64, (const uint8_t *)entry.data, entry.len);
		json_object_set_new(o, "entry", json_string(b64));
		json_object_set_new(o, "entry_text",
		    json_stringn(entry.data, entry.len));
	}
	rc = hn_resp_json(r, 200, o);
out:
	json_decref(arr);
	hn_note_release(&note);
	hn_buf_release(&cp);
	hn_buf_release(&entry);
	return rc;
}

int
hn_api_log_consistency(struct hn_req *r)
{
	uint8_t proof[HN_MERKLE_PROOF_MAX][32];
	struct hn_buf out = HN_BUF_INIT(HN_MERKLE_PROOF_MAX * 48);
	char h[hn_b64_len(32)];
	struct hn_error e;
	uint64_t from, to;
	size_t np = 0, i;
	int rc;

	hn_error_clear(&e);
	if (parse_u64(hn_req_query(r, "from"), &from) != 0 ||
	    parse_u64(hn_req_query(r, "to"), &to) != 0 || from == 0 ||
	    from > to)
		return hn_resp_error(r, 400, "validation_failed", "from", NULL,
		    "from and to are sizes with 0 < from <= to");
	pthread_mutex_lock(&r->node->ledger_mu);
	rc = hn_ledger_consistency(r->node->ledger_ro, from, to, proof, &np);
	pthread_mutex_unlock(&r->node->ledger_mu);
	if (rc == HN_ERANGE)
		return hn_resp_error(r, 404, "not_found", "to", NULL,
		    "the log is smaller than %llu", (unsigned long long)to);
	if (rc != 0) {
		e.code = rc;
		return hn_resp_err(r, &e);
	}
	for (i = 0; i < np && rc == 0; i++) {
		hn_b64_encode(h, proof[i], 32);
		rc = hn_buf_addf(&out, "%s\n", h);
	}
	rc = hn_resp_raw(r, 200, "text/plain; charset=utf-8",
	    out.data ? out.data : "", out.len);
	hn_buf_release(&out);
	return rc;
}

int
hn_api_log_tile(struct hn_req *r)
{
	struct hn_buf out =
	    HN_BUF_INIT(HN_TILE_FULL * (HN_LEDGER_ENTRY_MAX + 2));
	char path[HN_TILE_PATH_MAX + 8];
	struct hn_error e;
	uint64_t index;
	int level, width, rc;

	hn_error_clear(&e);
	if (hn_fmt(path, sizeof(path), "tile/%s", hn_req_param(r, "*")) != 0 ||
	    hn_tile_parse(path, &level, &index, &width) != 0)
		return hn_resp_error(r, 404, "not_found", NULL, NULL,
		    "not a tile path");
	/* hash tiles are public like checkpoints (a witness or a court
	 * follows the log); entry bundles hold the entries themselves
	 * (net/auth.h) */
	if (level == HN_TILE_ENTRIES_LEVEL && r->who.role == 0)
		return hn_resp_error(r, 401, "unauthenticated", NULL, NULL,
		    "entry bundles are for auditors: log in first");
	if (level == HN_TILE_ENTRIES_LEVEL &&
	    !hn_entry_text_allowed(r->who.role))
		return hn_resp_error(r, 403, "forbidden", NULL, NULL,
		    "entry bundles are for auditors");
	pthread_mutex_lock(&r->node->ledger_mu);
	rc = hn_ledger_tile(r->node->ledger_ro, level, index, width, &out);
	pthread_mutex_unlock(&r->node->ledger_mu);
	if (rc != 0) {
		hn_buf_release(&out);
		if (rc == HN_ENOTFOUND || rc == HN_ERANGE || rc == HN_EINVAL)
			return hn_resp_error(r, 404, "not_found", NULL, NULL,
			    "no such tile (yet)");
		e.code = rc;
		return hn_resp_err(r, &e);
	}
	/* a full tile never changes (C2SP tlog-tiles); a partial one grows */
	hn_resp_header(r, "Cache-Control",
	    level == HN_TILE_ENTRIES_LEVEL ?
		(width == HN_TILE_FULL ?
			"private, max-age=31536000, immutable" :
			"private, max-age=10") :
		(width == HN_TILE_FULL ? "public, max-age=31536000, immutable" :
					 "public, max-age=10"));
	rc = hn_resp_raw(r, 200, "application/octet-stream",
	    out.data ? out.data : "", out.len);
	hn_buf_release(&out);
	return rc;
}
