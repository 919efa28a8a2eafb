#include "node/requests.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/deadline.h"
#include "core/request.h"
#include "crypto/sha256.h"
#include "crypto/sign.h"
#include "net/node.h"
#include "util/encode.h"
#include "util/json.h"

static const char *
jstr(const json_t *o, const char *key)
{
	const char *s = hn_json_str(o, key);

	return s != NULL ? s : "";
}

int
hn_rq_id_valid(const char *id)
{
	size_t i;

	for (i = 0; id[i]; i++)
		if (i >= HN_REQUEST_ID_LEN || !((id[i] >= '0' && id[i] <= '9') ||
		    (id[i] >= 'a' && id[i] <= 'f')))
			return 0;
	return i == HN_REQUEST_ID_LEN;
}

/*
 * A new request id: 48 bits of the time in milliseconds, then 80 random
 * bits (as UUIDv7), 32 hex digits. Ids that grow with time are appended at
 * the right edge of the B-trees keyed by them (the requests' id index, the
 * history's request_id index) instead of landing on a random leaf each:
 * a group commit of 20 requests wrote about 50 pages to the WAL, most of
 * them random leaves of those two indexes, which a large database must
 * also read first. The creation time an id reveals is in the request
 * anyway; 80 random bits keep ids of the same millisecond apart.
 */
static void
new_id(char id[HN_REQUEST_ID_LEN + 1])
{
	struct timespec ts;
	uint64_t ms;
	uint8_t raw[16];
	int i;

	clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	for (i = 0; i < 6; i++)
		raw[i] = (uint8_t)(ms >> (8 * (5 - i)));
	hn_random(raw + 6, sizeof(raw) - 6);
	hn_hex_encode(id, raw, sizeof(raw));
}

static void
sha256_hex(const char *s, char out[65])
{
	uint8_t h[32];

	hn_sha256(s, strlen(s), h);
	hn_hex_encode(out, h, sizeof(h));
}

static void
deadline_input(struct hn_node *n, const struct hn_request_row *r,
    struct hn_deadline_input *in, struct hn_deadline_config *cfg)
{
	enum hn_state st = HN_ST_DRAFT;
	enum hn_side side = HN_SIDE_REQUESTING;

	hn_deadline_input_init(in);
	in->kind = hn_kind_find(r->kind);
	if (hn_side_parse(r->side, &side) != 0)
		side = HN_SIDE_REQUESTING;
	if (hn_state_parse(r->state, &st) != 0)
		st = HN_ST_DRAFT;
	in->side = side;
	in->state = st;
	in->created_at = r->created_at;
	in->received_at = r->received_at;
	in->preserved_at = r->preserved_at;
	in->followup_received_at = r->followup_received_at;
	in->followup_decided_at = r->followup_decided_at;
	in->stated_deadline = r->stated_deadline;
	in->acknowledged_at = r->acknowledged_at;
	hn_deadline_config_default(cfg);
	cfg->ack_target = n->ack_target;
	cfg->ack_target_emergency = n->ack_target_emergency;
	cfg->due_soon = n->due_soon;
	cfg->emergency_execution = n->emergency_execution;
}

/* The level of deadline `name` at time t. */
static enum hn_level
level_at(const struct hn_deadline_input *in,
    const struct hn_deadline_config *cfg, const char *name, int64_t t)
{
	struct hn_deadline d[HN_DEADLINES_MAX];
	int i, nd;

	nd = hn_deadlines_compute(in, cfg, t, d, HN_DEADLINES_MAX);
	for (i = 0; i < nd; i++)
		if (strcmp(d[i].name, name) == 0)
			return d[i].level;
	return HN_LEVEL_OK;
}

/*
 * next_due: the earliest deadline that applies (not one held open "until
 * decision"); soon_at: the first second it is no longer ok. Found by
 * bisection over core's own levels, so the filter agrees with the view.
 */
static void
schedule(struct hn_node *n, struct hn_request_row *r, int64_t now)
{
	struct hn_deadline d[HN_DEADLINES_MAX];
	struct hn_deadline_config cfg;
	struct hn_deadline_input in;
	const char *name = NULL;
	int64_t lo, hi, mid;
	int i, nd;

	r->next_due = r->soon_at = HN_RQ_NONE;
	deadline_input(n, r, &in, &cfg);
	if (in.kind == NULL)
		return;
	nd = hn_deadlines_compute(&in, &cfg, now, d, HN_DEADLINES_MAX);
	for (i = 0; i < nd; i++) {
		if (d[i].until_decision)
			continue;
		if (r->next_due == HN_RQ_NONE || d[i].due < r->next_due) {
			r->next_due = d[i].due;
			name = d[i].name;
		}
	}
	r->order_key = hn_deadline_order_key(&in, r->next_due);
	if (name == NULL)
		return;
	lo = now < r->next_due ? now : r->next_due;
	hi = r->next_due;
	if (level_at(&in, &cfg, name, lo) != HN_LEVEL_OK) {
		r->soon_at = lo;
		return;
	}
	/* invariant: ok at lo, not ok at hi (overdue at the due time) */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (level_at(&in, &cfg, name, mid) == HN_LEVEL_OK)
			lo = mid;
		else
			hi = mid;
	}
	r->soon_at = hi;
}

static int
append_entry(struct hn_node *n, json_t *e, uint64_t *index,
    struct hn_error *err)
{
	int r;

	if (e == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	r = hn_node_ledger_append(n, e, index, err);
	json_decref(e);
	return r;
}

static int
hooks(struct hn_node *n, struct hn_db *db, const struct hn_request_row *r,
    const char *from_state, const json_t *payload, int64_t now,
    struct hn_error *err)
{
	if (n->hooks.request_changed == NULL)
		return 0;
	return n->hooks.request_changed(n->hooks.ctx, db, r, from_state,
	    payload, now, err);
}

/*
 * A new request's row, canonical document and audit-log entry: pure CPU,
 * no database, so the API does it before its write job and the group
 * commit's single writer thread only stores (store_new).
 */
static int
prepare(struct hn_node *n, const json_t *doc, const char *id,
    const char *side, const char *state, const char *actor,
    const char *remote_id, int64_t now, struct hn_rq_new *p,
    struct hn_error *err)
{
	struct hn_request_row *r = &p->row;
	char at[HN_TIME_STRLEN], hash[65];
	enum hn_basis basis;
	json_t *e;
	int64_t dl;

	hn_request_row_init(r);
	p->entry = NULL;
	if (id != NULL)
		snprintf(r->id, sizeof(r->id), "%s", id);
	else
		new_id(r->id);
	snprintf(r->kind, sizeof(r->kind), "%s", jstr(doc, "kind"));
	snprintf(r->side, sizeof(r->side), "%s", side);
	snprintf(r->from, sizeof(r->from), "%s", jstr(doc, "from"));
	snprintf(r->to, sizeof(r->to), "%s", jstr(doc, "to"));
	snprintf(r->state, sizeof(r->state), "%s", state);
	if (hn_request_basis(doc, &basis) != 0)
		return hn_error_set(err, HN_EINVAL, "legal_basis", NULL,
		    "invalid legal basis");
	snprintf(r->legal_basis, sizeof(r->legal_basis), "%s",
	    hn_basis_name(basis));
	snprintf(r->created_by, sizeof(r->created_by), "%s", actor);
	if (remote_id != NULL)
		snprintf(r->remote_id, sizeof(r->remote_id), "%s", remote_id);
	if ((r->body = json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	r->created_at = r->updated_at = now;
	if (strcmp(side, "requested") == 0)
		r->received_at = now;
	if (hn_request_deadline(doc, &dl) == 0)
		r->stated_deadline = dl;
	schedule(n, r, now);

	hn_datetime_format(now, at);
	sha256_hex(r->body, hash);
	e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
	    "type", "request.created", "id", r->id, "kind", r->kind, "side",
	    r->side, "from", r->from, "to", r->to, "state", r->state, "actor",
	    actor, "at", at, "body_sha256", hash);
	if (e == NULL || (p->entry = json_dumps(e, JSON_COMPACT |
	    JSON_SORT_KEYS)) == NULL) {
		json_decref(e);
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	}
	json_decref(e);
	return 0;
}

/* Inside the write job: the audit-log entry, the row, its history. */
static int
store_new(struct hn_node *n, struct hn_db *db, struct hn_rq_new *p,
    int64_t now, struct hn_error *err)
{
	struct hn_request_row *r = &p->row;
	int rc;

	if ((rc = hn_node_ledger_append_text(n, p->entry, &r->ledger_index,
	    err)) != 0)
		return rc;
	if ((rc = hn_requests_insert(db, r)) != 0)
		return hn_error_set(err, rc, rc == HN_EEXIST ? "id" : NULL,
		    NULL, rc == HN_EEXIST ? "this request was stored already" :
		    "cannot store the request");
	if ((rc = hn_requests_event_add(db, r->id, now, r->created_by, NULL,
	    r->state, NULL, r->ledger_index)) != 0)
		return hn_error_set(err, rc, NULL, NULL,
		    "cannot store the request's history");
	return hooks(n, db, r, NULL, NULL, now, err);
}

void
hn_rq_new_release(struct hn_rq_new *p)
{
	if (p == NULL)
		return;
	hn_request_row_release(&p->row);
	free(p->entry);
	p->entry = NULL;
}

static int
insert(struct hn_node *n, struct hn_db *db, const json_t *doc,
    const char *id, const char *side, const char *state, const char *actor,
    const char *remote_id, int64_t now, struct hn_request_row *r,
    struct hn_error *err)
{
	struct hn_rq_new p;
	int rc;

	if ((rc = prepare(n, doc, id, side, state, actor, remote_id, now, &p,
	    err)) == 0)
		rc = store_new(n, db, &p, now, err);
	free(p.entry);
	*r = p.row; /* the caller releases the row */
	return rc;
}

int
hn_rq_create_prepare(struct hn_node *n, const json_t *doc, const char *actor,
    int64_t now, struct hn_rq_new *out, struct hn_error *err)
{
	return prepare(n, doc, NULL, "requesting",
	    hn_state_name(hn_state_initial(HN_SIDE_REQUESTING)), actor, NULL,
	    now, out, err);
}

int
hn_rq_create_store(struct hn_node *n, struct hn_db *db, struct hn_rq_new *p,
    int64_t now, struct hn_error *err)
{
	return store_new(n, db, p, now, err);
}

int
hn_rq_create(struct hn_node *n, struct hn_db *db, const json_t *doc,
    const char *actor, int64_t now, struct hn_request_row *out,
    struct hn_error *err)
{
	return insert(n, db, doc, NULL, "requesting",
	    hn_state_name(hn_state_initial(HN_SIDE_REQUESTING)), actor, NULL,
	    now, out, err);
}

int
hn_rq_receive(struct hn_node *n, struct hn_db *db, const json_t *doc,
    const char *remote_id, int64_t now, struct hn_request_row *out,
    struct hn_error *err)
{
	struct hn_problems ps;

	hn_problems_init(&ps);
	if (hn_request_validate(doc, &ps) != 0)
		return hn_error_set(err, HN_EVALIDATE, ps.n ? ps.p[0].field :
		    NULL, ps.n ? ps.p[0].article : NULL, "%s",
		    ps.n ? ps.p[0].message : "invalid request");
	if (strcmp(jstr(doc, "to"), n->party) != 0)
		return hn_error_set(err, HN_EINVAL, "to", NULL,
		    "the request is not addressed to %s", n->party);
	/* one id on both nodes: the message that carried it (fed) */
	return insert(n, db, doc, remote_id != NULL &&
	    hn_rq_id_valid(remote_id) ? remote_id : NULL, "requested",
	    hn_state_name(hn_state_initial(HN_SIDE_REQUESTED)),
	    jstr(doc, "from"), remote_id, now, out, err);
}

/* Moves the loaded request r to state `to` (checked by the caller): the
 * row, its history event, its ledger entry, then the hooks. */
static int
apply(struct hn_node *n, struct hn_db *db, struct hn_request_row *r,
    enum hn_state to, const struct hn_transition_args *args,
    const json_t *payload, const char *actor, int64_t now,
    struct hn_error *err)
{
	char from_state[24], at[HN_TIME_STRLEN], hash[65], *ptext = NULL;
	json_t *e, *g;
	size_t i;
	int rc;

	snprintf(from_state, sizeof(from_state), "%s", r->state);
	snprintf(r->state, sizeof(r->state), "%s", hn_state_name(to));
	r->updated_at = now;
	if (to == HN_ST_PRESERVED && r->preserved_at == HN_RQ_NONE)
		r->preserved_at = now; /* art. 42: the 60 days start here */
	if ((to == HN_ST_ACKNOWLEDGED || to == HN_ST_POSTPONED) &&
	    r->acknowledged_at == HN_RQ_NONE)
		r->acknowledged_at = now; /* art. 41: an emergency's clock */
	schedule(n, r, now);

	hn_datetime_format(now, at);
	e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "type",
	    "request.transition", "id", r->id, "from", from_state, "to",
	    r->state, "actor", actor, "at", at);
	if (e != NULL && payload != NULL) {
		if ((ptext = json_dumps(payload, JSON_COMPACT |
		    JSON_SORT_KEYS)) == NULL) {
			json_decref(e);
			return hn_error_set(err, HN_ENOMEM, NULL, NULL,
			    "out of memory");
		}
		sha256_hex(ptext, hash);
		json_object_set_new(e, "payload_sha256", json_string(hash));
	}
	if (e != NULL && args != NULL && args->ngrounds > 0) {
		g = json_array();
		for (i = 0; i < args->ngrounds; i++)
			json_array_append_new(g, json_string(args->grounds[i]));
		json_object_set_new(e, "grounds", g);
	}
	if ((rc = append_entry(n, e, &r->ledger_index, err)) != 0)
		goto out;
	if ((rc = hn_requests_update(db, r)) != 0 ||
	    (rc = hn_requests_event_add(db, r->id, now, actor, from_state,
	    r->state, ptext, r->ledger_index)) != 0) {
		rc = hn_error_set(err, rc, NULL, NULL,
		    "cannot store the transition");
		goto out;
	}
	rc = hooks(n, db, r, from_state, payload, now, err);
out:
	free(ptext);
	return rc;
}

/* Loads request id into r with its kind, side and state. */
static int
load(struct hn_db *db, const char *id, struct hn_request_row *r,
    const struct hn_kind **k, enum hn_side *side, enum hn_state *st,
    struct hn_error *err)
{
	int rc;

	if ((rc = hn_requests_get(db, id, r)) != 0)
		return hn_error_set(err, rc, NULL, NULL, rc == HN_ENOTFOUND ?
		    "no such request" : "cannot read the request");
	if ((*k = hn_kind_find(r->kind)) == NULL ||
	    hn_side_parse(r->side, side) != 0 ||
	    hn_state_parse(r->state, st) != 0)
		return hn_error_set(err, HN_EINTERNAL, NULL, NULL,
		    "stored request %s is inconsistent", id);
	return 0;
}

/* Checks a change of r (loaded) against its kind's protocol table. */
static int
check(const struct hn_request_row *r, const struct hn_kind *k,
    enum hn_side side, enum hn_state from, enum hn_state to,
    enum hn_cause cause, const char *on, const char *actor,
    const struct hn_transition_args *args, int64_t now, struct hn_error *err)
{
	struct hn_refusal_ctx rc;
	struct hn_proto_facts f;

	memset(&rc, 0, sizeof(rc));
	rc.kind = k;
	if (hn_basis_parse(r->legal_basis, &rc.basis) != 0)
		rc.basis = HN_BASIS_UNCCC;
	memset(&f, 0, sizeof(f));
	f.actor = actor;
	f.author = r->created_by;
	f.now = now;
	f.preserved_at = r->preserved_at == HN_RQ_NONE ? 0 : r->preserved_at;
	f.preservation_ref_ok = true;
	f.refusal = &rc;
	if (args != NULL) {
		f.roles = args->roles;
		f.grounds = args->grounds;
		f.ngrounds = args->ngrounds;
		f.reason = args->reason;
	}
	return hn_proto_check(hn_protocol_for(k), side, from, to, cause, on,
	    &f, NULL, err);
}

int
hn_rq_transition(struct hn_node *n, struct hn_db *db, const char *id,
    const char *to, const struct hn_transition_args *args,
    const json_t *payload, const char *actor, int64_t now,
    struct hn_request_row *r, struct hn_error *err)
{
	const struct hn_kind *k;
	enum hn_state from_st, to_st;
	enum hn_side side;
	int rc;

	if ((rc = load(db, id, r, &k, &side, &from_st, err)) != 0)
		return rc;
	if (hn_state_parse(to, &to_st) != 0)
		return hn_error_set(err, HN_EINVAL, "to", NULL,
		    "unknown state '%s'", to);
	if ((rc = check(r, k, side, from_st, to_st, HN_BY_USER, NULL, actor,
	    args, now, err)) != 0)
		return rc;
	return apply(n, db, r, to_st, args, payload, actor, now, err);
}

int
hn_rq_receipted(struct hn_node *n, struct hn_db *db, const char *id,
    const char *refused, int64_t now, struct hn_request_row *r,
    struct hn_error *err)
{
	const struct hn_kind *k;
	enum hn_state from_st, to_st;
	enum hn_side side;
	json_t *payload = NULL;
	int rc;

	if ((rc = load(db, id, r, &k, &side, &from_st, err)) != 0)
		return rc;
	to_st = refused != NULL ? HN_ST_REJECTED : HN_ST_DELIVERED;
	if ((rc = check(r, k, side, from_st, to_st, HN_BY_RECEIPT,
	    refused != NULL ? HN_MSG_REFUSED : HN_MSG_REQUEST, "federation",
	    NULL, now, err)) != 0)
		return rc;
	if (refused != NULL && (payload = json_pack("{s:s}", "reason",
	    refused)) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	rc = apply(n, db, r, to_st, NULL, payload, "federation", now, err);
	json_decref(payload);
	return rc;
}

int
hn_rq_answer(struct hn_node *n, struct hn_db *db, const char *id,
    const char *party, const char *kind, const char *state,
    const json_t *payload, int64_t now, struct hn_request_row *r,
    struct hn_error *err)
{
	struct hn_transition_args args;
	const char *g[16];
	const json_t *v;
	const struct hn_kind *k;
	enum hn_state from_st, to_st;
	enum hn_side side;
	size_t i;
	int rc;

	if ((rc = load(db, id, r, &k, &side, &from_st, err)) != 0)
		return rc;
	if (strcmp(side == HN_SIDE_REQUESTING ? r->to : r->from, party) != 0)
		return hn_error_set(err, HN_EDENIED, NULL, NULL,
		    "request %s is not between us and %s", id, party);
	if (hn_state_parse(state, &to_st) != 0)
		return hn_error_set(err, HN_ESTATE, "state", NULL,
		    "unknown state '%.32s'", state);
	memset(&args, 0, sizeof(args));
	args.reason = hn_json_str(payload, "reason");
	json_array_foreach(json_object_get(payload, "grounds"), i, v)
		if (json_is_string(v) && args.ngrounds < 16)
			g[args.ngrounds++] = json_string_value(v);
	args.grounds = g;
	if ((rc = check(r, k, side, from_st, to_st, HN_BY_MESSAGE, kind, party,
	    &args, now, err)) != 0)
		return rc;
	return apply(n, db, r, to_st, &args, payload, party, now, err);
}

int
hn_rq_note(struct hn_node *n, struct hn_db *db, const char *id,
    const char *actor, const char *party, const char *kind, const char *text,
    int64_t now, struct hn_request_row *r, struct hn_error *err)
{
	const struct hn_kind *k;
	enum hn_state st;
	enum hn_side side;
	char at[HN_TIME_STRLEN], hash[65], *ptext = NULL;
	json_t *payload;
	int rc;

	if ((rc = load(db, id, r, &k, &side, &st, err)) != 0)
		return rc;
	if (party != NULL && strcmp(side == HN_SIDE_REQUESTING ? r->to :
	    r->from, party) != 0)
		return hn_error_set(err, HN_EDENIED, NULL, NULL,
		    "request %s is not between us and %s", id, party);
	if (party == NULL && n->hooks.request_note == NULL)
		return hn_error_set(err, HN_ESTATE, NULL, NULL,
		    "this node is not on the network");
	payload = json_pack("{s:s, s:s}", "message", kind, "text", text);
	if (payload == NULL || (ptext = json_dumps(payload, JSON_COMPACT |
	    JSON_SORT_KEYS)) == NULL) {
		rc = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	hn_datetime_format(now, at);
	sha256_hex(ptext, hash);
	if ((rc = append_entry(n, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}",
	    "type", "request.message", "id", r->id, "message", kind, "actor",
	    actor, "at", at, "payload_sha256", hash), &r->ledger_index,
	    err)) != 0)
		goto out;
	r->updated_at = now;
	if ((rc = hn_requests_update(db, r)) != 0 ||
	    (rc = hn_requests_event_add(db, r->id, now, actor, r->state,
	    r->state, ptext, r->ledger_index)) != 0) {
		rc = hn_error_set(err, rc, NULL, NULL,
		    "cannot store the message");
		goto out;
	}
	/* ours: it goes to the other State in this transaction */
	if (party == NULL)
		rc = n->hooks.request_note(n->hooks.ctx, db, r, kind, payload,
		    now, err);
out:
	json_decref(payload);
	free(ptext);
	return rc;
}

static const char *const time_keys[] = { "created_at", "updated_at",
	"next_due", "at", "received_at", "preserved_at", "due",
	"stated_deadline", NULL };

void
hn_rq_times(json_t *o)
{
	char buf[HN_TIME_STRLEN];
	const char *key;
	json_t *v;
	size_t i;
	int j;

	if (json_is_array(o)) {
		json_array_foreach(o, i, v)
			hn_rq_times(v);
		return;
	}
	if (!json_is_object(o))
		return;
	json_object_foreach(o, key, v) {
		if (json_is_object(v) || json_is_array(v)) {
			if (strcmp(key, "body") != 0 &&
			    strcmp(key, "payload") != 0)
				hn_rq_times(v);
			continue;
		}
		if (!json_is_integer(v))
			continue;
		for (j = 0; time_keys[j] != NULL; j++) {
			if (strcmp(key, time_keys[j]) == 0) {
				hn_datetime_format(json_integer_value(v), buf);
				json_object_set_new(o, key, json_string(buf));
				break;
			}
		}
	}
}

/* The view; body (stolen) NULL: without "body". */
static json_t *
view(struct hn_node *n, const struct hn_request_row *r, json_t *body,
    json_t *events, int64_t now)
{
	const struct hn_proto_row *tr[32];
	struct hn_deadline d[HN_DEADLINES_MAX];
	struct hn_deadline_config cfg;
	struct hn_deadline_input in;
	json_t *o, *dl, *ts, *t, *needs;
	size_t i, j, nt;
	int nd;

	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I,"
	    " s:I, s:o*}", "id", r->id, "kind", r->kind, "side", r->side,
	    "from", r->from, "to", r->to, "state", r->state, "legal_basis",
	    r->legal_basis, "created_by", r->created_by, "created_at",
	    (json_int_t)r->created_at, "updated_at", (json_int_t)r->updated_at,
	    "ledger_index", (json_int_t)r->ledger_index, "body", body);
	if (o == NULL) {
		json_decref(events);
		return NULL;
	}
	if (r->received_at != HN_RQ_NONE)
		json_object_set_new(o, "received_at",
		    json_integer(r->received_at));
	if (r->preserved_at != HN_RQ_NONE)
		json_object_set_new(o, "preserved_at",
		    json_integer(r->preserved_at));
	if (r->next_due != HN_RQ_NONE)
		json_object_set_new(o, "next_due", json_integer(r->next_due));
	deadline_input(n, r, &in, &cfg);
	dl = json_array();
	if (in.kind != NULL) {
		nd = hn_deadlines_compute(&in, &cfg, now, d, HN_DEADLINES_MAX);
		for (i = 0; nd > 0 && i < (size_t)nd; i++)
			json_array_append_new(dl, json_pack("{s:s, s:I, s:s,"
			    " s:s, s:b}", "name", d[i].name, "due",
			    (json_int_t)d[i].due, "level",
			    hn_level_name(d[i].level), "article", d[i].article,
			    "until_decision", d[i].until_decision));
	}
	json_object_set_new(o, "deadlines", dl);
	ts = json_array();
	if (in.kind != NULL) {
		nt = hn_proto_actions(hn_protocol_for(in.kind), in.side,
		    in.state, HN_PR_OFFICERS, tr, sizeof(tr) / sizeof(tr[0]));
		for (i = 0; i < nt && i < sizeof(tr) / sizeof(tr[0]); i++) {
			needs = json_array();
			if ((tr[i]->roles & HN_PR_OFFICERS) == HN_PR_SUPERVISOR)
				json_array_append_new(needs,
				    json_string("supervisor"));
			for (j = 0; hn_need_names[j] != NULL; j++)
				if (tr[i]->needs & (1u << j))
					json_array_append_new(needs,
					    json_string(hn_need_names[j]));
			t = json_pack("{s:s, s:s?, s:s?, s:o}", "to",
			    hn_state_name(tr[i]->to), "article", tr[i]->cite ?
			    tr[i]->cite->article : NULL, "label", tr[i]->label,
			    "needs", needs);
			json_array_append_new(ts, t);
		}
	}
	json_object_set_new(o, "transitions", ts);
	if (events != NULL)
		json_object_set_new(o, "history", events);
	hn_rq_times(o);
	return o;
}

json_t *
hn_rq_view(struct hn_node *n, const struct hn_request_row *r, json_t *events,
    int64_t now)
{
	json_t *body = json_loads(r->body ? r->body : "{}", 0, NULL);

	return view(n, r, body ? body : json_object(), events, now);
}

json_t *
hn_rq_view_meta(struct hn_node *n, const struct hn_request_row *r,
    json_t *events, int64_t now)
{
	return view(n, r, NULL, events, now);
}
