/*
 * api_fed.c - the HTTP handlers of the federation (POST /v1/inbox,
 * GET /v1/directory, /v1/federation, /v1/messages, /v1/log/cosignature(s),
 * /v1/witness): they parse the request, call the node's federation
 * binding (node/federation.h) and fed/, and write the response.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/date.h"
#include "fed/fed.h"
#include "fed/signed.h"
#include "net/http.h"
#include "net/routes.h"
#include "node/federation.h"
#include "node/node.h"
#include "store/fed.h"
#include "util/json.h"

#define LIST_MAX 200

/* ---- handlers ---- */

static struct hn_fed *
fed_of(struct hn_req *r)
{
	return hn_fednode_fed(r->node);
}

#define NEED_FED(r, f) \
	do { \
		if (((f) = fed_of(r)) == NULL) \
			return hn_resp_error((r), 503, "federation_disabled", \
			    NULL, NULL, \
			    "the federation is not running on this node"); \
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
		r->has_peer ? r->peer_fp : NULL, r->now, &st, &ct,
		&resp) != 0) {
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

/* GET /v1/federation: party, keys, directory (and its format version,
 * directory_version: 1 or 2 as signed, 0 if none held), register label,
 * counters. */
int
hn_api_federation(struct hn_req *r)
{
	struct hn_fed_stats st;
	char ts[HN_TIME_STRLEN] = "";
	const char *label;
	struct hn_fed *f;
	uint64_t serial = 0;
	int64_t exp = 0;
	size_t np = 0;
	int version = 0;
	json_t *o;

	NEED_FED(r, f);
	hn_fed_directory_info(f, &version, &serial, &exp, &np);
	if (exp > 0)
		hn_datetime_format(exp, ts);
	hn_fed_stats(f, &st);
	label = hn_conf_get(&r->node->conf, "register_label");
	o = json_pack("{s:s, s:s, s:s, s:s, s:{s:I, s:s, s:I}, s:i, s:s*, "
		      "s:{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}}",
	    "party", r->node->party, "role",
	    hn_conf_get(&r->node->conf, "role"), "signing_key", r->node->vkey,
	    "key_name", r->node->key_name, "directory", "serial",
	    (json_int_t)serial, "expires_at", ts, "parties", (json_int_t)np,
	    "directory_version", version, "register_label",
	    label && *label ? label : NULL, "counters", "inbox_accepted",
	    (json_int_t)st.inbox_accepted, "inbox_duplicates",
	    (json_int_t)st.inbox_duplicates, "inbox_rejected",
	    (json_int_t)st.inbox_rejected, "out_attempts",
	    (json_int_t)st.out_attempts, "out_delivered",
	    (json_int_t)st.out_delivered, "out_failed",
	    (json_int_t)st.out_failed, "evidence_attempts",
	    (json_int_t)st.ev_attempts, "evidence_acknowledged",
	    (json_int_t)st.ev_acknowledged, "evidence_failed",
	    (json_int_t)st.ev_failed, "witness_cosigned",
	    (json_int_t)st.witness_cosigned, "witness_alerts",
	    (json_int_t)st.witness_alerts);
	return hn_resp_json(r, 200, o);
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
	struct hn_fednode_msg m;
	const char *reply, *request;
	struct hn_db *db = NULL;
	struct hn_error e;
	struct hn_fed *f;
	json_t *in = NULL, *o;
	int rc;

	NEED_FED(r, f);
	if ((rc = hn_req_json(r, &in)) != 0)
		return rc;
	memset(&m, 0, sizeof(m));
	m.to = hn_json_str(in, "to");
	m.kind = hn_json_str(in, "kind");
	reply = hn_json_str(in, "in_reply_to");
	request = hn_json_str(in, "request_id");
	m.body = json_object_get(in, "body");
	m.now_ms = (int64_t)r->now * 1000;
	hn_error_clear(&e);
	if (m.to == NULL || m.kind == NULL || !json_is_object(m.body)) {
		rc = hn_resp_error(r, 400, "validation_failed", "body", NULL,
		    "to, kind and body (an object) are required");
		goto out;
	}
	if ((k = hn_msg_kind_find(m.kind)) == NULL ||
	    strcmp(k->name, "receipt") == 0) {
		rc = hn_resp_error(r, 400, "validation_failed", "kind", NULL,
		    "kind: more_information (art. 40), the one message "
		    "sent by hand");
		goto out;
	}
	if (strcmp(k->name, "more_information") != 0) {
		rc = hn_resp_error(r, 400, "use_request_routes", "kind",
		    k->article,
		    "a %s %s: use POST /v1/requests and "
		    "/v1/requests/{id}/transitions (or /approve), which check "
		    "the Convention's rules and send it to the other State; "
		    "this route carries only more_information",
		    k->name,
		    k->is_request ? "is a request" : "changes a request");
		goto out;
	}
	if ((reply != NULL && strlen(reply) > HN_REF_MAX) ||
	    (request != NULL && strlen(request) > HN_REF_MAX)) {
		rc = hn_resp_error(r, 400, "validation_failed",
		    reply != NULL && strlen(reply) > HN_REF_MAX ?
			"in_reply_to" :
			"request_id",
		    NULL,
		    "references are at "
		    "most %d bytes",
		    HN_REF_MAX);
		goto out;
	}
	if (request != NULL && reply != NULL && strcmp(request, reply) != 0) {
		rc = hn_resp_error(r, 400, "validation_failed", "in_reply_to",
		    NULL,
		    "in_reply_to and request_id name different "
		    "requests");
		goto out;
	}
	m.ref = request != NULL ? request : reply;
	m.field = request != NULL ? "request_id" : "in_reply_to";
	if (m.ref == NULL || m.ref[0] == '\0') {
		rc = hn_resp_error(r, 400, "validation_failed", "request_id",
		    "40", "request_id: the request this message is about");
		goto out;
	}
	if (hn_req_db(r, &db) != 0) {
		rc = hn_resp_error(r, 503, "busy", NULL, NULL, "try again");
		goto out;
	}
	if ((rc = hn_fednode_message(r->node, db, &m, &e)) != 0) {
		if (e.code == 0)
			e.code = rc;
		if (e.code == HN_ESTATE)
			rc = hn_resp_error(r, 409, "conflict", e.field,
			    e.article, "%s", e.message);
		else
			rc = hn_resp_err(r, &e);
		goto out;
	}
	o = json_pack("{s:s, s:s, s:I}", "id", m.id, "status", "queued",
	    "ledger_index", (json_int_t)m.index);
	rc = hn_resp_json(r, 201, o);
out:
	json_decref(in);
	return rc;
}

static json_t *
outbox_json(const struct hn_outbox_row *o)
{
	json_t *j;

	j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:I, s:I, s:s}",
	    "id", o->msg_id, "to", o->recipient, "kind", o->kind, "in_reply_to",
	    o->in_reply_to, "request_id", o->request_id, "status",
	    hn_out_status_name(o->status), "attempts", o->attempts,
	    "created_ms", (json_int_t)o->created_ms, "next_attempt_ms",
	    (json_int_t)o->next_ms, "last_error", o->last_error);
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
					      "s:I, s:b}",
			    "seq", (json_int_t)in[i].seq, "id", in[i].msg_id,
			    "from", in[i].sender, "kind", in[i].kind,
			    "in_reply_to", in[i].in_reply_to, "received_ms",
			    (json_int_t)in[i].received_ms, "ledger_index",
			    (json_int_t)in[i].ledger_index, "receipted",
			    in[i].receipt != NULL);

			if (m != NULL && in[i].refused[0] != '\0')
				json_object_set_new(m, "refused",
				    json_string(in[i].refused));

			if (m != NULL &&
			    hn_signed_parse(&so, in[i].envelope,
				in[i].envelope_len, HN_ENV_MAX, NULL) == 0) {
				json_t *p =
				    hn_json_parse(so.payload, so.payload_len,
					HN_ENV_MAX, HN_ENV_DEPTH, NULL);
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
	rc = hn_resp_raw(r, st, "application/json",
	    resp.data ? resp.data : "{}", resp.data ? resp.len : 2);
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
	o = json_pack("{s:I, s:o}", "alert_count", (json_int_t)count, "alerts",
	    alerts);
	return hn_resp_json(r, 200, o);
}
