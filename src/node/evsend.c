/*
 * evsend.c - the evidence sender (node/evsend.h): records transfers as
 * work items of the delivery engine (fed/fed.h), and runs one attempt of
 * one when a delivery thread claims it: the wire objects of fed/evwire.h
 * over that thread's client (fed/client.h).
 */
#include "node/evsend.h"

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
#include "fed/client.h"
#include "fed/evwire.h"
#include "fed/fed.h"
#include "fed/retry.h"
#include "core/date.h"
#include "store/blob.h"
#include "store/evidence.h"
#include "store/evxfer.h"
#include "store/store.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/fmt.h"
#include "util/hook.h"
#include "util/json.h"
#include "util/diag.h"

#define RESP_MAX (64u << 10)
/* Pieces per attempt: a transfer gives its delivery thread back after
 * this many (and is due again at once), so that messages and other
 * transfers are not stuck behind a large item. */
#define EV_SLICE 64

static const char *
msg_of(const struct hn_error *e, int rc)
{
	return e->message[0] != '\0' ? e->message : hn_strerror(rc);
}

struct sender {
	struct hn_evsend_env env;
	struct hn_fed *f;
	char xfer[HN_XFER_ID_LEN + 1];
	char to[4];
	struct hn_evidence_item it;
	char request[HN_EV_REQUEST_MAX + 1]; /* the offer's: on both nodes */
	struct hn_dir_party peer;
	uint64_t total, sent;
	struct hn_client *pc; /* the delivery thread's (not owned) */
	int slot;
};

/* What the transfers being sent right now have sent (for the API; the
 * engine's claim, not this table, makes one thread the owner). */
#define PROGRESS_MAX 64
static struct {
	pthread_mutex_t mu;
	char xfer[PROGRESS_MAX][HN_XFER_ID_LEN + 1];
	uint64_t sent[PROGRESS_MAX];
	int held; /* tests: HN_HOOK_XFER_HOLD_AFTER held once */
} snd = { PTHREAD_MUTEX_INITIALIZER, { "" }, { 0 }, 0 };

struct out_state_job {
	const struct hn_evsend_env *env;
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
		 j->their_index, j->receipt, j->acked_at)) != 0 ||
	    j->it == NULL)
		return r;
	j->env->custody(&c, db);
	HN_FMT_FIXED(actor, sizeof(actor), "node %s", j->to);
	if ((d = json_pack("{s:s,s:s,s:I,s:s}", "recipient", j->to, "transfer",
		 j->xfer, "their_ledger_index", (json_int_t)j->their_index,
		 "receipt_sha256", j->receipt_sha)) == NULL)
		return HN_ENOMEM;
	r = hn_custody_event_tx(&c, j->it, "acknowledged", j->acked_at, actor,
	    "signed receipt: every chunk and the SHA-256 verified by the "
	    "recipient",
	    d, err);
	json_decref(d);
	return r;
}

/* OK: done; RETRY: try again after the policy's delay; FINAL: failed
 * for good; STOP: interrupted now (the node stops, a test hook); SLICE:
 * a slice sent, due again at once. */
enum { SENT_OK, SENT_RETRY, SENT_FINAL, SENT_STOP, SENT_SLICE };

/*
 * Signs and posts one object; *st and resp (JSON or receipt) set.
 * SENT_RETRY: no answer, or one worth retrying (fed/retry.h
 * hn_retry_answer); SENT_FINAL: a definite refusal (reason in why);
 * SENT_OK: 2xx, or a 409 offset_mismatch that carries the offset.
 */
static int
post(struct sender *s, const char *method, const char *path, json_t *pl,
    long *st, struct hn_buf *resp, char *why, size_t whylen)
{
	struct hn_buf obj = HN_BUF_INIT(HN_EVW_MAX);
	struct hn_error e;
	char ts[HN_TIME_STRLEN];
	const char *dump = hn_hook_str(HN_HOOK_XFER_DUMP), *code;
	json_t *ej;
	int rc;

	hn_error_clear(&e);
	hn_datetime_format((int64_t)time(NULL), ts);
	json_object_set_new(pl, "v", json_integer(1));
	json_object_set_new(pl, "transfer", json_string(s->xfer));
	json_object_set_new(pl, "sender", json_string(hn_fed_self(s->f)));
	json_object_set_new(pl, "recipient", json_string(s->to));
	json_object_set_new(pl, "time", json_string(ts));
	if ((rc = hn_fed_evidence_sign(s->f, pl, &obj)) != 0) {
		(void)hn_fmt_cut(why, whylen, "cannot sign: %s",
		    hn_strerror(rc));
		hn_buf_release(&obj);
		return SENT_FINAL;
	}
	if (dump != NULL) {
		/* tests: keep what went on the wire */
		char fn[4200];
		json_t *o = json_object_get(pl, "offset");

		if (hn_fmt(fn, sizeof(fn), "%s/%s-%lld", dump,
			hn_json_str(pl, "op"),
			o ? (long long)json_integer_value(o) : 0LL) == 0)
			(void)hn_file_write_atomic(fn, obj.data, obj.len, 0600);
	}
	hn_buf_reset(resp);
	rc = hn_client_request(s->pc, method, path,
	    "application/vnd.hanoinet.evidence", obj.data, obj.len,
	    hn_fed_timeout_ms(s->f), st, resp, &e);
	hn_buf_release(&obj);
	if (rc != 0) {
		(void)hn_fmt_cut(why, whylen, "%s", msg_of(&e, rc));
		return SENT_RETRY;
	}
	if (*st >= 200 && *st < 300)
		return SENT_OK;
	ej = hn_json_parse(resp->data ? resp->data : "", resp->len, RESP_MAX, 4,
	    NULL);
	code = hn_json_str(ej, "error");
	if (*st == 409 && json_is_integer(json_object_get(ej, "offset")) &&
	    code != NULL && strcmp(code, "offset_mismatch") == 0) {
		json_decref(ej);
		return SENT_OK;
	}
	(void)hn_fmt_cut(why, whylen, "HTTP %ld %s: %s", *st,
	    code ? code : "error",
	    hn_json_str(ej, "message") ? hn_json_str(ej, "message") : "");
	/* the outbox's rule: a definite refusal is final, a busy or
	 * confused recipient may answer later */
	rc = hn_retry_answer(*st, code) ? SENT_RETRY : SENT_FINAL;
	json_decref(ej);
	return rc;
}

static int
resp_offset(const struct hn_buf *b, uint64_t *off, char *state, size_t sl)
{
	json_t *j =
	    hn_json_parse(b->data ? b->data : "", b->len, RESP_MAX, 4, NULL);
	json_t *o = json_object_get(j, "offset");
	int r = HN_EPARSE;

	/* a state too long for state is not a state: the answer is bad */
	if (json_is_integer(o) && json_integer_value(o) >= 0 &&
	    (state == NULL ||
		hn_fmt(state, sl, "%s",
		    hn_json_str(j, "state") ? hn_json_str(j, "state") : "") ==
		    0)) {
		*off = (uint64_t)json_integer_value(o);
		r = 0;
	}
	json_decref(j);
	return r;
}

/* Reads sealed-stream bytes [off, off + n): the re-wrapped header, then
 * the stored body. */
static int
piece(int fd, const uint8_t hdr[HN_SEAL_HEADER_LEN], uint64_t off, uint8_t *buf,
    size_t n)
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
hold(struct hn_fed *f)
{
	const char *rel = hn_hook_str(HN_HOOK_XFER_RELEASE);

	while (rel == NULL || access(rel, F_OK) != 0)
		if (hn_fed_pause(f, 50))
			return 1;
	return 0;
}

static void
progress(struct sender *s)
{
	pthread_mutex_lock(&snd.mu);
	if (s->slot >= 0)
		snd.sent[s->slot] = s->sent;
	pthread_mutex_unlock(&snd.mu);
}

/* Enters s in the progress table (slot -1 if full: not shown). */
static void
progress_enter(struct sender *s)
{
	int i;

	pthread_mutex_lock(&snd.mu);
	for (i = 0; i < PROGRESS_MAX && snd.xfer[i][0] != '\0'; i++)
		;
	s->slot = i < PROGRESS_MAX ? i : -1;
	if (s->slot >= 0) {
		memcpy(snd.xfer[i], s->xfer, sizeof(snd.xfer[i]));
		snd.sent[i] = s->sent;
	}
	pthread_mutex_unlock(&snd.mu);
}

static void
progress_leave(struct sender *s)
{
	pthread_mutex_lock(&snd.mu);
	if (s->slot >= 0)
		snd.xfer[s->slot][0] = '\0';
	pthread_mutex_unlock(&snd.mu);
}

/* One sending run's state: the object, its re-wrapped header, buffers. */
struct run {
	int fd;
	uint8_t hdr[HN_SEAL_HEADER_LEN];
	uint8_t *buf;
	char *b64;
	struct hn_buf resp;
	long st;
	int pieces;
	long stop_after, hold_after; /* tests */
};

/* Asks the recipient where it stands: *off, state. */
static int
offer(struct sender *s, struct run *a, uint64_t *off, char *state, size_t sl,
    char *why, size_t whylen)
{
	json_t *pl;
	int k;

	pl = json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:s}", "op", "offer",
	    "request",
	    hn_hook_str(HN_HOOK_XFER_REQUEST) != NULL ?
		hn_hook_str(HN_HOOK_XFER_REQUEST) :
		s->request,
	    "name", s->it.name, "description", s->it.description, "sha256",
	    hn_hook_on(HN_HOOK_XFER_WRONG_SHA) ?
		"0000000000000000000000000000000000000000000000000000000000000000" :
		s->it.sha256,
	    "size", (json_int_t)s->it.size, "sealed_size", (json_int_t)s->total,
	    "conditions", s->it.conditions);
	if (pl == NULL) {
		(void)hn_fmt_cut(why, whylen, "out of memory");
		return SENT_RETRY;
	}
	k = post(s, "POST", "/v1/evidence/incoming", pl, &a->st, &a->resp, why,
	    whylen);
	json_decref(pl);
	if (k != SENT_OK)
		return k;
	if (resp_offset(&a->resp, off, state, sl) != 0 || *off > s->total) {
		(void)hn_fmt_cut(why, whylen,
		    "the recipient's answer has no offset");
		return SENT_FINAL;
	}
	if (*off > 0)
		hn_diag(HN_DIAG_INFO, "evidence.transfer_resume",
		    "transfer=%s to=%s offset=%llu of=%llu", s->xfer, s->to,
		    (unsigned long long)*off, (unsigned long long)s->total);
	return SENT_OK;
}

/* Sends the pieces from *off to the end; *progressed if any was taken. */
static int
pieces(struct sender *s, struct run *a, uint64_t *off, int *progressed,
    char *why, size_t whylen)
{
	char url[128];
	json_t *pl;
	int k;

	HN_FMT_FIXED(url, sizeof(url), "/v1/evidence/incoming/%s", s->xfer);
	while (*off < s->total) {
		size_t n = s->total - *off < HN_EVW_PIECE ?
		    (size_t)(s->total - *off) :
		    HN_EVW_PIECE;

		if (a->stop_after > 0 && a->pieces >= a->stop_after) {
			(void)hn_fmt_cut(why, whylen,
			    "stopped for a test after %d "
			    "pieces",
			    a->pieces);
			return SENT_STOP;
		}
		if (a->hold_after > 0 && a->pieces >= a->hold_after &&
		    !__atomic_exchange_n(&snd.held, 1, __ATOMIC_ACQ_REL)) {
			if (hold(s->f)) {
				(void)hn_fmt_cut(why, whylen,
				    "the node stopped");
				return SENT_STOP;
			}
		}
		if (hn_fed_stopping(s->f)) {
			(void)hn_fmt_cut(why, whylen, "the node stopped");
			return SENT_STOP;
		}
		if (a->pieces >= EV_SLICE)
			return SENT_SLICE;
		if (piece(a->fd, a->hdr, *off, a->buf, n) != 0) {
			(void)hn_fmt_cut(why, whylen, "cannot read the object");
			return SENT_FINAL;
		}
		hn_b64_encode(a->b64, a->buf, n);
		pl = json_pack("{s:s,s:I,s:s}", "op", "chunk", "offset",
		    (json_int_t)*off, "data", a->b64);
		if (pl == NULL) {
			(void)hn_fmt_cut(why, whylen, "out of memory");
			return SENT_RETRY;
		}
		k = post(s, "POST", url, pl, &a->st, &a->resp, why, whylen);
		json_decref(pl);
		if (k != SENT_OK)
			return k;
		if (resp_offset(&a->resp, off, NULL, 0) != 0 ||
		    *off > s->total) {
			(void)hn_fmt_cut(why, whylen,
			    "the recipient's answer has no "
			    "offset");
			return SENT_FINAL;
		}
		a->pieces++;
		s->sent = *off;
		progress(s);
		*progressed = 1;
	}
	return SENT_OK;
}

/* One attempt: offer, the pieces the recipient lacks, finish. SENT_OK
 * with the receipt in a->resp. */
static int
attempt(struct sender *s, struct run *a, int *progressed, char *why,
    size_t whylen)
{
	char state[32], url[128];
	uint64_t off = 0;
	json_t *pl;
	int k;

	if ((k = offer(s, a, &off, state, sizeof(state), why, whylen)) !=
	    SENT_OK)
		return k;
	s->sent = off;
	progress(s);
	if (strcmp(state, "verified") != 0 &&
	    (k = pieces(s, a, &off, progressed, why, whylen)) != SENT_OK)
		return k;
	/* every byte is there: the recipient verifies and receipts */
	if ((pl = json_pack("{s:s}", "op", "finish")) == NULL) {
		(void)hn_fmt_cut(why, whylen, "out of memory");
		return SENT_RETRY;
	}
	HN_FMT_FIXED(url, sizeof(url), "/v1/evidence/incoming/%s/finish",
	    s->xfer);
	k = post(s, "POST", url, pl, &a->st, &a->resp, why, whylen);
	json_decref(pl);
	if (k == SENT_OK && a->st == 409) {
		(void)hn_fmt_cut(why, whylen,
		    "the recipient lacks bytes at finish");
		return SENT_RETRY;
	}
	return k;
}

/* Checks the receipt in resp (the recipient's, about this transfer) and
 * records it with the custody entry "acknowledged". */
static int
acknowledge(struct sender *s, struct hn_buf *resp, char *why, size_t whylen)
{
	struct hn_receipt *rcpt = NULL;
	struct out_state_job aj;
	struct hn_error e;
	char rsha[65];
	uint8_t md[32];
	int rc;

	hn_error_clear(&e);
	if (hn_fed_receipt_check(s->f, resp->data ? resp->data : "", resp->len,
		&rcpt, &e) != 0 ||
	    strcmp(rcpt->message_id, s->xfer) != 0 ||
	    strcmp(rcpt->sender, hn_fed_self(s->f)) != 0 ||
	    strcmp(rcpt->recipient, s->to) != 0 ||
	    resp->len > HN_XFER_RECEIPT_MAX) {
		(void)hn_fmt_cut(why, whylen, "the receipt does not verify: %s",
		    e.message[0] ? e.message : "wrong transfer or parties");
		rc = SENT_FINAL;
		goto out;
	}
	hn_sha256(resp->data, resp->len, md);
	hn_hex_encode(rsha, md, 32);
	if (hn_buf_add(resp, "", 1) != 0) {
		(void)hn_fmt_cut(why, whylen, "out of memory");
		rc = SENT_STOP;
		goto out;
	}
	memset(&aj, 0, sizeof(aj));
	aj.env = &s->env;
	aj.xfer = s->xfer;
	aj.state = "acknowledged";
	aj.error = "";
	aj.receipt = resp->data;
	aj.sent = s->total;
	aj.their_index = (int64_t)rcpt->ledger_index;
	aj.acked_at = (int64_t)time(NULL);
	aj.it = &s->it;
	aj.to = s->to;
	aj.receipt_sha = rsha;
	if (hn_store_write(s->env.store, out_state_job, &aj, &e) != 0) {
		(void)hn_fmt_cut(why, whylen, "cannot record the receipt: %s",
		    e.message);
		rc = SENT_STOP;
		goto out;
	}
	s->sent = s->total;
	hn_diag(HN_DIAG_INFO, "evidence.transfer_acknowledged",
	    "transfer=%s "
	    "item=%lld to=%s their_index=%llu",
	    s->xfer, (long long)s->it.id, s->to,
	    (unsigned long long)rcpt->ledger_index);
	rc = SENT_OK;
out:
	hn_receipt_free(rcpt);
	return rc;
}

/* Opens the object (verified first: never send one that does not) and
 * re-wraps its header for the recipient. */
static int
run_open(struct sender *s, struct run *a, char *why, size_t whylen)
{
	char path[HN_BLOB_PATH_MAX];
	uint8_t in[HN_SEAL_HEADER_LEN];
	struct hn_error e;
	int rc = SENT_OK;

	hn_error_clear(&e);
	if (hn_blob_verify(s->env.blobs, s->it.sha256, s->env.keys, NULL, &e) !=
	    0) {
		(void)hn_fmt_cut(why, whylen,
		    "the stored object does not verify: %s", e.message);
		return SENT_FINAL;
	}
	if (hn_blob_path(path, sizeof(path), s->env.blobs, s->it.sha256) != 0 ||
	    (a->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    hn_fd_read_full(a->fd, in, sizeof(in)) != (ssize_t)sizeof(in) ||
	    hn_seal_rewrap(a->hdr, in, s->env.keys, s->peer.pk) != 0) {
		(void)hn_fmt_cut(why, whylen,
		    "cannot read or re-wrap the object");
		rc = SENT_FINAL;
	} else if ((a->buf = malloc(HN_EVW_PIECE)) == NULL ||
	    (a->b64 = malloc(hn_b64_len(HN_EVW_PIECE))) == NULL) {
		(void)hn_fmt_cut(why, whylen, "out of memory");
		rc = SENT_STOP;
	}
	hn_wipe(in, sizeof(in));
	return rc;
}

/* One attempt: the object opened, offer, pieces (a slice), finish, the
 * receipt recorded. */
static int
send_once(struct sender *s, int *progressed, char *why, size_t whylen)
{
	struct run a;
	int k;

	memset(&a, 0, sizeof(a));
	a.fd = -1;
	hn_buf_init(&a.resp, RESP_MAX);
	a.stop_after = hn_hook_int(HN_HOOK_XFER_STOP_AFTER);
	a.hold_after = hn_hook_int(HN_HOOK_XFER_HOLD_AFTER);
	if ((k = run_open(s, &a, why, whylen)) == SENT_OK &&
	    (k = attempt(s, &a, progressed, why, whylen)) == SENT_OK)
		k = acknowledge(s, &a.resp, why, whylen);
	if (a.fd >= 0)
		close(a.fd);
	free(a.buf);
	free(a.b64);
	hn_buf_release(&a.resp);
	return k;
}

/* Loads transfer xfer for an attempt (still to be sent, item held and
 * sendable, recipient in the directory, object of its size): -1; else an
 * enum hn_fed_work with the reason in why. */
static int
sender_load(const struct hn_evsend_env *env, const char *xfer, struct sender *s,
    char *why, size_t whylen)
{
	struct hn_xfer_out t;
	struct hn_db *db = NULL;
	char path[HN_BLOB_PATH_MAX];
	struct stat sb;
	int rc;

	memset(s, 0, sizeof(*s));
	s->env = *env;
	s->f = env->fed;
	s->slot = -1;
	if ((rc = hn_store_reader(env->store, &db, NULL)) != 0) {
		(void)hn_fmt_cut(why, whylen, "cannot read the transfer: %s",
		    hn_strerror(rc));
		return HN_FED_WORK_RETRY;
	}
	if ((rc = hn_xfer_out_get(db, xfer, &t)) != 0 ||
	    strcmp(t.state, "sending") != 0) {
		hn_store_release(env->store, db);
		(void)hn_fmt_cut(why, whylen, "no transfer %s to send", xfer);
		return rc == 0 ? HN_FED_WORK_DONE : HN_FED_WORK_RETRY;
	}
	rc = hn_evidence_get(db, t.item_id, &s->it);
	hn_store_release(env->store, db);
	if (rc != 0 || s->it.deleted_at != 0) {
		(void)hn_fmt_cut(why, whylen, "item %lld is gone",
		    (long long)t.item_id);
		return HN_FED_WORK_FINAL;
	}
	if (hn_evidence_onward_allowed(&s->it) != 0) {
		(void)hn_fmt_cut(why, whylen,
		    "art. 36: sending item %lld on needs its "
		    "sender's authorisation",
		    (long long)t.item_id);
		return HN_FED_WORK_FINAL;
	}
	if (hn_blob_path(path, sizeof(path), env->blobs, s->it.sha256) != 0 ||
	    stat(path, &sb) != 0 || (uint64_t)sb.st_size != t.total) {
		(void)hn_fmt_cut(why, whylen,
		    "the stored object of item %lld is "
		    "missing or changed",
		    (long long)t.item_id);
		return HN_FED_WORK_FINAL;
	}
	if (hn_fed_party_copy(env->fed, t.peer, (int64_t)time(NULL),
		&s->peer) != 0) {
		(void)hn_fmt_cut(why, whylen, "%s is not in the directory held",
		    t.peer);
		return HN_FED_WORK_RETRY;
	}
	/* a wire transfer's peer is a party code (hn_evsend_begin took it
	 * from the directory); the other fields are of the row's sizes */
	if (hn_fmt(s->to, sizeof(s->to), "%s", t.peer) != 0) {
		(void)hn_fmt_cut(why, whylen, "%s is not a party code", t.peer);
		return HN_FED_WORK_FINAL;
	}
	HN_FMT_FIXED(s->xfer, sizeof(s->xfer), "%s", t.xfer);
	HN_FMT_FIXED(s->request, sizeof(s->request), "%s",
	    t.request_id[0] != '\0' ? t.request_id : s->it.request_id);
	/* the art. 36 conditions of this transfer travel with it */
	HN_FMT_FIXED(s->it.conditions, sizeof(s->it.conditions), "%s",
	    t.conditions);
	s->total = t.total;
	s->sent = t.sent;
	return -1;
}

int
hn_evsend_attempt(const struct hn_evsend_env *env, const char *xfer,
    struct hn_client *pc, int *progressed, char *why, size_t whylen)
{
	struct sender s;
	int k;

	*progressed = 0;
	why[0] = '\0';
	if ((k = sender_load(env, xfer, &s, why, whylen)) != -1)
		return k;
	s.pc = pc;
	progress_enter(&s);
	k = send_once(&s, progressed, why, whylen);
	progress_leave(&s);
	if (k != SENT_OK && *progressed) {
		/* what the recipient holds, for the row (a retry asks it
		 * again anyway) */
		struct out_state_job j;
		struct hn_error e;

		hn_error_clear(&e);
		memset(&j, 0, sizeof(j));
		j.env = env;
		j.xfer = s.xfer;
		j.state = "sending";
		j.error = "";
		j.sent = s.sent;
		j.their_index = -1;
		if (hn_store_write(env->store, out_state_job, &j, &e) != 0)
			hn_diag(HN_DIAG_ERROR, "evidence.transfer_state",
			    "transfer=%s msg=\"%s\"", s.xfer, e.message);
	}
	switch (k) {
	case SENT_OK:
		return HN_FED_WORK_DONE;
	case SENT_SLICE:
		return HN_FED_WORK_YIELD;
	case SENT_RETRY:
		return HN_FED_WORK_RETRY;
	case SENT_STOP:
		return HN_FED_WORK_STOP;
	default:
		return HN_FED_WORK_FINAL;
	}
}

int
hn_evsend_end(struct hn_db *db, const char *xfer, int failed, const char *why,
    struct hn_error *err)
{
	struct hn_xfer_out t;
	int rc;

	(void)err;
	if ((rc = hn_xfer_out_get(db, xfer, &t)) != 0)
		return rc;
	return hn_xfer_out_update(db, xfer, failed ? "failed" : "interrupted",
	    t.sent, why != NULL ? why : "", -1, NULL, 0);
}

int
hn_evsend_active(const char *xfer, uint64_t *sent)
{
	int i, a = 0;

	pthread_mutex_lock(&snd.mu);
	for (i = 0; i < PROGRESS_MAX; i++) {
		if (strcmp(snd.xfer[i], xfer) == 0) {
			a = 1;
			if (sent != NULL)
				*sent = snd.sent[i];
		}
	}
	pthread_mutex_unlock(&snd.mu);
	return a;
}

struct begin_job {
	const struct hn_evsend_env *env;
	const struct hn_evsend_ask *q;
	struct hn_xfer_out t; /* the row of a new transfer */
	struct hn_evsend_result *res;
};

/* Resumes the latest transfer of q->it to q->to for q->request unless it
 * failed or the object changed: 1 (res set), 0 (a new one is needed) or
 * an error. */
static int
begin_resume(struct hn_db *db, struct begin_job *j, struct hn_error *err)
{
	const struct hn_evsend_ask *q = j->q;
	struct hn_evsend_result *res = j->res;
	struct hn_xfer_out prev;
	int rc;

	rc = hn_xfer_out_latest(db, q->it->id, q->to, &prev);
	if (rc == HN_ENOTFOUND)
		return 0;
	if (rc != 0)
		return hn_error_set(err, rc, NULL, NULL,
		    "cannot read the "
		    "transfers of item %lld",
		    (long long)q->it->id);
	if (strcmp(prev.request_id[0] != '\0' ? prev.request_id :
						q->it->request_id,
		q->request) != 0)
		return 0; /* that one answered another request */
	if (strcmp(prev.state, "acknowledged") != 0 &&
	    (strcmp(prev.state, "failed") == 0 || prev.total != q->total))
		return 0;
	memcpy(res->xfer, prev.xfer, sizeof(res->xfer));
	res->total = prev.total;
	if (strcmp(prev.state, "acknowledged") == 0) {
		res->outcome = HN_EVSEND_ACKNOWLEDGED;
		res->their_index = prev.their_index;
		return 1;
	}
	if (hn_fed_evidence_claimed(j->env->fed, prev.xfer)) {
		res->outcome = HN_EVSEND_ACTIVE;
		return 1;
	}
	/* due now: the recipient says how much it holds */
	if ((rc = hn_xfer_out_resume(db, prev.xfer)) != 0)
		return rc;
	hn_fed_work_queued(j->env->fed);
	res->outcome = HN_EVSEND_STARTED;
	res->resumed = 1;
	return 1;
}

/*
 * The decision and its record in one write job, so that two asks at once
 * cannot both start a new transfer, nor a resume undo what a delivery
 * thread recorded meanwhile.
 */
static int
begin_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct begin_job *j = arg;
	const struct hn_evsend_ask *q = j->q;
	struct hn_evidence_custody *evs = NULL;
	struct hn_custody c;
	size_t n = 0;
	json_t *d;
	int r;

	if ((r = begin_resume(db, j, err)) != 0)
		return r < 0 ? r : 0;
	if ((r = hn_xfer_out_insert(db, &j->t)) != 0)
		return r;
	/* a work item of the delivery engine, due now: the commit wakes a
	 * delivery thread (fed/fed.h) */
	hn_fed_work_queued(j->env->fed);
	j->env->custody(&c, db);
	if ((d = json_pack("{s:s,s:s,s:s,s:s,s:I}", "recipient", j->t.peer,
		 "conditions", j->t.conditions, "transfer", j->t.xfer,
		 "sealed_for", q->peer->signing_key, "sealed_size",
		 (json_int_t)j->t.total)) == NULL)
		return HN_ENOMEM;
	/* onward, for another request than the item's (art. 36) */
	if (j->t.request_id[0] != '\0')
		json_object_set_new(d, "request", json_string(j->t.request_id));
	r = hn_custody_event_tx(&c, q->it, "transfer_out", j->t.created_at,
	    q->actor, q->reason != NULL ? q->reason : "", d, err);
	json_decref(d);
	if (r == 0 && hn_evidence_custody_list(db, q->it->id, &evs, &n) == 0 &&
	    n > 0)
		j->res->ledger_index = evs[n - 1].ledger_index;
	free(evs);
	memcpy(j->res->xfer, j->t.xfer, sizeof(j->res->xfer));
	j->res->outcome = HN_EVSEND_STARTED;
	return r;
}

int
hn_evsend_begin(const struct hn_evsend_env *env, const struct hn_evsend_ask *q,
    struct hn_evsend_result *res, struct hn_error *err)
{
	struct begin_job bj;
	uint8_t rnd[16];
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&bj, 0, sizeof(bj));
	res->ledger_index = res->their_index = -1;
	res->total = q->total;
	/* the row, should a new transfer be needed */
	hn_random(rnd, sizeof(rnd));
	hn_hex_encode(bj.t.xfer, rnd, sizeof(rnd));
	bj.t.item_id = q->it->id;
	if ((rc = hn_fmt_field(bj.t.peer, sizeof(bj.t.peer), q->to, "to",
		 err)) != 0 ||
	    (rc = hn_fmt_field(bj.t.conditions, sizeof(bj.t.conditions),
		 q->conditions != NULL ? q->conditions : "", "conditions",
		 err)) != 0 ||
	    (strcmp(q->request, q->it->request_id) != 0 &&
		(rc = hn_fmt_field(bj.t.request_id, sizeof(bj.t.request_id),
		     q->request, "request", err)) != 0))
		return rc;
	HN_FMT_FIXED(bj.t.state, sizeof(bj.t.state), "sending");
	bj.t.total = q->total;
	bj.t.created_at = q->now;
	bj.env = env;
	bj.q = q;
	bj.res = res;
	if ((rc = hn_store_write(env->store, begin_job, &bj, err)) != 0)
		return rc;
	if (res->outcome == HN_EVSEND_STARTED)
		hn_diag(HN_DIAG_INFO, "evidence.transfer_started",
		    "transfer=%s "
		    "item=%lld to=%s by=%s resume=%d",
		    res->xfer, (long long)q->it->id, q->to, q->actor,
		    res->resumed);
	return 0;
}
