/*
 * /v1/evidence: chunked, resumable evidence uploads and the evidence list.
 *
 *   POST   /v1/evidence                    {request, name, description}
 *                                          -> 201 {upload, offset: 0,
 * chunk_size, put_max} 404 field "request": not held here GET
 * /v1/evidence/uploads/{id}       -> {upload, offset, request, name} PUT
 * /v1/evidence/uploads/{id}?offset=N   raw bytes (at most put_max)
 *                                          -> {upload, offset, durable}
 *   POST   /v1/evidence/uploads/{id}/finish -> 201 {item, sha256, size, ...}
 *   DELETE /v1/evidence/uploads/{id}       -> 204 (cancelled)
 *   GET    /v1/evidence?request=ID         -> {items: [...]}
 *
 * Each upload streams through store/intake.h (SHA-256 + sealing, bounded
 * memory) into DIR/blobs/uploads/ID.part. Open intakes stay in memory
 * between requests; after a restart (or after HN_UPLOADS_OPEN_MAX others
 * pushed it out) an upload is reopened from its staging file, which rebuilds
 * the hash state from the stored ciphertext. `offset` is where the next PUT
 * must start: the bytes the open intake accepted, or after a reopen only the
 * durable whole chunks. A client that lost track asks GET and continues from
 * there. The intake, the item row and its custody events (intake, seal) and
 * their ledger entries are one transaction at finish.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "crypto/seal.h"
#include "crypto/sign.h"
#include "net/evidence_int.h"
#include "net/http.h"
#include "net/routes.h"
#include "node/evidence.h"
#include "node/node.h"
#include "store/blob.h"
#include "store/evidence.h"
#include "util/encode.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/diag.h"

#define PUT_MAX (8u << 20)

static int
fail_with(struct hn_req *r, struct hn_error *e, int code)
{
	if (e->code == 0)
		e->code = code;
	return hn_resp_err(r, e);
}

/* The reader connection, or nonzero with the response set. */
static int
req_db(struct hn_req *r, struct hn_db **db)
{
	struct hn_error e;
	int rc;

	hn_error_clear(&e);
	if ((rc = hn_req_db(r, db)) != 0)
		fail_with(r, &e, rc);
	return rc;
}

/* --- POST /v1/evidence ------------------------------------------------- */

int
hn_api_evidence_create(struct hn_req *r)
{
	struct hn_upload u;
	struct hn_error e;
	struct hn_db *db;
	json_t *body = NULL;
	const char *req, *name, *desc;
	int rc;

	hn_error_clear(&e);
	if (hn_req_json(r, &body) != 0)
		return 0;
	req = hn_json_str(body, "request");
	name = hn_json_str(body, "name");
	desc = hn_json_str(body, "description");
	if (req == NULL || req[0] == '\0' || strlen(req) > HN_EV_REQUEST_MAX) {
		rc = hn_resp_error(r, 400, "validation_failed", "request", NULL,
		    "request: the id of the request this evidence answers "
		    "(1 to %d bytes)",
		    HN_EV_REQUEST_MAX);
		goto out;
	}
	if (name == NULL || name[0] == '\0' || strlen(name) > 4096) {
		rc = hn_resp_error(r, 400, "validation_failed", "name", NULL,
		    "name: the file name");
		goto out;
	}
	if (desc != NULL && strlen(desc) > HN_EV_TEXT_MAX) {
		rc = hn_resp_error(r, 413, "too_large", "description", NULL,
		    "description longer than %d bytes", HN_EV_TEXT_MAX);
		goto out;
	}
	if ((rc = hn_ev_setup(r->node, &e)) != 0) {
		rc = hn_resp_error(r, 503, "unavailable", NULL, NULL, "%s",
		    e.message);
		goto out;
	}
	if ((rc = req_db(r, &db)) != 0)
		goto out;
	if ((rc = hn_ev_upload_create(r->node, db, req, name, desc, r->who.name,
		 r->now, &u, &e)) != 0) {
		rc = fail_with(r, &e, rc);
		goto out;
	}
	rc = hn_resp_json(r, 201,
	    json_pack("{s:s,s:I,s:I,s:I,s:s,s:s}", "upload", u.id, "offset",
		(json_int_t)0, "chunk_size", (json_int_t)HN_SEAL_CHUNK_DEFAULT,
		"put_max", (json_int_t)PUT_MAX, "request", u.request_id, "name",
		u.name));
out:
	json_decref(body);
	return rc;
}

/* The upload row, or nonzero with a 404 (or 500, 503) response. */
static int
load_upload(struct hn_req *r, struct hn_upload *u)
{
	struct hn_db *db;
	struct hn_error e;
	int rc;

	hn_error_clear(&e);
	if (hn_upload_id_valid(hn_req_param(r, "id")) != 0)
		return hn_resp_error(r, 404, "not_found", "id", NULL,
			   "no such upload"),
		       HN_ENOTFOUND;
	if ((rc = req_db(r, &db)) != 0)
		return rc;
	if ((rc = hn_ev_upload_get(db, hn_req_param(r, "id"), u, &e)) != 0) {
		fail_with(r, &e, rc);
		return rc;
	}
	if ((rc = hn_ev_setup(r->node, &e)) != 0) {
		hn_resp_error(r, 503, "unavailable", NULL, NULL, "%s",
		    e.message);
		return rc;
	}
	return 0;
}

static json_t *
state_json(const struct hn_upload *u, uint64_t offset, uint64_t durable)
{
	return json_pack("{s:s,s:I,s:I,s:s,s:s,s:I}", "upload", u->id, "offset",
	    (json_int_t)offset, "durable", (json_int_t)durable, "request",
	    u->request_id, "name", u->name, "chunk_size",
	    (json_int_t)HN_SEAL_CHUNK_DEFAULT);
}

/* --- GET /v1/evidence/uploads/{id} -------------------------------------- */

int
hn_api_evidence_upload_get(struct hn_req *r)
{
	struct hn_upload u;
	struct hn_error e;
	uint64_t durable = 0, size = 0;
	int rc;

	hn_error_clear(&e);
	if (load_upload(r, &u) != 0)
		return 0;
	if ((rc = hn_ev_upload_state(u.id, &size, &durable, &e)) != 0)
		return fail_with(r, &e, rc);
	return hn_resp_json(r, 200, state_json(&u, size, durable));
}

/* --- PUT /v1/evidence/uploads/{id}?offset=N ----------------------------- */

int
hn_api_evidence_upload_put(struct hn_req *r)
{
	struct hn_upload u;
	struct hn_error e;
	const char *q = hn_req_query(r, "offset");
	unsigned long long off;
	uint64_t durable = 0, size = 0;
	char *end = NULL;
	int rc;

	hn_error_clear(&e);
	if (load_upload(r, &u) != 0)
		return 0;
	errno = 0;
	off = q != NULL ? strtoull(q, &end, 10) : 0;
	if (q == NULL || q[0] == '\0' || q[0] == '-' || *end != '\0' ||
	    errno != 0)
		return hn_resp_error(r, 400, "validation_failed", "offset",
		    NULL,
		    "?offset=N (the plaintext offset of these bytes) is "
		    "required");
	rc = hn_ev_upload_write(u.id, off, r->body, r->body_len, &size,
	    &durable, &e);
	if (rc == HN_ESTATE)
		return hn_resp_error(r, 409, "conflict", e.field, NULL, "%s",
		    e.message);
	if (rc != 0)
		return fail_with(r, &e, rc);
	return hn_resp_json(r, 200, state_json(&u, size, durable));
}

/* --- POST /v1/evidence/uploads/{id}/finish ------------------------------ */

int
hn_api_evidence_upload_finish(struct hn_req *r)
{
	struct hn_intake_result res;
	struct hn_evidence_item it;
	struct hn_upload u;
	struct hn_error e;
	int rc;

	hn_error_clear(&e);
	if (load_upload(r, &u) != 0)
		return 0;
	memset(&it, 0, sizeof(it));
	if ((rc = hn_ev_upload_finish(r->node, &u, r->who.name, r->now, &it,
		 &res, &e)) != 0)
		return fail_with(r, &e, rc);
	return hn_resp_json(r, 201,
	    json_pack("{s:I,s:s,s:I,s:s,s:s,s:b}", "item", (json_int_t)it.id,
		"sha256", res.addr, "size", (json_int_t)res.size, "request",
		it.request_id, "name", it.name, "existed", res.existed));
}

/* --- DELETE /v1/evidence/uploads/{id} ----------------------------------- */

int
hn_api_evidence_upload_cancel(struct hn_req *r)
{
	struct hn_upload u;
	struct hn_error e;
	int rc;

	hn_error_clear(&e);
	if (load_upload(r, &u) != 0)
		return 0;
	if ((rc = hn_ev_upload_cancel(r->node, u.id, &e)) != 0)
		return fail_with(r, &e, rc);
	return hn_resp_raw(r, 204, "text/plain", "", 0);
}

/* --- GET /v1/evidence?request=ID ---------------------------------------- */

/* An item's custody events [{action, at, actor, reason, ledger_index}]. */
static json_t *
custody_json(struct hn_db *db, int64_t item)
{
	struct hn_evidence_custody *evs = NULL;
	json_t *a = json_array(), *o;
	size_t n = 0, i;
	char ts[21];

	if (a == NULL || hn_evidence_custody_list(db, item, &evs, &n) != 0)
		return a;
	for (i = 0; i < n; i++) {
		hn_datetime_format(evs[i].at, ts);
		o = json_pack("{s:s,s:s,s:s,s:s,s:I}", "action", evs[i].action,
		    "at", ts, "actor", evs[i].actor, "reason", evs[i].reason,
		    "ledger_index", (json_int_t)evs[i].ledger_index);
		if (o != NULL && evs[i].detail[0] != '\0') {
			json_t *d = hn_json_parse(evs[i].detail,
			    strlen(evs[i].detail), HN_EV_TEXT_MAX, 4, NULL);

			if (d != NULL)
				json_object_set_new(o, "detail", d);
		}
		json_array_append_new(a, o);
	}
	free(evs);
	return a;
}

int
hn_api_evidence_list(struct hn_req *r)
{
	struct hn_evidence_item *items = NULL;
	const char *req = hn_req_query(r, "request");
	struct hn_error e;
	struct hn_db *db;
	json_t *list;
	size_t n = 0, i;
	char ts[21];
	int rc;

	hn_error_clear(&e);
	if (req == NULL || req[0] == '\0' || strlen(req) > HN_EV_REQUEST_MAX)
		return hn_resp_error(r, 400, "validation_failed", "request",
		    NULL, "?request=ID is required");
	if ((rc = hn_req_db(r, &db)) != 0 ||
	    (rc = hn_evidence_list(db, req, &items, &n)) != 0)
		return fail_with(r, &e, rc);
	if ((list = json_array()) == NULL) {
		free(items);
		return fail_with(r, &e, HN_ENOMEM);
	}
	for (i = 0; i < n; i++) {
		json_t *o;

		hn_datetime_format(items[i].added_at, ts);
		o = json_pack("{s:I,s:s,s:s,s:I,s:s,s:s,s:s,s:b,s:s,s:s,s:b}",
		    "item", (json_int_t)items[i].id, "name", items[i].name,
		    "sha256", items[i].sha256, "size",
		    (json_int_t)items[i].size, "added_at", ts, "added_by",
		    items[i].added_by, "description", items[i].description,
		    "deleted", items[i].deleted_at != 0, "origin",
		    items[i].origin, "conditions", items[i].conditions,
		    "onward_consent", items[i].onward_consent[0] != '\0');
		if (o != NULL)
			json_object_set_new(o, "custody",
			    custody_json(db, items[i].id));
		json_array_append_new(list, o);
	}
	free(items);
	return hn_resp_json(r, 200,
	    json_pack("{s:s,s:o}", "request", req, "items", list));
}

/* --- GET /v1/evidence/{id}/content?reason=WHY --------------------------- */

#define DOWNLOADS_MAX 16

static struct {
	pthread_mutex_t mu;
	int n;
} downloads = { PTHREAD_MUTEX_INITIALIZER, 0 };

/*
 * A download in progress. `cur` holds the piece being sent (a copy);
 * `la` points at the next piece inside the reader (the look-ahead, valid
 * until the next hn_blob_read). A piece is sent only once the read after
 * it succeeded, and the read that returns the final piece also checks the
 * SHA-256 against the address: so the last bytes of a damaged, truncated
 * or swapped object are never sent, and the client sees the connection
 * close before Content-Length.
 */
struct download {
	struct hn_blob_reader *rd;
	uint8_t *cur;
	size_t cur_len, cur_off;
	const uint8_t *la;
	ssize_t la_len; /* > 0 a piece, 0 the verified end */
	int64_t item;
	char addr[65];
	char who[HN_ACCOUNT_NAME_MAX];
	uint64_t sent;
};

static void
download_free(void *ctx)
{
	struct download *d = ctx;

	if (d == NULL)
		return;
	hn_blob_close(d->rd);
	if (d->cur != NULL) {
		hn_wipe(d->cur, HN_SEAL_CHUNK_MAX);
		free(d->cur);
	}
	free(d);
	pthread_mutex_lock(&downloads.mu);
	downloads.n--;
	pthread_mutex_unlock(&downloads.mu);
}

static ssize_t
download_read(void *ctx, uint8_t *buf, size_t max)
{
	struct download *d = ctx;
	struct hn_error e;
	size_t n;

	hn_error_clear(&e);
	if (d->cur_off == d->cur_len) {
		if (d->la_len == 0)
			return 0; /* verified end */
		memcpy(d->cur, d->la, (size_t)d->la_len);
		d->cur_len = (size_t)d->la_len;
		d->cur_off = 0;
		d->la_len = hn_blob_read(d->rd, &d->la, &e);
		if (d->la_len < 0) {
			hn_diag(HN_DIAG_ERROR, "evidence.download_failed",
			    "item=%lld object=%s by=%s sent=%llu msg=\"%s\"",
			    (long long)d->item, d->addr, d->who,
			    (unsigned long long)d->sent, e.message);
			return d->la_len;
		}
	}
	n = d->cur_len - d->cur_off;
	if (n > max)
		n = max;
	memcpy(buf, d->cur + d->cur_off, n);
	d->cur_off += n;
	d->sent += n;
	return (ssize_t)n;
}

int
hn_api_evidence_content(struct hn_req *r)
{
	const char *reason = hn_req_query(r, "reason");
	struct hn_evidence_item it;
	struct download *d = NULL;
	struct hn_stream st;
	struct hn_error e;
	char hv[300];
	ssize_t n;
	int rc;

	hn_error_clear(&e);
	if (reason == NULL)
		reason = "";
	if (strlen(reason) > HN_EV_TEXT_MAX)
		return hn_resp_error(r, 413, "too_large", "reason", NULL,
		    "reason longer than %d bytes", HN_EV_TEXT_MAX);
	if (hn_ev_load_item(r, &it) != 0)
		return 0;
	if (it.deleted_at != 0)
		return hn_resp_error(r, 410, "gone", "id", NULL,
		    "item %lld was deleted when its retention ended (its "
		    "SHA-256 and custody stay)",
		    (long long)it.id);
	if ((rc = hn_ev_setup(r->node, &e)) != 0)
		return hn_resp_error(r, 503, "unavailable", NULL, NULL, "%s",
		    e.message);
	pthread_mutex_lock(&downloads.mu);
	if (downloads.n >= DOWNLOADS_MAX) {
		pthread_mutex_unlock(&downloads.mu);
		return hn_resp_error(r, 503, "unavailable", NULL, NULL,
		    "too many downloads in progress; try again");
	}
	downloads.n++;
	pthread_mutex_unlock(&downloads.mu);
	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->cur = malloc(HN_SEAL_CHUNK_MAX)) == NULL) {
		if (d == NULL) {
			pthread_mutex_lock(&downloads.mu);
			downloads.n--;
			pthread_mutex_unlock(&downloads.mu);
		}
		download_free(d);
		return hn_resp_error(r, 503, "unavailable", NULL, NULL,
		    "out of memory; try again");
	}
	d->item = it.id;
	/* the same sizes as the item's and the session's */
	HN_FMT_FIXED(d->addr, sizeof(d->addr), "%s", it.sha256);
	HN_FMT_FIXED(d->who, sizeof(d->who), "%s", r->who.name);
	/* the first piece and the look-ahead before anything is promised:
	 * an object that fails this early gets a clean error */
	if ((rc = hn_blob_open(&d->rd, hn_ev_blobs(), it.sha256, hn_ev_keys(),
		 &e)) != 0 ||
	    (n = hn_blob_read(d->rd, &d->la, &e)) < 0) {
		rc = rc ? rc : HN_EVERIFY;
		goto damaged;
	}
	d->la_len = n;
	if (n > 0) {
		if ((size_t)n > HN_SEAL_CHUNK_MAX) {
			rc = hn_error_set(&e, HN_EINTERNAL, NULL, NULL,
			    "piece too large");
			goto damaged;
		}
		memcpy(d->cur, d->la, (size_t)n);
		d->cur_len = (size_t)n;
		if ((n = hn_blob_read(d->rd, &d->la, &e)) < 0) {
			rc = (int)n;
			goto damaged;
		}
		d->la_len = n;
	}
	if ((rc = hn_ev_opened(r->node, &it, r->who.name, reason, r->now,
		 &e)) != 0) {
		download_free(d);
		return fail_with(r, &e, rc);
	}
	hn_diag(HN_DIAG_INFO, "evidence.opened",
	    "item=%lld request=%s "
	    "sha256=%s by=%s via=api",
	    (long long)it.id, it.request_id, it.sha256, r->who.name);
	/* a safe name of at most HN_EV_NAME_MAX (200) bytes */
	HN_FMT_FIXED(hv, sizeof(hv), "attachment; filename=\"%s\"", it.name);
	hn_resp_header(r, "Content-Disposition", hv);
	hn_resp_header(r, "X-Content-SHA256", it.sha256);
	memset(&st, 0, sizeof(st));
	st.read = download_read;
	st.free = download_free;
	st.ctx = d;
	st.size = it.size;
	return hn_resp_stream(r, 200, "application/octet-stream", &st);
damaged:
	hn_diag(HN_DIAG_ERROR, "evidence.download_failed",
	    "item=%lld object=%s "
	    "by=%s sent=0 msg=\"%s\"",
	    (long long)it.id, it.sha256, r->who.name, e.message);
	download_free(d);
	if (rc == HN_ENOTFOUND)
		return hn_resp_error(r, 500, "evidence_missing", NULL, NULL,
		    "the stored object of item %lld is missing",
		    (long long)it.id);
	return hn_resp_error(r, 500, "evidence_damaged", NULL, NULL,
	    "the stored object of item %lld does not verify; nothing was "
	    "served: %s",
	    (long long)it.id, e.message);
}

/* --- shared with net/api_evxfer.c (net/evidence_int.h) ------------------ */

int
hn_ev_load_item(struct hn_req *r, struct hn_evidence_item *it)
{
	struct hn_error e;
	struct hn_db *db;
	int rc;

	hn_error_clear(&e);
	if ((rc = req_db(r, &db)) != 0)
		return rc;
	if ((rc = hn_ev_item_get(db, hn_req_param(r, "id"), it, &e)) != 0)
		fail_with(r, &e, rc);
	return rc;
}
