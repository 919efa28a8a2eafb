#include "node/custody.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/date.h"
#include "store/blob.h"
#include "util/file.h"
#include "util/fmt.h"
#include "util/json.h"

int
hn_custody_append(struct hn_custody *c, json_t *entry, int64_t *index)
{
	uint64_t idx = 0;
	char *s = NULL;
	int r;

	*index = -1;
	if (c->sink.append == NULL)
		return 0;
	if (json_object_set_new(entry, "node", json_string(c->node)) != 0)
		return HN_ENOMEM;
	if ((s = hn_json_dump(entry)) == NULL)
		return HN_ENOMEM;
	r = c->sink.append(c->sink.ctx, s, strlen(s), &idx);
	free(s);
	if (r == 0)
		*index = (int64_t)idx;
	return r;
}

static int
set(json_t *o, const char *k, json_t *v)
{
	return v == NULL || json_object_set_new(o, k, v) != 0 ? HN_ENOMEM : 0;
}

int
hn_custody_event_tx(struct hn_custody *c, const struct hn_evidence_item *it,
    const char *action, int64_t at, const char *actor, const char *reason,
    json_t *detail, struct hn_error *err)
{
	struct hn_evidence_custody ev;
	char ts[21];
	char *d = NULL;
	json_t *e = NULL;
	int r;

	if (hn_evidence_custody_action_valid(action) != 0)
		return hn_error_set(err, HN_EINVAL, "action", NULL,
		    "unknown custody action %s", action);
	if (reason == NULL)
		reason = "";
	hn_datetime_format(at, ts);
	memset(&ev, 0, sizeof(ev));
	ev.item_id = it->id;
	/* a known action; actor, reason and detail are checked below */
	HN_FMT_FIXED(ev.action, sizeof(ev.action), "%s", action);
	ev.at = at;
	if (strlen(actor) >= sizeof(ev.actor) ||
	    strlen(reason) >= sizeof(ev.reason))
		return hn_error_set(err, HN_ETOOBIG, "reason", NULL,
		    "actor or reason too long");
	HN_FMT_FIXED(ev.actor, sizeof(ev.actor), "%s", actor);
	HN_FMT_FIXED(ev.reason, sizeof(ev.reason), "%s", reason);
	if (detail != NULL) {
		if ((d = hn_json_dump(detail)) == NULL)
			return HN_ENOMEM;
		if (strlen(d) >= sizeof(ev.detail)) {
			r = hn_error_set(err, HN_ETOOBIG, "detail", NULL,
			    "custody detail too long");
			goto out;
		}
		HN_FMT_FIXED(ev.detail, sizeof(ev.detail), "%s", d);
	}
	if ((e = json_object()) == NULL) {
		r = HN_ENOMEM;
		goto out;
	}
	if ((r = set(e, "type", json_string("evidence.custody"))) != 0 ||
	    (r = set(e, "action", json_string(action))) != 0 ||
	    (r = set(e, "item", json_integer(it->id))) != 0 ||
	    (r = set(e, "request", json_string(it->request_id))) != 0 ||
	    (r = set(e, "name", json_string(it->name))) != 0 ||
	    (r = set(e, "sha256", json_string(it->sha256))) != 0 ||
	    (r = set(e, "size", json_integer((json_int_t)it->size))) != 0 ||
	    (r = set(e, "actor", json_string(actor))) != 0 ||
	    (r = set(e, "at", json_string(ts))) != 0)
		goto out;
	if (reason[0] != '\0' &&
	    (r = set(e, "reason", json_string(reason))) != 0)
		goto out;
	if (detail != NULL &&
	    (r = set(e, "detail", json_deep_copy(detail))) != 0)
		goto out;
	if ((r = hn_custody_append(c, e, &ev.ledger_index)) != 0) {
		r = hn_error_set(err, r, NULL, NULL,
		    "cannot append the custody event to the ledger");
		goto out;
	}
	if ((r = hn_evidence_custody_insert(c->db, &ev)) != 0)
		r = hn_error_set(err, r, NULL, NULL,
		    "cannot store the custody event: %s", hn_db_errmsg(c->db));
out:
	free(d);
	json_decref(e);
	return r;
}

struct event_job {
	struct hn_custody *c;
	const struct hn_evidence_item *it;
	const char *action, *actor, *reason;
	int64_t at;
	json_t *detail;
};

static int
event_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct event_job *j = arg;

	return hn_custody_event_tx(j->c, j->it, j->action, j->at, j->actor,
	    j->reason, j->detail, err);
}

int
hn_custody_event(struct hn_custody *c, const struct hn_evidence_item *it,
    const char *action, int64_t at, const char *actor, const char *reason,
    json_t *detail, struct hn_error *err)
{
	struct event_job j = { c, it, action, actor, reason, at, detail };

	return hn_db_tx(c->db, event_job, &j, err);
}

struct item_job {
	struct hn_custody *c;
	struct hn_evidence_item *it;
	const char *actor;
	int64_t at;
	json_t *intake, *seal; /* the events' details */
};

/* The item row and its intake and seal events, in the open transaction. */
static int
item_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct item_job *j = arg;
	int r;

	r = hn_evidence_insert(db, j->it);
	if (r == HN_EEXIST)
		return hn_error_set(err, r, "name", NULL,
		    "request %s already has an item named %s",
		    j->it->request_id, j->it->name);
	if (r != 0)
		return hn_error_set(err, r, NULL, NULL,
		    "cannot store the item: %s", hn_db_errmsg(db));
	if ((r = hn_custody_event_tx(j->c, j->it, "intake", j->at, j->actor, "",
		 json_object_size(j->intake) > 0 ? j->intake : NULL, err)) != 0)
		return r;
	return hn_custody_event_tx(j->c, j->it, "seal", j->at, j->actor, "",
	    j->seal, err);
}

static int
add_item(struct hn_custody *c, const struct hn_intake_result *res,
    const char *request_id, const char *name, const char *description,
    const char *actor, int64_t at, const char *sealed_for_hex,
    struct hn_evidence_item *it, int own_tx, struct hn_error *err)
{
	struct item_job j;
	json_t *d = NULL, *s = NULL;
	int r;

	memset(it, 0, sizeof(*it));
	if (request_id == NULL || request_id[0] == '\0' ||
	    strlen(request_id) > HN_EV_REQUEST_MAX)
		return hn_error_set(err, HN_EINVAL, "request", NULL,
		    "a request id of 1 to %d bytes is required",
		    HN_EV_REQUEST_MAX);
	if (description == NULL)
		description = "";
	if (strlen(description) > HN_EV_TEXT_MAX)
		return hn_error_set(err, HN_ETOOBIG, "description", NULL,
		    "description longer than %d bytes", HN_EV_TEXT_MAX);
	if (strlen(actor) > HN_EV_WHO_MAX)
		return hn_error_set(err, HN_ETOOBIG, "actor", NULL,
		    "actor name too long");
	/* every length was checked above; digests are fixed-size hex */
	HN_FMT_FIXED(it->request_id, sizeof(it->request_id), "%s", request_id);
	hn_evidence_safe_name(it->name, name);
	HN_FMT_FIXED(it->description, sizeof(it->description), "%s",
	    description);
	HN_FMT_FIXED(it->sha256, sizeof(it->sha256), "%s", res->addr);
	HN_FMT_FIXED(it->sha1, sizeof(it->sha1), "%s", res->sha1);
	HN_FMT_FIXED(it->md5, sizeof(it->md5), "%s", res->md5);
	it->size = res->size;
	it->added_at = at;
	HN_FMT_FIXED(it->added_by, sizeof(it->added_by), "%s", actor);

	if ((d = json_object()) == NULL || (s = json_object()) == NULL) {
		r = HN_ENOMEM;
		goto out;
	}
	if ((res->sha1[0] != '\0' &&
		(r = set(d, "sha1", json_string(res->sha1))) != 0) ||
	    (res->md5[0] != '\0' &&
		(r = set(d, "md5", json_string(res->md5))) != 0))
		goto out;
	if ((r = set(s, "object", json_string(res->addr))) != 0 ||
	    (r = set(s, "cipher", json_string("aes-256-gcm-stream"))) != 0 ||
	    (r = set(s, "sealed_for", json_string(sealed_for_hex))) != 0 ||
	    (r = set(s, "existing_object", json_boolean(res->existed))) != 0)
		goto out;
	j.c = c;
	j.it = it;
	j.actor = actor;
	j.at = at;
	j.intake = d;
	j.seal = s;
	r = own_tx ? hn_db_tx(c->db, item_job, &j, err) :
		     item_job(c->db, &j, err);
out:
	json_decref(d);
	json_decref(s);
	return r;
}

int
hn_custody_add_item(struct hn_custody *c, const struct hn_intake_result *res,
    const char *request_id, const char *name, const char *description,
    const char *actor, int64_t at, const char *sealed_for_hex,
    struct hn_evidence_item *it, struct hn_error *err)
{
	return add_item(c, res, request_id, name, description, actor, at,
	    sealed_for_hex, it, 1, err);
}

int
hn_custody_add_item_tx(struct hn_custody *c, const struct hn_intake_result *res,
    const char *request_id, const char *name, const char *description,
    const char *actor, int64_t at, const char *sealed_for_hex,
    struct hn_evidence_item *it, struct hn_error *err)
{
	return add_item(c, res, request_id, name, description, actor, at,
	    sealed_for_hex, it, 0, err);
}

struct receive_job {
	struct hn_custody *c;
	const struct hn_custody_in *in;
	struct hn_evidence_item *it;
};

static int
receive_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct receive_job *j = arg;
	const struct hn_custody_in *in = j->in;
	struct hn_evidence_item *it = j->it;
	int r;

	if ((r = add_item(j->c, in->res, in->request_id, in->name,
		 in->description, in->actor, in->at, in->sealed_for_hex, it, 0,
		 err)) != 0)
		return r;
	/* art. 36: who sent it and under which conditions */
	if ((r = hn_evidence_set_origin(db, it->id, in->from,
		 in->conditions)) != 0)
		return r;
	if (hn_fmt(it->origin, sizeof(it->origin), "%s", in->from) != 0 ||
	    hn_fmt(it->conditions, sizeof(it->conditions), "%s",
		in->conditions) != 0)
		return HN_ETOOBIG; /* set_origin checked them: not reached */
	if ((r = hn_custody_event_tx(j->c, it, "received", in->at, in->actor,
		 "", in->received, err)) != 0 ||
	    (r = hn_custody_event_tx(j->c, it, "verified", in->at, in->actor,
		 in->verified, NULL, err)) != 0)
		return r;
	return hn_transfer_insert(db, it->id, "in", in->from, in->conditions,
	    in->at);
}

int
hn_custody_receive(struct hn_custody *c, const struct hn_custody_in *in,
    struct hn_evidence_item *it, struct hn_error *err)
{
	struct receive_job j = { c, in, it };

	return hn_db_tx(c->db, receive_job, &j, err);
}

struct hand_over_job {
	struct hn_custody *c;
	const struct hn_evidence_item *it;
	const char *peer, *conditions, *actor, *reason;
	int64_t at;
	json_t *detail;
};

static int
hand_over_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct hand_over_job *j = arg;
	int r;

	if ((r = hn_custody_event_tx(j->c, j->it, "transfer_out", j->at,
		 j->actor, j->reason, j->detail, err)) != 0)
		return r;
	if ((r = hn_transfer_insert(db, j->it->id, "out", j->peer,
		 j->conditions, j->at)) != 0)
		return hn_error_set(err, r, NULL, NULL,
		    "cannot record the transfer");
	return 0;
}

int
hn_custody_hand_over(struct hn_custody *c, const struct hn_evidence_item *it,
    const char *peer, const char *conditions, const char *sealed_for,
    int64_t at, const char *actor, const char *reason, struct hn_error *err)
{
	struct hand_over_job j = { c, it, peer, conditions, actor, reason, at,
		NULL };
	int r;

	if (hn_evidence_onward_allowed(it) != 0) /* art. 36 */
		return hn_error_set(err, HN_EDENIED, NULL, "36",
		    "%s was "
		    "received from %s; sending it on needs that State's "
		    "authorisation",
		    it->name, it->origin);
	if ((j.detail = json_pack("{s:s,s:s,s:s}", "recipient", peer,
		 "conditions", conditions, "sealed_for", sealed_for)) == NULL)
		return hn_error_set(err, HN_ENOMEM, NULL, NULL,
		    "out of memory");
	r = hn_db_tx(c->db, hand_over_job, &j, err);
	json_decref(j.detail);
	return r;
}

struct delete_job {
	struct hn_custody *c;
	const struct hn_evidence_item *it;
	const char *actor, *reason;
	int64_t at;
	int64_t refs; /* other items still using the object */
};

static int
delete_job(struct hn_db *db, void *arg, struct hn_error *err)
{
	struct delete_job *j = arg;
	int r;

	if ((r = hn_custody_event_tx(j->c, j->it, "deleted", j->at, j->actor,
		 j->reason, NULL, err)) != 0 ||
	    (r = hn_evidence_mark_deleted(db, j->it->id, j->at)) != 0)
		return r;
	return hn_evidence_object_refs(db, j->it->sha256, j->it->id, &j->refs);
}

int
hn_custody_delete(struct hn_custody *c, const char *blobs,
    const struct hn_evidence_item *it, int64_t at, const char *actor,
    const char *reason, struct hn_error *err)
{
	struct delete_job j = { c, it, actor, reason, at, 0 };
	char path[HN_BLOB_PATH_MAX];
	int r;

	if (it->retention_until == 0 || it->retention_until > at)
		return hn_error_set(err, HN_ESTATE, NULL, NULL,
		    "%s is under "
		    "retention: it is deleted only once its retention period "
		    "ends",
		    it->name);
	if ((r = hn_db_tx(c->db, delete_job, &j, err)) != 0)
		return r;
	/* the record is durable; now the content (if nothing else uses it) */
	if (j.refs == 0 &&
	    hn_blob_path(path, sizeof(path), blobs, it->sha256) == 0 &&
	    unlink(path) == 0)
		(void)hn_fsync_parent(path);
	return 0;
}

int
hn_custody_consent(struct hn_custody *c, const struct hn_evidence_item *it,
    const char *ref)
{
	if (ref == NULL || ref[0] == '\0')
		return HN_EINVAL;
	if (strlen(ref) > HN_EV_TEXT_MAX)
		return HN_ETOOBIG;
	return hn_evidence_set_consent(c->db, it->id, ref);
}

int
hn_custody_retain(struct hn_custody *c, const struct hn_evidence_item *it,
    int64_t until)
{
	return hn_evidence_set_retention(c->db, it->id, until);
}
