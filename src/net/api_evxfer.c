/*
 * api_evxfer.c - evidence transfer between nodes over the federation
 * channel (docs/protocol.md section 7, docs/evidence.md).
 *
 * Sending side (officers):
 *   POST /v1/evidence/{id}/transfer {to, conditions?, reason?}
 *        -> 202 {transfer, item, to, state: "sending", total}
 *   GET  /v1/evidence/{id}/transfers -> {transfers: [...]}
 * A thread per transfer sends the item sealed for the recipient's key
 * (only the 124-byte header is re-wrapped; the stored ciphertext goes as
 * it is) in pieces of HN_EVW_PIECE bytes, each a signed object; it asks
 * the recipient where it stands first (offer) and continues from there,
 * so an interrupted transfer resumes; the recipient's signed receipt
 * ends it.
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
#include "fed/client.h"
#include "fed/timefmt.h"
#include "node/custody.h"
#include "net/evidence_int.h"
#include "net/fednode.h"
#include "net/http.h"
#include "node/node.h"
#include "net/routes.h"
#include "store/blob.h"
#include "store/evidence.h"
#include "store/evxfer.h"
#include "store/fed.h"
#include "store/requests.h"
#include "store/store.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/hook.h"
#include "util/json.h"
#include "util/log.h"

#define SIZE_MAX_ITEM (1ull << 40) /* 1 TiB */
#define SENDERS_MAX 8
#define ATTEMPTS_MAX 10
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
	snprintf(other, 4, "%s", ours ? rq.to : rq.from);
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
	int n = snprintf(out, max, "%s/incoming/%s-%s.part", hn_ev_blobs(),
	    sender, xfer);

	return n < 0 || (size_t)n >= max ? HN_ETOOBIG : 0;
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
	snprintf(t.sender, sizeof(t.sender), "%s", sender);
	snprintf(t.xfer, sizeof(t.xfer), "%s", hn_json_str(p, "transfer"));
	snprintf(t.request_id, sizeof(t.request_id), "%s", req);
	hn_evidence_safe_name(t.name, name);
	snprintf(t.description, sizeof(t.description), "%s", desc ? desc : "");
	snprintf(t.sha256, sizeof(t.sha256), "%s", sha);
	snprintf(t.conditions, sizeof(t.conditions), "%s", cond ? cond : "");
	snprintf(t.state, sizeof(t.state), "receiving");
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
			hn_log(HN_LOG_WARN, "evidence.wire_rejected", "reason="
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
			hn_log(HN_LOG_WARN, "evidence.wire_rejected", "reason="
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
		if ((rc = snprintf(dir, sizeof(dir), "%s/incoming",
		    hn_ev_blobs())) < 0 || (size_t)rc >= sizeof(dir))
			rc = HN_ETOOBIG;
		else
			rc = 0;
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
		hn_log(HN_LOG_INFO, "evidence.incoming_offer", "sender=%s "
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
	hn_log(HN_LOG_INFO, "evidence.incoming_resume", "sender=%s "
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
	snprintf(res.addr, sizeof(res.addr), "%s", t->sha256);
	res.size = j->size;
	res.existed = j->existed;
	hn_hex_encode(pkhex, hn_ev_keys()->ed_pk, 32);
	snprintf(actor, sizeof(actor), "node %s", t->sender);
	if ((r = hn_custody_add_item_tx(&c, &res, t->request_id, t->name,
	    t->description, actor, t->created_at, pkhex, &j->it, err)) != 0)
		return r;
	/* art. 36: who sent it and under which conditions */
	if ((r = hn_evidence_set_origin(db, j->it.id, t->sender,
	    t->conditions)) != 0)
		return r;
	snprintf(j->it.origin, sizeof(j->it.origin), "%s", t->sender);
	snprintf(j->it.conditions, sizeof(j->it.conditions), "%s",
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
	struct hn_custody_event *evs = NULL;
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
	if ((rc = hn_custody_list(db, item, &evs, &n)) != 0)
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
			hn_log(HN_LOG_WARN, "evidence.incoming_refused",
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
			hn_log(HN_LOG_WARN, "evidence.incoming_refused",
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
		hn_log(HN_LOG_INFO, "evidence.received", "sender=%s "
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
/* sending side                                                            */
/* ====================================================================== */

struct sender {
	struct hn_node *n;
	struct hn_fed *f;
	char xfer[HN_XFER_ID_LEN + 1];
	char to[4];
	struct hn_evidence_item it;
	char request[HN_EV_REQUEST_MAX + 1]; /* the offer's: on both nodes */
	struct hn_dir_party peer;
	uint64_t total, sent;
	struct hn_client *pc;
	int slot;
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stopping;
	int running;
	char xfer[SENDERS_MAX][HN_XFER_ID_LEN + 1];
	uint64_t sent[SENDERS_MAX];
} snd = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0,
	{ "" }, { 0 } };

/* Sleeps ms unless the node stops; 1 if it is stopping. */
static int
pause_ms(long ms)
{
	struct timespec ts;
	int stop;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (ms % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&snd.mu);
	while (!snd.stopping &&
	    pthread_cond_timedwait(&snd.cv, &snd.mu, &ts) == 0)
		;
	stop = snd.stopping;
	pthread_mutex_unlock(&snd.mu);
	return stop;
}

struct out_state_job {
	const char *xfer, *state, *error, *receipt;
	uint64_t sent;
	int64_t their_index, acked_at;
	const struct hn_evidence_item *it; /* acknowledged: custody */
	const char *to;
	const char *receipt_sha;
};

static int
out_state_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct out_state_job *j = arg;
	struct hn_custody c;
	char actor[64];
	json_t *d;
	int r;

	if ((r = hn_xfer_out_update(db, j->xfer, j->state, j->sent, j->error,
	    j->their_index, j->receipt, j->acked_at)) != 0 || j->it == NULL)
		return r;
	hn_ev_custody(&c, db);
	snprintf(actor, sizeof(actor), "node %s", j->to);
	if ((d = json_pack("{s:s,s:s,s:I,s:s}", "recipient", j->to,
	    "transfer", j->xfer, "their_ledger_index",
	    (json_int_t)j->their_index, "receipt_sha256",
	    j->receipt_sha)) == NULL)
		return HN_ENOMEM;
	r = hn_custody_event_tx(&c, j->it, "acknowledged", j->acked_at, actor,
	    "signed receipt: every chunk and the SHA-256 verified by the "
	    "recipient", d, err);
	json_decref(d);
	return r;
}

static void
set_state(struct sender *s, const char *state, const char *error)
{
	struct out_state_job j;
	struct hn_error e;

	memset(&j, 0, sizeof(j));
	j.xfer = s->xfer;
	j.state = state;
	j.error = error != NULL ? error : "";
	j.sent = s->sent;
	j.their_index = -1;
	if (hn_store_write(s->n->store, out_state_job, &j, &e) != 0)
		hn_log(HN_LOG_ERROR, "evidence.transfer_state", "transfer=%s "
		    "msg=\"%s\"", s->xfer, e.message);
}

enum { SENT_OK, SENT_RETRY, SENT_FINAL };

/*
 * Signs and posts one object; *st and resp (JSON or receipt) set.
 * SENT_RETRY: network, 5xx, 429 (try again later); SENT_FINAL: another
 * 4xx (reason in why); SENT_OK: 2xx or a 409 that carries an offset.
 */
static int
post(struct sender *s, const char *method, const char *path, json_t *pl,
    long *st, struct hn_buf *resp, char *why, size_t whylen)
{
	struct hn_buf obj = HN_BUF_INIT(HN_EVW_MAX);
	struct hn_error e;
	char ts[HN_TIME_LEN + 1];
	const char *dump = hn_hook_str(HN_HOOK_XFER_DUMP);
	json_t *ej;
	int rc;

	hn_error_clear(&e);
	hn_time_format(ts, (int64_t)time(NULL));
	json_object_set_new(pl, "v", json_integer(1));
	json_object_set_new(pl, "transfer", json_string(s->xfer));
	json_object_set_new(pl, "sender", json_string(hn_fed_self(s->f)));
	json_object_set_new(pl, "recipient", json_string(s->to));
	json_object_set_new(pl, "time", json_string(ts));
	if ((rc = hn_fed_evidence_sign(s->f, pl, &obj)) != 0) {
		snprintf(why, whylen, "cannot sign: %s", hn_strerror(rc));
		hn_buf_release(&obj);
		return SENT_FINAL;
	}
	if (dump != NULL) {
		/* tests: keep what went on the wire */
		char fn[4200];
		json_t *o = json_object_get(pl, "offset");

		if (snprintf(fn, sizeof(fn), "%s/%s-%lld", dump,
		    hn_json_str(pl, "op"), o ? (long long)json_integer_value(o) :
		    0LL) < (int)sizeof(fn))
			(void)hn_file_write_atomic(fn, obj.data, obj.len, 0600);
	}
	hn_buf_reset(resp);
	rc = hn_client_request(s->pc, method, path,
	    "application/vnd.hanoinet.evidence", obj.data, obj.len,
	    hn_fed_timeout_ms(s->f), st, resp, &e);
	hn_buf_release(&obj);
	if (rc != 0) {
		snprintf(why, whylen, "%s", msg_of(&e, rc));
		return SENT_RETRY;
	}
	if (*st >= 200 && *st < 300)
		return SENT_OK;
	if (*st >= 500 || *st == 429) {
		snprintf(why, whylen, "HTTP %ld", *st);
		return SENT_RETRY;
	}
	ej = hn_json_parse(resp->data ? resp->data : "", resp->len, RESP_MAX,
	    4, NULL);
	if (*st == 409 && json_is_integer(json_object_get(ej, "offset")) &&
	    strcmp(hn_json_str(ej, "error") ? hn_json_str(ej, "error") : "",
	    "offset_mismatch") == 0) {
		json_decref(ej);
		return SENT_OK;
	}
	snprintf(why, whylen, "%ld %s: %s", *st,
	    hn_json_str(ej, "error") ? hn_json_str(ej, "error") : "error",
	    hn_json_str(ej, "message") ? hn_json_str(ej, "message") : "");
	json_decref(ej);
	return SENT_FINAL;
}

static int
resp_offset(const struct hn_buf *b, uint64_t *off, char *state, size_t sl)
{
	json_t *j = hn_json_parse(b->data ? b->data : "", b->len, RESP_MAX, 4,
	    NULL);
	json_t *o = json_object_get(j, "offset");
	int r = HN_EPARSE;

	if (json_is_integer(o) && json_integer_value(o) >= 0) {
		*off = (uint64_t)json_integer_value(o);
		if (state != NULL)
			snprintf(state, sl, "%s", hn_json_str(j, "state") ?
			    hn_json_str(j, "state") : "");
		r = 0;
	}
	json_decref(j);
	return r;
}

/* Reads sealed-stream bytes [off, off + n): the re-wrapped header, then
 * the stored body. */
static int
piece(int fd, const uint8_t hdr[HN_SEAL_HEADER_LEN], uint64_t off,
    uint8_t *buf, size_t n)
{
	size_t done = 0, h;
	ssize_t k;

	if (off < HN_SEAL_HEADER_LEN) {
		h = HN_SEAL_HEADER_LEN - (size_t)off;
		if (h > n)
			h = n;
		memcpy(buf, hdr + off, h);
		done = h;
	}
	while (done < n) {
		k = pread(fd, buf + done, n - done, (off_t)(off + done));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return HN_EIO;
		done += (size_t)k;
	}
	return 0;
}

/*
 * Tests (HN_HOOK_XFER_HOLD_AFTER): the sender holds between two pieces
 * until the file named by HN_HOOK_XFER_RELEASE exists (until the node
 * stops, if unset), so that a test can kill either node while a known
 * number of bytes is held by the recipient, whatever the machine's
 * speed. 1 if the node stops meanwhile.
 */
static int
hold(void)
{
	const char *rel = hn_hook_str(HN_HOOK_XFER_RELEASE);

	while (rel == NULL || access(rel, F_OK) != 0)
		if (pause_ms(50))
			return 1;
	return 0;
}

static void
progress(struct sender *s)
{
	pthread_mutex_lock(&snd.mu);
	snd.sent[s->slot] = s->sent;
	pthread_mutex_unlock(&snd.mu);
}

static int
send_all(struct sender *s, char *why, size_t whylen)
{
	struct hn_buf resp = HN_BUF_INIT(RESP_MAX);
	struct hn_receipt *rcpt = NULL;
	struct out_state_job aj;
	struct hn_error e;
	char path[HN_BLOB_PATH_MAX], state[32], url[128], rsha[65];
	uint8_t hdr[HN_SEAL_HEADER_LEN], in[HN_SEAL_HEADER_LEN], md[32];
	uint8_t *buf = NULL;
	char *b64 = NULL;
	long st = 0, delay = 200, stop_after, hold_after;
	uint64_t off = 0;
	int fd = -1, attempts = 0, pieces = 0, k, rc = SENT_FINAL;
	json_t *pl;

	hn_error_clear(&e);
	stop_after = hn_hook_int(HN_HOOK_XFER_STOP_AFTER);
	hold_after = hn_hook_int(HN_HOOK_XFER_HOLD_AFTER);
	/* never send an object that does not verify */
	if ((rc = hn_blob_verify(hn_ev_blobs(), s->it.sha256, hn_ev_keys(),
	    NULL, &e)) != 0) {
		snprintf(why, whylen, "the stored object does not verify: %s",
		    e.message);
		return SENT_FINAL;
	}
	if ((rc = hn_blob_path(path, sizeof(path), hn_ev_blobs(),
	    s->it.sha256)) != 0 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    hn_fd_read_full(fd, in, sizeof(in)) != (ssize_t)sizeof(in) ||
	    hn_seal_rewrap(hdr, in, hn_ev_keys(), s->peer.pk) != 0) {
		snprintf(why, whylen, "cannot read or re-wrap the object");
		rc = SENT_FINAL;
		goto out;
	}
	hn_wipe(in, sizeof(in));
	if ((buf = malloc(HN_EVW_PIECE)) == NULL ||
	    (b64 = malloc(hn_b64_len(HN_EVW_PIECE))) == NULL) {
		snprintf(why, whylen, "out of memory");
		rc = SENT_RETRY;
		goto out;
	}
	for (;;) {
		if (attempts > 0) {
			if (attempts >= ATTEMPTS_MAX) {
				rc = SENT_RETRY;
				goto out;
			}
			hn_log(HN_LOG_INFO, "evidence.transfer_retry",
			    "transfer=%s to=%s sent=%llu attempts=%d in_ms=%ld "
			    "msg=\"%s\"", s->xfer, s->to,
			    (unsigned long long)s->sent, attempts, delay, why);
			if (pause_ms(delay)) {
				snprintf(why, whylen, "the node stopped");
				rc = SENT_RETRY;
				goto out;
			}
			delay = delay * 2 > 3200 ? 3200 : delay * 2;
		}
		attempts++;
		/* where does the recipient stand? */
		pl = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:s}", "op", "offer",
		    "request", hn_hook_str(HN_HOOK_XFER_REQUEST) != NULL ?
		    hn_hook_str(HN_HOOK_XFER_REQUEST) : s->request,
		    "name", s->it.name,
		    "description", s->it.description, "sha256",
		    hn_hook_on(HN_HOOK_XFER_WRONG_SHA) ?
		    "0000000000000000000000000000000000000000000000000000000000000000" :
		    s->it.sha256, "size", (json_int_t)s->it.size,
		    "sealed_size", (json_int_t)s->total, "conditions",
		    s->it.conditions);
		if (pl == NULL) {
			rc = SENT_RETRY;
			continue;
		}
		k = post(s, "POST", "/v1/evidence/incoming", pl, &st, &resp, why,
		    whylen);
		json_decref(pl);
		if (k == SENT_FINAL) {
			rc = k;
			goto out;
		}
		if (k == SENT_RETRY)
			continue;
		if (resp_offset(&resp, &off, state, sizeof(state)) != 0 ||
		    off > s->total) {
			snprintf(why, whylen, "the recipient's answer has no "
			    "offset");
			rc = SENT_FINAL;
			goto out;
		}
		if (off > 0)
			hn_log(HN_LOG_INFO, "evidence.transfer_resume",
			    "transfer=%s to=%s offset=%llu of=%llu", s->xfer,
			    s->to, (unsigned long long)off,
			    (unsigned long long)s->total);
		s->sent = off;
		progress(s);
		k = SENT_OK;
		while (off < s->total && strcmp(state, "verified") != 0) {
			size_t n = s->total - off < HN_EVW_PIECE ?
			    (size_t)(s->total - off) : HN_EVW_PIECE;

			if (stop_after > 0 && pieces >= stop_after) {
				snprintf(why, whylen, "stopped for a test "
				    "after %d pieces", pieces);
				rc = SENT_RETRY;
				goto out;
			}
			if (hold_after > 0 && pieces >= hold_after) {
				hold_after = 0; /* once */
				if (hold()) {
					snprintf(why, whylen, "the node "
					    "stopped");
					rc = SENT_RETRY;
					goto out;
				}
			}
			if (piece(fd, hdr, off, buf, n) != 0) {
				snprintf(why, whylen, "cannot read the object");
				rc = SENT_FINAL;
				goto out;
			}
			hn_b64_encode(b64, buf, n);
			pl = json_pack("{s:s,s:I,s:s}", "op", "chunk", "offset",
			    (json_int_t)off, "data", b64);
			if (pl == NULL) {
				k = SENT_RETRY;
				break;
			}
			snprintf(url, sizeof(url), "/v1/evidence/incoming/%s",
			    s->xfer);
			k = post(s, "POST", url, pl, &st, &resp, why, whylen);
			json_decref(pl);
			if (k != SENT_OK)
				break;
			if (resp_offset(&resp, &off, NULL, 0) != 0 ||
			    off > s->total) {
				snprintf(why, whylen, "the recipient's answer "
				    "has no offset");
				rc = SENT_FINAL;
				goto out;
			}
			pieces++;
			s->sent = off;
			progress(s);
			attempts = 1;
			delay = 200;
		}
		if (k == SENT_FINAL) {
			rc = k;
			goto out;
		}
		if (k == SENT_RETRY)
			continue;
		/* every byte is there: the recipient verifies and receipts */
		pl = json_pack("{s:s}", "op", "finish");
		snprintf(url, sizeof(url), "/v1/evidence/incoming/%s/finish",
		    s->xfer);
		k = post(s, "POST", url, pl, &st, &resp, why, whylen);
		json_decref(pl);
		if (k == SENT_FINAL) {
			rc = k;
			goto out;
		}
		if (k == SENT_RETRY)
			continue;
		if (st == 409) {
			snprintf(why, whylen, "the recipient lacks bytes at "
			    "finish");
			continue;
		}
		break;
	}
	/* the receipt must be the recipient's, about this transfer */
	if (hn_fed_receipt_check(s->f, resp.data ? resp.data : "", resp.len,
	    &rcpt, &e) != 0 || strcmp(rcpt->message_id, s->xfer) != 0 ||
	    strcmp(rcpt->sender, hn_fed_self(s->f)) != 0 ||
	    strcmp(rcpt->recipient, s->to) != 0 || resp.len >
	    HN_XFER_RECEIPT_MAX) {
		snprintf(why, whylen, "the receipt does not verify: %s",
		    e.message[0] ? e.message : "wrong transfer or parties");
		rc = SENT_FINAL;
		goto out;
	}
	hn_sha256(resp.data, resp.len, md);
	hn_hex_encode(rsha, md, 32);
	if (hn_buf_add(&resp, "", 1) != 0) {
		rc = SENT_RETRY;
		goto out;
	}
	memset(&aj, 0, sizeof(aj));
	aj.xfer = s->xfer;
	aj.state = "acknowledged";
	aj.error = "";
	aj.receipt = resp.data;
	aj.sent = s->total;
	aj.their_index = (int64_t)rcpt->ledger_index;
	aj.acked_at = (int64_t)time(NULL);
	aj.it = &s->it;
	aj.to = s->to;
	aj.receipt_sha = rsha;
	if (hn_store_write(s->n->store, out_state_job, &aj, &e) != 0) {
		snprintf(why, whylen, "cannot record the receipt: %s",
		    e.message);
		rc = SENT_RETRY;
		goto out;
	}
	s->sent = s->total;
	hn_log(HN_LOG_INFO, "evidence.transfer_acknowledged", "transfer=%s "
	    "item=%lld to=%s their_index=%llu", s->xfer, (long long)s->it.id,
	    s->to, (unsigned long long)rcpt->ledger_index);
	rc = SENT_OK;
out:
	hn_receipt_free(rcpt);
	if (fd >= 0)
		close(fd);
	free(buf);
	free(b64);
	hn_buf_release(&resp);
	return rc;
}

static void *
sender_main(void *arg)
{
	struct sender *s = arg;
	char why[HN_EV_TEXT_MAX];
	int rc;

	why[0] = '\0';
	rc = send_all(s, why, sizeof(why));
	if (rc == SENT_FINAL) {
		hn_log(HN_LOG_WARN, "evidence.transfer_failed", "transfer=%s "
		    "to=%s msg=\"%s\"", s->xfer, s->to, why);
		set_state(s, "failed", why);
	} else if (rc == SENT_RETRY) {
		hn_log(HN_LOG_WARN, "evidence.transfer_interrupted",
		    "transfer=%s to=%s sent=%llu msg=\"%s\"", s->xfer, s->to,
		    (unsigned long long)s->sent, why);
		set_state(s, "interrupted", why);
	}
	hn_client_free(s->pc);
	pthread_mutex_lock(&snd.mu);
	snd.xfer[s->slot][0] = '\0';
	snd.running--;
	pthread_cond_broadcast(&snd.cv);
	pthread_mutex_unlock(&snd.mu);
	free(s);
	return NULL;
}

void
hn_evxfer_stop(void)
{
	pthread_mutex_lock(&snd.mu);
	snd.stopping = 1;
	pthread_cond_broadcast(&snd.cv);
	while (snd.running > 0)
		pthread_cond_wait(&snd.cv, &snd.mu);
	pthread_mutex_unlock(&snd.mu);
}

/* 1 if xfer is being sent right now. */
static int
active(const char *xfer, uint64_t *sent)
{
	int i, a = 0;

	pthread_mutex_lock(&snd.mu);
	for (i = 0; i < SENDERS_MAX; i++) {
		if (strcmp(snd.xfer[i], xfer) == 0) {
			a = 1;
			if (sent != NULL)
				*sent = snd.sent[i];
		}
	}
	pthread_mutex_unlock(&snd.mu);
	return a;
}

/* Starts the thread; HN_EBUSY if SENDERS_MAX are running. */
static int
start(struct sender *s)
{
	pthread_attr_t at;
	pthread_t th;
	int i, r;

	pthread_mutex_lock(&snd.mu);
	if (snd.stopping) {
		pthread_mutex_unlock(&snd.mu);
		return HN_EBUSY;
	}
	for (i = 0; i < SENDERS_MAX && snd.xfer[i][0] != '\0'; i++)
		;
	if (i == SENDERS_MAX) {
		pthread_mutex_unlock(&snd.mu);
		return HN_EBUSY;
	}
	s->slot = i;
	snprintf(snd.xfer[i], sizeof(snd.xfer[i]), "%s", s->xfer);
	snd.sent[i] = s->sent;
	snd.running++;
	pthread_mutex_unlock(&snd.mu);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	r = pthread_create(&th, &at, sender_main, s);
	pthread_attr_destroy(&at);
	if (r != 0) {
		pthread_mutex_lock(&snd.mu);
		snd.xfer[i][0] = '\0';
		snd.running--;
		pthread_mutex_unlock(&snd.mu);
		return HN_EBUSY;
	}
	return 0;
}

struct begin_job {
	struct hn_xfer_out t;
	const struct hn_evidence_item *it;
	const char *actor, *reason, *sealed_for;
	int resume;
	int64_t index;
};

static int
begin_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct begin_job *j = arg;
	struct hn_custody_event *evs = NULL;
	struct hn_custody c;
	size_t n = 0;
	json_t *d;
	int r;

	if (j->resume)
		return hn_xfer_out_update(db, j->t.xfer, "sending", j->t.sent, "",
		    -1, NULL, 0);
	if ((r = hn_xfer_out_insert(db, &j->t)) != 0)
		return r;
	hn_ev_custody(&c, db);
	if ((d = json_pack("{s:s,s:s,s:s,s:s,s:I}", "recipient", j->t.peer,
	    "conditions", j->t.conditions, "transfer", j->t.xfer, "sealed_for",
	    j->sealed_for, "sealed_size", (json_int_t)j->t.total)) == NULL)
		return HN_ENOMEM;
	/* onward, for another request than the item's (art. 36) */
	if (j->t.request_id[0] != '\0')
		json_object_set_new(d, "request", json_string(j->t.request_id));
	r = hn_custody_event_tx(&c, j->it, "transfer_out", j->t.created_at,
	    j->actor, j->reason, d, err);
	json_decref(d);
	if (r == 0 && hn_custody_list(db, j->it->id, &evs, &n) == 0 && n > 0)
		j->index = evs[n - 1].ledger_index;
	free(evs);
	return r;
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
	struct sender *s = NULL;
	struct begin_job bj;
	struct hn_xfer_out prev;
	struct hn_error e;
	struct hn_db *db;
	struct stat sb;
	const char *to, *cond, *why, *req;
	char path[HN_BLOB_PATH_MAX];
	uint8_t rnd[16];
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
		hn_log(HN_LOG_WARN, "evidence.transfer_refused", "item=%lld "
		    "to=%s origin=%s reason=art36", (long long)it.id, to,
		    it.origin);
		rc = hn_resp_error(r, 403, "forbidden", "to", "36",
		    "art. 36: %s was received from %s; sending it on needs "
		    "that State's authorisation, which is not recorded",
		    it.name, it.origin);
		goto out;
	}
	{
		char other[4];

		/* its evidence goes to the other party of its request, once
		 * that party holds the request too (one id on both nodes) */
		rc = request_party(r, req, 1, other);
		if (rc == HN_ENOTFOUND) {
			rc = hn_resp_error(r, 404, "not_found", "request", "40",
			    "request %s: no such request on this node", req);
			goto out;
		}
		if (rc != 0 && rc != HN_ESTATE)
			goto fail;
		if (strcmp(other, to) != 0) {
			rc = hn_resp_error(r, 400, "validation_failed", "to",
			    NULL, "request %s is with %s: its evidence goes to "
			    "%s, not %s", req, other, other, to);
			goto out;
		}
		if (rc == HN_ESTATE) {
			rc = hn_resp_error(r, 409, "conflict", "request", "40",
			    "request %s has not reached %s over the network "
			    "(not sent, not yet receipted, or registered from "
			    "writing): %s would not know it; its evidence can "
			    "follow once it does", req, to, to);
			goto out;
		}
	}
	if ((rc = hn_ev_setup(r->node, &e)) != 0) {
		rc = hn_resp_error(r, 503, "unavailable", NULL, NULL, "%s",
		    e.message);
		goto out;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		rc = hn_resp_error(r, 503, "unavailable", NULL, NULL,
		    "out of memory");
		goto out;
	}
	s->n = r->node;
	s->f = f;
	s->it = it;
	snprintf(s->request, sizeof(s->request), "%s", req);
	snprintf(s->to, sizeof(s->to), "%s", to);
	if (strcmp(to, hn_fed_self(f)) == 0) {
		rc = hn_resp_error(r, 400, "validation_failed", "to", NULL,
		    "to: not this node's own party");
		goto out;
	}
	rc = hn_fed_party_copy(f, to, r->now, &s->peer);
	if (rc == HN_ESTATE) {
		rc = hn_resp_error(r, 503, "stale_directory", NULL, NULL,
		    "this node holds no unexpired directory");
		goto out;
	}
	if (rc != 0) {
		rc = hn_resp_error(r, 400, "validation_failed", "to", NULL,
		    "%s is not in the directory of nodes", to);
		goto out;
	}
	if (hn_blob_path(path, sizeof(path), hn_ev_blobs(), it.sha256) != 0 ||
	    stat(path, &sb) != 0) {
		rc = hn_resp_error(r, 500, "evidence_missing", NULL, NULL,
		    "the stored object of item %lld is missing",
		    (long long)it.id);
		goto out;
	}
	s->total = (uint64_t)sb.st_size;
	memset(&bj, 0, sizeof(bj));
	if ((rc = hn_req_db(r, &db)) != 0)
		goto fail;
	rc = hn_xfer_out_latest(db, it.id, to, &prev);
	if (rc != 0 && rc != HN_ENOTFOUND)
		goto fail;
	if (rc == 0 && strcmp(prev.request_id[0] != '\0' ? prev.request_id :
	    it.request_id, req) != 0)
		rc = HN_ENOTFOUND; /* that one answered another request */
	if (rc == 0 && strcmp(prev.state, "acknowledged") == 0) {
		rc = hn_resp_json(r, 200, json_pack("{s:s,s:I,s:s,s:s,s:I,s:I}",
		    "transfer", prev.xfer, "item", (json_int_t)it.id, "to", to,
		    "state", "acknowledged", "total", (json_int_t)prev.total,
		    "their_ledger_index", (json_int_t)prev.their_index));
		goto out;
	}
	if (rc == 0 && strcmp(prev.state, "failed") != 0 &&
	    prev.total == s->total) {
		/* resume: the recipient says how much it holds */
		if (active(prev.xfer, NULL)) {
			rc = hn_resp_json(r, 202, json_pack("{s:s,s:I,s:s,s:s,"
			    "s:I}", "transfer", prev.xfer, "item",
			    (json_int_t)it.id, "to", to, "state", "sending",
			    "total", (json_int_t)prev.total));
			goto out;
		}
		bj.resume = 1;
		bj.t = prev;
		snprintf(s->it.conditions, sizeof(s->it.conditions), "%s",
		    prev.conditions);
	} else {
		hn_random(rnd, sizeof(rnd));
		hn_hex_encode(bj.t.xfer, rnd, sizeof(rnd));
		bj.t.item_id = it.id;
		snprintf(bj.t.peer, sizeof(bj.t.peer), "%s", to);
		snprintf(bj.t.conditions, sizeof(bj.t.conditions), "%s",
		    cond != NULL ? cond : "");
		snprintf(bj.t.state, sizeof(bj.t.state), "sending");
		bj.t.total = s->total;
		bj.t.created_at = r->now;
		if (strcmp(req, it.request_id) != 0)
			snprintf(bj.t.request_id, sizeof(bj.t.request_id), "%s",
			    req);
		/* the art. 36 conditions of this transfer travel with it */
		snprintf(s->it.conditions, sizeof(s->it.conditions), "%s",
		    bj.t.conditions);
	}
	bj.it = &it;
	bj.actor = r->who.name;
	bj.reason = why != NULL ? why : "";
	bj.sealed_for = s->peer.signing_key;
	bj.index = -1;
	snprintf(s->xfer, sizeof(s->xfer), "%s", bj.t.xfer);
	if ((rc = hn_store_write(r->node->store, begin_job, &bj, &e)) != 0)
		goto fail;
	if ((rc = hn_fed_client_new(f, &s->peer, &s->pc, &e)) != 0)
		goto fail;
	if ((rc = start(s)) != 0) {
		hn_client_free(s->pc);
		rc = hn_resp_error(r, 503, "unavailable", NULL, NULL,
		    "too many transfers in progress; the transfer %s is "
		    "recorded and resumes when asked again", bj.t.xfer);
		goto out;
	}
	hn_log(HN_LOG_INFO, "evidence.transfer_started", "transfer=%s "
	    "item=%lld to=%s by=%s resume=%d", bj.t.xfer, (long long)it.id, to,
	    r->who.name, bj.resume);
	rc = hn_resp_json(r, 202, json_pack("{s:s,s:I,s:s,s:s,s:I,s:I}",
	    "transfer", bj.t.xfer, "item", (json_int_t)it.id, "to", to, "state",
	    "sending", "total", (json_int_t)s->total, "ledger_index",
	    (json_int_t)bj.index));
	s = NULL; /* the thread owns it */
	goto out;
fail:
	if (e.code == 0)
		e.code = rc;
	rc = hn_resp_err(r, &e);
out:
	if (s != NULL)
		hn_client_free(s->pc);
	free(s);
	json_decref(body);
	return rc;
}

void
hn_evxfer_resume(struct hn_node *n, int64_t now)
{
	struct hn_fed *f = hn_fednode_fed(n);
	struct hn_xfer_out *v = NULL;
	struct sender **ss = NULL;
	struct hn_db *db = NULL;
	struct hn_error e;
	char path[HN_BLOB_PATH_MAX];
	struct stat sb;
	size_t cnt = 0, i, k = 0;

	hn_error_clear(&e);
	if (f == NULL || hn_ev_setup(n, &e) != 0 ||
	    hn_store_reader(n->store, &db, NULL) != 0)
		return;
	if (hn_xfer_out_pending(db, &v, &cnt) != 0 || cnt == 0 ||
	    (ss = calloc(cnt, sizeof(*ss))) == NULL)
		goto out;
	for (i = 0; i < cnt; i++) {
		struct sender *s;

		if (active(v[i].xfer, NULL) || strlen(v[i].peer) != 3 ||
		    (s = calloc(1, sizeof(*s))) == NULL)
			continue;
		s->n = n;
		s->f = f;
		snprintf(s->xfer, sizeof(s->xfer), "%s", v[i].xfer);
		memcpy(s->to, v[i].peer, 4);
		if (hn_evidence_get(db, v[i].item_id, &s->it) != 0 ||
		    s->it.deleted_at != 0 ||
		    hn_evidence_onward_allowed(&s->it) != 0 ||
		    hn_fed_party_copy(f, s->to, now, &s->peer) != 0 ||
		    hn_blob_path(path, sizeof(path), hn_ev_blobs(),
		    s->it.sha256) != 0 || stat(path, &sb) != 0 ||
		    (uint64_t)sb.st_size != v[i].total) {
			free(s);
			continue;
		}
		s->total = v[i].total;
		s->sent = v[i].sent;
		snprintf(s->request, sizeof(s->request), "%s",
		    v[i].request_id[0] != '\0' ? v[i].request_id :
		    s->it.request_id);
		snprintf(s->it.conditions, sizeof(s->it.conditions), "%s",
		    v[i].conditions);
		ss[k++] = s;
	}
out:
	hn_store_release(n->store, db);
	for (i = 0; i < k; i++) {
		struct sender *s = ss[i];
		struct out_state_job j;

		memset(&j, 0, sizeof(j));
		j.xfer = s->xfer;
		j.state = "sending";
		j.error = "";
		j.sent = s->sent;
		j.their_index = -1;
		if (hn_store_write(n->store, out_state_job, &j, &e) != 0) {
			free(s);
			continue;
		}
		if (hn_fed_client_new(f, &s->peer, &s->pc, &e) != 0 ||
		    start(s) != 0) {
			hn_client_free(s->pc);
			free(s);
			continue;
		}
		hn_log(HN_LOG_INFO, "evidence.transfer_started", "transfer=%s "
		    "item=%lld to=%s by=node resume=1", s->xfer,
		    (long long)s->it.id, s->to);
	}
	free(ss);
	free(v);
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
		int live = v[i].xfer[0] != '\0' && active(v[i].xfer, &sent);

		hn_time_rfc3339(ts, v[i].created_at);
		hn_time_rfc3339(ta, v[i].acked_at);
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
