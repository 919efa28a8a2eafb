/*
 * requests.h - the node's request service (the layer between the faces,
 * net/ and cli/, and store/ and fed/): creating and receiving requests and
 * moving them through their protocol. Every change of a request's state
 * goes through ONE function, hn_rq_change, which applies core/'s rules
 * (core/protocol.h: the table of the request's kind; grounds, deadlines)
 * and writes the change as ONE unit: the row, its history event, its
 * ledger entry and the message to the other node (the outbox row, through
 * the node's hooks), inside the caller's write job (store/store.h).
 *
 * Ledger entries are compact JSON with sorted keys, e.g.
 *   {"actor":"alice","at":"2026-11-23T17:00:00Z","body_sha256":"...",
 *    "from":"VNM","id":"...","kind":"preservation","side":"requesting",
 *    "state":"draft","to":"FRA","type":"request.created"}
 *   {"actor":"bob","at":"...","cause":"user","from":"awaiting_approval",
 *    "id":"...","payload_sha256":"...","to":"queued",
 *    "type":"request.transition"}
 * (cause: user, message, receipt or timer; a refusal lists its grounds).
 * The request document itself is not in the log (it may be confidential,
 * art. 42 (g)); its SHA-256 is, so the log commits to it.
 */
#ifndef HN_NODE_REQUESTS_H
#define HN_NODE_REQUESTS_H

#include <jansson.h>
#include <stdint.h>

#include "core/protocol.h"
#include "store/requests.h"
#include "util/err.h"

struct hn_node;
struct hn_db;

/*
 * Creates an outgoing request (requesting side, state draft) from a
 * validated document whose "from" is this node's party. Inside a write
 * job. On success `out` holds the new row (release it).
 */
int hn_rq_create(struct hn_node *n, struct hn_db *db, const json_t *doc,
    const char *actor, int64_t now, struct hn_request_row *out,
    struct hn_error *err);

/*
 * hn_rq_create in two halves, so that the single writer thread of the
 * group commit does only the storing: _prepare (any thread, no database)
 * makes the row, its canonical document and its ledger entry;
 * _store (inside a write job) appends the entry and writes the row and
 * its history (out->row.ledger_index set). Release with hn_rq_new_release
 * whatever the outcome.
 */
struct hn_rq_new {
	struct hn_request_row row;
	char *entry; /* the ledger entry (compact JSON, sorted keys) */
};
int hn_rq_create_prepare(struct hn_node *n, const json_t *doc,
    const char *actor, int64_t now, struct hn_rq_new *out,
    struct hn_error *err);
int hn_rq_create_store(struct hn_node *n, struct hn_db *db, struct hn_rq_new *p,
    int64_t now, struct hn_error *err);
void hn_rq_new_release(struct hn_rq_new *p);

/*
 * Stores an incoming request (requested side, state received) that
 * arrived from party doc.from in message `remote_id` (federation's deliver
 * port), or in writing outside the network (`hanoinet request receive`,
 * remote_id NULL). A request keeps one id on both nodes: the message id
 * (= the sender's request id) becomes its id when it is a valid request
 * id, else a new one is drawn. Validates the document and checks the
 * arrival against the kind's protocol (none -> received; a traffic
 * disclosure names a preservation we hold from the same party, art. 43);
 * HN_EEXIST if that id is stored already. Inside a write job.
 */
int hn_rq_receive(struct hn_node *n, struct hn_db *db, const json_t *doc,
    const char *remote_id, int64_t now, struct hn_request_row *out,
    struct hn_error *err);

/* One change of a request's state. */
struct hn_rq_change_args {
	const char *id;
	const char *to; /* the state to move to; NULL for a receipt:
			   the state the table's receipt row names */
	enum hn_cause cause; /* user, message, receipt, timer */
	const char *on; /* message and receipt: the message's kind */
	const char *party; /* message and receipt: the other State */
	const char *actor; /* user: the account; receipt: NULL (the
			      party) or who stands for it */
	unsigned roles; /* user: its HN_PR_* roles */
	const char *const *grounds; /* refusal: ground codes */
	size_t ngrounds;
	const char *reason; /* refusal, postponement, return */
	const json_t *payload; /* kept in the history and sent along (NULL) */
	int64_t now;
};

/*
 * THE gate: every change of a request's state passes here (the API's
 * transitions and approval, the CLI through the API, inbound messages
 * and receipts from the federation, the expiry timer). Inside a write
 * job: loads request a->id, gathers what the protocol needs to know (the
 * author, when preservation took effect, the preservation an art. 43
 * disclosure names, the refusal context: kind, legal basis, the requested
 * party's declarations), checks the change with core's hn_proto_check
 * against the kind's table, and writes, as one unit, the row, its
 * history event, its ledger entry and the message the row sends to the
 * other node (hooks.request_send; the message kind is the table's, its
 * body {request, state, payload}, or the request document itself).
 * On 0 `out` holds the changed row (release it; also on failure).
 * Errors (err says which field and article):
 *   HN_ENOTFOUND no such request;
 *   HN_EDENIED   wrong side, role or cause; the approver is the author;
 *                a message from a party the request is not between;
 *   HN_ESTATE    not a change of this state (409); the 60 days of
 *                art. 42 are not over;
 *   HN_EINVAL    unknown state, grounds or reasons missing or not open;
 *   HN_EVALIDATE the preservation a disclosure names is not there
 *                (field preservation_reference, art. 43);
 * and whatever the send hook answers (the treaty gate, the language).
 */
int hn_rq_change(struct hn_node *n, struct hn_db *db,
    const struct hn_rq_change_args *a, struct hn_request_row *out,
    struct hn_error *err) __attribute__((warn_unused_result));

/*
 * The timer (serve's upkeep tick): every requested-side preservation
 * whose art. 42 period has run out at `now` (core's deadline: 60 days
 * after it took effect, longer while a follow-up request is pending)
 * expires through hn_rq_change (cause timer), which tells the requesting
 * State. At most `max` per call, each in its own write job; *count (may
 * be NULL) gets how many expired. Not inside a write job.
 */
int hn_rq_timers(struct hn_node *n, int64_t now, size_t max, size_t *count,
    struct hn_error *err);

/*
 * A message about request `id` that changes no state: `kind` (e.g.
 * "more_information", art. 40: consultation) with `text`, kept in the
 * history (payload {"message": kind, "text": text}) and the ledger. From
 * us (party NULL, actor our account): also sent to the other State in the
 * same transaction (hooks.request_note; HN_ESTATE when it cannot go: not
 * on the network, or not sent yet). From the network (party = the sender,
 * actor the same): HN_EDENIED unless the request is between us and party.
 * HN_ENOTFOUND. Inside a write job.
 */
int hn_rq_note(struct hn_node *n, struct hn_db *db, const char *id,
    const char *actor, const char *party, const char *kind, const char *text,
    int64_t now, struct hn_request_row *out, struct hn_error *err);

/* Who looks at a request: the actions in its view are theirs. */
struct hn_rq_viewer {
	const char *name; /* account */
	unsigned roles; /* HN_PR_*; 0: none (an auditor) */
};

/*
 * The full view of a request for the API: row, document, deadlines
 * (computed at `now`), history (if events != NULL: stolen), the
 * transitions of its state ("transitions": every user row of its side,
 * for any officer) and "actions": the changes `who` may take now, each
 * {"to", "label", "article", "citation", "needs": [...]}, a refusal with
 * its allowed "grounds" [{"code", "citation", "text"}], a release before
 * the 60 days of art. 42 with "not_before"; an approval is not offered to
 * the request's author (art. 41).
 */
json_t *hn_rq_view(struct hn_node *n, const struct hn_request_row *r,
    json_t *events, const struct hn_rq_viewer *who, int64_t now);
/* The same view without "body": r->body is already the document's JSON
 * text, which the API splices in instead of parsing and re-serialising
 * it (net/api_requests.c). */
json_t *hn_rq_view_meta(struct hn_node *n, const struct hn_request_row *r,
    json_t *events, const struct hn_rq_viewer *who, int64_t now);

/* Replaces the integer Unix times of known keys in o (recursively) with
 * RFC 3339 strings. */
void hn_rq_times(json_t *o);

/* A syntactically valid request id (32 lowercase hex digits). */
int hn_rq_id_valid(const char *id);

#endif
