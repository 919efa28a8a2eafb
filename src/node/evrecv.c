/*
 * evrecv.c - the receiving side of an evidence transfer (node/evrecv.h):
 * the checks of an offer, the staging file, finishing into an item with
 * its custody and ledger entries, the signed receipt. No HTTP:
 * net/api_evxfer.c.
 */
#include "node/evrecv.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fed/envelope.h"
#include "fed/evwire.h"
#include "node/custody.h"
#include "node/evidence.h"
#include "node/node.h"
#include "store/blob.h"
#include "store/evidence.h"
#include "store/store.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/diag.h"

/* Serialises writes to the staging files. */
static pthread_mutex_t in_mu = PTHREAD_MUTEX_INITIALIZER;

static const char *
msg_of(const struct hn_error *e, int rc)
{
	return e->message[0] != '\0' ? e->message : hn_strerror(rc);
}

/* err->code = rc (the caller's response names the code), rc returned. */
static int
fail(struct hn_error *err, int rc)
{
	if (err != NULL && err->code == 0)
		err->code = rc;
	return rc;
}

static int
stage_path(char *out, size_t max, const char *sender, const char *xfer)
{
	return hn_fmt(out, max, "%s/incoming/%s-%s.part", hn_ev_blobs(), sender,
	    xfer);
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

static int
held_locked(const char *sender, const char *xfer, uint64_t sealed,
    uint64_t *off)
{
	char path[HN_BLOB_PATH_MAX];
	int rc;

	if ((rc = stage_path(path, sizeof(path), sender, xfer)) != 0)
		return rc;
	pthread_mutex_lock(&in_mu);
	rc = held(path, sealed, off);
	pthread_mutex_unlock(&in_mu);
	return rc;
}

static void
answer(struct hn_evrecv_answer *ans, enum hn_evrecv_refusal refused,
    const char *state, uint64_t offset)
{
	ans->refused = refused;
	HN_FMT_FIXED(ans->state, sizeof(ans->state), "%s", state);
	ans->offset = offset;
}

static int
in_insert_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	(void)err;
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

	(void)err;
	return hn_xfer_in_update(db, j->sender, j->xfer, j->state, j->error,
	    j->item, j->receipt);
}

/* Records why transfer (sender, xfer) failed for good (best effort: the
 * answer says so either way). */
static void
set_failed(struct hn_node *n, const char *sender, const char *xfer,
    const char *why)
{
	struct in_state_job sj;

	memset(&sj, 0, sizeof(sj));
	sj.sender = sender;
	sj.xfer = xfer;
	sj.state = "failed";
	sj.error = why;
	(void)hn_store_write(n->store, in_state_job, &sj, NULL);
}

/* A new transfer: evidence for a request we hold, only from its other
 * party (issue 12), under a free name; its row, then its staging file. */
static int
offer_new(struct hn_node *n, struct hn_db *db, const struct hn_xfer_in *t,
    struct hn_evrecv_answer *ans, struct hn_error *err)
{
	char path[HN_BLOB_PATH_MAX], dir[HN_BLOB_PATH_MAX], other[4];
	int rc, fd;

	rc = hn_ev_request_party(db, t->request_id, 0, other);
	if (rc == HN_ENOTFOUND) {
		hn_diag(HN_DIAG_WARN, "evidence.wire_rejected",
		    "reason="
		    "unknown_request sender=%s request=%s",
		    t->sender, t->request_id);
		return hn_error_set(err, HN_ENOTFOUND, "request", "40",
		    "request %s: %s holds no such request; evidence is "
		    "transferred for a request that went between the two "
		    "States over the network",
		    t->request_id, n->party);
	}
	if (rc != 0)
		return fail(err, rc);
	if (strcmp(other, t->sender) != 0) {
		hn_diag(HN_DIAG_WARN, "evidence.wire_rejected",
		    "reason="
		    "not_a_party sender=%s request=%s",
		    t->sender, t->request_id);
		return hn_error_set(err, HN_EDENIED, "request", NULL,
		    "%s is not a party to request %s", t->sender,
		    t->request_id);
	}
	if ((rc = hn_ev_name_free(db, t->request_id, t->name, err)) != 0)
		return fail(err, rc);
	if ((rc = stage_path(path, sizeof(path), t->sender, t->xfer)) != 0)
		return fail(err, rc);
	if ((rc = hn_fmt(dir, sizeof(dir), "%s/incoming", hn_ev_blobs())) != 0)
		return fail(err, rc);
	if ((rc = hn_mkdirs(dir, 0700)) != 0 ||
	    (rc = hn_store_write(n->store, in_insert_job, (void *)t, err)) != 0)
		return fail(err, rc);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) <
	    0)
		return fail(err, HN_EIO);
	close(fd);
	hn_diag(HN_DIAG_INFO, "evidence.incoming_offer",
	    "sender=%s "
	    "transfer=%s request=%s name=%s sha256=%s size=%llu offset=0",
	    t->sender, t->xfer, t->request_id, t->name, t->sha256,
	    (unsigned long long)t->size);
	answer(ans, HN_EVRECV_NONE, "receiving", 0);
	return 0;
}

int
hn_evrecv_offer(struct hn_node *n, struct hn_db *db, const struct hn_xfer_in *t,
    struct hn_evrecv_answer *ans, struct hn_error *err)
{
	struct hn_xfer_in have;
	uint64_t off = 0;
	int rc;

	memset(ans, 0, sizeof(*ans));
	rc = hn_xfer_in_get(db, t->sender, t->xfer, &have);
	if (rc == HN_ENOTFOUND)
		return offer_new(n, db, t, ans, err);
	if (rc != 0)
		return fail(err, rc);
	if (strcmp(have.sha256, t->sha256) != 0 || have.size != t->size ||
	    have.sealed_size != t->sealed_size ||
	    strcmp(have.request_id, t->request_id) != 0 ||
	    strcmp(have.name, t->name) != 0)
		return hn_error_set(err, HN_EEXIST, "transfer", NULL,
		    "transfer %s was announced with other content", t->xfer);
	if (strcmp(have.state, "verified") == 0) {
		answer(ans, HN_EVRECV_NONE, "verified", have.sealed_size);
		return 0;
	}
	if (strcmp(have.state, "failed") == 0) {
		answer(ans, HN_EVRECV_FAILED, "failed", 0);
		hn_error_set(err, 0, "transfer", NULL, "transfer %s failed: %s",
		    t->xfer, have.error);
		return 0;
	}
	if ((rc = held_locked(t->sender, t->xfer, have.sealed_size, &off)) != 0)
		return fail(err, rc);
	hn_diag(HN_DIAG_INFO, "evidence.incoming_resume",
	    "sender=%s "
	    "transfer=%s offset=%llu of=%llu",
	    t->sender, t->xfer, (unsigned long long)off,
	    (unsigned long long)have.sealed_size);
	answer(ans, HN_EVRECV_NONE, "receiving", off);
	return 0;
}

/* Stages n bytes at off once the file holds exactly off (in_mu). */
static int
stage(const struct hn_xfer_in *t, uint64_t off, const uint8_t *buf, size_t n,
    struct hn_evrecv_answer *ans, struct hn_error *err)
{
	char path[HN_BLOB_PATH_MAX];
	uint64_t have = 0;
	int rc, fd = -1;

	if ((rc = stage_path(path, sizeof(path), t->sender, t->xfer)) != 0)
		return fail(err, rc);
	pthread_mutex_lock(&in_mu);
	if ((rc = held(path, t->sealed_size, &have)) != 0) {
		rc = fail(err, rc);
		goto out;
	}
	if (off != have) {
		answer(ans, HN_EVRECV_OFFSET, t->state, have);
		hn_error_set(err, 0, NULL, NULL,
		    "this node holds a different "
		    "number of bytes; continue from offset");
		goto out;
	}
	if (off + n > t->sealed_size ||
	    (n != HN_EVW_PIECE && off + n != t->sealed_size)) {
		answer(ans, HN_EVRECV_PIECE, t->state, have);
		hn_error_set(err, 0, "data", NULL,
		    "pieces are %u bytes, the "
		    "last one what remains of the %llu announced",
		    HN_EVW_PIECE, (unsigned long long)t->sealed_size);
		goto out;
	}
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0 ||
	    pwrite(fd, buf, n, (off_t)off) != (ssize_t)n ||
	    fdatasync(fd) != 0) {
		rc = hn_error_set(err, HN_EIO, NULL, NULL,
		    "cannot stage the "
		    "piece: %s",
		    strerror(errno));
		goto out;
	}
	answer(ans, HN_EVRECV_NONE, "receiving", off + n);
out:
	pthread_mutex_unlock(&in_mu);
	if (fd >= 0)
		close(fd);
	return rc;
}

int
hn_evrecv_chunk(struct hn_db *db, const char *sender, const char *xfer,
    uint64_t off, const char *b64, struct hn_evrecv_answer *ans,
    struct hn_error *err)
{
	struct hn_xfer_in t;
	uint8_t *buf = NULL;
	ssize_t n;
	int rc;

	memset(ans, 0, sizeof(*ans));
	rc = hn_xfer_in_get(db, sender, xfer, &t);
	if (rc == HN_ENOTFOUND) {
		answer(ans, HN_EVRECV_UNKNOWN, "", 0);
		hn_error_set(err, 0, "transfer", NULL, "no transfer %s from %s",
		    xfer, sender);
		return 0;
	}
	if (rc != 0)
		return fail(err, rc);
	if (strcmp(t.state, "receiving") != 0) {
		answer(ans, HN_EVRECV_NOT_RECEIVING, t.state, t.sealed_size);
		hn_error_set(err, 0, NULL, NULL,
		    "the transfer is not "
		    "receiving");
		return 0;
	}
	if ((buf = malloc(HN_EVW_PIECE)) == NULL)
		return fail(err, HN_ENOMEM);
	if ((n = hn_b64_decode(buf, HN_EVW_PIECE, b64, strlen(b64))) <= 0) {
		answer(ans, HN_EVRECV_PIECE, t.state, 0);
		hn_error_set(err, 0, "data", NULL,
		    "data is not base64 of 1 to "
		    "%u bytes",
		    HN_EVW_PIECE);
		rc = 0;
	} else {
		rc = stage(&t, off, buf, (size_t)n, ans, err);
	}
	free(buf);
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
	struct hn_custody_in in;
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
	if ((d = json_pack("{s:s,s:s,s:s,s:I}", "from", t->sender, "conditions",
		 t->conditions, "transfer", t->xfer, "sealed_size",
		 (json_int_t)t->sealed_size)) == NULL)
		return HN_ENOMEM;
	memset(&in, 0, sizeof(in));
	in.res = &res;
	in.request_id = t->request_id;
	in.name = t->name;
	in.description = t->description;
	in.actor = actor;
	in.at = t->created_at;
	in.sealed_for_hex = pkhex;
	in.from = t->sender;
	in.conditions = t->conditions;
	in.received = d;
	in.verified = "every chunk authenticated; SHA-256 matches the "
		      "sender's";
	/* in this write job's transaction */
	r = hn_custody_receive(&c, &in, &j->it, err);
	json_decref(d);
	if (r == 0)
		r = hn_xfer_in_update(db, t->sender, t->xfer, "verified", "",
		    j->it.id, NULL);
	return r;
}

/*
 * Every byte there: every chunk and the SHA-256 checked before anything is
 * stored or acknowledged, then the item in one write job; *item its id.
 * 0 with ans->refused set when the stream is refused or incomplete.
 */
static int
store_stream(struct hn_node *n, struct hn_xfer_in *t, int64_t now,
    int64_t *item, struct hn_evrecv_answer *ans, struct hn_error *err)
{
	char path[HN_BLOB_PATH_MAX];
	struct finish_in_job fj;
	struct hn_error e;
	uint64_t have = 0, size = 0;
	int rc, existed = 0;

	hn_error_clear(&e);
	if ((rc = stage_path(path, sizeof(path), t->sender, t->xfer)) != 0 ||
	    (rc = held_locked(t->sender, t->xfer, t->sealed_size, &have)) != 0)
		return fail(err, rc);
	if (have != t->sealed_size) {
		answer(ans, HN_EVRECV_OFFSET, t->state, have);
		hn_error_set(err, 0, NULL, NULL, "not every byte has arrived");
		return 0;
	}
	rc = hn_blob_adopt_sealed(hn_ev_blobs(), t->sha256, hn_ev_keys(), path,
	    &size, &existed, &e);
	if (rc == 0 && size != t->size)
		rc = hn_error_set(&e, HN_EVERIFY, NULL, NULL,
		    "%llu bytes of "
		    "content, %llu announced",
		    (unsigned long long)size, (unsigned long long)t->size);
	if (rc == HN_EVERIFY || rc == HN_EPARSE) {
		hn_diag(HN_DIAG_WARN, "evidence.incoming_refused",
		    "sender=%s "
		    "transfer=%s sha256=%s msg=\"%s\"",
		    t->sender, t->xfer, t->sha256, e.message);
		set_failed(n, t->sender, t->xfer, e.message);
		unlink(path);
		answer(ans, HN_EVRECV_UNVERIFIED, "failed", 0);
		hn_error_set(err, 0, "sha256", NULL,
		    "refused, nothing stored: "
		    "%s",
		    e.message);
		return 0;
	}
	if (rc != 0) {
		if (err != NULL)
			*err = e;
		return fail(err, rc);
	}
	memset(&fj, 0, sizeof(fj));
	fj.t = t;
	fj.size = size;
	fj.existed = existed;
	t->created_at = now;
	if ((rc = hn_store_write(n->store, finish_in_job, &fj, &e)) != 0) {
		hn_diag(HN_DIAG_WARN, "evidence.incoming_refused",
		    "sender=%s "
		    "transfer=%s msg=\"%s\"",
		    t->sender, t->xfer, msg_of(&e, rc));
		set_failed(n, t->sender, t->xfer, msg_of(&e, rc));
		if (err != NULL)
			*err = e;
		return fail(err, rc);
	}
	*item = fj.it.id;
	hn_diag(HN_DIAG_INFO, "evidence.received",
	    "sender=%s transfer=%s "
	    "item=%lld request=%s sha256=%s size=%llu",
	    t->sender, t->xfer, (long long)*item, t->request_id, t->sha256,
	    (unsigned long long)size);
	return 0;
}

/*
 * The signed receipt of a verified transfer (made once, stored, then
 * always the same bytes): message_id = the transfer id, ledger_index =
 * the "verified" custody entry.
 */
static int
receipt_of(struct hn_node *n, struct hn_db *db, const struct hn_xfer_in *t,
    int64_t item, int64_t now, struct hn_buf *out, struct hn_error *e)
{
	struct hn_evidence_custody *evs = NULL;
	struct hn_buf cp = HN_BUF_INIT(HN_CHECKPOINT_MAX);
	struct in_state_job j;
	int64_t index = -1;
	size_t cnt = 0, i;
	char *nul = NULL;
	int rc;

	if ((rc = hn_xfer_in_receipt(db, t->sender, t->xfer, out)) != 0)
		return rc;
	if (out->len > 0)
		return 0;
	if ((rc = hn_evidence_custody_list(db, item, &evs, &cnt)) != 0)
		return rc;
	for (i = 0; i < cnt; i++)
		if (strcmp(evs[i].action, "verified") == 0)
			index = evs[i].ledger_index;
	free(evs);
	if (index < 0)
		return hn_error_set(e, HN_EINTERNAL, NULL, NULL,
		    "no verified "
		    "entry for item %lld",
		    (long long)item);
	if ((rc = hn_node_checkpoint(n, &cp, e)) != 0)
		goto out;
	if ((rc = hn_buf_add(&cp, "", 1)) != 0)
		goto out;
	if ((rc = hn_receipt_seal(out, t->xfer, t->sender, n->party, now,
		 (uint64_t)index, cp.data, n->sk, e)) != 0)
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
	rc = hn_store_write(n->store, in_state_job, &j, e);
out:
	hn_buf_release(&cp);
	return rc;
}

int
hn_evrecv_finish(struct hn_node *n, struct hn_db *db, const char *sender,
    const char *xfer, int64_t now, struct hn_buf *receipt,
    struct hn_evrecv_answer *ans, struct hn_error *err)
{
	struct hn_xfer_in t;
	int64_t item;
	int rc;

	memset(ans, 0, sizeof(*ans));
	rc = hn_xfer_in_get(db, sender, xfer, &t);
	if (rc == HN_ENOTFOUND) {
		answer(ans, HN_EVRECV_UNKNOWN, "", 0);
		hn_error_set(err, 0, "transfer", NULL, "no transfer %s from %s",
		    xfer, sender);
		return 0;
	}
	if (rc != 0)
		return fail(err, rc);
	if (strcmp(t.state, "failed") == 0) {
		answer(ans, HN_EVRECV_FAILED, "failed", 0);
		hn_error_set(err, 0, "transfer", NULL, "transfer %s failed: %s",
		    t.xfer, t.error);
		return 0;
	}
	item = t.item_id;
	if (strcmp(t.state, "verified") != 0) {
		if ((rc = store_stream(n, &t, now, &item, ans, err)) != 0 ||
		    ans->refused != HN_EVRECV_NONE)
			return rc;
	}
	if ((rc = receipt_of(n, db, &t, item, now, receipt, err)) != 0)
		return fail(err, rc);
	answer(ans, HN_EVRECV_NONE, "verified", t.sealed_size);
	return 0;
}
