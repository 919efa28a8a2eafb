#include "fed/fed.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/sha256.h"
#include "crypto/sign.h"
#include "fed/evwire.h"
#include "fed/fed_int.h"
#include "fed/client.h"
#include "store/evxfer.h"
#include "store/fed.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/diag.h"

_Static_assert(HN_DIR_MAX_PINS <= HN_CLIENT_PINS_MAX,
    "every pin of an "
    "endpoint fits the client");

#define DUE_BATCH 64
/* Claims: one row per delivery thread, plus the receipts queued for the
 * marker and the batch it is recording. */
#define INFLIGHT_MAX(f) ((size_t)(f)->nworkers + 2 * HN_FED_MARKS_MAX)

/* Error text for logs and the outbox row: truncation is acceptable. */
static void msgf(char *out, size_t n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
msgf(char *out, size_t n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	(void)hn_vfmt_cut(out, n, fmt, ap);
	va_end(ap);
}

int64_t
hn_fed_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}


int
hn_fed_open(struct hn_fed **out, const struct hn_fed_config *cfg,
    const struct hn_fed_env *env, struct hn_error *err)
{
	struct hn_fed *f;
	struct hn_error e2;
	int r;

	*out = NULL;
	if (cfg->party == NULL || cfg->sk == NULL ||
	    cfg->registry_key == NULL || cfg->directory_path == NULL)
		return hn_error_set(err, HN_EINVAL, NULL, NULL,
		    "party, signing key, registry key and directory path are "
		    "required");
	if ((env->evidence == NULL) != (env->evidence_end == NULL))
		return hn_error_set(err, HN_EINVAL, NULL, NULL,
		    "evidence and evidence_end go together");
	if ((f = calloc(1, sizeof(*f))) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	f->cfg = *cfg;
	f->env = *env;
	memcpy(f->sk, cfg->sk, sizeof(f->sk));
	f->cfg.sk = NULL;
	if (cfg->registry_pin != NULL) {
		memcpy(f->registry_pin, cfg->registry_pin, 32);
		f->has_registry_pin = 1;
	}
	f->cfg.registry_pin = NULL;
	if (cfg->key_name != NULL) {
		if (strlen(cfg->key_name) > HN_SIGNER_MAX) {
			free(f);
			return hn_error_set(err, HN_EINVAL, "key_name", NULL,
			    "key name too long");
		}
		memcpy(f->key_name, cfg->key_name, strlen(cfg->key_name) + 1);
	}
	if (f->cfg.retry_base_ms <= 0)
		f->cfg.retry_base_ms = 500;
	if (f->cfg.retry_max_ms <= 0)
		f->cfg.retry_max_ms = 60000;
	if (f->cfg.timeout_ms <= 0)
		f->cfg.timeout_ms = 10000;
	if (f->cfg.time_window_s <= 0)
		f->cfg.time_window_s = 600;
	if (f->cfg.future_skew_s <= 0)
		f->cfg.future_skew_s = 300;
	if (f->cfg.directory_refresh_ms <= 0)
		f->cfg.directory_refresh_ms = 60000;
	f->retry.base_ms = f->cfg.retry_base_ms;
	f->retry.max_ms = f->cfg.retry_max_ms;
	f->retry.max_attempts = f->cfg.max_attempts;
	pthread_rwlock_init(&f->dir_lock, NULL);
	pthread_mutex_init(&f->mu, NULL);
	pthread_cond_init(&f->cv, NULL);
	pthread_cond_init(&f->wcv, NULL);
	pthread_cond_init(&f->mcv, NULL);
	pthread_cond_init(&f->roomcv, NULL);
	pthread_mutex_init(&f->stats_mu, NULL);
	r = hn_directory_load(cfg->directory_path, cfg->registry_key,
	    (int64_t)time(NULL), &f->dir, &e2);
	if (r == HN_ESTATE)
		hn_diag(HN_DIAG_WARN, "directory.expired", "path=%s",
		    cfg->directory_path);
	else if (r < 0 && r != HN_ENOTFOUND)
		hn_diag(HN_DIAG_WARN, "directory.unusable",
		    "path=%s error=\"%s\"", cfg->directory_path, e2.message);
	else if (r == 0)
		hn_diag(HN_DIAG_INFO, "directory.loaded",
		    "serial=%llu parties=%zu",
		    (unsigned long long)f->dir->serial, f->dir->nparties);
	*out = f;
	return 0;
}

static void *worker_main(void *arg);
static void *marker_main(void *arg);
static void evidence_resume(struct hn_fed *f);

int
hn_fed_directory_fetch(struct hn_fed *f, int64_t now, struct hn_error *err)
{
	struct hn_buf b = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_client_opts o;
	struct hn_client *p = NULL;
	long status = 0;
	int r;

	if (f->cfg.registry_url == NULL || f->cfg.registry_url[0] == '\0')
		return hn_error_set(err, HN_ENOTFOUND, "registry_url", NULL,
		    "no registry URL configured");
	/* the directory is signed: the pin, if any, only keeps out a
	 * look-alike that would serve an old one */
	memset(&o, 0, sizeof(o));
	o.url = f->cfg.registry_url;
	o.trust = f->has_registry_pin ? HN_TRUST_PINS : HN_TRUST_NONE;
	o.pins = (const uint8_t(*)[32])f->registry_pin;
	o.npins = 1;
	o.cert = f->cfg.tls_cert;
	o.key = f->cfg.tls_key;
	o.timeout_ms = f->cfg.timeout_ms;
	if ((r = hn_client_new(&p, &o, err)) < 0)
		goto out;
	if ((r = hn_client_request(p, "GET", "/v1/directory", NULL, NULL, 0,
		 f->cfg.timeout_ms, &status, &b, err)) < 0)
		goto out;
	if (status != 200) {
		r = hn_error_set(err, HN_ENET, "registry_url", NULL,
		    "the registry answered HTTP %ld", status);
		goto out;
	}
	r = hn_fed_directory_offer(f, b.data, b.len, now, err);
out:
	hn_client_free(p);
	hn_buf_release(&b);
	return r;
}

static void *
dir_main(void *arg)
{
	struct hn_fed *f = arg;
	struct hn_error err;
	struct timespec ts;
	long wait;
	int r;

	for (;;) {
		r = hn_fed_directory_fetch(f, (int64_t)time(NULL), &err);
		if (r < 0 && r != HN_ESTATE)
			hn_diag(HN_DIAG_WARN, "directory.fetch_failed",
			    "url=%s "
			    "error=\"%s\"",
			    f->cfg.registry_url, err.message);
		/* Until a first directory is held, try again soon. */
		wait = r < 0 && f->dir == NULL ? 1000 :
						 f->cfg.directory_refresh_ms;
		pthread_mutex_lock(&f->mu);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += wait / 1000;
		ts.tv_nsec += (wait % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		while (!f->stopping &&
		    pthread_cond_timedwait(&f->cv, &f->mu, &ts) == 0)
			;
		if (f->stopping) {
			pthread_mutex_unlock(&f->mu);
			break;
		}
		pthread_mutex_unlock(&f->mu);
	}
	return NULL;
}

int
hn_fed_start(struct hn_fed *f, struct hn_error *err)
{
	int i;

	f->nworkers = f->cfg.workers > 0 ? (int)f->cfg.workers : 4;
	if (f->nworkers > 64)
		f->nworkers = 64;
	if ((f->workers = calloc((size_t)f->nworkers, sizeof(*f->workers))) ==
		NULL ||
	    (f->inflight = calloc(INFLIGHT_MAX(f), sizeof(*f->inflight))) ==
		NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	for (i = 0; i < f->nworkers; i++) {
		f->workers[i].ndue = INFLIGHT_MAX(f) + DUE_BATCH;
		if ((f->workers[i].due = calloc(f->workers[i].ndue,
			 sizeof(*f->workers[i].due))) == NULL)
			return hn_error_set(err, HN_ENOMEM, NULL, NULL,
			    "out of memory");
	}
	evidence_resume(f);
	f->started = 1;
	if (pthread_create(&f->marker, NULL, marker_main, f) != 0)
		return hn_error_set(err, HN_EINTERNAL, NULL, NULL,
		    "cannot start the delivery threads");
	f->marker_started = 1;
	for (i = 0; i < f->nworkers; i++) {
		f->workers[i].f = f;
		f->workers[i].k = i;
		if (pthread_create(&f->workers[i].th, NULL, worker_main,
			&f->workers[i]) != 0)
			return hn_error_set(err, HN_EINTERNAL, NULL, NULL,
			    "cannot start the delivery workers");
		f->workers[i].started = 1;
	}
	if (f->cfg.registry_url != NULL && f->cfg.registry_url[0] != '\0') {
		if (pthread_create(&f->dirthread, NULL, dir_main, f) != 0)
			hn_diag(HN_DIAG_ERROR, "directory.not_started", "%s",
			    "");
		else
			f->dir_started = 1;
	}
	if (f->cfg.witness_interval_ms > 0) {
		if (pthread_create(&f->witness, NULL, hn_fed_witness_main, f) !=
		    0)
			hn_diag(HN_DIAG_ERROR, "witness.not_started", "%s", "");
		else
			f->witness_started = 1;
	}
	return 0;
}

void
hn_fed_close(struct hn_fed *f)
{
	size_t i;

	if (f == NULL)
		return;
	if (f->started) {
		pthread_mutex_lock(&f->mu);
		f->stopping = 1;
		pthread_cond_broadcast(&f->cv);
		pthread_cond_broadcast(&f->wcv);
		pthread_mutex_unlock(&f->mu);
		for (i = 0; i < (size_t)f->nworkers; i++)
			if (f->workers[i].started)
				pthread_join(f->workers[i].th, NULL);
		/* then the receipts they handed over are recorded */
		pthread_mutex_lock(&f->mu);
		f->workers_done = 1;
		pthread_cond_signal(&f->mcv);
		pthread_mutex_unlock(&f->mu);
		if (f->marker_started)
			pthread_join(f->marker, NULL);
		if (f->witness_started)
			pthread_join(f->witness, NULL);
		if (f->dir_started)
			pthread_join(f->dirthread, NULL);
	}
	for (i = 0; f->workers != NULL && i < (size_t)f->nworkers; i++) {
		size_t j;

		for (j = 0; j < f->workers[i].npeers; j++)
			hn_client_free(f->workers[i].peers[j].p);
		free(f->workers[i].due);
	}
	for (i = 0; i < f->nmarks; i++)
		hn_receipt_free(f->marks[i].rc);
	free(f->workers);
	free(f->inflight);
	for (i = 0; i < f->nwpeers; i++)
		hn_client_free(f->wpeers[i].p);
	hn_directory_free(f->dir);
	pthread_rwlock_destroy(&f->dir_lock);
	pthread_mutex_destroy(&f->mu);
	pthread_cond_destroy(&f->cv);
	pthread_cond_destroy(&f->wcv);
	pthread_cond_destroy(&f->mcv);
	pthread_cond_destroy(&f->roomcv);
	pthread_mutex_destroy(&f->stats_mu);
	hn_wipe(f->sk, sizeof(f->sk));
	free(f);
}

void
hn_fed_kick(struct hn_fed *f)
{
	pthread_mutex_lock(&f->mu);
	f->kicks++;
	pthread_cond_signal(&f->wcv); /* one idle delivery thread */
	pthread_mutex_unlock(&f->mu);
}

void
hn_fed_retry_policy(struct hn_fed *f, struct hn_retry *out)
{
	*out = f->retry;
}

void
hn_fed_work_queued(struct hn_fed *f)
{
	__atomic_store_n(&f->queued, 1, __ATOMIC_RELEASE);
}

int
hn_fed_stopping(struct hn_fed *f)
{
	int v;

	pthread_mutex_lock(&f->mu);
	v = f->stopping;
	pthread_mutex_unlock(&f->mu);
	return v;
}

int
hn_fed_pause(struct hn_fed *f, long ms)
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
	pthread_mutex_lock(&f->mu);
	while (!f->stopping && pthread_cond_timedwait(&f->cv, &f->mu, &ts) == 0)
		;
	stop = f->stopping;
	pthread_mutex_unlock(&f->mu);
	return stop;
}

void
hn_fed_committed(struct hn_fed *f)
{
	if (__atomic_exchange_n(&f->queued, 0, __ATOMIC_ACQ_REL))
		hn_fed_kick(f);
}

void
hn_fed_stats(struct hn_fed *f, struct hn_fed_stats *out)
{
	pthread_mutex_lock(&f->stats_mu);
	*out = f->stats;
	pthread_mutex_unlock(&f->stats_mu);
}

/* ---- the directory ---- */

int
hn_fed_directory_offer(struct hn_fed *f, const char *data, size_t len,
    int64_t now, struct hn_error *err)
{
	struct hn_directory *d = NULL;
	int r;

	pthread_rwlock_wrlock(&f->dir_lock);
	r = hn_directory_update(f->cfg.directory_path, data, len,
	    f->cfg.registry_key, now, &d, err);
	if (r == 0 && f->dir != NULL && d->serial < f->dir->serial) {
		/* The file held was lost or replaced: memory still knows. */
		r = hn_error_set(err, HN_ESTATE, "serial", NULL,
		    "directory serial %llu is older than the held serial %llu",
		    (unsigned long long)d->serial,
		    (unsigned long long)f->dir->serial);
		if (hn_file_write_atomic(f->cfg.directory_path, f->dir->raw,
			f->dir->raw_len, 0644) != 0)
			hn_diag(HN_DIAG_ERROR, "directory.rewrite_failed", "%s",
			    "");
		hn_directory_free(d);
		d = NULL;
	}
	if (r == 0) {
		if (f->dir == NULL || f->dir->serial != d->serial)
			hn_diag(HN_DIAG_INFO, "directory.accepted",
			    "serial=%llu parties=%zu",
			    (unsigned long long)d->serial, d->nparties);
		hn_directory_free(f->dir);
		f->dir = d;
	} else {
		hn_diag(HN_DIAG_WARN, "directory.refused",
		    "error=%s field=%s "
		    "message=\"%s\"",
		    hn_errcode(r), err ? err->field : "",
		    err ? err->message : "");
	}
	pthread_rwlock_unlock(&f->dir_lock);
	return r;
}

int
hn_fed_directory_raw(struct hn_fed *f, struct hn_buf *out)
{
	int r = HN_ENOTFOUND;

	pthread_rwlock_rdlock(&f->dir_lock);
	if (f->dir != NULL)
		r = hn_buf_add(out, f->dir->raw, f->dir->raw_len);
	pthread_rwlock_unlock(&f->dir_lock);
	return r;
}

void
hn_fed_directory_info(struct hn_fed *f, int *version, uint64_t *serial,
    int64_t *expires_at, size_t *nparties)
{
	pthread_rwlock_rdlock(&f->dir_lock);
	*version = f->dir ? f->dir->version : 0;
	*serial = f->dir ? f->dir->serial : 0;
	*expires_at = f->dir ? f->dir->expires_at : 0;
	*nparties = f->dir ? f->dir->nparties : 0;
	pthread_rwlock_unlock(&f->dir_lock);
}

json_t *
hn_fed_party_languages(struct hn_fed *f, const char *party)
{
	const struct hn_dir_party *p;
	json_t *l = NULL;

	pthread_rwlock_rdlock(&f->dir_lock);
	if (f->dir != NULL && (p = hn_directory_find(f->dir, party)) != NULL)
		l = json_deep_copy(json_object_get(p->entry, "languages"));
	pthread_rwlock_unlock(&f->dir_lock);
	return l;
}

/* ---- queueing (sender side, inside the caller's transaction) ---- */

static int
ledger_event(struct hn_fed *f, struct hn_db *db, json_t *ev, uint64_t *index)
{
	char *s;
	int r;

	if (ev == NULL || (s = hn_json_dump(ev)) == NULL) {
		json_decref(ev);
		return HN_ENOMEM;
	}
	json_decref(ev);
	r = f->env.ledger_append(f->env.ctx, db, s, strlen(s), index);
	free(s);
	return r;
}

int
hn_fed_queue(struct hn_fed *f, struct hn_db *db, const char *recipient,
    const char *kind, const char *in_reply_to, const char *request_id,
    const json_t *body, int64_t now, char msg_id[HN_MSGID_LEN + 1],
    uint64_t *index_out, struct hn_error *err)
{
	const struct hn_msg_kind *k;
	char *text = NULL;
	uint64_t index;
	int r;

	if ((k = hn_msg_kind_find(kind)) == NULL)
		return hn_error_set(err, HN_EINVAL, "kind", NULL,
		    "unknown message kind");
	if (recipient == NULL || strlen(recipient) != 3 ||
	    strcmp(recipient, f->cfg.party) == 0)
		return hn_error_set(err, HN_EINVAL, "to", NULL,
		    "the recipient must be another party");
	if (k->needs_reply_to && (in_reply_to == NULL || !*in_reply_to))
		return hn_error_set(err, HN_EINVAL, "in_reply_to", NULL,
		    "a %s must name what it answers", kind);
	if (!json_is_object(body) || (text = hn_json_dump(body)) == NULL)
		return hn_error_set(err, HN_EINVAL, "body", NULL,
		    "body must be a JSON object");
	if (strlen(text) > HN_ENV_MAX - 1024) {
		r = hn_error_set(err, HN_ETOOBIG, "body", NULL,
		    "message body too large");
		goto out;
	}
	/* a request keeps one id on both nodes: its message's id */
	if (k->is_request && request_id != NULL && hn_msgid_valid(request_id))
		memcpy(msg_id, request_id, HN_MSGID_LEN + 1);
	else
		hn_msgid_new(msg_id);
	if ((r = hn_fedstore_outbox_add(db, msg_id, recipient, kind,
		 in_reply_to, request_id, text, now)) < 0) {
		hn_error_set(err, r, NULL, NULL, "cannot queue the message");
		goto out;
	}
	if ((r = ledger_event(f, db,
		 json_pack("{s:s, s:s, s:s, s:s, s:s}", "event",
		     "message.queued", "id", msg_id, "to", recipient, "kind",
		     kind, "request", request_id ? request_id : ""),
		 &index)) < 0) {
		hn_error_set(err, r, NULL, NULL, "cannot log the message");
		goto out;
	}
	if (index_out != NULL)
		*index_out = index;
	__atomic_store_n(&f->queued, 1, __ATOMIC_RELEASE);
	r = 0;
out:
	free(text);
	return r;
}

/* ---- the inbox (receiver side) ---- */

static int
reject(struct hn_fed *f, int *status, const char **ctype, struct hn_buf *resp,
    int http, const char *code, const char *sender, const char *id,
    const char *msg)
{
	json_t *j;
	char *s;
	int r;

	STAT_INC(f, inbox_rejected);
	hn_diag(HN_DIAG_WARN, "inbox.rejected",
	    "reason=%s sender=%s id=%s "
	    "message=\"%s\"",
	    code, sender ? sender : "-", id ? id : "-", msg);
	*status = http;
	*ctype = "application/json";
	j = json_pack("{s:s, s:s}", "error", code, "message", msg);
	if (j == NULL || (s = json_dumps(j, JSON_COMPACT)) == NULL) {
		json_decref(j);
		return HN_ENOMEM;
	}
	hn_buf_reset(resp);
	r = hn_buf_adds(resp, s);
	free(s);
	json_decref(j);
	return r;
}

struct inbox_job {
	struct hn_fed *f;
	const struct hn_envelope *e;
	int64_t received_ms;
	uint64_t index;
	struct hn_buf *receipt; /* signed in the transaction, or left empty */
};

static int
inbox_store(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct inbox_job *j = arg;
	struct hn_fed *f = j->f;
	const struct hn_envelope *e = j->e;
	struct hn_buf cp = HN_BUF_INIT(HN_CHECKPOINT_MAX);
	uint8_t h[HN_SHA256_LEN];
	char hex[hn_hex_len(HN_SHA256_LEN)], refused[HN_REFUSED_MAX + 1];
	int r;

	/* The node applies it first (its own entries precede ours); a
	 * message that is not a legal change of its copy is refused for
	 * good: kept, logged, receipted as refused (docs/protocol.md
	 * section 4). */
	refused[0] = '\0';
	if (f->env.deliver != NULL &&
	    (r = f->env.deliver(f->env.ctx, db, e, refused, sizeof(refused),
		 err)) < 0)
		return r;
	hn_sha256(e->raw, e->raw_len, h);
	hn_hex_encode(hex, h, sizeof(h));
	if ((r = ledger_event(f, db,
		 json_pack("{s:s, s:s, s:s, s:s, s:s, "
			   "s:s, s:s*}",
		     "event", "message.received", "id", e->id, "from",
		     e->sender, "kind", e->kind, "in_reply_to", e->in_reply_to,
		     "envelope_sha256", hex, "refused",
		     refused[0] != '\0' ? refused : NULL),
		 &j->index)) < 0)
		return hn_error_set(err, r, NULL, NULL,
		    "cannot append to the ledger");
	if ((r = hn_fedstore_inbox_add(db, e->sender, e->id, e->kind,
		 e->in_reply_to, e->raw, e->raw_len, j->received_ms,
		 (int64_t)j->index)) < 0)
		return hn_error_set(err, r, NULL, NULL,
		    r == HN_EEXIST ? "duplicate" : "cannot store");
	if (refused[0] != '\0') {
		if ((r = hn_fedstore_inbox_set_refused(db, e->sender, e->id,
			 refused)) < 0)
			return hn_error_set(err, r, NULL, NULL,
			    "cannot record the refusal");
		hn_diag(HN_DIAG_WARN, "inbox.refused",
		    "sender=%s id=%s kind=%s "
		    "request=%s reason=\"%s\"",
		    e->sender, e->id, e->kind, e->in_reply_to, refused);
	}
	if (f->env.checkpoint_pending == NULL)
		return 0; /* receipted after the commit (receipt_for) */
	/* The receipt in this same transaction: its checkpoint covers the
	 * entry above and is recorded here; the caller gives the receipt out
	 * only once the transaction committed. */
	hn_buf_reset(j->receipt);
	if ((r = f->env.checkpoint_pending(f->env.ctx, db, &cp)) < 0 ||
	    (r = hn_receipt_seal_refused(j->receipt, e->id, e->sender,
		 f->cfg.party, j->received_ms / 1000, j->index, cp.data,
		 refused, f->sk, err)) < 0 ||
	    (r = hn_fedstore_inbox_set_receipt(db, e->sender, e->id,
		 j->receipt->data, j->receipt->len)) < 0) {
		hn_buf_reset(j->receipt);
		hn_error_set(err, r, NULL, NULL, "cannot sign the receipt");
	}
	hn_buf_release(&cp);
	return r < 0 ? r : 0;
}

struct receipt_job {
	const char *sender, *id;
	const char *receipt;
	size_t len;
};

static int
receipt_store(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct receipt_job *j = arg;
	int r;

	r = hn_fedstore_inbox_set_receipt(db, j->sender, j->id, j->receipt,
	    j->len);
	if (r == HN_EEXIST)
		return 0; /* a concurrent duplicate stored its receipt first */
	return r < 0 ? hn_error_set(err, r, NULL, NULL, "cannot store") : 0;
}

/*
 * The receipt for a stored message: the one already given, or a new one
 * (signed now, with a checkpoint covering its index) stored once.
 */
static int
receipt_for(struct hn_fed *f, const char *sender, const char *id,
    struct hn_buf *resp)
{
	struct hn_buf cp = HN_BUF_INIT(HN_CHECKPOINT_MAX);
	struct hn_inbox_row row;
	struct receipt_job rj;
	struct hn_db *db = NULL;
	struct hn_error err;
	int r;

	memset(&row, 0, sizeof(row));
	if ((r = f->env.reader(f->env.ctx, &db)) < 0)
		goto out;
	r = hn_fedstore_inbox_get(db, sender, id, &row);
	f->env.release(f->env.ctx, db);
	if (r < 0)
		goto out;
	if (row.receipt == NULL) {
		if ((r = f->env.checkpoint(f->env.ctx,
			 (uint64_t)row.ledger_index + 1, &cp)) < 0)
			goto out;
		hn_buf_reset(resp);
		if ((r = hn_receipt_seal_refused(resp, id, sender, f->cfg.party,
			 row.received_ms / 1000, (uint64_t)row.ledger_index,
			 cp.data, row.refused, f->sk, &err)) < 0)
			goto out;
		rj.sender = sender;
		rj.id = id;
		rj.receipt = resp->data;
		rj.len = resp->len;
		if ((r = f->env.write(f->env.ctx, receipt_store, &rj, &err)) <
		    0)
			goto out;
		hn_inbox_row_release(&row);
		/* Read back: a concurrent duplicate may have stored first. */
		if ((r = f->env.reader(f->env.ctx, &db)) < 0)
			goto out;
		r = hn_fedstore_inbox_get(db, sender, id, &row);
		f->env.release(f->env.ctx, db);
		if (r < 0 || row.receipt == NULL) {
			r = r < 0 ? r : HN_EINTERNAL;
			goto out;
		}
	}
	hn_buf_reset(resp);
	r = hn_buf_add(resp, row.receipt, row.receipt_len);
out:
	hn_inbox_row_release(&row);
	hn_buf_release(&cp);
	return r;
}

/* A step of the inbox returns this after writing a rejection into the
 * response (reject() returned 0). */
#define INBOX_ANSWERED 1

static int
rejected(int r)
{
	return r < 0 ? r : INBOX_ANSWERED;
}

/*
 * Under the directory's lock: the directory is fresh, the body is a signed
 * envelope from a party in it, over that party's pinned TLS certificate,
 * and its signature verifies under the party's key. *out receives the
 * opened envelope and sender the signer's name. 0, INBOX_ANSWERED or a
 * negative error.
 */
static int
inbox_open(struct hn_fed *f, const char *body, size_t len,
    const uint8_t *peer_fp, int64_t now, char sender[HN_SIGNER_MAX + 1],
    struct hn_envelope **out, int *status, const char **ctype,
    struct hn_buf *resp)
{
	const struct hn_dir_party *p;
	struct hn_signed so;
	struct hn_error err;
	int r;

	pthread_rwlock_rdlock(&f->dir_lock);
	if (f->dir == NULL || now >= f->dir->expires_at) {
		r = rejected(reject(f, status, ctype, resp, 503,
		    "stale_directory", NULL, NULL,
		    f->dir == NULL ? "this node holds no directory" :
				     "this node's directory has expired"));
		goto out;
	}
	if (hn_signed_parse(&so, body, len, HN_ENV_MAX, &err) < 0 ||
	    strcmp(so.type, HN_SIGNED_ENVELOPE) != 0) {
		r = rejected(reject(f, status, ctype, resp, 400, "malformed",
		    NULL, NULL, "not a signed envelope"));
		goto out;
	}
	memcpy(sender, so.signer, HN_SIGNER_MAX + 1);
	if ((p = hn_directory_find(f->dir, so.signer)) == NULL) {
		r = rejected(
		    reject(f, status, ctype, resp, 403, "unknown_sender",
			sender, NULL, "the sender is not in the directory"));
		goto out;
	}
	if (!hn_dir_party_has_pin(p, peer_fp)) {
		r = rejected(reject(f, status, ctype, resp, 403,
		    "certificate_mismatch", sender, NULL,
		    "the TLS client "
		    "certificate is not the sender's certificate in the "
		    "directory"));
		goto out;
	}
	if ((r = hn_envelope_open_pk(out, body, len, p->pk, &err)) < 0) {
		if (r == HN_EVERIFY)
			r = reject(f, status, ctype, resp, 403, "bad_signature",
			    sender, NULL,
			    "the signature does not verify under the sender's "
			    "key");
		else
			r = reject(f, status, ctype, resp, 400, "malformed",
			    sender, NULL, err.message);
		r = rejected(r);
		goto out;
	}
	r = 0;
out:
	pthread_rwlock_unlock(&f->dir_lock);
	return r;
}

/*
 * A new message (not a duplicate): its time is inside the window and a
 * request's from/to are the envelope's and pass the treaty gate. 0,
 * INBOX_ANSWERED or a negative error.
 */
static int
inbox_admit(struct hn_fed *f, const struct hn_envelope *e, int64_t now,
    const char *sender, int *status, const char **ctype, struct hn_buf *resp)
{
	const struct hn_msg_kind *k;
	const char *from, *to;
	char reason[512];
	int gr;

	if (e->time < now - f->cfg.time_window_s ||
	    e->time > now + f->cfg.future_skew_s)
		return rejected(reject(f, status, ctype, resp, 400,
		    "stale_time", sender, e->id,
		    "the message time is outside "
		    "the accepted window"));
	k = hn_msg_kind_find(e->kind);
	if (k == NULL || !k->is_request)
		return 0;
	from = hn_json_str(e->body, "from");
	to = hn_json_str(e->body, "to");
	if ((from != NULL && strcmp(from, e->sender) != 0) ||
	    (to != NULL && strcmp(to, e->recipient) != 0))
		return rejected(reject(f, status, ctype, resp, 400, "malformed",
		    sender, e->id,
		    "the request's from/to are "
		    "not the envelope's sender/recipient"));
	reason[0] = '\0';
	gr = f->env.gate(f->env.ctx, f->cfg.party, e->sender, e->time, e->body,
	    reason, sizeof(reason));
	if (gr == HN_EDENIED)
		return rejected(reject(f, status, ctype, resp, 403,
		    "not_in_force", sender, e->id, reason));
	if (gr != 0)
		return rejected(reject(f, status, ctype, resp, 400,
		    "invalid_request", sender, e->id, reason));
	return 0;
}

/*
 * Stores an admitted message in one transaction (its row, ledger entry and
 * signed receipt, left in resp). *dup is set if a concurrent copy won.
 * 0 or a negative error.
 */
static int
inbox_accept(struct hn_fed *f, const struct hn_envelope *e, int64_t now,
    struct hn_buf *resp, int *dup)
{
	struct inbox_job job;
	struct hn_error err;
	int r;

	job.f = f;
	job.e = e;
	job.received_ms = now * 1000;
	job.receipt = resp;
	hn_buf_reset(resp);
	r = f->env.write(f->env.ctx, inbox_store, &job, &err);
	if (r < 0)
		hn_buf_reset(resp); /* not committed: never given out */
	if (r == HN_EEXIST) {
		*dup = 1; /* a concurrent copy won */
		return 0;
	}
	if (r < 0) {
		hn_diag(HN_DIAG_ERROR, "inbox.store_failed",
		    "sender=%s id=%s "
		    "error=\"%s\"",
		    e->sender, e->id, err.message);
		return r;
	}
	STAT_INC(f, inbox_accepted);
	if (f->env.accepted != NULL)
		f->env.accepted(f->env.ctx, e, job.index);
	hn_diag(HN_DIAG_INFO, "inbox.accepted",
	    "sender=%s id=%s kind=%s "
	    "index=%llu",
	    e->sender, e->id, e->kind, (unsigned long long)job.index);
	return 0;
}

int
hn_fed_inbox(struct hn_fed *f, const char *body, size_t len,
    const uint8_t *peer_fp, int64_t now, int *status, const char **ctype,
    struct hn_buf *resp)
{
	struct hn_envelope *e = NULL;
	struct hn_inbox_row row;
	struct hn_db *db = NULL;
	char sender[HN_SIGNER_MAX + 1] = "";
	int r, dup = 0;

	memset(&row, 0, sizeof(row));
	if ((r = inbox_open(f, body, len, peer_fp, now, sender, &e, status,
		 ctype, resp)) != 0)
		goto out;
	if (strcmp(e->recipient, f->cfg.party) != 0) {
		r = rejected(
		    reject(f, status, ctype, resp, 400, "wrong_recipient",
			sender, e->id, "this node is not the recipient"));
		goto out;
	}
	/* Dedup before the time window: a retried message gets the
	 * original receipt however late it arrives. */
	if ((r = f->env.reader(f->env.ctx, &db)) < 0)
		goto out;
	r = hn_fedstore_inbox_get(db, e->sender, e->id, &row);
	f->env.release(f->env.ctx, db);
	if (r == 0)
		dup = 1;
	else if (r != HN_ENOTFOUND)
		goto out;
	if (!dup &&
	    ((r = inbox_admit(f, e, now, sender, status, ctype, resp)) != 0 ||
		(r = inbox_accept(f, e, now, resp, &dup)) != 0))
		goto out;
	if (dup) {
		STAT_INC(f, inbox_duplicates);
		hn_diag(HN_DIAG_INFO, "inbox.duplicate", "sender=%s id=%s",
		    e->sender, e->id);
	}
	if (!dup && resp->len > 0) {
		/* signed and stored with the message; the commit is done */
	} else if ((r = receipt_for(f, e->sender, e->id, resp)) < 0) {
		hn_diag(HN_DIAG_ERROR, "inbox.receipt_failed",
		    "sender=%s id=%s "
		    "error=%s",
		    e->sender, e->id, hn_errcode(r));
		goto out;
	}
	*status = 200;
	*ctype = "application/vnd.hanoinet.receipt";
	r = 0;
out:
	hn_inbox_row_release(&row);
	hn_envelope_free(e);
	return r == INBOX_ANSWERED ? 0 : r;
}

/* ---- the delivery worker (sender side) ---- */

int
hn_fed_client_new(struct hn_fed *f, const struct hn_dir_party *p,
    struct hn_client **out, struct hn_error *err)
{
	const struct hn_dir_endpoint *ep = hn_dir_party_endpoint(p);
	struct hn_client_opts o;

	*out = NULL;
	if (ep == NULL)
		return hn_error_set(err, HN_ENOTFOUND, "endpoints", NULL,
		    "%s has no endpoint", p != NULL ? p->code : "-");
	memset(&o, 0, sizeof(o));
	o.url = ep->url;
	o.trust = HN_TRUST_PINS;
	o.pins = (const uint8_t(*)[32])ep->tls_sha256;
	o.npins = ep->npins;
	o.cert = f->cfg.tls_cert;
	o.key = f->cfg.tls_key;
	o.timeout_ms = f->cfg.timeout_ms;
	return hn_client_new(out, &o, err);
}

struct hn_client *
hn_fed_peer_for(struct hn_fed *f, struct peer_slot *slots, size_t *n,
    const struct hn_dir_party *p, struct hn_error *err)
{
	/* Delivery uses the first endpoint; failover between endpoints is
	 * issue 14. Any of its pins is accepted. */
	const struct hn_dir_endpoint *ep = hn_dir_party_endpoint(p);
	struct peer_slot *s = NULL;
	size_t i;

	if (ep == NULL) {
		hn_error_set(err, HN_ENOTFOUND, "endpoints", NULL,
		    "%s has no endpoint", p->code);
		return NULL;
	}
	for (i = 0; i < *n; i++)
		if (strcmp(slots[i].code, p->code) == 0)
			s = &slots[i];
	if (s != NULL && strcmp(s->url, ep->url) != 0) {
		hn_client_free(s->p); /* the node moved */
		s->p = NULL;
	}
	if (s == NULL) {
		if (*n == MAX_PEERS) {
			hn_client_free(slots[0].p);
			memmove(&slots[0], &slots[1],
			    (MAX_PEERS - 1) * sizeof(slots[0]));
			(*n)--;
		}
		s = &slots[(*n)++];
		memset(s, 0, sizeof(*s));
		memcpy(s->code, p->code, 4);
	}
	if (s->p == NULL) {
		memcpy(s->url, ep->url, strlen(ep->url) + 1);
		if (hn_fed_client_new(f, p, &s->p, err) < 0)
			return NULL;
	} else {
		hn_client_set_pins(s->p, (const uint8_t(*)[32])ep->tls_sha256,
		    ep->npins);
	}
	return s->p;
}

/*
 * Any delivery thread delivers any due row. It claims the row's id in
 * f->inflight (under f->mu) so that no other thread sends it meanwhile,
 * reads the row, signs the envelope and POSTs it over its own kept-alive
 * connection to the recipient. A verified receipt goes to the marker
 * thread, which records the receipts that arrived meanwhile in ONE
 * transaction (so a delivery thread goes on with the next row instead of
 * waiting for a commit per receipt); the row stays claimed until its
 * receipt is committed. A crash before that loses nothing: the row is due
 * again and the recipient answers the resend with the original receipt.
 */

/* The claim of a work item: its kind and id (a message and a transfer
 * never share one). */
static void
claim_key(char out[HN_FED_CLAIM_LEN], int kind, const char *id)
{
	size_t n = strnlen(id, HN_MSGID_LEN);

	out[0] = kind == HN_WORK_EVIDENCE ? 'e' : 'm';
	memcpy(out + 1, id, n);
	out[n + 1] = '\0';
}

/* Called with f->mu held. */
static int
inflight_has(struct hn_fed *f, const char *id)
{
	size_t i;

	for (i = 0; i < f->ninflight; i++)
		if (strcmp(f->inflight[i], id) == 0)
			return 1;
	return 0;
}

static void
inflight_remove(struct hn_fed *f, const char *id)
{
	size_t i;

	for (i = 0; i < f->ninflight; i++)
		if (strcmp(f->inflight[i], id) == 0) {
			memmove(f->inflight[i], f->inflight[f->ninflight - 1],
			    sizeof(f->inflight[i]));
			f->ninflight--;
			return;
		}
}

static void
release_claim(struct hn_fed *f, const char *id)
{
	pthread_mutex_lock(&f->mu);
	inflight_remove(f, id);
	pthread_mutex_unlock(&f->mu);
}

struct mark_job {
	struct hn_fed *f;
	const char *msg_id;
	int status, attempts;
	int64_t next_ms;
	const char *error;
};

static int
mark_store(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct mark_job *j = arg;
	int r;

	if ((r = hn_fedstore_outbox_mark(db, j->msg_id, j->status, j->attempts,
		 j->next_ms, j->error)) < 0)
		return r;
	if (j->status == HN_OUT_FAILED && j->f->env.failed != NULL)
		return j->f->env.failed(j->f->env.ctx, db, j->msg_id, j->error,
		    err);
	return 0;
}

/* Records one receipt: the outbox row, a ledger entry, the node's hook. */
static int
delivered_one(struct hn_fed *f, struct hn_db *db, const struct fed_mark *m,
    struct hn_error *err)
{
	uint64_t index;
	int r;

	if ((r = hn_fedstore_outbox_delivered(db, m->rc->message_id, m->rc->raw,
		 m->rc->raw_len, (int64_t)m->rc->ledger_index, m->rc->refused,
		 m->now_ms)) < 0)
		return r;
	if ((r = ledger_event(f, db,
		 json_pack("{s:s, s:s, s:s, s:I, s:s*}", "event",
		     "message.delivered", "id", m->rc->message_id, "to",
		     m->rc->recipient, "their_index",
		     (json_int_t)m->rc->ledger_index, "refused",
		     m->rc->refused[0] != '\0' ? m->rc->refused : NULL),
		 &index)) < 0)
		return r;
	if (m->rc->refused[0] != '\0')
		hn_diag(HN_DIAG_WARN, "outbox.refused",
		    "id=%s to=%s reason=\"%s\"", m->rc->message_id,
		    m->rc->recipient, m->rc->refused);
	if (f->env.delivered != NULL)
		return f->env.delivered(f->env.ctx, db, m->rc->message_id,
		    m->rc, err);
	return 0;
}

struct marks_job {
	struct hn_fed *f;
	const struct fed_mark *m;
	size_t n;
};

static int
marks_store(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct marks_job *j = arg;
	size_t i;
	int r;

	for (i = 0; i < j->n; i++)
		if ((r = delivered_one(j->f, db, &j->m[i], err)) < 0)
			return r;
	return 0;
}

/* Records a failed attempt: retry later, or failed for good. */
static void
record_failure(struct hn_fed *f, const char *msg_id, const char *recipient,
    int attempts, int final, const char *msg)
{
	struct hn_error werr;
	struct mark_job mj;

	mj.f = f;
	mj.msg_id = msg_id;
	mj.attempts = attempts;
	if (final || hn_retry_exhausted(&f->retry, mj.attempts)) {
		mj.status = HN_OUT_FAILED;
		mj.next_ms = 0;
		STAT_INC(f, out_failed);
		hn_diag(HN_DIAG_WARN, "outbox.failed",
		    "id=%s to=%s attempts=%d "
		    "error=\"%s\"",
		    msg_id, recipient, mj.attempts, msg);
	} else {
		mj.status = HN_OUT_DELIVERING;
		mj.next_ms =
		    hn_fed_now_ms() + hn_retry_delay_ms(&f->retry, mj.attempts);
		hn_diag(HN_DIAG_INFO, "outbox.retry",
		    "id=%s to=%s attempts=%d "
		    "in_ms=%lld error=\"%s\"",
		    msg_id, recipient, mj.attempts,
		    (long long)(mj.next_ms - hn_fed_now_ms()), msg);
	}
	mj.error = msg;
	if (f->env.write(f->env.ctx, mark_store, &mj, &werr) < 0)
		hn_diag(HN_DIAG_ERROR, "outbox.mark_failed", "id=%s", msg_id);
}

/* Records receipts (marker thread): all in one transaction, or one by one
 * if that fails; then releases their claims. */
static void
record_marks(struct hn_fed *f, struct fed_mark *m, size_t n)
{
	struct hn_error err;
	struct marks_job mj;
	size_t i;
	int r = 0;

	mj.f = f;
	mj.m = m;
	mj.n = n;
	if (n > 1)
		r = f->env.write(f->env.ctx, marks_store, &mj, &err);
	for (i = 0; i < n; i++) {
		if (n == 1 || r < 0) {
			mj.m = &m[i];
			mj.n = 1;
			if (f->env.write(f->env.ctx, marks_store, &mj, &err) <
			    0) {
				record_failure(f, m[i].rc->message_id,
				    m[i].rc->recipient, m[i].attempts, 0,
				    "cannot store the receipt");
				continue;
			}
		}
		STAT_INC(f, out_delivered);
		hn_diag(HN_DIAG_INFO, "outbox.delivered",
		    "id=%s to=%s "
		    "attempts=%d their_index=%llu",
		    m[i].rc->message_id, m[i].rc->recipient, m[i].attempts,
		    (unsigned long long)m[i].rc->ledger_index);
	}
	pthread_mutex_lock(&f->mu);
	/* threads waiting for room, and the next message about the same
	 * request, which waited for this receipt (store/fed.c IN_TURN) */
	f->kicks++;
	pthread_cond_broadcast(&f->wcv);
	for (i = 0; i < n; i++) {
		char key[HN_FED_CLAIM_LEN];

		claim_key(key, HN_WORK_MESSAGE, m[i].rc->message_id);
		inflight_remove(f, key);
	}
	pthread_mutex_unlock(&f->mu);
	for (i = 0; i < n; i++)
		hn_receipt_free(m[i].rc);
}

static void *
marker_main(void *arg)
{
	struct hn_fed *f = arg;
	struct fed_mark batch[HN_FED_MARKS_MAX];
	size_t n;

	pthread_mutex_lock(&f->mu);
	for (;;) {
		while (f->nmarks == 0 && !f->workers_done)
			pthread_cond_wait(&f->mcv, &f->mu);
		if (f->nmarks == 0)
			break; /* the delivery threads are gone */
		n = f->nmarks;
		memcpy(batch, f->marks, n * sizeof(batch[0]));
		f->nmarks = 0;
		pthread_cond_broadcast(&f->roomcv);
		pthread_mutex_unlock(&f->mu);
		record_marks(f, batch, n);
		pthread_mutex_lock(&f->mu);
	}
	pthread_mutex_unlock(&f->mu);
	return NULL;
}

/* Hands a verified receipt (ownership included) to the marker thread. */
static void
queue_mark(struct hn_fed *f, struct hn_receipt *rc, int attempts)
{
	pthread_mutex_lock(&f->mu);
	while (f->nmarks == HN_FED_MARKS_MAX)
		pthread_cond_wait(&f->roomcv, &f->mu);
	f->marks[f->nmarks].rc = rc;
	f->marks[f->nmarks].attempts = attempts;
	f->marks[f->nmarks].now_ms = hn_fed_now_ms();
	f->nmarks++;
	pthread_cond_signal(&f->mcv);
	pthread_mutex_unlock(&f->mu);
}

enum { OUT_DELIVERED, OUT_RETRY, OUT_FAILED };

/* One delivery attempt of one claimed row; records the outcome (a
 * receipt through the marker thread, which releases the claim; anything
 * else here, releasing the claim). */
static int
deliver_one(struct hn_fed_worker *w, struct hn_outbox_row *row)
{
	struct hn_fed *f = w->f;
	struct hn_buf env = HN_BUF_INIT(HN_ENV_MAX);
	struct hn_buf resp = HN_BUF_INIT(HN_RECEIPT_MAX);
	struct hn_receipt *rc = NULL;
	const struct hn_dir_party *p;
	struct hn_error err;
	struct hn_client *peer;
	char msg[HN_OUT_ERROR_MAX] = "", key[HN_FED_CLAIM_LEN];
	uint8_t pk[HN_ED25519_PK_LEN];
	json_t *body = NULL;
	long status = 0;
	int final = 0, r, outcome = OUT_RETRY;

	hn_error_clear(&err);
	STAT_INC(f, out_attempts);
	if ((body = hn_json_parse(row->body, strlen(row->body), HN_ENV_MAX,
		 HN_ENV_DEPTH, &err)) == NULL) {
		msgf(msg, sizeof(msg), "stored body unreadable: %s",
		    err.message);
		final = 1;
		goto done;
	}
	if ((r = hn_envelope_seal(&env, row->msg_id, f->cfg.party,
		 row->recipient, row->kind, (int64_t)time(NULL),
		 row->in_reply_to, body, f->sk, &err)) < 0) {
		msgf(msg, sizeof(msg), "cannot seal: %s", err.message);
		final = 1;
		goto done;
	}
	pthread_rwlock_rdlock(&f->dir_lock);
	p = hn_directory_find(f->dir, row->recipient);
	if (f->dir == NULL || p == NULL) {
		pthread_rwlock_unlock(&f->dir_lock);
		msgf(msg, sizeof(msg), "%s is not in the directory held",
		    row->recipient);
		goto done;
	}
	memcpy(pk, p->pk, sizeof(pk));
	peer = hn_fed_peer_for(f, w->peers, &w->npeers, p, &err);
	pthread_rwlock_unlock(&f->dir_lock);
	if (peer == NULL) {
		msgf(msg, sizeof(msg), "%s", err.message);
		goto done;
	}
	r = hn_client_request(peer, "POST", "/v1/inbox",
	    "application/vnd.hanoinet.envelope", env.data, env.len,
	    f->cfg.timeout_ms, &status, &resp, &err);
	if (r < 0) {
		msgf(msg, sizeof(msg), "%s", err.message);
		goto done;
	}
	if (status == 200) {
		if (hn_receipt_open(&rc, resp.data, resp.len, NULL, pk, &err) <
			0 ||
		    strcmp(rc->message_id, row->msg_id) != 0 ||
		    strcmp(rc->recipient, row->recipient) != 0 ||
		    strcmp(rc->sender, f->cfg.party) != 0) {
			msgf(msg, sizeof(msg), "receipt does not verify: %s",
			    rc == NULL ? err.message : "wrong message");
			goto done;
		}
		queue_mark(f, rc, row->attempts + 1);
		rc = NULL;
		outcome = OUT_DELIVERED;
		goto out;
	}
	{
		json_t *j = hn_json_parse(resp.data ? resp.data : "", resp.len,
		    HN_RECEIPT_MAX, 4, NULL);
		const char *code = j ? hn_json_str(j, "error") : NULL;
		const char *m = j ? hn_json_str(j, "message") : NULL;

		msgf(msg, sizeof(msg), "HTTP %ld %s: %s", status,
		    code ? code : "", m ? m : "");
		final = !hn_retry_answer(status, code);
		json_decref(j);
	}
done:
	record_failure(f, row->msg_id, row->recipient, row->attempts + 1, final,
	    msg);
	claim_key(key, HN_WORK_MESSAGE, row->msg_id);
	release_claim(f, key);
	outcome = final ? OUT_FAILED : OUT_RETRY;
out:
	json_decref(body);
	hn_receipt_free(rc);
	hn_buf_release(&env);
	hn_buf_release(&resp);
	return outcome;
}

/* Reads and delivers a claimed row (released here if there is nothing to
 * do any more). */
static int
deliver_claimed(struct hn_fed_worker *w, const char *msg_id)
{
	struct hn_fed *f = w->f;
	struct hn_outbox_row row;
	struct hn_db *db = NULL;
	char key[HN_FED_CLAIM_LEN];
	int r;

	claim_key(key, HN_WORK_MESSAGE, msg_id);
	if ((r = f->env.reader(f->env.ctx, &db)) == 0) {
		r = hn_fedstore_outbox_get(db, msg_id, &row);
		f->env.release(f->env.ctx, db);
	}
	if (r < 0) {
		release_claim(f, key);
		return OUT_RETRY;
	}
	/* the scan that found it may be older than another thread's
	 * attempt: settled meanwhile, or put back to wait for its retry */
	if (row.status == HN_OUT_DELIVERED || row.status == HN_OUT_FAILED ||
	    row.next_ms > hn_fed_now_ms()) {
		hn_outbox_row_release(&row);
		release_claim(f, key);
		return OUT_DELIVERED;
	}
	r = deliver_one(w, &row);
	hn_outbox_row_release(&row);
	return r;
}

/*
 * Evidence transfers are work items of this engine too: due rows of
 * evidence_transfer (state "sending", next_ms) come in the same scan,
 * are claimed the same way (one owner), and follow the same policy. One
 * attempt (the node's port: offer, the pieces the recipient lacks, up to
 * a slice, finish and the receipt) runs on this thread's kept-alive
 * client; the outcome is recorded here.
 */
struct ev_job {
	struct hn_fed *f;
	const char *xfer, *why;
	int end, failed, attempts;
	int64_t next_ms;
};

static int
ev_store(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct ev_job *j = arg;

	if (j->end)
		return j->f->env.evidence_end(j->f->env.ctx, db, j->xfer,
		    j->failed, j->why, err);
	return hn_xfer_out_schedule(db, j->xfer, j->attempts, j->next_ms);
}

static void
ev_record(struct hn_fed *f, struct ev_job *j)
{
	struct hn_error err;

	hn_error_clear(&err);
	j->f = f;
	if (f->env.write(f->env.ctx, ev_store, j, &err) < 0)
		hn_diag(HN_DIAG_ERROR, "evidence.transfer_state",
		    "transfer=%s "
		    "msg=\"%s\"",
		    j->xfer, err.message);
}

/* The outcome k of an attempt of transfer d (its attempts before it:
 * `before`) recorded: when it is due again, or its end. */
static int
ev_outcome(struct hn_fed *f, const struct hn_outbox_due *d, int k, int before,
    int progressed, char *why, size_t whylen)
{
	struct ev_job j;
	size_t l;

	memset(&j, 0, sizeof(j));
	j.xfer = d->msg_id;
	j.why = why;
	if (k == HN_FED_WORK_DONE) {
		STAT_INC(f, ev_acknowledged);
		return OUT_DELIVERED;
	}
	if (k == HN_FED_WORK_YIELD) {
		j.next_ms = hn_fed_now_ms(); /* the others had their turn */
		ev_record(f, &j);
		return OUT_DELIVERED;
	}
	/* progress: the count starts again, as for a message's first try */
	j.attempts = progressed ? 1 : before + 1;
	if (k == HN_FED_WORK_RETRY &&
	    hn_retry_exhausted(&f->retry, j.attempts)) {
		l = strlen(why);
		(void)hn_fmt_cut(why + l, whylen - l, " (%d attempts)",
		    j.attempts);
		k = HN_FED_WORK_FINAL;
	}
	if (k == HN_FED_WORK_RETRY) {
		j.next_ms =
		    hn_fed_now_ms() + hn_retry_delay_ms(&f->retry, j.attempts);
		hn_diag(HN_DIAG_INFO, "evidence.transfer_retry",
		    "transfer=%s "
		    "to=%s attempts=%d in_ms=%lld msg=\"%s\"",
		    d->msg_id, d->recipient, j.attempts,
		    (long long)(j.next_ms - hn_fed_now_ms()), why);
		ev_record(f, &j);
		return OUT_RETRY;
	}
	j.end = 1;
	j.failed = k == HN_FED_WORK_FINAL;
	if (j.failed) {
		STAT_INC(f, ev_failed);
		hn_diag(HN_DIAG_WARN, "evidence.transfer_failed",
		    "transfer=%s "
		    "to=%s msg=\"%s\"",
		    d->msg_id, d->recipient, why);
	} else {
		hn_diag(HN_DIAG_WARN, "evidence.transfer_interrupted",
		    "transfer=%s to=%s msg=\"%s\"", d->msg_id, d->recipient,
		    why);
	}
	ev_record(f, &j);
	return j.failed ? OUT_FAILED : OUT_DELIVERED;
}

int
hn_fed_evidence_claimed(struct hn_fed *f, const char *xfer)
{
	char key[HN_FED_CLAIM_LEN];
	int v;

	claim_key(key, HN_WORK_EVIDENCE, xfer);
	pthread_mutex_lock(&f->mu);
	v = f->inflight != NULL && inflight_has(f, key);
	pthread_mutex_unlock(&f->mu);
	return v;
}

static int
resume_store(struct hn_db *db, void *arg, struct hn_error *err)
{
	(void)arg;
	(void)err;
	return hn_xfer_out_resume(db, NULL);
}

/* At start: transfers the node left "interrupted" (it stopped) or
 * "sending" (it crashed) are due now, their attempts counted afresh. */
static void
evidence_resume(struct hn_fed *f)
{
	struct hn_error err;

	hn_error_clear(&err);
	if (f->env.evidence != NULL &&
	    f->env.write(f->env.ctx, resume_store, NULL, &err) < 0)
		hn_diag(HN_DIAG_ERROR, "evidence.resume_failed", "msg=\"%s\"",
		    err.message);
}

/* One attempt of a claimed evidence transfer; releases the claim. */
static int
deliver_evidence(struct hn_fed_worker *w, const struct hn_outbox_due *d)
{
	struct hn_fed *f = w->f;
	const struct hn_dir_party *p;
	struct hn_client *peer = NULL;
	struct hn_db *db = NULL;
	struct hn_error err;
	char why[HN_OUT_ERROR_MAX] = "", key[HN_FED_CLAIM_LEN];
	int k = HN_FED_WORK_RETRY, before = 0, progressed = 0, r;

	hn_error_clear(&err);
	claim_key(key, HN_WORK_EVIDENCE, d->msg_id);
	/* the scan may be stale: another thread may have settled it, or
	 * scheduled a retry, before this one claimed it */
	if ((r = f->env.reader(f->env.ctx, &db)) == 0) {
		r = hn_xfer_out_due(db, d->msg_id, hn_fed_now_ms(), &before);
		f->env.release(f->env.ctx, db);
	}
	if (r != 0) {
		release_claim(f, key);
		return r == HN_ENOTFOUND ? OUT_DELIVERED : OUT_RETRY;
	}
	STAT_INC(f, ev_attempts);
	pthread_rwlock_rdlock(&f->dir_lock);
	p = hn_directory_find(f->dir, d->recipient);
	if (f->dir != NULL && p != NULL)
		peer = hn_fed_peer_for(f, w->peers, &w->npeers, p, &err);
	pthread_rwlock_unlock(&f->dir_lock);
	if (peer == NULL)
		msgf(why, sizeof(why), "%s",
		    p == NULL ? "the recipient is not "
				"in the directory held" :
				err.message);
	else
		k = f->env.evidence(f->env.ctx, d->msg_id, peer, &progressed,
		    why, sizeof(why));
	r = ev_outcome(f, d, k, before, progressed, why, sizeof(why));
	release_claim(f, key);
	return r;
}

/* A recipient that just failed is skipped by this thread until it next
 * sleeps, so that one dead peer does not stall the others behind its
 * timeouts. */
static int
in_list(char (*codes)[4], size_t n, const char *c)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(codes[i], c) == 0)
			return 1;
	return 0;
}

static void *
worker_main(void *arg)
{
	struct hn_fed_worker *w = arg;
	struct hn_fed *f = w->f;
	struct hn_outbox_due *due = w->due;
	char down[DUE_BATCH][4], key[HN_FED_CLAIM_LEN];
	struct hn_outbox_due item;
	struct hn_db *db = NULL;
	struct timespec ts;
	unsigned long seen;
	int64_t next, now, wait;
	size_t n, i, limit, ndown = 0;
	int picked, more, skipped;

	for (;;) {
		pthread_mutex_lock(&f->mu);
		if (f->stopping) {
			pthread_mutex_unlock(&f->mu);
			break;
		}
		seen = f->kicks;
		/* every claimed row may still be due: look past them */
		limit = f->ninflight + DUE_BATCH;
		pthread_mutex_unlock(&f->mu);
		if (limit > w->ndue)
			limit = w->ndue;

		n = 0;
		now = hn_fed_now_ms();
		if (f->env.reader(f->env.ctx, &db) == 0) {
			if (hn_fedstore_outbox_due_ids(db, now, due, limit,
				&n) < 0)
				n = 0;
			f->env.release(f->env.ctx, db);
		}
		picked = -1;
		more = skipped = 0;
		pthread_mutex_lock(&f->mu);
		/* (full: every claim is a row being sent or a receipt
		 * being recorded; wait for them) */
		for (i = 0; i < n && !more && f->ninflight < INFLIGHT_MAX(f);
		     i++) {
			claim_key(key, due[i].kind, due[i].msg_id);
			if (inflight_has(f, key) ||
			    (due[i].kind == HN_WORK_EVIDENCE &&
				f->env.evidence == NULL))
				continue;
			if (in_list(down, ndown, due[i].recipient)) {
				skipped = 1;
				continue;
			}
			if (picked < 0)
				picked = (int)i;
			else
				more = 1;
		}
		if (picked >= 0) {
			item = due[picked];
			claim_key(f->inflight[f->ninflight++], item.kind,
			    item.msg_id);
		}
		if (more)
			pthread_cond_signal(&f->wcv); /* another thread */
		pthread_mutex_unlock(&f->mu);
		if (picked >= 0) {
			int o = item.kind == HN_WORK_EVIDENCE ?
			    deliver_evidence(w, &item) :
			    deliver_claimed(w, item.msg_id);

			if (o == OUT_RETRY && ndown < DUE_BATCH &&
			    !in_list(down, ndown, item.recipient))
				memcpy(down[ndown++], item.recipient, 4);
			continue;
		}

		/* Nothing to take: sleep until kicked, until the next row is
		 * due, or 1 s (rows queued by another process). */
		if (skipped) {
			wait = 10; /* retry the skipped peers soon */
		} else if (n > 0) {
			wait = 1000; /* all taken; a kick brings new ones */
		} else {
			next = INT64_MAX;
			if (f->env.reader(f->env.ctx, &db) == 0) {
				next = hn_fedstore_outbox_next(db);
				f->env.release(f->env.ctx, db);
			}
			wait =
			    next == INT64_MAX ? 1000 : next - hn_fed_now_ms();
			if (wait > 1000)
				wait = 1000;
			if (wait <= 0)
				continue;
		}
		ndown = 0;
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += wait / 1000;
		ts.tv_nsec += (wait % 1000) * 1000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_mutex_lock(&f->mu);
		while (f->kicks == seen && !f->stopping) {
			if (pthread_cond_timedwait(&f->wcv, &f->mu, &ts) ==
			    ETIMEDOUT)
				break;
		}
		pthread_mutex_unlock(&f->mu);
	}
	return NULL;
}
