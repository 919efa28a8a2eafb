/*
 * /v1/evidence: chunked, resumable evidence uploads and the evidence list.
 *
 *   POST   /v1/evidence                    {request, name, description}
 *                                          -> 201 {upload, offset: 0, chunk_size, put_max}
 *                                          404 field "request": not held here
 *   GET    /v1/evidence/uploads/{id}       -> {upload, offset, request, name}
 *   PUT    /v1/evidence/uploads/{id}?offset=N   raw bytes (at most put_max)
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

#include "crypto/seal.h"
#include "crypto/sign.h"
#include "node/custody.h"
#include "store/ledger.h"
#include "ledger/note.h"
#include "net/evidence_int.h"
#include "net/http.h"
#include "node/node.h"
#include "net/routes.h"
#include "store/blob.h"
#include "store/evidence.h"
#include "store/intake.h"
#include "store/requests.h"
#include "store/store.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/json.h"
#include "util/log.h"

#define HN_UPLOADS_OPEN_MAX 32
#define PUT_MAX (8u << 20)

/* The node's evidence keys and audit log, set up on first use. */
static struct {
	pthread_mutex_t mu;
	int ready;
	char name[HN_NOTE_NAME_MAX + 1];
	uint8_t sk[64];
	struct hn_seal_keys keys;
	char blobs[4096];
	struct hn_ledger *ledger;
} ev = { PTHREAD_MUTEX_INITIALIZER, 0, "", { 0 }, { { 0 }, { 0 }, { 0 } },
	"", NULL };

struct open_upload {
	char id[HN_UPLOAD_ID_MAX + 1];
	struct hn_intake *in;
	int busy;
	uint64_t used;
};

static struct {
	pthread_mutex_t mu;
	struct open_upload u[HN_UPLOADS_OPEN_MAX];
	uint64_t clock;
} open_uploads = { PTHREAD_MUTEX_INITIALIZER, { { "", NULL, 0, 0 } }, 0 };

/*
 * The node's key (the key that seals the evidence: DIR/signing.key, loaded
 * by the node) and its audit log on the writer connection (node/node.h),
 * where custody entries are appended inside the store jobs.
 */
static int
ev_setup(struct hn_node *n, struct hn_error *err)
{
	int r = 0;

	pthread_mutex_lock(&ev.mu);
	if (ev.ready)
		goto out;
	if (n->ledger == NULL || n->key_name[0] == '\0') {
		r = hn_error_set(err, HN_EBUSY, NULL, NULL,
		    "the node's audit log or signing key is not open");
		goto out;
	}
	snprintf(ev.name, sizeof(ev.name), "%s", n->key_name);
	memcpy(ev.sk, n->sk, sizeof(ev.sk));
	if ((r = hn_seal_keys_from_ed25519(&ev.keys, ev.sk)) != 0 ||
	    (r = hn_conf_path(&n->conf, "blobs", ev.blobs,
	    sizeof(ev.blobs))) != 0 || (r = hn_mkdirs(ev.blobs, 0700)) != 0)
		goto out;
	ev.ledger = n->ledger;
	ev.ready = 1;
out:
	pthread_mutex_unlock(&ev.mu);
	return r;
}

static int
sink_append(void *ctx, const void *entry, size_t len, uint64_t *index)
{
	return hn_ledger_append(ctx, entry, len, index);
}

static void
custody_of(struct hn_custody *c, struct hn_db *db)
{
	memset(c, 0, sizeof(*c));
	c->db = db;
	c->node = ev.name;
	c->sink.append = sink_append;
	c->sink.ctx = ev.ledger;
}

/*
 * Takes upload id for exclusive use: the open intake, or reopened from its
 * staging file. HN_EBUSY if another request is using it.
 */
static int
take(const char *id, struct open_upload **out, uint64_t *reopened_at,
    struct hn_error *err)
{
	struct open_upload *u = NULL, *lru = NULL;
	struct hn_intake *in = NULL;
	int i, r;

	*out = NULL;
	*reopened_at = UINT64_MAX;
	pthread_mutex_lock(&open_uploads.mu);
	for (i = 0; i < HN_UPLOADS_OPEN_MAX; i++) {
		if (strcmp(open_uploads.u[i].id, id) == 0) {
			u = &open_uploads.u[i];
			break;
		}
	}
	if (u != NULL) {
		if (u->busy) {
			pthread_mutex_unlock(&open_uploads.mu);
			return hn_error_set(err, HN_EBUSY, NULL, NULL,
			    "upload %s is in use by another request", id);
		}
		u->busy = 1;
		u->used = ++open_uploads.clock;
		pthread_mutex_unlock(&open_uploads.mu);
		*out = u;
		return 0;
	}
	/* a free slot, or the least recently used idle one */
	for (i = 0; i < HN_UPLOADS_OPEN_MAX; i++) {
		struct open_upload *c = &open_uploads.u[i];

		if (c->busy)
			continue;
		if (c->id[0] == '\0') {
			lru = c;
			break;
		}
		if (lru == NULL || c->used < lru->used)
			lru = c;
	}
	if (lru == NULL) {
		pthread_mutex_unlock(&open_uploads.mu);
		return hn_error_set(err, HN_EBUSY, NULL, NULL,
		    "too many uploads in progress");
	}
	if (lru->in != NULL) {
		/* pushed out: its whole chunks are on disk; the tail is resent */
		hn_intake_abort(lru->in, 1);
		lru->in = NULL;
	}
	lru->busy = 1;
	lru->used = ++open_uploads.clock;
	snprintf(lru->id, sizeof(lru->id), "%s", id);
	pthread_mutex_unlock(&open_uploads.mu);

	r = hn_intake_begin(&in, ev.blobs, &ev.keys, 0, 0, id, reopened_at, err);
	pthread_mutex_lock(&open_uploads.mu);
	if (r != 0) {
		lru->id[0] = '\0';
		lru->busy = 0;
	} else {
		lru->in = in;
		*out = lru;
	}
	pthread_mutex_unlock(&open_uploads.mu);
	return r;
}

/* Gives u back; drop: the intake was finished or cancelled. */
static void
give(struct open_upload *u, int drop)
{
	pthread_mutex_lock(&open_uploads.mu);
	if (drop) {
		u->in = NULL;
		u->id[0] = '\0';
	}
	u->busy = 0;
	pthread_mutex_unlock(&open_uploads.mu);
}

static int
fail_with(struct hn_req *r, struct hn_error *e, int code)
{
	if (e->code == 0)
		e->code = code;
	return hn_resp_err(r, e);
}

/* --- POST /v1/evidence ------------------------------------------------- */

static int
upload_insert_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	return hn_upload_insert(db, arg);
}

/*
 * Evidence answers a request of this node (art. 40), never a free
 * reference: the request's row (into rq if not NULL; release it), or a 404
 * naming `request` (response set, nonzero).
 */
static int
request_held(struct hn_req *r, const char *id, struct hn_request_row *rq)
{
	struct hn_request_row row;
	struct hn_error e;
	struct hn_db *db;
	int rc;

	hn_error_clear(&e);
	hn_request_row_init(&row);
	if ((rc = hn_req_db(r, &db)) == 0)
		rc = hn_requests_get(db, id, &row);
	if (rc == HN_ENOTFOUND) {
		hn_resp_error(r, 404, "not_found", "request", "40",
		    "request %s: no such request on this node; evidence "
		    "belongs to a request it holds (one created with POST "
		    "/v1/requests, or received from the other State)", id);
	} else if (rc != 0) {
		fail_with(r, &e, rc);
	} else if (rq != NULL) {
		*rq = row;
		return 0;
	}
	hn_request_row_release(&row);
	return rc;
}

/* 409 (response set, nonzero) if the request has an item named name. */
static int
name_taken(struct hn_req *r, const char *req, const char *name)
{
	struct hn_evidence_item *items = NULL;
	struct hn_error e;
	struct hn_db *db;
	size_t n = 0, i;
	int rc;

	hn_error_clear(&e);
	if ((rc = hn_req_db(r, &db)) != 0 ||
	    (rc = hn_evidence_list(db, req, &items, &n)) != 0) {
		fail_with(r, &e, rc);
		return rc;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(items[i].name, name) == 0) {
			free(items);
			hn_resp_error(r, 409, "conflict", "name", NULL,
			    "request %s already has an item named %s", req, name);
			return HN_EEXIST;
		}
	}
	free(items);
	return 0;
}

int
hn_api_evidence_create(struct hn_req *r)
{
	struct hn_upload u;
	struct hn_intake *in = NULL;
	struct hn_error e;
	json_t *body = NULL;
	const char *req, *name, *desc;
	uint8_t rnd[12];
	int rc;

	hn_error_clear(&e);
	if (hn_req_json(r, &body) != 0)
		return 0;
	req = hn_json_str(body, "request");
	name = hn_json_str(body, "name");
	desc = hn_json_str(body, "description");
	memset(&u, 0, sizeof(u));
	if (req == NULL || req[0] == '\0' || strlen(req) > HN_EV_REQUEST_MAX) {
		rc = hn_resp_error(r, 400, "validation_failed", "request", NULL,
		    "request: the id of the request this evidence answers "
		    "(1 to %d bytes)", HN_EV_REQUEST_MAX);
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
	if ((rc = ev_setup(r->node, &e)) != 0) {
		rc = hn_resp_error(r, 503, "unavailable", NULL, NULL, "%s",
		    e.message);
		goto out;
	}
	if ((rc = request_held(r, req, NULL)) != 0)
		goto out;
	hn_random(rnd, sizeof(rnd));
	hn_hex_encode(u.id, rnd, sizeof(rnd));
	snprintf(u.request_id, sizeof(u.request_id), "%s", req);
	hn_evidence_safe_name(u.name, name);
	if ((rc = name_taken(r, u.request_id, u.name)) != 0)
		goto out;
	snprintf(u.description, sizeof(u.description), "%s",
	    desc != NULL ? desc : "");
	snprintf(u.created_by, sizeof(u.created_by), "%s", r->who.name);
	u.created_at = r->now;
	if ((rc = hn_store_write(r->node->store, upload_insert_job, &u,
	    &e)) != 0) {
		rc = fail_with(r, &e, rc);
		goto out;
	}
	/* the staging file exists from now on */
	if ((rc = hn_intake_begin(&in, ev.blobs, &ev.keys, 0, 0, u.id, NULL,
	    &e)) != 0) {
		rc = fail_with(r, &e, rc);
		goto out;
	}
	hn_intake_abort(in, 1);
	hn_log(HN_LOG_INFO, "evidence.upload_created", "upload=%s request=%s "
	    "by=%s", u.id, u.request_id, r->who.name);
	rc = hn_resp_json(r, 201, json_pack("{s:s,s:I,s:I,s:I,s:s,s:s}",
	    "upload", u.id, "offset", (json_int_t)0, "chunk_size",
	    (json_int_t)HN_SEAL_CHUNK_DEFAULT, "put_max", (json_int_t)PUT_MAX,
	    "request", u.request_id, "name", u.name));
out:
	json_decref(body);
	return rc;
}

/* The upload row, or a 404 response. */
static int
load_upload(struct hn_req *r, struct hn_upload *u)
{
	struct hn_db *db;
	struct hn_error e;
	const char *id = hn_req_param(r, "id");
	int rc;

	hn_error_clear(&e);
	if (hn_upload_id_valid(id) != 0)
		return hn_resp_error(r, 404, "not_found", "id", NULL,
		    "no such upload"), HN_ENOTFOUND;
	if ((rc = hn_req_db(r, &db)) != 0 ||
	    (rc = hn_upload_get(db, id, u)) != 0) {
		if (rc == HN_ENOTFOUND)
			hn_resp_error(r, 404, "not_found", "id", NULL,
			    "no such upload");
		else
			fail_with(r, &e, rc);
		return rc;
	}
	if ((rc = ev_setup(r->node, &e)) != 0) {
		hn_resp_error(r, 503, "unavailable", NULL, NULL, "%s", e.message);
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
	struct open_upload *ou = NULL;
	struct hn_upload u;
	struct hn_error e;
	uint64_t at, durable = 0, size;
	int rc;

	hn_error_clear(&e);
	if (load_upload(r, &u) != 0)
		return 0;
	if ((rc = take(u.id, &ou, &at, &e)) != 0)
		return fail_with(r, &e, rc);
	size = hn_intake_size(ou->in);
	rc = hn_intake_sync(ou->in, &durable, &e);
	give(ou, 0);
	if (rc != 0)
		return fail_with(r, &e, rc);
	return hn_resp_json(r, 200, state_json(&u, size, durable));
}

/* --- PUT /v1/evidence/uploads/{id}?offset=N ----------------------------- */

int
hn_api_evidence_upload_put(struct hn_req *r)
{
	struct open_upload *ou = NULL;
	struct hn_upload u;
	struct hn_error e;
	const char *q = hn_req_query(r, "offset");
	unsigned long long off;
	uint64_t at, durable = 0, size;
	char *end = NULL;
	int rc;

	hn_error_clear(&e);
	if (load_upload(r, &u) != 0)
		return 0;
	errno = 0;
	off = q != NULL ? strtoull(q, &end, 10) : 0;
	if (q == NULL || q[0] == '\0' || q[0] == '-' || *end != '\0' ||
	    errno != 0)
		return hn_resp_error(r, 400, "validation_failed", "offset", NULL,
		    "?offset=N (the plaintext offset of these bytes) is "
		    "required");
	if ((rc = take(u.id, &ou, &at, &e)) != 0)
		return fail_with(r, &e, rc);
	size = hn_intake_size(ou->in);
	if (off != size) {
		rc = hn_intake_sync(ou->in, &durable, &e);
		give(ou, 0);
		if (rc != 0)
			return fail_with(r, &e, rc);
		return hn_resp_error(r, 409, "conflict", "offset", NULL,
		    "upload %s continues at offset %llu, not %llu", u.id,
		    (unsigned long long)size, off);
	}
	if (r->body_len > 0 &&
	    (rc = hn_intake_write(ou->in, r->body, r->body_len, &e)) != 0) {
		/* the intake is unusable: reopen from the durable chunks */
		hn_intake_abort(ou->in, 1);
		give(ou, 1);
		return fail_with(r, &e, rc);
	}
	size = hn_intake_size(ou->in);
	rc = hn_intake_sync(ou->in, &durable, &e);
	give(ou, 0);
	if (rc != 0)
		return fail_with(r, &e, rc);
	return hn_resp_json(r, 200, state_json(&u, size, durable));
}

/* --- POST /v1/evidence/uploads/{id}/finish ------------------------------ */

struct finish_job {
	const struct hn_upload *u;
	const struct hn_intake_result *res;
	const char *actor;
	int64_t at;
	struct hn_evidence_item it;
};

static int
finish_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct finish_job *j = arg;
	struct hn_custody c;
	char pkhex[65];
	int r;

	custody_of(&c, db);
	hn_hex_encode(pkhex, ev.keys.ed_pk, 32);
	if ((r = hn_custody_add_item_tx(&c, j->res, j->u->request_id,
	    j->u->name, j->u->description, j->actor, j->at, pkhex, &j->it,
	    err)) != 0)
		return r;
	return hn_upload_delete(db, j->u->id);
}

int
hn_api_evidence_upload_finish(struct hn_req *r)
{
	struct open_upload *ou = NULL;
	struct hn_intake_result res;
	struct finish_job j;
	struct hn_upload u;
	struct hn_error e;
	uint64_t at;
	int rc;

	hn_error_clear(&e);
	if (load_upload(r, &u) != 0)
		return 0;
	if ((rc = take(u.id, &ou, &at, &e)) != 0)
		return fail_with(r, &e, rc);
	rc = hn_intake_finish(ou->in, &res, &e); /* frees the intake */
	give(ou, 1);
	if (rc != 0)
		return fail_with(r, &e, rc);
	memset(&j, 0, sizeof(j));
	j.u = &u;
	j.res = &res;
	j.actor = r->who.name;
	j.at = r->now;
	if ((rc = hn_store_write(r->node->store, finish_job, &j, &e)) != 0) {
		/* the object is stored (content-addressed); the item is not */
		return fail_with(r, &e, rc);
	}
	hn_log(HN_LOG_INFO, "evidence.intake", "item=%lld request=%s sha256=%s "
	    "size=%llu by=%s", (long long)j.it.id, j.it.request_id, res.addr,
	    (unsigned long long)res.size, r->who.name);
	return hn_resp_json(r, 201, json_pack("{s:I,s:s,s:I,s:s,s:s,s:b}",
	    "item", (json_int_t)j.it.id, "sha256", res.addr, "size",
	    (json_int_t)res.size, "request", j.it.request_id, "name",
	    j.it.name, "existed", res.existed));
}

/* --- DELETE /v1/evidence/uploads/{id} ----------------------------------- */

static int
upload_delete_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	return hn_upload_delete(db, arg);
}

int
hn_api_evidence_upload_cancel(struct hn_req *r)
{
	struct open_upload *ou = NULL;
	struct hn_upload u;
	struct hn_error e;
	uint64_t at;
	int rc;

	hn_error_clear(&e);
	if (load_upload(r, &u) != 0)
		return 0;
	if ((rc = take(u.id, &ou, &at, &e)) != 0)
		return fail_with(r, &e, rc);
	hn_intake_abort(ou->in, 0);
	give(ou, 1);
	if ((rc = hn_store_write(r->node->store, upload_delete_job, u.id,
	    &e)) != 0)
		return fail_with(r, &e, rc);
	return hn_resp_raw(r, 204, "text/plain", "", 0);
}

/* --- GET /v1/evidence?request=ID ---------------------------------------- */

/* An item's custody events [{action, at, actor, reason, ledger_index}]. */
static json_t *
custody_json(struct hn_db *db, int64_t item)
{
	struct hn_custody_event *evs = NULL;
	json_t *a = json_array(), *o;
	size_t n = 0, i;
	char ts[21];

	if (a == NULL || hn_custody_list(db, item, &evs, &n) != 0)
		return a;
	for (i = 0; i < n; i++) {
		hn_time_rfc3339(ts, evs[i].at);
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
		return hn_resp_error(r, 400, "validation_failed", "request", NULL,
		    "?request=ID is required");
	if ((rc = hn_req_db(r, &db)) != 0 ||
	    (rc = hn_evidence_list(db, req, &items, &n)) != 0)
		return fail_with(r, &e, rc);
	if ((list = json_array()) == NULL) {
		free(items);
		return fail_with(r, &e, HN_ENOMEM);
	}
	for (i = 0; i < n; i++) {
		json_t *o;

		hn_time_rfc3339(ts, items[i].added_at);
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
	return hn_resp_json(r, 200, json_pack("{s:s,s:o}", "request", req,
	    "items", list));
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
			hn_log(HN_LOG_ERROR, "evidence.download_failed",
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

struct opened_job {
	const struct hn_evidence_item *it;
	const char *actor, *reason;
	int64_t at;
};

static int
opened_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct opened_job *j = arg;
	struct hn_custody c;
	json_t *d;
	int r;

	custody_of(&c, db);
	if ((d = json_pack("{s:s}", "via", "api download")) == NULL)
		return HN_ENOMEM;
	r = hn_custody_event_tx(&c, j->it, "opened", j->at, j->actor,
	    j->reason, d, err);
	json_decref(d);
	return r;
}

/* The item named by the path's {id}, or a 404 response (nonzero). */
static int
load_item(struct hn_req *r, struct hn_evidence_item *it)
{
	const char *id = hn_req_param(r, "id");
	struct hn_error e;
	struct hn_db *db;
	char *end = NULL;
	long long v;
	int rc;

	hn_error_clear(&e);
	errno = 0;
	v = strtoll(id, &end, 10);
	if (id[0] < '1' || id[0] > '9' || *end != '\0' || errno != 0) {
		hn_resp_error(r, 404, "not_found", "id", NULL,
		    "no such evidence item");
		return HN_ENOTFOUND;
	}
	if ((rc = hn_req_db(r, &db)) != 0 ||
	    (rc = hn_evidence_get(db, (int64_t)v, it)) != 0) {
		if (rc == HN_ENOTFOUND)
			hn_resp_error(r, 404, "not_found", "id", NULL,
			    "no such evidence item");
		else
			fail_with(r, &e, rc);
		return rc;
	}
	return 0;
}

int
hn_api_evidence_content(struct hn_req *r)
{
	const char *reason = hn_req_query(r, "reason");
	struct hn_evidence_item it;
	struct download *d = NULL;
	struct opened_job j;
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
	if (load_item(r, &it) != 0)
		return 0;
	if (it.deleted_at != 0)
		return hn_resp_error(r, 410, "gone", "id", NULL,
		    "item %lld was deleted when its retention ended (its "
		    "SHA-256 and custody stay)", (long long)it.id);
	if ((rc = ev_setup(r->node, &e)) != 0)
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
	snprintf(d->addr, sizeof(d->addr), "%s", it.sha256);
	snprintf(d->who, sizeof(d->who), "%s", r->who.name);
	/* the first piece and the look-ahead before anything is promised:
	 * an object that fails this early gets a clean error */
	if ((rc = hn_blob_open(&d->rd, ev.blobs, it.sha256, &ev.keys,
	    &e)) != 0 || (n = hn_blob_read(d->rd, &d->la, &e)) < 0) {
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
	memset(&j, 0, sizeof(j));
	j.it = &it;
	j.actor = r->who.name;
	j.reason = reason;
	j.at = r->now;
	if ((rc = hn_store_write(r->node->store, opened_job, &j, &e)) != 0) {
		download_free(d);
		return fail_with(r, &e, rc);
	}
	hn_log(HN_LOG_INFO, "evidence.opened", "item=%lld request=%s "
	    "sha256=%s by=%s via=api", (long long)it.id, it.request_id,
	    it.sha256, r->who.name);
	snprintf(hv, sizeof(hv), "attachment; filename=\"%s\"", it.name);
	hn_resp_header(r, "Content-Disposition", hv);
	hn_resp_header(r, "X-Content-SHA256", it.sha256);
	memset(&st, 0, sizeof(st));
	st.read = download_read;
	st.free = download_free;
	st.ctx = d;
	st.size = it.size;
	return hn_resp_stream(r, 200, "application/octet-stream", &st);
damaged:
	hn_log(HN_LOG_ERROR, "evidence.download_failed", "item=%lld object=%s "
	    "by=%s sent=0 msg=\"%s\"", (long long)it.id, it.sha256,
	    r->who.name, e.message);
	download_free(d);
	if (rc == HN_ENOTFOUND)
		return hn_resp_error(r, 500, "evidence_missing", NULL, NULL,
		    "the stored object of item %lld is missing",
		    (long long)it.id);
	return hn_resp_error(r, 500, "evidence_damaged", NULL, NULL,
	    "the stored object of item %lld does not verify; nothing was "
	    "served: %s", (long long)it.id, e.message);
}

/* --- shared with net/api_evxfer.c (net/evidence_int.h) ------------------ */

int
hn_ev_setup(struct hn_node *n, struct hn_error *err)
{
	return ev_setup(n, err);
}

const struct hn_seal_keys *
hn_ev_keys(void)
{
	return &ev.keys;
}

const char *
hn_ev_blobs(void)
{
	return ev.blobs;
}

void
hn_ev_custody(struct hn_custody *c, struct hn_db *db)
{
	custody_of(c, db);
}

int
hn_ev_load_item(struct hn_req *r, struct hn_evidence_item *it)
{
	return load_item(r, it);
}

int
hn_ev_name_taken(struct hn_req *r, const char *request, const char *name)
{
	return name_taken(r, request, name);
}

int
hn_ev_request_held(struct hn_req *r, const char *id,
    struct hn_request_row *rq)
{
	return request_held(r, id, rq);
}
