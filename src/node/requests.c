#include "node/requests.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/date.h"
#include "core/grounds.h"
#include "core/protocol.h"
#include "core/treaty.h"
#include "core/deadline.h"
#include "core/request.h"
#include "crypto/sha256.h"
#include "crypto/sign.h"
#include "node/node.h"
#include "store/store.h"
#include "util/diag.h"
#include "util/fmt.h"
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
		if (i >= HN_REQUEST_ID_LEN ||
		    !((id[i] >= '0' && id[i] <= '9') ||
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

/*
 * A new request's row, canonical document and ledger entry: pure CPU,
 * no database, so the API does it before its write job and the group
 * commit's single writer thread only stores (store_new).
 */
static int
prepare(struct hn_node *n, const json_t *doc, const char *id, const char *side,
    const char *state, const char *actor, const char *remote_id, int64_t now,
    struct hn_rq_new *p, struct hn_error *err)
{
	struct hn_request_row *r = &p->row;
	char at[HN_TIME_STRLEN], hash[65];
	enum hn_basis basis;
	json_t *e;
	int64_t dl;
	int rc;

	hn_request_row_init(r);
	p->entry = NULL;
	if (id != NULL &&
	    (rc = hn_fmt_field(r->id, sizeof(r->id), id, "id", err)) != 0)
		return rc;
	if (id == NULL)
		new_id(r->id);
	if ((rc = hn_fmt_field(r->kind, sizeof(r->kind), jstr(doc, "kind"),
		 "kind", err)) != 0 ||
	    (rc = hn_fmt_field(r->side, sizeof(r->side), side, "side", err)) !=
		0 ||
	    (rc = hn_fmt_field(r->from, sizeof(r->from), jstr(doc, "from"),
		 "from", err)) != 0 ||
	    (rc = hn_fmt_field(r->to, sizeof(r->to), jstr(doc, "to"), "to",
		 err)) != 0 ||
	    (rc = hn_fmt_field(r->state, sizeof(r->state), state, "state",
		 err)) != 0)
		return rc;
	if (hn_request_basis(doc, &basis) != 0)
		return hn_error_set(err, HN_EINVAL, "legal_basis", NULL,
		    "invalid legal basis");
	if ((rc = hn_fmt_field(r->legal_basis, sizeof(r->legal_basis),
		 hn_basis_name(basis), "legal_basis", err)) != 0 ||
	    (rc = hn_fmt_field(r->created_by, sizeof(r->created_by), actor,
		 "actor", err)) != 0)
		return rc;
	if (remote_id != NULL &&
	    (rc = hn_fmt_field(r->remote_id, sizeof(r->remote_id), remote_id,
		 "remote_id", err)) != 0)
		return rc;
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
	if (e == NULL ||
	    (p->entry = json_dumps(e, JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
		json_decref(e);
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	}
	json_decref(e);
	return 0;
}

/* Inside the write job: the ledger entry, the row, its history. */
static int
store_new(struct hn_node *n, struct hn_db *db, struct hn_rq_new *p, int64_t now,
    struct hn_error *err)
{
	struct hn_request_row *r = &p->row;
	int rc;

	if ((rc = hn_node_ledger_append_text(n, p->entry, &r->ledger_index,
		 err)) != 0)
		return rc;
	if ((rc = hn_requests_insert(db, r)) != 0)
		return hn_error_set(err, rc, rc == HN_EEXIST ? "id" : NULL,
		    NULL,
		    rc == HN_EEXIST ? "this request was stored already" :
				      "cannot store the request");
	if ((rc = hn_requests_event_add(db, r->id, now, r->created_by, NULL,
		 r->state, NULL, r->ledger_index)) != 0)
		return hn_error_set(err, rc, NULL, NULL,
		    "cannot store the request's history");
	return 0;
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
insert(struct hn_node *n, struct hn_db *db, const json_t *doc, const char *id,
    const char *side, const char *state, const char *actor,
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

/* The other State of request r, whose copy is on `side` here. */
static const char *
other_party(const struct hn_request_row *r, enum hn_side side)
{
	return side == HN_SIDE_REQUESTING ? r->to : r->from;
}

/* What the rows of p for this change need (0 when there is none). */
static unsigned
row_needs(const struct hn_protocol *p, enum hn_side side, enum hn_state from,
    enum hn_state to, enum hn_cause cause, const char *on)
{
	unsigned needs = 0;
	size_t i;

	for (i = 0; p != NULL && i < p->nrows; i++) {
		const struct hn_proto_row *t = &p->rows[i];

		if (t->side == side && t->from == from && t->to == to &&
		    t->cause == cause &&
		    (t->on == NULL || on == NULL || strcmp(t->on, on) == 0))
			needs |= t->needs;
	}
	return needs;
}

/* The state the receipt of our message `on` moves the copy to from
 * `from` (HN_ST_NONE when no row of p says). */
static enum hn_state
receipt_target(const struct hn_protocol *p, enum hn_side side,
    enum hn_state from, const char *on)
{
	size_t i;

	for (i = 0; p != NULL && on != NULL && i < p->nrows; i++)
		if (p->rows[i].side == side && p->rows[i].from == from &&
		    p->rows[i].cause == HN_BY_RECEIPT &&
		    p->rows[i].on != NULL && strcmp(p->rows[i].on, on) == 0)
			return p->rows[i].to;
	return HN_ST_NONE;
}

/*
 * Art. 43: the disclosure `doc` names in preservation_reference a
 * preservation request held here on the same side between the same two
 * States. On the requesting side it must also have reached the requested
 * State (its receipt came back) and not be withdrawn: requests travel
 * independently, and the requested node checks the same reference when
 * the disclosure arrives. Returns true, or false with why[] filled.
 */
static bool
preservation_ref_ok(struct hn_db *db, const json_t *doc, enum hn_side side,
    char *why, size_t whylen)
{
	const char *ref = hn_json_str(doc, "preservation_reference");
	const struct hn_kind *pk;
	struct hn_request_row pr;
	enum hn_state st;
	bool ok = false;
	int rc;

	if (ref == NULL || *ref == '\0') {
		(void)hn_fmt_cut(why, whylen,
		    "a disclosure of preserved "
		    "traffic data names the preservation request it arises "
		    "from (preservation_reference, art. 43)");
		return false;
	}
	if (!hn_rq_id_valid(ref)) {
		(void)hn_fmt_cut(why, whylen,
		    "preservation_reference is the "
		    "id of a preservation request (32 hex digits), not "
		    "'%.40s' (art. 43)",
		    ref);
		return false;
	}
	hn_request_row_init(&pr);
	rc = hn_requests_get(db, ref, &pr);
	if (rc != 0 || (pk = hn_kind_find(pr.kind)) == NULL ||
	    !pk->preservation || hn_state_parse(pr.state, &st) != 0)
		(void)hn_fmt_cut(why, whylen,
		    "no preservation request %s here "
		    "(preservation_reference, art. 43)",
		    ref);
	else if (strcmp(pr.side, hn_side_name(side)) != 0 ||
	    strcmp(pr.from, jstr(doc, "from")) != 0 ||
	    strcmp(pr.to, jstr(doc, "to")) != 0)
		(void)hn_fmt_cut(why, whylen,
		    "preservation request %s is not "
		    "one of %s to %s (preservation_reference, art. 43)",
		    ref, jstr(doc, "from"), jstr(doc, "to"));
	else if (side == HN_SIDE_REQUESTING &&
	    (st == HN_ST_DRAFT || st == HN_ST_AWAITING_APPROVAL ||
		st == HN_ST_QUEUED || st == HN_ST_WITHDRAWN))
		(void)hn_fmt_cut(why, whylen,
		    "preservation request %s is %s: "
		    "a disclosure follows a preservation the requested State "
		    "has received (preservation_reference, art. 43)",
		    ref, pr.state);
	else
		ok = true;
	hn_request_row_release(&pr);
	return ok;
}

/* The refusal context of request r (document doc): its kind, legal basis
 * and convention_offence, and what the requested State (r->to) declared
 * in the register (its reservations: core/grounds.h). */
static void
refusal_ctx(struct hn_node *n, const struct hn_request_row *r,
    const json_t *doc, struct hn_refusal_ctx *rc)
{
	const struct hn_party *p =
	    n->reg != NULL ? hn_register_find(n->reg, r->to) : NULL;

	if (doc == NULL ||
	    hn_refusal_ctx_init(rc, doc, p != NULL ? &p->decl : NULL) != 0) {
		memset(rc, 0, sizeof(*rc));
		rc->kind = hn_kind_find(r->kind);
		if (hn_basis_parse(r->legal_basis, &rc->basis) != 0)
			rc->basis = HN_BASIS_UNCCC;
		if (p != NULL)
			rc->requested = p->decl;
	}
}

/*
 * Everything hn_proto_check may need about a change of r from `from` to
 * `to`: the author, when preservation took effect, the preservation a
 * disclosure names, the refusal context. The document is parsed only
 * when a row needs it; *doc (owned by the caller) holds it.
 */
static void
gather(struct hn_node *n, struct hn_db *db, const struct hn_request_row *r,
    const struct hn_protocol *p, enum hn_side side, enum hn_state from,
    enum hn_state to, const struct hn_rq_change_args *a,
    struct hn_proto_facts *f, struct hn_refusal_ctx *rc, json_t **doc,
    char *why, size_t whylen)
{
	unsigned needs = row_needs(p, side, from, to, a->cause, a->on);

	memset(f, 0, sizeof(*f));
	why[0] = '\0';
	f->roles = a->roles;
	f->actor = a->actor;
	f->author = r->created_by;
	f->now = a->now;
	f->preserved_at = r->preserved_at == HN_RQ_NONE ? 0 : r->preserved_at;
	f->grounds = a->grounds;
	f->ngrounds = a->ngrounds;
	f->reason = a->reason;
	if ((needs & (HN_PN_GROUNDS | HN_PN_PRESERVATION_REF)) == 0)
		return;
	*doc = json_loads(r->body != NULL ? r->body : "{}", 0, NULL);
	if (needs & HN_PN_GROUNDS) {
		refusal_ctx(n, r, *doc, rc);
		f->refusal = rc;
	}
	if (needs & HN_PN_PRESERVATION_REF)
		f->preservation_ref_ok = *doc != NULL &&
		    preservation_ref_ok(db, *doc, side, why, whylen);
}

int
hn_rq_receive(struct hn_node *n, struct hn_db *db, const json_t *doc,
    const char *remote_id, int64_t now, struct hn_request_row *out,
    struct hn_error *err)
{
	struct hn_proto_facts f;
	struct hn_problems ps;
	char why[HN_ERR_MESSAGE_MAX];
	int rc;

	hn_request_row_init(out);
	hn_problems_init(&ps);
	if (hn_request_validate(doc, &ps) != 0)
		return hn_error_set(err, HN_EVALIDATE,
		    ps.n ? ps.p[0].field : NULL, ps.n ? ps.p[0].article : NULL,
		    "%s", ps.n ? ps.p[0].message : "invalid request");
	if (strcmp(jstr(doc, "to"), n->party) != 0)
		return hn_error_set(err, HN_EINVAL, "to", NULL,
		    "the request is not addressed to %s", n->party);
	/* the arrival is a row of the kind's table too (none -> received) */
	memset(&f, 0, sizeof(f));
	f.now = now;
	why[0] = '\0';
	f.preservation_ref_ok =
	    preservation_ref_ok(db, doc, HN_SIDE_REQUESTED, why, sizeof(why));
	if ((rc = hn_proto_check(hn_protocol_for(
				     hn_kind_find(jstr(doc, "kind"))),
		 HN_SIDE_REQUESTED, HN_ST_NONE, HN_ST_RECEIVED, HN_BY_MESSAGE,
		 HN_MSG_REQUEST, &f, NULL, err)) != 0) {
		if (rc == HN_EVALIDATE && why[0] != '\0')
			hn_error_set(err, rc, "preservation_reference", "43",
			    "%s", why);
		return rc;
	}
	/* one id on both nodes: the message that carried it (fed) */
	return insert(n, db, doc,
	    remote_id != NULL && hn_rq_id_valid(remote_id) ? remote_id : NULL,
	    "requested", hn_state_name(hn_state_initial(HN_SIDE_REQUESTED)),
	    jstr(doc, "from"), remote_id, now, out, err);
}

/*
 * Moves the loaded request r by protocol row t (checked by the caller):
 * the row, its history event, its ledger entry, and the message t sends
 * to the other node, all in the running write job.
 */
static int
apply(struct hn_node *n, struct hn_db *db, struct hn_request_row *r,
    const struct hn_proto_row *t, const struct hn_rq_change_args *a,
    const char *actor, struct hn_error *err)
{
	char from_state[24], at[HN_TIME_STRLEN], hash[65], *ptext = NULL;
	json_t *e, *g;
	size_t i;
	int rc;

	/* states are the protocol's names (at most 18 bytes) */
	HN_FMT_FIXED(from_state, sizeof(from_state), "%s", r->state);
	HN_FMT_FIXED(r->state, sizeof(r->state), "%s", hn_state_name(t->to));
	r->updated_at = a->now;
	if (t->to == HN_ST_PRESERVED && r->preserved_at == HN_RQ_NONE)
		r->preserved_at = a->now; /* art. 42: the 60 days start here */
	if ((t->to == HN_ST_ACKNOWLEDGED || t->to == HN_ST_POSTPONED) &&
	    r->acknowledged_at == HN_RQ_NONE)
		r->acknowledged_at = a->now; /* art. 41: an emergency's clock */
	schedule(n, r, a->now);

	hn_datetime_format(a->now, at);
	e = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type",
	    "request.transition", "id", r->id, "from", from_state, "to",
	    r->state, "actor", actor, "at", at, "cause",
	    hn_cause_name(t->cause));
	if (e != NULL && a->payload != NULL) {
		if ((ptext = json_dumps(a->payload,
			 JSON_COMPACT | JSON_SORT_KEYS)) == NULL) {
			json_decref(e);
			return hn_error_set(err, HN_ENOMEM, NULL, NULL,
			    "out of memory");
		}
		sha256_hex(ptext, hash);
		json_object_set_new(e, "payload_sha256", json_string(hash));
	}
	if (e != NULL && a->ngrounds > 0 && (t->needs & HN_PN_GROUNDS)) {
		g = json_array();
		for (i = 0; i < a->ngrounds; i++)
			json_array_append_new(g, json_string(a->grounds[i]));
		json_object_set_new(e, "grounds", g);
	}
	if ((rc = append_entry(n, e, &r->ledger_index, err)) != 0)
		goto out;
	if ((rc = hn_requests_update(db, r)) != 0 ||
	    (rc = hn_requests_event_add(db, r->id, a->now, actor, from_state,
		 r->state, ptext, r->ledger_index)) != 0) {
		rc = hn_error_set(err, rc, NULL, NULL,
		    "cannot store the transition");
		goto out;
	}
	/* the message to the other node, in this same transaction */
	if (t->sends != NULL && n->hooks.request_send != NULL)
		rc = n->hooks.request_send(n->hooks.ctx, db, r, t->sends,
		    a->payload, a->now, err);
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

	if (id == NULL || !hn_rq_id_valid(id))
		return hn_error_set(err, HN_ENOTFOUND, "id", NULL,
		    "no such request");
	if ((rc = hn_requests_get(db, id, r)) != 0)
		return hn_error_set(err, rc, rc == HN_ENOTFOUND ? "id" : NULL,
		    NULL,
		    rc == HN_ENOTFOUND ? "no such request" :
					 "cannot read the request");
	if ((*k = hn_kind_find(r->kind)) == NULL ||
	    hn_side_parse(r->side, side) != 0 ||
	    hn_state_parse(r->state, st) != 0)
		return hn_error_set(err, HN_EINTERNAL, NULL, NULL,
		    "stored request %s is inconsistent", id);
	return 0;
}

int
hn_rq_change(struct hn_node *n, struct hn_db *db,
    const struct hn_rq_change_args *a, struct hn_request_row *r,
    struct hn_error *err)
{
	const struct hn_proto_row *t = NULL;
	const struct hn_protocol *p;
	const struct hn_kind *k;
	struct hn_refusal_ctx rc;
	struct hn_proto_facts f;
	enum hn_state from_st, to_st;
	enum hn_side side;
	const char *actor;
	char why[HN_ERR_MESSAGE_MAX];
	json_t *doc = NULL;
	int ret;

	hn_request_row_init(r);
	if ((ret = load(db, a->id, r, &k, &side, &from_st, err)) != 0)
		return ret;
	p = hn_protocol_for(k);
	if (a->to == NULL && a->cause == HN_BY_RECEIPT) {
		/* a receipt moves the copy as the table says, or not at all */
		if ((to_st = receipt_target(p, side, from_st, a->on)) ==
		    HN_ST_NONE)
			return hn_error_set(err, HN_ESTATE, "state", NULL,
			    "a receipt of %s changes nothing in state %s",
			    a->on != NULL ? a->on : "?", r->state);
	} else if (a->to == NULL || hn_state_parse(a->to, &to_st) != 0)
		return hn_error_set(err, HN_EINVAL, "to", NULL,
		    "unknown state '%.32s'", a->to != NULL ? a->to : "");
	switch (a->cause) {
	case HN_BY_USER:
		actor = a->actor != NULL ? a->actor : "";
		break;
	case HN_BY_MESSAGE:
	case HN_BY_RECEIPT:
		/* only the other State of this request speaks for it */
		if (a->party == NULL ||
		    strcmp(a->party, other_party(r, side)) != 0)
			return hn_error_set(err, HN_EDENIED, "request", "40",
			    "request %s is not between %s and %s", r->id,
			    n->party, a->party != NULL ? a->party : "?");
		/* a receipt the node itself stands for (a delivery that
		 * failed for good) names its own actor */
		actor = a->cause == HN_BY_RECEIPT && a->actor != NULL ?
		    a->actor :
		    a->party;
		break;
	case HN_BY_TIMER:
		actor = "timer";
		break;
	default:
		return hn_error_set(err, HN_EINVAL, "cause", NULL,
		    "unknown cause");
	}
	/* texts other officers will read: no control or bidi override */
	if ((ret = hn_text_check(a->payload,
		 a->cause == HN_BY_USER ? "" : "payload", err)) != 0)
		return ret;
	memset(&rc, 0, sizeof(rc));
	gather(n, db, r, p, side, from_st, to_st, a, &f, &rc, &doc, why,
	    sizeof(why));
	ret = hn_proto_check(p, side, from_st, to_st, a->cause, a->on, &f, &t,
	    err);
	json_decref(doc);
	if (ret == HN_EVALIDATE && why[0] != '\0')
		return hn_error_set(err, ret, "preservation_reference", "43",
		    "%s", why);
	if (ret != 0)
		return ret;
	if (t == NULL)
		return hn_error_set(err, HN_EINTERNAL, NULL, NULL,
		    "the protocol check took no row");
	return apply(n, db, r, t, a, actor, err);
}

struct timer_job {
	struct hn_node *node;
	const char *id;
	int64_t now;
	bool expired;
};

/* One preservation whose art. 42 period may have run out: expire it if
 * core's preservation clock says so (not while a follow-up is pending). */
static int
timer_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct timer_job *j = arg;
	struct hn_deadline d[HN_DEADLINES_MAX];
	struct hn_deadline_config cfg;
	struct hn_deadline_input in;
	struct hn_rq_change_args a;
	struct hn_request_row r;
	bool due = false;
	int i, nd, rc;

	j->expired = false;
	if ((rc = hn_requests_get(db, j->id, &r)) != 0) {
		hn_request_row_release(&r);
		return rc == HN_ENOTFOUND ? 0 : rc;
	}
	deadline_input(j->node, &r, &in, &cfg);
	nd = in.kind != NULL ?
	    hn_deadlines_compute(&in, &cfg, j->now, d, HN_DEADLINES_MAX) :
	    0;
	for (i = 0; i < nd; i++)
		if (strcmp(d[i].name, "preservation") == 0 &&
		    !d[i].until_decision && d[i].due <= j->now)
			due = true;
	hn_request_row_release(&r);
	if (!due)
		return 0;
	memset(&a, 0, sizeof(a));
	a.id = j->id;
	a.to = hn_state_name(HN_ST_EXPIRED);
	a.cause = HN_BY_TIMER;
	a.now = j->now;
	rc = hn_rq_change(j->node, db, &a, &r, err);
	hn_request_row_release(&r);
	j->expired = rc == 0;
	return rc;
}

#define TIMER_BATCH 64

int
hn_rq_timers(struct hn_node *n, int64_t now, size_t max, size_t *count,
    struct hn_error *err)
{
	char ids[TIMER_BATCH][HN_REQUEST_ID_LEN + 1];
	struct timer_job j;
	struct hn_error e;
	struct hn_db *db = NULL;
	size_t i, nids = 0, done = 0;
	int rc;

	if (count != NULL)
		*count = 0;
	if (max > TIMER_BATCH)
		max = TIMER_BATCH;
	if ((rc = hn_store_reader(n->store, &db, err)) != 0)
		return rc;
	rc = hn_requests_preserved_before(db, now - HN_PRESERVATION_MIN_SECONDS,
	    now, ids, max, &nids);
	hn_store_release(n->store, db);
	if (rc != 0)
		return hn_error_set(err, rc, NULL, NULL,
		    "cannot list the preservations");
	for (i = 0; i < nids; i++) {
		memset(&j, 0, sizeof(j));
		j.node = n;
		j.id = ids[i];
		j.now = now;
		hn_error_clear(&e);
		if ((rc = hn_store_write(n->store, timer_job, &j, &e)) != 0) {
			hn_diag(HN_DIAG_WARN, "request.expiry_failed",
			    "id=%s "
			    "msg=\"%s\"",
			    ids[i], e.message);
			continue;
		}
		if (!j.expired)
			continue;
		done++;
		hn_diag(HN_DIAG_INFO, "request.expired", "id=%s article=42",
		    ids[i]);
	}
	if (done > 0 && n->hooks.after_commit != NULL)
		n->hooks.after_commit(n->hooks.ctx);
	if (count != NULL)
		*count = done;
	return 0;
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
	unsigned cp;
	long off;
	int rc;

	if ((rc = load(db, id, r, &k, &side, &st, err)) != 0)
		return rc;
	if (party != NULL &&
	    strcmp(side == HN_SIDE_REQUESTING ? r->to : r->from, party) != 0)
		return hn_error_set(err, HN_EDENIED, NULL, NULL,
		    "request %s is not between us and %s", id, party);
	if (party == NULL && n->hooks.request_note == NULL)
		return hn_error_set(err, HN_ESTATE, NULL, NULL,
		    "this node is not on the network");
	if (text != NULL &&
	    (off = hn_text_unsafe(text, strlen(text), &cp)) >= 0)
		return hn_error_set(err, HN_EVALIDATE, "text", "40",
		    "holds a control or bidirectional-override character "
		    "(U+%04X at byte %ld), which could hide or reorder what "
		    "an officer reads",
		    cp, off);
	payload = json_pack("{s:s, s:s}", "message", kind, "text", text);
	if (payload == NULL ||
	    (ptext = json_dumps(payload, JSON_COMPACT | JSON_SORT_KEYS)) ==
		NULL) {
		rc = hn_error_set(err, HN_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	hn_datetime_format(now, at);
	sha256_hex(ptext, hash);
	if ((rc = append_entry(n,
		 json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "type",
		     "request.message", "id", r->id, "message", kind, "actor",
		     actor, "at", at, "payload_sha256", hash),
		 &r->ledger_index, err)) != 0)
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

static const char *const time_keys[] = { "created_at", "updated_at", "next_due",
	"at", "received_at", "preserved_at", "due", "stated_deadline",
	"not_before", NULL };

void
hn_rq_times(json_t *o)
{
	char buf[HN_TIME_STRLEN];
	const char *key;
	json_t *v;
	size_t i;
	int j;

	if (json_is_array(o)) {
		json_array_foreach(o, i, v) hn_rq_times(v);
		return;
	}
	if (!json_is_object(o))
		return;
	json_object_foreach(o, key, v)
	{
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

/* The needs bits of a row as names (hn_need_names). */
static json_t *
needs_json(unsigned needs)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a != NULL && hn_need_names[i] != NULL; i++)
		if (needs & (1u << i))
			json_array_append_new(a, json_string(hn_need_names[i]));
	return a;
}

/* The grounds a refusal of r may invoke: [{code, citation, text}]. */
static json_t *
grounds_json(struct hn_node *n, const struct hn_request_row *r)
{
	const struct hn_ground *g[HN_GROUNDS_MAX];
	char cite[HN_CITATION_MAX];
	struct hn_refusal_ctx rc;
	json_t *doc, *a, *o;
	size_t i, ng;

	doc = json_loads(r->body != NULL ? r->body : "{}", 0, NULL);
	refusal_ctx(n, r, doc, &rc);
	json_decref(doc);
	ng = hn_grounds_allowed(&rc, g, HN_GROUNDS_MAX);
	a = json_array();
	for (i = 0; a != NULL && i < ng && i < HN_GROUNDS_MAX; i++) {
		o = json_pack("{s:s, s:s, s:s}", "code", g[i]->code, "citation",
		    hn_citation_format(&g[i]->src, cite, sizeof(cite)), "text",
		    g[i]->text);
		/* the provision that opens it for this kind (art. 42, 43) */
		if (o != NULL && g[i]->via.article != NULL)
			json_object_set_new(o, "via",
			    json_string(hn_citation_format(&g[i]->via, cite,
				sizeof(cite))));
		json_array_append_new(a, o);
	}
	return a;
}

/*
 * "actions": the user rows of r's side and state that `who` may take now
 * (core's hn_proto_actions), each with what it needs; an approval is not
 * offered to the author (art. 41), a refusal lists its grounds, a release
 * before the 60 days of art. 42 says from when it is allowed.
 */
static json_t *
actions_json(struct hn_node *n, const struct hn_request_row *r,
    const struct hn_protocol *p, enum hn_side side, enum hn_state st,
    const struct hn_rq_viewer *who, int64_t now)
{
	const struct hn_proto_row *tr[32];
	char cite[HN_CITATION_MAX];
	json_t *acts = json_array(), *t;
	int64_t until;
	size_t i, nt;

	if (acts == NULL || who == NULL || who->roles == 0)
		return acts;
	nt = hn_proto_actions(p, side, st, who->roles, tr,
	    sizeof(tr) / sizeof(tr[0]));
	for (i = 0; i < nt && i < sizeof(tr) / sizeof(tr[0]); i++) {
		if ((tr[i]->needs & HN_PN_OTHER_APPROVER) &&
		    who->name != NULL && strcmp(who->name, r->created_by) == 0)
			continue;
		t = json_pack("{s:s, s:s?, s:s?, s:s, s:o}", "to",
		    hn_state_name(tr[i]->to), "label", tr[i]->label, "article",
		    tr[i]->cite != NULL ? tr[i]->cite->article : NULL,
		    "citation",
		    tr[i]->cite != NULL ?
			hn_citation_format(tr[i]->cite, cite, sizeof(cite)) :
			"",
		    "needs", needs_json(tr[i]->needs));
		if (t == NULL)
			continue;
		if (tr[i]->needs & HN_PN_GROUNDS)
			json_object_set_new(t, "grounds", grounds_json(n, r));
		if ((tr[i]->needs & HN_PN_MIN_PRESERVATION) &&
		    r->preserved_at != HN_RQ_NONE) {
			until = r->preserved_at +
			    (int64_t)HN_PRESERVATION_MIN_DAYS * 86400;
			if (now < until)
				json_object_set_new(t, "not_before",
				    json_integer(until));
		}
		json_array_append_new(acts, t);
	}
	return acts;
}

/* The view; body (stolen) NULL: without "body". */
static json_t *
view(struct hn_node *n, const struct hn_request_row *r, json_t *body,
    json_t *events, const struct hn_rq_viewer *who, int64_t now)
{
	const struct hn_proto_row *tr[32];
	const struct hn_protocol *p;
	struct hn_deadline d[HN_DEADLINES_MAX];
	struct hn_deadline_config cfg;
	struct hn_deadline_input in;
	json_t *o, *dl, *ts, *t;
	size_t i, nt;
	int nd;

	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I,"
		      " s:I, s:o*}",
	    "id", r->id, "kind", r->kind, "side", r->side, "from", r->from,
	    "to", r->to, "state", r->state, "legal_basis", r->legal_basis,
	    "created_by", r->created_by, "created_at",
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
			json_array_append_new(dl,
			    json_pack("{s:s, s:I, s:s,"
				      " s:s, s:b}",
				"name", d[i].name, "due", (json_int_t)d[i].due,
				"level", hn_level_name(d[i].level), "article",
				d[i].article, "until_decision",
				d[i].until_decision));
	}
	json_object_set_new(o, "deadlines", dl);
	/* every user row of this state, for any officer ("transitions"),
	 * and those `who` may take now ("actions") */
	p = hn_protocol_for(in.kind);
	ts = json_array();
	nt = hn_proto_actions(p, in.side, in.state, HN_PR_OFFICERS, tr,
	    sizeof(tr) / sizeof(tr[0]));
	for (i = 0; i < nt && i < sizeof(tr) / sizeof(tr[0]); i++) {
		t = json_pack("{s:s, s:s?, s:s?, s:o}", "to",
		    hn_state_name(tr[i]->to), "article",
		    tr[i]->cite != NULL ? tr[i]->cite->article : NULL, "label",
		    tr[i]->label, "needs", needs_json(tr[i]->needs));
		if (t != NULL &&
		    (tr[i]->roles & HN_PR_OFFICERS) == HN_PR_SUPERVISOR)
			json_array_append_new(json_object_get(t, "needs"),
			    json_string("supervisor"));
		json_array_append_new(ts, t);
	}
	json_object_set_new(o, "transitions", ts);
	json_object_set_new(o, "actions",
	    actions_json(n, r, p, in.side, in.state, who, now));
	if (events != NULL)
		json_object_set_new(o, "history", events);
	hn_rq_times(o);
	return o;
}

json_t *
hn_rq_view(struct hn_node *n, const struct hn_request_row *r, json_t *events,
    const struct hn_rq_viewer *who, int64_t now)
{
	json_t *body = json_loads(r->body ? r->body : "{}", 0, NULL);

	return view(n, r, body ? body : json_object(), events, who, now);
}

json_t *
hn_rq_view_meta(struct hn_node *n, const struct hn_request_row *r,
    json_t *events, const struct hn_rq_viewer *who, int64_t now)
{
	return view(n, r, NULL, events, who, now);
}
