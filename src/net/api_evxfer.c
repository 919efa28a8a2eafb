/*
 * api_evxfer.c - evidence transfer between nodes over the federation
 * channel (docs/protocol.md section 7, docs/evidence.md).
 *
 * Sending side (officers):
 *   POST /v1/evidence/{id}/transfer {to, conditions?, reason?}
 *        -> 202 {transfer, item, to, state: "sending", total}
 *   GET  /v1/evidence/{id}/transfers -> {transfers: [...]}
 * The handler checks the item, the request and the recipient, then the
 * evidence sender (node/evsend.h) records and sends the transfer.
 *
 * Receiving side (peer: mutual TLS, pinned certificate, signed object,
 * authenticated exactly as /v1/inbox; fed/evwire.h):
 *   POST /v1/evidence/incoming                offer  -> {offset, state}
 *   POST /v1/evidence/incoming/{id}           chunk  -> {offset}
 *   POST /v1/evidence/incoming/{id}/finish    finish -> signed receipt
 * The handlers authenticate and parse the signed object, the evidence
 * receiver (node/evrecv.h: checks, staging, finishing into an item with
 * its custody and ledger entries, the receipt) does the rest, and they
 * answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/date.h"
#include "crypto/seal.h"
#include "fed/evwire.h"
#include "net/evidence_int.h"
#include "net/http.h"
#include "net/routes.h"
#include "node/evidence.h"
#include "node/evrecv.h"
#include "node/evsend.h"
#include "node/federation.h"
#include "node/node.h"
#include "store/blob.h"
#include "store/evidence.h"
#include "store/evxfer.h"
#include "store/store.h"
#include "util/encode.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/diag.h"

#define SIZE_MAX_ITEM (1ull << 40) /* 1 TiB */

/* ====================================================================== */
/* receiving side: the API of node/evrecv.h                                */
/* ====================================================================== */

/* Authenticates the body as a signed evidence object of operation op. */
static int
open_wire(struct hn_req *r, const char *op, json_t **p, char sender[4])
{
	struct hn_fed *f = hn_fednode_fed(r->node);
	const char *code = "malformed", *id = hn_req_param(r, "id");
	struct hn_error e;
	char msg[256];
	int st = 400, rc;

	*p = NULL;
	hn_error_clear(&e);
	if (f == NULL)
		return hn_resp_error(r, 503, "federation_disabled", NULL, NULL,
			   "the federation is not running on this node"),
		       HN_ESTATE;
	if ((rc = hn_ev_setup(r->node, &e)) != 0)
		return hn_resp_error(r, 503, "unavailable", NULL, NULL, "%s",
			   e.message),
		       rc;
	if ((rc = hn_fed_evidence_open(f, r->body ? r->body : "", r->body_len,
		 r->has_peer ? r->peer_fp : NULL, r->now, p, sender, &st, &code,
		 msg, sizeof(msg))) != 0)
		return hn_resp_error(r, st, code, NULL, NULL, "%s", msg), rc;
	if (strcmp(hn_json_str(*p, "op"), op) != 0 ||
	    !hn_xfer_id_valid(hn_json_str(*p, "transfer")) ||
	    (id[0] != '\0' && strcmp(id, hn_json_str(*p, "transfer")) != 0)) {
		json_decref(*p);
		*p = NULL;
		return hn_resp_error(r, 400, "malformed", NULL, NULL,
			   "expected a '%s' object for this transfer", op),
		       HN_EPARSE;
	}
	return 0;
}

static int
answer_state(struct hn_req *r, int status, const char *xfer, const char *state,
    uint64_t offset)
{
	return hn_resp_json(r, status,
	    json_pack("{s:s,s:s,s:I,s:I}", "transfer", xfer, "state", state,
		"offset", (json_int_t)offset, "piece",
		(json_int_t)HN_EVW_PIECE));
}

/* The 409 that tells the sender where to continue. */
static int
answer_offset(struct hn_req *r, const char *code, const struct hn_error *e,
    uint64_t offset)
{
	return hn_resp_json(r, 409,
	    json_pack("{s:s,s:s,s:I}", "error", code, "message", e->message,
		"offset", (json_int_t)offset));
}

/*
 * A refusal of the receiving service (node/evrecv.h) as the protocol's
 * answer (docs/protocol.md section 7); an internal error as its code.
 */
static int
answer_refusal(struct hn_req *r, int rc, const struct hn_evrecv_answer *a,
    struct hn_error *e)
{
	const char *f = e->field;

	if (rc != 0) {
		if (e->code == 0)
			e->code = rc;
		return hn_resp_err(r, e);
	}
	switch (a->refused) {
	case HN_EVRECV_UNKNOWN:
		return hn_resp_error(r, 404, "unknown_transfer", f, NULL, "%s",
		    e->message);
	case HN_EVRECV_FAILED:
		return hn_resp_error(r, 409, "transfer_failed", f, NULL, "%s",
		    e->message);
	case HN_EVRECV_NOT_RECEIVING:
		return answer_offset(r,
		    strcmp(a->state, "failed") == 0 ? "transfer_failed" :
						      "conflict",
		    e, a->offset);
	case HN_EVRECV_OFFSET:
		return answer_offset(r, "offset_mismatch", e, a->offset);
	case HN_EVRECV_PIECE:
		return hn_resp_error(r, 400, "malformed", f, NULL, "%s",
		    e->message);
	case HN_EVRECV_UNVERIFIED:
		return hn_resp_error(r, 400, "verification_failed", f, NULL,
		    "%s", e->message);
	case HN_EVRECV_NONE:
		break;
	}
	return hn_resp_json(r, 500, NULL);
}

static int
u64_field(const json_t *o, const char *k, uint64_t max, uint64_t *out)
{
	json_t *v = json_object_get(o, k);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > max)
		return HN_EINVAL;
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* The announced transfer of an offer's payload p into t; HN_EINVAL if a
 * field is missing or out of bounds. */
static int
offer_parse(const json_t *p, const char *sender, int64_t now,
    struct hn_xfer_in *t)
{
	const char *req, *name, *desc, *sha, *cond;

	memset(t, 0, sizeof(*t));
	req = hn_json_str(p, "request");
	name = hn_json_str(p, "name");
	desc = hn_json_str(p, "description");
	sha = hn_json_str(p, "sha256");
	cond = hn_json_str(p, "conditions");
	if (req == NULL || req[0] == '\0' || strlen(req) > HN_EV_REQUEST_MAX ||
	    name == NULL || name[0] == '\0' || strlen(name) > HN_EV_NAME_MAX ||
	    (desc != NULL && strlen(desc) > HN_EV_TEXT_MAX) ||
	    hn_blob_addr_valid(sha) != 0 ||
	    (cond != NULL && strlen(cond) > HN_EV_TEXT_MAX) ||
	    u64_field(p, "size", SIZE_MAX_ITEM, &t->size) != 0 ||
	    u64_field(p, "sealed_size", 2 * SIZE_MAX_ITEM, &t->sealed_size) !=
		0 ||
	    t->sealed_size < hn_seal_stream_size(t->size, HN_SEAL_CHUNK_MAX) ||
	    t->sealed_size > hn_seal_stream_size(t->size, HN_SEAL_CHUNK_MIN))
		return HN_EINVAL;
	/* every length was checked above, the transfer id by open_wire */
	HN_FMT_FIXED(t->sender, sizeof(t->sender), "%s", sender);
	HN_FMT_FIXED(t->xfer, sizeof(t->xfer), "%s",
	    hn_json_str(p, "transfer"));
	HN_FMT_FIXED(t->request_id, sizeof(t->request_id), "%s", req);
	hn_evidence_safe_name(t->name, name);
	HN_FMT_FIXED(t->description, sizeof(t->description), "%s",
	    desc ? desc : "");
	HN_FMT_FIXED(t->sha256, sizeof(t->sha256), "%s", sha);
	HN_FMT_FIXED(t->conditions, sizeof(t->conditions), "%s",
	    cond ? cond : "");
	HN_FMT_FIXED(t->state, sizeof(t->state), "receiving");
	t->created_at = now;
	return 0;
}

/* POST /v1/evidence/incoming (peer): the sender announces a transfer. */
int
hn_api_evxfer_offer(struct hn_req *r)
{
	struct hn_evrecv_answer a;
	struct hn_xfer_in t;
	struct hn_error e;
	struct hn_db *db;
	char sender[4];
	json_t *p = NULL;
	int rc;

	hn_error_clear(&e);
	if (open_wire(r, "offer", &p, sender) != 0)
		return 0;
	if (offer_parse(p, sender, r->now, &t) != 0) {
		rc = hn_resp_error(r, 400, "malformed", NULL, NULL,
		    "an offer names request, name, sha256, size and the "
		    "sealed stream's size (description, conditions optional)");
		goto out;
	}
	if ((rc = hn_req_db(r, &db)) == 0)
		rc = hn_evrecv_offer(r->node, db, &t, &a, &e);
	if (rc != 0 || a.refused != HN_EVRECV_NONE)
		rc = answer_refusal(r, rc, &a, &e);
	else
		rc = answer_state(r, 200, t.xfer, a.state, a.offset);
out:
	json_decref(p);
	return rc;
}

/* POST /v1/evidence/incoming/{id} (peer): one piece at its offset. */
int
hn_api_evxfer_chunk(struct hn_req *r)
{
	struct hn_evrecv_answer a;
	struct hn_error e;
	struct hn_db *db;
	const char *data, *xfer;
	char sender[4];
	json_t *p = NULL;
	uint64_t off = 0;
	int rc;

	hn_error_clear(&e);
	if (open_wire(r, "chunk", &p, sender) != 0)
		return 0;
	data = hn_json_str(p, "data");
	xfer = hn_json_str(p, "transfer");
	if (data == NULL || strlen(data) > hn_b64_len(HN_EVW_PIECE) ||
	    u64_field(p, "offset", 2 * SIZE_MAX_ITEM, &off) != 0) {
		rc = hn_resp_error(r, 400, "malformed", "data", NULL,
		    "a chunk carries offset and data (base64, at most %u "
		    "bytes)",
		    HN_EVW_PIECE);
		goto out;
	}
	if ((rc = hn_req_db(r, &db)) == 0)
		rc = hn_evrecv_chunk(db, sender, xfer, off, data, &a, &e);
	if (rc != 0 || a.refused != HN_EVRECV_NONE)
		rc = answer_refusal(r, rc, &a, &e);
	else
		rc = answer_state(r, 200, xfer, "receiving", a.offset);
out:
	json_decref(p);
	return rc;
}

/* POST /v1/evidence/incoming/{id}/finish (peer): verify, store, receipt. */
int
hn_api_evxfer_finish(struct hn_req *r)
{
	struct hn_buf rcpt = HN_BUF_INIT(HN_XFER_RECEIPT_MAX + 1);
	struct hn_evrecv_answer a;
	struct hn_error e;
	struct hn_db *db;
	char sender[4];
	json_t *p = NULL;
	int rc;

	hn_error_clear(&e);
	if (open_wire(r, "finish", &p, sender) != 0)
		return 0;
	if ((rc = hn_req_db(r, &db)) == 0)
		rc = hn_evrecv_finish(r->node, db, sender,
		    hn_json_str(p, "transfer"), r->now, &rcpt, &a, &e);
	if (rc != 0 || a.refused != HN_EVRECV_NONE)
		rc = answer_refusal(r, rc, &a, &e);
	else
		rc = hn_resp_raw(r, 200, "application/vnd.hanoinet.receipt",
		    rcpt.data, rcpt.len);
	hn_buf_release(&rcpt);
	json_decref(p);
	return rc;
}

/* ====================================================================== */
/* sending side: the API of node/evsend.h                                  */
/* ====================================================================== */

/* The evidence sender's view of the node. */
static int
sender_env(struct hn_node *n, struct hn_evsend_env *env, struct hn_error *err)
{
	int rc;

	if ((rc = hn_ev_setup(n, err)) != 0)
		return rc;
	env->store = n->store;
	env->fed = hn_fednode_fed(n);
	env->blobs = hn_ev_blobs();
	env->keys = hn_ev_keys();
	env->custody = hn_ev_custody;
	return env->fed != NULL ? 0 : HN_ESTATE;
}

/*
 * The request an item's transfer answers: its evidence goes to the other
 * party of its request, once that party holds the request too (one id on
 * both nodes). 0 if `to` may have it; 1 with a 4xx response; < 0 (no
 * response) on an internal error.
 */
static int
transfer_request(struct hn_req *r, const char *req, const char *to)
{
	struct hn_db *db;
	char other[4];
	int rc;

	if ((rc = hn_req_db(r, &db)) != 0)
		return rc;
	rc = hn_ev_request_party(db, req, 1, other);
	if (rc == HN_ENOTFOUND)
		return hn_resp_error(r, 404, "not_found", "request", "40",
			   "request %s: no such request on this node", req),
		       1;
	if (rc != 0 && rc != HN_ESTATE)
		return rc;
	if (strcmp(other, to) != 0)
		return hn_resp_error(r, 400, "validation_failed", "to", NULL,
			   "request %s is with %s: its evidence goes to %s, not %s",
			   req, other, other, to),
		       1;
	if (rc == HN_ESTATE)
		return hn_resp_error(r, 409, "conflict", "request", "40",
			   "request %s has not reached %s over the network (not "
			   "sent, not yet receipted, or registered from writing): %s "
			   "would not know it; its evidence can follow once it does",
			   req, to, to),
		       1;
	return 0;
}

/* The recipient's directory entry into *peer; nonzero with a response. */
static int
transfer_peer(struct hn_req *r, struct hn_fed *f, const char *to,
    struct hn_dir_party *peer)
{
	int rc;

	if (strcmp(to, hn_fed_self(f)) == 0)
		return hn_resp_error(r, 400, "validation_failed", "to", NULL,
			   "to: not this node's own party"),
		       1;
	rc = hn_fed_party_copy(f, to, r->now, peer);
	if (rc == HN_ESTATE)
		return hn_resp_error(r, 503, "stale_directory", NULL, NULL,
			   "this node holds no unexpired directory"),
		       1;
	if (rc != 0)
		return hn_resp_error(r, 400, "validation_failed", "to", NULL,
			   "%s is not in the directory of nodes", to),
		       1;
	return 0;
}

/* 200 for a transfer acknowledged before, 202 for one being sent. */
static int
transfer_answer(struct hn_req *r, int64_t item, const char *to,
    const struct hn_evsend_result *res)
{
	if (res->outcome == HN_EVSEND_ACKNOWLEDGED)
		return hn_resp_json(r, 200,
		    json_pack("{s:s,s:I,s:s,s:s,s:I,"
			      "s:I}",
			"transfer", res->xfer, "item", (json_int_t)item, "to",
			to, "state", "acknowledged", "total",
			(json_int_t)res->total, "their_ledger_index",
			(json_int_t)res->their_index));
	if (res->outcome == HN_EVSEND_ACTIVE)
		return hn_resp_json(r, 202,
		    json_pack("{s:s,s:I,s:s,s:s,s:I}", "transfer", res->xfer,
			"item", (json_int_t)item, "to", to, "state", "sending",
			"total", (json_int_t)res->total));
	return hn_resp_json(r, 202,
	    json_pack("{s:s,s:I,s:s,s:s,s:I,s:I}", "transfer", res->xfer,
		"item", (json_int_t)item, "to", to, "state", "sending", "total",
		(json_int_t)res->total, "ledger_index",
		(json_int_t)res->ledger_index));
}

/* The body's fields of POST /v1/evidence/{id}/transfer; answers and
 * returns 1 when one is wrong. */
static int
transfer_fields(struct hn_req *r, json_t *body, const char **to,
    const char **cond, const char **why, const char **req)
{
	*to = hn_json_str(body, "to");
	*cond = hn_json_str(body, "conditions");
	*why = hn_json_str(body, "reason");
	*req = hn_json_str(body, "request");
	if (*to == NULL || strlen(*to) != 3) {
		hn_resp_error(r, 400, "validation_failed", "to", NULL,
		    "to: the receiving party's code");
		return 1;
	}
	if ((*cond != NULL && strlen(*cond) > HN_EV_TEXT_MAX) ||
	    (*why != NULL && strlen(*why) > HN_EV_TEXT_MAX)) {
		/* the field that is too long, so a form can show it there */
		const char *fld =
		    *cond != NULL && strlen(*cond) > HN_EV_TEXT_MAX ?
		    "conditions" :
		    "reason";

		hn_resp_error(r, 413, "too_large", fld, NULL,
		    "%s: at most %d bytes", fld, HN_EV_TEXT_MAX);
		return 1;
	}
	if (*req != NULL &&
	    ((*req)[0] == '\0' || strlen(*req) > HN_EV_REQUEST_MAX)) {
		hn_resp_error(r, 400, "validation_failed", "request", NULL,
		    "request: the id of a request this node holds (1 to %d bytes)",
		    HN_EV_REQUEST_MAX);
		return 1;
	}
	return 0;
}

/*
 * POST /v1/evidence/{id}/transfer {to, request?, conditions?, reason?}:
 * request (default: the item's) is the request the item answers on both
 * nodes, e.g. a third State's request for an item received from another
 * (an onward transfer, art. 36).
 */
int
hn_api_evidence_transfer(struct hn_req *r)
{
	struct hn_fed *f = hn_fednode_fed(r->node);
	struct hn_evidence_item it;
	struct hn_evsend_env env;
	struct hn_evsend_ask q;
	struct hn_evsend_result res;
	struct hn_dir_party peer;
	struct hn_error e;
	struct stat sb;
	const char *to, *cond, *why, *req;
	char path[HN_BLOB_PATH_MAX];
	json_t *body = NULL;
	int rc;

	hn_error_clear(&e);
	if (f == NULL)
		return hn_resp_error(r, 503, "federation_disabled", NULL, NULL,
		    "the federation is not running on this node");
	if (hn_req_json(r, &body) != 0)
		return 0;
	if (transfer_fields(r, body, &to, &cond, &why, &req) != 0) {
		rc = 0;
		goto out;
	}
	if (hn_ev_load_item(r, &it) != 0) {
		rc = 0;
		goto out;
	}
	if (req == NULL)
		req = it.request_id;
	if (it.deleted_at != 0) {
		rc = hn_resp_error(r, 410, "gone", "id", NULL,
		    "item %lld was deleted", (long long)it.id);
		goto out;
	}
	if (hn_evidence_onward_allowed(&it) != 0) {
		/* art. 36: no onward transfer without the sender's consent */
		hn_diag(HN_DIAG_WARN, "evidence.transfer_refused",
		    "item=%lld "
		    "to=%s origin=%s reason=art36",
		    (long long)it.id, to, it.origin);
		rc = hn_resp_error(r, 403, "forbidden", "to", "36",
		    "art. 36: %s was received from %s; sending it on needs "
		    "that State's authorisation, which is not recorded",
		    it.name, it.origin);
		goto out;
	}
	if ((rc = transfer_request(r, req, to)) > 0) {
		rc = 0;
		goto out;
	}
	if (rc < 0)
		goto fail;
	if ((rc = sender_env(r->node, &env, &e)) != 0) {
		rc = hn_resp_error(r, 503, "unavailable", NULL, NULL, "%s",
		    e.message);
		goto out;
	}
	if (transfer_peer(r, f, to, &peer) != 0) {
		rc = 0;
		goto out;
	}
	if (hn_blob_path(path, sizeof(path), hn_ev_blobs(), it.sha256) != 0 ||
	    stat(path, &sb) != 0) {
		rc = hn_resp_error(r, 500, "evidence_missing", NULL, NULL,
		    "the stored object of item %lld is missing",
		    (long long)it.id);
		goto out;
	}
	memset(&q, 0, sizeof(q));
	q.it = &it;
	q.to = to;
	q.request = req;
	q.conditions = cond;
	q.reason = why;
	q.actor = r->who.name;
	q.peer = &peer;
	q.total = (uint64_t)sb.st_size;
	q.now = r->now;
	rc = hn_evsend_begin(&env, &q, &res, &e);
	if (rc == HN_EBUSY) {
		rc = hn_resp_error(r, 503, "unavailable", NULL, NULL, "%s",
		    e.message);
		goto out;
	}
	if (rc != 0)
		goto fail;
	rc = transfer_answer(r, it.id, to, &res);
	goto out;
fail:
	if (e.code == 0)
		e.code = rc;
	rc = hn_resp_err(r, &e);
out:
	json_decref(body);
	return rc;
}

/* GET /v1/evidence/{id}/transfers: an item's transfers, in and out. */
int
hn_api_evidence_transfers(struct hn_req *r)
{
	struct hn_evidence_item it;
	struct hn_xfer_out *v = NULL;
	struct hn_error e;
	struct hn_db *db;
	char ts[21], ta[21];
	size_t n = 0, i;
	json_t *a;
	int rc;

	hn_error_clear(&e);
	if (hn_ev_load_item(r, &it) != 0)
		return 0;
	if ((rc = hn_req_db(r, &db)) != 0 ||
	    (rc = hn_xfer_list(db, it.id, &v, &n)) != 0) {
		e.code = rc;
		return hn_resp_err(r, &e);
	}
	if ((a = json_array()) == NULL) {
		free(v);
		return hn_resp_json(r, 500, NULL);
	}
	for (i = 0; i < n; i++) {
		uint64_t sent = v[i].sent;
		int live =
		    v[i].xfer[0] != '\0' && hn_evsend_active(v[i].xfer, &sent);

		hn_datetime_format(v[i].created_at, ts);
		hn_datetime_format(v[i].acked_at, ta);
		json_array_append_new(a,
		    json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,"
			      "s:I,s:s,s:s*,s:I,s:s,s:b,s:s}",
			"transfer", v[i].xfer, "direction", v[i].direction,
			"peer", v[i].peer, "conditions", v[i].conditions,
			"state", v[i].state, "sent", (json_int_t)sent, "total",
			(json_int_t)v[i].total, "created_at", ts,
			"acknowledged_at", v[i].acked_at ? ta : NULL,
			"their_ledger_index", (json_int_t)v[i].their_index,
			"error", v[i].error, "active", live, "request",
			v[i].request_id[0] != '\0' ? v[i].request_id :
						     it.request_id));
	}
	free(v);
	return hn_resp_json(r, 200,
	    json_pack("{s:I,s:o}", "item", (json_int_t)it.id, "transfers", a));
}
