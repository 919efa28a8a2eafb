/*
 * evidence.c - the node's evidence intake service (node/evidence.h):
 * setup of the evidence keys and blob root, the checks, resumable
 * uploads and their custody events. No HTTP: net/api_evidence.c.
 */
#include "node/evidence.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypto/sign.h"
#include "ledger/note.h"
#include "node/node.h"
#include "store/blob.h"
#include "store/fed.h"
#include "store/ledger.h"
#include "store/store.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/fmt.h"
#include "util/hook.h"
#include "util/json.h"
#include "util/diag.h"

#define HN_UPLOADS_OPEN_MAX 32

/* The node's evidence keys and ledger, set up on first use. */
static struct {
	pthread_mutex_t mu;
	int ready;
	char name[HN_NOTE_NAME_MAX + 1];
	uint8_t sk[64];
	struct hn_seal_keys keys;
	char blobs[4096];
	struct hn_ledger *ledger;
} ev = { PTHREAD_MUTEX_INITIALIZER, 0, "", { 0 }, { { 0 }, { 0 }, { 0 } }, "",
	NULL };

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
 * by the node) and its ledger on the writer connection (node/node.h),
 * where custody entries are appended inside the store jobs.
 */
int
hn_ev_setup(struct hn_node *n, struct hn_error *err)
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
	HN_FMT_FIXED(ev.name, sizeof(ev.name), "%s", n->key_name); /* 129 */
	memcpy(ev.sk, n->sk, sizeof(ev.sk));
	if ((r = hn_seal_keys_from_ed25519(&ev.keys, ev.sk)) != 0 ||
	    (r = hn_conf_path(&n->conf, "blobs", ev.blobs, sizeof(ev.blobs))) !=
		0 ||
	    (r = hn_mkdirs(ev.blobs, 0700)) != 0)
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

void
hn_ev_custody(struct hn_custody *c, struct hn_db *db)
{
	memset(c, 0, sizeof(*c));
	c->db = db;
	c->node = ev.name;
	c->sink.append = sink_append;
	c->sink.ctx = ev.ledger;
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

/*
 * Takes upload id for exclusive use: the open intake, or reopened from its
 * staging file. HN_ESTATE if another request is using it (a conflict:
 * 409), HN_EBUSY if every slot is in use.
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
	if (strlen(id) > HN_UPLOAD_ID_MAX)
		return hn_error_set(err, HN_EINVAL, "upload", NULL,
		    "upload id longer than %d bytes", HN_UPLOAD_ID_MAX);
	pthread_mutex_lock(&open_uploads.mu);
	for (i = 0; i < HN_UPLOADS_OPEN_MAX; i++) {
		if (strcmp(open_uploads.u[i].id, id) == 0) {
			u = &open_uploads.u[i];
			break;
		}
	}
	if (u != NULL) {
		if (u->busy) {
			/* a conflict with the other request (e.g. two PUTs
			 * at one offset), not the node being busy: 409 */
			pthread_mutex_unlock(&open_uploads.mu);
			return hn_error_set(err, HN_ESTATE, "offset", NULL,
			    "upload %s is being written by another request; "
			    "ask where it stands (GET) and continue there",
			    id);
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
	HN_FMT_FIXED(lru->id, sizeof(lru->id), "%s", id); /* checked above */
	pthread_mutex_unlock(&open_uploads.mu);

	r = hn_intake_begin(&in, ev.blobs, &ev.keys, 0, 0, id, reopened_at,
	    err);
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

/* ---- checks ---- */

int
hn_ev_request_held(struct hn_db *db, const char *id, struct hn_request_row *rq,
    struct hn_error *err)
{
	struct hn_request_row row;
	int rc;

	hn_request_row_init(&row);
	rc = hn_requests_get(db, id, &row);
	if (rc == HN_ENOTFOUND) {
		hn_error_set(err, rc, "request", "40",
		    "request %s: no such request on this node; evidence "
		    "belongs to a request it holds (one created with POST "
		    "/v1/requests, or received from the other State)",
		    id);
	} else if (rc != 0) {
		if (err != NULL)
			err->code = rc;
	} else if (rq != NULL) {
		*rq = row;
		return 0;
	}
	hn_request_row_release(&row);
	return rc;
}

int
hn_ev_request_party(struct hn_db *db, const char *id, int there, char other[4])
{
	struct hn_request_row rq;
	struct hn_outbox_row o;
	int rc, ours;

	other[0] = '\0';
	hn_request_row_init(&rq);
	if ((rc = hn_requests_get(db, id, &rq)) != 0)
		goto out;
	ours = strcmp(rq.side, "requesting") == 0;
	HN_FMT_FIXED(other, 4, "%s", ours ? rq.to : rq.from); /* char[4] */
	if (!there)
		goto out;
	if (!ours) {
		rc = rq.remote_id[0] != '\0' ? 0 : HN_ESTATE;
		goto out;
	}
	rc = hn_fedstore_outbox_get(db, rq.id, &o);
	if (rc == 0) {
		rc = o.status == HN_OUT_DELIVERED && o.refused[0] == '\0' ?
		    0 :
		    HN_ESTATE;
		hn_outbox_row_release(&o);
	} else if (rc == HN_ENOTFOUND) {
		rc = HN_ESTATE;
	}
out:
	hn_request_row_release(&rq);
	return rc;
}

int
hn_ev_name_free(struct hn_db *db, const char *request, const char *name,
    struct hn_error *err)
{
	struct hn_evidence_item *items = NULL;
	size_t n = 0, i;
	int rc;

	if ((rc = hn_evidence_list(db, request, &items, &n)) != 0) {
		if (err != NULL)
			err->code = rc;
		return rc;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(items[i].name, name) == 0) {
			free(items);
			return hn_error_set(err, HN_EEXIST, "name", NULL,
			    "request %s already has an item named %s", request,
			    name);
		}
	}
	free(items);
	return 0;
}

int
hn_ev_item_get(struct hn_db *db, const char *id, struct hn_evidence_item *it,
    struct hn_error *err)
{
	char *end = NULL;
	long long v;
	int rc;

	errno = 0;
	v = strtoll(id, &end, 10);
	if (id[0] < '1' || id[0] > '9' || *end != '\0' || errno != 0)
		return hn_error_set(err, HN_ENOTFOUND, "id", NULL,
		    "no such evidence item");
	if ((rc = hn_evidence_get(db, (int64_t)v, it)) == HN_ENOTFOUND)
		return hn_error_set(err, rc, "id", NULL,
		    "no such evidence item");
	if (rc != 0 && err != NULL)
		err->code = rc;
	return rc;
}

/* ---- uploads ---- */

static int
upload_insert_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	return hn_upload_insert(db, arg);
}

int
hn_ev_upload_create(struct hn_node *n, struct hn_db *db, const char *request,
    const char *name, const char *description, const char *actor, int64_t now,
    struct hn_upload *u, struct hn_error *err)
{
	struct hn_intake *in = NULL;
	uint8_t rnd[12];
	int rc;

	memset(u, 0, sizeof(*u));
	if ((rc = hn_ev_request_held(db, request, NULL, err)) != 0)
		return rc;
	hn_random(rnd, sizeof(rnd));
	hn_hex_encode(u->id, rnd, sizeof(rnd));
	if ((rc = hn_fmt_field(u->request_id, sizeof(u->request_id), request,
		 "request", err)) != 0)
		return rc;
	hn_evidence_safe_name(u->name, name);
	if ((rc = hn_ev_name_free(db, u->request_id, u->name, err)) != 0)
		return rc;
	if ((rc = hn_fmt_field(u->description, sizeof(u->description),
		 description != NULL ? description : "", "description", err)) !=
		0 ||
	    (rc = hn_fmt_field(u->created_by, sizeof(u->created_by), actor,
		 "actor", err)) != 0)
		return rc;
	u->created_at = now;
	if ((rc = hn_store_write(n->store, upload_insert_job, u, err)) != 0)
		return rc;
	/* the staging file exists from now on */
	if ((rc = hn_intake_begin(&in, ev.blobs, &ev.keys, 0, 0, u->id, NULL,
		 err)) != 0)
		return rc;
	hn_intake_abort(in, 1);
	hn_diag(HN_DIAG_INFO, "evidence.upload_created",
	    "upload=%s request=%s "
	    "by=%s",
	    u->id, u->request_id, actor);
	return 0;
}

int
hn_ev_upload_get(struct hn_db *db, const char *id, struct hn_upload *u,
    struct hn_error *err)
{
	int rc;

	if (hn_upload_id_valid(id) != 0)
		return hn_error_set(err, HN_ENOTFOUND, "id", NULL,
		    "no such upload");
	if ((rc = hn_upload_get(db, id, u)) == HN_ENOTFOUND)
		return hn_error_set(err, rc, "id", NULL, "no such upload");
	if (rc != 0 && err != NULL)
		err->code = rc;
	return rc;
}

/*
 * Gives the upload back after a sync. A failed sync (the staging file's
 * writer hit a full disk) leaves the intake unusable: it is dropped, and
 * the next call reopens it from its durable chunks, so the upload works
 * again once space is back.
 */
static int
sync_done(struct open_upload *ou, int rc)
{
	if (rc != 0) {
		hn_intake_abort(ou->in, 1);
		give(ou, 1);
		return rc;
	}
	give(ou, 0);
	return 0;
}

int
hn_ev_upload_state(const char *id, uint64_t *size, uint64_t *durable,
    struct hn_error *err)
{
	struct open_upload *ou = NULL;
	uint64_t at;
	int rc;

	if ((rc = take(id, &ou, &at, err)) != 0)
		return rc;
	*size = hn_intake_size(ou->in);
	rc = hn_intake_sync(ou->in, durable, err);
	return sync_done(ou, rc);
}

/*
 * Tests (HN_HOOK_UPLOAD_HOLD=FILE): a write holds the upload it took until
 * FILE exists, after creating FILE.held, so that a test can send a second
 * write while the first one is known to be in progress. At most 30 s.
 */
static void
hold_for_test(void)
{
	const char *rel = hn_hook_str(HN_HOOK_UPLOAD_HOLD);
	char held[PATH_MAX];
	int i, fd;

	if (rel == NULL || hn_fmt(held, sizeof(held), "%s.held", rel) != 0)
		return;
	if ((fd = open(held, O_WRONLY | O_CREAT, 0600)) >= 0)
		close(fd);
	for (i = 0; i < 3000 && access(rel, F_OK) != 0; i++)
		usleep(10000);
}

int
hn_ev_upload_write(const char *id, uint64_t offset, const void *data,
    size_t len, uint64_t *size, uint64_t *durable, struct hn_error *err)
{
	struct open_upload *ou = NULL;
	uint64_t at;
	int rc;

	if ((rc = take(id, &ou, &at, err)) != 0)
		return rc;
	hold_for_test();
	*size = hn_intake_size(ou->in);
	if (offset != *size) {
		rc = hn_intake_sync(ou->in, durable, err);
		give(ou, 0);
		if (rc != 0)
			return rc;
		return hn_error_set(err, HN_ESTATE, "offset", NULL,
		    "upload %s continues at offset %llu, not %llu", id,
		    (unsigned long long)*size, (unsigned long long)offset);
	}
	if (len > 0 && (rc = hn_intake_write(ou->in, data, len, err)) != 0) {
		/* the intake is unusable: reopen from the durable chunks */
		hn_intake_abort(ou->in, 1);
		give(ou, 1);
		return rc;
	}
	*size = hn_intake_size(ou->in);
	rc = hn_intake_sync(ou->in, durable, err);
	return sync_done(ou, rc);
}

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

	hn_ev_custody(&c, db);
	hn_hex_encode(pkhex, ev.keys.ed_pk, 32);
	if ((r = hn_custody_add_item_tx(&c, j->res, j->u->request_id,
		 j->u->name, j->u->description, j->actor, j->at, pkhex, &j->it,
		 err)) != 0)
		return r;
	return hn_upload_delete(db, j->u->id);
}

int
hn_ev_upload_finish(struct hn_node *n, const struct hn_upload *u,
    const char *actor, int64_t now, struct hn_evidence_item *it,
    struct hn_intake_result *res, struct hn_error *err)
{
	struct open_upload *ou = NULL;
	struct finish_job j;
	uint64_t at;
	int rc;

	if ((rc = take(u->id, &ou, &at, err)) != 0)
		return rc;
	rc = hn_intake_finish(ou->in, res, err); /* frees the intake */
	give(ou, 1);
	if (rc != 0)
		return rc;
	memset(&j, 0, sizeof(j));
	j.u = u;
	j.res = res;
	j.actor = actor;
	j.at = now;
	/* on failure the object is stored (content-addressed); the item
	 * is not */
	if ((rc = hn_store_write(n->store, finish_job, &j, err)) != 0)
		return rc;
	*it = j.it;
	hn_diag(HN_DIAG_INFO, "evidence.intake",
	    "item=%lld request=%s sha256=%s "
	    "size=%llu by=%s",
	    (long long)j.it.id, j.it.request_id, res->addr,
	    (unsigned long long)res->size, actor);
	return 0;
}

static int
upload_delete_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	return hn_upload_delete(db, arg);
}

int
hn_ev_upload_cancel(struct hn_node *n, const char *id, struct hn_error *err)
{
	struct open_upload *ou = NULL;
	uint64_t at;
	int rc;

	if ((rc = take(id, &ou, &at, err)) != 0)
		return rc;
	hn_intake_abort(ou->in, 0);
	give(ou, 1);
	return hn_store_write(n->store, upload_delete_job, (void *)id, err);
}

/* ---- opening ---- */

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

	hn_ev_custody(&c, db);
	if ((d = json_pack("{s:s}", "via", "api download")) == NULL)
		return HN_ENOMEM;
	r = hn_custody_event_tx(&c, j->it, "opened", j->at, j->actor, j->reason,
	    d, err);
	json_decref(d);
	return r;
}

int
hn_ev_opened(struct hn_node *n, const struct hn_evidence_item *it,
    const char *actor, const char *reason, int64_t now, struct hn_error *err)
{
	struct opened_job j;

	memset(&j, 0, sizeof(j));
	j.it = it;
	j.actor = actor;
	j.reason = reason;
	j.at = now;
	return hn_store_write(n->store, opened_job, &j, err);
}
