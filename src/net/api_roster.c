/* GET/PUT /v1/roster: the on-call roster for alerts (issue 16). */
#include "core/roster.h"
#include "net/http.h"
#include "net/routes.h"
#include "node/node.h"
#include "store/roster.h"
#include "util/diag.h"

int
hn_api_roster_get(struct hn_req *r)
{
	struct hn_error e;
	struct hn_db *db;
	json_t *v = NULL;
	int rc;

	hn_error_clear(&e);
	if ((rc = hn_req_db(r, &db)) != 0 ||
	    (rc = hn_roster_get(db, &v)) != 0) {
		e.code = rc;
		return hn_resp_err(r, &e);
	}
	return hn_resp_json(r, 200, v);
}

struct put_job {
	const json_t *doc;
	const char *by;
	int64_t now;
};

static int
put_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct put_job *j = arg;

	(void)err;
	return hn_roster_put(db, j->doc, j->by, j->now);
}

int
hn_api_roster_put(struct hn_req *r)
{
	struct put_job j;
	struct hn_error e;
	json_t *body = NULL;
	int rc;

	hn_error_clear(&e);
	if (hn_req_json(r, &body) != 0)
		return 0;
	j.doc = body;
	j.by = r->who.name;
	j.now = (int64_t)r->now;
	if ((rc = hn_roster_validate(body, &e)) != 0 ||
	    (rc = hn_store_write(r->node->store, put_job, &j, &e)) != 0) {
		if (e.code == 0)
			e.code = rc;
		rc = hn_resp_err(r, &e);
		goto out;
	}
	hn_diag(HN_DIAG_INFO, "roster.updated", "people=%zu by=%s",
	    json_array_size(json_object_get(body, "people")), r->who.name);
	rc = hn_resp_json(r, 200, json_pack("{s:O}", "roster", body));
out:
	json_decref(body);
	return rc;
}
