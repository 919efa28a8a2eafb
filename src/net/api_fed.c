/*
 * api_fed.c - the federation bound to the node (net/fednode.h) and its
 * HTTP handlers.
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
#include "fed/timefmt.h"
#include "store/ledger.h"
#include "ledger/note.h"
#include "net/fednode.h"
#include "net/http.h"
#include "node/node.h"
#include "node/requests.h"
#include "net/routes.h"
#include "store/fed.h"
#include "store/requests.h"
#include "store/store.h"
#include "util/encode.h"
#include "util/file.h"
#include "util/json.h"
#include "util/log.h"

#define MAX_PARTNERS 64
#define LIST_MAX 200

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
		json_array_foreach(l, i, v)
			if (json_is_string(v) && n < sizeof(acc) / sizeof(acc[0]))
				acc[n++] = json_string_value(v);
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
			snprintf(reason, len, "the request is not valid");
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
    const char *kind, const json_t *payload, int64_t now,
    struct hn_error *err)
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
		if (rq->body == NULL || (body = hn_json_parse(rq->body,
		    strlen(rq->body), HN_ENV_MAX, HN_ENV_DEPTH, err)) == NULL)
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
    const char *kind, const json_t *payload, int64_t now,
    struct hn_error *err)
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

static void
p_after_commit(void *ctx)
{
	struct hn_fednode *fn = ctx;

	if (fn->fed != NULL)
		hn_fed_kick(fn->fed);
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
		json_array_foreach(json_object_get(payload, "grounds"), i, v) {
			if (i >= HN_GROUNDS_MAX)
				break;
			grounds[i] = json_is_string(v) ? json_string_value(v) :
			    "";
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
	case HN_ENOTFOUND: case HN_EDENIED: case HN_ESTATE: case HN_EINVAL:
	case HN_EVALIDATE: case HN_EEXIST:
		snprintf(refused, refusedlen, "%s%s%s%s",
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
		if (refused != NULL && (payload = json_pack("{s:s}", "reason",
		    refused)) == NULL) {
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
	return request_outcome(ctx, db, msg_id, why != NULL && *why != '\0' ?
	    why : "delivery failed", "federation", err);
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
hn_fednode_observe(struct hn_node *n, void (*fn)(void *ctx,
    const char *sender, const char *msg_id), void *ctx)
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
		hn_log(HN_LOG_WARN, "fed.config", "key=%s message=\"%s\"", key,
		    e.message);
		return def;
	}
	return x;
}

int
hn_fednode_start(struct hn_node *n, struct hn_error *err)
{
	struct hn_fednode *fn = NULL;
	struct hn_fed_config cfg;
	struct hn_fed_env env;
	char *regtext = NULL;
	const char *v;
	size_t nb = 0, nr = 0;
	int r = 0;

	if ((fn = calloc(1, sizeof(*fn))) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	fn->n = n;
	/* the node's keys and audit log (node/node.c owns them) */
	memcpy(fn->sk, n->sk, sizeof(fn->sk));
	snprintf(fn->key_name, sizeof(fn->key_name), "%s", n->key_name);
	snprintf(fn->vkey, sizeof(fn->vkey), "%s", n->vkey);
	/* The register and the partners the treaty gate consults. */
	if ((regtext = hn_json_dump(n->parties)) == NULL ||
	    (r = hn_register_load(regtext, strlen(regtext), &fn->reg, err)) !=
	    0) {
		r = r ? r : HN_ENOMEM;
		goto out;
	}
	if ((r = split_codes(fn->partners_buf[0], hn_conf_get(&n->conf,
	    "bilateral"), fn->bilateral, &nb)) != 0 ||
	    (r = split_codes(fn->partners_buf[1], hn_conf_get(&n->conf,
	    "reciprocity"), fn->reciprocity, &nr)) != 0) {
		hn_error_set(err, r, "bilateral", NULL, "too many partners");
		goto out;
	}
	fn->partners.bilateral = fn->bilateral;
	fn->partners.nbilateral = nb;
	fn->partners.reciprocity = fn->reciprocity;
	fn->partners.nreciprocity = nr;

	if ((r = hn_conf_path(&n->conf, "directory.signed", fn->dirpath,
	    sizeof(fn->dirpath))) != 0 ||
	    (r = hn_conf_path(&n->conf, "tls.crt", fn->crt,
	    sizeof(fn->crt))) != 0 ||
	    (r = hn_conf_path(&n->conf, "tls.key", fn->key,
	    sizeof(fn->key))) != 0) {
		hn_error_set(err, r, NULL, NULL, "path too long");
		goto out;
	}
	memset(&cfg, 0, sizeof(cfg));
	cfg.party = n->party;
	cfg.sk = fn->sk;
	cfg.key_name = fn->key_name;
	cfg.registry_key = hn_conf_get(&n->conf, "registry_key");
	if (cfg.registry_key == NULL || cfg.registry_key[0] == '\0') {
		/* No federation without a pinned registry: say so once. */
		hn_log(HN_LOG_WARN, "fed.disabled", "reason=\"no registry_key "
		    "in %s\"", n->conf.path);
		cfg.registry_key = "none+00000000+AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	}
	cfg.directory_path = fn->dirpath;
	cfg.registry_url = hn_conf_get(&n->conf, "registry_url");
	v = hn_conf_get(&n->conf, "registry_tls_sha256");
	if (v != NULL && *v != '\0') {
		if (strlen(v) != 64 ||
		    hn_hex_decode(fn->regpin, 32, v, 64) != 32) {
			r = hn_error_set(err, HN_EINVAL, "registry_tls_sha256",
			    NULL, "must be 64 hex digits");
			goto out;
		}
		cfg.registry_pin = fn->regpin;
	}
	cfg.tls_cert = fn->crt;
	cfg.tls_key = fn->key;
	cfg.retry_base_ms = conf_long(n, "retry_base_ms", 500, 1, 3600000);
	cfg.retry_max_ms = conf_long(n, "retry_max_ms", 60000, 1, 86400000);
	cfg.max_attempts = conf_long(n, "max_attempts", 0, 0, 1000000);
	cfg.workers = conf_long(n, "delivery_workers", 4, 1, 64);
	cfg.timeout_ms = conf_long(n, "peer_timeout_ms", 10000, 100, 600000);
	cfg.time_window_s = conf_long(n, "inbox_window_s", 600, 1, 86400 * 30);
	cfg.future_skew_s = conf_long(n, "inbox_skew_s", 300, 1, 86400);
	cfg.witness_interval_ms = 1000 * conf_long(n, "witness_interval_s",
	    60, 0, 86400);
	cfg.directory_refresh_ms = 1000 * conf_long(n, "directory_refresh_s",
	    300, 1, 86400 * 7);
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
	if ((r = hn_fed_open(&fn->fed, &cfg, &env, err)) != 0 ||
	    (r = hn_fed_start(fn->fed, err)) != 0)
		goto out;
	n->fed = fn;
	n->hooks.ctx = fn;
	n->hooks.request_send = p_request_send;
	n->hooks.after_commit = p_after_commit;
	n->hooks.request_note = p_request_note;
	hn_log(HN_LOG_INFO, "fed.started", "party=%s key=%s", n->party,
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

/* ---- handlers ---- */

static struct hn_fed *
fed_of(struct hn_req *r)
{
	return hn_fednode_fed(r->node);
}

#define NEED_FED(r, f) do { \
	if (((f) = fed_of(r)) == NULL) \
		return hn_resp_error((r), 503, "federation_disabled", NULL, \
		    NULL, "the federation is not running on this node"); \
} while (0)

/* POST /v1/inbox (peer): docs/protocol.md section 5. */
int
hn_api_inbox(struct hn_req *r)
{
	struct hn_buf resp = HN_BUF_INIT(1 << 16);
	const char *ct = "application/json";
	struct hn_fed *f;
	int st = 500, rc;

	NEED_FED(r, f);
	if (hn_fed_inbox(f, r->body ? r->body : "", r->body_len,
	    r->has_peer ? r->peer_fp : NULL, r->now, &st, &ct, &resp) != 0) {
		hn_buf_release(&resp);
		return hn_resp_error(r, 500, "internal", NULL, NULL,
		    "the message could not be processed");
	}
	rc = hn_resp_raw(r, st, ct, resp.data ? resp.data : "", resp.len);
	hn_buf_release(&resp);
	return rc;
}

/* GET /v1/directory: the signed directory this node holds (a registry
 * serves the one it publishes). */
int
hn_api_directory(struct hn_req *r)
{
	struct hn_buf b = HN_BUF_INIT(HN_DIR_MAX);
	struct hn_fed *f;
	int rc;

	NEED_FED(r, f);
	if (hn_fed_directory_raw(f, &b) != 0) {
		hn_buf_release(&b);
		return hn_resp_error(r, 404, "not_found", NULL, NULL,
		    "this node holds no directory");
	}
	rc = hn_resp_raw(r, 200, "text/plain; charset=utf-8", b.data, b.len);
	hn_buf_release(&b);
	return rc;
}

/* GET /v1/federation: party, keys, directory, register label, counters. */
int
hn_api_federation(struct hn_req *r)
{
	struct hn_fednode *fn = r->node->fed;
	struct hn_fed_stats st;
	char ts[HN_TIME_LEN + 1] = "";
	const char *label;
	uint64_t serial = 0;
	int64_t exp = 0;
	size_t np = 0;
	json_t *o;

	if (fn == NULL)
		return hn_resp_error(r, 503, "federation_disabled", NULL, NULL,
		    "the federation is not running on this node");
	hn_fed_directory_info(fn->fed, &serial, &exp, &np);
	if (exp > 0)
		hn_time_format(ts, exp);
	hn_fed_stats(fn->fed, &st);
	label = hn_conf_get(&r->node->conf, "register_label");
	o = json_pack("{s:s, s:s, s:s, s:s, s:{s:I, s:s, s:I}, s:s*, "
	    "s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}}",
	    "party", r->node->party, "role", hn_conf_get(&r->node->conf, "role"),
	    "signing_key", fn->vkey, "key_name", fn->key_name,
	    "directory", "serial", (json_int_t)serial, "expires_at", ts,
	    "parties", (json_int_t)np,
	    "register_label", label && *label ? label : NULL,
	    "counters", "inbox_accepted", (json_int_t)st.inbox_accepted,
	    "inbox_duplicates", (json_int_t)st.inbox_duplicates,
	    "inbox_rejected", (json_int_t)st.inbox_rejected,
	    "out_attempts", (json_int_t)st.out_attempts,
	    "out_delivered", (json_int_t)st.out_delivered,
	    "out_failed", (json_int_t)st.out_failed,
	    "evidence_attempts", (json_int_t)st.ev_attempts,
	    "evidence_acknowledged", (json_int_t)st.ev_acknowledged,
	    "evidence_failed", (json_int_t)st.ev_failed,
	    "witness_cosigned", (json_int_t)st.witness_cosigned,
	    "witness_alerts", (json_int_t)st.witness_alerts);
	return hn_resp_json(r, 200, o);
}

struct send_job {
	struct hn_fed *f;
	const char *to, *kind, *reply, *request;
	const json_t *body;
	char id[HN_MSGID_LEN + 1];
	uint64_t index;
	int64_t now_ms;
};

static int
send_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct send_job *j = arg;

	return hn_fed_queue(j->f, db, j->to, j->kind, j->reply, j->request,
	    j->body, j->now_ms, j->id, &j->index, err);
}

/*
 * The request a free message is about (issue 12): held here, between us
 * and `to`, and gone (or going, in order before it) over the network: the
 * request's message queued by us and neither refused nor failed, or the
 * request received from `to`. 0 with the row in rq (release it), or
 * nonzero with the response set.
 */
static int
message_request(struct hn_req *r, const char *ref, const char *field,
    const char *to, struct hn_request_row *rq)
{
	struct hn_outbox_row o;
	struct hn_db *db = NULL;
	const char *other;
	int ours, rc;

	hn_request_row_init(rq);
	if ((rc = hn_req_db(r, &db)) != 0)
		return hn_resp_error(r, 503, "busy", NULL, NULL, "try again"),
		    rc;
	if ((rc = hn_requests_get(db, ref, rq)) == HN_ENOTFOUND)
		return hn_resp_error(r, 404, "not_found", field, "40",
		    "request %s: no such request on this node; a message "
		    "is about a request it holds", ref), rc;
	if (rc != 0)
		return hn_resp_error(r, 500, "internal", NULL, NULL,
		    "cannot read request %s", ref), rc;
	ours = strcmp(rq->side, "requesting") == 0;
	other = ours ? rq->to : rq->from;
	if (strcmp(to, other) != 0)
		return hn_resp_error(r, 400, "validation_failed", "to", "40",
		    "request %s is between %s and %s: its correspondence goes "
		    "to %s", rq->id, rq->from, rq->to, other), HN_EINVAL;
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
		return hn_resp_error(r, 409, "conflict", field, "40",
		    "request %s has not gone over the network (state %s): "
		    "%s does not hold it", rq->id, rq->state, other), HN_ESTATE;
	if (rc != 0)
		return hn_resp_error(r, 500, "internal", NULL, NULL,
		    "cannot read request %s", ref), rc;
	return 0;
}

/*
 * POST /v1/messages {to, kind, request_id | in_reply_to, body}: free-text
 * correspondence about a request this node holds (kind more_information,
 * art. 40: consultation before refusal), queued with its ledger entry in
 * one transaction -> 201 {id, status, ledger_index}. A request and every
 * change of one go through the request routes, which check the
 * Convention's rules and send the message themselves: any other kind is
 * 400 use_request_routes, field kind (issue 12).
 */
int
hn_api_messages_create(struct hn_req *r)
{
	const struct hn_msg_kind *k;
	struct hn_request_row rq;
	struct send_job j;
	struct hn_error e;
	struct hn_fed *f;
	const char *ref, *field;
	json_t *in = NULL, *o;
	int rc;

	NEED_FED(r, f);
	if ((rc = hn_req_json(r, &in)) != 0)
		return rc;
	hn_request_row_init(&rq);
	memset(&j, 0, sizeof(j));
	j.f = f;
	j.to = hn_json_str(in, "to");
	j.kind = hn_json_str(in, "kind");
	j.reply = hn_json_str(in, "in_reply_to");
	j.request = hn_json_str(in, "request_id");
	j.body = json_object_get(in, "body");
	j.now_ms = (int64_t)r->now * 1000;
	hn_error_clear(&e);
	if (j.to == NULL || j.kind == NULL || !json_is_object(j.body)) {
		rc = hn_resp_error(r, 400, "validation_failed", "body", NULL,
		    "to, kind and body (an object) are required");
		goto out;
	}
	if ((k = hn_msg_kind_find(j.kind)) == NULL ||
	    strcmp(k->name, "receipt") == 0) {
		rc = hn_resp_error(r, 400, "validation_failed", "kind", NULL,
		    "kind: more_information (art. 40), the one message "
		    "sent by hand");
		goto out;
	}
	if (strcmp(k->name, "more_information") != 0) {
		rc = hn_resp_error(r, 400, "use_request_routes", "kind",
		    k->article, "a %s %s: use POST /v1/requests and "
		    "/v1/requests/{id}/transitions (or /approve), which check "
		    "the Convention's rules and send it to the other State; "
		    "this route carries only more_information", k->name,
		    k->is_request ? "is a request" : "changes a request");
		goto out;
	}
	if ((j.reply != NULL && strlen(j.reply) > HN_REF_MAX) ||
	    (j.request != NULL && strlen(j.request) > HN_REF_MAX)) {
		rc = hn_resp_error(r, 400, "validation_failed",
		    j.reply != NULL && strlen(j.reply) > HN_REF_MAX ?
		    "in_reply_to" : "request_id", NULL, "references are at "
		    "most %d bytes", HN_REF_MAX);
		goto out;
	}
	if (j.request != NULL && j.reply != NULL &&
	    strcmp(j.request, j.reply) != 0) {
		rc = hn_resp_error(r, 400, "validation_failed", "in_reply_to",
		    NULL, "in_reply_to and request_id name different "
		    "requests");
		goto out;
	}
	ref = j.request != NULL ? j.request : j.reply;
	field = j.request != NULL ? "request_id" : "in_reply_to";
	if (ref == NULL || ref[0] == '\0') {
		rc = hn_resp_error(r, 400, "validation_failed", "request_id",
		    "40", "request_id: the request this message is about");
		goto out;
	}
	if (message_request(r, ref, field, j.to, &rq) != 0) {
		rc = 0;
		goto out;
	}
	/* as the other node knows it: one id on both nodes */
	j.request = rq.id;
	j.reply = strcmp(rq.side, "requesting") == 0 ? rq.id : rq.remote_id;
	rc = hn_store_write(r->node->store, send_job, &j, &e);
	if (rc != 0) {
		if (e.code == 0)
			e.code = rc;
		rc = hn_resp_err(r, &e);
		goto out;
	}
	hn_fed_kick(f);
	o = json_pack("{s:s, s:s, s:I}", "id", j.id, "status", "queued",
	    "ledger_index", (json_int_t)j.index);
	rc = hn_resp_json(r, 201, o);
out:
	hn_request_row_release(&rq);
	json_decref(in);
	return rc;
}

static json_t *
outbox_json(const struct hn_outbox_row *o)
{
	json_t *j;

	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:I, s:I, s:s}",
	    "id", o->msg_id, "to", o->recipient, "kind", o->kind,
	    "in_reply_to", o->in_reply_to, "request_id", o->request_id,
	    "status", hn_out_status_name(o->status), "attempts", o->attempts,
	    "created_ms", (json_int_t)o->created_ms,
	    "next_attempt_ms", (json_int_t)o->next_ms,
	    "last_error", o->last_error);
	if (j != NULL && o->status == HN_OUT_DELIVERED) {
		json_object_set_new(j, "delivered_ms",
		    json_integer(o->delivered_ms));
		json_object_set_new(j, "their_ledger_index",
		    json_integer(o->receipt_index));
		if (o->receipt != NULL)
			json_object_set_new(j, "receipt",
			    json_string(o->receipt));
		if (o->refused[0] != '\0')
			json_object_set_new(j, "refused",
			    json_string(o->refused));
	}
	return j;
}

/* GET /v1/messages/{id}: the delivery status of a message we sent. */
int
hn_api_messages_get(struct hn_req *r)
{
	struct hn_outbox_row o;
	struct hn_db *db = NULL;
	int rc;

	if (!hn_msgid_valid(hn_req_param(r, "id")))
		return hn_resp_error(r, 404, "not_found", "id", NULL,
		    "no such message");
	if ((rc = hn_req_db(r, &db)) != 0)
		return hn_resp_error(r, 503, "busy", NULL, NULL, "try again");
	rc = hn_fedstore_outbox_get(db, hn_req_param(r, "id"), &o);
	if (rc == HN_ENOTFOUND)
		return hn_resp_error(r, 404, "not_found", "id", NULL,
		    "no such message");
	if (rc != 0)
		return hn_resp_error(r, 500, "internal", NULL, NULL,
		    "cannot read");
	rc = hn_resp_json(r, 200, outbox_json(&o));
	hn_outbox_row_release(&o);
	return rc;
}

/*
 * GET /v1/messages?box=out|in[&request_id=][&before=SEQ][&limit=N]: the
 * messages sent (with their delivery status) or received, newest first,
 * plus the counts by status.
 */
int
hn_api_messages_list(struct hn_req *r)
{
	const char *box = hn_req_query(r, "box"), *q;
	struct hn_outbox_row *rows = NULL;
	struct hn_inbox_row *in = NULL;
	struct hn_db *db = NULL;
	int64_t before = 0, counts[4];
	size_t n = 0, i, limit = 50;
	json_t *arr = NULL, *o = NULL;
	int rc, inbox;

	inbox = box != NULL && strcmp(box, "in") == 0;
	if ((q = hn_req_query(r, "before")) != NULL)
		before = strtoll(q, NULL, 10);
	if ((q = hn_req_query(r, "limit")) != NULL) {
		limit = (size_t)strtoul(q, NULL, 10);
		if (limit < 1 || limit > LIST_MAX)
			limit = 50;
	}
	if ((rc = hn_req_db(r, &db)) != 0)
		return hn_resp_error(r, 503, "busy", NULL, NULL, "try again");
	if ((arr = json_array()) == NULL)
		return hn_resp_json(r, 500, NULL);
	if (inbox) {
		if ((in = calloc(limit, sizeof(*in))) == NULL ||
		    hn_fedstore_inbox_list(db, before, in, limit, &n) != 0)
			goto fail;
		for (i = 0; i < n; i++) {
			struct hn_signed so;
			json_t *m = json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, "
			    "s:I, s:b}", "seq", (json_int_t)in[i].seq, "id",
			    in[i].msg_id, "from", in[i].sender, "kind",
			    in[i].kind, "in_reply_to", in[i].in_reply_to,
			    "received_ms", (json_int_t)in[i].received_ms,
			    "ledger_index", (json_int_t)in[i].ledger_index,
			    "receipted", in[i].receipt != NULL);

			if (m != NULL && in[i].refused[0] != '\0')
				json_object_set_new(m, "refused",
				    json_string(in[i].refused));

			if (m != NULL && hn_signed_parse(&so, in[i].envelope,
			    in[i].envelope_len, HN_ENV_MAX, NULL) == 0) {
				json_t *p = hn_json_parse(so.payload,
				    so.payload_len, HN_ENV_MAX, HN_ENV_DEPTH,
				    NULL);
				if (p != NULL) {
					json_object_set(m, "body",
					    json_object_get(p, "body"));
					json_decref(p);
				}
			}
			json_array_append_new(arr, m);
		}
	} else {
		if ((rows = calloc(limit, sizeof(*rows))) == NULL ||
		    hn_fedstore_outbox_list(db, hn_req_query(r, "request_id"),
		    before, rows, limit, &n) != 0)
			goto fail;
		for (i = 0; i < n; i++) {
			json_t *m = outbox_json(&rows[i]);

			if (m != NULL) {
				json_object_set_new(m, "seq",
				    json_integer(rows[i].seq));
				json_object_del(m, "receipt");
			}
			json_array_append_new(arr, m);
		}
	}
	if (hn_fedstore_outbox_counts(db, counts) != 0)
		goto fail;
	o = json_pack("{s:s, s:o, s:{s:I, s:I, s:I, s:I}}", "box",
	    inbox ? "in" : "out", "messages", arr, "outbox", "queued",
	    (json_int_t)counts[0], "delivering", (json_int_t)counts[1],
	    "delivered", (json_int_t)counts[2], "failed",
	    (json_int_t)counts[3]);
	arr = NULL;
	if (inbox) {
		int64_t total = 0;

		if (o != NULL && hn_fedstore_inbox_count(db, NULL, &total) == 0)
			json_object_set_new(o, "inbox_total",
			    json_integer(total));
	}
	rc = hn_resp_json(r, 200, o);
	goto out;
fail:
	rc = hn_resp_error(r, 500, "internal", NULL, NULL, "cannot read");
out:
	for (i = 0; rows != NULL && i < n; i++)
		hn_outbox_row_release(&rows[i]);
	for (i = 0; in != NULL && i < n; i++)
		hn_inbox_row_release(&in[i]);
	free(rows);
	free(in);
	json_decref(arr);
	return rc;
}

/* POST /v1/log/cosignature (peer): a witness returns our checkpoint
 * cosigned. */
int
hn_api_fed_cosignature(struct hn_req *r)
{
	struct hn_buf resp = HN_BUF_INIT(4096);
	struct hn_fed *f;
	int st = 500, rc;

	NEED_FED(r, f);
	if (hn_fed_cosig_receive(f, r->body ? r->body : "", r->body_len,
	    r->has_peer ? r->peer_fp : NULL, r->now, &st, &resp) != 0 &&
	    st == 500) {
		hn_buf_release(&resp);
		return hn_resp_error(r, 500, "internal", NULL, NULL,
		    "cannot store");
	}
	rc = hn_resp_raw(r, st, "application/json", resp.data ? resp.data :
	    "{}", resp.data ? resp.len : 2);
	hn_buf_release(&resp);
	return rc;
}

/*
 * GET /v1/log/cosignatures[?peer=CODE]: the cosignatures this node holds,
 * one per line "LOG SIZE WITNESS SIGNATURE-LINE": made by us on peers'
 * checkpoints (LOG = the peer) and by peers on ours (LOG = our party).
 */
int
hn_api_fed_cosignatures(struct hn_req *r)
{
	struct hn_buf b = HN_BUF_INIT(1 << 20);
	struct hn_db *db = NULL;
	const char *peer = hn_req_query(r, "peer");
	int rc;

	if (peer != NULL && strlen(peer) != 3)
		return hn_resp_error(r, 400, "validation_failed", "peer", NULL,
		    "a party code");
	if ((rc = hn_req_db(r, &db)) != 0)
		return hn_resp_error(r, 503, "busy", NULL, NULL, "try again");
	if (hn_fedstore_cosig_list(db, peer, 1000, &b) != 0) {
		hn_buf_release(&b);
		return hn_resp_error(r, 500, "internal", NULL, NULL,
		    "cannot read");
	}
	rc = hn_resp_raw(r, 200, "text/plain; charset=utf-8",
	    b.data ? b.data : "", b.len);
	hn_buf_release(&b);
	return rc;
}

/* GET /v1/witness: alerts (inconsistent checkpoints) and the last
 * checkpoint seen of each peer. */
int
hn_api_witness(struct hn_req *r)
{
	struct hn_buf b = HN_BUF_INIT(1 << 20);
	struct hn_db *db = NULL;
	json_t *alerts = NULL, *o;
	int64_t count = 0;
	int rc;

	if ((rc = hn_req_db(r, &db)) != 0)
		return hn_resp_error(r, 503, "busy", NULL, NULL, "try again");
	if (hn_fedstore_alert_list(db, 100, &b, &count) != 0 ||
	    (alerts = hn_json_parse(b.data, b.len, b.max, 4, NULL)) == NULL) {
		hn_buf_release(&b);
		return hn_resp_error(r, 500, "internal", NULL, NULL,
		    "cannot read");
	}
	hn_buf_release(&b);
	o = json_pack("{s:I, s:o}", "alert_count", (json_int_t)count,
	    "alerts", alerts);
	return hn_resp_json(r, 200, o);
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
	    "# TYPE hanoinet_outbox_messages gauge\n"
	    "hanoinet_outbox_messages{status=\"queued\"} %lld\n"
	    "hanoinet_outbox_messages{status=\"delivering\"} %lld\n"
	    "hanoinet_outbox_messages{status=\"delivered\"} %lld\n"
	    "hanoinet_outbox_messages{status=\"failed\"} %lld\n"
	    "# TYPE hanoinet_inbox_total counter\n"
	    "hanoinet_inbox_total{outcome=\"accepted\"} %llu\n"
	    "hanoinet_inbox_total{outcome=\"duplicate\"} %llu\n"
	    "hanoinet_inbox_total{outcome=\"rejected\"} %llu\n"
	    "# TYPE hanoinet_delivery_attempts_total counter\n"
	    "hanoinet_delivery_attempts_total %llu\n"
	    "# TYPE hanoinet_evidence_transfer_attempts_total counter\n"
	    "hanoinet_evidence_transfer_attempts_total %llu\n"
	    "# TYPE hanoinet_evidence_transfers_total counter\n"
	    "hanoinet_evidence_transfers_total{outcome=\"acknowledged\"} %llu\n"
	    "hanoinet_evidence_transfers_total{outcome=\"failed\"} %llu\n"
	    "# TYPE hanoinet_witness_cosigned_total counter\n"
	    "hanoinet_witness_cosigned_total %llu\n"
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
