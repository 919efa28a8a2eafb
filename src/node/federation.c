/*
 * federation.c - the federation bound to the node (node/federation.h):
 * the ports fed/ calls (store, ledger, treaty gate), the node's hooks
 * that turn a request change into the message the protocol table sends,
 * the handling of an arriving message through the one gate, and free
 * messages about a request (art. 40). No HTTP here: net/api_fed.c parses
 * the requests and writes the responses.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/grounds.h"
#include "core/request.h"
#include "core/treaty.h"
#include "crypto/sign.h"
#include "fed/fed.h"
#include "fed/nodekey.h"
#include "fed/signed.h"
#include "store/ledger.h"
#include "ledger/note.h"
#include "node/evidence.h"
#include "node/evsend.h"
#include "node/federation.h"
#include "node/node.h"
#include "node/requests.h"
#include "store/fed.h"
#include "store/requests.h"
#include "store/store.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/diag.h"

#define MAX_PARTNERS 64

struct hn_fednode {
	struct hn_node *n;
	struct hn_fed *fed;
	struct hn_register *reg;
	char partners_buf[2][HN_CONF_VALUE_MAX];
	const char *bilateral[MAX_PARTNERS], *reciprocity[MAX_PARTNERS];
	struct hn_partners partners;
	uint8_t sk[HN_ED25519_SK_LEN];
	char key_name[HN_SIGNER_MAX + 1];
	char vkey[HN_VKEY_MAX + 1];
	char dirpath[4096], crt[4096], key[4096];
	uint8_t regpin[32];
	int has_regpin;
	void (*observer)(void *, const char *, const char *);
	void *observer_ctx;
};

/* ---- the ports (struct hn_fed_env) ---- */

static int
p_write(void *ctx, hn_fed_job job, void *arg, struct hn_error *err)
{
	struct hn_fednode *fn = ctx;

	return hn_store_write(fn->n->store, job, arg, err);
}

static int
p_reader(void *ctx, struct hn_db **db)
{
	struct hn_fednode *fn = ctx;

	return hn_store_reader(fn->n->store, db, NULL);
}

static void
p_release(void *ctx, struct hn_db *db)
{
	struct hn_fednode *fn = ctx;

	hn_store_release(fn->n->store, db);
}

static int
p_append(void *ctx, struct hn_db *db, const void *entry, size_t len,
    uint64_t *index)
{
	struct hn_fednode *fn = ctx;

	(void)db; /* the writer connection, which the node's ledger is on */
	return hn_ledger_append(fn->n->ledger, entry, len, index);
}

static int
p_checkpoint(void *ctx, uint64_t min_size, struct hn_buf *out)
{
	struct hn_fednode *fn = ctx;

	/* the node signs a fresh checkpoint whenever the log grew, so it
	 * covers every committed entry (min_size included) */
	(void)min_size;
	return hn_node_checkpoint(fn->n, out, NULL);
}

static int
p_checkpoint_pending(void *ctx, struct hn_db *db, struct hn_buf *out)
{
	struct hn_fednode *fn = ctx;

	(void)db; /* the writer connection, which the node's ledger is on */
	return hn_ledger_checkpoint_pending(fn->n->ledger, out);
}

/* Art. 40: the request's stated language against what `party` accepts
 * (its directory entry); 0 when it does or cannot be known. */
static int
language_check(struct hn_fednode *fn, const json_t *req, const char *party,
    char *reason, size_t len)
{
	const char *acc[16];
	json_t *l = hn_fed_party_languages(fn->fed, party), *v;
	size_t i, n = 0;
	int r = 0;

	if (l != NULL) {
		json_array_foreach(l, i, v) if (json_is_string(v) &&
		    n < sizeof(acc) / sizeof(acc[0])) acc[n++] =
		    json_string_value(v);
		r = hn_request_language_check(req, party, acc, n, reason, len);
	}
	json_decref(l);
	return r;
}

static int
p_gate(void *ctx, const char *us, const char *them, int64_t when,
    const json_t *req, char *reason, size_t len)
{
	struct hn_fednode *fn = ctx;
	const struct hn_register *regs[1];
	struct hn_problems ps;

	hn_problems_init(&ps);
	if (hn_request_validate(req, &ps) != 0) {
		if (ps.n > 0)
			hn_problem_format(&ps.p[0], reason, len);
		else
			(void)hn_fmt_cut(reason, len,
			    "the request is not "
			    "valid");
		return HN_EINVAL;
	}
	if (language_check(fn, req, us, reason, len) != 0)
		return HN_EINVAL;
	regs[0] = fn->reg;
	/* 0, HN_EDENIED (the reason names the basis) or HN_EINVAL */
	return hn_request_gate(req, regs, fn->reg ? 1 : 0, &fn->partners, us,
	    hn_date_of_time(when), reason, len);
}

/*
 * Requests and the network (docs/protocol.md section 4). A request keeps
 * one id on both nodes: the message that carries it has the request's id
 * as its message id, and every answer or withdrawal names it in
 * in_reply_to. What goes out and what an arriving message does are the
 * protocol table's (core/protocol.h), applied by the node's one gate
 * (node/requests.h hn_rq_change):
 * - a change whose row sends a message queues exactly that message for
 *   the other State, in the transaction of the change: the request
 *   document itself (HN_MSG_REQUEST), else {request, state, payload};
 * - an incoming request is stored by the node (hn_rq_receive: none ->
 *   received); an incoming answer or withdrawal is a change of our copy
 *   with cause message; the receipt of our request moves it queued ->
 *   delivered (cause receipt). Every message also stays in the inbox
 *   (GET /v1/messages?box=in).
 */
static int
p_request_send(void *ctx, struct hn_db *db, const struct hn_request_row *rq,
    const char *kind, const json_t *payload, int64_t now, struct hn_error *err)
{
	struct hn_fednode *fn = ctx;
	int ours = strcmp(rq->side, "requesting") == 0;
	char id[HN_MSGID_LEN + 1];
	json_t *body = NULL;
	int r;

	if (fn->fed == NULL)
		return 0; /* not on the network: nothing goes out */
	if (strcmp(kind, HN_MSG_REQUEST) == 0) {
		char why[256];

		if (!ours)
			return hn_error_set(err, HN_EINTERNAL, NULL, NULL,
			    "only the requesting State sends the request");
		if (rq->body == NULL ||
		    (body = hn_json_parse(rq->body, strlen(rq->body),
			 HN_ENV_MAX, HN_ENV_DEPTH, err)) == NULL)
			return HN_EINVAL;
		if (language_check(fn, body, rq->to, why, sizeof(why)) != 0) {
			json_decref(body);
			return hn_error_set(err, HN_EVALIDATE, "language", "40",
			    "%s", why);
		}
		/* the envelope's kind is the request's kind */
		r = hn_fed_queue(fn->fed, db, rq->to, rq->kind, NULL, rq->id,
		    body, now * 1000, id, NULL, err);
		json_decref(body);
		return r;
	}
	/* a request that came in writing, outside the network, is answered
	 * the same way */
	if (!ours && rq->remote_id[0] == '\0')
		return 0;
	body = json_pack("{s:s, s:s}", "request", rq->id, "state", rq->state);
	if (body != NULL && payload != NULL)
		json_object_set(body, "payload", (json_t *)payload);
	r = hn_fed_queue(fn->fed, db, ours ? rq->to : rq->from, kind,
	    ours ? rq->id : rq->remote_id, rq->id, body, now * 1000, id, NULL,
	    err);
	json_decref(body);
	return r;
}

static int
p_request_note(void *ctx, struct hn_db *db, const struct hn_request_row *rq,
    const char *kind, const json_t *payload, int64_t now, struct hn_error *err)
{
	struct hn_fednode *fn = ctx;
	int ours = strcmp(rq->side, "requesting") == 0;
	char id[HN_MSGID_LEN + 1];
	json_t *body;
	int r;

	if (fn->fed == NULL)
		return hn_error_set(err, HN_ESTATE, NULL, NULL,
		    "this node is not on the network");
	if (ours ? (strcmp(rq->state, "draft") == 0 ||
		       strcmp(rq->state, "awaiting_approval") == 0) :
		   rq->remote_id[0] == '\0')
		return hn_error_set(err, HN_ESTATE, "state", "40",
		    "request %s has not gone over the network", rq->id);
	body = json_pack("{s:s, s:O}", "request", rq->id, "payload", payload);
	r = hn_fed_queue(fn->fed, db, ours ? rq->to : rq->from, kind,
	    ours ? rq->id : rq->remote_id, rq->id, body, now * 1000, id, NULL,
	    err);
	json_decref(body);
	return r;
}

/* The store's commit hook (writer thread): a delivery thread starts as
 * soon as a queued message is durable, not after the caller that queued
 * it was scheduled again. */
static void
p_committed(void *ctx)
{
	struct hn_fednode *fn = ctx;

	if (fn->fed != NULL)
		hn_fed_committed(fn->fed);
}

/*
 * A received message, inside its inbox transaction, through the node's
 * one gate: a request is stored (hn_rq_receive: none -> received), an
 * answer or a withdrawal is a change of our copy with cause message
 * (hn_rq_change), more information is added to its history. One that is
 * not a legal change of our copy (core/protocol.h: an unknown request,
 * another party's, a stale or repeated state, a refusal without
 * grounds...) is refused for good: it stays in the inbox and its receipt
 * says why.
 */
static int
p_deliver(void *ctx, struct hn_db *db, const struct hn_envelope *e,
    char *refused, size_t refusedlen, struct hn_error *err)
{
	struct hn_fednode *fn = ctx;
	const struct hn_msg_kind *k = hn_msg_kind_find(e->kind);
	const char *grounds[HN_GROUNDS_MAX];
	struct hn_rq_change_args a;
	struct hn_request_row row;
	struct hn_error why;
	const json_t *payload, *v;
	const char *text;
	size_t i;
	int r;

	hn_error_clear(&why);
	hn_request_row_init(&row);
	memset(&a, 0, sizeof(a));
	a.now = (int64_t)time(NULL);
	payload = json_object_get(e->body, "payload");
	if (k != NULL && k->is_request) {
		r = hn_rq_receive(fn->n, db, e->body, e->id, a.now, &row, &why);
	} else if (strcmp(e->kind, "more_information") == 0) {
		text = hn_json_str(payload, "text");
		r = hn_rq_note(fn->n, db, e->in_reply_to, e->sender, e->sender,
		    e->kind, text != NULL ? text : "", a.now, &row, &why);
	} else if ((a.to = hn_json_str(e->body, "state")) != NULL) {
		a.id = e->in_reply_to;
		a.cause = HN_BY_MESSAGE;
		a.on = e->kind;
		a.party = e->sender;
		a.payload = payload;
		a.reason = hn_json_str(payload, "reason");
		json_array_foreach(json_object_get(payload, "grounds"), i, v)
		{
			if (i >= HN_GROUNDS_MAX)
				break;
			grounds[i] =
			    json_is_string(v) ? json_string_value(v) : "";
			a.ngrounds = i + 1;
		}
		a.grounds = grounds;
		r = hn_rq_change(fn->n, db, &a, &row, &why);
	} else {
		r = hn_error_set(&why, HN_EINVAL, "state", NULL,
		    "a %s names no state of a request", e->kind);
	}
	hn_request_row_release(&row);
	switch (r) {
	case 0:
		return 0;
	case HN_ENOTFOUND:
	case HN_EDENIED:
	case HN_ESTATE:
	case HN_EINVAL:
	case HN_EVALIDATE:
	case HN_EEXIST:
		(void)hn_fmt_cut(refused, refusedlen, "%s%s%s%s%s%s",
		    /* a reason, naming the field when there is one */
		    why.field[0] ? why.field : "", why.field[0] ? ": " : "",
		    why.message[0] ? why.message : hn_strerror(r),
		    why.article[0] ? " (art. " : "", why.article,
		    why.article[0] ? ")" : "");
		return 0;
	default:
		if (err != NULL)
			*err = why;
		return r;
	}
}

/*
 * The outcome of a message we sent about a request, inside the
 * transaction that records it, as a change of our copy with cause
 * receipt where the table has one: our request receipted (queued ->
 * delivered), or refused for good by the other node or undeliverable for
 * good (-> rejected, with why). Other receipts change nothing. The
 * messages about a request go in order (store/fed.c IN_TURN), so a
 * withdrawal sent meanwhile follows its request.
 */
static int
request_outcome(struct hn_fednode *fn, struct hn_db *db, const char *msg_id,
    const char *refused, const char *actor, struct hn_error *err)
{
	const struct hn_msg_kind *k;
	struct hn_rq_change_args a;
	struct hn_outbox_row o;
	struct hn_request_row row;
	json_t *payload = NULL;
	int r = 0;

	if (hn_fedstore_outbox_get(db, msg_id, &o) != 0)
		return 0;
	k = hn_msg_kind_find(o.kind);
	if (o.request_id[0] != '\0' && k != NULL && k->is_request) {
		memset(&a, 0, sizeof(a));
		a.id = o.request_id;
		a.to = NULL; /* where the table's receipt row says */
		a.cause = HN_BY_RECEIPT;
		a.on = refused != NULL ? HN_MSG_REFUSED : HN_MSG_REQUEST;
		a.party = o.recipient;
		a.actor = actor;
		a.now = (int64_t)time(NULL);
		if (refused != NULL &&
		    (payload = json_pack("{s:s}", "reason", refused)) == NULL) {
			r = hn_error_set(err, HN_ENOMEM, NULL, NULL,
			    "out of memory");
			goto out;
		}
		a.payload = payload;
		r = hn_rq_change(fn->n, db, &a, &row, err);
		hn_request_row_release(&row);
		if (r == HN_ESTATE || r == HN_ENOTFOUND)
			r = 0; /* an answer moved it further already */
	}
out:
	json_decref(payload);
	hn_outbox_row_release(&o);
	return r;
}

static int
p_delivered(void *ctx, struct hn_db *db, const char *msg_id,
    const struct hn_receipt *rc, struct hn_error *err)
{
	return request_outcome(ctx, db, msg_id,
	    rc->refused[0] != '\0' ? rc->refused : NULL, NULL, err);
}

static int
p_failed(void *ctx, struct hn_db *db, const char *msg_id, const char *why,
    struct hn_error *err)
{
	/* not the other node's word: our delivery gave up */
	return request_outcome(ctx, db, msg_id,
	    why != NULL && *why != '\0' ? why : "delivery failed", "federation",
	    err);
}

/* Evidence transfers: work items of the delivery engine (node/evsend.h). */
static int
p_evidence(void *ctx, const char *xfer, struct hn_client *peer, int *progressed,
    char *why, size_t whylen)
{
	struct hn_fednode *fn = ctx;
	struct hn_evsend_env env;
	struct hn_error e;

	hn_error_clear(&e);
	*progressed = 0;
	if (hn_ev_setup(fn->n, &e) != 0) {
		(void)hn_fmt_cut(why, whylen, "%s", e.message);
		return HN_FED_WORK_RETRY;
	}
	memset(&env, 0, sizeof(env));
	env.store = fn->n->store;
	env.fed = fn->fed;
	env.blobs = hn_ev_blobs();
	env.keys = hn_ev_keys();
	env.custody = hn_ev_custody;
	return hn_evsend_attempt(&env, xfer, peer, progressed, why, whylen);
}

static int
p_evidence_end(void *ctx, struct hn_db *db, const char *xfer, int failed,
    const char *why, struct hn_error *err)
{
	(void)ctx;
	return hn_evsend_end(db, xfer, failed, why, err);
}

static void
p_accepted(void *ctx, const struct hn_envelope *e, uint64_t index)
{
	struct hn_fednode *fn = ctx;

	(void)index;
	if (fn->observer != NULL)
		fn->observer(fn->observer_ctx, e->sender, e->id);
}

void
hn_fednode_observe(struct hn_node *n,
    void (*fn)(void *ctx, const char *sender, const char *msg_id), void *ctx)
{
	if (n->fed == NULL)
		return;
	n->fed->observer_ctx = ctx;
	n->fed->observer = fn;
}

/* ---- start / stop ---- */

static int
split_codes(char *buf, const char *v, const char **out, size_t *n)
{
	char *p, *e;

	*n = 0;
	if (v == NULL)
		return 0;
	if (strlen(v) >= HN_CONF_VALUE_MAX)
		return HN_ETOOBIG;
	memcpy(buf, v, strlen(v) + 1);
	for (p = buf; *p != '\0' && *n < MAX_PARTNERS; p = e) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		e = p;
		while (*e != '\0' && *e != ',' && *e != ' ')
			e++;
		if (*e != '\0')
			*e++ = '\0';
		out[(*n)++] = p;
	}
	return 0;
}

static long
conf_long(struct hn_node *n, const char *key, long def, long min, long max)
{
	struct hn_error e;
	const char *v = hn_conf_get(&n->conf, key);
	long x;

	if (v == NULL || *v == '\0')
		return def;
	if (hn_conf_int(&n->conf, key, min, max, &x, &e) != 0) {
		hn_diag(HN_DIAG_WARN, "fed.config", "key=%s message=\"%s\"",
		    key, e.message);
		return def;
	}
	return x;
}

/* The delivery engine's settings from hanoinet.conf. */
static int
fed_config(struct hn_node *n, struct hn_fednode *fn, struct hn_fed_config *cfg,
    struct hn_error *err)
{
	const char *v;

	memset(cfg, 0, sizeof(*cfg));
	cfg->party = n->party;
	cfg->sk = fn->sk;
	cfg->key_name = fn->key_name;
	cfg->registry_key = hn_conf_get(&n->conf, "registry_key");
	if (cfg->registry_key == NULL || cfg->registry_key[0] == '\0') {
		/* No federation without a pinned registry: say so once. */
		hn_diag(HN_DIAG_WARN, "fed.disabled",
		    "reason=\"no registry_key in %s\"", n->conf.path);
		cfg->registry_key =
		    "none+00000000+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	}
	cfg->directory_path = fn->dirpath;
	cfg->registry_url = hn_conf_get(&n->conf, "registry_url");
	v = hn_conf_get(&n->conf, "registry_tls_sha256");
	if (v != NULL && *v != '\0') {
		if (strlen(v) != 64 ||
		    hn_hex_decode(fn->regpin, 32, v, 64) != 32) {
			return hn_error_set(err, HN_EINVAL,
			    "registry_tls_sha256", NULL,
			    "must be 64 hex digits");
		}
		cfg->registry_pin = fn->regpin;
	}
	cfg->tls_cert = fn->crt;
	cfg->tls_key = fn->key;
	cfg->retry_base_ms = conf_long(n, "retry_base_ms", 500, 1, 3600000);
	cfg->retry_max_ms = conf_long(n, "retry_max_ms", 60000, 1, 86400000);
	cfg->max_attempts = conf_long(n, "max_attempts", 0, 0, 1000000);
	cfg->workers = conf_long(n, "delivery_workers", 4, 1, 64);
	cfg->timeout_ms = conf_long(n, "peer_timeout_ms", 10000, 100, 600000);
	cfg->time_window_s = conf_long(n, "inbox_window_s", 600, 1, 86400 * 30);
	cfg->future_skew_s = conf_long(n, "inbox_skew_s", 300, 1, 86400);
	cfg->witness_interval_ms =
	    1000 * conf_long(n, "witness_interval_s", 60, 0, 86400);
	cfg->directory_refresh_ms =
	    1000 * conf_long(n, "directory_refresh_s", 300, 1, 86400 * 7);
	return 0;
}

int
hn_fednode_start(struct hn_node *n, struct hn_error *err)
{
	struct hn_fednode *fn = NULL;
	struct hn_fed_config cfg;
	struct hn_fed_env env;
	char *regtext = NULL;
	size_t nb = 0, nr = 0;
	int r = 0;

	if ((fn = calloc(1, sizeof(*fn))) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	fn->n = n;
	/* the node's keys and ledger (node/node.c owns them) */
	memcpy(fn->sk, n->sk, sizeof(fn->sk));
	/* the same sizes as node.h's */
	HN_FMT_FIXED(fn->key_name, sizeof(fn->key_name), "%s", n->key_name);
	HN_FMT_FIXED(fn->vkey, sizeof(fn->vkey), "%s", n->vkey);
	/* The register and the partners the treaty gate consults. */
	if ((regtext = hn_json_dump(n->parties)) == NULL ||
	    (r = hn_register_load(regtext, strlen(regtext), &fn->reg, err)) !=
		0) {
		r = r ? r : HN_ENOMEM;
		goto out;
	}
	if ((r = split_codes(fn->partners_buf[0],
		 hn_conf_get(&n->conf, "bilateral"), fn->bilateral, &nb)) !=
		0 ||
	    (r = split_codes(fn->partners_buf[1],
		 hn_conf_get(&n->conf, "reciprocity"), fn->reciprocity, &nr)) !=
		0) {
		hn_error_set(err, r, "bilateral", NULL, "too many partners");
		goto out;
	}
	fn->partners.bilateral = fn->bilateral;
	fn->partners.nbilateral = nb;
	fn->partners.reciprocity = fn->reciprocity;
	fn->partners.nreciprocity = nr;

	if ((r = hn_conf_path(&n->conf, "directory.signed", fn->dirpath,
		 sizeof(fn->dirpath))) != 0 ||
	    (r = hn_conf_path(&n->conf, "tls.crt", fn->crt, sizeof(fn->crt))) !=
		0 ||
	    (r = hn_conf_path(&n->conf, "tls.key", fn->key, sizeof(fn->key))) !=
		0) {
		hn_error_set(err, r, NULL, NULL, "path too long");
		goto out;
	}
	if ((r = fed_config(n, fn, &cfg, err)) != 0)
		goto out;
	memset(&env, 0, sizeof(env));
	env.ctx = fn;
	env.write = p_write;
	env.reader = p_reader;
	env.release = p_release;
	env.ledger_append = p_append;
	env.checkpoint = p_checkpoint;
	env.checkpoint_pending = p_checkpoint_pending;
	env.gate = p_gate;
	env.accepted = p_accepted;
	env.deliver = p_deliver;
	env.delivered = p_delivered;
	env.failed = p_failed;
	env.evidence = p_evidence;
	env.evidence_end = p_evidence_end;
	if ((r = hn_fed_open(&fn->fed, &cfg, &env, err)) != 0 ||
	    (r = hn_fed_start(fn->fed, err)) != 0)
		goto out;
	n->fed = fn;
	n->hooks.ctx = fn;
	n->hooks.request_send = p_request_send;
	hn_store_on_commit(n->store, p_committed, fn);
	n->hooks.request_note = p_request_note;
	hn_diag(HN_DIAG_INFO, "fed.started", "party=%s key=%s", n->party,
	    fn->vkey);
	fn = NULL;
	r = 0;
out:
	free(regtext);
	if (fn != NULL) {
		n->fed = fn;
		hn_fednode_stop(n);
	}
	return r;
}

void
hn_fednode_stop(struct hn_node *n)
{
	struct hn_fednode *fn = n ? n->fed : NULL;

	if (fn == NULL)
		return;
	hn_store_on_commit(n->store, NULL, NULL);
	hn_fed_close(fn->fed);
	hn_register_free(fn->reg);
	hn_wipe(fn->sk, sizeof(fn->sk));
	free(fn);
	n->fed = NULL;
}

struct hn_fed *
hn_fednode_fed(struct hn_node *n)
{
	return n != NULL && n->fed != NULL ? n->fed->fed : NULL;
}

/* ---- free messages about a request (art. 40) ---- */

struct send_job {
	struct hn_fed *f;
	struct hn_fednode_msg *m;
	const char *reply, *request;
};

static int
send_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct send_job *j = arg;

	return hn_fed_queue(j->f, db, j->m->to, j->m->kind, j->reply,
	    j->request, j->m->body, j->m->now_ms, j->m->id, &j->m->index, err);
}

/*
 * The request a free message is about (issue 12): held here, between us
 * and `to`, and gone (or going, in order before it) over the network: the
 * request's message queued by us and neither refused nor failed, or the
 * request received from `to`. 0 with the row in rq (release it either way).
 */
static int
message_request(struct hn_db *db, const struct hn_fednode_msg *m,
    struct hn_request_row *rq, struct hn_error *err)
{
	struct hn_outbox_row o;
	const char *other;
	int ours, rc;

	if ((rc = hn_requests_get(db, m->ref, rq)) == HN_ENOTFOUND)
		return hn_error_set(err, rc, m->field, "40",
		    "request %s: no such request on this node; a message "
		    "is about a request it holds",
		    m->ref);
	if (rc != 0)
		return hn_error_set(err, HN_EDB, NULL, NULL,
		    "cannot read request %s", m->ref);
	ours = strcmp(rq->side, "requesting") == 0;
	other = ours ? rq->to : rq->from;
	if (strcmp(m->to, other) != 0)
		return hn_error_set(err, HN_EINVAL, "to", "40",
		    "request %s is between %s and %s: its correspondence goes "
		    "to %s",
		    rq->id, rq->from, rq->to, other);
	if (ours) {
		rc = hn_fedstore_outbox_get(db, rq->id, &o);
		if (rc == 0) {
			if (o.status == HN_OUT_FAILED || o.refused[0] != '\0')
				rc = HN_ENOTFOUND;
			hn_outbox_row_release(&o);
		}
	} else {
		rc = rq->remote_id[0] != '\0' ? 0 : HN_ENOTFOUND;
	}
	if (rc == HN_ENOTFOUND)
		return hn_error_set(err, HN_ESTATE, m->field, "40",
		    "request %s has not gone over the network (state %s): "
		    "%s does not hold it",
		    rq->id, rq->state, other);
	if (rc != 0)
		return hn_error_set(err, HN_EDB, NULL, NULL,
		    "cannot read request %s", m->ref);
	return 0;
}

int
hn_fednode_message(struct hn_node *n, struct hn_db *db,
    struct hn_fednode_msg *m, struct hn_error *err)
{
	struct hn_request_row rq;
	struct send_job j;
	struct hn_fed *f = hn_fednode_fed(n);
	int rc;

	if (f == NULL)
		return hn_error_set(err, HN_ESTATE, NULL, NULL,
		    "the federation is not running on this node");
	/* texts the other State's officers will read (issue 15) */
	if ((rc = hn_text_check(m->body, "body", err)) != 0)
		return rc;
	hn_request_row_init(&rq);
	if ((rc = message_request(db, m, &rq, err)) != 0)
		goto out;
	/* as the other node knows it: one id on both nodes */
	memset(&j, 0, sizeof(j));
	j.f = f;
	j.m = m;
	j.request = rq.id;
	j.reply = strcmp(rq.side, "requesting") == 0 ? rq.id : rq.remote_id;
	if ((rc = hn_store_write(n->store, send_job, &j, err)) != 0) {
		if (err != NULL && err->code == 0)
			err->code = rc;
		goto out;
	}
	hn_fed_kick(f);
out:
	hn_request_row_release(&rq);
	return rc;
}

int
hn_fednode_metrics(struct hn_node *n, struct hn_db *db, struct hn_buf *out)
{
	struct hn_fed_stats st;
	int64_t c[4];
	int r;

	if (n->fed == NULL)
		return 0;
	hn_fed_stats(n->fed->fed, &st);
	if (hn_fedstore_outbox_counts(db, c) != 0)
		memset(c, 0, sizeof(c));
	r = hn_buf_addf(out,
	    "# HELP hanoinet_outbox_messages Federation outbox messages by delivery status.\n"
	    "# TYPE hanoinet_outbox_messages gauge\n"
	    "hanoinet_outbox_messages{status=\"queued\"} %lld\n"
	    "hanoinet_outbox_messages{status=\"delivering\"} %lld\n"
	    "hanoinet_outbox_messages{status=\"delivered\"} %lld\n"
	    "hanoinet_outbox_messages{status=\"failed\"} %lld\n"
	    "# HELP hanoinet_inbox_total Federation inbox messages received, by outcome.\n"
	    "# TYPE hanoinet_inbox_total counter\n"
	    "hanoinet_inbox_total{outcome=\"accepted\"} %llu\n"
	    "hanoinet_inbox_total{outcome=\"duplicate\"} %llu\n"
	    "hanoinet_inbox_total{outcome=\"rejected\"} %llu\n"
	    "# HELP hanoinet_delivery_attempts_total Federation message delivery attempts.\n"
	    "# TYPE hanoinet_delivery_attempts_total counter\n"
	    "hanoinet_delivery_attempts_total %llu\n"
	    "# HELP hanoinet_evidence_transfer_attempts_total Evidence transfer attempts to peers.\n"
	    "# TYPE hanoinet_evidence_transfer_attempts_total counter\n"
	    "hanoinet_evidence_transfer_attempts_total %llu\n"
	    "# HELP hanoinet_evidence_transfers_total Evidence transfers finished, by outcome.\n"
	    "# TYPE hanoinet_evidence_transfers_total counter\n"
	    "hanoinet_evidence_transfers_total{outcome=\"acknowledged\"} %llu\n"
	    "hanoinet_evidence_transfers_total{outcome=\"failed\"} %llu\n"
	    "# HELP hanoinet_witness_cosigned_total Peer checkpoints cosigned as a witness.\n"
	    "# TYPE hanoinet_witness_cosigned_total counter\n"
	    "hanoinet_witness_cosigned_total %llu\n"
	    "# HELP hanoinet_witness_alerts_total Witness alerts (inconsistent peer checkpoints).\n"
	    "# TYPE hanoinet_witness_alerts_total counter\n"
	    "hanoinet_witness_alerts_total %llu\n",
	    (long long)c[0], (long long)c[1], (long long)c[2], (long long)c[3],
	    (unsigned long long)st.inbox_accepted,
	    (unsigned long long)st.inbox_duplicates,
	    (unsigned long long)st.inbox_rejected,
	    (unsigned long long)st.out_attempts,
	    (unsigned long long)st.ev_attempts,
	    (unsigned long long)st.ev_acknowledged,
	    (unsigned long long)st.ev_failed,
	    (unsigned long long)st.witness_cosigned,
	    (unsigned long long)st.witness_alerts);
	return r;
}
