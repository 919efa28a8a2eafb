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
 * Pieces are staged in DIR/blobs/incoming/SENDER-XFER.part, each made
 * durable (fdatasync) before it is acknowledged. At finish every chunk
 * is authenticated and the SHA-256 compared with the announced one
 * before anything is stored or acknowledged; then the item, its custody
 * (intake, seal, received, verified), its art. 36 origin and conditions
 * and the transfer row are one transaction, and the receipt names the
 * ledger index of the "verified" entry.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "crypto/seal.h"
#include "crypto/sha256.h"
#include "crypto/sign.h"
#include "fed/evwire.h"
#include "core/date.h"
#include "net/evidence_int.h"
#include "node/federation.h"
#include "net/http.h"
#include "net/routes.h"
#include "node/custody.h"
#include "node/evsend.h"
#include "node/node.h"
#include "store/blob.h"
#include "store/evidence.h"
#include "store/evxfer.h"
#include "store/fed.h"
#include "store/requests.h"
#include "store/store.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/diag.h"

#define SIZE_MAX_ITEM (1ull << 40) /* 1 TiB */
#define RESP_MAX (64u << 10)

static const char *
msg_of(const struct hn_error *e, int rc)
{
	return e->message[0] != '\0' ? e->message : hn_strerror(rc);
}

/*
 * The request `id` of an evidence transfer (one id on both nodes, docs/
 * evidence.md "Transfers and requests"): its other party into other[4].
 * HN_ENOTFOUND if this node does not hold it. With `there`, HN_ESTATE
 * unless the other party holds it too: it came from them over the network,
 * or the message that carried ours to them was receipted (not refused).
 */
static int
request_party(struct hn_req *r, const char *id, int there, char other[4])
{
	struct hn_request_row rq;
	struct hn_outbox_row o;
	struct hn_db *db;
	int rc, ours;

	other[0] = '\0';
	if ((rc = hn_req_db(r, &db)) != 0)
		return rc;
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
		rc = o.status == HN_OUT_DELIVERED && o.refused[0] == '\0' ? 0 :
		    HN_ESTATE;
		hn_outbox_row_release(&o);
	} else if (rc == HN_ENOTFOUND) {
		rc = HN_ESTATE;
	}
out:
	hn_request_row_release(&rq);
	return rc;
}

/* ====================================================================== */
/* receiving side                                                          */
/* ====================================================================== */

/* Serialises writes to the staging files. */
static pthread_mutex_t in_mu = PTHREAD_MUTEX_INITIALIZER;

static int
stage_path(char *out, size_t max, const char *sender, const char *xfer)
{
	return hn_fmt(out, max, "%s/incoming/%s-%s.part", hn_ev_blobs(),
	    sender, xfer);
}

/*
 * The bytes held durably: the staging file cut to whole pieces (a piece
 * is acknowledged only after fdatasync, so a torn tail was never
 * acknowledged and is resent). Call with in_mu held.
 */
static int
held(const char *path, uint64_t sealed, uint64_t *off)
{
	struct stat st;
	uint64_t size, keep;

	*off = 0;
	if (stat(path, &st) != 0)
		return errno == ENOENT ? 0 : HN_EIO;
	size = (uint64_t)st.st_size;
	keep = size >= sealed ? sealed : size - size % HN_EVW_PIECE;
	if (keep != size && truncate(path, (off_t)keep) != 0)
		return HN_EIO;
	*off = keep;
	return 0;
}

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
		    "the federation is not running on this node"), HN_ESTATE;
	if ((rc = hn_ev_setup(r->node, &e)) != 0)
		return hn_resp_error(r, 503, "unavailable", NULL, NULL, "%s",
		    e.message), rc;
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
		    "expected a '%s' object for this transfer", op), HN_EPARSE;
	}
	return 0;
}

static int
in_insert_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	return hn_xfer_in_insert(db, arg);
}

struct in_state_job {
	const char *sender, *xfer, *state, *error, *receipt;
	int64_t item;
};

static int
in_state_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct in_state_job *j = arg;

	return hn_xfer_in_update(db, j->sender, j->xfer, j->state, j->error,
	    j->item, j->receipt);
}

static int
answer_state(struct hn_req *r, int status, const char *xfer,
    const char *state, uint64_t offset)
{
	return hn_resp_json(r, status, json_pack("{s:s,s:s,s:I,s:I}",
	    "transfer", xfer, "state", state, "offset", (json_int_t)offset,
	    "piece", (json_int_t)HN_EVW_PIECE));
}

static int
get_in(struct hn_req *r, const char *sender, const char *xfer,
    struct hn_xfer_in *t)
{
	struct hn_db *db;
	int rc;

	if ((rc = hn_req_db(r, &db)) != 0)
		return rc;
	return hn_xfer_in_get(db, sender, xfer, t);
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

/* POST /v1/evidence/incoming (peer): the sender announces a transfer. */
int
hn_api_evxfer_offer(struct hn_req *r)
{
	struct hn_xfer_in t, have;
	struct hn_error e;
	const char *req, *name, *desc, *sha, *cond;
	char path[HN_BLOB_PATH_MAX], dir[HN_BLOB_PATH_MAX], sender[4];
	json_t *p = NULL;
	uint64_t off = 0;
	int rc, fd;

	hn_error_clear(&e);
	if (open_wire(r, "offer", &p, sender) != 0)
		return 0;
	memset(&t, 0, sizeof(t));
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
	    u64_field(p, "size", SIZE_MAX_ITEM, &t.size) != 0 ||
	    u64_field(p, "sealed_size", 2 * SIZE_MAX_ITEM,
	    &t.sealed_size) != 0 ||
	    t.sealed_size < hn_seal_stream_size(t.size, HN_SEAL_CHUNK_MAX) ||
	    t.sealed_size > hn_seal_stream_size(t.size, HN_SEAL_CHUNK_MIN)) {
		rc = hn_resp_error(r, 400, "malformed", NULL, NULL,
		    "an offer names request, name, sha256, size and the "
		    "sealed stream's size (description, conditions optional)");
		goto out;
	}
	/* every length was checked above, the transfer id by open_wire */
	HN_FMT_FIXED(t.sender, sizeof(t.sender), "%s", sender);
	HN_FMT_FIXED(t.xfer, sizeof(t.xfer), "%s", hn_json_str(p, "transfer"));
	HN_FMT_FIXED(t.request_id, sizeof(t.request_id), "%s", req);
	hn_evidence_safe_name(t.name, name);
	HN_FMT_FIXED(t.description, sizeof(t.description), "%s",
	    desc ? desc : "");
	HN_FMT_FIXED(t.sha256, sizeof(t.sha256), "%s", sha);
	HN_FMT_FIXED(t.conditions, sizeof(t.conditions), "%s",
	    cond ? cond : "");
	HN_FMT_FIXED(t.state, sizeof(t.state), "receiving");
	t.created_at = r->now;
	if ((rc = stage_path(path, sizeof(path), t.sender, t.xfer)) != 0)
		goto fail;
	rc = get_in(r, t.sender, t.xfer, &have);
	if (rc == HN_ENOTFOUND) {
		char other[4];

		/* evidence for a request we hold, only from its other party
		 * (issue 12) */
		rc = request_party(r, t.request_id, 0, other);
		if (rc == HN_ENOTFOUND) {
			hn_diag(HN_DIAG_WARN, "evidence.wire_rejected",
			    "reason="
			    "unknown_request sender=%s request=%s", t.sender,
			    t.request_id);
			rc = hn_resp_error(r, 404, "not_found", "request", "40",
			    "request %s: %s holds no such request; evidence "
			    "is transferred for a request that went between "
			    "the two States over the network", t.request_id,
			    r->node->party);
			goto out;
		}
		if (rc != 0)
			goto fail;
		if (strcmp(other, t.sender) != 0) {
			hn_diag(HN_DIAG_WARN, "evidence.wire_rejected",
			    "reason="
			    "not_a_party sender=%s request=%s", t.sender,
			    t.request_id);
			rc = hn_resp_error(r, 403, "forbidden", "request", NULL,
			    "%s is not a party to request %s", t.sender,
			    t.request_id);
			goto out;
		}
		if (hn_ev_name_taken(r, t.request_id, t.name) != 0) {
			rc = 0;
			goto out;
		}
		rc = hn_fmt(dir, sizeof(dir), "%s/incoming", hn_ev_blobs());
		if (rc != 0 || (rc = hn_mkdirs(dir, 0700)) != 0 ||
		    (rc = hn_store_write(r->node->store, in_insert_job, &t,
		    &e)) != 0)
			goto fail;
		if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600)) < 0) {
			rc = HN_EIO;
			goto fail;
		}
		close(fd);
		hn_diag(HN_DIAG_INFO, "evidence.incoming_offer", "sender=%s "
		    "transfer=%s request=%s name=%s sha256=%s size=%llu "
		    "offset=0", t.sender, t.xfer, t.request_id, t.name,
		    t.sha256, (unsigned long long)t.size);
		rc = answer_state(r, 200, t.xfer, "receiving", 0);
		goto out;
	}
	if (rc != 0)
		goto fail;
	if (strcmp(have.sha256, t.sha256) != 0 || have.size != t.size ||
	    have.sealed_size != t.sealed_size ||
	    strcmp(have.request_id, t.request_id) != 0 ||
	    strcmp(have.name, t.name) != 0) {
		rc = hn_resp_error(r, 409, "conflict", "transfer", NULL,
		    "transfer %s was announced with other content", t.xfer);
		goto out;
	}
	if (strcmp(have.state, "verified") == 0) {
		rc = answer_state(r, 200, t.xfer, "verified", have.sealed_size);
		goto out;
	}
	if (strcmp(have.state, "failed") == 0) {
		rc = hn_resp_error(r, 409, "transfer_failed", "transfer", NULL,
		    "transfer %s failed: %s", t.xfer, have.error);
		goto out;
	}
	pthread_mutex_lock(&in_mu);
	rc = held(path, have.sealed_size, &off);
	pthread_mutex_unlock(&in_mu);
	if (rc != 0)
		goto fail;
	hn_diag(HN_DIAG_INFO, "evidence.incoming_resume", "sender=%s "
	    "transfer=%s offset=%llu of=%llu", t.sender, t.xfer,
	    (unsigned long long)off, (unsigned long long)have.sealed_size);
	rc = answer_state(r, 200, t.xfer, "receiving", off);
	goto out;
fail:
	if (e.code == 0)
		e.code = rc;
	rc = hn_resp_err(r, &e);
out:
	json_decref(p);
	return rc;
}

/* POST /v1/evidence/incoming/{id} (peer): one piece at its offset. */
int
hn_api_evxfer_chunk(struct hn_req *r)
{
	struct hn_xfer_in t;
	struct hn_error e;
	const char *data;
	char path[HN_BLOB_PATH_MAX], sender[4];
	uint8_t *buf = NULL;
	json_t *p = NULL;
	uint64_t off = 0, have = 0;
	ssize_t n = 0;
	int rc, fd = -1;

	hn_error_clear(&e);
	if (open_wire(r, "chunk", &p, sender) != 0)
		return 0;
	data = hn_json_str(p, "data");
	if (data == NULL || strlen(data) > hn_b64_len(HN_EVW_PIECE) ||
	    u64_field(p, "offset", 2 * SIZE_MAX_ITEM, &off) != 0) {
		rc = hn_resp_error(r, 400, "malformed", "data", NULL,
		    "a chunk carries offset and data (base64, at most %u "
		    "bytes)", HN_EVW_PIECE);
		goto out;
	}
	rc = get_in(r, sender, hn_json_str(p, "transfer"), &t);
	if (rc == HN_ENOTFOUND) {
		/* the transfer is keyed by its sender: another node's
		 * chunks never reach it */
		rc = hn_resp_error(r, 404, "unknown_transfer", "transfer", NULL,
		    "no transfer %s from %s", hn_json_str(p, "transfer"),
		    sender);
		goto out;
	}
	if (rc != 0)
		goto fail;
	if (strcmp(t.state, "receiving") != 0) {
		rc = hn_resp_json(r, 409, json_pack("{s:s,s:s,s:I}", "error",
		    strcmp(t.state, "failed") == 0 ? "transfer_failed" :
		    "conflict", "message", "the transfer is not receiving",
		    "offset", (json_int_t)t.sealed_size));
		goto out;
	}
	if ((buf = malloc(HN_EVW_PIECE)) == NULL) {
		rc = HN_ENOMEM;
		goto fail;
	}
	if ((n = hn_b64_decode(buf, HN_EVW_PIECE, data, strlen(data))) <= 0) {
		rc = hn_resp_error(r, 400, "malformed", "data", NULL,
		    "data is not base64 of 1 to %u bytes", HN_EVW_PIECE);
		goto out;
	}
	if ((rc = stage_path(path, sizeof(path), t.sender, t.xfer)) != 0)
		goto fail;
	pthread_mutex_lock(&in_mu);
	if ((rc = held(path, t.sealed_size, &have)) != 0) {
		pthread_mutex_unlock(&in_mu);
		goto fail;
	}
	if (off != have) {
		pthread_mutex_unlock(&in_mu);
		rc = hn_resp_json(r, 409, json_pack("{s:s,s:s,s:I}", "error",
		    "offset_mismatch", "message", "this node holds a different "
		    "number of bytes; continue from offset", "offset",
		    (json_int_t)have));
		goto out;
	}
	if (off + (uint64_t)n > t.sealed_size ||
	    ((uint64_t)n != HN_EVW_PIECE && off + (uint64_t)n !=
	    t.sealed_size)) {
		pthread_mutex_unlock(&in_mu);
		rc = hn_resp_error(r, 400, "malformed", "data", NULL,
		    "pieces are %u bytes, the last one what remains of the "
		    "%llu announced", HN_EVW_PIECE,
		    (unsigned long long)t.sealed_size);
		goto out;
	}
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0 ||
	    pwrite(fd, buf, (size_t)n, (off_t)off) != n || fdatasync(fd) != 0) {
		pthread_mutex_unlock(&in_mu);
		rc = hn_error_set(&e, HN_EIO, NULL, NULL, "cannot stage the "
		    "piece: %s", strerror(errno));
		goto fail;
	}
	pthread_mutex_unlock(&in_mu);
	rc = answer_state(r, 200, t.xfer, "receiving", off + (uint64_t)n);
	goto out;
fail:
	if (e.code == 0)
		e.code = rc;
	rc = hn_resp_err(r, &e);
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	json_decref(p);
	return rc;
}

struct finish_in_job {
	const struct hn_xfer_in *t;
	uint64_t size;
	int existed;
	struct hn_evidence_item it;
};

static int
finish_in_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct finish_in_job *j = arg;
	const struct hn_xfer_in *t = j->t;
	struct hn_intake_result res;
	struct hn_custody c;
	char pkhex[65], actor[64];
	json_t *d = NULL;
	int r;

	hn_ev_custody(&c, db);
	memset(&res, 0, sizeof(res));
	/* the same sizes as the transfer's */
	HN_FMT_FIXED(res.addr, sizeof(res.addr), "%s", t->sha256);
	res.size = j->size;
	res.existed = j->existed;
	hn_hex_encode(pkhex, hn_ev_keys()->ed_pk, 32);
	HN_FMT_FIXED(actor, sizeof(actor), "node %s", t->sender);
	if ((r = hn_custody_add_item_tx(&c, &res, t->request_id, t->name,
	    t->description, actor, t->created_at, pkhex, &j->it, err)) != 0)
		return r;
	/* art. 36: who sent it and under which conditions */
	if ((r = hn_evidence_set_origin(db, j->it.id, t->sender,
	    t->conditions)) != 0)
		return r;
	HN_FMT_FIXED(j->it.origin, sizeof(j->it.origin), "%s", t->sender);
	HN_FMT_FIXED(j->it.conditions, sizeof(j->it.conditions), "%s",
	    t->conditions);
	if ((d = json_pack("{s:s,s:s,s:s,s:I}", "from", t->sender,
	    "conditions", t->conditions, "transfer", t->xfer, "sealed_size",
	    (json_int_t)t->sealed_size)) == NULL)
		return HN_ENOMEM;
	r = hn_custody_event_tx(&c, &j->it, "received", j->it.added_at, actor,
	    "", d, err);
	json_decref(d);
	if (r == 0)
		r = hn_custody_event_tx(&c, &j->it, "verified", j->it.added_at,
		    actor, "every chunk authenticated; SHA-256 matches the "
		    "sender's", NULL, err);
	if (r == 0)
		r = hn_transfer_insert(db, j->it.id, "in", t->sender,
		    t->conditions, j->it.added_at);
	if (r == 0)
		r = hn_xfer_in_update(db, t->sender, t->xfer, "verified", "",
		    j->it.id, NULL);
	return r;
}

/*
 * The signed receipt of a verified transfer (made once, stored, then
 * always the same bytes): message_id = the transfer id, ledger_index =
 * the "verified" custody entry.
 */
static int
receipt_of(struct hn_req *r, const struct hn_xfer_in *t, int64_t item,
    struct hn_buf *out, struct hn_error *e)
{
	struct hn_evidence_custody *evs = NULL;
	struct hn_buf cp = HN_BUF_INIT(HN_CHECKPOINT_MAX);
	struct in_state_job j;
	struct hn_db *db;
	int64_t index = -1;
	size_t n = 0, i;
	char *nul = NULL;
	int rc;

	if ((rc = hn_req_db(r, &db)) != 0 ||
	    (rc = hn_xfer_in_receipt(db, t->sender, t->xfer, out)) != 0)
		return rc;
	if (out->len > 0)
		return 0;
	if ((rc = hn_evidence_custody_list(db, item, &evs, &n)) != 0)
		return rc;
	for (i = 0; i < n; i++)
		if (strcmp(evs[i].action, "verified") == 0)
			index = evs[i].ledger_index;
	free(evs);
	if (index < 0)
		return hn_error_set(e, HN_EINTERNAL, NULL, NULL, "no verified "
		    "entry for item %lld", (long long)item);
	if ((rc = hn_node_checkpoint(r->node, &cp, e)) != 0)
		goto out;
	if ((rc = hn_buf_add(&cp, "", 1)) != 0)
		goto out;
	if ((rc = hn_receipt_seal(out, t->xfer, t->sender, r->node->party,
	    r->now, (uint64_t)index, cp.data, r->node->sk, e)) != 0)
		goto out;
	if ((rc = hn_buf_add(out, "", 1)) != 0)
		goto out;
	nul = out->data;
	out->len--; /* the NUL stays after the bytes */
	memset(&j, 0, sizeof(j));
	j.sender = t->sender;
	j.xfer = t->xfer;
	j.state = "verified";
	j.error = "";
	j.item = item;
	j.receipt = nul;
	rc = hn_store_write(r->node->store, in_state_job, &j, e);
out:
	hn_buf_release(&cp);
	return rc;
}

/* POST /v1/evidence/incoming/{id}/finish (peer): verify, store, receipt. */
int
hn_api_evxfer_finish(struct hn_req *r)
{
	struct hn_buf rc_buf = HN_BUF_INIT(HN_XFER_RECEIPT_MAX + 1);
	struct finish_in_job fj;
	struct in_state_job sj;
	struct hn_xfer_in t;
	struct hn_error e;
	char path[HN_BLOB_PATH_MAX], sender[4];
	json_t *p = NULL;
	uint64_t have = 0, size = 0;
	int64_t item;
	int rc, existed = 0;

	hn_error_clear(&e);
	if (open_wire(r, "finish", &p, sender) != 0)
		return 0;
	rc = get_in(r, sender, hn_json_str(p, "transfer"), &t);
	if (rc == HN_ENOTFOUND) {
		rc = hn_resp_error(r, 404, "unknown_transfer", "transfer", NULL,
		    "no transfer %s from %s", hn_json_str(p, "transfer"),
		    sender);
		goto out;
	}
	if (rc != 0)
		goto fail;
	if (strcmp(t.state, "failed") == 0) {
		rc = hn_resp_error(r, 409, "transfer_failed", "transfer", NULL,
		    "transfer %s failed: %s", t.xfer, t.error);
		goto out;
	}
	item = t.item_id;
	if (strcmp(t.state, "verified") != 0) {
		if ((rc = stage_path(path, sizeof(path), t.sender,
		    t.xfer)) != 0)
			goto fail;
		pthread_mutex_lock(&in_mu);
		rc = held(path, t.sealed_size, &have);
		pthread_mutex_unlock(&in_mu);
		if (rc != 0)
			goto fail;
		if (have != t.sealed_size) {
			rc = hn_resp_json(r, 409, json_pack("{s:s,s:s,s:I}",
			    "error", "offset_mismatch", "message", "not every "
			    "byte has arrived", "offset", (json_int_t)have));
			goto out;
		}
		/* every chunk and the SHA-256, before anything is stored or
		 * acknowledged */
		rc = hn_blob_adopt_sealed(hn_ev_blobs(), t.sha256,
		    hn_ev_keys(), path, &size, &existed, &e);
		if (rc == 0 && size != t.size)
			rc = hn_error_set(&e, HN_EVERIFY, NULL, NULL, "%llu bytes "
			    "of content, %llu announced",
			    (unsigned long long)size,
			    (unsigned long long)t.size);
		if (rc == HN_EVERIFY || rc == HN_EPARSE) {
			hn_diag(HN_DIAG_WARN, "evidence.incoming_refused",
			    "sender=%s transfer=%s sha256=%s msg=\"%s\"",
			    t.sender, t.xfer, t.sha256, e.message);
			memset(&sj, 0, sizeof(sj));
			sj.sender = t.sender;
			sj.xfer = t.xfer;
			sj.state = "failed";
			sj.error = e.message;
			(void)hn_store_write(r->node->store, in_state_job, &sj,
			    NULL);
			unlink(path);
			rc = hn_resp_error(r, 400, "verification_failed",
			    "sha256", NULL, "refused, nothing stored: %s",
			    e.message);
			goto out;
		}
		if (rc != 0)
			goto fail;
		memset(&fj, 0, sizeof(fj));
		fj.t = &t;
		fj.size = size;
		fj.existed = existed;
		t.created_at = r->now;
		if ((rc = hn_store_write(r->node->store, finish_in_job, &fj,
		    &e)) != 0) {
			hn_diag(HN_DIAG_WARN, "evidence.incoming_refused",
			    "sender=%s transfer=%s msg=\"%s\"", t.sender, t.xfer,
			    msg_of(&e, rc));
			memset(&sj, 0, sizeof(sj));
			sj.sender = t.sender;
			sj.xfer = t.xfer;
			sj.state = "failed";
			sj.error = msg_of(&e, rc);
			(void)hn_store_write(r->node->store, in_state_job, &sj,
			    NULL);
			goto fail;
		}
		item = fj.it.id;
		hn_diag(HN_DIAG_INFO, "evidence.received", "sender=%s "
		    "transfer=%s item=%lld request=%s sha256=%s size=%llu",
		    t.sender, t.xfer, (long long)item, t.request_id, t.sha256,
		    (unsigned long long)size);
	}
	if ((rc = receipt_of(r, &t, item, &rc_buf, &e)) != 0)
		goto fail;
	rc = hn_resp_raw(r, 200, "application/vnd.hanoinet.receipt",
	    rc_buf.data, rc_buf.len);
	goto out;
fail:
	if (e.code == 0)
		e.code = rc;
	rc = hn_resp_err(r, &e);
out:
	hn_buf_release(&rc_buf);
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

void
hn_evxfer_stop(void)
{
	hn_evsend_stop();
}

void
hn_evxfer_resume(struct hn_node *n, int64_t now)
{
	struct hn_evsend_env env;
	struct hn_error e;

	hn_error_clear(&e);
	if (sender_env(n, &env, &e) == 0)
		hn_evsend_resume(&env, now);
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
	char other[4];
	int rc;

	rc = request_party(r, req, 1, other);
	if (rc == HN_ENOTFOUND)
		return hn_resp_error(r, 404, "not_found", "request", "40",
		    "request %s: no such request on this node", req), 1;
	if (rc != 0 && rc != HN_ESTATE)
		return rc;
	if (strcmp(other, to) != 0)
		return hn_resp_error(r, 400, "validation_failed", "to", NULL,
		    "request %s is with %s: its evidence goes to %s, not %s",
		    req, other, other, to), 1;
	if (rc == HN_ESTATE)
		return hn_resp_error(r, 409, "conflict", "request", "40",
		    "request %s has not reached %s over the network (not "
		    "sent, not yet receipted, or registered from writing): %s "
		    "would not know it; its evidence can follow once it does",
		    req, to, to), 1;
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
		    "to: not this node's own party"), 1;
	rc = hn_fed_party_copy(f, to, r->now, peer);
	if (rc == HN_ESTATE)
		return hn_resp_error(r, 503, "stale_directory", NULL, NULL,
		    "this node holds no unexpired directory"), 1;
	if (rc != 0)
		return hn_resp_error(r, 400, "validation_failed", "to", NULL,
		    "%s is not in the directory of nodes", to), 1;
	return 0;
}

/* 200 for a transfer acknowledged before, 202 for one being sent. */
static int
transfer_answer(struct hn_req *r, int64_t item, const char *to,
    const struct hn_evsend_result *res)
{
	if (res->outcome == HN_EVSEND_ACKNOWLEDGED)
		return hn_resp_json(r, 200, json_pack("{s:s,s:I,s:s,s:s,s:I,"
		    "s:I}", "transfer", res->xfer, "item", (json_int_t)item,
		    "to", to, "state", "acknowledged", "total",
		    (json_int_t)res->total, "their_ledger_index",
		    (json_int_t)res->their_index));
	if (res->outcome == HN_EVSEND_ACTIVE)
		return hn_resp_json(r, 202, json_pack("{s:s,s:I,s:s,s:s,s:I}",
		    "transfer", res->xfer, "item", (json_int_t)item, "to", to,
		    "state", "sending", "total", (json_int_t)res->total));
	return hn_resp_json(r, 202, json_pack("{s:s,s:I,s:s,s:s,s:I,s:I}",
	    "transfer", res->xfer, "item", (json_int_t)item, "to", to,
	    "state", "sending", "total", (json_int_t)res->total,
	    "ledger_index", (json_int_t)res->ledger_index));
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
	to = hn_json_str(body, "to");
	cond = hn_json_str(body, "conditions");
	why = hn_json_str(body, "reason");
	req = hn_json_str(body, "request");
	if (to == NULL || strlen(to) != 3) {
		rc = hn_resp_error(r, 400, "validation_failed", "to", NULL,
		    "to: the receiving party's code");
		goto out;
	}
	if ((cond != NULL && strlen(cond) > HN_EV_TEXT_MAX) ||
	    (why != NULL && strlen(why) > HN_EV_TEXT_MAX)) {
		/* the field that is too long, so a form can show it there */
		const char *fld = cond != NULL && strlen(cond) > HN_EV_TEXT_MAX ?
		    "conditions" : "reason";

		rc = hn_resp_error(r, 413, "too_large", fld, NULL,
		    "%s: at most %d bytes", fld, HN_EV_TEXT_MAX);
		goto out;
	}
	if (req != NULL && (req[0] == '\0' ||
	    strlen(req) > HN_EV_REQUEST_MAX)) {
		rc = hn_resp_error(r, 400, "validation_failed", "request", NULL,
		    "request: the id of a request this node holds (1 to %d "
		    "bytes)", HN_EV_REQUEST_MAX);
		goto out;
	}
	if (hn_ev_load_item(r, &it) != 0) {
		rc = 0;
		goto out;
	}
	if (req == NULL)
		req = it.request_id;
	if (it.deleted_at != 0) {
		rc = hn_resp_error(r, 410, "gone", "id", NULL, "item %lld was "
		    "deleted", (long long)it.id);
		goto out;
	}
	if (hn_evidence_onward_allowed(&it) != 0) {
		/* art. 36: no onward transfer without the sender's consent */
		hn_diag(HN_DIAG_WARN, "evidence.transfer_refused", "item=%lld "
		    "to=%s origin=%s reason=art36", (long long)it.id, to,
		    it.origin);
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
		int live = v[i].xfer[0] != '\0' &&
		    hn_evsend_active(v[i].xfer, &sent);

		hn_datetime_format(v[i].created_at, ts);
		hn_datetime_format(v[i].acked_at, ta);
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,"
		    "s:I,s:s,s:s*,s:I,s:s,s:b,s:s}", "transfer", v[i].xfer,
		    "direction", v[i].direction, "peer", v[i].peer,
		    "conditions", v[i].conditions, "state", v[i].state, "sent",
		    (json_int_t)sent, "total", (json_int_t)v[i].total,
		    "created_at", ts, "acknowledged_at",
		    v[i].acked_at ? ta : NULL, "their_ledger_index",
		    (json_int_t)v[i].their_index, "error", v[i].error, "active",
		    live, "request", v[i].request_id[0] != '\0' ?
		    v[i].request_id : it.request_id));
	}
	free(v);
	return hn_resp_json(r, 200, json_pack("{s:I,s:o}", "item",
	    (json_int_t)it.id, "transfers", a));
}
