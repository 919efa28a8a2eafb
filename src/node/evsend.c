/*
 * evsend.c - the evidence sender (node/evsend.h): a thread per transfer,
 * the node's retry policy (fed/retry.h), the wire objects of
 * fed/evwire.h over fed/client.h.
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
	struct hn_client *pc;
	int slot;
};

static struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stopping;
	int running;
	char xfer[HN_EVSEND_MAX][HN_XFER_ID_LEN + 1];
	uint64_t sent[HN_EVSEND_MAX];
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
	    j->their_index, j->receipt, j->acked_at)) != 0 || j->it == NULL)
		return r;
	j->env->custody(&c, db);
	/* j->to is a sender's to[4] */
	HN_FMT_FIXED(actor, sizeof(actor), "node %s", j->to);
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
	j.env = &s->env;
	j.xfer = s->xfer;
	j.state = state;
	j.error = error != NULL ? error : "";
	j.sent = s->sent;
	j.their_index = -1;
	if (hn_store_write(s->env.store, out_state_job, &j, &e) != 0)
		hn_diag(HN_DIAG_ERROR, "evidence.transfer_state", "transfer=%s "
		    "msg=\"%s\"", s->xfer, e.message);
}

/* OK: done; RETRY: try again after the policy's delay; FINAL: failed
 * for good; STOP: interrupted now (the node stops, a test hook). */
enum { SENT_OK, SENT_RETRY, SENT_FINAL, SENT_STOP };

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
		    hn_json_str(pl, "op"), o ? (long long)json_integer_value(o) :
		    0LL) == 0)
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
	ej = hn_json_parse(resp->data ? resp->data : "", resp->len, RESP_MAX,
	    4, NULL);
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
	json_t *j = hn_json_parse(b->data ? b->data : "", b->len, RESP_MAX, 4,
	    NULL);
	json_t *o = json_object_get(j, "offset");
	int r = HN_EPARSE;

	/* a state too long for state is not a state: the answer is bad */
	if (json_is_integer(o) && json_integer_value(o) >= 0 &&
	    (state == NULL || hn_fmt(state, sl, "%s", hn_json_str(j, "state") ?
	    hn_json_str(j, "state") : "") == 0)) {
		*off = (uint64_t)json_integer_value(o);
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
offer(struct sender *s, struct run *a, uint64_t *off, char *state,
    size_t sl, char *why, size_t whylen)
{
	json_t *pl;
	int k;

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
		(void)hn_fmt_cut(why, whylen, "out of memory");
		return SENT_RETRY;
	}
	k = post(s, "POST", "/v1/evidence/incoming", pl, &a->st, &a->resp,
	    why, whylen);
	json_decref(pl);
	if (k != SENT_OK)
		return k;
	if (resp_offset(&a->resp, off, state, sl) != 0 || *off > s->total) {
		(void)hn_fmt_cut(why, whylen, "the recipient's answer has no "
		    "offset");
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

	/* xfer: HN_XFER_ID_LEN bytes */
	HN_FMT_FIXED(url, sizeof(url), "/v1/evidence/incoming/%s", s->xfer);
	while (*off < s->total) {
		size_t n = s->total - *off < HN_EVW_PIECE ?
		    (size_t)(s->total - *off) : HN_EVW_PIECE;

		if (a->stop_after > 0 && a->pieces >= a->stop_after) {
			(void)hn_fmt_cut(why, whylen, "stopped for a test "
			    "after %d pieces", a->pieces);
			return SENT_STOP;
		}
		if (a->hold_after > 0 && a->pieces >= a->hold_after) {
			a->hold_after = 0; /* once */
			if (hold()) {
				(void)hn_fmt_cut(why, whylen, "the node "
				    "stopped");
				return SENT_STOP;
			}
		}
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
			(void)hn_fmt_cut(why, whylen, "the recipient's answer "
			    "has no offset");
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
		(void)hn_fmt_cut(why, whylen, "the recipient lacks bytes at "
		    "finish");
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
	if (hn_fed_receipt_check(s->f, resp->data ? resp->data : "",
	    resp->len, &rcpt, &e) != 0 ||
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
	hn_diag(HN_DIAG_INFO, "evidence.transfer_acknowledged", "transfer=%s "
	    "item=%lld to=%s their_index=%llu", s->xfer, (long long)s->it.id,
	    s->to, (unsigned long long)rcpt->ledger_index);
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
	if (hn_blob_verify(s->env.blobs, s->it.sha256, s->env.keys, NULL,
	    &e) != 0) {
		(void)hn_fmt_cut(why, whylen, "the stored object does not "
		    "verify: %s", e.message);
		return SENT_FINAL;
	}
	if (hn_blob_path(path, sizeof(path), s->env.blobs,
	    s->it.sha256) != 0 ||
	    (a->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    hn_fd_read_full(a->fd, in, sizeof(in)) != (ssize_t)sizeof(in) ||
	    hn_seal_rewrap(a->hdr, in, s->env.keys, s->peer.pk) != 0) {
		(void)hn_fmt_cut(why, whylen, "cannot read or re-wrap the "
		    "object");
		rc = SENT_FINAL;
	} else if ((a->buf = malloc(HN_EVW_PIECE)) == NULL ||
	    (a->b64 = malloc(hn_b64_len(HN_EVW_PIECE))) == NULL) {
		(void)hn_fmt_cut(why, whylen, "out of memory");
		rc = SENT_STOP;
	}
	hn_wipe(in, sizeof(in));
	return rc;
}

/*
 * Sends until the receipt is recorded (SENT_OK), the recipient refuses or
 * the retry policy is exhausted (SENT_FINAL), or the node stops
 * (SENT_STOP). Between attempts: the policy's delay (fed/retry.h); the
 * attempts count from the last piece the recipient took.
 */
static int
send_all(struct sender *s, char *why, size_t whylen)
{
	struct run a;
	struct hn_retry pol;
	long delay;
	int attempts = 0, progressed, k;

	memset(&a, 0, sizeof(a));
	a.fd = -1;
	hn_buf_init(&a.resp, RESP_MAX);
	hn_fed_retry_policy(s->f, &pol);
	a.stop_after = hn_hook_int(HN_HOOK_XFER_STOP_AFTER);
	a.hold_after = hn_hook_int(HN_HOOK_XFER_HOLD_AFTER);
	if ((k = run_open(s, &a, why, whylen)) != SENT_OK)
		goto out;
	for (;;) {
		progressed = 0;
		attempts++;
		hn_fed_count_evidence(s->f, HN_FED_EV_ATTEMPT);
		if ((k = attempt(s, &a, &progressed, why, whylen)) != SENT_RETRY)
			break;
		if (progressed)
			attempts = 1; /* progress: the count starts again */
		if (hn_retry_exhausted(&pol, attempts)) {
			size_t l = strlen(why);

			/* the policy's limit, as for a message */
			(void)hn_fmt_cut(why + l, whylen - l, " (%d attempts)",
			    attempts);
			k = SENT_FINAL;
			goto out;
		}
		delay = hn_retry_delay_ms(&pol, attempts);
		hn_diag(HN_DIAG_INFO, "evidence.transfer_retry", "transfer=%s "
		    "to=%s sent=%llu attempts=%d in_ms=%ld msg=\"%s\"",
		    s->xfer, s->to, (unsigned long long)s->sent, attempts, delay,
		    why);
		if (pause_ms(delay)) {
			(void)hn_fmt_cut(why, whylen, "the node stopped");
			k = SENT_STOP;
			goto out;
		}
	}
	if (k == SENT_OK)
		k = acknowledge(s, &a.resp, why, whylen);
out:
	if (a.fd >= 0)
		close(a.fd);
	free(a.buf);
	free(a.b64);
	hn_buf_release(&a.resp);
	return k;
}

static void *
sender_main(void *arg)
{
	struct sender *s = arg;
	char why[HN_EV_TEXT_MAX];
	int rc;

	why[0] = '\0';
	rc = send_all(s, why, sizeof(why));
	if (rc == SENT_OK)
		hn_fed_count_evidence(s->f, HN_FED_EV_ACKNOWLEDGED);
	if (rc == SENT_FINAL) {
		hn_fed_count_evidence(s->f, HN_FED_EV_FAILED);
		hn_diag(HN_DIAG_WARN, "evidence.transfer_failed", "transfer=%s "
		    "to=%s msg=\"%s\"", s->xfer, s->to, why);
		set_state(s, "failed", why);
	} else if (rc == SENT_STOP) {
		hn_diag(HN_DIAG_WARN, "evidence.transfer_interrupted",
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
hn_evsend_stop(void)
{
	pthread_mutex_lock(&snd.mu);
	snd.stopping = 1;
	pthread_cond_broadcast(&snd.cv);
	while (snd.running > 0)
		pthread_cond_wait(&snd.cv, &snd.mu);
	pthread_mutex_unlock(&snd.mu);
}

int
hn_evsend_active(const char *xfer, uint64_t *sent)
{
	int i, a = 0;

	pthread_mutex_lock(&snd.mu);
	for (i = 0; i < HN_EVSEND_MAX; i++) {
		if (strcmp(snd.xfer[i], xfer) == 0) {
			a = 1;
			if (sent != NULL)
				*sent = snd.sent[i];
		}
	}
	pthread_mutex_unlock(&snd.mu);
	return a;
}

/* Starts the thread; HN_EBUSY if HN_EVSEND_MAX are running. */
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
	for (i = 0; i < HN_EVSEND_MAX && snd.xfer[i][0] != '\0'; i++)
		;
	if (i == HN_EVSEND_MAX) {
		pthread_mutex_unlock(&snd.mu);
		return HN_EBUSY;
	}
	s->slot = i;
	HN_FMT_FIXED(snd.xfer[i], sizeof(snd.xfer[i]), "%s", s->xfer);
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
	const struct hn_evsend_env *env;
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
	struct hn_evidence_custody *evs = NULL;
	struct hn_custody c;
	size_t n = 0;
	json_t *d;
	int r;

	if (j->resume)
		return hn_xfer_out_update(db, j->t.xfer, "sending", j->t.sent, "",
		    -1, NULL, 0);
	if ((r = hn_xfer_out_insert(db, &j->t)) != 0)
		return r;
	j->env->custody(&c, db);
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
	if (r == 0 && hn_evidence_custody_list(db, j->it->id, &evs, &n) == 0 &&
	    n > 0)
		j->index = evs[n - 1].ledger_index;
	free(evs);
	return r;
}


/* A sender for transfer xfer of q->it (conditions of the transfer). */
static struct sender *
sender_new(const struct hn_evsend_env *env, const struct hn_evidence_item *it,
    const char *xfer, const char *to, const char *request,
    const char *conditions, const struct hn_dir_party *peer, uint64_t total,
    uint64_t sent, struct hn_error *err)
{
	struct sender *s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		return NULL;
	}
	s->env = *env;
	s->f = env->fed;
	s->it = *it;
	/* the art. 36 conditions of this transfer travel with it */
	if (hn_fmt_field(s->xfer, sizeof(s->xfer), xfer, "transfer",
	    err) != 0 ||
	    hn_fmt_field(s->to, sizeof(s->to), to, "to", err) != 0 ||
	    hn_fmt_field(s->request, sizeof(s->request), request, "request",
	    err) != 0 ||
	    hn_fmt_field(s->it.conditions, sizeof(s->it.conditions),
	    conditions, "conditions", err) != 0) {
		free(s);
		return NULL;
	}
	s->peer = *peer;
	s->total = total;
	s->sent = sent;
	if (hn_fed_client_new(env->fed, &s->peer, &s->pc, err) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

static void
sender_free(struct sender *s)
{
	if (s == NULL)
		return;
	hn_client_free(s->pc);
	free(s);
}

int
hn_evsend_begin(const struct hn_evsend_env *env,
    const struct hn_evsend_ask *q, struct hn_evsend_result *res,
    struct hn_error *err)
{
	const struct hn_evidence_item *it = q->it;
	struct sender *s = NULL;
	struct hn_xfer_out prev;
	struct begin_job bj;
	struct hn_db *db = NULL;
	uint8_t rnd[16];
	int rc;

	memset(res, 0, sizeof(*res));
	memset(&bj, 0, sizeof(bj));
	res->ledger_index = res->their_index = -1;
	res->total = q->total;
	if ((rc = hn_store_reader(env->store, &db, err)) != 0)
		return rc;
	rc = hn_xfer_out_latest(db, it->id, q->to, &prev);
	hn_store_release(env->store, db);
	if (rc != 0 && rc != HN_ENOTFOUND)
		return hn_error_set(err, rc, NULL, NULL,
		    "cannot read the transfers of item %lld", (long long)it->id);
	if (rc == 0 && strcmp(prev.request_id[0] != '\0' ? prev.request_id :
	    it->request_id, q->request) != 0)
		rc = HN_ENOTFOUND; /* that one answered another request */
	if (rc == 0 && strcmp(prev.state, "acknowledged") == 0) {
		res->outcome = HN_EVSEND_ACKNOWLEDGED;
		memcpy(res->xfer, prev.xfer, sizeof(res->xfer));
		res->total = prev.total;
		res->their_index = prev.their_index;
		return 0;
	}
	if (rc == 0 && strcmp(prev.state, "failed") != 0 &&
	    prev.total == q->total) {
		/* resume: the recipient says how much it holds */
		memcpy(res->xfer, prev.xfer, sizeof(res->xfer));
		if (hn_evsend_active(prev.xfer, NULL)) {
			res->outcome = HN_EVSEND_ACTIVE;
			res->total = prev.total;
			return 0;
		}
		bj.resume = 1;
		bj.t = prev;
	} else {
		hn_random(rnd, sizeof(rnd));
		hn_hex_encode(bj.t.xfer, rnd, sizeof(rnd));
		bj.t.item_id = it->id;
		if ((rc = hn_fmt_field(bj.t.peer, sizeof(bj.t.peer), q->to,
		    "to", err)) != 0 ||
		    (rc = hn_fmt_field(bj.t.conditions,
		    sizeof(bj.t.conditions), q->conditions != NULL ?
		    q->conditions : "", "conditions", err)) != 0)
			return rc;
		HN_FMT_FIXED(bj.t.state, sizeof(bj.t.state), "sending");
		bj.t.total = q->total;
		bj.t.created_at = q->now;
		if (strcmp(q->request, it->request_id) != 0)
			if ((rc = hn_fmt_field(bj.t.request_id,
			    sizeof(bj.t.request_id), q->request, "request",
			    err)) != 0)
				return rc;
	}
	memcpy(res->xfer, bj.t.xfer, sizeof(res->xfer));
	bj.env = env;
	bj.it = it;
	bj.actor = q->actor;
	bj.reason = q->reason != NULL ? q->reason : "";
	bj.sealed_for = q->peer->signing_key;
	bj.index = -1;
	if ((s = sender_new(env, it, bj.t.xfer, q->to, q->request,
	    bj.t.conditions, q->peer, q->total, bj.t.sent, err)) == NULL)
		return err != NULL && err->code != 0 ? err->code : HN_ENOMEM;
	if ((rc = hn_store_write(env->store, begin_job, &bj, err)) != 0)
		goto out;
	res->resumed = bj.resume;
	res->ledger_index = bj.index;
	if ((rc = start(s)) != 0) {
		rc = hn_error_set(err, HN_EBUSY, NULL, NULL, "too many "
		    "transfers in progress; the transfer %s is recorded and "
		    "resumes when asked again", bj.t.xfer);
		goto out;
	}
	hn_diag(HN_DIAG_INFO, "evidence.transfer_started", "transfer=%s "
	    "item=%lld to=%s by=%s resume=%d", bj.t.xfer, (long long)it->id,
	    q->to, q->actor, bj.resume);
	res->outcome = HN_EVSEND_STARTED;
	s = NULL; /* the thread owns it */
	rc = 0;
out:
	sender_free(s);
	return rc;
}

void
hn_evsend_resume(const struct hn_evsend_env *env, int64_t now)
{
	struct hn_xfer_out *v = NULL;
	struct sender **ss = NULL;
	struct hn_db *db = NULL;
	struct hn_evidence_item it;
	struct hn_dir_party peer;
	struct hn_error e;
	char path[HN_BLOB_PATH_MAX];
	struct stat sb;
	size_t cnt = 0, i, k = 0;

	hn_error_clear(&e);
	if (env->fed == NULL || hn_store_reader(env->store, &db, NULL) != 0)
		return;
	if (hn_xfer_out_pending(db, &v, &cnt) != 0 || cnt == 0 ||
	    (ss = calloc(cnt, sizeof(*ss))) == NULL)
		goto out;
	for (i = 0; i < cnt; i++) {
		if (hn_evsend_active(v[i].xfer, NULL) ||
		    strlen(v[i].peer) != 3 ||
		    hn_evidence_get(db, v[i].item_id, &it) != 0 ||
		    it.deleted_at != 0 ||
		    hn_evidence_onward_allowed(&it) != 0 ||
		    hn_fed_party_copy(env->fed, v[i].peer, now, &peer) != 0 ||
		    hn_blob_path(path, sizeof(path), env->blobs,
		    it.sha256) != 0 || stat(path, &sb) != 0 ||
		    (uint64_t)sb.st_size != v[i].total)
			continue;
		ss[k] = sender_new(env, &it, v[i].xfer, v[i].peer,
		    v[i].request_id[0] != '\0' ? v[i].request_id :
		    it.request_id, v[i].conditions, &peer, v[i].total,
		    v[i].sent, &e);
		if (ss[k] != NULL)
			k++;
	}
out:
	hn_store_release(env->store, db);
	for (i = 0; i < k; i++) {
		struct sender *s = ss[i];
		struct out_state_job j;

		memset(&j, 0, sizeof(j));
		j.env = env;
		j.xfer = s->xfer;
		j.state = "sending";
		j.error = "";
		j.sent = s->sent;
		j.their_index = -1;
		if (hn_store_write(env->store, out_state_job, &j, &e) != 0 ||
		    start(s) != 0) {
			sender_free(s);
			continue;
		}
		hn_diag(HN_DIAG_INFO, "evidence.transfer_started",
		    "transfer=%s "
		    "item=%lld to=%s by=node resume=1", s->xfer,
		    (long long)s->it.id, s->to);
	}
	free(ss);
	free(v);
}
