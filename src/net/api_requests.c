/*
 * /v1/requests: create, list (filters kind, party, state, side, due level;
 * cursor pagination), show (with deadlines and history), transitions,
 * approve (supervisor, emergency requests, art. 41).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/deadline.h"
#include "core/protocol.h"
#include "core/request.h"
#include "net/http.h"
#include "node/node.h"
#include "net/routes.h"
#include "node/requests.h"
#include "store/requests.h"
#include "store/store.h"
#include "util/fmt.h"
#include "util/json.h"
#include "util/diag.h"

#define LIST_DEFAULT 50
#define LIST_MAX 500

/* Answers the problems of a request document: the first as the error,
 * all of them in "problems". */
static int
problems_response(struct hn_req *r, const struct hn_problems *ps)
{
	json_t *o, *arr;
	size_t i;

	arr = json_array();
	for (i = 0; i < ps->n; i++)
		json_array_append_new(arr,
		    json_pack("{s:s, s:s, s:s}", "field", ps->p[i].field,
			"message", ps->p[i].message, "article",
			ps->p[i].article));
	o = json_pack("{s:s, s:s, s:s, s:s, s:o, s:b}", "error",
	    "validation_failed", "message",
	    ps->n ? ps->p[0].message : "invalid request", "field",
	    ps->n ? ps->p[0].field : "", "article",
	    ps->n ? ps->p[0].article : "", "problems", arr, "truncated",
	    ps->truncated);
	return hn_resp_json(r, 400, o);
}

static int
fail(struct hn_req *r, int rc, struct hn_error *e)
{
	if (e->code == 0)
		e->code = rc;
	return hn_resp_err(r, e);
}

/*
 * Answers the view of a request. The stored document (row->body) is
 * already compact JSON, so it is spliced in as "body" rather than parsed
 * and serialised again (that was a third of the CPU of a POST).
 */
static int
resp_view(struct hn_req *r, int status, const struct hn_request_row *row,
    json_t *events, const char *from_state)
{
	struct hn_buf b = HN_BUF_INIT(64U << 20);
	json_t *o;
	char *meta = NULL;
	int rc;

	struct hn_rq_viewer who;

	who.name = r->who.name;
	who.roles = r->who.role & HN_PR_OFFICERS;
	o = hn_rq_view_meta(r->node, row, events, &who, r->now);
	if (o != NULL && from_state != NULL)
		json_object_set_new(o, "from_state", json_string(from_state));
	if (o == NULL || (meta = json_dumps(o, JSON_COMPACT)) == NULL ||
	    meta[0] != '{' || hn_buf_adds(&b, "{\"body\":") != 0 ||
	    hn_buf_adds(&b, row->body != NULL ? row->body : "{}") != 0 ||
	    (meta[1] != '}' && hn_buf_adds(&b, ",") != 0) ||
	    hn_buf_adds(&b, meta + 1) != 0) {
		hn_resp_error(r, 500, "internal", NULL, NULL, "internal error");
		rc = HN_ENOMEM;
	} else {
		rc = hn_resp_raw(r, status, "application/json", b.data, b.len);
	}
	json_decref(o);
	free(meta);
	hn_buf_release(&b);
	return rc;
}

struct create_job {
	struct hn_node *node;
	int64_t now;
	struct hn_rq_new p;
};

static int
create_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct create_job *j = arg;

	return hn_rq_create_store(j->node, db, &j->p, j->now, err);
}

static void
committed(struct hn_node *n)
{
	if (n->hooks.after_commit != NULL)
		n->hooks.after_commit(n->hooks.ctx);
}

int
hn_api_requests_create(struct hn_req *r)
{
	struct hn_problems ps;
	struct create_job j;
	struct hn_error e;
	json_t *doc = NULL;
	const char *from;
	int rc;

	memset(&j, 0, sizeof(j));
	hn_request_row_init(&j.p.row);
	hn_error_clear(&e);
	hn_problems_init(&ps);
	if (hn_request_parse(r->body, r->body_len, &doc, &ps) != 0 ||
	    hn_deadline_stated_check(doc, r->now, &ps) != 0) {
		rc = problems_response(r, &ps);
		goto out;
	}
	from = hn_json_str(doc, "from");
	if (from == NULL || strcmp(from, r->node->party) != 0) {
		rc = hn_resp_error(r, 400, "validation_failed", "from", NULL,
		    "a request made on this node comes from %s",
		    r->node->party);
		goto out;
	}
	j.node = r->node;
	j.now = r->now;
	/* everything but the storing happens here, beside the writer */
	if ((rc = hn_rq_create_prepare(r->node, doc, r->who.name, r->now, &j.p,
		 &e)) != 0 ||
	    (rc = hn_store_write(r->node->store, create_job, &j, &e)) != 0) {
		rc = fail(r, rc, &e);
		goto out;
	}
	/* no after_commit: a new request is a draft, the hooks queue
	 * nothing for it (only state changes go over the network), and
	 * waking the delivery threads for every POST cost 7% of the CPU */
	hn_diag(HN_DIAG_INFO, "request.created",
	    "id=%s kind=%s to=%s index=%llu"
	    " account=%s",
	    j.p.row.id, j.p.row.kind, j.p.row.to,
	    (unsigned long long)j.p.row.ledger_index, r->who.name);
	rc = resp_view(r, 201, &j.p.row, NULL, NULL);
out:
	hn_rq_new_release(&j.p);
	json_decref(doc);
	return rc;
}

int
hn_api_requests_list(struct hn_req *r)
{
	struct hn_request_filter f;
	struct hn_db *db;
	struct hn_error e;
	enum hn_state st;
	enum hn_side side;
	enum hn_level lvl;
	const char *v;
	json_t *items;
	char cur[HN_RQ_CURSOR_MAX], *end;
	long lim;
	int rc, more = 0;

	hn_error_clear(&e);
	memset(&f, 0, sizeof(f));
	f.level = HN_RQ_ANY;
	f.now = r->now;
	f.limit = LIST_DEFAULT;
	if ((v = hn_req_query(r, "kind")) != NULL && *v) {
		if (hn_kind_find(v) == NULL)
			return hn_resp_error(r, 400, "validation_failed",
			    "kind", NULL, "unknown kind '%.64s'", v);
		f.kind = v;
	}
	if ((v = hn_req_query(r, "party")) != NULL && *v) {
		if (strlen(v) != 3)
			return hn_resp_error(r, 400, "validation_failed",
			    "party", NULL, "a party is a 3-letter code");
		f.party = v;
	}
	if ((v = hn_req_query(r, "state")) != NULL && *v) {
		if (hn_state_parse(v, &st) != 0)
			return hn_resp_error(r, 400, "validation_failed",
			    "state", NULL, "unknown state '%.64s'", v);
		f.state = v;
	}
	if ((v = hn_req_query(r, "side")) != NULL && *v) {
		if (hn_side_parse(v, &side) != 0)
			return hn_resp_error(r, 400, "validation_failed",
			    "side", NULL, "side is requesting or requested");
		f.side = v;
	}
	if ((v = hn_req_query(r, "due")) != NULL && *v) {
		if (hn_level_parse(v, &lvl) != 0)
			return hn_resp_error(r, 400, "validation_failed", "due",
			    NULL, "due is ok, due_soon or overdue");
		f.level = lvl == HN_LEVEL_OVERDUE ? HN_RQ_OVERDUE :
		    lvl == HN_LEVEL_DUE_SOON	  ? HN_RQ_DUE_SOON :
						    HN_RQ_OK;
	}
	if ((v = hn_req_query(r, "limit")) != NULL && *v) {
		errno = 0;
		lim = strtol(v, &end, 10);
		if (errno != 0 || *end != '\0' || lim < 1 || lim > LIST_MAX)
			return hn_resp_error(r, 400, "validation_failed",
			    "limit", NULL, "limit is 1 to %d", LIST_MAX);
		f.limit = (int)lim;
	}
	if ((v = hn_req_query(r, "cursor")) != NULL && *v &&
	    hn_requests_cursor_parse(v, &f) != 0)
		return hn_resp_error(r, 400, "validation_failed", "cursor",
		    NULL, "malformed cursor");
	if ((items = json_array()) == NULL)
		return hn_resp_error(r, 500, "internal", NULL, NULL,
		    "internal error");
	if ((rc = hn_req_db(r, &db)) != 0 ||
	    (rc = hn_requests_list(db, &f, items, &more, cur)) != 0) {
		json_decref(items);
		return fail(r, rc, &e);
	}
	hn_rq_times(items);
	return hn_resp_json(r, 200,
	    json_pack("{s:o, s:s?}", "requests", items, "next_cursor",
		cur[0] ? cur : NULL));
}

int
hn_api_requests_get(struct hn_req *r)
{
	struct hn_request_row row;
	struct hn_error e;
	struct hn_db *db;
	json_t *events = NULL;
	const char *id = hn_req_param(r, "id");
	int rc;

	hn_error_clear(&e);
	if (!hn_rq_id_valid(id))
		return hn_resp_error(r, 404, "not_found", "id", NULL,
		    "no such request");
	if ((rc = hn_req_db(r, &db)) != 0)
		return fail(r, rc, &e);
	if ((rc = hn_requests_get(db, id, &row)) != 0) {
		hn_request_row_release(&row);
		if (rc == HN_ENOTFOUND)
			return hn_resp_error(r, 404, "not_found", "id", NULL,
			    "no such request");
		return fail(r, rc, &e);
	}
	if ((rc = hn_requests_events(db, id, &events)) != 0) {
		hn_request_row_release(&row);
		return fail(r, rc, &e);
	}
	rc = resp_view(r, 200, &row, events, NULL);
	hn_request_row_release(&row);
	return rc;
}

struct transition_job {
	struct hn_node *node;
	struct hn_rq_change_args args;
	struct hn_request_row row;
	char from[24];
	int approve; /* POST .../approve: only from awaiting_approval */
};

static int
transition_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct transition_job *j = arg;
	struct hn_request_row before;

	/* remember the state we leave, for the answer */
	if (hn_requests_get(db, j->args.id, &before) == 0)
		HN_FMT_FIXED(j->from, sizeof(j->from), "%s", before.state);
	hn_request_row_release(&before);
	hn_request_row_release(&j->row);
	if (j->approve && j->from[0] != '\0' &&
	    strcmp(j->from, "awaiting_approval") != 0)
		return hn_error_set(err, HN_ESTATE, "state", "41",
		    "only an emergency request awaiting approval is "
		    "approved");
	return hn_rq_change(j->node, db, &j->args, &j->row, err);
}

/* A user's change of request {id} to `to` through the gate. */
static int
do_transition(struct hn_req *r, const char *to, int approve, json_t *body)
{
	const char *grounds[32];
	struct transition_job j;
	struct hn_error e;
	json_t *g, *v, *payload = NULL;
	const char *id = hn_req_param(r, "id");
	size_t i;
	int rc;

	memset(&j, 0, sizeof(j));
	j.approve = approve;
	hn_request_row_init(&j.row);
	hn_error_clear(&e);
	if (!hn_rq_id_valid(id))
		return hn_resp_error(r, 404, "not_found", "id", NULL,
		    "no such request");
	g = json_object_get(body, "grounds");
	if (g != NULL && !json_is_null(g)) {
		if (!json_is_array(g) || json_array_size(g) > 32)
			return hn_resp_error(r, 400, "validation_failed",
			    "grounds", "40",
			    "grounds is a list of at most 32 "
			    "codes");
		json_array_foreach(g, i, v)
		{
			if (!json_is_string(v))
				return hn_resp_error(r, 400,
				    "validation_failed", "grounds", "40",
				    "each ground is a code (a string)");
			grounds[i] = json_string_value(v);
		}
		j.args.grounds = grounds;
		j.args.ngrounds = json_array_size(g);
	}
	v = json_object_get(body, "reason");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_string(v) ||
		    json_string_length(v) > HN_REQUEST_MAX_TEXT)
			return hn_resp_error(r, 400, "validation_failed",
			    "reason", "40",
			    "reason is a text of at most %u "
			    "bytes",
			    HN_REQUEST_MAX_TEXT);
		if (json_string_length(v) > 0)
			j.args.reason = json_string_value(v);
	}
	/* what the history keeps and the other State gets: grounds and
	 * reason as given */
	payload = json_object();
	if (j.args.ngrounds > 0)
		json_object_set(payload, "grounds", g);
	if (j.args.reason != NULL)
		json_object_set_new(payload, "reason",
		    json_string(j.args.reason));
	j.node = r->node;
	j.args.id = id;
	j.args.to = to;
	j.args.cause = HN_BY_USER;
	j.args.actor = r->who.name;
	j.args.roles = r->who.role & HN_PR_OFFICERS;
	j.args.payload = json_object_size(payload) ? payload : NULL;
	j.args.now = r->now;
	if ((rc = hn_store_write(r->node->store, transition_job, &j, &e)) !=
	    0) {
		rc = fail(r, rc, &e);
		goto out;
	}
	committed(r->node);
	hn_diag(HN_DIAG_INFO, "request.transition",
	    "id=%s from=%s to=%s "
	    "index=%llu account=%s",
	    j.row.id, j.from, j.row.state,
	    (unsigned long long)j.row.ledger_index, r->who.name);
	rc = resp_view(r, 200, &j.row, NULL, j.from);
out:
	hn_request_row_release(&j.row);
	json_decref(payload);
	return rc;
}

int
hn_api_requests_transition(struct hn_req *r)
{
	json_t *body = NULL;
	const char *to;
	int rc;

	if (hn_req_json(r, &body) != 0)
		return 0;
	if ((to = hn_json_str(body, "to")) == NULL)
		rc = hn_resp_error(r, 400, "validation_failed", "to", NULL,
		    "\"to\": the state to move to is required");
	else
		rc = do_transition(r, to, 0, body);
	json_decref(body);
	return rc;
}

int
hn_api_requests_approve(struct hn_req *r)
{
	json_t *body = NULL;
	int rc;

	/* the body is optional: {"reason": "..."} */
	if (r->body_len > 0) {
		if (hn_req_json(r, &body) != 0)
			return 0;
	} else if ((body = json_object()) == NULL) {
		return hn_resp_error(r, 500, "internal", NULL, NULL,
		    "internal error");
	}
	/* art. 41: approving sends (awaiting_approval -> queued, the
	 * request queued for the other State in the same transaction) */
	rc = do_transition(r, "queued", 1, body);
	json_decref(body);
	return rc;
}

struct note_job {
	struct hn_node *node;
	const char *id, *kind, *text, *actor;
	int64_t now;
	struct hn_request_row row;
};

static int
note_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct note_job *j = arg;

	hn_request_row_release(&j->row);
	return hn_rq_note(j->node, db, j->id, j->actor, NULL, j->kind, j->text,
	    j->now, &j->row, err);
}

/* POST /v1/requests/{id}/messages {"kind": "more_information", "text"} */
int
hn_api_requests_message(struct hn_req *r)
{
	struct note_job j;
	struct hn_error e;
	json_t *body = NULL;
	const char *id = hn_req_param(r, "id");
	int rc;

	memset(&j, 0, sizeof(j));
	hn_request_row_init(&j.row);
	hn_error_clear(&e);
	if (!hn_rq_id_valid(id))
		return hn_resp_error(r, 404, "not_found", "id", NULL,
		    "no such request");
	if (hn_req_json(r, &body) != 0)
		return 0;
	j.kind = hn_json_str(body, "kind");
	j.text = hn_json_str(body, "text");
	if (j.kind == NULL || strcmp(j.kind, "more_information") != 0)
		rc = hn_resp_error(r, 400, "validation_failed", "kind", "40",
		    "\"kind\": \"more_information\" is the message a request "
		    "takes besides its transitions");
	else if (j.text == NULL || *j.text == '\0' ||
	    strlen(j.text) > HN_REQUEST_MAX_TEXT)
		rc = hn_resp_error(r, 400, "validation_failed", "text", "40",
		    "\"text\": what is asked or supplied, 1 to %u bytes",
		    HN_REQUEST_MAX_TEXT);
	else {
		j.node = r->node;
		j.id = id;
		j.actor = r->who.name;
		j.now = r->now;
		if ((rc = hn_store_write(r->node->store, note_job, &j, &e)) !=
		    0) {
			rc = fail(r, rc, &e);
		} else {
			committed(r->node);
			hn_diag(HN_DIAG_INFO, "request.message",
			    "id=%s kind=%s "
			    "index=%llu account=%s",
			    j.row.id, j.kind,
			    (unsigned long long)j.row.ledger_index,
			    r->who.name);
			rc = hn_resp_json(r, 201,
			    json_pack("{s:s, s:s, s:I}", "id", j.row.id, "kind",
				j.kind, "ledger_index",
				(json_int_t)j.row.ledger_index));
		}
	}
	hn_request_row_release(&j.row);
	json_decref(body);
	return rc;
}
